/**
 * The Lambda part of the template: AWS::Lambda::Function (asset, handler,
 * environment, limits, DeadLetterConfig) and AWS::Lambda::EventInvokeConfig,
 * which governs what happens when an ASYNCHRONOUS invocation (EventBridge →
 * Lambda) fails in the function: how often Lambda retries it, how old the event
 * may get, and where the failure record goes. Layers and their /opt paths are
 * in template-layers.ts. Split from template.ts to keep each module small.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { physicalName, resourceArn, type CfnResource, type CfnTemplate, type Resolver } from './intrinsics.ts';
import { functionLayers, resolveOptPaths, type LayerModel } from './template-layers.ts';

export type { LayerModel } from './template-layers.ts';

/** One EventInvokeConfig: applies to asynchronous invocations of `qualifier` (`$LATEST` = unqualified). */
export interface AsyncInvokeConfig {
  readonly qualifier: string;
  /** 0–2; retries after a function error (the first attempt is not counted). */
  readonly maxRetryAttempts: number;
  /** 60–21600; an event older than this is not retried any more (condition EventAgeExceeded). */
  readonly maxEventAgeSeconds: number;
  /** SQS queue (logical id) receiving the invocation record once Lambda gives up. */
  readonly onFailure?: string;
}

/** What Lambda does for a function without an EventInvokeConfig: 2 retries, 6 hours, no destination. */
export const LAMBDA_ASYNC_DEFAULTS: AsyncInvokeConfig = { qualifier: '$LATEST', maxRetryAttempts: 2, maxEventAgeSeconds: 21_600 };

export interface FunctionModel {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Absolute path of the bundled asset directory; undefined for inline code (not runnable locally). */
  readonly assetDir?: string;
  /** Module file inside the asset (`index.mjs` for Handler `index.handler`). */
  readonly handlerFile?: string;
  readonly handlerExport: string;
  /** The template environment; values under /opt/ already point into the layer providing them (template-layers.ts). */
  readonly environment: Record<string, string>;
  /** The function's layers in `Layers` order (later ones win in /opt); absent = none. */
  readonly layers?: readonly LayerModel[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly runtime?: string;
  /** The function's EventInvokeConfigs, one per qualifier; none (or absent) = LAMBDA_ASYNC_DEFAULTS. */
  readonly asyncInvoke?: AsyncInvokeConfig[];
  /** DeadLetterConfig.TargetArn (SQS logical id): gets the failed event itself, besides any OnFailure destination. */
  readonly deadLetterQueue?: string;
}

/** The config Lambda applies to an asynchronous invocation of `qualifier`. */
export function asyncInvokeConfig(fn: Pick<FunctionModel, 'asyncInvoke'>, qualifier = '$LATEST'): AsyncInvokeConfig {
  return fn.asyncInvoke?.find((c) => c.qualifier === qualifier) ?? { ...LAMBDA_ASYNC_DEFAULTS, qualifier };
}

const num = (v: unknown, fallback: number) => (v === undefined || v === null ? fallback : Number(v));

export function extractFunctions(
  template: CfnTemplate,
  r: Resolver,
  cdkOut: string,
  /** ARN or name → logical id of one of `types`, or throws naming `where`. */
  lookup: (arnOrName: string, types: string[], where: string) => string,
): FunctionModel[] {
  const of = (type: string) => Object.entries(template.Resources).filter(([, res]) => res.Type === type) as [string, CfnResource][];
  // Only SQS is emulated: any other destination type (SNS, EventBridge, Lambda, S3) stops start-up
  // rather than silently losing the records that AWS would deliver.
  const sqsQueue = (arn: unknown, where: string) => lookup(r.resolveString(arn, where), ['AWS::SQS::Queue'], `${where} (only SQS queues are supported locally)`);

  const configs = new Map<string, AsyncInvokeConfig[]>();
  for (const [id, res] of of('AWS::Lambda::EventInvokeConfig')) {
    const p = res.Properties ?? {};
    const fnId = lookup(r.resolveString(p.FunctionName, `${id}.FunctionName`), ['AWS::Lambda::Function'], `${id}.FunctionName`);
    const dest = (r.resolve(p.DestinationConfig ?? {}, `${id}.DestinationConfig`) ?? {}) as { OnFailure?: { Destination?: string }; OnSuccess?: { Destination?: string } };
    if (dest.OnSuccess?.Destination) throw new Error(`${id}.DestinationConfig.OnSuccess: on-success destinations are not supported by the local cloud`);
    const config: AsyncInvokeConfig = {
      qualifier: r.resolveString(p.Qualifier ?? '$LATEST', `${id}.Qualifier`),
      maxRetryAttempts: num(r.resolve(p.MaximumRetryAttempts, `${id}.MaximumRetryAttempts`), LAMBDA_ASYNC_DEFAULTS.maxRetryAttempts),
      maxEventAgeSeconds: num(r.resolve(p.MaximumEventAgeInSeconds, `${id}.MaximumEventAgeInSeconds`), LAMBDA_ASYNC_DEFAULTS.maxEventAgeSeconds),
      onFailure: dest.OnFailure?.Destination ? sqsQueue(dest.OnFailure.Destination, `${id}.DestinationConfig.OnFailure.Destination`) : undefined,
    };
    configs.set(fnId, [...(configs.get(fnId) ?? []), config]);
  }

  return of('AWS::Lambda::Function').map(([id, res]): FunctionModel => {
    const p = res.Properties ?? {};
    const assetPath = res.Metadata?.['aws:asset:path'];
    const assetDir = typeof assetPath === 'string' ? path.resolve(cdkOut, assetPath) : undefined;
    const handler = String(p.Handler ?? 'index.handler');
    const dot = handler.lastIndexOf('.');
    const modulePath = handler.slice(0, dot);
    const file = assetDir ? ['.mjs', '.js', '.cjs'].map((ext) => modulePath + ext).find((f) => existsSync(path.join(assetDir, f))) : undefined;
    const vars = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const resolved: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) resolved[k] = r.resolveString(v, `${id}.Environment.Variables.${k}`);
    const layers = functionLayers(template, r, cdkOut, lookup, id, p.Layers);
    const environment = resolveOptPaths(id, resolved, layers);
    const dlqArn = (p.DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn;
    return {
      logicalId: id,
      name: physicalName(id, res.Type),
      arn: resourceArn(id, res.Type),
      assetDir,
      handlerFile: file,
      handlerExport: handler.slice(dot + 1),
      environment,
      ...(layers.length ? { layers } : {}),
      timeoutSeconds: num(r.resolve(p.Timeout, `${id}.Timeout`), 3),
      memoryMb: num(r.resolve(p.MemorySize, `${id}.MemorySize`), 128),
      runtime: p.Runtime as string | undefined,
      asyncInvoke: configs.get(id) ?? [],
      deadLetterQueue: dlqArn === undefined ? undefined : sqsQueue(dlqArn, `${id}.DeadLetterConfig.TargetArn`),
    };
  });
}
