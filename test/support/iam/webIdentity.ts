import path from 'node:path';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import type { PolicyDocument } from '../../../infra/ci/policies/document';

/**
 * Would AWS STS let a GitHub Actions token assume a role? The role's trust policy, evaluated by the same IAM
 * evaluator as every other policy here (@cloud-copilot/iam-simulate), with the token's claims as the request's
 * condition keys.
 *
 * Why not its `runSimulation`: that entry point drops every context key the AWS service reference does not list
 * for the action, and the reference lists GitHub's own claims for sts:AssumeRoleWithWebIdentity (`ref`,
 * `environment`, `job_workflow_ref`, `repository_id`, …) but not the generic OIDC keys `aud` and `sub` that IAM's
 * documentation gives every OIDC provider ("Available keys for AWS OIDC federation"). Dropped, `sub` would make
 * every trust policy deny everyone, and the matrix would prove nothing. The evaluator's own unsafe entry point
 * keeps the keys but cannot load a resource policy without a name (0.1.173), so this calls its core `authorize`
 * exactly as that entry point does, with the trust policy named. The evaluator's own list of OIDC keys
 * (context_keys/contextKeys.js) includes `aud` and `sub`: the gap is in the filtering, not in the engine.
 */
const dist = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
/* eslint-disable @typescript-eslint/no-require-imports */
const { authorize } = require(path.join(dist, 'core_engine/CoreSimulatorEngine.js')) as { authorize(request: unknown): { result: string } };
const { AwsRequestImpl } = require(path.join(dist, 'request/request.js')) as { AwsRequestImpl: new (...args: unknown[]) => unknown };
const { RequestContextImpl } = require(path.join(dist, 'requestContext.js')) as {
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
};
const { DiscoveryContextKeyConstraints } = require(path.join(dist, 'context_keys/discoveryContextKeyConstraints.js')) as {
  DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

export type TrustDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export function assumeRoleWithWebIdentity(trust: PolicyDocument, roleArn: string, providerArn: string, claims: Record<string, string>): TrustDecision {
  const account = roleArn.split(':')[4]!;
  const host = providerArn.split(':oidc-provider/')[1]!;
  const context = Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${host}:${claim}`, value]));
  const request = new AwsRequestImpl(providerArn, { resource: roleArn, accountId: account }, 'sts:AssumeRoleWithWebIdentity', new RequestContextImpl(context));
  const analysis = authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: loadPolicy(trust as never, { name: 'trust' }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
  return analysis.result as TrustDecision;
}
