/**
 * CDK assertions on the synthesized OneStop stack, part 1: stages, the table,
 * the outbox pipe, buckets and EventBridge (contract: /tmp/contract.md;
 * security baseline: DESIGN §8). Part 2 is api-functions.test.ts.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildOneStop } from '../../infra/build.ts';
import { stageConfig } from '../../infra/config.ts';
import { apiRoutes } from '../../infra/routes.ts';
import { outboxFilterPattern } from '../../infra/stacks/outbox.ts';
import { logicalIdByPath, newApp, resourcesOf, synthTemplate } from './synth.ts';

const SYNTH_TIMEOUT = 60_000;
let dev: Template;
let prod: Template;

beforeAll(() => {
  dev = synthTemplate('dev');
  prod = synthTemplate('prod');
}, SYNTH_TIMEOUT);

const getAtt = (logicalId: string, attr = 'Arn') => ({ 'Fn::GetAtt': [logicalId, attr] });

describe('stages', () => {
  it('rejects an unknown stage with the list of valid ones', () => {
    expect(() => stageConfig('qa')).toThrow(/Unknown stage "qa": use -c stage=dev\|prod\|local/);
    const { app, outdir } = newApp('staging');
    expect(() => buildOneStop(app)).toThrow(/Unknown stage "staging"/);
    rmSync(outdir, { recursive: true, force: true });
  });

  it.each(['dev', 'prod', 'local'])('stage %s: every template within CloudFormation\'s limits (500 resources, 200 parameters), the alarms and the routes in nested stacks', (stage) => {
    const sizes = JSON.parse(readFileSync(path.join(inject('infraTemplates'), `${stage}.sizes.json`), 'utf8')) as { path: string; resources: number; parameters: number }[];
    for (const s of sizes) {
      expect(s.resources, s.path).toBeLessThanOrEqual(500);
      expect(s.parameters, s.path).toBeLessThanOrEqual(200);
    }
    const alarms = sizes.find((s) => s.path.endsWith('/Monitoring/Alarms'));
    expect(alarms?.resources).toBeGreaterThan(90);
    // Every route of the HTTP API in a nested stack of its own (decision 107), none in the main stack.
    const routes = sizes.find((s) => s.path.endsWith('/Api/Routes'));
    expect(routes?.resources).toBe(apiRoutes.length);
    console.log(`stage ${stage}: ${sizes.map((s) => `${s.path} ${s.resources} resources, ${s.parameters} parameters`).join('; ')}`);
  });

  it('defaults to dev and names the stack OneStop-<stage>', () => {
    const { app, outdir } = newApp(undefined);
    const { stack } = buildOneStop(app, { nag: false });
    rmSync(outdir, { recursive: true, force: true });
    expect(stack.stackName).toBe('OneStop-dev');
    expect(stageConfig('local').defaultCenterId).toBe('center-demo');
  });
});

describe('single table', () => {
  it('has the keys, GSIs, TTL, NEW_IMAGE stream, PITR and AWS-managed encryption of the contract', () => {
    dev.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        ...['GSI1', 'GSI2', 'GSI3', 'GSI4'].map((name) => ({
          IndexName: name,
          KeySchema: [{ AttributeName: `${name}PK`, KeyType: 'HASH' }, { AttributeName: `${name}SK`, KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'ALL' },
        })),
        // The watch index: which case to look at, nothing more.
        {
          IndexName: 'GSI5',
          KeySchema: [{ AttributeName: 'GSI5PK', KeyType: 'HASH' }, { AttributeName: 'GSI5SK', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['centerId', 'caseNo'] },
        },
      ],
    });
    expect(logicalIdByPath(dev, 'Table')).toMatch(/^Table/);
  });

  it('is deletion-protected and retained in prod only', () => {
    prod.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    const devTable = Object.values(resourcesOf(dev, 'AWS::DynamoDB::Table'))[0]!;
    expect(devTable.Properties?.DeletionProtectionEnabled ?? false).toBe(false);
  });
});

describe('outbox pipe', () => {
  const pipeProps = () => dev.toJSON().Resources.OutboxPipe.Properties;

  it('reads the table stream, only inserted event items', () => {
    const p = pipeProps();
    expect(p.Source).toEqual(getAtt(logicalIdByPath(dev, 'Table'), 'StreamArn'));
    const filters = p.SourceParameters.FilterCriteria.Filters;
    expect(filters).toHaveLength(1);
    expect(JSON.parse(filters[0].Pattern)).toEqual(outboxFilterPattern);
    expect(JSON.parse(filters[0].Pattern)).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['event'] } } } });
  });

  it('has bounded retries, a maximum record age and a dead-letter queue', () => {
    const s = pipeProps().SourceParameters.DynamoDBStreamParameters;
    expect(s.StartingPosition).toBe('LATEST');
    expect(s.BatchSize).toBe(10);
    expect(s.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(s.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(s.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(s.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(3600);
    expect(s.OnPartialBatchItemFailure).toBe('AUTOMATIC_BISECT');
    expect(s.DeadLetterConfig).toEqual({ Arn: getAtt(logicalIdByPath(dev, 'OutboxPipeDlq')) });
  });

  it('puts events on the bus with source, detail-type and the raw detail of the item', () => {
    const p = pipeProps();
    expect(p.Target).toEqual(getAtt(logicalIdByPath(dev, 'Bus')));
    expect(p.TargetParameters).toEqual({
      EventBridgeEventBusParameters: { Source: '$.dynamodb.NewImage.source.S', DetailType: '$.dynamodb.NewImage.detailType.S' },
      InputTemplate: '<$.dynamodb.NewImage.detail.S>',
    });
  });

  it('runs as a role that can read the stream, put on the bus and send to the DLQ', () => {
    const roleId = logicalIdByPath(dev, 'OutboxPipeRole');
    expect(pipeProps().RoleArn).toEqual(getAtt(roleId));
    dev.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetRecords', 'dynamodb:GetShardIterator']), Resource: getAtt(logicalIdByPath(dev, 'Table'), 'StreamArn') }),
          Match.objectLike({ Action: 'events:PutEvents', Resource: getAtt(logicalIdByPath(dev, 'Bus')) }),
          Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']), Resource: getAtt(logicalIdByPath(dev, 'OutboxPipeDlq')) }),
        ]),
      },
    });
  });
});

describe('buckets', () => {
  const lockedBuckets = ['ArchiveBucket', 'AuditBucket'];

  it.each(lockedBuckets)('%s has Object Lock with a default retention (GOVERNANCE in dev, COMPLIANCE in prod)', (id) => {
    for (const [template, mode] of [[dev, 'GOVERNANCE'], [prod, 'COMPLIANCE']] as const) {
      const bucket = template.toJSON().Resources[logicalIdByPath(template, id)];
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: mode, Days: expect.any(Number) } },
      });
      expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention.Days).toBeGreaterThan(0);
    }
  });

  it('every bucket blocks public access, is encrypted, versioned, TLS-only and logged', () => {
    for (const template of [dev, prod]) {
      const buckets = resourcesOf(template, 'AWS::S3::Bucket');
      expect(Object.keys(buckets)).toHaveLength(4);
      const accessLogsId = logicalIdByPath(template, 'AccessLogsBucket');
      const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'));
      for (const [id, bucket] of Object.entries(buckets)) {
        const p = bucket.Properties!;
        expect(p.PublicAccessBlockConfiguration, id).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
        expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toBe('AES256');
        expect(p.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
        if (id === accessLogsId) {
          expect(p.LoggingConfiguration, 'the access log bucket does not log to itself').toBeUndefined();
        } else {
          expect(p.LoggingConfiguration, id).toEqual({ DestinationBucketName: { Ref: accessLogsId }, LogFilePrefix: expect.any(String) });
        }
        const policy = policies.find((pol) => pol.Properties!.Bucket?.Ref === id);
        expect(policy, `${id} has a bucket policy`).toBeDefined();
        expect(policy!.Properties!.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
          Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }));
      }
    }
  });

  it('the materials bucket allows browser PUT uploads (CORS)', () => {
    const bucket = dev.toJSON().Resources[logicalIdByPath(dev, 'MaterialsBucket')];
    expect(bucket.Properties.CorsConfiguration.CorsRules[0].AllowedMethods).toContain('PUT');
  });
});

describe('EventBridge', () => {
  it('every Lambda target of a rule has a bounded retry policy and a dead-letter queue', () => {
    const lambdas = new Set(Object.keys(resourcesOf(dev, 'AWS::Lambda::Function')));
    const invokeConfigs = Object.values(resourcesOf(dev, 'AWS::Lambda::EventInvokeConfig'));
    const lambdaTargets = Object.values(resourcesOf(dev, 'AWS::Events::Rule'))
      .flatMap((rule) => rule.Properties!.Targets as Record<string, any>[])
      .filter((target) => lambdas.has(target.Arn?.['Fn::GetAtt']?.[0]));
    expect(lambdaTargets.length).toBeGreaterThan(0);
    for (const target of lambdaTargets) {
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeLessThanOrEqual(185);
      expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThan(0);
      expect(target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      const fnId = target.Arn['Fn::GetAtt'][0];
      const config = invokeConfigs.find((c) => c.Properties!.FunctionName?.Ref === fnId);
      expect(config?.Properties, `${fnId} async invoke config`).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: expect.any(Number),
        DestinationConfig: { OnFailure: { Destination: target.DeadLetterConfig.Arn } },
      });
    }
  });

  it('routes every onestop.* event to the audit queue, which feeds the audit consumer in batches', () => {
    const queue = logicalIdByPath(dev, 'AuditQueue');
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: [{ prefix: 'onestop.' }] },
      Targets: [Match.objectLike({ Arn: getAtt(queue) })],
    });
    dev.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(queue),
      FunctionName: { Ref: logicalIdByPath(dev, 'AuditConsumerFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs the case sweeper on the stage schedule, outside the bus', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: stageConfig('dev').caseSweepSchedule,
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(dev, 'CaseSweepFunction')) })],
    });
  });

  it('recounts provisional deadlines on the org domain\'s CalendarChanged, from the bus', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: ['onestop.org'], 'detail-type': ['CalendarChanged'] },
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(dev, 'CaseRecountFunction')) })],
    });
  });

  it('moves cases through the payment gate on the fees domain\'s gate events, from the bus', () => {
    dev.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalIdByPath(dev, 'Bus') },
      EventPattern: { source: ['onestop.fees'], 'detail-type': ['ChargeIssued', 'ChargeSettled', 'ChargeExpired', 'ChargeCancelled'] },
      Targets: [Match.objectLike({ Arn: getAtt(logicalIdByPath(dev, 'CasePaymentGateFunction')) })],
    });
  });

  it('every queue is encrypted and TLS-only', () => {
    const queues = resourcesOf(dev, 'AWS::SQS::Queue');
    const policies = Object.values(resourcesOf(dev, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties!.SqsManagedSseEnabled, id).toBe(true);
      const policy = policies.find((p) => p.Properties!.Queues.some((q: { Ref: string }) => q.Ref === id));
      expect(policy!.Properties!.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });
});
