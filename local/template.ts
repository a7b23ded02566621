/**
 * Reads the synthesized CloudFormation template (infra is the single source of
 * truth) and extracts what the local cloud runs, generically by resource type:
 * tables, buckets, queues, functions (with their layers), the HTTP and WebSocket APIs, rules,
 * pipes, S3 event notifications and SQS event source mappings. Nothing here lists a route, a table or a
 * rule by hand. The API's routes come from their nested stack (template-nested.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Resolver, nameFromArn, physicalName, resourceArn, type CfnResource, type CfnTemplate } from './intrinsics.ts';
import { extractApi, type ApiModel } from './template-api.ts';
import { withNestedStacks } from './template-nested.ts';
import { extractSocketApi, type SocketApiModel } from './websocket/template.ts';
import { extractFunctions, type FunctionModel } from './template-lambda.ts';
import { extractS3Notifications, type S3NotificationModel } from './template-s3.ts';
import type { EventSourceMappingModel } from './queue/event-source.ts';
import { extractEventSourceMappings, queueModel } from './queue/template-queue.ts';

export type { AsyncInvokeConfig, FunctionModel, LayerModel } from './template-lambda.ts';
export type { S3NotificationModel } from './template-s3.ts';
export { asyncInvokeConfig, LAMBDA_ASYNC_DEFAULTS } from './template-lambda.ts';

export interface TableModel {
  readonly logicalId: string;
  readonly name: string;
  readonly keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  readonly attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  readonly globalSecondaryIndexes: { IndexName: string; KeySchema: TableModel['keySchema']; Projection: Record<string, unknown> }[];
  readonly localSecondaryIndexes: { IndexName: string; KeySchema: TableModel['keySchema']; Projection: Record<string, unknown> }[];
  readonly streamViewType?: string;
  readonly ttlAttribute?: string;
}

export interface BucketModel {
  readonly logicalId: string;
  readonly name: string;
  readonly corsRules: Record<string, unknown>[];
}

export interface QueueModel {
  readonly logicalId: string;
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  /** RedrivePolicy: where a message received maxReceiveCount times goes (a DLQ's logical id). */
  readonly redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
}

/** A rule target: a function (invoked asynchronously), or an SQS queue (SendMessage of the event). */
export type TargetModel = FunctionTargetModel | QueueTargetModel;

export interface QueueTargetModel extends Omit<FunctionTargetModel, 'functionId' | 'qualifier'> {
  readonly queueId: string;
}

export interface FunctionTargetModel {
  readonly id: string;
  readonly functionId: string;
  /** The version or alias of the target ARN (`...:function:Fn:live`); undefined = unqualified ($LATEST). */
  readonly qualifier?: string;
  readonly input?: string;
  readonly inputPath?: string;
  /**
   * The target's RetryPolicy and DeadLetterConfig. They cover DELIVERY only (the Invoke call
   * failing); once Lambda accepted the event, the function's EventInvokeConfig takes over.
   */
  readonly maxRetryAttempts: number;
  readonly maxEventAgeSeconds: number;
  readonly deadLetterQueue?: string;
}

export interface RuleModel {
  readonly logicalId: string;
  readonly arn: string;
  readonly busName: string;
  readonly eventPattern?: unknown;
  readonly scheduleExpression?: string;
  readonly enabled: boolean;
  readonly targets: TargetModel[];
}

export interface PipeModel {
  readonly logicalId: string;
  readonly sourceTable: string;
  readonly filterPatterns: string[];
  readonly batchSize: number;
  readonly startingPosition: string;
  readonly maxRetryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly deadLetterQueue?: string;
  readonly targetBus: string;
  readonly source?: string;
  readonly detailType?: string;
  readonly resources?: string[];
  readonly inputTemplate?: string;
}

