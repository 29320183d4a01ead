import { PolicyPack, type PolicyResource } from '@pulumi/policy';
import { rules, type ResourceRecord } from './rules';
import { ruleContext, stackConfigSchema } from './stackConfig';
import { isUnknown } from './unknowns';

/**
 * The guard rules as a Pulumi policy pack:
 *   npm run --silent policy:config -- --stack <name> > policy-config.json
 *   pulumi preview --stack <name> --policy-pack infra/policy --policy-pack-config policy-config.json
 *
 * How the engine runs it: the Node.js language host starts `node @pulumi/pulumi/cmd/run-policy-pack <engine> <this
 * folder>` with this folder as working directory; `new PolicyPack` reads the pack's version from ./package.json and
 * Node loads `main` (index.ts, compiled by the ts-node @pulumi/pulumi vendors, type-checked with the repository's
 * typescript; dependencies resolve from the repository's node_modules). The pack prints its gRPC port, and the
 * engine calls AnalyzeStack at the end of every preview and update with each resource's outputs.
 * test/infra/policyPack.test.ts starts it exactly so and speaks the engine's side of that protocol.
 *
 * Unknowns: at a preview of a first deploy ids and computed outputs are unknown. @pulumi/policy hands `props` behind
 * a proxy that throws on reading an unknown, and turns that into "can't run policy during preview", advisory: every
 * rule would stop guarding the first deploy. So the records below are read around the proxy, unknowns kept as the
 * engine's sentinel, and each rule decides what an unknown means (rules.ts: `isUnknown`, and each description).
 * Tests call the rules directly as well (importing this file starts the policy gRPC server), with the same config.
 */

/**
 * A resource's outputs as plain data, unknowns left as their sentinel strings. Reading the own property descriptors
 * bypasses the proxy's `get` trap (the only trap it has), so nothing throws, and nested values come back unproxied.
 */
function plainProperties(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(props).map((key) => [key, Object.getOwnPropertyDescriptor(props, key)?.value]));
}

/** What a rule reads of a resource: type, name, its id where known, its outputs, URN and property dependencies. */
function record(resource: PolicyResource): ResourceRecord {
  const inputs = plainProperties(resource.props);
  const id = inputs.id;
  return {
    type: resource.type,
    name: resource.name,
    ...(typeof id === 'string' && id !== '' && !isUnknown(id) ? { id } : {}),
    inputs,
    urn: resource.urn,
    propertyDependencies: Object.fromEntries(Object.entries(resource.propertyDependencies).map(([key, sources]) => [key, sources.map((s) => s.urn)])),
  };
}

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
      const resources = args.resources.map(record);
      for (const violation of rule.check(resources, context)) reportViolation(`${violation.resource}: ${violation.message}`, violation.urn);
    },
  })),
});
