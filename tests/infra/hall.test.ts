/**
 * CDK assertions on the hall displays' wiring (infra/stacks/hall.ts): the
 * WebSocket API's three routes to HallSocketFunction ($default two-way), its
 * stage, the push consumer's rule on the queue's ticket events with bounded
 * retries and its own DLQ, its endpoint and its one management grant, the
 * connection deletes limited to the connection items, and the local cloud's
 * reading of the same API from the local template.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { HALL_SOCKET_STAGE } from '../../infra/stacks/hall.ts';
import { hallTrigger } from '../../functions/hall/messages.ts';
import { Resolver, nameFromArn, type CfnTemplate } from '../../local/intrinsics.ts';
import { extractSocketApi } from '../../local/websocket/template.ts';
import { logicalIdByPath, resourcesOf, statementsOf, synthTemplate } from './synth.ts';

let dev: Template;
let local: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  local = synthTemplate('local');
});

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('the hall displays\' WebSocket API', () => {
  it('is one WebSocket API whose $connect, $disconnect and $default go to HallSocketFunction; $default answers', () => {
    const apis = Object.entries(resourcesOf(dev, 'AWS::ApiGatewayV2::Api')).filter(([, a]) => a.Properties!.ProtocolType === 'WEBSOCKET');
    expect(apis).toHaveLength(1);
    const [apiId] = apis[0]!;
    const routes = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Route')).filter((r) => r.Properties!.ApiId?.Ref === apiId);
    expect(routes.map((r) => r.Properties!.RouteKey).sort()).toEqual(['$connect', '$default', '$disconnect']);
    for (const r of routes) expect(r.Properties!.AuthorizationType).toBe('NONE');
    expect(routes.find((r) => r.Properties!.RouteKey === '$default')!.Properties!.RouteResponseSelectionExpression).toBe('$default');
    const integrations = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Integration')).filter((i) => i.Properties!.ApiId?.Ref === apiId);
    expect(integrations).toHaveLength(1);
    expect(JSON.stringify(integrations[0]!.Properties!.IntegrationUri)).toContain(logicalIdByPath(dev, 'HallSocketFunction'));
    dev.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId }, StageName: HALL_SOCKET_STAGE, AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: stageConfig('dev').publicRouteThrottle.rateLimit }),
    });
    expect(dev.toJSON().Outputs.HallSocketUrl.Value['Fn::Join'][1].join('')).toMatch(/^wss:\/\/.*\/live$/);
  });

  it('pushes the queue\'s ticket events only, with bounded retries, the stage\'s maximum age and its own DLQ', () => {
    const fnId = logicalIdByPath(dev, 'HallPushFunction');
    const dlqId = logicalIdByPath(dev, 'HallPush/Dlq');
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: ['onestop.queue'], 'detail-type': [...hallTrigger.detailTypes] },
      Targets: [Match.objectLike({
        Arn: getAtt(fnId),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: stageConfig('dev').maxEventAge.toSeconds() },
        DeadLetterConfig: { Arn: getAtt(dlqId) },
      })],
    });
    expect(hallTrigger.detailTypes).toEqual(['TicketIssued', 'TicketCalled', 'TicketRecalled', 'TicketMissed', 'TicketTransferred', 'ServiceStarted', 'VisitEnded']);
  });

  it('the push calls the stage\'s management endpoint and may POST to its connections only', () => {
    const fn = dev.toJSON().Resources[logicalIdByPath(dev, 'HallPushFunction')].Properties;
    const endpoint = JSON.stringify(fn.Environment.Variables.HALL_SOCKET_ENDPOINT);
    expect(endpoint).toContain('https://');
    expect(endpoint).toContain(`/${HALL_SOCKET_STAGE}`);
    const manage = statementsOf(dev, 'HallPushFunction').filter((s) => s.Action.some((a) => a.startsWith('execute-api:')));
    expect(manage).toHaveLength(1);
    expect(manage[0]!.Action).toEqual(['execute-api:ManageConnections']);
    expect(JSON.stringify(manage[0]!.Resource)).toMatch(/\/live\/POST\/@connections\/\*"\]\]\}$/);
    expect(statementsOf(dev, 'HallSocketFunction').flatMap((s) => s.Action).filter((a) => a.startsWith('execute-api:'))).toEqual([]);
  });

  it.each(['HallSocketFunction', 'HallPushFunction'])('%s deletes connection items only, and never Scans', (fnPath) => {
    const statements = statementsOf(dev, fnPath);
    const deletes = statements.filter((s) => s.Action.includes('dynamodb:DeleteItem'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ Effect: 'Allow', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HALL#CONN#*'] } } });
    expect(deletes[0]!.Action).toEqual(['dynamodb:DeleteItem']);
    expect(statements.flatMap((s) => s.Action)).not.toContain('dynamodb:Scan');
  });
});

describe('the local cloud reads the same WebSocket API from the local template', () => {
  it('its routes, their function, the stage and the endpoint the push function names', () => {
    const template = local.toJSON() as CfnTemplate;
    const r = new Resolver(template);
    const socketApi = extractSocketApi(template, r, (arn) => nameFromArn(arn));
    const socketId = logicalIdByPath(local, 'HallSocketFunction');
    expect(socketApi).toBeDefined();
    expect(socketApi!.stage).toBe(HALL_SOCKET_STAGE);
    expect(socketApi!.routes.map((route) => [route.routeKey, route.functionId, route.returnsResponse]).sort()).toEqual([
      ['$connect', socketId, false], ['$default', socketId, true], ['$disconnect', socketId, false],
    ]);
    const push = template.Resources[logicalIdByPath(local, 'HallPushFunction')]!.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(r.resolveString(push.Environment.Variables.HALL_SOCKET_ENDPOINT, 'HallPushFunction')).toBe(socketApi!.callbackUrl);
  });
});
