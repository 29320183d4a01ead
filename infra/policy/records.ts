import { isUnknown } from './unknowns';
/**
 * What every guard rule works on: the records it reads, the violations it reports, and the helpers that read
 * resources and follow references between them (by id where known, else through the engine's property dependencies).
 * The rules themselves live by concern (network.ts, dataSafety.ts, observability.ts, access.ts); rules.ts lists them.
 */
export interface ResourceRecord {
  type: string;
  name: string;
  /** The physical id where known (undefined while unknown at a preview), so rules can follow references. */
  id?: string;
  inputs: Record<string, unknown>;
  /** The resource's URN, where the record comes from the engine or the graph runner. */
  urn?: string;
  /** For each input, the URNs of the resources its value came from (known at a preview too). */
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  rule: string;
  resource: string;
  message: string;
  /** The offending resource's URN, where its record has one (the pack reports the violation against it). */
  urn?: string;
}

export interface RuleContext {
  stack: string;
}

export interface Rule {
  id: string;
  description: string;
  check(resources: readonly ResourceRecord[], context: RuleContext): Violation[];
}

/** Stacks whose data must be recoverable. */
export const PROTECTED_STACKS = ['stage', 'main'];
export const SECURITY_GROUP = 'aws:ec2/securityGroup:SecurityGroup';
export const ofType = (resources: readonly ResourceRecord[], type: string) => resources.filter((r) => r.type === type);
export const violation = (rule: string, resource: ResourceRecord | string, message: string): Violation => ({
  rule,
  resource: typeof resource === 'string' ? resource : `${resource.type}::${resource.name}`,
  message,
  ...(typeof resource !== 'string' && resource.urn ? { urn: resource.urn } : {}),
});
export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
export const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * The resources of `type` that `resource`'s input `property` was computed from, by the URNs the engine records for
 * it (its property dependencies): how a rule follows a reference whose value (an id, an ARN) is unknown at preview.
 */
export const sourcesOf = (resources: readonly ResourceRecord[], resource: ResourceRecord, property: string, type: string): ResourceRecord[] => {
  const urns = new Set(resource.propertyDependencies?.[property] ?? []);
  return resources.filter((r) => r.type === type && r.urn !== undefined && urns.has(r.urn));
};

/**
 * The resource of `type` whose id `resource`'s input `property` holds: found by that id where it is known, else (at a
 * preview, where ids are unknown) as the one resource of `type` the value was computed from. Undefined when neither
 * tells: the reference is then to something outside the stack, and a rule cannot vouch for it.
 */
export const referencedResource = (
  resources: readonly ResourceRecord[],
  resource: ResourceRecord,
  property: string,
  type: string,
): ResourceRecord | undefined => {
  const value = resource.inputs[property];
  if (!isUnknown(value)) return value === undefined ? undefined : resources.find((r) => r.type === type && (r.id ?? r.name) === value);
  const sources = sourcesOf(resources, resource, property, type);
  return sources.length === 1 ? sources[0] : undefined;
};
export const TABLE = 'aws:dynamodb/table:Table';
export const KMS_KEY = 'aws:kms/key:Key';
export const BUCKET = 'aws:s3/bucket:Bucket';

/**
 * Whether `value`, an input of `from` (inside its input `property`), names `target`: by the target's id, name, ARN or
 * bucket where the value is known, else (a preview's unknown) by the URNs the engine records `property` was computed
 * from.
 */
export const names = (from: ResourceRecord, property: string, value: unknown, target: ResourceRecord): boolean => {
  if (isUnknown(value)) return target.urn !== undefined && (from.propertyDependencies?.[property] ?? []).includes(target.urn);
  const ids = [target.id, target.name, target.inputs.name, target.inputs.arn, target.inputs.bucket].filter((x) => x !== undefined && !isUnknown(x));
  return value !== undefined && value !== null && ids.includes(value);
};

/** The key of the stack an input (a KMS key ARN) comes from: by the ARN where the record has it, else by property dependencies. */
export const keyOf = (resources: readonly ResourceRecord[], from: ResourceRecord, property: string, arn: unknown): ResourceRecord | undefined =>
  ofType(resources, KMS_KEY).find(
    (k) => (!isUnknown(arn) && arn !== undefined && k.inputs.arn === arn) || sourcesOf(resources, from, property, KMS_KEY).includes(k),
  );
