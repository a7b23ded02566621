/**
 * CDK assertions on the audit log's resources: the queue that feeds the
 * consumer in batches (its rule, redrive policy and event source mapping), the
 * digest schedule and its signing key (KMS in AWS, a secret in the local
 * cloud), and each audit function's least-privilege grants.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { AUDIT_MAX_RECEIVE_COUNT } from '../../infra/stacks/audit.ts';
import { logicalIdByPath, resourcesOf, statementsOf, synthTemplate } from './synth.ts';

let dev: Template;
let local: Template;
beforeAll(() => {
  dev = synthTemplate('dev');
  local = synthTemplate('local');
});

const getAtt = (logicalId: string, attr = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attr] });

describe('audit digest', () => {
  it('runs daily after midnight in Asia/Shanghai (16:15 UTC), outside the bus, with a dead-letter queue', () => {
    expect(stageConfig('prod').auditDigestSchedule).toBe('cron(15 16 * * ? *)');
    dev.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 16 * * ? *)',
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(dev, 'AuditDigestFunction')), DeadLetterConfig: Match.anyValue() })],
    });
    local.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: stageConfig('local').auditDigestSchedule, Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(local, 'AuditDigestFunction')) })] });
  });

  it('signs with an asymmetric ECC_NIST_P256 KMS key it may only Sign with', () => {
    const keyId = logicalIdByPath(dev, 'AuditSigningKey');
    dev.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const fn = dev.toJSON().Resources[logicalIdByPath(dev, 'AuditDigestFunction')];
    expect(fn.Properties.Environment.Variables.AUDIT_SIGNING_KEY_ID).toEqual(getAtt(keyId));
    const kmsStatements = statementsOf(dev, 'AuditDigestFunction').filter((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kmsStatements).toEqual([expect.objectContaining({ Effect: 'Allow', Action: ['kms:Sign'], Resource: getAtt(keyId) })]);
    // No other function may use the key.
    for (const id of ['AuditApiFunction', 'AuditConsumerFunction']) {
      expect(statementsOf(dev, id).flatMap((s) => s.Action).filter((a) => a.startsWith('kms:')), id).toEqual([]);
    }
    expect(Object.keys(dev.findOutputs('AuditSigningKeyId'))).toEqual(['AuditSigningKeyId']);
  });

  it('signs with a key kept in a secret in the local cloud, which has no KMS', () => {
    expect(Object.keys(resourcesOf(local, 'AWS::KMS::Key'))).toEqual([]);
    const vars = local.toJSON().Resources[logicalIdByPath(local, 'AuditDigestFunction')].Properties.Environment.Variables;
    expect(vars.AUDIT_SIGNING_KEY_ID).toBeUndefined();
    expect(JSON.stringify(vars.AUDIT_SIGNING_SECRET)).toContain('{{resolve:secretsmanager:');
    expect(JSON.stringify(vars.AUDIT_SIGNING_SECRET)).toContain(logicalIdByPath(local, 'AuditSigningSecret'));
  });

  it('reads and puts objects of the audit bucket only, and never updates or deletes table items', () => {
    const bucketId = logicalIdByPath(dev, 'AuditBucket');
    const statements = statementsOf(dev, 'AuditDigestFunction');
    const s3 = statements.filter((s) => s.Action.some((a) => a.startsWith('s3:')));
    expect(s3.flatMap((s) => s.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    for (const s of s3) expect(JSON.stringify(s.Resource)).toContain(bucketId);
    const dynamo = statements.flatMap((s) => s.Action).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo).toContain('dynamodb:PutItem');
    for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan']) expect(dynamo).not.toContain(forbidden);
  });
});

describe('audit queue', () => {
  const queueId = () => logicalIdByPath(dev, 'AuditQueue');
  const dlqId = () => logicalIdByPath(dev, 'AuditQueueDlq');

  it('takes every onestop.* event from the bus, with bounded delivery retries and the audit DLQ', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: [{ prefix: 'onestop.' }] },
      Targets: [Match.objectLike({ Arn: getAtt(queueId()), RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: stageConfig('dev').maxEventAge.toSeconds() }, DeadLetterConfig: { Arn: getAtt(dlqId()) } })],
    });
    // No rule invokes the consumer directly any more.
    const targets = Object.values(resourcesOf(dev, 'AWS::Events::Rule')).flatMap((r) => r.Properties!.Targets as { Arn: unknown }[]);
    expect(targets.filter((t) => JSON.stringify(t.Arn).includes(logicalIdByPath(dev, 'AuditConsumerFunction')))).toEqual([]);
  });

  it('is encrypted and TLS-only, redelivers after six function timeouts, and dead-letters after a generous receive count', () => {
    const fn = dev.toJSON().Resources[logicalIdByPath(dev, 'AuditConsumerFunction')];
    const timeout = fn.Properties.Timeout as number;
    dev.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * timeout + 1,
      RedrivePolicy: { deadLetterTargetArn: getAtt(dlqId()), maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT },
    });
    expect(AUDIT_MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(10);
    for (const id of [queueId(), dlqId()]) {
      const policy = Object.values(resourcesOf(dev, 'AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties!.Queues).includes(id));
      expect(JSON.stringify(policy?.Properties!.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
    expect(resourcesOf(dev, 'AWS::SQS::Queue')[dlqId()]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });

  it('feeds the consumer in batches of up to 100 within a second, reporting failed items, at a bounded concurrency', () => {
    dev.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queueId()),
      FunctionName: { Ref: logicalIdByPath(dev, 'AuditConsumerFunction') },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
    const esm = Object.values(resourcesOf(dev, 'AWS::Lambda::EventSourceMapping')).find((m) => JSON.stringify(m.Properties!.EventSourceArn).includes(queueId()))!;
    expect(esm.Properties!.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    expect(esm.Properties!.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(10);
  });

  it('alarms on the audit DLQ\'s depth (a redrive policy\'s target is found as a DLQ)', () => {
    const alarms = Object.values(resourcesOf(dev, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(alarms.some((a) => JSON.stringify(a.Properties!.Dimensions).includes(dlqId()))).toBe(true);
    expect(alarms.some((a) => JSON.stringify(a.Properties!.Dimensions).includes(`"${queueId()}"`))).toBe(false);
  });
});

describe('audit consumer and API', () => {
  it('the consumer reads chain heads and puts, on the table only (no index, no Query)', () => {
    const statements = statementsOf(dev, 'AuditConsumerFunction').filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(statements).toEqual([expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: getAtt(logicalIdByPath(dev, 'Table')) })]);
  });

  it('the API only reads the table and touches no bucket', () => {
    const actions = statementsOf(dev, 'AuditApiFunction').flatMap((s) => s.Action);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('routes the audit operations to the audit API function', () => {
    const integrations = resourcesOf(dev, 'AWS::ApiGatewayV2::Integration');
    const routes = Object.values(resourcesOf(dev, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!);
    for (const key of ['GET /audit/events', 'GET /audit/export', 'GET /audit/digests/{date}']) {
      const route = routes.find((r) => r.RouteKey === key);
      expect(route, key).toBeDefined();
      const integrationId = (route!.Target['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'object' && p && 'Ref' in p ? (p as { Ref: string }).Ref : '')).find((r) => r in integrations)!;
      expect(JSON.stringify(integrations[integrationId]!.Properties!.IntegrationUri), key).toContain(logicalIdByPath(dev, 'AuditApiFunction'));
    }
  });
});
