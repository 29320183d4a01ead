import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { repositoryArnOf } from '../artifacts';
import type { ApiConfig } from '../config';
import { API_SERVICE_TYPE, API_TABLE_ACTIONS, CONTAINER_PORT, SHUTDOWN_GRACE_MS, STOP_TIMEOUT_SECONDS } from './api';
import type { ApiLoadBalancer } from './apiLoadBalancer';
import { apiAutoscaling } from './apiAutoscaling';
import { serviceRole } from './iam';

export interface ApiServiceArgs {
  stack: string;
  region: string;
  /** The account the roles' trust policies admit ECS tasks of (confused-deputy conditions). */
  accountId: pulumi.Input<string>;
  config: ApiConfig;
  /** The API image pinned by digest, built and pushed once per release to the shared repository (never here). */
  image: string;
  /** The front door the tasks register with; only its security group reaches them. */
  loadBalancer: ApiLoadBalancer;
  /** Whether the stack serves HTTPS (HSTS is sent only then). */
  https: boolean;
  protect: boolean;
  logRetentionDays: number;
  vpcId: pulumi.Input<string>;
  /** Private subnets behind NAT; or, with `assignPublicIp` (development, no NAT), the public subnets. */
  subnetIds: pulumi.Input<string[]>;
  /** A public IP per task, its only way to AWS APIs without NAT; the tasks' group still admits only the ALB. */
  assignPublicIp: boolean;
  tableName: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
  userPoolId: pulumi.Input<string>;
  /** The app clients whose access tokens the API accepts. */
  clientIds: pulumi.Input<string>[];
  /** The admins' pool and its client: the only source of admin rights. */
  adminUserPoolId: pulumi.Input<string>;
  adminClientId: pulumi.Input<string>;
}

/**
 * The order API on ECS Fargate behind its load balancer: the tasks' security group, cluster, task definition
 * running the release's image, service in private subnets (public ones with a public IP where the stack has no NAT),
 * least-privilege roles, logs and target-tracking autoscaling.
 */
