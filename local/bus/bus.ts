/**
 * The local EventBridge: PutEvents builds the event envelope, every enabled rule
 * of the bus whose pattern matches gets the event, and each rule target (a
 * function) is invoked asynchronously — PutEvents never waits for consumers.
 * A failing target is retried with exponential backoff (scaled down locally)
 * within its RetryPolicy, then the event goes to the target's dead-letter queue.
 *
 * Patterns are compiled once at start-up with the shared matcher; a pattern it
 * does not implement stops start-up (RuleLoadError) instead of never matching.
 */
import { randomUUID } from 'node:crypto';
import { compilePattern, UnsupportedPatternError } from './matcher.ts';
import type { DlqMessage, DlqStore } from './dlq.ts';
import type { RuleModel, TargetModel } from '../template.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, nameFromArn } from '../intrinsics.ts';

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: string | Date | number;
}

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
  invoke(functionId: string, event: unknown): Promise<unknown>;
  readonly dlq: DlqStore;
  /** First retry delay; doubled per attempt up to retryMaxMs. EventBridge waits far longer. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  log(line: string): void;
}

export interface BusStats {
  putEntries: number;
  failedEntries: number;
  matched: number;
  delivered: number;
  failedAttempts: number;
  retries: number;
  deadLettered: number;
  /** Gave up with no dead-letter queue configured: the event is lost, as in AWS. */
  dropped: number;
  redriven: number;
  inFlight: number;
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface CompiledRule {
  readonly rule: RuleModel;
  readonly matches: (event: unknown) => boolean;
}

export class LocalBus {
  private readonly compiled: CompiledRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly counters: BusStats = { putEntries: 0, failedEntries: 0, matched: 0, delivered: 0, failedAttempts: 0, retries: 0, deadLettered: 0, dropped: 0, redriven: 0, inFlight: 0 };
  private idleWaiters: (() => void)[] = [];
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
  }

  stats(): BusStats {
    return { ...this.counters };
  }

  /** Resolves once no delivery is running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.counters.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private begin(): void {
    this.counters.inFlight++;
  }

  private end(): void {
    this.counters.inFlight--;
    if (this.counters.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
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

  private deliver(event: EventEnvelope, rule: RuleModel, target: TargetModel, attempt: number, firstAt: number): void {
    if (this.stopped) return;
    this.begin();
    this.opts
      .invoke(target.functionId, this.payload(event, target))
      .then(
        () => {
          this.counters.delivered++;
        },
        async (err: Error & { error?: { errorType?: string } }) => {
          this.counters.failedAttempts++;
          const ageOk = Date.now() - firstAt < target.maxEventAgeSeconds * 1000;
          if (attempt < target.maxRetryAttempts && ageOk && !this.stopped) {
            this.counters.retries++;
            const base = this.opts.retryBaseMs ?? 100;
            const delay = Math.min(this.opts.retryMaxMs ?? base * 20, base * 2 ** attempt) * (0.8 + Math.random() * 0.4);
            this.begin(); // a pending retry keeps the bus busy (idle() waits for it)
            const timer = setTimeout(() => {
              this.timers.delete(timer);
              this.deliver(event, rule, target, attempt + 1, firstAt);
              this.end();
            }, delay);
            this.timers.add(timer);
            return;
          }
          const error = { type: err.error?.errorType ?? err.name, message: (err as { error?: { errorMessage?: string } }).error?.errorMessage ?? err.message };
          if (!target.deadLetterQueue) {
            this.counters.dropped++;
            this.opts.log(`bus: ${rule.logicalId}/${target.id} gave up on event ${event.id} after ${attempt + 1} attempts, no DLQ: ${err.message}`);
            return;
          }
          await this.opts.dlq.send(target.deadLetterQueue, {
            kind: 'rule-target',
            event,
            rule: { name: rule.logicalId, arn: rule.arn },
            target: { id: target.id, functionId: target.functionId },
            attempts: attempt + 1,
            error,
          });
          this.counters.deadLettered++;
          this.opts.log(`bus: event ${event.id} → DLQ ${target.deadLetterQueue} after ${attempt + 1} attempts: ${err.message}`);
        },
      )
      .catch((err: unknown) => this.opts.log(`bus: delivery bookkeeping failed: ${String(err)}`))
      .finally(() => this.end());
  }

  /** One more attempt for a dead-lettered rule-target message; true when the target succeeded. */
  async redeliver(msg: DlqMessage): Promise<boolean> {
    if (msg.kind !== 'rule-target' || !msg.target) return false;
    const rule = this.opts.rules.find((r) => r.logicalId === msg.rule?.name);
    const target = rule?.targets.find((t) => t.id === msg.target!.id) ?? { functionId: msg.target.functionId } as TargetModel;
    try {
      await this.opts.invoke(target.functionId, this.payload(msg.event as EventEnvelope, target));
      this.counters.redriven++;
      return true;
    } catch {
      return false;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}

function validate(e: PutEventsEntry): string | undefined {
  if (!e.Source) return 'Parameter Source is not valid. Reason: Source is a required argument.';
  if (!e.DetailType) return 'Parameter DetailType is not valid. Reason: DetailType is a required argument.';
  if (e.Detail === undefined) return 'Parameter Detail is not valid. Reason: Detail is a required argument.';
  try {
    const d = JSON.parse(e.Detail) as unknown;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'Parameter Detail is not valid. Reason: Detail must be a JSON object.';
  } catch {
    return 'Parameter Detail is not valid. Reason: Detail is not valid JSON.';
  }
  const size = Buffer.byteLength(JSON.stringify(e));
  if (size > 256 * 1024) return `Entry size ${size} exceeds the 256 KB limit.`;
  return undefined;
}

/** `$.a.b` on the event (InputPath). */
export function jsonPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$.')) throw new Error(`unsupported JSON path ${path}`);
  let cur: unknown = value;
  for (const key of path.slice(2).split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
