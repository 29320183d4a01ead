/**
 * How a value the engine does not know yet reaches a rule. At a preview, an id, an ARN, or any input computed from
 * one is still unknown (nothing exists yet on a first deploy), and the engine hands it to the policy pack as a
 * sentinel string in its place, one per kind of value (sdk/go/common/resource/plugin/rpc.go, `Unknown*Value`;
 * the string one is by far the most common). The offline graph runner (scripts/graph) records unknowns the same way,
 * so a rule called directly in a test sees what it sees in the pack.
 */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

const SENTINELS: ReadonlySet<string> = new Set([
  UNKNOWN, // string
  '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7', // bool
  '3eeb2bf0-c639-47a8-9e75-3b44932eb421', // number
  '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2', // array
  '030794c1-ac77-496b-92df-f27374a8bd58', // asset
  'e48ece36-62e2-4504-bad9-02848725956a', // archive
  'dd056dcd-154b-4c76-9bd3-c8f88648b5ff', // object
]);

/** Whether `value` is a value the engine does not know yet (a preview's computed value). */
export const isUnknown = (value: unknown): boolean => typeof value === 'string' && SENTINELS.has(value);
