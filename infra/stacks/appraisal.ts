/**
 * The appraisal domain (考核) in the stack: one function for its API (the
 * indicator table, closing a month on demand, scores, appeals, the public
 * summary) and for the schedule that closes each month shortly after it ends. Its events
 * reach the audit log through the bus like every domain's.
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface AppraisalProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly api: DomainHttpApi;
}

/**
 * Hourly through the first day of every month (UTC): every time zone's month
 * has ended by some hour of it; a run before the center's month ended, or
 * after it closed, changes nothing (functions/appraisal/close.ts).
 */
export const APPRAISAL_CLOSE_SCHEDULE = 'cron(5 * 1 * ? *)';

export function addAppraisal(scope: Construct, props: AppraisalProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'AppraisalFunction', { entry: 'functions/appraisal/handler.ts', domain: 'appraisal', config })
    .bindTable(table, 'readWrite')
    .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
  props.api.addDomain('appraisal', api);
  const close = new Consumer(scope, 'AppraisalClose', {
    trigger: { schedule: events.Schedule.expression(APPRAISAL_CLOSE_SCHEDULE) },
    // One function for the domain (the stack is near its resource limit): the handler tells a schedule's event from a request.
    fn: api,
    config,
    description: 'Closes every center\'s previous month (scores every department, window and staff member, publishes them) unless closed',
  });
  return { api, close };
}
