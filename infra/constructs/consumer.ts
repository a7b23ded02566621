/**
 * An event consumer: a rule on the bus with an event pattern (or a schedule
 * rule), or a bucket's object-created notification, and a DomainFunction target. Every asynchronous edge is bounded and ends in one
 * encrypted, TLS-only dead-letter queue:
 *   - the rule target (EventBridge → Lambda Invoke API) retries a bounded number
 *     of times within a maximum event age, then dead-letters;
 *   - the function's asynchronous invocations (its own errors) retry twice
 *     within the same maximum age, then go to the same queue (on-failure).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';
import type { DomainFunction } from './domain-function.ts';

/** What a consumer reacts to: events on a bus that match a pattern, a schedule, or objects created in a bucket under a prefix. */
export type ConsumerTrigger =
  | { readonly bus: events.IEventBus; readonly eventPattern: events.EventPattern }
  | { readonly schedule: events.Schedule }
  | { readonly bucket: s3.Bucket; readonly prefix: string };

/** The construct id of CDK's singleton that applies bucket notification configurations (a deploy-time custom resource). */
export const BUCKET_NOTIFICATIONS_HANDLER = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface ConsumerProps {
  readonly trigger: ConsumerTrigger;
  readonly fn: DomainFunction;
  readonly config: StageConfig;
  readonly description?: string;
  /** Retries of the rule target when the Lambda Invoke call itself fails (throttling). @default 10 */
  readonly targetRetryAttempts?: number;
}

export class Consumer extends Construct {
  /** The rule of a bus or schedule trigger (a bucket notifies the function directly). */
  readonly rule?: events.Rule;
  readonly dlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: ConsumerProps) {
    super(scope, id);
    this.dlq = new sqs.Queue(this, 'Dlq', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.config.removalPolicy,
    });
    acknowledge(this.dlq, 'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the rule target and of the function\'s async invocations; it is redriven by the documented DLQ command.');

    props.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: props.config.maxEventAge,
      onFailure: new SqsDestination(this.dlq),
    });

    const trigger = props.trigger;
    if ('bucket' in trigger) {
      // S3 invokes the function asynchronously: its failures follow the async config above.
      trigger.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(props.fn), { prefix: trigger.prefix });
      const notificationsHandler = Stack.of(this).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER);
      if (notificationsHandler) {
        acknowledge(notificationsHandler, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'CDK\'s own custom-resource handler that writes the bucket notification configuration at deploy time; it handles no data and runs only during deployments.');
      }
      return;
    }
    this.rule = new events.Rule(this, 'Rule', {
      ...('schedule' in trigger ? { schedule: trigger.schedule } : { eventBus: trigger.bus, eventPattern: trigger.eventPattern }),
      description: props.description ?? `${id} → ${props.fn.node.id}`,
      targets: [
        new targets.LambdaFunction(props.fn, {
          retryAttempts: props.targetRetryAttempts ?? 10,
          maxEventAge: props.config.maxEventAge,
          deadLetterQueue: this.dlq,
        }),
      ],
    });
  }
}
