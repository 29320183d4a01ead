import type * as pulumi from '@pulumi/pulumi';
import type { AlarmConfig } from '../config';

/** What the stack's alarms and dashboard watch, and who hears about alarms. */
export interface ObservabilityArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  thresholds: AlarmConfig;
  /** Who hears about alarms: e-mail addresses and HTTPS endpoints (e.g. a chat or paging webhook). */
  notify: { emails: string[]; httpsEndpoints: string[] };
  /** The API's minimum task count: fewer healthy targets than this is an outage in the making. */
  minHealthyTasks: number;
  /** Index names of the table, whose throttles count as the table's. */
  indexNames: readonly string[];
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  deadLetterQueueName: pulumi.Input<string>;
  tableName: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
  /** Whether the stack has its dashboard ($3 a month at list price; development does without). */
  dashboard: boolean;
}
