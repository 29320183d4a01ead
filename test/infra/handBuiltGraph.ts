import type { ResourceRecord, Rule } from '../../infra/policy/records';

/** A resource record as the graph runner gives it to a rule: its type, name and URN, its inputs, and `extra` (an id, property dependencies). */
export const record = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}): ResourceRecord => ({
  type,
  name,
  urn: `urn:pulumi:test::orders::${type}::${name}`,
  inputs,
  ...extra,
});

/** What `rule` reports on `resources` for `stack`, message by message. */
export const messages = (rule: Rule, resources: ResourceRecord[], stack = 'main') => rule.check(resources, { stack }).map((v) => v.message);
