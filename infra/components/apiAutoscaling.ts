import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { ApiConfig } from '../config';

export interface ApiAutoscalingArgs {
  /** `service/<cluster>/<service>` */
  resourceId: pulumi.Input<string>;
  config: Pick<ApiConfig, 'minCount' | 'maxCount' | 'cpuTargetPercent' | 'requestsPerTargetPerMinute'>;
  /** `<load balancer arn suffix>/<target group arn suffix>`: the requests per target counted. */
  requestLabel: pulumi.Input<string>;
  parent: pulumi.CustomResourceOptions;
}

/** The API's task count follows CPU and requests per target, between the stack's minimum and maximum. */
export function apiAutoscaling(name: string, args: ApiAutoscalingArgs): void {
  const scaling = new aws.appautoscaling.Target(
    name,
    {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: args.resourceId,
      minCapacity: args.config.minCount,
      maxCapacity: args.config.maxCount,
    },
    args.parent,
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
      args.parent,
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
      resourceLabel: args.requestLabel,
    },
    scaleInCooldown: 120,
    scaleOutCooldown: 30,
  });
}