export interface LocalModel {
  readonly stackName: string;
  readonly cdkOut: string;
  readonly tables: TableModel[];
  readonly buckets: BucketModel[];
  readonly queues: QueueModel[];
  /** Event bus names: `default` plus every AWS::Events::EventBus. */
  readonly buses: string[];
  readonly functions: FunctionModel[];
  readonly api?: ApiModel;
  /** The WebSocket API (websocket/template.ts). */
  readonly socketApi?: SocketApiModel;
  readonly rules: RuleModel[];
  readonly pipes: PipeModel[];
  /** S3 event notifications to functions (template-s3.ts). */
  readonly s3Notifications: S3NotificationModel[];
  /** Functions fed by SQS queues (queue/template-queue.ts). */
  readonly eventSourceMappings: EventSourceMappingModel[];
  /** App clients of the client-credentials grant (systems calling as themselves) and the scopes each may ask. */
  readonly serviceClients: ServiceClientModel[];
}

export interface ServiceClientModel {
  readonly clientId: string;
  readonly scopes: string[];
}

export const STACK_NAME = 'OneStop-local';

/**
 * `npx cdk synth -c stage=local --quiet -o <cdkOut>` in the repository, with
 * the running Node first on PATH. Without CDK's built-in CloudFormation
 * validation (~4 s): it checks what a deployment would send, and the local
 * cloud deploys nothing; cdk-nag still runs.
 */
export async function synth(repoRoot: string, cdkOut: string, log: (line: string) => void = () => {}): Promise<void> {
  const started = Date.now();
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, CDK_VALIDATION: 'false' };
  const child = spawn('npx', ['cdk', 'synth', '-c', 'stage=local', '--quiet', '-o', cdkOut], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`cdk synth failed (exit ${code}):\n${output.trim()}`);
  log(`synth done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Secrets for `{{resolve:secretsmanager:...}}`: 64 random hex chars each, generated once, kept in secrets.json. */
export async function loadSecretStore(dataDir: string) {
  const file = path.join(dataDir, 'secrets.json');
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {};
  let dirty = false;
  return {
    value(secretId: string, jsonKey: string): string {
      const key = jsonKey ? `${secretId}#${jsonKey}` : secretId;
      if (!secrets[key]) {
        secrets[key] = randomBytes(32).toString('hex');
        dirty = true;
      }
      return secrets[key];
    },
    async save(): Promise<void> {
      if (!dirty) return;
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
      dirty = false;
    },
  };
}

const byType = (t: CfnTemplate, ...types: string[]) =>
  Object.entries(t.Resources).filter(([, r]) => types.includes(r.Type)) as [string, CfnResource][];

const num = (v: unknown, fallback: number) => (v === undefined || v === null ? fallback : Number(v));

