/**
 * The hall's queue in the stack (排队叫号, 预约): one HTTP function serves the
 * queue's and the appointments' routes (functions/queue/routes.ts).
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';

export interface QueueProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
  readonly api: DomainHttpApi;
  readonly cursorKey: ISecret;
}

export function addQueue(scope: Construct, props: QueueProps) {
  const { config } = props;
  const fn = new DomainFunction(scope, 'QueueFunction', { entry: 'functions/queue/handler.ts', domain: 'queue', config })
    .bindTable(props.table, 'readWrite')
    .bindSecretValue(props.cursorKey, 'CURSOR_KEY');
  props.api.addDomain('queue', fn);
  return { fn };
}
