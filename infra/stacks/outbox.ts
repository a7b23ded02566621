/**
 * The outbox pipe (contract "Outbox events and the Pipe"): the table stream,
 * filtered to newly inserted event items, is published to the bus. The pipe's
 * defaults retry forever; here retries and record age are bounded and failed
 * batches go to a dead-letter queue. For a stream source that queue receives
 * the batch's shard and sequence-number range, not the records. The pipe logs
 * its failed execution steps (level ERROR, without the events' data, which
 * holds personal data) to its own log group.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';
import { outboxItemShape } from '../../functions/shared/events.ts';

const item = outboxItemShape;
const attribute = (name: string) => `$.dynamodb.NewImage.${name}.S`;

/** Only INSERTs of outbox items are published. */
export const outboxFilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { [item.kindAttribute]: { S: [item.kind] } } },
} as const;

export interface OutboxProps {
  readonly table: dynamodb.ITable;
  readonly bus: events.IEventBus;
  readonly config: StageConfig;
}

export function createOutboxPipe(scope: Construct, props: OutboxProps): { pipe: CfnPipe; dlq: sqs.Queue; role: iam.Role; logs: LogGroup } {
  const { table, bus, config } = props;
  const streamArn = table.tableStreamArn;
  if (!streamArn) throw new Error('the outbox pipe needs a table with a stream');

  const dlq = new sqs.Queue(scope, 'OutboxPipeDlq', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: config.removalPolicy,
  });
  acknowledge(dlq, 'AwsSolutions-SQS3',
    'This queue is the dead-letter target of the outbox pipe (failed stream batches); it is not a work queue that would itself need a DLQ.');

  const role = new iam.Role(scope, 'OutboxPipeRole', {
    assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: 'Outbox pipe: reads the table stream, puts events on the bus, dead-letters failed batches',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
    resources: [streamArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] }));
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
    'dynamodb:ListStreams supports no resource-level permissions; every other stream action is limited to this table\'s stream ARN.');
  bus.grantPutEventsTo(role);
  dlq.grantSendMessages(role);
  const logs = new LogGroup(scope, 'OutboxPipeLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy });
  logs.grantWrite(role);

  const pipe = new CfnPipe(scope, 'OutboxPipe', {
    description: 'Outbox: publishes event items of the table to the bus',
    roleArn: role.roleArn,
    source: streamArn,
    sourceParameters: {
      dynamoDbStreamParameters: {
        startingPosition: 'LATEST',
        batchSize: 10,
        maximumRetryAttempts: 10,
        maximumRecordAgeInSeconds: 3600,
        onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
        deadLetterConfig: { arn: dlq.queueArn },
      },
      filterCriteria: { filters: [{ pattern: JSON.stringify(outboxFilterPattern) }] },
    },
    target: bus.eventBusArn,
    targetParameters: {
      eventBridgeEventBusParameters: {
        source: attribute(item.source),
        detailType: attribute(item.detailType),
      },
      // The detail attribute holds the envelope as JSON text; inserted raw it becomes the event detail.
      inputTemplate: `<${attribute(item.detail)}>`,
    },
    // No IncludeExecutionData: the payloads are case events with personal data.
    logConfiguration: { level: 'ERROR', cloudwatchLogsLogDestination: { logGroupArn: logs.logGroupArn } },
  });
  // The role's policy must exist before the pipe starts polling.
  pipe.node.addDependency(role);
  return { pipe, dlq, role, logs };
}
