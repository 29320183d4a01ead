import { policy, type PolicyDocument } from './document';

/** Pushing the release image to the shared repository, and nothing else: no deletes, no tag or policy changes. */
export function releasePolicy(repositoryArn: string): PolicyDocument {
  return policy(
    { Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PushImages',
      Effect: 'Allow',
      Action: [
        'ecr:BatchCheckLayerAvailability',
        'ecr:InitiateLayerUpload',
        'ecr:UploadLayerPart',
        'ecr:CompleteLayerUpload',
        'ecr:PutImage',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
        'ecr:DescribeImages',
      ],
      Resource: repositoryArn,
    },
    {
      Sid: 'DenyRewritingReleases',
      Effect: 'Deny',
      Action: [
        'ecr:BatchDeleteImage',
        'ecr:DeleteRepository',
        'ecr:PutImageTagMutability',
        'ecr:SetRepositoryPolicy',
        'ecr:DeleteRepositoryPolicy',
        'ecr:PutLifecyclePolicy',
      ],
      Resource: '*',
    },
  );
}
