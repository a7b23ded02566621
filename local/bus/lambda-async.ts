/**
 * Lambda's asynchronous invocation (InvocationType Event), which is how
 * EventBridge invokes a function target. Two failure domains, as in AWS:
 *   - the Invoke call itself is refused (no such function): a DeliveryError,
 *     thrown synchronously, for the caller (the rule target's RetryPolicy/DLQ);
 *   - once accepted, the event sits in the function's queue and FUNCTION
 *     errors are Lambda's business: retried per the EventInvokeConfig (default
 *     2 retries within 6 h), then the invocation record goes to the OnFailure
 *     destination and the event to the function's DeadLetterConfig; with
 *     neither, it is lost (logged loudly).
 * A busy function is not a refusal: the runtime queues invocations beyond its
 * sandboxes, as Lambda's queue holds events until concurrency frees up.
 */
import { randomUUID } from 'node:crypto';
import { asyncInvokeConfig, type AsyncInvokeConfig, type FunctionModel } from '../template.ts';
import { resourceArn } from '../intrinsics.ts';
import type { DlqStore, LambdaFunctionRef, LambdaInvocationRecord } from './dlq.ts';

/** Counts work in flight (deliveries, invocations, pending retries) so idle() can wait for all of it. */
export class Activity {
  private n = 0;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.n;
  }

  begin(): void {
    this.n++;
  }

  end(): void {
    if (--this.n === 0) this.release();
  }

  idle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (also on stop, when pending work may never finish). */
  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** The Invoke call failed: EventBridge's delivery failure, for the rule target's RetryPolicy and DLQ. */
export class DeliveryError extends Error {
  constructor(
    /** EventBridge's DLQ ERROR_CODE (NO_RESOURCE, THROTTLING, ...). */
    readonly code: string,
    /** The Lambda API exception name. */
    exception: string,
    message: string,
    /** EventBridge retries throttling; a missing function goes to the DLQ at once (retrying cannot help). */
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = exception;
  }
}

export interface AsyncInvokeStats {
  /** Function invocations: first attempts and retries. */
  invocations: number;
  succeeded: number;
  functionErrors: number;
  /** Retries after a function error. */
  retries: number;
  /** Given up because MaximumEventAgeInSeconds passed (EventAgeExceeded). */
  expired: number;
  /** Invocation records sent to an OnFailure destination. */
  onFailure: number;
  /** Events sent to a function's DeadLetterConfig. */
  functionDeadLettered: number;
  /** Given up with no destination and no DLQ: the event is gone, as in AWS. */
  lost: number;
}

export interface AsyncInvokerOptions {
  readonly functions: readonly FunctionModel[];
  /** Runs the function (synchronously, in the runtime); rejects on a function error. */
  invoke(functionId: string, event: unknown): Promise<unknown>;
  readonly dlq: DlqStore;
  /** Stands for AWS's one-minute wait before the first retry (two minutes before the second). */
  readonly retryBaseMs?: number;
  readonly activity: Activity;
  log(line: string): void;
}

const MINUTE = 60_000;

interface Job {
  readonly fn: FunctionModel;
  readonly config: AsyncInvokeConfig;
  readonly payload: unknown;
  readonly requestId: string;
  readonly enqueuedAt: number;
  /** Retry waits as they really passed locally, and as long as AWS would have made them. */
  realWaitMs: number;
  nominalWaitMs: number;
  attempts: number;
  lastError?: { errorType: string; errorMessage: string; trace?: readonly string[] };
}

export class LambdaAsyncInvoker {
  private readonly functions: Map<string, FunctionModel>;
  private readonly counters: AsyncInvokeStats = { invocations: 0, succeeded: 0, functionErrors: 0, retries: 0, expired: 0, onFailure: 0, functionDeadLettered: 0, lost: 0 };
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private stopped = false;

  constructor(private readonly opts: AsyncInvokerOptions) {
    this.functions = new Map(opts.functions.map((f) => [f.logicalId, f]));
  }

  stats(): AsyncInvokeStats {
    return { ...this.counters };
  }

  /** Queues the event and returns its request id at once; throws DeliveryError only when Lambda would refuse the call. */
  invokeAsync(functionId: string, payload: unknown, qualifier = '$LATEST'): string {
    const fn = this.functions.get(functionId);
    if (!fn) {
      throw new DeliveryError('NO_RESOURCE', 'ResourceNotFoundException', `Function not found: ${resourceArn(functionId, 'AWS::Lambda::Function')}:${qualifier}`, false);
    }
    const job: Job = { fn, config: asyncInvokeConfig(fn, qualifier), payload, requestId: randomUUID(), enqueuedAt: Date.now(), realWaitMs: 0, nominalWaitMs: 0, attempts: 0 };
    this.opts.activity.begin();
    void this.run(job)
      .catch((err: unknown) => this.opts.log(`lambda: async invocation bookkeeping failed for ${fn.logicalId}: ${String(err)}`))
      .finally(() => this.opts.activity.end());
    return job.requestId;
  }

