/**
 * An event consumer: a rule on the bus with an event pattern (or a schedule
 * rule) and a DomainFunction target. Every asynchronous edge is bounded and ends in one
 * encrypted, TLS-only dead-letter queue:
 *   - the rule target (EventBridge → Lambda Invoke API) retries a bounded number
 *     of times within a maximum event age, then dead-letters;
 *   - the function's asynchronous invocations (its own errors) retry twice
 *     within the same maximum age, then go to the same queue (on-failure).
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';
import type { DomainFunction } from './domain-function.ts';

/** What a consumer reacts to: events on a bus that match a pattern, or a schedule. */
export type ConsumerTrigger = { readonly bus: events.IEventBus; readonly eventPattern: events.EventPattern } | { readonly schedule: events.Schedule };

export interface ConsumerProps {
  readonly trigger: ConsumerTrigger;
  readonly fn: DomainFunction;
  readonly config: StageConfig;
  readonly description?: string;
  /** Retries of the rule target when the Lambda Invoke call itself fails (throttling). @default 10 */
  readonly targetRetryAttempts?: number;
}

export class Consumer extends Construct {
  readonly rule: events.Rule;
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

    this.rule = new events.Rule(this, 'Rule', {
      ...('schedule' in props.trigger ? { schedule: props.trigger.schedule } : { eventBus: props.trigger.bus, eventPattern: props.trigger.eventPattern }),
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
