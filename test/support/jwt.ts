import { createPrivateKey, createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Signs tokens with cognito-local's own (public, fixed, dev-only) key, so tests can make tokens the real local
 * Cognito will not issue: expired, not yet valid, another issuer, another client.
 */
const { jwk } = JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')) as { jwk: Record<string, string> };
const key = createPrivateKey({ key: jwk, format: 'jwk' });
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const unsigned = `${b64({ alg: 'RS256', kid: 'CognitoLocal', typ: 'JWT', ...header })}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url');
  return `${unsigned}.${signature}`;
}

export const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