export class ApiService extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: ApiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(API_SERVICE_TYPE, name, {}, opts);
    const parent = { parent: this };

    // Only the load balancer reaches the tasks, public IP or not; the tasks reach AWS APIs on 443 through NAT, or
    // through the internet gateway from their public IP where the stack has no NAT.
    const alb = args.loadBalancer;
    const taskSecurityGroup = new aws.ec2.SecurityGroup(`${name}-task`, { vpcId: args.vpcId, description: 'Orders API tasks', tags: { role: 'task' } }, parent);
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-task`,
      {
        securityGroupId: alb.securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        referencedSecurityGroupId: taskSecurityGroup.id,
        description: 'to the API tasks',
      },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-task-from-alb`,
      {
        securityGroupId: taskSecurityGroup.id,
        ipProtocol: 'tcp',
        fromPort: CONTAINER_PORT,
        toPort: CONTAINER_PORT,
        referencedSecurityGroupId: alb.securityGroup.id,
        description: 'from the load balancer only',
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-task-https-out`,
      {
        securityGroupId: taskSecurityGroup.id,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: '0.0.0.0/0',
        description: `AWS APIs (DynamoDB, ECR, CloudWatch, Cognito JWKS) through ${args.assignPublicIp ? 'the internet gateway' : 'NAT'}`,
      },
      parent,
    );

    this.cluster = new aws.ecs.Cluster(name, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, parent);
    this.logGroup = new aws.cloudwatch.LogGroup(name, { name: `/ecs/orders-api-${args.stack}`, retentionInDays: args.logRetentionDays }, parent);

    const execution = serviceRole(
      `${name}-execution`,
      'ecs-tasks.amazonaws.com',
      [
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'PullImage',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          resources: [repositoryArnOf(args.image)],
        },
        { sid: 'WriteLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [pulumi.interpolate`${this.logGroup.arn}:*`] },
      ],
      this,
      { accountId: args.accountId, region: args.region, stack: args.stack },
    );
    const task = serviceRole(
      `${name}-task`,
      'ecs-tasks.amazonaws.com',
      [
        {
          sid: 'OrderTable',
          // No KMS statement: the table's customer-managed key lets this account's principals use it through
          // DynamoDB in its key policy (infra/components/data.ts).
          actions: [...API_TABLE_ACTIONS],
          resources: [args.tableArn, pulumi.interpolate`${args.tableArn}/index/*`],
        },
        {
          sid: 'Tracing',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        },
      ],
      this,
      { accountId: args.accountId, region: args.region, stack: args.stack },
    );

    const logOptions = (prefix: string) => ({
      logDriver: 'awslogs',
      options: { 'awslogs-group': this.logGroup.name, 'awslogs-region': args.region, 'awslogs-stream-prefix': prefix },
    });
    const taskDefinition = new aws.ecs.TaskDefinition(
      name,
      {
        family: `orders-api-${args.stack}`,
        cpu: String(args.config.cpu),
        memory: String(args.config.memory),
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
        executionRoleArn: execution.role.arn,
        taskRoleArn: task.role.arn,
        containerDefinitions: pulumi.jsonStringify([
          {
            name: 'api',
            image: args.image,
            essential: true,
            portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
            stopTimeout: STOP_TIMEOUT_SECONDS,
            readonlyRootFilesystem: true,
            environment: [
              { name: 'PORT', value: String(CONTAINER_PORT) },
              { name: 'TABLE_NAME', value: args.tableName },
              { name: 'AWS_REGION', value: args.region },
              { name: 'COGNITO_USER_POOL_ID', value: args.userPoolId },
              { name: 'COGNITO_CLIENT_ID', value: pulumi.all(args.clientIds).apply((ids) => ids.join(',')) },
              // Admin rights come only from the admins' pool (MFA on stage and main): service/src/auth/verifier.ts.
              { name: 'COGNITO_ADMIN_USER_POOL_ID', value: args.adminUserPoolId },
              { name: 'COGNITO_ADMIN_CLIENT_ID', value: args.adminClientId },
              { name: 'SHUTDOWN_TIMEOUT_MS', value: String(SHUTDOWN_GRACE_MS) },
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://localhost:4318' },
              { name: 'CORS_ALLOWED_ORIGINS', value: args.config.corsOrigins.join(',') },
              { name: 'LIMIT_UNITS_PER_LINE', value: String(args.config.limits.unitsPerLine) },
              { name: 'LIMIT_LINES_PER_ORDER', value: String(args.config.limits.linesPerOrder) },
              { name: 'LIMIT_OPEN_ORDERS', value: String(args.config.limits.openOrders) },
              { name: 'LIMIT_ORDERS_PER_MINUTE', value: String(args.config.limits.ordersPerMinute) },
              { name: 'TRACE_SAMPLE_RATIO', value: String(args.config.traceSampleRatio) },
              // Browsers remember HSTS: send it only where the stack serves HTTPS.
              { name: 'HSTS', value: String(args.https) },
            ],
            logConfiguration: logOptions('api'),
            dependsOn: [{ containerName: 'otel-collector', condition: 'START' }],
          },
          {
            // Traces go to X-Ray through the AWS Distro for OpenTelemetry collector (X-Ray's daemon and SDKs
            // reach end of support on 2027-02-25).
            name: 'otel-collector',
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3@sha256:8aa9ea5f67b8d318f7d6af24677e3c70f7098bc0631147cb5fa91addbe980b06',
            essential: false,
            readonlyRootFilesystem: true,
            command: ['--config=/etc/ecs/ecs-xray.yaml'],
            logConfiguration: logOptions('otel'),
          },
        ]),
      },
      parent,
    );

    this.service = new aws.ecs.Service(
      name,
      {
        cluster: this.cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: args.config.desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: { subnets: args.subnetIds, securityGroups: [taskSecurityGroup.id], assignPublicIp: args.assignPublicIp },
        loadBalancers: [{ targetGroupArn: alb.targetGroup.arn, containerName: 'api', containerPort: CONTAINER_PORT }],
        healthCheckGracePeriodSeconds: 60,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        propagateTags: 'SERVICE',
        enableExecuteCommand: false,
        waitForSteadyState: true,
      },
      // desiredCount belongs to autoscaling once the service exists.
      { parent: this, dependsOn: [...alb.listeners, execution.policy, task.policy], ignoreChanges: ['desiredCount'] },
    );

    apiAutoscaling(name, {
      resourceId: pulumi.interpolate`service/${this.cluster.name}/${this.service.name}`,
      config: args.config,
      requestLabel: pulumi.interpolate`${alb.loadBalancer.arnSuffix}/${alb.targetGroup.arnSuffix}`,
      parent,
    });

    this.registerOutputs({ clusterName: this.cluster.name, serviceName: this.service.name });
  }
}
