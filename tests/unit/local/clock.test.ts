/**
 * Emulated time: the clock's offset and its refusal to go back, the
 * /local/clock endpoints, what a real sandbox sees (a worker running the local
 * runtime's worker.mjs on a tiny bundle) before and after the clock moves, and
 * the scheduler re-armed by a jump (on fake timers: days pass in no time).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClockError, LocalClock } from '../../../local/lambda/clock.ts';
import { LambdaRuntime } from '../../../local/lambda/runtime.ts';
import { localEndpoints, type LocalEndpointDeps } from '../../../local/local-endpoints.ts';
import { Scheduler } from '../../../local/bus/scheduler.ts';
import type { EventEnvelope, LocalBus } from '../../../local/bus/bus.ts';
import type { FunctionModel, RuleModel } from '../../../local/template.ts';

const DAY = 86_400_000;

describe('LocalClock', () => {
  it('starts at the real time, moves to an instant, and advances by exactly the amount given', () => {
    const clock = new LocalClock();
    expect(clock.offsetMs).toBe(0);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(50);
    const target = new Date(Date.now() + 10 * DAY);
    clock.setTo(target);
    expect(Math.abs(clock.now().getTime() - target.getTime())).toBeLessThan(50);
    const offset = clock.offsetMs;
    clock.advanceBy(DAY);
    expect(clock.offsetMs).toBe(offset + DAY);
  });

  it('keeps the offset where another thread reads it: in its shared buffer', () => {
    const clock = new LocalClock();
    clock.advanceBy(12_345);
    expect(new BigInt64Array(clock.buffer)[0]).toBe(12_345n);
  });

  it('never goes back, and refuses what is not an instant or a positive whole amount, leaving the offset as it was', () => {
    const clock = new LocalClock();
    clock.advanceBy(DAY);
    expect(() => clock.setTo(new Date(Date.now() + DAY / 2))).toThrow(/time does not go back/);
    expect(() => clock.setTo(new Date(Number.NaN))).toThrow(ClockError);
    expect(() => clock.advanceBy(0)).toThrow(ClockError);
    expect(() => clock.advanceBy(-1)).toThrow(ClockError);
    expect(() => clock.advanceBy(1.5)).toThrow(ClockError);
    expect(() => clock.advanceBy(9e15)).toThrow(/range of dates/);
    expect(clock.offsetMs).toBe(DAY);
  });

  it('tells its listeners of each jump, and of no refused one', () => {
    const clock = new LocalClock();
    let jumps = 0;
    clock.onJump(() => jumps++);
    clock.advanceBy(1_000);
    clock.setTo(new Date(Date.now() + 5_000));
    expect(() => clock.setTo(new Date(0))).toThrow(ClockError);
    expect(jumps).toBe(2);
  });
});

describe('GET and POST /local/clock', () => {
  const clock = new LocalClock();
  // The clock routes read nothing else of the local cloud.
  const handle = localEndpoints({ clock } as unknown as LocalEndpointDeps);
  const call = async (method: string, body?: unknown) => {
    const res = await handle(method, '/local/clock', Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)));
    return { status: res!.status, body: JSON.parse(res!.body!.toString()) as { now?: string; offsetMs?: number; message?: string } };
  };

  it('answers the emulated now and the offset', async () => {
    const res = await call('GET');
    expect(res.status).toBe(200);
    expect(res.body.offsetMs).toBe(clock.offsetMs);
    expect(Math.abs(Date.parse(res.body.now!) - clock.now().getTime())).toBeLessThan(50);
  });

  it('moves to an instant given with its offset, or by an amount, and answers where it is', async () => {
    const at = new Date(Date.now() + 10 * DAY);
    // The same instant written in UTC+08:00.
    const local = new Date(at.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const moved = await call('POST', { at: local });
    expect(moved.status).toBe(200);
    expect(Math.abs(Date.parse(moved.body.now!) - at.getTime())).toBeLessThan(50);
    expect(moved.body.offsetMs).toBe(clock.offsetMs);
    const advanced = await call('POST', { advanceMs: DAY });
    expect(advanced.status).toBe(200);
    expect(advanced.body.offsetMs).toBe(moved.body.offsetMs! + DAY);
  });

  it('refuses going back with 400 and a message, and keeps the time', async () => {
    const before = clock.offsetMs;
    const res = await call('POST', { at: new Date().toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/time does not go back/);
    expect(clock.offsetMs).toBe(before);
  });

  it.each([
    ['not JSON', '{'],
    ['neither field', {}],
    ['both fields', { at: '2099-01-01T00:00:00Z', advanceMs: 1 }],
    ['a local time without offset', { at: '2099-01-01T00:00:00' }],
    ['no such date', { at: '2099-13-01T00:00:00Z' }],
    ['a negative amount', { advanceMs: -1 }],
    ['an amount as a string', { advanceMs: '1000' }],
  ])('refuses %s with 400', async (_, body) => {
    const before = clock.offsetMs;
    const res = await call('POST', body);
    expect(res.status).toBe(400);
    expect(typeof res.body.message).toBe('string');
    expect(clock.offsetMs).toBe(before);
  });
});

const source = `
const Before = Date;
class Stamp extends Date {
  kind() { return 'stamp'; }
}
export const handler = async (event, context) => {
  const d = new Date();
  const s = new Stamp();
  return {
    now: Date.now(), iso: d.toISOString(), called: Date(), fixed: new Date(0).toISOString(), parsed: Date.parse('2030-01-01T00:00:00Z'),
    utc: Date.UTC(2030, 0, 1), isDate: d instanceof Date, fixedIsDate: new Date(5) instanceof Date, tag: Object.prototype.toString.call(d),
    sameClass: Before === Date, proto: Object.getPrototypeOf(d) === Date.prototype, name: Date.name, length: Date.length,
    subclass: s instanceof Stamp && s instanceof Date && s.kind() === 'stamp', subclassAt: s.getTime(), subclassNow: Stamp.now(),
    skewCorrectionOff: process.env.AWS_DISABLE_CLOCK_SKEW_CORRECTION ?? null,
    remaining: context.getRemainingTimeInMillis(),
  };
};`;

type Out = {
  now: number; iso: string; called: string; fixed: string; parsed: number; utc: number; isDate: boolean; fixedIsDate: boolean; tag: string;
  sameClass: boolean; proto: boolean; name: string; length: number; subclass: boolean; subclassAt: number; subclassNow: number;
  skewCorrectionOff: string | null; remaining: number;
};

describe('a sandbox on emulated time', () => {
  let dir: string;
  let runtime: LambdaRuntime;
  const clock = new LocalClock();
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'clock-test-'));
    mkdirSync(path.join(dir, 'asset'));
    writeFileSync(path.join(dir, 'asset', 'index.mjs'), source);
    const fn: FunctionModel = {
      logicalId: 'Fn', name: 'Fn', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Fn', assetDir: path.join(dir, 'asset'), handlerFile: 'index.mjs',
      handlerExport: 'handler', environment: {}, timeoutSeconds: 3, memoryMb: 128, runtime: 'nodejs24.x',
    };
    runtime = new LambdaRuntime([fn], { baseEnv: {}, logDir: path.join(dir, 'logs'), clock: clock.buffer });
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What Date is, whatever the offset: the real one's behaviour for everything but the current time. */
  const unchanged = {
    fixed: '1970-01-01T00:00:00.000Z', parsed: Date.UTC(2030, 0, 1), utc: Date.UTC(2030, 0, 1), isDate: true, fixedIsDate: true, tag: '[object Date]',
    sameClass: true, proto: true, name: 'Date', length: 7, subclass: true, skewCorrectionOff: 'true',
  };

  it('sees the real time at offset 0', async () => {
    const out = (await runtime.invoke('Fn', {})) as Out;
    const real = Date.now();
    expect(out).toMatchObject(unchanged);
    for (const t of [out.now, Date.parse(out.iso), out.subclassAt, out.subclassNow]) expect(Math.abs(t - real)).toBeLessThan(2_000);
    expect(Math.abs(Date.parse(out.called) - real)).toBeLessThan(3_000);
  });

  it('sees 30 days later in the same warm sandbox once the clock moves, the deadline still in real time', async () => {
    clock.advanceBy(30 * DAY);
    const out = (await runtime.invoke('Fn', {})) as Out;
    const ahead = Date.now() + 30 * DAY;
    expect(out).toMatchObject(unchanged);
    for (const t of [out.now, Date.parse(out.iso), out.subclassAt, out.subclassNow]) expect(Math.abs(t - ahead)).toBeLessThan(2_000);
    expect(Math.abs(Date.parse(out.called) - ahead)).toBeLessThan(3_000);
    // 3 s from the invocation's start, not 30 days ago.
    expect(out.remaining).toBeGreaterThan(2_000);
    expect(out.remaining).toBeLessThanOrEqual(3_000);
  });
});

