/**
 * S3 event notifications → Lambda in the local cloud: the model read from what
 * CDK's addEventNotification synthesizes (and from a bucket's own
 * NotificationConfiguration), the refusal of what cannot be emulated, event
 * type / prefix / suffix matching on the URL-encoded key, and the whole path:
 * s3rver + the notifier + Lambda's async queue + a real function asset, driven
 * through the AWS SDK.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CfnResource, CfnTemplate } from '../../../local/intrinsics.ts';
import { extractModel, type LocalModel } from '../../../local/template.ts';
import { eventTypeMatches, notificationMatches } from '../../../local/template-s3.ts';
import { encodeS3Key, S3Notifier, type S3NotificationRecord } from '../../../local/s3/notifications.ts';
import { startS3, type S3Emulator } from '../../../local/emulators/s3.ts';
import { freePort } from '../../../local/emulators/ports.ts';
import { provisionBuckets } from '../../../local/emulators/provision.ts';
import { LambdaRuntime } from '../../../local/lambda/runtime.ts';
import { LocalBus } from '../../../local/bus/bus.ts';
import { DlqStore, type LambdaDlqMessage, type LambdaOnFailureMessage } from '../../../local/bus/dlq.ts';

const secrets = () => 'secret';

describe('the model of a synthesized addEventNotification', () => {
  let out: string;
  let template: CfnTemplate;
  let model: LocalModel;

  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 's3n-synth-'));
    mkdirSync(path.join(out, 'src'));
    writeFileSync(path.join(out, 'src', 'index.mjs'), 'export const handler = async () => {};');
    const app = new App({ outdir: path.join(out, 'cdk.out'), builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'S');
    const bucket = new s3.Bucket(stack, 'MaterialsBucket');
    const check = new lambda.Function(stack, 'MaterialCheckFunction', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(out, 'src')) });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(check), { prefix: 'uploads/' });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED_DELETE, new s3n.LambdaDestination(check), { prefix: 'uploads/', suffix: '.pdf' });
    template = app.synth().getStackByName('S').template as CfnTemplate;
    model = extractModel(template, path.join(out, 'cdk.out'), secrets, 'S');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const idOf = (type: string, prefix: string) => Object.entries(template.Resources).find(([id, r]) => r.Type === type && id.startsWith(prefix))![0];

  it('synthesizes the custom resource the local cloud reads (the shape is CDK\'s, checked here)', () => {
    const res = template.Resources[idOf('Custom::S3BucketNotifications', 'MaterialsBucketNotifications')]!;
    expect(res.Properties).toMatchObject({
      BucketName: { Ref: idOf('AWS::S3::Bucket', 'MaterialsBucket') },
      Managed: true,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } }, LambdaFunctionArn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'MaterialCheckFunction'), 'Arn'] } },
          { Events: ['s3:ObjectRemoved:Delete'] },
        ],
      },
    });
    // Its handler is inline Python: modelled without an asset, never run locally.
    const handler = model.functions.find((f) => f.logicalId.startsWith('BucketNotificationsHandler'))!;
    expect(handler.assetDir).toBeUndefined();
  });

  it('models each configuration with bucket, events, filters and function', () => {
    const bucketId = idOf('AWS::S3::Bucket', 'MaterialsBucket');
    const functionId = idOf('AWS::Lambda::Function', 'MaterialCheckFunction');
    expect(model.s3Notifications).toEqual([
      expect.objectContaining({ bucketId, bucket: bucketId.toLowerCase(), events: ['s3:ObjectCreated:*'], prefix: 'uploads/', functionId, qualifier: undefined }),
      expect.objectContaining({ bucketId, events: ['s3:ObjectRemoved:Delete'], prefix: 'uploads/', suffix: '.pdf', functionId }),
    ]);
    const [a, b] = model.s3Notifications;
    expect(a!.configurationId).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(a!.configurationId).not.toBe(b!.configurationId);
    // Stable across restarts: the same template gives the same ids.
    expect(extractModel(template, path.join(out, 'cdk.out'), secrets, 'S').s3Notifications[0]!.configurationId).toBe(a!.configurationId);
  });

  it('refuses a queue destination and S3 → EventBridge, naming the resource and property', () => {
    const app = new App({ builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Q');
    const bucket = new s3.Bucket(stack, 'Other', { eventBridgeEnabled: true });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new s3n.SqsDestination(new sqs.Queue(stack, 'Queue')));
    const t = app.synth().getStackByName('Q').template as CfnTemplate;
    expect(() => extractModel(t, '/tmp/cdk.out', secrets, 'Q')).toThrow(/OtherNotifications\w+\.NotificationConfiguration\.EventBridgeConfiguration: only Lambda destinations of S3 notifications are supported/);
  });
});

describe('the model of hand-written notification shapes', () => {
  const base = (extra: Record<string, CfnResource>): CfnTemplate => ({
    Resources: {
      Bucket1: { Type: 'AWS::S3::Bucket', Properties: {} },
      Fn1: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler' } },
      Queue1: { Type: 'AWS::SQS::Queue', Properties: {} },
      ...extra,
    },
  });
  const custom = (configs: unknown[], more: Record<string, unknown> = {}): CfnResource => ({
    Type: 'Custom::S3BucketNotifications',
    Properties: { ServiceToken: 'x', BucketName: { Ref: 'Bucket1' }, NotificationConfiguration: { LambdaFunctionConfigurations: configs, ...more }, Managed: true },
  });
  const lambdaConfig = (events: string[], rules: { Name: string; Value: string }[] = [], fn: unknown = { 'Fn::GetAtt': ['Fn1', 'Arn'] }) => ({
    Events: events, ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}), LambdaFunctionArn: fn,
  });
  const model = (t: CfnTemplate) => extractModel(t, '/tmp/cdk.out', secrets);

  it('reads a bucket\'s own NotificationConfiguration.LambdaConfigurations (CloudFormation\'s shape)', () => {
    const t = base({
      Bucket1: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          NotificationConfiguration: {
            LambdaConfigurations: [{ Event: 's3:ObjectCreated:Put', Filter: { S3Key: { Rules: [{ Name: 'suffix', Value: '.jpg' }] } }, Function: { 'Fn::GetAtt': ['Fn1', 'Arn'] } }],
          },
        },
      },
    });
    expect(model(t).s3Notifications).toEqual([expect.objectContaining({ bucket: 'bucket1', events: ['s3:ObjectCreated:Put'], suffix: '.jpg', functionId: 'Fn1' })]);
  });

  it('keeps a configuration Id and the qualifier of an alias ARN', () => {
    const t = base({ N: custom([{ ...lambdaConfig(['s3:ObjectCreated:*']), Id: 'my-config', LambdaFunctionArn: { 'Fn::Join': [':', [{ 'Fn::GetAtt': ['Fn1', 'Arn'] }, 'live']] } }]) });
    expect(model(t).s3Notifications[0]).toMatchObject({ configurationId: 'my-config', functionId: 'Fn1', qualifier: 'live' });
  });

  it.each([
    ['a queue destination', custom([], { QueueConfigurations: [{ Events: ['s3:ObjectCreated:*'], QueueArn: { 'Fn::GetAtt': ['Queue1', 'Arn'] } }] }), /N\.NotificationConfiguration\.QueueConfigurations: only Lambda destinations/],
    ['a topic destination', custom([], { TopicConfigurations: [{ Events: ['s3:ObjectCreated:*'], TopicArn: 'arn:aws:sns:us-east-1:000000000000:T' }] }), /N\.NotificationConfiguration\.TopicConfigurations: only Lambda destinations/],
    ['an event type s3rver never emits', custom([lambdaConfig(['s3:ObjectTagging:*'])]), /LambdaFunctionConfigurations\[0\]\.Events: s3:ObjectTagging:\* is not emitted by the local S3/],
    ['an unknown filter rule', custom([lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'regex', Value: '.*' }])]), /Filter rule 0: regex is not a key filter S3 knows/],
    ['two prefix rules', custom([lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'a/' }, { Name: 'Prefix', Value: 'b/' }])]), /two prefix rules/],
    ['a function of another stack', custom([lambdaConfig(['s3:ObjectCreated:*'], [], 'arn:aws:lambda:us-east-1:111111111111:function:Elsewhere')]), /LambdaFunctionConfigurations\[0\] \(only Lambda functions of this stack.*Elsewhere is not a AWS::Lambda::Function/],
    ['overlapping configurations', custom([lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'uploads/' }]), lambdaConfig(['s3:ObjectCreated:Put'], [{ Name: 'prefix', Value: 'uploads/pdf/' }])]), /LambdaFunctionConfigurations\[1\]: overlaps .*LambdaFunctionConfigurations\[0\]/],
  ])('stops start-up on %s', (_what, resource, message) => {
    expect(() => model(base({ N: resource }))).toThrow(message);
  });

  it('accepts configurations that do not overlap: other events, or disjoint prefixes', () => {
    const t = base({
      N: custom([
        lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'uploads/' }]),
        lambdaConfig(['s3:ObjectRemoved:*'], [{ Name: 'prefix', Value: 'uploads/' }]),
        lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'archive/' }]),
        lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'docs/' }, { Name: 'suffix', Value: '.pdf' }]),
        lambdaConfig(['s3:ObjectCreated:*'], [{ Name: 'prefix', Value: 'docs/' }, { Name: 'suffix', Value: '.png' }]),
      ]),
    });
    expect(model(t).s3Notifications).toHaveLength(5);
  });

  it('stops start-up on a bucket declared twice, on a bucket outside the stack, and on removals of a versioned bucket', () => {
    const own = { Type: 'AWS::S3::Bucket', Properties: { NotificationConfiguration: { LambdaConfigurations: [] } } } as CfnResource;
    expect(() => model(base({ Bucket1: own, N: custom([lambdaConfig(['s3:ObjectCreated:*'])]) }))).toThrow(/notifications of bucket Bucket1 are also declared by/);
    const outside = { ...custom([]), Properties: { ...custom([]).Properties, BucketName: 'someone-elses-bucket' } } as CfnResource;
    expect(() => model(base({ N: outside }))).toThrow(/N\.BucketName: arn:aws:s3:::someone-elses-bucket is not a AWS::S3::Bucket of this stack/);
    const versioned = { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } } as CfnResource;
    expect(() => model(base({ Bucket1: versioned, N: custom([lambdaConfig(['s3:ObjectRemoved:*'])]) }))).toThrow(/s3:ObjectRemoved:\* on versioned bucket Bucket1/);
    expect(model(base({ Bucket1: versioned, N: custom([lambdaConfig(['s3:ObjectCreated:*'])]) })).s3Notifications).toHaveLength(1);
  });
});

describe('matching', () => {
  it.each([
    ['s3:ObjectCreated:*', 'ObjectCreated:Put', true],
    ['s3:ObjectCreated:*', 'ObjectCreated:CompleteMultipartUpload', true],
    ['s3:ObjectCreated:*', 'ObjectRemoved:Delete', false],
    ['s3:ObjectCreated:Put', 'ObjectCreated:Put', true],
    ['s3:ObjectCreated:Put', 'ObjectCreated:Post', false],
    ['s3:ObjectCreated:Copy', 'ObjectCreated:Copy', true],
    ['s3:ObjectRemoved:*', 'ObjectRemoved:Delete', true],
    ['s3:ObjectRemoved:Delete', 'ObjectRemoved:DeleteMarkerCreated', false],
    ['s3:ObjectRemoved:DeleteMarkerCreated', 'ObjectRemoved:Delete', false],
  ])('event type %s covers %s: %s', (configured, eventName, expected) => {
    expect(eventTypeMatches(configured, eventName)).toBe(expected);
  });

  it.each([
    [{}, 'anything', true],
    [{ prefix: 'uploads/' }, 'uploads/a.pdf', true],
    [{ prefix: 'uploads/' }, 'uploadsa.pdf', false],
    [{ prefix: 'uploads/' }, 'x/uploads/a.pdf', false],
    [{ suffix: '.pdf' }, 'uploads/a.pdf', true],
    [{ suffix: '.pdf' }, 'uploads/a.PDF', false],
    [{ prefix: 'uploads/', suffix: '.pdf' }, 'uploads/a.pdf', true],
    [{ prefix: 'uploads/', suffix: '.pdf' }, 'uploads/a.png', false],
    // S3 compares with the URL-encoded key: a space in a filter is written '+'.
    [{ prefix: 'my+docs/' }, encodeS3Key('my docs/a.pdf'), true],
    [{ prefix: 'my docs/' }, encodeS3Key('my docs/a.pdf'), false],
  ])('filter %j on key %s: %s', (filter, key, expected) => {
    expect(notificationMatches({ events: ['s3:ObjectCreated:*'], ...filter }, 'ObjectCreated:Put', key)).toBe(expected);
  });

  it.each([
    ['uploads/a.pdf', 'uploads/a.pdf'],
    ['red flower.jpg', 'red+flower.jpg'],
    ['a+b.txt', 'a%2Bb.txt'],
    ['my file (1).pdf', 'my+file+%281%29.pdf'],
    ['dt=2024-01-01/10:47:07.log', 'dt%3D2024-01-01/10%3A47%3A07.log'],
    ['营业执照.pdf', '%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf'],
    ["it's~!*_-.x", 'it%27s%7E%21*_-.x'],
  ])('encodes key %s as %s in records', (key, encoded) => {
    expect(encodeS3Key(key)).toBe(encoded);
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: s3rver, the notifier, Lambda's async queue and real function assets.

const RECORDER = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  appendFileSync(process.env.OUT_FILE, JSON.stringify(event) + '\\n');
  if (process.env.FAIL) throw new Error('cannot read the upload');
  return { ok: true };
};`;

describe('end to end: objects written through the SDK reach the function', () => {
  let dir: string;
  let s3emu: S3Emulator;
  let client: S3Client;
  let runtime: LambdaRuntime;
  let bus: LocalBus;
  let notifier: S3Notifier;
  let dlq: DlqStore;
  const logs: string[] = [];
  const bucket = 'materialsbucket6ac7bab9';

  /** Records the function received, one entry per invocation. */
  const received = (file: string): S3NotificationRecord[][] => {
    const f = path.join(dir, file);
    if (!existsSync(f)) return [];
    return readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { Records: S3NotificationRecord[] }).Records);
  };
  const put = (Key: string, Body: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 's3n-e2e-'));
    mkdirSync(path.join(dir, 'cdk.out', 'asset.recorder'), { recursive: true });
    writeFileSync(path.join(dir, 'cdk.out', 'asset.recorder', 'index.mjs'), RECORDER);
    const fn = (env: Record<string, string>): CfnResource => ({
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:asset:path': 'asset.recorder' },
      Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 5, Environment: { Variables: env } },
    });
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    const config = (events: string[], fnId: string, rules: Record<string, string>) => ({
      Events: events,
      Filter: { Key: { FilterRules: Object.entries(rules).map(([Name, Value]) => ({ Name, Value })) } },
      LambdaFunctionArn: arn(fnId),
    });
    // Shaped like CDK's output (see the synthesized test above).
    const template: CfnTemplate = {
      Resources: {
        MaterialsBucket6AC7BAB9: { Type: 'AWS::S3::Bucket', Properties: {} },
        MaterialCheckFunction: fn({ OUT_FILE: path.join(dir, 'check.jsonl') }),
        FailingFunction: fn({ OUT_FILE: path.join(dir, 'failing.jsonl'), FAIL: '1' }),
        FailingFunctionEventInvokeConfig: {
          Type: 'AWS::Lambda::EventInvokeConfig',
          Properties: { FunctionName: { Ref: 'FailingFunction' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: arn('FailuresQueue') } } },
        },
        FailuresQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
        BucketNotificationsHandler: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'python3.13', Code: { ZipFile: 'def handler(e, c): pass' } } },
        MaterialsBucketNotifications: {
          Type: 'Custom::S3BucketNotifications',
          Properties: {
            ServiceToken: arn('BucketNotificationsHandler'),
            BucketName: { Ref: 'MaterialsBucket6AC7BAB9' },
            NotificationConfiguration: {
              LambdaFunctionConfigurations: [
                config(['s3:ObjectCreated:*'], 'MaterialCheckFunction', { prefix: 'uploads/' }),
                config(['s3:ObjectRemoved:*'], 'MaterialCheckFunction', { prefix: 'uploads/', suffix: '.pdf' }),
                config(['s3:ObjectCreated:Put'], 'FailingFunction', { prefix: 'broken/' }),
              ],
            },
            Managed: true,
            SkipDestinationValidation: false,
          },
        },
      },
    };
    const model = extractModel(template, path.join(dir, 'cdk.out'), secrets);
    const log = (l: string) => logs.push(l);

    s3emu = await startS3({ port: await freePort(), dir: path.join(dir, 's3'), log });
    client = new S3Client({
      endpoint: s3emu.endpoint, region: 'us-east-1', forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await provisionBuckets(client, model.buckets, log);
    runtime = new LambdaRuntime(model.functions, { baseEnv: { AWS_REGION: 'us-east-1' }, logDir: path.join(dir, 'logs') });
    dlq = new DlqStore(dir, model.queues.map((q) => q.name));
    bus = new LocalBus({ rules: [], buses: ['default'], functions: model.functions, invoke: (id, e) => runtime.invoke(id, e), dlq, log, retryBaseMs: 1 });
    notifier = new S3Notifier({ notifications: model.s3Notifications, invokeAsync: (id, p, q) => bus.lambda.invokeAsync(id, p, q), log });
    s3emu.onObjectEvent((e) => notifier.handle(e));
  });

  afterAll(async () => {
    bus?.stop();
    await runtime?.stop();
    client?.destroy();
    await s3emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('invokes the function asynchronously with the S3 notification record of a PUT (URL-encoded key, size, eTag)', async () => {
    await put('uploads/营业执照 copy (1).pdf', 'hello pdf');
    await bus.idle();
    const calls = received('check.jsonl');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
    const [record] = calls[0]!;
    expect(record).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: expect.any(String) },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: expect.any(String),
        bucket: { name: bucket, ownerIdentity: { principalId: expect.any(String) }, arn: `arn:aws:s3:::${bucket}` },
        object: { key: 'uploads/%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7+copy+%281%29.pdf', size: 9, eTag: md5('hello pdf'), sequencer: expect.stringMatching(/^[0-9A-F]{16,}$/) },
      },
    });
    // The key decodes back to the object's key, the usual way handlers do it.
    expect(decodeURIComponent(record!.s3.object.key.replace(/\+/g, ' '))).toBe('uploads/营业执照 copy (1).pdf');
    expect(logs.some((l) => l.startsWith('s3: ObjectCreated:Put materialsbucket6ac7bab9/uploads/') && l.includes('→ MaterialCheckFunction'))).toBe(true);
  });

  it('triggers nothing for an object outside the prefix', async () => {
    const before = notifier.stats();
    await put('elsewhere/a.pdf', 'x');
    await put('uploadsX.pdf', 'x');
    await bus.idle();
    expect(received('check.jsonl')).toHaveLength(1);
    expect(notifier.stats()).toEqual({ ...before, objectEvents: before.objectEvents + 2 });
  });

  it('names copies, multipart uploads and deletes as S3 does; removals match their own configuration', async () => {
    await put('uploads/src.pdf', 'source');
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'uploads/copy.pdf', CopySource: `${bucket}/uploads/src.pdf` }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'uploads/big.bin' }));
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'uploads/big.bin', UploadId, PartNumber: 1, Body: 'only part' }));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'uploads/big.bin', UploadId, MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] } }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'uploads/copy.pdf' }));
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'uploads/big.bin' })); // not .pdf: no removal notification
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'uploads/src.pdf' }] } }));
    await bus.idle();
    // Asynchronous invocations arrive in no promised order (S3's neither): in the order written, by sequencer within a key, by name across them.
    const order = ['ObjectCreated:Put', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload', 'ObjectRemoved:Delete'];
    const records = received('check.jsonl').slice(1).map((r) => r[0]!)
      .sort((a, b) => order.indexOf(a.eventName) - order.indexOf(b.eventName) || (a.s3.object.key === 'uploads/copy.pdf' ? -1 : 1) - (b.s3.object.key === 'uploads/copy.pdf' ? -1 : 1));
    expect(records.map((r) => [r.eventName, r.s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'uploads/src.pdf'],
      ['ObjectCreated:Copy', 'uploads/copy.pdf'],
      ['ObjectCreated:CompleteMultipartUpload', 'uploads/big.bin'],
      ['ObjectRemoved:Delete', 'uploads/copy.pdf'],
      ['ObjectRemoved:Delete', 'uploads/src.pdf'],
    ]);
    expect(records[1]!.s3.object).toMatchObject({ size: 6, eTag: md5('source') });
    expect(records[2]!.s3.object).toMatchObject({ size: 9, eTag: md5('only part') });
    // Removal records carry no size or eTag, as in S3.
    expect(records[3]!.s3.object).toEqual({ key: 'uploads/copy.pdf', sequencer: expect.any(String) });
    expect(records[3]!.s3.configurationId).not.toBe(records[0]!.s3.configurationId);
    // Sequencers of one key grow with time.
    expect(records[3]!.s3.object.sequencer > records[1]!.s3.object.sequencer).toBe(true);
  });

  it('retries a failing function per its EventInvokeConfig, then sends the invocation record to its OnFailure queue', async () => {
    const resp = await put('broken/scan.pdf', 'bad');
    expect(resp.ETag).toBe(`"${md5('bad')}"`); // the upload itself succeeds: S3 never waits for the function
    await bus.idle();
    // MaximumRetryAttempts 1: two invocations with the same event.
    const calls = received('failing.jsonl');
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    const [msg] = (await dlq.read('FailuresQueue')) as LambdaOnFailureMessage[];
    expect(msg).toMatchObject({
      kind: 'lambda-on-failure',
      attempts: 2,
      record: {
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:FailingFunction:$LATEST' },
        requestPayload: { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: 'broken/scan.pdf', size: 3 } } }] },
        responsePayload: { errorType: 'Error', errorMessage: 'cannot read the upload' },
      },
    });
    expect(bus.stats()).toMatchObject({ functionErrors: 2, retries: 1, onFailure: 1, inFlight: 0 });
    expect((await dlq.read('FailuresQueue')).filter((m): m is LambdaDlqMessage => m.kind === 'lambda-dlq')).toHaveLength(0);
  });
});
