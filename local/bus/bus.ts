/**
 * The local EventBridge: PutEvents builds the event envelope, every enabled rule
 * of the bus whose pattern matches gets the event, and each rule target (a
 * function) is invoked ASYNCHRONOUSLY — PutEvents never waits for consumers.
 *
 * As in AWS, a rule target's RetryPolicy and DeadLetterConfig cover DELIVERY
 * only: handing the event to the function's async invoke queue
 * (lambda-async.ts). That fails only when the function cannot be invoked
 * (a missing function is dead-lettered at once, throttling is retried with
 * backoff, scaled down locally). Once Lambda has accepted the event, the
 * function's own errors follow its EventInvokeConfig, not the rule's policy.
 *
 * Patterns are compiled once at start-up with the shared matcher; a pattern it
 * does not implement stops start-up (RuleLoadError) instead of never matching.
 */
import { randomUUID } from 'node:crypto';
import { compilePattern, UnsupportedPatternError } from './matcher.ts';
import { Activity, DeliveryError, LambdaAsyncInvoker, type AsyncInvokeStats } from './lambda-async.ts';
import type { DlqMessage, DlqStore, EventBridgeDlqAttributes } from './dlq.ts';
import type { FunctionModel, RuleModel, TargetModel } from '../template.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, nameFromArn, resourceArn } from '../intrinsics.ts';
import { jsonPath, validate, type PutEventsEntry } from './entry.ts';

export { jsonPath, type PutEventsEntry } from './entry.ts';

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export class RuleLoadError extends Error {
  override name = 'RuleLoadError';
}

/** The bus itself refused the request (unknown bus, too many entries): the SDK sees an exception. */
export class BusRequestError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

export interface BusOptions {
  readonly rules: readonly RuleModel[];
  readonly buses: readonly string[];
  /** The functions targets may name, with their EventInvokeConfigs; any other target cannot be delivered to. */
  readonly functions: readonly FunctionModel[];
  /** Runs a function and resolves with its result or rejects with its error (the runtime's invoke). */
  invoke(functionId: string, event: unknown): Promise<unknown>;
  /** SendMessage to a work queue (queue/queues.ts): a rule's SQS targets, and the redrive of a queue's dead letters. */
  readonly queues?: { send(queueId: string, body: string): void };
  readonly dlq: DlqStore;
  /**
   * Scaled-down retry delays: the first delivery retry waits this long (doubled per attempt up to
   * retryMaxMs; EventBridge waits far longer), and it stands for the minute Lambda waits before
   * retrying a function error.
   */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  log(line: string): void;
}

export interface BusStats extends AsyncInvokeStats {
  putEntries: number;
  failedEntries: number;
  matched: number;
  /** Events handed to a target function's async invoke queue (EventBridge's successful invocations). */
  delivered: number;
  /** Delivery attempts the Invoke call refused, and their retries under the rule target's RetryPolicy. */
  deliveryFailures: number;
  deliveryRetries: number;
  /** Undeliverable events sent to the rule target's dead-letter queue. */
  deadLettered: number;
  /** Undeliverable with no dead-letter queue configured: the event is lost, as in AWS. */
  dropped: number;
  /** DLQ messages a redrive handed back (of any kind). */
  redriven: number;
  /** Deliveries, invocations and pending retries still running. */
  inFlight: number;
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface CompiledRule {
  readonly rule: RuleModel;
  readonly matches: (event: unknown) => boolean;
}

export class LocalBus {
  /** Lambda's side of the asynchronous invocations (exposed for tests and stats). */
  readonly lambda: LambdaAsyncInvoker;
  private readonly compiled: CompiledRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly activity = new Activity();
  private readonly counters = { putEntries: 0, failedEntries: 0, matched: 0, delivered: 0, deliveryFailures: 0, deliveryRetries: 0, deadLettered: 0, dropped: 0, redriven: 0 };
  private stopped = false;

  constructor(private readonly opts: BusOptions) {
    for (const rule of opts.rules) {
      if (rule.eventPattern === undefined) continue; // schedule rules are fired by the scheduler
      try {
        this.compiled.push({ rule, matches: compilePattern(rule.eventPattern) });
      } catch (err) {
        const where = err instanceof UnsupportedPatternError ? ` at ${err.path}` : '';
        throw new RuleLoadError(`rule ${rule.logicalId}: event pattern ${JSON.stringify(rule.eventPattern)} cannot be evaluated locally${where}: ${(err as Error).message}`);
      }
    }
    this.lambda = new LambdaAsyncInvoker({ functions: opts.functions, invoke: opts.invoke, dlq: opts.dlq, retryBaseMs: opts.retryBaseMs, activity: this.activity, log: opts.log });
  }

