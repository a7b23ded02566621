/**
 * Emulated time: the clock's offset, its refusal to go back, and what a real
 * sandbox sees — a worker running the local runtime's worker.mjs on a tiny
 * bundle — before and after the clock moves.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClockError, LocalClock } from '../../../local/lambda/clock.ts';
import { LambdaRuntime } from '../../../local/lambda/runtime.ts';
import type { FunctionModel } from '../../../local/template.ts';

const DAY = 86_400_000;

describe('LocalClock', () => {
  it('starts at the real time and moves forward by an instant or an amount', () => {
    const clock = new LocalClock();
    expect(clock.offsetMs).toBe(0);
    const target = new Date(Date.now() + 10 * DAY);
    clock.setTo(target);
    expect(Math.abs(clock.now().getTime() - target.getTime())).toBeLessThan(1_000);
    clock.advanceBy(DAY);
    expect(clock.offsetMs).toBeGreaterThan(11 * DAY - 1_000);
  });
  it('never goes back, and refuses what is not an instant or a positive amount', () => {
    const clock = new LocalClock();
    clock.setTo(new Date(Date.now() + DAY));
    expect(() => clock.setTo(new Date(Date.now() + DAY / 2))).toThrow(ClockError);
    expect(() => clock.setTo(new Date(Number.NaN))).toThrow(ClockError);
    expect(() => clock.advanceBy(0)).toThrow(ClockError);
    expect(clock.offsetMs).toBeGreaterThan(DAY - 1_000);
  });
  it('tells its listeners of each jump', () => {
    const clock = new LocalClock();
    let jumps = 0;
    clock.onJump(() => jumps++);
    clock.advanceBy(1_000);
    clock.advanceBy(1_000);
    expect(jumps).toBe(2);
  });
});

const source = `
const Before = Date;
export const handler = async (event, context) => {
  const d = new Date();
  return {
    now: Date.now(), created: d.getTime(), called: Date(), fixed: new Date(0).toISOString(), parsed: Date.parse('2030-01-01T00:00:00Z'),
    utc: Date.UTC(2030, 0, 1), isDate: d instanceof Date, fixedIsDate: new Date(5) instanceof Date, sameClass: Before === Date,
    remaining: context.getRemainingTimeInMillis(),
  };
};`;

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
  type Out = { now: number; created: number; called: string; fixed: string; parsed: number; utc: number; isDate: boolean; fixedIsDate: boolean; sameClass: boolean; remaining: number };

  it('sees the real time at offset 0, and 30 days later in the same warm sandbox once the clock moves, with Date otherwise unchanged', async () => {
    const before = (await runtime.invoke('Fn', {})) as Out;
    expect(Math.abs(before.now - Date.now())).toBeLessThan(2_000);
    clock.advanceBy(30 * DAY);
    const after = (await runtime.invoke('Fn', {})) as Out;
    expect(after.now - Date.now()).toBeGreaterThan(30 * DAY - 2_000);
    expect(after.created - Date.now()).toBeGreaterThan(30 * DAY - 2_000);
    expect(Date.parse(after.called) - Date.now()).toBeGreaterThan(30 * DAY - 3_000);
    expect(after).toMatchObject({ fixed: '1970-01-01T00:00:00.000Z', parsed: Date.UTC(2030, 0, 1), utc: Date.UTC(2030, 0, 1), isDate: true, fixedIsDate: true, sameClass: true });
    // The invocation's deadline stays in real time: 3 s from now, not 30 days ago.
    expect(after.remaining).toBeGreaterThan(2_000);
    expect(after.remaining).toBeLessThanOrEqual(3_000);
  });
});
