/**
 * Runs the template's functions like Lambda does, each in its own execution
 * environments: worker threads created with the function's own `env`, one
 * invocation at a time per worker, started on demand (cold start) and kept warm.
 * The template Timeout is enforced: a timed-out invocation fails with
 * Sandbox.Timedout and its worker is thrown away, as Lambda resets the sandbox.
 */
import { Worker } from 'node:worker_threads';
import { randomUUID, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { FunctionModel } from '../template.ts';
import { randomHex } from '../api/payload.ts';
import { LOCAL_REGION } from '../intrinsics.ts';

export interface LambdaErrorShape {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

/** A failed invocation: the handler threw, timed out, or its environment crashed. */
export class LambdaInvocationError extends Error {
  override name = 'LambdaInvocationError';
  constructor(readonly functionName: string, readonly error: LambdaErrorShape) {
    super(`${functionName}: ${error.errorType}: ${error.errorMessage}`);
  }
}

export interface RuntimeOptions {
  /** Variables every function gets on top of its template environment (emulator endpoints, credentials). */
  readonly baseEnv: Record<string, string>;
  /** Where each function's console output goes, one file per function. */
  readonly logDir: string;
  /** Also echo function output to this sink (undefined = files only). */
  readonly echo?: (line: string) => void;
  /** Execution environments per function at most (Lambda would scale out; locally we queue). */
  readonly maxConcurrency?: number;
  /** Idle time after which a sandbox is freed, keeping one warm per function (default a minute; Infinity: never). */
  readonly sandboxIdleMs?: number;
  /** Emulated time: the offset every sandbox adds to its clock (local/lambda/clock.ts). */
  readonly clock?: SharedArrayBuffer;
  /** Each completed invocation's handler time (the cost meter, local/meter.ts). */
  readonly onInvoked?: (fn: FunctionModel, durationMs: number) => void;
}

interface Pending {
  readonly id: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

class Sandbox {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  current?: Pending;
  lastUsed = Date.now();
  dead = false;

  constructor(fn: FunctionModel, env: Record<string, string>, onLine: (line: string) => void, clock?: SharedArrayBuffer) {
    this.worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      env,
      workerData: { file: path.join(fn.assetDir!, fn.handlerFile!), exportName: fn.handlerExport, sourceMaps: /--enable-source-maps/.test(env.NODE_OPTIONS ?? ''), clock },
      // No inherited loaders (tsx): the bundle is plain JavaScript.
      execArgv: [],
      stdout: true,
      stderr: true,
      // The function's MemorySize bounds its heap, as Lambda bounds the sandbox.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb) },
    });
    // What the function writes arrives with its messages (worker.mjs); lines split as they complete.
    const partial = { out: '', err: '' };
    const take = (output: { out: string; err: string } | undefined) => {
      if (!output) return;
      for (const stream of ['out', 'err'] as const) {
        if (!output[stream]) continue;
        const lines = (partial[stream] + output[stream]).split('\n');
        partial[stream] = lines.pop() ?? '';
        lines.forEach(onLine);
      }
    };
    this.worker.on('message', (msg: { output?: { out: string; err: string } }) => take(msg.output));
    // Anything that writes to the streams themselves, past process.stdout.write.
    this.worker.stdout.on('data', (d: Buffer) => take({ out: d.toString(), err: '' }));
    this.worker.stderr.on('data', (d: Buffer) => take({ out: '', err: d.toString() }));
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('message', (msg: { type: string; error?: LambdaErrorShape }) => {
        if (msg.type === 'ready') resolve();
        else reject(new LambdaInvocationError(fn.name, msg.error ?? { errorType: 'Runtime.Unknown', errorMessage: 'init failed' }));
      });
      this.worker.once('error', (err) => reject(new LambdaInvocationError(fn.name, { errorType: 'Runtime.ExitError', errorMessage: err.message })));
    });
    this.ready.catch(() => {}); // observed by whoever invokes
    this.worker.on('message', (msg: { type: string; id?: string; result?: string; error?: LambdaErrorShape }) => {
      const p = this.current;
      if (!p || msg.id !== p.id) return;
      this.current = undefined;
      if (msg.type === 'result') p.resolve(JSON.parse(msg.result!));
      else p.reject(new LambdaInvocationError(fn.name, msg.error ?? { errorType: 'Error', errorMessage: 'unknown error' }));
    });
    const crash = (why: string) => {
      this.dead = true;
      const p = this.current;
      this.current = undefined;
      p?.reject(new LambdaInvocationError(fn.name, { errorType: 'Runtime.ExitError', errorMessage: why }));
    };
    this.worker.on('error', (err) => crash(`the runtime crashed: ${err.stack ?? err.message}`));
    this.worker.on('exit', (code) => crash(`the runtime exited with code ${code}`));
  }
}

class FunctionRunner {
  private readonly idle: Sandbox[] = [];
  private readonly all = new Set<Sandbox>();
  private readonly queue: (() => void)[] = [];
  private readonly env: Record<string, string>;
  /** Buffered, asynchronous: a synchronous write per log line would stall the event loop under load. */
  private readonly logFile: WriteStream;
  invocations = 0;
  errors = 0;
  coldStarts = 0;

