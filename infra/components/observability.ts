import type * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { alarms } from './alarms';
import { alarmTopic } from './alarmTopic';
import { dashboard } from './dashboard';
import type { ObservabilityArgs } from './observabilityArgs';

export type { ObservabilityArgs };

/** The alarms every stack has (each a symptom a user would feel or a loss in the making), and its dashboard. */
export class Observability extends pulumi.ComponentResource {
  readonly alarmKey: aws.kms.Key;
  readonly alarmTopic: aws.sns.Topic;
  readonly dashboard?: aws.cloudwatch.Dashboard;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:observability:Observability', name, {}, opts);
    // Every resource stays this component's child, as before the split into files: the URNs do not move.
    const parent = { parent: this };
    const topic = alarmTopic(name, args, parent);
    this.alarmKey = topic.key;
    this.alarmTopic = topic.topic;
    alarms(name, args, this.alarmTopic.arn, parent);
    if (args.dashboard) this.dashboard = dashboard(name, args, parent);
    this.registerOutputs({ dashboard: this.dashboard?.dashboardName });
  }
}
