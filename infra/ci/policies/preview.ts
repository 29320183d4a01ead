import { DATA_READS, KEY_USE, OBJECT_READS, STACK_SERVICES } from './services';
import { policy, type PolicyDocument } from './document';
import { readableStateObjects, stateReadStatements, type StateLocation } from './state';

export interface PreviewScope {
  stack: string;
  /** On the self-managed backend: the stack's state; undefined on Pulumi Cloud. */
  state?: StateLocation;
}

/**
 * What `pulumi preview` (and `--refresh`, and the gate's CloudWatch reading) of one stack needs: the
 * configuration of the stack's services, read only, its own state, and nothing of the data those services hold.
 * The denials are explicit, so nothing attached to the role later (a managed read-only policy, say) can grant them.
 */
export function previewPolicy(scope: PreviewScope): PolicyDocument {
  const ownState = scope.state ? readableStateObjects(scope.state, scope.stack) : [];
  return policy(
    {
      Sid: 'ReadConfiguration',
      Effect: 'Allow',
      Action: STACK_SERVICES.flatMap((service) => [`${service}:Describe*`, `${service}:List*`, `${service}:Get*`]),
      Resource: '*',
    },
    { Sid: 'WhoAmI', Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' },
    ...(scope.state ? stateReadStatements(scope.state, scope.stack) : []),
    { Sid: 'DenyDataReads', Effect: 'Deny', Action: [...DATA_READS], Resource: '*' },
    // Access and flow logs, and other stacks' state: every object but this stack's own checkpoint.
    ownState.length > 0
      ? { Sid: 'DenyObjectReads', Effect: 'Deny', Action: [...OBJECT_READS], NotResource: ownState }
      : { Sid: 'DenyObjectReads', Effect: 'Deny', Action: [...OBJECT_READS], Resource: '*' },
    // The table's, the buckets', the topic's and other stacks' keys: only this stack's secrets key decrypts.
    scope.state
      ? { Sid: 'DenyKeyUse', Effect: 'Deny', Action: [...KEY_USE], NotResource: scope.state.keyArn }
      : { Sid: 'DenyKeyUse', Effect: 'Deny', Action: [...KEY_USE], Resource: '*' },
    // Read-only: no write of any kind, IAM above all (a preview role that could edit a role could become it).
    {
      Sid: 'DenyIdentityChanges',
      Effect: 'Deny',
      Action: ['iam:Create*', 'iam:Put*', 'iam:Attach*', 'iam:Update*', 'iam:PassRole', 'iam:Delete*', 'iam:Detach*', 'sts:AssumeRole'],
      Resource: '*',
    },
  );
}
