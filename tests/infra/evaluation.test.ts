/**
 * CDK assertions on the evaluation domain's wiring: its rules on the bus
 * (CaseCompleted; its own events that carry counts), its schedule, their retry policies, maximum event
 * ages and dead-letter queues, the stage's evaluation defaults, and its
 * least-privilege table access.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { evaluationRoutes } from '../../functions/evaluation/routes.ts';
import { logicalIdByPath, resourcesOf, synthTemplate } from './synth.ts';

let dev: Template;
let local: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  local = synthTemplate('local');
});

const getAtt = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('evaluation wiring', () => {
  it('invites on CaseCompleted of onestop.cases and VisitEnded of onestop.queue only, with a bounded retry policy, maximum age and its own DLQ', () => {
    const fnId = logicalIdByPath(dev, 'EvaluationInviteFunction');
    const dlqId = logicalIdByPath(dev, 'EvaluationInvite/Dlq');
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: ['onestop.cases', 'onestop.queue'], 'detail-type': ['CaseCompleted', 'VisitEnded'] },
      Targets: [Match.objectLike({
        Arn: getAtt(fnId),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: stageConfig('dev').maxEventAge.toSeconds() },
        DeadLetterConfig: { Arn: getAtt(dlqId) },
      })],
    });
    const config = Object.values(resourcesOf(dev, 'AWS::Lambda::EventInvokeConfig')).find((c) => c.Properties!.FunctionName?.Ref === fnId);
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: stageConfig('dev').maxEventAge.toSeconds(),
      DestinationConfig: { OnFailure: { Destination: getAtt(dlqId) } },
    });
  });

  it('counts the domain\'s own events that carry counts (by a leaf every count has), with the same bounded retries and its own DLQ', () => {
    const fnId = logicalIdByPath(dev, 'EvaluationCountFunction');
    const dlqId = logicalIdByPath(dev, 'EvaluationCount/Dlq');
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: ['onestop.evaluation'], detail: { data: { counts: { month: [{ exists: true }] } } } },
      Targets: [Match.objectLike({
        Arn: getAtt(fnId),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: stageConfig('dev').maxEventAge.toSeconds() },
        DeadLetterConfig: { Arn: getAtt(dlqId) },
      })],
    });
    const config = Object.values(resourcesOf(dev, 'AWS::Lambda::EventInvokeConfig')).find((c) => c.Properties!.FunctionName?.Ref === fnId);
    expect(config?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: getAtt(dlqId) } } });
  });

  it('sweeps on the stage schedule (every minute locally), outside the bus, with its own DLQ', () => {
    for (const [template, stage] of [[dev, 'dev'], [local, 'local']] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: stageConfig(stage).evaluationSweepSchedule,
        EventBusName: Match.absent(),
        Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(template, 'EvaluationSweepFunction')), DeadLetterConfig: { Arn: getAtt(logicalIdByPath(template, 'EvaluationSweep/Dlq')) } })],
      });
    }
    expect(stageConfig('local').evaluationSweepSchedule).toBe('rate(1 minute)');
  });

  it('watches bad reviews\' tasks every minute, outside the bus, with its own DLQ', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(dev, 'EvaluationWatchFunction')), DeadLetterConfig: { Arn: getAtt(logicalIdByPath(dev, 'EvaluationWatch/Dlq')) } })],
    });
  });

  it('hands the stage\'s evaluation defaults (5 / 1 / 15 working days) to every evaluation function', () => {
    for (const id of ['EvaluationFunction', 'EvaluationInviteFunction', 'EvaluationSweepFunction']) {
      const vars = dev.toJSON().Resources[logicalIdByPath(dev, id)].Properties.Environment.Variables;
      expect(JSON.parse(vars.EVALUATION_DEFAULTS), id).toEqual({ ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 });
    }
  });

  it('routes every evaluation route to the evaluation function', () => {
    const fnId = logicalIdByPath(dev, 'EvaluationFunction');
    const integrations = resourcesOf(dev, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Route'));
    for (const spec of evaluationRoutes) {
      const route = routes.find((r) => r.Properties!.RouteKey === `${spec.method} ${spec.path}`);
      expect(route, spec.operationId).toBeDefined();
      const target = JSON.stringify(route!.Properties!.Target);
      const integrationId = Object.keys(integrations).find((id) => target.includes(id))!;
      expect(JSON.stringify(integrations[integrationId]!.Properties!.IntegrationUri), spec.operationId).toContain(fnId);
      expect(route!.Properties!.AuthorizationType, spec.operationId).toBe(spec.access === 'public' ? 'NONE' : 'JWT');
    }
  });

  it('may read and write items but never delete, batch-write or scan', () => {
    for (const prefix of ['EvaluationFunctionRole', 'EvaluationInviteFunctionRole', 'EvaluationCountFunctionRole', 'EvaluationSweepFunctionRole', 'EvaluationWatchFunctionRole']) {
      const actions = Object.entries(resourcesOf(dev, 'AWS::IAM::Policy'))
        .filter(([, p]) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(prefix)))
        .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
        .flatMap((st) => [st.Action].flat())
        .filter((a) => a.startsWith('dynamodb:'));
      expect(actions.sort(), prefix).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    }
  });
});
