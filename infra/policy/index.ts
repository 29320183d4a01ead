import { PolicyPack } from '@pulumi/policy';
import { rules, type ResourceRecord } from './rules';

/**
 * The guard rules as a Pulumi policy pack: `pulumi preview --policy-pack infra/policy`. Tests call the rules
 * directly (importing this file starts the policy gRPC server). The stack is read from ORDERS_STACK, and the
 * strictest stack (main) is assumed when it is not set.
 */
const stack = process.env.ORDERS_STACK ?? 'main';

new PolicyPack('orders-guard', {
  policies: rules.map((rule) => ({
    name: rule.id,
    description: rule.description,
    enforcementLevel: 'mandatory' as const,
    validateStack: (args, reportViolation) => {
      const resources: ResourceRecord[] = args.resources.map((r) => ({ type: r.type, name: r.name, id: r.props.id as string | undefined, inputs: r.props }));
      for (const violation of rule.check(resources, { stack })) reportViolation(`${violation.resource}: ${violation.message}`);
    },
  })),
});
