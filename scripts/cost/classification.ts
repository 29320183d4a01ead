import type { Bill } from './bill';
import type { CostResource } from './resources';

/** Resources that cost nothing a month, and nothing per use either (or only through the resources they configure). */
export const FREE = new Set([
  'aws:iam/role:Role',
  'aws:iam/rolePolicy:RolePolicy',
  'aws:iam/policy:Policy',
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  'aws:ec2/securityGroup:SecurityGroup',
  'aws:ec2/securityGroupRule:SecurityGroupRule',
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  'aws:lb/targetGroup:TargetGroup',
  'aws:lb/listener:Listener',
  'aws:lb/listenerRule:ListenerRule',
  // Priced through the service that runs it, and the service's scaling target.
  'aws:ecs/taskDefinition:TaskDefinition',
  'aws:appautoscaling/target:Target',
  'aws:cognito/userGroup:UserGroup',
  'aws:cognito/userPoolClient:UserPoolClient',
  // Public ACM certificates are free; alias queries to AWS resources are free (the zone is not the stack's).
  'aws:acm/certificate:Certificate',
  'aws:acm/certificateValidation:CertificateValidation',
  'aws:route53/record:Record',
  'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  'aws:s3/bucketPolicy:BucketPolicy',
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  // Versioning itself is free; the noncurrent versions it keeps are S3 storage (the bucket's usage line).
  'aws:s3/bucketVersioning:BucketVersioning',
  // AWS Backup charges for what a vault stores and what is restored, not for plans, selections, vaults or locks.
  'aws:backup/plan:Plan',
  'aws:backup/selection:Selection',
  'aws:backup/vaultLockConfiguration:VaultLockConfiguration',
  'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
  'aws:wafv2/webAclAssociation:WebAclAssociation',
  'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  // Lambda reads of a DynamoDB stream are not charged.
  'aws:lambda/eventSourceMapping:EventSourceMapping',
  'docker-build:index:Image',
  'awsx:ecr:Image',
]);

/** Resources charged only by what passes through them or what they store. */
export const USAGE: Record<string, string> = {
  'aws:dynamodb/table:Table': 'DynamoDB on-demand requests and storage (and PITR storage where on)',
  'aws:lambda/function:Function': 'Lambda requests and duration',
  'aws:sqs/queue:Queue': 'SQS requests',
  'aws:sns/topic:Topic': 'SNS publishes and notifications',
  'aws:sns/topicSubscription:TopicSubscription': 'SNS publishes and notifications',
  'aws:cloudwatch/logGroup:LogGroup': 'CloudWatch Logs ingestion ($0.57/GB) and storage',
  'aws:ec2/flowLog:FlowLog': 'VPC flow logs (vended log ingestion, then log storage)',
  'aws:s3/bucket:Bucket': 'S3 storage and requests (the ALB access logs, and their noncurrent versions until they expire: their delivery is free)',
  'aws:xray/traceSegmentDestination:TraceSegmentDestination': 'X-Ray spans to Transaction Search (span ingestion)',
  'aws:ecr/repository:Repository': 'ECR storage ($0.10/GB-month)',
};

/** Resources the rules in rules/ price: each gives line items, or a usage charge worded from its inputs. */
export const PRICED = new Set([
  'awsx:ec2:Vpc',
  'aws:ec2/natGateway:NatGateway',
  'aws:ec2/eip:Eip',
  'aws:ec2/vpcEndpoint:VpcEndpoint',
  'aws:lb/loadBalancer:LoadBalancer',
  'aws:ecs/service:Service',
  'aws:ecs/cluster:Cluster',
  'aws:cloudwatch/metricAlarm:MetricAlarm',
  'aws:appautoscaling/policy:Policy',
  'aws:cloudwatch/dashboard:Dashboard',
  'aws:kms/key:Key',
  'aws:secretsmanager/secret:Secret',
  'aws:wafv2/webAcl:WebAcl',
  'aws:cognito/userPool:UserPool',
  'aws:backup/vault:Vault',
]);

/** Each resource's usage charge; and, as unclassified, each type neither priced, usage-priced nor free. */
export function classify(resources: readonly CostResource[], bill: Bill): void {
  for (const r of resources) {
    if (USAGE[r.type]) bill.usage.add(USAGE[r.type]!);
    else if (!PRICED.has(r.type) && !FREE.has(r.type) && r.custom !== false) bill.unclassified.add(r.type);
  }
}