  constructor(readonly fn: FunctionModel, private readonly opts: RuntimeOptions) {
    this.env = {
      ...opts.baseEnv,
      ...fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'nodejs24.x'}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: fn.assetDir ?? '',
      // On emulated time, the SDK would take the emulators' real-time Date headers for clock skew:
      // re-sync its signing clock to them, and retry every error response (a failed condition
      // included) as "clock skew corrected". Off, it signs on the sandbox's clock, as in AWS.
      ...(opts.clock ? { AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true' } : {}),
    };
    this.logFile = createWriteStream(path.join(opts.logDir, `${fn.name}.log`), { flags: 'a' });
    this.logFile.on('error', (err) => opts.echo?.(`[${fn.logicalId}] log file error: ${err.message}`));
  }

  private line(text: string): void {
    const line = `[${this.fn.logicalId}] ${text}`;
    if (!this.logFile.writableEnded) {
      // The lines of one tick leave in one write: a write per line was a tenth of the main thread's CPU under the tests.
      if (!this.logFile.writableCorked) {
        this.logFile.cork();
        process.nextTick(() => this.logFile.uncork());
      }
      this.logFile.write(`${text}\n`);
    }
    this.opts.echo?.(line);
  }

  private async acquire(): Promise<Sandbox> {
    let warm: Sandbox | undefined;
    while ((warm = this.idle.pop())) if (!warm.dead) return warm;
    if (this.all.size < (this.opts.maxConcurrency ?? 4)) {
      const sb = new Sandbox(this.fn, this.env, (l) => this.line(l), this.opts.clock);
      this.coldStarts++;
      this.all.add(sb);
      sb.worker.once('exit', () => this.all.delete(sb));
      return sb;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
    return this.acquire();
  }

  private release(sb: Sandbox): void {
    sb.lastUsed = Date.now();
    if (!sb.dead) this.idle.push(sb);
    this.queue.shift()?.();
  }

  private discard(sb: Sandbox): void {
    sb.dead = true;
    this.all.delete(sb);
    void sb.worker.terminate();
    this.queue.shift()?.();
  }

  async invoke(event: unknown): Promise<unknown> {
    if (!this.fn.assetDir || !this.fn.handlerFile) {
      throw new LambdaInvocationError(this.fn.name, { errorType: 'Runtime.InvalidEntrypoint', errorMessage: 'no bundled asset (inline code cannot run locally)' });
    }
    this.invocations++;
    const sb = await this.acquire();
    try {
      await sb.ready;
    } catch (err) {
      this.errors++;
      this.discard(sb);
      throw err;
    }
    const awsRequestId = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const ctx = {
      awsRequestId,
      functionName: this.fn.name,
      invokedFunctionArn: this.fn.arn,
      memoryLimitInMB: this.fn.memoryMb,
      logGroupName: this.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: this.env.AWS_LAMBDA_LOG_STREAM_NAME,
      deadline: Date.now() + timeoutMs,
      traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(24)};Sampled=0`,
    };
    let timer: NodeJS.Timeout | undefined;
    const startedAt = performance.now();
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        sb.current = { id: awsRequestId, resolve, reject };
        timer = setTimeout(() => {
          sb.current = undefined;
          reject(new LambdaInvocationError(this.fn.name, { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds` }));
        }, timeoutMs);
        sb.worker.postMessage({ type: 'invoke', id: awsRequestId, event: JSON.stringify(event), ctx });
      });
      this.release(sb);
      return result;
    } catch (err) {
      this.errors++;
      const e = err as LambdaInvocationError;
      this.line(`ERROR RequestId: ${awsRequestId} ${e.message}`);
      // A handler error keeps the sandbox (as Lambda does); a timeout or a crash resets it.
      if (sb.dead || e.error?.errorType === 'Sandbox.Timedout') this.discard(sb);
      else this.release(sb);
      throw err;
    } finally {
      clearTimeout(timer);
      // Lambda bills failed and timed-out invocations too.
      this.opts.onInvoked?.(this.fn, performance.now() - startedAt);
    }
  }

  /** Frees sandboxes idle for longer than `ms`, keeping one warm. */
  reap(ms: number): void {
    const now = Date.now();
    for (const sb of [...this.idle]) {
      if (this.idle.length <= 1) break;
      if (now - sb.lastUsed > ms) {
        this.idle.splice(this.idle.indexOf(sb), 1);
        this.discard(sb);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((sb) => sb.worker.terminate()));
    this.all.clear();
    this.idle.length = 0;
    await new Promise<void>((resolve) => this.logFile.end(() => resolve()));
  }
}

export interface FaultRule {
  readonly functionPrefix: string;
  readonly rate: number;
  readonly phase: 'before' | 'after' | 'either';
  /** Only invocations whose event JSON contains this text (e.g. one applicant's id), so a run disturbs nothing else. */
  readonly match?: string;
  /** Stop after this many faults. */
  readonly limit?: number;
}

