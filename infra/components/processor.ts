import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../core/serviceNames';
import { PROCESSOR_TIMEOUT_SECONDS, type EventSourceMappingSettings } from '../../core/eventSourceMapping';
import type { ProcessorConfig } from '../config';
import { serviceRole } from './iam';

export interface OrderProcessorArgs {
  stack: string;
  region: string;
  /** The account the role's trust policy admits Lambda for (confused-deputy condition). */
  accountId: pulumi.Input<string>;
  config: ProcessorConfig;
  /** The folder of the release's bundle (built once, checked against its content digest by the caller). */
  bundleDir: string;
  logRetentionDays: number;
  tableName: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
  streamArn: pulumi.Input<string>;
  /** The shared settings (core/eventSourceMapping.ts) the local poller also obeys. */
  mapping: EventSourceMappingSettings;
}

/** The stream processor: Lambda, its role, log group, on-failure queue, and the event source mapping. */
export class OrderProcessor extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly mapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: OrderProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:processor:OrderProcessor', name, {}, opts);
    const parent = { parent: this };
    const functionName = `orders-processor-${args.stack}`;

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-failures`,
      { messageRetentionSeconds: args.mapping.onFailure.messageRetentionSeconds, sqsManagedSseEnabled: true },
      parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(name, { name: `/aws/lambda/${functionName}`, retentionInDays: args.logRetentionDays }, parent);

    const { role, policy } = serviceRole(
      `${name}-processor`,
      'lambda.amazonaws.com',
      [
        {
          sid: 'ReadThisStream',
          // (No dynamodb:ListStreams: it is not scoped to a stream and Lambda's poller does not need it.) No KMS
          // statement either, here or below: the table's key policy lets this account's principals use the key
          // through DynamoDB, which encrypts the stream with the table's key (infra/components/data.ts).
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [args.streamArn],
        },
        // Reservation and release are TransactWriteItems of Updates on products and the order.
        { sid: 'ReserveAndReleaseStock', actions: ['dynamodb:UpdateItem'], resources: [args.tableArn] },
        { sid: 'ReportExhaustedBatches', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
        { sid: 'WriteLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [pulumi.interpolate`${logGroup.arn}:*`] },
        // Spans go to X-Ray's OTLP endpoint (processor/src/xrayExporter.ts), which takes only xray:PutSpans.
        { sid: 'Tracing', actions: ['xray:PutSpans'], resources: ['*'] },
      ],
      this,
      { accountId: args.accountId, region: args.region, stack: args.stack },
    );

    this.function = new aws.lambda.Function(
      name,
      {
        name: functionName,
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        code: new pulumi.asset.FileArchive(args.bundleDir),
        role: role.arn,
        memorySize: args.config.memoryMb,
        timeout: PROCESSOR_TIMEOUT_SECONDS,
        // -1 is the provider's "no reservation" (0 would reserve nothing and throttle every invocation).
        reservedConcurrentExecutions: args.config.reservedConcurrency > 0 ? args.config.reservedConcurrency : -1,
        // PassThrough: the function's spans continue each order's trace from the API (OpenTelemetry, exported by
        // the function itself); Active would add a separate Lambda trace per batch, tied to no order.
        tracingConfig: { mode: 'PassThrough' },
        loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
        environment: {
          variables: {
            TABLE_NAME: args.tableName,
            POWERTOOLS_SERVICE_NAME: SERVICE_NAME.processor,
            POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      },
      { parent: this, dependsOn: [logGroup, policy] },
    );

    const m = args.mapping;
    this.mapping = new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: args.streamArn,
        functionName: this.function.arn,
        startingPosition: m.startingPosition,
        batchSize: m.batchSize,
        maximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
        bisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
        maximumRetryAttempts: m.maximumRetryAttempts,
        maximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds,
        parallelizationFactor: m.parallelizationFactor,
        functionResponseTypes: [...m.functionResponseTypes],
        // No patterns means no filtering: the criteria are left out (an empty filter list is not how AWS says it).
        ...(m.filterPatterns.length > 0 ? { filterCriteria: { filters: m.filterPatterns.map((pattern) => ({ pattern: JSON.stringify(pattern) })) } } : {}),
        destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ functionName: this.function.name, dlqUrl: this.deadLetterQueue.url });
  }
}