  stats(): BusStats {
    return { ...this.counters, ...this.lambda.stats(), inFlight: this.activity.count };
  }

  /** Resolves once no delivery, function invocation or retry is running or waiting. */
  idle(): Promise<void> {
    return this.activity.idle();
  }

  /** PutEvents: per-entry results like AWS (FailedEntryCount never hides a failure). */
  putEvents(entries: readonly PutEventsEntry[]): PutEventsResult {
    if (entries.length < 1 || entries.length > 10) throw new BusRequestError('ValidationException', `1 to 10 entries per request, got ${entries.length}`);
    for (const e of entries) {
      const bus = nameFromArn(e.EventBusName ?? 'default');
      if (!this.opts.buses.includes(bus)) throw new BusRequestError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    }
    const result: PutEventsResult = { FailedEntryCount: 0, Entries: [] };
    for (const e of entries) {
      this.counters.putEntries++;
      const invalid = validate(e);
      if (invalid) {
        this.counters.failedEntries++;
        result.FailedEntryCount++;
        result.Entries.push({ ErrorCode: 'InvalidArgument', ErrorMessage: invalid });
        continue;
      }
      const time = e.Time === undefined ? new Date() : new Date(e.Time);
      const event: EventEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': e.DetailType!,
        source: e.Source!,
        account: LOCAL_ACCOUNT,
        time: isoSeconds(Number.isNaN(time.getTime()) ? new Date() : time),
        region: LOCAL_REGION,
        resources: e.Resources ?? [],
        detail: JSON.parse(e.Detail!),
      };
      result.Entries.push({ EventId: event.id });
      this.route(nameFromArn(e.EventBusName ?? 'default'), event);
    }
    return result;
  }

  private route(bus: string, event: EventEnvelope): void {
    for (const { rule, matches } of this.compiled) {
      if (!rule.enabled || rule.busName !== bus || !matches(event)) continue;
      for (const target of rule.targets) {
        this.counters.matched++;
        this.deliver(event, rule, target, 0, Date.now());
      }
    }
  }

  /** Sends `event` to every target of `rule` (used by the scheduler). */
  fire(rule: RuleModel, event: EventEnvelope): void {
    for (const target of rule.targets) {
      this.counters.matched++;
      this.deliver(event, rule, target, 0, Date.now());
    }
  }

  private payload(event: EventEnvelope, target: TargetModel): unknown {
    if (target.input !== undefined) return JSON.parse(target.input);
    if (target.inputPath !== undefined) return jsonPath(event, target.inputPath);
    return event;
  }