describe('the scheduler on emulated time', () => {
  const START = Date.parse('2030-03-04T10:02:00Z');
  const everyFive: RuleModel = {
    logicalId: 'Watch', arn: 'arn:aws:events:us-east-1:000000000000:rule/Watch', busName: 'default',
    scheduleExpression: 'cron(0/5 * * * ? *)', enabled: true, targets: [],
  };
  let fired: string[];
  const bus = { fire: (_rule: RuleModel, event: EventEnvelope) => fired.push(event.time) } as unknown as LocalBus;
  let scheduler: Scheduler | undefined;

  beforeEach(() => {
    fired = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: START });
  });
  afterEach(() => {
    scheduler?.stop();
    vi.useRealTimers();
  });

  it('after a jump, fires once at the next instant after the new time, with that time, not for each instant skipped', () => {
    const clock = new LocalClock();
    scheduler = new Scheduler([everyFive], bus, 1, () => {}, clock);
    scheduler.start();
    // 10:03 ten days later: the timer armed for 10:05 today (3 min away) must not fire for it.
    clock.advanceBy(10 * DAY + 60_000);
    vi.advanceTimersByTime(150_000);
    expect(fired).toEqual(['2030-03-14T10:05:00Z']);
    vi.advanceTimersByTime(60_000);
    expect(fired).toEqual(['2030-03-14T10:05:00Z']);
    vi.advanceTimersByTime(5 * 60_000);
    expect(fired).toEqual(['2030-03-14T10:05:00Z', '2030-03-14T10:10:00Z']);
  });

  it('adds the offset to its sped-up time', () => {
    const clock = new LocalClock();
    scheduler = new Scheduler([everyFive], bus, 60, () => {}, clock);
    scheduler.start();
    clock.advanceBy(DAY);
    // 10:02 tomorrow: 10:05 is 3 virtual minutes away, 3 real seconds at 60×.
    vi.advanceTimersByTime(2_900);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual(['2030-03-05T10:05:00Z']);
    expect(scheduler.now().getTime()).toBe(START + DAY + 3_100 * 60);
  });

  it('stays stopped when the clock jumps after stop()', () => {
    const clock = new LocalClock();
    scheduler = new Scheduler([everyFive], bus, 1, () => {}, clock);
    scheduler.start();
    scheduler.stop();
    clock.advanceBy(DAY);
    vi.advanceTimersByTime(60 * 60_000);
    expect(fired).toEqual([]);
  });
});
