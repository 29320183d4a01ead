import path from 'node:path';
import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import { bundle, REPO_ROOT, serviceBundle } from '../../scripts/bundles';
import type { ApiConfig } from '../config';
import { API_SERVICE_TYPE, CONTAINER_PORT, SHUTDOWN_GRACE_MS, STOP_TIMEOUT_SECONDS } from './api';
import type { ApiLoadBalancer } from './apiLoadBalancer';
import { serviceRole } from './iam';

export interface ApiServiceArgs {
  stack: string;
  region: string;
  config: ApiConfig;
  /** The front door the tasks register with; only its security group reaches them. */
  loadBalancer: ApiLoadBalancer;
  /** Whether the stack serves HTTPS (HSTS is sent only then). */
  https: boolean;
  protect: boolean;
  logRetentionDays: number;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  tableName: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
  userPoolId: pulumi.Input<string>;
  /** The app clients whose access tokens the API accepts. */
  clientIds: pulumi.Input<string>[];
}

/**
 * The order API on ECS Fargate behind its load balancer: image, the tasks' security group, cluster, task
 * definition, service in private subnets, least-privilege roles, logs and target-tracking autoscaling.
 */
export class ApiService extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: ApiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(API_SERVICE_TYPE, name, {}, opts);
    const parent = { parent: this };

    // Image: service/Dockerfile (needs Docker at `pulumi up`, on an arm64 runner for the task's platform) copies
    // the bundle made here from the one definition in scripts/bundles.ts.
    const repository = new aws.ecr.Repository(
      name,
      {
        imageScanningConfiguration: { scanOnPush: true },
        // Tags never move to other bits, except awsx's own working tag (`<hash of paths and stack>-container`,
        // the same on every build of a stack): the task definition pins the image by digest, not by that tag.
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filter: '*-container', filterType: 'WILDCARD' }],
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
        forceDelete: !args.protect,
      },
      parent,
    );
    new aws.ecr.LifecyclePolicy(
      name,
      {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: 'keep the last 20 images',
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 20 },
              action: { type: 'expire' },
            },
          ],
        }),
      },
      parent,
    );
    bundle(serviceBundle);
    const image = new awsx.ecr.Image(
      name,
      { repositoryUrl: repository.repositoryUrl, context: REPO_ROOT, dockerfile: path.join(REPO_ROOT, 'service/Dockerfile'), platform: 'linux/arm64' },
      parent,
    );

    // Only the load balancer reaches the tasks; the tasks reach AWS APIs through NAT.
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
        description: 'AWS APIs (DynamoDB, ECR, CloudWatch, Cognito JWKS) through NAT',
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
        { sid: 'PullImage', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], resources: [repository.arn] },
        { sid: 'WriteLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [pulumi.interpolate`${this.logGroup.arn}:*`] },
      ],
      this,
    );
    const task = serviceRole(
      `${name}-task`,
      'ecs-tasks.amazonaws.com',
      [
        {
          sid: 'OrderTable',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
          resources: [args.tableArn, pulumi.interpolate`${args.tableArn}/index/*`],
        },
        {
          sid: 'Tracing',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        },
      ],
      this,
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
            image: image.imageUri,
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
              { name: 'SHUTDOWN_TIMEOUT_MS', value: String(SHUTDOWN_GRACE_MS) },
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://localhost:4318' },
              { name: 'CORS_ALLOWED_ORIGINS', value: args.config.corsOrigins.join(',') },
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
            image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3',
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
        networkConfiguration: { subnets: args.privateSubnetIds, securityGroups: [taskSecurityGroup.id], assignPublicIp: false },
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

    const scaling = new aws.appautoscaling.Target(
      name,
      {
        serviceNamespace: 'ecs',
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: pulumi.interpolate`service/${this.cluster.name}/${this.service.name}`,
        minCapacity: args.config.minCount,
        maxCapacity: args.config.maxCount,
      },
      parent,
    );
    const tracking = (suffix: string, configuration: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration) =>
      new aws.appautoscaling.Policy(
        `${name}-${suffix}`,
        {
          policyType: 'TargetTrackingScaling',
          serviceNamespace: scaling.serviceNamespace,
          scalableDimension: scaling.scalableDimension,
          resourceId: scaling.resourceId,
          targetTrackingScalingPolicyConfiguration: configuration,
        },
        parent,
      );
    tracking('cpu', {
      targetValue: args.config.cpuTargetPercent,
      predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      scaleInCooldown: 120,
      scaleOutCooldown: 30,
    });
    tracking('requests', {
      targetValue: args.config.requestsPerTargetPerMinute,
      predefinedMetricSpecification: {
        predefinedMetricType: 'ALBRequestCountPerTarget',
        resourceLabel: pulumi.interpolate`${alb.loadBalancer.arnSuffix}/${alb.targetGroup.arnSuffix}`,
      },
      scaleInCooldown: 120,
      scaleOutCooldown: 30,
    });

    this.registerOutputs({ clusterName: this.cluster.name, serviceName: this.service.name });
  }
}
