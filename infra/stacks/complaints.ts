/**
 * The complaints domain (投诉) in the stack: its API function and routes (the
 * one function told of the 12345 hotline's client, whose complaints it
 * takes), and the sweeper that closes complaints whose rating or review period ended.
 * Its events reach the audit log through the bus like every domain's (the
 * audit rule takes every `onestop.` source).
 */
import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';
import type { ServiceClient } from '../../functions/shared/auth.ts';

export interface ComplaintsProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
  /** The systems calling as themselves (the 12345 hotline): told to the function, which alone takes their calls. */
  readonly serviceClients: readonly ServiceClient[];
}

export function addComplaints(scope: Construct, props: ComplaintsProps) {
  const { config, table } = props;
  const api = new DomainFunction(scope, 'ComplaintsFunction', { entry: 'functions/complaints/handler.ts', domain: 'complaints', config })
    .bindTable(table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY');
  if (props.serviceClients.length) api.bindValue('SERVICE_CLIENTS', Stack.of(scope).toJsonString(props.serviceClients));
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
