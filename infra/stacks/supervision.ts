/**
 * Electronic supervision (电子监察) in the stack: its API function and routes,
 * the card consumer on the clock thresholds the cases and documents domains publish, the
 * timeliness figures of closed cases, and the watcher that cards 督办 orders
 * left unanswered.
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { completionTrigger, thresholdTrigger } from '../../functions/supervision/subscriptions.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface SupervisionProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
}

export function addSupervision(scope: Construct, props: SupervisionProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'SupervisionFunction', { entry: 'functions/supervision/handler.ts', domain: 'supervision', config })
    .bindTable(table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY')
    .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
  props.api.addDomain('supervision', api);
  const cards = new DomainFunction(scope, 'SupervisionCardsFunction', { entry: 'functions/supervision/consumer.ts', domain: 'supervision', config })
    .bindTable(table, 'readWrite');
  const consumer = new Consumer(scope, 'SupervisionCards', {
    trigger: { bus: props.bus, eventPattern: { source: thresholdTrigger.sources, detailType: thresholdTrigger.detailTypes } },
    fn: cards,
    config,
    description: 'Clock thresholds (cases, e-licence) → warning, yellow and red cards, one per clock and level, counted in the figures',
  });
  const completions = new DomainFunction(scope, 'SupervisionCompletionsFunction', { entry: 'functions/supervision/completions.ts', domain: 'supervision', config })
    .bindTable(table, 'readWrite');
  new Consumer(scope, 'SupervisionCompletions', {
    trigger: { bus: props.bus, eventPattern: { source: [completionTrigger.source], detailType: [completionTrigger.detailType] } },
    fn: completions,
    config,
    description: 'Closed cases → the month\'s timeliness figures (on time, late, working days late) by center, department and handler',
  });
  const orderWatch = new DomainFunction(scope, 'SupervisionOrderWatchFunction', { entry: 'functions/supervision/order-watch.ts', domain: 'supervision', config })
    .bindTable(table, 'readWrite');
  new Consumer(scope, 'SupervisionOrderWatch', {
    trigger: { schedule: events.Schedule.expression(config.caseWatchSchedule) },
    fn: orderWatch,
    config,
    description: '督办 orders unanswered past their day → a yellow card on the order\'s clock',
  });
  return { api, cards, consumer, completions, orderWatch };
}
