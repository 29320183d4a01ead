import { stateObjects } from '../names';
import type { Statement } from './document';

/** Where one stack's state lives on the self-managed backend, and the key that encrypts its secrets. */
export interface StateLocation {
  bucketArn: string;
  keyArn: string;
}

const objectArns = (state: StateLocation, stack: string) => stateObjects(stack).all.map((key) => `${state.bucketArn}/${key}`);
export const checkpointArn = (state: StateLocation, stack: string) => `${state.bucketArn}/${stateObjects(stack).checkpoint}`;
export const readableStateObjects = (state: StateLocation, stack: string) => [
  `${checkpointArn(state, stack)}*`,
  `${state.bucketArn}/${stateObjects(stack).tags}`,
  `${state.bucketArn}/${stateObjects(stack).meta}`,
];

/** A preview reads its stack's checkpoint and decrypts its secrets (pulumi preview takes no lock on this backend). */
export function stateReadStatements(state: StateLocation, stack: string): Statement[] {
  return [
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: state.bucketArn },
    { Sid: 'ReadOwnState', Effect: 'Allow', Action: 's3:GetObject', Resource: readableStateObjects(state, stack) },
    { Sid: 'DecryptOwnSecrets', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: state.keyArn },
  ];
}

/** An update also writes the checkpoint, its history and backups, and takes and releases the stack's lock. */
export function stateWriteStatements(state: StateLocation, stack: string): Statement[] {
  return [
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: state.bucketArn },
    { Sid: 'ReadStateMeta', Effect: 'Allow', Action: 's3:GetObject', Resource: readableStateObjects(state, stack) },
    { Sid: 'WriteOwnState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objectArns(state, stack) },
    { Sid: 'UseOwnSecretsKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: state.keyArn },
    // The bucket is versioned: no identity of the pipeline can erase an earlier checkpoint or stop keeping them.
    {
      Sid: 'KeepStateHistory',
      Effect: 'Deny',
      Action: ['s3:DeleteObjectVersion', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucket'],
      Resource: [state.bucketArn, `${state.bucketArn}/*`],
    },
  ];
}