export class LambdaRuntime {
  private readonly runners = new Map<string, FunctionRunner>();
  private readonly reaper?: NodeJS.Timeout;

  constructor(functions: FunctionModel[], opts: RuntimeOptions) {
    mkdirSync(opts.logDir, { recursive: true });
    for (const fn of functions) this.runners.set(fn.logicalId, new FunctionRunner(fn, opts));
    // Sandboxes idle that long (a minute by default) are freed, one kept warm per function, to keep memory low.
    const idleMs = opts.sandboxIdleMs ?? 60_000;
    if (Number.isFinite(idleMs)) {
      this.reaper = setInterval(() => this.runners.forEach((r) => r.reap(idleMs)), 15_000);
      this.reaper.unref();
    }
  }

  private readonly faults = new Map<string, FaultRule & { injected: number }>();

  /**
   * Fault injection for resilience runs: invocations of functions whose logical
   * id starts with `rule.functionPrefix` fail at `rate`, either before the
   * handler runs or after it finished (its effects done, its answer lost, as
   * when a sandbox dies), as Lambda reports a crash. Rate 0 clears the rule.
   */
  setFault(rule: FaultRule): void {
    const key = `${rule.functionPrefix}~${rule.match ?? ''}`;
    if (rule.rate <= 0) this.faults.delete(key);
    else this.faults.set(key, { ...rule, injected: 0 });
  }

  faultStats(): Record<string, { rate: number; phase: FaultRule['phase']; injected: number }> {
    return Object.fromEntries([...this.faults].map(([k, f]) => [k, { rate: f.rate, phase: f.phase, injected: f.injected }]));
  }

  /** Invokes a function by logical id; resolves with its JSON result or rejects with LambdaInvocationError. */
  async invoke(functionId: string, event: unknown): Promise<unknown> {
    const runner = this.runners.get(functionId);
    if (!runner) throw new Error(`no function ${functionId} in the template`);
    // Every rule that matches gets its roll (an SQS batch can carry the events of several tests' rules); the first to strike counts.
    const fault = [...this.faults.values()].find(
      (f) => functionId.startsWith(f.functionPrefix) && (f.limit === undefined || f.injected < f.limit) && (f.match === undefined || JSON.stringify(event).includes(f.match)) && Math.random() < f.rate,
    );
    const strike = fault ? (fault.phase === 'either' ? (Math.random() < 0.5 ? 'before' : 'after') : fault.phase) : undefined;
    const injected = () => {
      fault!.injected++;
      return new LambdaInvocationError(runner.fn.name, { errorType: 'Injected.Fault', errorMessage: `fault injected ${strike} the handler` });
    };
    if (strike === 'before') throw injected();
    const result = await runner.invoke(event);
    if (strike === 'after') throw injected();
    return result;
  }

  stats(): Record<string, { invocations: number; errors: number; coldStarts: number }> {
    const out: Record<string, { invocations: number; errors: number; coldStarts: number }> = {};
    for (const [id, r] of this.runners) if (r.invocations) out[id] = { invocations: r.invocations, errors: r.errors, coldStarts: r.coldStarts };
    return out;
  }

  async stop(): Promise<void> {
    clearInterval(this.reaper);
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }
}

/** Environment every function gets from the local cloud: region, credentials and emulator endpoints. */
/** The payment provider simulator as the fees function reaches it (functions/fees/provider/configured.ts). */
export interface LocalPayments {
  readonly url: string;
  readonly merchantId: string;
  readonly apiKey: string;
  readonly publicKeys: Readonly<Record<string, string>>;
  readonly notifyUrl: string;
}

export function emulatorEnv(endpoints: { dynamodb: string; s3: string; events: string; ses: string; cognito?: string; sns?: string; identity?: string; payments?: LocalPayments }): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.events,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    // The SDK's env name is AWS_ENDPOINT_URL_ + the service id "Cognito Identity Provider" upper-cased, spaces as _.
    ...(endpoints.cognito ? { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito } : {}),
    ...(endpoints.sns ? { AWS_ENDPOINT_URL_SNS: endpoints.sns } : {}),
    // Only the local cloud sets it: a deployed function has no simulator to reach (functions/applicants/identity/verifier.ts).
    ...(endpoints.identity ? { IDENTITY_SIMULATOR_URL: endpoints.identity } : {}),
    // Likewise the payment simulator: its keys are made at each start, so they come from it, not from the template.
    ...(endpoints.payments
      ? {
        PAYMENT_PROVIDER_URL: endpoints.payments.url,
        PAYMENT_MERCHANT_ID: endpoints.payments.merchantId,
        PAYMENT_API_KEY: endpoints.payments.apiKey,
        PAYMENT_PUBLIC_KEYS: JSON.stringify(endpoints.payments.publicKeys),
        PAYMENT_NOTIFY_URL: endpoints.payments.notifyUrl,
      }
      : {}),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
}
