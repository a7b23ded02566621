/**
 * The evaluation domain (好差评) in the stack: its API function and routes,
 * the invitation consumer on CaseCompleted, the counting consumer on its own
 * events that change the figures, the sweeper that counts
 * unrated evaluations as satisfied and the watcher that publishes the
 * thresholds of bad reviews' tasks. Each asynchronous edge is a Consumer:
 * bounded retries, a maximum event age and its own dead-letter queue.
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { countingTrigger, invitationTrigger, visitTrigger } from '../../functions/evaluation/subscriptions.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface EvaluationProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
}

/**
 * The events the invitation consumer takes (functions/evaluation/invite.ts checks each pair): a
 * completed case and an ended visit. Each source emits only its own detail type, so the two lists
 * match exactly those two pairs.
 */
export const invitationPattern: events.EventPattern = {
  source: [invitationTrigger.source, visitTrigger.source],
  detailType: [invitationTrigger.detailType, visitTrigger.detailType],
};

/**
 * The events the counting consumer takes (functions/evaluation/counting.ts): the domain's own that
 * carry counts. `exists` matches leaves only, so the pattern names one field every count has.
 */
export const countingPattern: events.EventPattern = { source: [countingTrigger.source], detail: { data: { counts: { month: [{ exists: true }] } } } };

export function addEvaluation(scope: Construct, props: EvaluationProps) {
  const { config, table } = props;
  const defaults = JSON.stringify(config.evaluationDefaults);
  const api = new DomainFunction(scope, 'EvaluationFunction', { entry: 'functions/evaluation/handler.ts', domain: 'evaluation', config })
    .bindTable(table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY')
    .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId)
    .bindValue('EVALUATION_DEFAULTS', defaults);
  const invite = new DomainFunction(scope, 'EvaluationInviteFunction', { entry: 'functions/evaluation/invite.ts', domain: 'evaluation', config })
    .bindTable(table, 'readWrite')
    .bindValue('EVALUATION_DEFAULTS', defaults);
  const sweeper = new DomainFunction(scope, 'EvaluationSweepFunction', { entry: 'functions/evaluation/sweeper.ts', domain: 'evaluation', config })
    .bindTable(table, 'readWrite')
    .bindValue('EVALUATION_DEFAULTS', defaults);
  const counter = new DomainFunction(scope, 'EvaluationCountFunction', { entry: 'functions/evaluation/counting.ts', domain: 'evaluation', config })
    .bindTable(table, 'readWrite');
  const watcher = new DomainFunction(scope, 'EvaluationWatchFunction', { entry: 'functions/evaluation/watch.ts', domain: 'evaluation', config })
    .bindTable(table, 'readWrite');

  props.api.addDomain('evaluation', api);
  const invitations = new Consumer(scope, 'EvaluationInvite', {
    trigger: { bus: props.bus, eventPattern: invitationPattern },
    fn: invite,
    config,
    description: 'CaseCompleted → the case\'s evaluation invitation (一事一评); VisitEnded → the visit\'s (一次一评)',
  });
  const counting = new Consumer(scope, 'EvaluationCount', {
    trigger: { bus: props.bus, eventPattern: countingPattern },
    fn: counter,
    config,
    description: 'A rating, default, fix rating or upheld appeal → the month\'s figures, counted once per event (out of the rating\'s transaction)',
  });
  const sweep = new Consumer(scope, 'EvaluationSweep', {
    trigger: { schedule: events.Schedule.expression(config.evaluationSweepSchedule) },
    fn: sweeper,
    config,
    description: 'Evaluations not rated within the rating period count as satisfied (默认满意)',
  });
  // Every minute, as the case watcher: a threshold is published within a minute of its instant.
  const watch = new Consumer(scope, 'EvaluationWatch', {
    trigger: { schedule: events.Schedule.expression(config.caseWatchSchedule) },
    fn: watcher,
    config,
    description: 'Bad reviews\' call-back and rectification due and overdue (回访, 整改), published once within a minute of their instant',
  });
  return { api, invite, counter, sweeper, watcher, invitations, counting, sweep, watch };
}
