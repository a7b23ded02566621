/**
 * CDK assertions on the appraisal domain's wiring: every route to its one
 * function, the month-close schedule (firing that function, with its DLQ)
 * as the local cloud's scheduler reads it, and least-privilege table access.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { appraisalRoutes } from '../../functions/appraisal/routes.ts';
import { APPRAISAL_CLOSE_SCHEDULE } from '../../infra/stacks/appraisal.ts';
import { parseSchedule } from '../../local/schedule.ts';
import { logicalIdByPath, resourcesOf, synthTemplate } from './synth.ts';

let dev: Template;
let local: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  local = synthTemplate('local');
});

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('appraisal wiring', () => {
  it('routes every appraisal route to the appraisal function; the public summary without a token', () => {
    const fnId = logicalIdByPath(dev, 'AppraisalFunction');
    const integrations = resourcesOf(dev, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Route'));
    for (const spec of appraisalRoutes) {
      const route = routes.find((r) => r.Properties!.RouteKey === `${spec.method} ${spec.path}`);
      expect(route, spec.operationId).toBeDefined();
      const target = JSON.stringify(route!.Properties!.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id))!;
      expect(JSON.stringify(integrations[integrationId]!.Properties!.IntegrationUri), spec.operationId).toContain(fnId);
      expect(route!.Properties!.AuthorizationType, spec.operationId).toBe(spec.access === 'public' ? 'NONE' : 'JWT');
    }
  });

  it('closes months on a schedule that fires the same function, outside the bus, with its own DLQ, in every stage', () => {
    for (const template of [dev, local]) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: APPRAISAL_CLOSE_SCHEDULE,
        EventBusName: Match.absent(),
        Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(template, 'AppraisalFunction')), DeadLetterConfig: { Arn: getAtt(logicalIdByPath(template, 'AppraisalClose/Dlq')) } })],
      });
    }
  });

  it('the local cloud\'s scheduler fires it hourly through the first day of each month (UTC), on the emulated clock', () => {
    const s = parseSchedule(APPRAISAL_CLOSE_SCHEDULE);
    // November ends in Asia/Shanghai at 16:00 UTC on the 30th: the first run after it is 00:05 UTC on 1 December (08:05 there).
    const first = s.nextAfter(new Date('2026-11-30T16:00:00Z'));
    expect(first.toISOString()).toBe('2026-12-01T00:05:00.000Z');
    expect(s.nextAfter(first).toISOString()).toBe('2026-12-01T01:05:00.000Z');
    expect(s.nextAfter(new Date('2026-12-01T23:05:00Z')).toISOString()).toBe('2027-01-01T00:05:00.000Z');
  });

  it('may read and write items but never delete, batch-write or scan', () => {
    const actions = Object.entries(resourcesOf(dev, 'AWS::IAM::Policy'))
      .filter(([, p]) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith('AppraisalFunctionRole')))
      .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((st) => [st.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    expect(actions.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });
});
