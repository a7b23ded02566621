/**
 * The bind* helpers of DomainFunction not yet used by the stack (buckets, bus):
 * each sets its environment variable and a least-privilege grant, and leaves
 * no unacknowledged cdk-nag finding behind.
 */
import { rmSync } from 'node:fs';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageConfig } from '../../infra/config.ts';
import { DomainFunction } from '../../infra/constructs/domain-function.ts';
import { SecureBucket } from '../../infra/constructs/secure-bucket.ts';
import { newApp } from './synth.ts';

const { app, outdir } = newApp('dev');
const config = stageConfig('dev');
const stack = new Stack(app, 'BindTest');
const logs = new SecureBucket(stack, 'Logs', { removalPolicy: config.removalPolicy });
const bucket = new SecureBucket(stack, 'Bucket', { removalPolicy: config.removalPolicy, accessLogs: logs });
const bus = new events.EventBus(stack, 'Bus');
const fns = {
  reader: new DomainFunction(stack, 'Reader', { entry: 'functions/audit/consumer.ts', domain: 'test', config }).bindBucket(bucket, 'read', 'MATERIALS_BUCKET'),
  putter: new DomainFunction(stack, 'Putter', { entry: 'functions/audit/consumer.ts', domain: 'test', config }).bindBucket(bucket, 'put', 'MATERIALS_BUCKET'),
  writer: new DomainFunction(stack, 'Writer', { entry: 'functions/audit/consumer.ts', domain: 'test', config })
    .bindBucket(bucket, 'readWrite', 'MATERIALS_BUCKET')
    .bindBus(bus),
};
let template: Template;

// The project's hook timeout (vitest.config.ts): this synth bundles a function, beside the integration run's load.
beforeAll(() => {
  template = Template.fromStack(stack);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const idOf = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const actionsOf = (fn: DomainFunction): string[] => {
  const roleId = idOf(fn.executionRole);
  const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => p.Properties.Roles[0].Ref === roleId);
  return policy!.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
};

describe('DomainFunction bind helpers', () => {
  it('set the environment variable', () => {
    const env = (fn: DomainFunction) => template.toJSON().Resources[idOf(fn)].Properties.Environment.Variables;
    expect(env(fns.reader).MATERIALS_BUCKET).toEqual({ Ref: idOf(bucket) });
    expect(env(fns.writer).EVENT_BUS_NAME).toEqual({ Ref: idOf(bus) });
  });

  it('grant only what the access level needs (no wildcard actions, no delete)', () => {
    const base = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
    expect(actionsOf(fns.reader)).toEqual([...base, 's3:GetObject', 's3:ListBucket'].sort());
    expect(actionsOf(fns.putter)).toEqual([...base, 's3:PutObject'].sort());
    expect(actionsOf(fns.writer)).toEqual([...base, 'events:PutEvents', 's3:GetObject', 's3:ListBucket', 's3:PutObject'].sort());
  });

  it('leave no unacknowledged cdk-nag finding', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