/** Extracts the local model; `secret` resolves secretsmanager dynamic references. */
export function extractModel(parent: CfnTemplate, cdkOut: string, secret: (id: string, key: string) => string, stackName = STACK_NAME): LocalModel {
  const template = withNestedStacks(parent, cdkOut);
  const r = new Resolver(template, stackName, secret);

  // Maps a resolved ARN (or name) back to a logical id of the given types.
  const arnIndex = new Map<string, string>();
  for (const [id, res] of Object.entries(template.Resources)) arnIndex.set(resourceArn(id, res.Type), id);
  const lookup = (arnOrName: string, types: string[], where: string): string => {
    const bare = arnOrName.replace(/(:function:[^:]+):[^:]+$/, '$1'); // drop a Lambda alias/version qualifier
    const id = arnIndex.get(bare) ?? nameFromArn(bare);
    const res = template.Resources[id];
    if (!res || !types.includes(res.Type)) throw new Error(`${where}: ${arnOrName} is not a ${types.join(' or ')} of this stack`);
    return id;
  };

  const tables = byType(template, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(([id, res]): TableModel => {
    const p = r.resolve(res.Properties ?? {}, id) as Record<string, any>;
    const index = (i: any) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection ?? { ProjectionType: 'ALL' } });
    const ttl = p.TimeToLiveSpecification;
    return {
      logicalId: id,
      name: physicalName(id, res.Type),
      keySchema: p.KeySchema,
      attributeDefinitions: p.AttributeDefinitions,
      globalSecondaryIndexes: (p.GlobalSecondaryIndexes ?? []).map(index),
      localSecondaryIndexes: (p.LocalSecondaryIndexes ?? []).map(index),
      streamViewType: p.StreamSpecification?.StreamViewType,
      ttlAttribute: ttl && ttl.Enabled !== false ? ttl.AttributeName : undefined,
    };
  });

  const buckets = byType(template, 'AWS::S3::Bucket').map(([id, res]): BucketModel => ({
    logicalId: id,
    name: physicalName(id, res.Type),
    corsRules: ((r.resolve(res.Properties?.CorsConfiguration ?? {}, `${id}.CorsConfiguration`) as any).CorsRules ?? []) as Record<string, unknown>[],
  }));

  const queues = byType(template, 'AWS::SQS::Queue').map(([id, res]) => queueModel(id, res, r, lookup));
  const queueOf = (arn: unknown, where: string) => (arn ? lookup(r.resolveString(arn, where), ['AWS::SQS::Queue'], where) : undefined);

  const functions = extractFunctions(template, r, cdkOut, lookup);

  const rules = byType(template, 'AWS::Events::Rule').map(([id, res]): RuleModel => {
    const p = res.Properties ?? {};
    const busRaw = p.EventBusName === undefined ? 'default' : r.resolveString(p.EventBusName, `${id}.EventBusName`);
    const pattern = p.EventPattern === undefined ? undefined : r.resolve(p.EventPattern, `${id}.EventPattern`);
    const targets = ((p.Targets as Record<string, unknown>[] | undefined) ?? []).map((t, i): TargetModel => {
      const where = `${id}.Targets[${i}]`;
      if (t.InputTransformer) throw new Error(`${where}: InputTransformer is not supported by the local cloud`);
      const retry = (r.resolve(t.RetryPolicy ?? {}, `${where}.RetryPolicy`) ?? {}) as Record<string, unknown>;
      const dlq = (t.DeadLetterConfig as { Arn?: unknown } | undefined)?.Arn;
      const arn = r.resolveString(t.Arn, `${where}.Arn`);
      const destination = arn.startsWith('arn:aws:sqs:')
        ? { queueId: lookup(arn, ['AWS::SQS::Queue'], `${where}.Arn`) }
        : { functionId: lookup(arn, ['AWS::Lambda::Function'], `${where}.Arn`), qualifier: /:function:[^:]+:([^:]+)$/.exec(arn)?.[1] };
      return {
        id: String(t.Id ?? `Target${i}`),
        ...destination,
        input: t.Input === undefined ? undefined : r.resolveString(t.Input, `${where}.Input`),
        inputPath: t.InputPath === undefined ? undefined : r.resolveString(t.InputPath, `${where}.InputPath`),
        // EventBridge defaults: 185 retries within 24 hours.
        maxRetryAttempts: num(retry.MaximumRetryAttempts, 185),
        maxEventAgeSeconds: num(retry.MaximumEventAgeInSeconds, 86_400),
        deadLetterQueue: queueOf(dlq, `${where}.DeadLetterConfig.Arn`),
      };
    });
    return {
      logicalId: id,
      arn: resourceArn(id, res.Type),
      busName: nameFromArn(busRaw),
      eventPattern: typeof pattern === 'string' ? JSON.parse(pattern) : pattern,
      scheduleExpression: p.ScheduleExpression === undefined ? undefined : r.resolveString(p.ScheduleExpression, `${id}.ScheduleExpression`),
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      targets,
    };
  });

  const pipes = byType(template, 'AWS::Pipes::Pipe').map(([id, res]): PipeModel => {
    const p = res.Properties ?? {};
    const source = r.resolveString(p.Source, `${id}.Source`);
    if (!/^arn:aws:dynamodb:.*\/stream\//.test(source)) throw new Error(`${id}.Source: only DynamoDB stream sources are supported locally (${source})`);
    const sourceTable = lookup(source.replace(/\/stream\/.*$/, ''), ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'], `${id}.Source`);
    const sp = (r.resolve(p.SourceParameters ?? {}, `${id}.SourceParameters`) ?? {}) as Record<string, any>;
    const ddb = sp.DynamoDBStreamParameters ?? {};
    const tp = (r.resolve(p.TargetParameters ?? {}, `${id}.TargetParameters`) ?? {}) as Record<string, any>;
    const busParams = tp.EventBridgeEventBusParameters ?? {};
    const target = r.resolveString(p.Target, `${id}.Target`);
    if (!target.includes(':event-bus/')) throw new Error(`${id}.Target: only EventBridge bus targets are supported locally (${target})`);
    if (p.Enrichment) throw new Error(`${id}.Enrichment: pipe enrichment is not supported by the local cloud`);
    return {
      logicalId: id,
      sourceTable,
      filterPatterns: ((sp.FilterCriteria?.Filters ?? []) as { Pattern: string }[]).map((f) => f.Pattern),
      batchSize: num(ddb.BatchSize, 100),
      startingPosition: ddb.StartingPosition ?? 'LATEST',
      // Pipes default: retry forever (-1) and records up to 24 h old.
      maxRetryAttempts: num(ddb.MaximumRetryAttempts, -1),
      maxRecordAgeSeconds: num(ddb.MaximumRecordAgeInSeconds, -1),
      deadLetterQueue: queueOf(ddb.DeadLetterConfig?.Arn, `${id}.SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn`),
      targetBus: nameFromArn(target),
      source: busParams.Source,
      detailType: busParams.DetailType,
      resources: busParams.Resources,
      inputTemplate: tp.InputTemplate,
    };
  });

  const api = extractApi(template, r, (arn, where) => lookup(arn, ['AWS::Lambda::Function'], where));
  const socketApi = extractSocketApi(template, r, (arn, where) => lookup(arn, ['AWS::Lambda::Function'], where));
  const buses = ['default', ...byType(template, 'AWS::Events::EventBus').map(([id, res]) => physicalName(id, res.Type))];
  const s3Notifications = extractS3Notifications(template, r, lookup);
  const eventSourceMappings = extractEventSourceMappings(template, r, lookup);
  const serviceClients = byType(template, 'AWS::Cognito::UserPoolClient')
    .map(([id, res]) => ({ id, p: r.resolve(res.Properties ?? {}, id) as Record<string, any> }))
    .filter(({ p }) => (p.AllowedOAuthFlows ?? []).includes('client_credentials'))
    .map(({ id, p }): ServiceClientModel => ({ clientId: r.ref(id, id), scopes: p.AllowedOAuthScopes ?? [] }));
  return { stackName, cdkOut, tables, buckets, queues, buses, functions, api, socketApi, rules, pipes, s3Notifications, eventSourceMappings, serviceClients };
}

/** Synthesizes (unless skipped), reads and extracts the local model. */
export async function loadModel(opts: { repoRoot: string; dataDir: string; cdkOut?: string; skipSynth?: boolean; log?: (line: string) => void }): Promise<LocalModel> {
  const cdkOut = opts.cdkOut ?? path.join(opts.repoRoot, 'cdk.out');
  if (!opts.skipSynth) await synth(opts.repoRoot, cdkOut, opts.log);
  const file = path.join(cdkOut, `${STACK_NAME}.template.json`);
  if (!existsSync(file)) throw new Error(`${file} not found: run npx cdk synth -c stage=local first`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
  const secrets = await loadSecretStore(opts.dataDir);
  const model = extractModel(template, cdkOut, (id, key) => secrets.value(id, key));
  await secrets.save();
  return model;
}
