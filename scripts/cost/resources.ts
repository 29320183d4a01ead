/** A resource as the graph records it (scripts/graph/stackRun.ts); urn and dependencies link resources. */
export interface CostResource {
  type: string;
  name: string;
  id?: string;
  urn?: string;
  /** false for a component (a container of other resources, costing nothing itself). */
  custom?: boolean;
  inputs: Record<string, unknown>;
  /** For each input, the URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

export const ofType = (resources: readonly CostResource[], type: string) => resources.filter((r) => r.type === type);
export const asArray = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The resource an input of `from` came from: by the graph's dependencies, else the only candidate. */
export function linked(from: CostResource, input: string, candidates: readonly CostResource[]): CostResource | undefined {
  const urns = from.propertyDependencies?.[input] ?? [];
  const byUrn = candidates.find((c) => c.urn !== undefined && urns.includes(c.urn));
  if (byUrn) return byUrn;
  return candidates.length === 1 ? candidates[0] : undefined;
}
