import { dynamoDbEndpointPolicy, httpsOnStageAndMain, noOpenIngress, noPublicTaskIps } from './network';
import { encryptedData, logBucketsVersioned, pitrOnProtectedStacks, tableBackup, tableCustomerManagedKey } from './dataSafety';
import { alarmTopicDeliverable, logRetention, requiredAlarms } from './observability';
import { leastPrivilegeIam, productionSignIn, serviceRoleTrust, stackRolesBounded } from './access';
import type { ResourceRecord, Rule, RuleContext, Violation } from './records';

export { isUnknown, UNKNOWN } from './unknowns';
export { PROTECTED_STACKS, referencedResource, sourcesOf } from './records';
export type { ResourceRecord, Rule, RuleContext, Violation } from './records';
export { PUBLIC_TASK_IP_STACKS, dynamoDbEndpointPolicy, httpsOnStageAndMain, noOpenIngress, noPublicTaskIps } from './network';
export { encryptedData, logBucketsVersioned, pitrOnProtectedStacks, tableBackup, tableCustomerManagedKey } from './dataSafety';
export { PUBLISHED_DIMENSIONS, REQUIRED_ALARMS, alarmTopicDeliverable, logRetention, requiredAlarms } from './observability';
export { SOURCE_ARN_SERVICES, WILDCARD_RESOURCE_ACTIONS, leastPrivilegeIam, productionSignIn, serviceRoleTrust, stackRolesBounded } from './access';

/**
 * Guard rules over a stack's resource graph, in the spirit of cdk-nag / AWSGuard. They read plain records
 * (type, name, inputs) so the same functions run in jest over the Pulumi-mocks graph and, through
 * infra/policy/index.ts, as a PolicyPack in `pulumi preview --policy-pack`.
 *
 * At a preview of a first deploy every id and every value computed from one is unknown (`isUnknown`: the engine's
 * sentinel string). A rule judges what is known and never reads an unknown as if it were a value: a reference it
 * needs (a rule's security group) is followed through `propertyDependencies`, which the engine gives at preview
 * too, and each rule's description says what it does with a value that stays unknown.
 *
 * The rules live by concern: network.ts (task IPs, ingress, HTTPS, the DynamoDB endpoint), dataSafety.ts
 * (encryption, recovery, keys, backups, log buckets), observability.ts (log retention, alarms, the alarm topic) and
 * access.ts (sign-in, IAM, role trust, boundaries), on the records and helpers of records.ts. This module lists them in
 * the order the pack reports them.
 */
export const rules: readonly Rule[] = [
  noPublicTaskIps,
  noOpenIngress,
  encryptedData,
  logRetention,
  requiredAlarms,
  alarmTopicDeliverable,
  pitrOnProtectedStacks,
  httpsOnStageAndMain,
  productionSignIn,
  leastPrivilegeIam,
  tableCustomerManagedKey,
  tableBackup,
  logBucketsVersioned,
  serviceRoleTrust,
  dynamoDbEndpointPolicy,
  stackRolesBounded,
];

export const evaluate = (resources: readonly ResourceRecord[], context: RuleContext): Violation[] => rules.flatMap((rule) => rule.check(resources, context));
