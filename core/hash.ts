import { createHash } from 'node:crypto';

/** SHA-256, base64url: how idempotency keys and request bodies are stored (never in the clear). */
export const hashOf = (value: string): string => createHash('sha256').update(value).digest('base64url');

/**
 * The hash an Idempotency-Key's claim records for an order's lines: the same lines hash the same whatever else the
 * request carried. Stored claims hold it for 24 hours, so it must not change between versions (a test pins it).
 */
export const requestHashOf = (lines: ReadonlyArray<{ sku: string; quantity: number }>): string =>
  hashOf(JSON.stringify({ items: lines.map(({ sku, quantity }) => ({ sku, quantity })) }));
