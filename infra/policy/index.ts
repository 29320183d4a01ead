import { PolicyPack } from '@pulumi/policy';
import { rules, type ResourceRecord } from './rules';
import { ruleContext, stackConfigSchema } from './stackConfig';

/**
 * The guard rules as a Pulumi policy pack:
 *   npm run --silent policy:config -- --stack <name> > policy-config.json
 *   pulumi preview --stack <name> --policy-pack infra/policy --policy-pack-config policy-config.json
 * Tests call the rules directly (importing this file starts the policy gRPC server), with the same config.
 */
new PolicyPack('orders-guard', {
  policies: rules.map((rule) => ({
    name: rule.id,
    description: rule.description,
    enforcementLevel: 'mandatory' as const,
    configSchema: stackConfigSchema,
    validateStack: (args, reportViolation) => {
      let context;
      try {
        context = ruleContext(args.getConfig());
      } catch (err) {
        reportViolation((err as Error).message);
        return;
      }
      const resources: ResourceRecord[] = args.resources.map((r) => ({ type: r.type, name: r.name, id: r.props.id as string | undefined, inputs: r.props }));
      for (const violation of rule.check(resources, context)) reportViolation(`${violation.resource}: ${violation.message}`);
    },
  })),
});
