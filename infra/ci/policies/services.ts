/**
 * The AWS services an order stack is made of (infra/components), by IAM action prefix. A test maps every resource
 * type of every stack's graph to one of these, so a new kind of resource cannot ship without its roles knowing.
 */
export const STACK_SERVICES = [
  'acm',
  'application-autoscaling',
  'backup',
  'cloudwatch',
  'cognito-idp',
  'dynamodb',
  'ec2',
  'ecs',
  'elasticloadbalancing',
  'iam',
  'kms',
  'lambda',
  'logs',
  'route53',
  's3',
  'sns',
  'sqs',
  'wafv2',
  'xray',
] as const;

/**
 * Reads of data, not of configuration: what customers ordered, who they are, what they sent, what was logged and
 * traced about them. `Describe*`, `List*` and `Get*` would otherwise include several of these, so a preview role
 * denies them explicitly, whatever else it is given.
 */
export const DATA_READS = [
  // Orders, products, idempotency records: items, queries, scans, PartiQL, the stream's records, exports.
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:ExecuteStatement',
  'dynamodb:BatchExecuteStatement',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ExportTableToPointInTime',
  // Customers in the user pool.
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminListDevices',
  'cognito-idp:AdminListUserAuthEvents',
  // Logs: application logs carry order ids, customer ids and trace ids.
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'logs:GetLogRecord',
  'logs:GetLogObject',
  'logs:Unmask',
  // Dead letters hold the failed orders' records.
  'sqs:ReceiveMessage',
  // Traces and the requests the firewall sampled (client addresses, headers).
  'xray:BatchGetTraces',
  'xray:GetTraceSummaries',
  'xray:GetTraceGraph',
  'wafv2:GetSampledRequests',
] as const;

/** Object reads: access logs and flow logs (client addresses), and any other stack's state. */
export const OBJECT_READS = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectTorrent'] as const;
/** Decryption with a key: of the table, the log buckets, the alarm topic, or another stack's state. */
export const KEY_USE = ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:CreateGrant'] as const;
