import type { PolicyConfigSchema } from '@pulumi/policy';
import type { RuleContext } from './rules';

/**
 * How the policy pack learns which stack it judges: policy config, passed by the pipeline with
 * `pulumi preview --policy-pack infra/policy --policy-pack-config <file>` (the file comes from
 * `npm run policy:config -- --stack <name>`). Nothing is read from the environment, and a pack run without
 * the config fails closed instead of guessing a stack.
 */
export const STACKS = ['development', 'stage', 'main'] as const;
export type StackName = (typeof STACKS)[number];

export const isStackName = (value: unknown): value is StackName => STACKS.includes(value as StackName);

/** Every rule takes the same config: the stack it is judging. */
export const stackConfigSchema: PolicyConfigSchema = {
  properties: { stack: { type: 'string', enum: [...STACKS] } },
  required: ['stack'],
};

/** The `--policy-pack-config` file for a stack: each rule's config, keyed by rule id. */
export function policyPackConfig(ruleIds: readonly string[], stack: StackName): Record<string, { stack: StackName }> {
  return Object.fromEntries(ruleIds.map((id) => [id, { stack }]));
}

/** A rule's context from the config Pulumi hands it; throws when the pipeline did not pass one. */
export function ruleContext(config: unknown): RuleContext {
  const stack = (config as { stack?: unknown } | undefined)?.stack;
  if (!isStackName(stack)) {
    throw new Error(
      `no stack in the policy config (got ${JSON.stringify(stack)}): pass --policy-pack-config from \`npm run policy:config -- --stack <${STACKS.join('|')}>\``,
    );
  }
  return { stack };
}