  /** One delivery attempt: hand the event to the function's async queue, or retry/dead-letter per the RetryPolicy. */
  private deliver(event: EventEnvelope, rule: RuleModel, target: TargetModel, attempt: number, firstAt: number): void {
    if (this.stopped) return;
    let err: DeliveryError;
    try {
      if ('queueId' in target) this.sendToQueue(target.queueId, JSON.stringify(this.payload(event, target)));
      else this.lambda.invokeAsync(target.functionId, this.payload(event, target), target.qualifier);
      this.counters.delivered++;
      return;
    } catch (e) {
      if (!(e instanceof DeliveryError)) throw e;
      err = e;
    }
    this.counters.deliveryFailures++;
    const ageOk = Date.now() - firstAt < target.maxEventAgeSeconds * 1000;
    if (err.retriable && attempt < target.maxRetryAttempts && ageOk) {
      this.counters.deliveryRetries++;
      const base = this.opts.retryBaseMs ?? 100;
      const delay = Math.min(this.opts.retryMaxMs ?? base * 20, base * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      this.activity.begin(); // a pending retry keeps the bus busy (idle() waits for it)
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliver(event, rule, target, attempt + 1, firstAt);
        this.activity.end();
      }, delay);
      this.timers.add(timer);
      return;
    }
    const exhausted = !err.retriable ? undefined : ageOk ? 'MaximumRetryAttempts' : 'MaximumEventAgeInSeconds';
    this.activity.begin();
    this.deadLetter(event, rule, target, attempt + 1, err, exhausted)
      .catch((e: unknown) => this.opts.log(`bus: dead-lettering event ${event.id} failed: ${String(e)}`))
      .finally(() => this.activity.end());
  }

  /** SendMessage to a work queue (an SQS target's body is the payload's JSON). */
  private sendToQueue(queueId: string, body: string): void {
    if (!this.opts.queues) throw new DeliveryError('NO_RESOURCE', 'ResourceNotFoundException', `no queue ${queueId} in the local cloud`, false);
    this.opts.queues.send(queueId, body);
  }

  /** EventBridge's DLQ message: the event itself, with the failure in message attributes. */
  private async deadLetter(event: EventEnvelope, rule: RuleModel, target: TargetModel, attempts: number, err: DeliveryError, exhausted?: string): Promise<void> {
    const to = 'queueId' in target ? target.queueId : target.functionId;
    const what = `bus: ${rule.logicalId}/${target.id} could not deliver event ${event.id} to ${to} (${attempts} attempt(s)): ${err.name}: ${err.message}`;
    if (!target.deadLetterQueue) {
      this.counters.dropped++;
      this.opts.log(`!!! EVENT LOST !!! ${what}; the target has no dead-letter queue`);
      return;
    }
    const attributes: EventBridgeDlqAttributes = {
      ERROR_CODE: err.code,
      ERROR_MESSAGE: err.message,
      ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}),
      RETRY_ATTEMPTS: String(attempts - 1),
      RULE_ARN: rule.arn,
      TARGET_ARN: 'queueId' in target ? resourceArn(target.queueId, 'AWS::SQS::Queue') : resourceArn(target.functionId, 'AWS::Lambda::Function') + (target.qualifier ? `:${target.qualifier}` : ''),
    };
    await this.opts.dlq.send(target.deadLetterQueue, {
      kind: 'rule-target',
      event,
      attributes,
      rule: { name: rule.logicalId, arn: rule.arn },
      target: 'queueId' in target ? { id: target.id, queueId: target.queueId } : { id: target.id, functionId: target.functionId },
      attempts,
      error: { type: err.name, message: err.message },
    });
    this.counters.deadLettered++;
    this.opts.log(`${what} → DLQ ${target.deadLetterQueue}`);
  }

  /**
   * Hands a DLQ message back, the way its sender would: an EventBridge DLQ event is delivered to
   * its rule target again, a Lambda failure record (or function DLQ event) re-invokes the function
   * asynchronously with the original payload, so it gets the EventInvokeConfig retries again; a
   * pipe's entry is put on the bus. True when accepted; the function may still fail later and
   * then produces a new failure record.
   */
  async redrive(msg: DlqMessage): Promise<boolean> {
    try {
      switch (msg.kind) {
        case 'rule-target': {
          const rule = this.opts.rules.find((r) => r.logicalId === msg.rule.name);
          const target = rule?.targets.find((t) => t.id === msg.target.id) ?? ({ ...msg.target } as TargetModel);
          if ('queueId' in target) this.sendToQueue(target.queueId, JSON.stringify(this.payload(msg.event as EventEnvelope, target)));
          else this.lambda.invokeAsync(target.functionId, this.payload(msg.event as EventEnvelope, target), target.qualifier);
          break;
        }
        case 'queue':
          // SQS's redrive: the message goes back to its source queue as it was.
          this.sendToQueue(msg.source.queue, msg.body);
          break;
        case 'lambda-on-failure':
          this.lambda.invokeAsync(msg.function.id, msg.record.requestPayload, msg.function.qualifier);
          break;
        case 'lambda-dlq':
          this.lambda.invokeAsync(msg.function.id, msg.event, msg.function.qualifier);
          break;
        case 'pipe':
          if (!msg.event || this.putEvents([msg.event as PutEventsEntry]).FailedEntryCount > 0) return false;
          break;
      }
    } catch (err) {
      this.opts.log(`bus: redrive of ${msg.kind} message ${msg.messageId} from ${msg.queue} refused: ${(err as Error).message}`);
      return false;
    }
    this.counters.redriven++;
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.lambda.stop();
    this.activity.release();
  }
}