  private async run(job: Job): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      job.attempts++;
      this.counters.invocations++;
      try {
        await this.opts.invoke(job.fn.logicalId, job.payload);
        this.counters.succeeded++;
        return;
      } catch (err) {
        // Sandboxes terminated by a shutdown are not the function's failure: nothing to record.
        if (this.stopped) return;
        this.counters.functionErrors++;
        job.lastError = lambdaError(err);
      }
      if (job.attempts > job.config.maxRetryAttempts) return this.giveUp(job, 'RetriesExhausted');
      // AWS waits about a minute before the second attempt and two before the third; locally
      // retryBaseMs stands for that minute. The event's age counts the AWS-sized waits, so
      // MaximumEventAgeInSeconds cuts the retries short exactly where it would in AWS.
      await this.sleep(job, MINUTE * 2 ** (job.attempts - 1));
      if (this.stopped) return;
      if (this.age(job) >= job.config.maxEventAgeSeconds * 1000) return this.giveUp(job, 'EventAgeExceeded');
      this.counters.retries++;
    }
  }

  private age(job: Job): number {
    return Date.now() - job.enqueuedAt - job.realWaitMs + job.nominalWaitMs;
  }

  private async sleep(job: Job, nominalMs: number): Promise<void> {
    const ms = (this.opts.retryBaseMs ?? 100) * (nominalMs / MINUTE);
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, resolve);
    });
    job.realWaitMs += Date.now() - started;
    job.nominalWaitMs += nominalMs;
  }

  private async giveUp(job: Job, condition: LambdaInvocationRecord['requestContext']['condition']): Promise<void> {
    if (condition === 'EventAgeExceeded') this.counters.expired++;
    const { fn, config } = job;
    const last = job.lastError ?? { errorType: 'Unknown', errorMessage: 'no invocation completed' };
    const error = { type: last.errorType, message: last.errorMessage };
    const ref: LambdaFunctionRef = { id: fn.logicalId, arn: fn.arn, qualifier: config.qualifier };
    const what = `${fn.logicalId} gave up on request ${job.requestId} after ${job.attempts} invocation(s) (${condition}): ${error.type}: ${error.message}`;
    if (config.onFailure) {
      const record: LambdaInvocationRecord = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: { requestId: job.requestId, functionArn: `${fn.arn}:${config.qualifier}`, condition, approximateInvokeCount: job.attempts },
        requestPayload: job.payload,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: last.errorType, errorMessage: last.errorMessage, ...(last.trace ? { trace: last.trace } : {}) },
      };
      await this.opts.dlq.send(config.onFailure, { kind: 'lambda-on-failure', record, function: ref, attempts: job.attempts, error });
      this.counters.onFailure++;
      this.opts.log(`lambda: ${what} → on-failure destination ${config.onFailure}`);
    }
    if (fn.deadLetterQueue) {
      const attributes = { RequestID: job.requestId, ErrorCode: '200', ErrorMessage: error.message.slice(0, 1024) };
      await this.opts.dlq.send(fn.deadLetterQueue, { kind: 'lambda-dlq', event: job.payload, attributes, function: ref, attempts: job.attempts, error });
      this.counters.functionDeadLettered++;
      this.opts.log(`lambda: ${what} → dead-letter queue ${fn.deadLetterQueue}`);
    }
    if (!config.onFailure && !fn.deadLetterQueue) {
      // AWS discards the event silently (only a metric moves); locally that must not go unnoticed.
      this.counters.lost++;
      const why = fn.asyncInvoke?.length ? 'its EventInvokeConfig has no OnFailure destination' : 'it has no EventInvokeConfig (Lambda defaults: 2 retries, 6 h, no destination)';
      this.opts.log(`!!! EVENT LOST !!! lambda: ${what}. The function has no DeadLetterConfig and ${why}, so AWS would drop the event too. Payload: ${JSON.stringify(job.payload)?.slice(0, 500)}`);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const [timer, resolve] of this.sleeps) {
      clearTimeout(timer);
      resolve();
    }
    this.sleeps.clear();
  }
}

/** The runtime's LambdaInvocationError carries Lambda's error shape; anything else is described by its name. */
function lambdaError(err: unknown): NonNullable<Job['lastError']> {
  const e = err as Error & { error?: { errorType?: string; errorMessage?: string; trace?: string[] } };
  if (e?.error?.errorType) return { errorType: e.error.errorType, errorMessage: e.error.errorMessage ?? '', trace: e.error.trace };
  return { errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(err) };
}
