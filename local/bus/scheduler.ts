/**
 * Schedule rules (ScheduleExpression) fire on a virtual clock that runs
 * `speedup` times faster than the wall clock (60: a minute passes each second),
 * so demos and tests see hourly or daily jobs without waiting. The event is the
 * envelope EventBridge sends for schedules: source aws.events, detail-type
 * "Scheduled Event", detail {}, the rule's ARN in resources, the instant it
 * fired for as `time`. Emulated time (local/lambda/clock.ts) adds its offset.
 */
import { randomUUID } from 'node:crypto';
import { parseSchedule, UnsupportedScheduleError, type Schedule } from '../schedule.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../intrinsics.ts';
import { RuleLoadError, type EventEnvelope, type LocalBus } from './bus.ts';
import type { RuleModel } from '../template.ts';
import type { LocalClock } from '../lambda/clock.ts';

const MAX_TIMER = 2 ** 31 - 1;

export class Scheduler {
  private readonly entries: { rule: RuleModel; schedule: Schedule }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly realStart = Date.now();
  private fired = 0;

  constructor(
    rules: readonly RuleModel[],
    private readonly bus: LocalBus,
    private readonly speedup = 1,
    private readonly log: (line: string) => void = () => {},
    /** Emulated time (local/lambda/clock.ts): its offset moves the schedules' clock too. */
    private readonly clock?: LocalClock,
  ) {
    if (!(speedup > 0)) throw new Error(`scheduleSpeedup must be positive, got ${speedup}`);
    for (const rule of rules) {
      if (!rule.scheduleExpression) continue;
      try {
        this.entries.push({ rule, schedule: parseSchedule(rule.scheduleExpression) });
      } catch (err) {
        const kind = err instanceof UnsupportedScheduleError ? 'is not supported locally' : 'is invalid';
        throw new RuleLoadError(`rule ${rule.logicalId}: schedule ${rule.scheduleExpression} ${kind}: ${(err as Error).message}`);
      }
    }
    // A jump fires each rule once at its next instant after the new time, as a schedule that resumes: not every instant skipped.
    clock?.onJump(() => {
      if (!this.started) return;
      this.disarm();
      this.start();
    });
  }

  /** Between start() and stop(): a jump re-arms the timers of a running scheduler only. */
  private started = false;

  /** The virtual time: starts at the real time, then runs `speedup` times faster; plus the emulated time's offset. */
  now(): Date {
    return new Date(this.realStart + (Date.now() - this.realStart) * this.speedup + (this.clock?.offsetMs ?? 0));
  }

  get count(): number {
    return this.fired;
  }

  start(): void {
    this.started = true;
    for (const e of this.entries) if (e.rule.enabled) this.arm(e.rule, e.schedule, e.schedule.nextAfter(this.now()));
  }

  private arm(rule: RuleModel, schedule: Schedule, next: Date): void {
    const delay = Math.max(0, (next.getTime() - this.now().getTime()) / this.speedup);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // Long waits are cut to the timer maximum, and timers may wake a little early: wait on.
      if (this.now() < next) return this.arm(rule, schedule, next);
      this.fire(rule, next);
      this.arm(rule, schedule, schedule.nextAfter(next));
    }, Math.min(Math.ceil(delay), MAX_TIMER));
    timer.unref();
    this.timers.add(timer);
  }

  private fire(rule: RuleModel, at: Date): void {
    this.fired++;
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: LOCAL_REGION,
      resources: [rule.arn],
      detail: {},
    };
    this.log(`schedule: ${rule.logicalId} fired for ${event.time}`);
    this.bus.fire(rule, event);
  }

  stop(): void {
    this.started = false;
    this.disarm();
  }

  private disarm(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
