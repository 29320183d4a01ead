import { ACCOUNT, REGION } from './programs';

/** Outputs the mocks must invent for an update, as AWS would: ARNs, URLs, DNS names, awsx component outputs. */
export function outputsFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const resourceName = (inputs.name as string | undefined) ?? name;
  const service = type.split(':')[1]?.split('/')[0] ?? 'x';
  const base = { arn: `arn:aws:${service}:${REGION}:${ACCOUNT}:${service}/${resourceName}`, name: resourceName };
  switch (type) {
    case 'aws:dynamodb/table:Table':
      return {
        ...base,
        arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${resourceName}`,
        streamArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${resourceName}/stream/2026-11-25T00:00:00.000`,
      };
    case 'aws:lb/loadBalancer:LoadBalancer':
      return { ...base, dnsName: `${resourceName}-123.${REGION}.elb.amazonaws.com`, arnSuffix: `app/${resourceName}/abc123`, zoneId: 'Z32O12XQLNTSW2' };
    case 'aws:acm/certificate:Certificate':
      return {
        ...base,
        arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${name}`,
        domainValidationOptions: [
          {
            domainName: inputs.domainName,
            resourceRecordName: `_abc.${String(inputs.domainName)}.`,
            resourceRecordType: 'CNAME',
            resourceRecordValue: '_xyz.acm-validations.aws.',
          },
        ],
      };
    case 'aws:acm/certificateValidation:CertificateValidation':
      return { ...base, certificateArn: inputs.certificateArn };
    case 'aws:route53/record:Record':
      return { ...base, fqdn: String(inputs.name).replace(/\.$/, '') };
    case 'aws:lb/targetGroup:TargetGroup':
      return { ...base, arnSuffix: `targetgroup/${resourceName}/def456` };
    case 'aws:sqs/queue:Queue':
      return { ...base, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${resourceName}`, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${resourceName}` };
    case 'aws:ecr/repository:Repository':
      return {
        ...base,
        arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${resourceName}`,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${resourceName}`,
      };
    case 'aws:s3/bucket:Bucket': {
      const bucket = (inputs.bucket as string | undefined) ?? `${name}-bucket`;
      return { ...base, bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return { ...base, arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, '')}` };
    case 'aws:kms/key:Key':
      return { ...base, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${name}`, keyId: name };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { ...base, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${resourceName}` };
    case 'aws:lambda/function:Function':
      return { ...base, arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${resourceName}` };
    case 'aws:iam/role:Role':
      return { ...base, arn: `arn:aws:iam::${ACCOUNT}:role/${resourceName}` };
    case 'awsx:ec2:Vpc':
      return { vpcId: 'vpc-123', publicSubnetIds: ['subnet-public-a', 'subnet-public-b'], privateSubnetIds: ['subnet-private-a', 'subnet-private-b'] };
    case 'awsx:ecr:Image':
      return { imageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders@sha256:abc` };
    case 'aws:cloudwatch/dashboard:Dashboard':
      return { dashboardName: inputs.dashboardName };
    default:
      return base;
  }
}

/** Invokes the program makes, answered as AWS would for this account (known at preview too). */
export const invokeResult = (args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown> =>
  args.token === 'aws:index/getCallerIdentity:getCallerIdentity'
    ? { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: 'AIDEXAMPLE', id: ACCOUNT }
    : args.token === 'aws:elb/getServiceAccount:getServiceAccount'
      ? { arn: 'arn:aws:iam::156460612806:root', id: '156460612806' }
      : args.inputs;
