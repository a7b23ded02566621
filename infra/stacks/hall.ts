/**
 * The hall's live displays (叫号屏) in the stack: a WebSocket API whose
 * $connect, $disconnect and $default routes go to HallSocketFunction (the
 * connections, stored per center with a TTL), and the push consumer that
 * sends each queue event's call and waiting counts to the center's
 * connections through the stage's @connections management API.
 */
import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { hallTrigger } from '../../functions/hall/messages.ts';
import { connectionKeyPrefix } from '../../functions/hall/store.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import { acknowledge, nagRef } from '../nag.ts';

export interface HallDisplaysProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly bus: events.IEventBus;
}

/** The stage's name: part of the socket URL and of the management endpoint. */
export const HALL_SOCKET_STAGE = 'live';

/**
 * dynamodb:DeleteItem on the connection items only (their partition keys all
 * start with the prefix): a closed or gone connection is removed at once,
 * where every other domain changes state by puts (decision 17).
 */
function allowConnectionDeletes(fn: DomainFunction, table: ITable): void {
  fn.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:DeleteItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${connectionKeyPrefix}*`] } },
  }));
}

export function addHallDisplays(scope: Construct, props: HallDisplaysProps) {
  const { config, table } = props;
  const socket = new DomainFunction(scope, 'HallSocketFunction', {
    entry: 'functions/hall/socket.ts', domain: 'hall', config, memorySize: 256,
    description: 'OneStop hall displays: WebSocket $connect (center and window checked), $disconnect, $default (keep-alive)',
  }).bindTable(table, 'readWrite');
  allowConnectionDeletes(socket, table);

  const integration = new WebSocketLambdaIntegration('HallSocketIntegration', socket);
  const api = new apigwv2.WebSocketApi(scope, 'HallSocketApi', {
    apiName: `onestop-${config.stage}-hall`,
    description: `OneStop hall displays (${config.stage}): calls and waiting counts pushed to 叫号屏 and window terminals`,
    connectRouteOptions: { integration },
    disconnectRouteOptions: { integration },
    defaultRouteOptions: { integration, returnResponse: true },
  });
  const stage = new apigwv2.WebSocketStage(scope, 'HallSocketStage', {
    webSocketApi: api,
    stageName: HALL_SOCKET_STAGE,
    autoDeploy: true,
    throttle: { rateLimit: config.publicRouteThrottle.rateLimit, burstLimit: config.publicRouteThrottle.burstLimit },
  });
  acknowledge(stage, 'AwsSolutions-APIG1',
    'HallSocketFunction logs every connect and disconnect (center, window, connection id) in its own log group; a WebSocket stage\'s access logs need the account-wide API Gateway CloudWatch role, which this stack does not own.');
  for (const route of ['$connect', '$disconnect', '$default']) {
    const node = api.node.tryFindChild(`${route}-Route`);
    if (node) {
      acknowledge(node, 'AwsSolutions-APIG4',
        `${route} of the hall displays' WebSocket API: public, read-only, for anonymous hall screens; it pushes ticket numbers, window names and waiting counts, never personal data.`);
    }
  }

  const push = new DomainFunction(scope, 'HallPushFunction', {
    entry: 'functions/hall/push.ts', domain: 'hall', config, memorySize: 256,
    description: 'OneStop hall displays: queue events → the center\'s connected displays (@connections)',
  })
    .bindTable(table, 'readWrite')
    .bindValue('HALL_SOCKET_ENDPOINT', stage.callbackUrl);
  allowConnectionDeletes(push, table);
  const connections = Stack.of(scope).formatArn({ service: 'execute-api', resource: api.apiId, resourceName: `${stage.stageName}/POST/@connections/*` });
  push.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [connections] }));
  acknowledge(push.executionRole, `AwsSolutions-IAM5[Resource::${nagRef(push, connections)}]`,
    'POST to the connections of this one API\'s stage: connection ids are made by API Gateway at each connect.');

  const consumer = new Consumer(scope, 'HallPush', {
    trigger: { bus: props.bus, eventPattern: { source: [hallTrigger.source], detailType: [...hallTrigger.detailTypes] } },
    fn: push,
    config,
    // A call that reaches the hall minutes late only confuses: the displays re-read the board on reconnect.
    targetRetryAttempts: 2,
    description: 'Queue events → calls and waiting counts on the center\'s hall displays and window terminals',
  });
  return { api, stage, socket, push, consumer, url: stage.url };
}
