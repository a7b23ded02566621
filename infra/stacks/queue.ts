/**
 * The hall's queue in the stack (排队叫号, 预约): one HTTP function serves the
 * queue's and the appointments' routes (functions/queue/routes.ts); the
 * counting consumer adds the queue's own ticket events to the monthly
 * counters (functions/queue/stats/), out of the tickets' transactions.
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { countingTrigger } from '../../functions/queue/stats/subscriptions.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface QueueProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
}

/** The events the counting consumer takes (functions/queue/stats/counting.ts checks each). */
export const queueCountingPattern: events.EventPattern = { source: [countingTrigger.source], detailType: [...countingTrigger.detailTypes] };

export function addQueue(scope: Construct, props: QueueProps) {
  const { config } = props;
  const fn = new DomainFunction(scope, 'QueueFunction', { entry: 'functions/queue/handler.ts', domain: 'queue', config })
    .bindTable(props.table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY');
  props.api.addDomain('queue', fn);
  const counter = new DomainFunction(scope, 'QueueCountFunction', { entry: 'functions/queue/stats/counting.ts', domain: 'queue', config })
    .bindTable(props.table, 'readWrite');
  const counting = new Consumer(scope, 'QueueCount', {
    trigger: { bus: props.bus, eventPattern: queueCountingPattern },
    fn: counter,
    config,
    description: 'A ticket taken, first called, missed or transferred, a visit ended → the month\'s queue counters, counted once per event',
  });
  return { fn, counter, counting };
}
