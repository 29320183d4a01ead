import type { Bill } from '../bill';
import { asArray, ofType, type CostResource } from '../resources';

/** Keys, secrets and the web ACL with its rules, a month each; WAF requests as usage. */
export function priceKeysSecretsAndWaf(resources: readonly CostResource[], bill: Bill): void {
  bill.add('KMS customer-managed keys', ofType(resources, 'aws:kms/key:Key').length, ['kmsKeyMonth']);
  bill.add('Secrets Manager secrets', ofType(resources, 'aws:secretsmanager/secret:Secret').length, ['secretMonth']);
  const acls = ofType(resources, 'aws:wafv2/webAcl:WebAcl');
  bill.add('WAF web ACLs', acls.length, ['wafWebAclMonth']);
  bill.add(
    'WAF rules',
    acls.reduce((sum, acl) => sum + asArray(acl.inputs.rules as unknown[]).length, 0),
    ['wafRuleMonth'],
  );
  if (acls.length > 0) bill.usage.add('WAF requests ($0.60/million)');
}

/** Cognito has no monthly fee: Essentials and Plus (threat protection) are priced per monthly active user. */
export function priceUserPools(resources: readonly CostResource[], bill: Bill): void {
  for (const pool of ofType(resources, 'aws:cognito/userPool:UserPool')) {
    bill.usage.add(pool.inputs.userPoolTier === 'PLUS' ? 'Cognito Plus tier, threat protection (per monthly active user)' : 'Cognito monthly active users');
  }
}
