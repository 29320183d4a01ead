import { CI_PURPOSE_TAG } from '../names';
import { policy, type PolicyDocument } from './document';

export interface BoundaryScope {
  stack: string;
  /** The state bucket, if the account keeps order stacks' state (no stack's own role may touch it). */
  stateBucketArn?: string;
}

/**
 * The ceiling of every role an order stack creates (task, execution, processor, flow-log and backup roles). A
 * deploy role can write any policy into those roles; without a ceiling it could write `*` into one and become
 * it, or hand it to a function. With this boundary, no stack role can change IAM, assume another role, leave the
 * organisation, touch the pipeline's state or its keys, change released images, or touch another stack's
 * resources, whatever its own policy says
 * ("Permissions boundaries for IAM entities", IAM user guide: the effective permissions are the intersection).
 */
export function stackRoleBoundary({ stack, stateBucketArn }: BoundaryScope): PolicyDocument {
  return policy(
    { Sid: 'Ceiling', Effect: 'Allow', Action: '*', Resource: '*' },
    {
      Sid: 'NoIdentityChanges',
      Effect: 'Deny',
      Action: ['iam:*', 'sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'organizations:*', 'account:*'],
      Resource: '*',
    },
    {
      Sid: 'OwnStackOnly',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceTag/stack': stack }, Null: { 'aws:ResourceTag/stack': 'false' } },
    },
    // The pipeline's keys (state secrets) and the released images are the pipeline's, never a stack role's.
    {
      Sid: 'NoPipelineKeys',
      Effect: 'Deny',
      Action: 'kms:*',
      Resource: '*',
      Condition: { StringEquals: { [`aws:ResourceTag/${CI_PURPOSE_TAG.key}`]: CI_PURPOSE_TAG.value } },
    },
    {
      Sid: 'NoReleaseChanges',
      Effect: 'Deny',
      Action: [
        'ecr:Put*',
        'ecr:Delete*',
        'ecr:BatchDeleteImage',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:Set*',
        'ecr:Create*',
        'ecr:Tag*',
        'ecr:Untag*',
        'ecr:Replicate*',
      ],
      Resource: '*',
    },
    stateBucketArn ? { Sid: 'NoPipelineState', Effect: 'Deny', Action: 's3:*', Resource: [stateBucketArn, `${stateBucketArn}/*`] } : undefined,
  );
}
