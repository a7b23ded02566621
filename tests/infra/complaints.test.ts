/**
 * CDK assertions on the complaints domain's wiring: every route to its own
 * function, the sweeper's schedule with its DLQ, least-privilege table access,
 * and its events reaching the audit log (whose rule takes every `onestop.` source).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { complaintRoutes } from '../../functions/complaints/routes.ts';
import { logicalIdByPath, resourcesOf, synthTemplate } from './synth.ts';

let dev: Template;
let local: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  local = synthTemplate('local');
});

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('complaints wiring', () => {
  it('routes every complaint route to the complaints function, with the JWT authorizer', () => {
    const fnId = logicalIdByPath(dev, 'ComplaintsFunction');
    const integrations = resourcesOf(dev, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Route'));
    for (const spec of complaintRoutes) {
      const route = routes.find((r) => r.Properties!.RouteKey === `${spec.method} ${spec.path}`);
      expect(route, spec.operationId).toBeDefined();
      const target = JSON.stringify(route!.Properties!.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id))!;
      expect(JSON.stringify(integrations[integrationId]!.Properties!.IntegrationUri), spec.operationId).toContain(fnId);
      expect(route!.Properties!.AuthorizationType, spec.operationId).toBe('JWT');
    }
  });

  it('sweeps on the stage\'s day-granular schedule (every minute locally), outside the bus, with its own DLQ', () => {
    for (const [template, stage] of [[dev, 'dev'], [local, 'local']] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: stageConfig(stage).caseSweepSchedule,
        EventBusName: Match.absent(),
        Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(template, 'ComplaintSweepFunction')), DeadLetterConfig: { Arn: getAtt(logicalIdByPath(template, 'ComplaintSweep/Dlq')) } })],
      });
    }
  });

  it('puts its events in front of the audit log: the audit rule takes every onestop. source', () => {
    dev.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: [{ prefix: 'onestop.' }] } });
  });

  it('may read and write items but never delete, batch-write or scan', () => {
    for (const prefix of ['ComplaintsFunctionRole', 'ComplaintSweepFunctionRole']) {
      const actions = Object.entries(resourcesOf(dev, 'AWS::IAM::Policy'))
        .filter(([, p]) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(prefix)))
        .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
        .flatMap((st) => [st.Action].flat())
        .filter((a) => a.startsWith('dynamodb:'));
      expect(actions.sort(), prefix).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    }
  });
});
