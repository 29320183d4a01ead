/**
 * The Cognito InitiateAuth (USER_PASSWORD_AUTH) request that k6's setup() sends, as plain data, so the local
 * runner and the first-deploy rehearsal sign in with exactly the same request against cognito-local.
 */
export interface SignInRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export const cognitoEndpoint = (region: string, override?: string): string => override || `https://cognito-idp.${region}.amazonaws.com/`;

export function signInRequest(endpoint: string, clientId: string, username: string, password: string): SignInRequest {
  return {
    url: endpoint,
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
  };
}

/** The access token of an InitiateAuth answer, or a reason there is none (a challenge, an error). */
export function accessTokenOf(status: number, body: string): { token: string } | { error: string } {
  let parsed: { AuthenticationResult?: { AccessToken?: string }; ChallengeName?: string; __type?: string; message?: string };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { error: `sign-in failed: ${status} ${body.slice(0, 200)}` };
  }
  if (status === 200 && parsed.AuthenticationResult?.AccessToken) return { token: parsed.AuthenticationResult.AccessToken };
  if (parsed.ChallengeName) return { error: `sign-in answered the challenge ${parsed.ChallengeName} instead of tokens (run npm run stack:bootstrap)` };
  return { error: `sign-in failed: ${status} ${parsed.__type ?? ''} ${parsed.message ?? body.slice(0, 200)}`.trim() };
}
