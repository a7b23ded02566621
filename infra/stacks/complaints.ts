/**
 * The complaints domain (投诉) in the stack: its API function and routes, and
 * the sweeper that closes complaints whose rating or review period ended.
 * Its events reach the audit log through the bus like every domain's (the
 * audit rule takes every `onestop.` source).
 */
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface ComplaintsProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
}

export function addComplaints(scope: Construct, props: ComplaintsProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'ComplaintsFunction', { entry: 'functions/complaints/handler.ts', domain: 'complaints', config })
    .bindTable(table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY');
  const sweeper = new DomainFunction(scope, 'ComplaintSweepFunction', { entry: 'functions/complaints/sweeper.ts', domain: 'complaints', config })
    .bindTable(table, 'readWrite');
  props.api.addDomain('complaints', api);
  // Day-granular periods, like the case sweep's: the same schedule.
  const sweep = new Consumer(scope, 'ComplaintSweep', {
    trigger: { schedule: events.Schedule.expression(config.caseSweepSchedule) },
    fn: sweeper,
    config,
    description: 'Complaints not rated within the rating period close as satisfied; unsatisfied ones without a review request within its period close',
  });
  return { api, sweeper, sweep };
}
