import { UNKNOWN } from '../../infra/policy/unknowns';

/** How the engine writes an unknown value on the wire; the policy rules read the same sentinel. */
export { UNKNOWN };

/** Replaces the SDK's in-memory unknowns with the engine's wire sentinel, so records serialise as the engine's. */
export function withSentinels(value: unknown, isUnknown: (v: unknown) => boolean): unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v) => withSentinels(v, isUnknown));
  // Plain data only: assets and archives keep their class (tests read their path).
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSentinels(v, isUnknown)]));
  }
  return value;
}

/** Whether a recorded value holds an unknown anywhere. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}
