import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { stackKey } from './keys';
import type { ObservabilityArgs } from './observabilityArgs';

/** The stack's alarm topic, encrypted with a key CloudWatch may use, and who is subscribed to it. */
export function alarmTopic(name: string, args: Pick<ObservabilityArgs, 'stack' | 'accountId' | 'notify'>, parent: pulumi.CustomResourceOptions) {
  // A customer-managed key: the AWS-managed alias/aws/sns key's policy cannot let CloudWatch publish, so
  // alarms on a topic encrypted with it are dropped silently.
  const key = stackKey(
    `${name}-alarms`,
    {
      description: `orders ${args.stack}: encrypts the alarm topic; CloudWatch may use it to publish`,
      accountId: args.accountId,
      grants: [
        {
          Sid: 'CloudWatchPublishesAlarms',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': args.accountId } },
        },
      ],
    },
    parent,
  );
  const topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: key.arn }, parent);
  args.notify.emails.forEach(
    (email, i) => new aws.sns.TopicSubscription(`${name}-alarms-email-${i}`, { topic: topic.arn, protocol: 'email', endpoint: email }, parent),
  );
  args.notify.httpsEndpoints.forEach(
    (url, i) =>
      new aws.sns.TopicSubscription(`${name}-alarms-https-${i}`, { topic: topic.arn, protocol: 'https', endpoint: url, endpointAutoConfirms: false }, parent),
  );
  return { key, topic };
}
