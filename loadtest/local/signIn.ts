import { accessTokenOf, signInRequest } from '../lib/signIn';

/** k6's setup() sign-in (lib/signIn.ts), sent with fetch: the token, or why there is none. */
export async function signInAsK6(endpoint: string, clientId: string, username: string, password: string): Promise<{ token: string } | { error: string }> {
  const request = signInRequest(endpoint, clientId, username, password);
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  return accessTokenOf(res.status, await res.text());
}
