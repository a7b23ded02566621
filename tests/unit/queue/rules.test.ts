/**
 * The queue's pure rules: calling order (appointment, green, normal, then
 * arrival), which tickets a window may call, numbering, tickets ahead, the
 * estimated wait, percentiles, the day's figures and the board's windows.
 */
import { describe, expect, it } from 'vitest';
import type { TicketRecord } from '../../../functions/queue/lifecycle.ts';
import {
  aheadOf, callableAt, codeHashOf, dayFigures, slipMatches, dayIn, estimatedWaitSeconds, newTicketCode, percentile, ticketNoOf, waitingCounts, windowStates, windowsOf, type WaitingEntry,
} from '../../../functions/queue/rules.ts';

const at = (minute: number, second = 0) => `2026-03-20T01:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000Z`;
const waiting = (ticketId: string, priority: WaitingEntry['priority'], minute: number, categoryCode = 'A', targetWindowId?: string): WaitingEntry => ({
  ticketId, categoryCode, priority, takenAt: at(minute), version: 1, ...(targetWindowId ? { targetWindowId } : {}),
});

describe('calling order', () => {
  it('calls appointments, then green, then normal; within a priority by arrival; the id breaks a tie of the same instant', () => {
    const list = [
      waiting('n1', 'normal', 1), waiting('g2', 'green', 5), waiting('a3', 'appointment', 9), waiting('n0', 'normal', 0),
      waiting('g1', 'green', 2), waiting('n2b', 'normal', 1), waiting('a1', 'appointment', 10),
    ];
    expect(callableAt('w1', new Set(['A']), list).map((t) => t.ticketId)).toEqual(['a3', 'a1', 'g1', 'g2', 'n0', 'n1', 'n2b']);
  });

  it('a window calls the categories it serves and the tickets transferred to it, never those transferred to another window', () => {
    const list = [
      waiting('a', 'normal', 1, 'A'), waiting('b', 'normal', 2, 'B'), waiting('c', 'normal', 3, 'C'),
      waiting('toMe', 'normal', 4, 'C', 'w1'), waiting('toOther', 'normal', 0, 'A', 'w2'),
    ];
    expect(callableAt('w1', new Set(['A', 'B']), list).map((t) => t.ticketId)).toEqual(['a', 'b', 'toMe']);
    expect(callableAt('w2', new Set(['C']), list).map((t) => t.ticketId)).toEqual(['toOther', 'c']);
    expect(callableAt('w3', new Set(), list)).toEqual([]);
  });

  it('counts ahead only the same category\'s tickets called before', () => {
    const list = [waiting('n1', 'normal', 1), waiting('n2', 'normal', 2), waiting('g1', 'green', 3), waiting('b1', 'normal', 0, 'B')];
    expect(aheadOf(waiting('me', 'normal', 4), list)).toBe(3);
    expect(aheadOf(waiting('meGreen', 'green', 4), list)).toBe(1);
    expect(aheadOf(waiting('meAppt', 'appointment', 4), list)).toBe(0);
    // The ticket itself, listed already, is not ahead of itself.
    expect(aheadOf(list[1]!, list)).toBe(2);
  });
});

describe('numbering and slips', () => {
  it('numbers a category\'s day A001 … A999, then A1000', () => {
    expect([1, 9, 10, 99, 100, 999, 1000].map((n) => ticketNoOf('A', n))).toEqual(['A001', 'A009', 'A010', 'A099', 'A100', 'A999', 'A1000']);
  });

  it('prints a 6-digit code; keeps a hash bound to the ticket', () => {
    const codes = Array.from({ length: 200 }, newTicketCode);
    for (const c of codes) expect(c).toMatch(/^[0-9]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
    expect(codeHashOf('t1', '123456')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeHashOf('t1', '123456')).not.toBe(codeHashOf('t2', '123456'));
    expect(slipMatches(codeHashOf('t1', '123456'), 't1', '123456')).toBe(true);
    expect([slipMatches(codeHashOf('t1', '123456'), 't1', '123457'), slipMatches(codeHashOf('t1', '123456'), 't2', '123456'), slipMatches(undefined, 't1', '123456')]).toEqual([false, false, false]);
  });

  it('dates a ticket by the center\'s day, not UTC\'s', () => {
    expect(dayIn('Asia/Shanghai', '2026-03-20T16:30:00.000Z')).toBe('2026-03-21');
    expect(dayIn('UTC', '2026-03-20T16:30:00.000Z')).toBe('2026-03-20');
  });

  it('counts the waiting of every known category, zero included, and of any other still waiting', () => {
    expect(waitingCounts(['B', 'A'], [{ categoryCode: 'A' }, { categoryCode: 'A' }, { categoryCode: 'C' }])).toEqual([
      { categoryCode: 'A', count: 2 }, { categoryCode: 'B', count: 0 }, { categoryCode: 'C', count: 1 },
    ]);
  });
});

describe('percentiles and the estimated wait', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 90)).toBe(90);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('is null before the day\'s first ended service; else median × ahead ÷ windows', () => {
    expect(estimatedWaitSeconds([], 5, 2)).toBeNull();
    expect(estimatedWaitSeconds([300, 100, 200], 4, 2)).toBe(400);
    expect(estimatedWaitSeconds([300], 0, 1)).toBe(0);
    expect(estimatedWaitSeconds([100], 3, 0)).toBe(300);
  });
});

describe('the day\'s figures', () => {
  const ticket = (over: Partial<TicketRecord>): TicketRecord => ({
    ticketId: 'x', ticketNo: 'A001', centerId: 'c', date: '2026-03-20', categoryCode: 'A', priority: 'normal', source: 'kiosk',
    takenAt: at(0), codeHash: 'h', status: 'waiting', calls: 0, version: 1, ...over,
  });
  it('per category and window: taken, served, waiting, missed; wait from taking to the first call, service from start to end', () => {
    const tickets = [
      ticket({ ticketId: '1', status: 'ended', windowId: 'w1', firstCalledAt: at(1), startedAt: at(2), endedAt: at(7) }),
      ticket({ ticketId: '2', status: 'ended', windowId: 'w1', firstCalledAt: at(3), startedAt: at(4), endedAt: at(6) }),
      ticket({ ticketId: '3', status: 'missed', windowId: 'w2', firstCalledAt: at(10) }),
      ticket({ ticketId: '4', status: 'waiting' }),
      ticket({ ticketId: '5', categoryCode: 'B', status: 'serving', windowId: 'w2', firstCalledAt: at(0, 30), startedAt: at(1) }),
    ];
    const f = dayFigures('c', '2026-03-20', tickets);
    expect(f.categories).toEqual([
      { code: 'A', taken: 4, waiting: 1, served: 2, missed: 1, waitSeconds: { p50: 180, p90: 600 }, serviceSeconds: { p50: 120, p90: 300 } },
      { code: 'B', taken: 1, waiting: 0, served: 0, missed: 0, waitSeconds: { p50: 30, p90: 30 }, serviceSeconds: null },
    ]);
    expect(f.windows).toEqual([
      { windowId: 'w1', called: 2, served: 2, missed: 0, waitSeconds: { p50: 60, p90: 180 }, serviceSeconds: { p50: 120, p90: 300 } },
      { windowId: 'w2', called: 2, served: 0, missed: 1, waitSeconds: { p50: 30, p90: 600 }, serviceSeconds: null },
    ]);
    expect(dayFigures('c', '2026-03-20', [])).toEqual({ centerId: 'c', date: '2026-03-20', categories: [], windows: [] });
  });
});

describe('the board\'s windows', () => {
  const named = new Map([['w1', '1号窗口'], ['w2', '2号窗口'], ['w3', '3号窗口']]);
  const t = (windowId: string, status: TicketRecord['status'], ticketNo: string, minute: number) => ({ windowId, windowName: `${windowId}名`, status, ticketNo, calledAt: at(minute) });

  it('the windows of every category once, by id', () => {
    expect(windowsOf([{ windowIds: ['w3', 'w1'] }, { windowIds: ['w1', 'w2'] }])).toEqual(['w1', 'w2', 'w3']);
  });

  it('calling or serving its latest ticket still at the window, else idle: a ticket number only then', () => {
    const states = windowStates(['w1', 'w2', 'w3'], named, [t('w1', 'called', 'A001', 1), t('w1', 'serving', 'A002', 3), t('w2', 'called', 'B001', 2), t('w9', 'serving', 'C001', 2)]);
    expect(states).toEqual([
      { windowId: 'w1', windowName: 'w1名', state: 'serving', ticketNo: 'A002' },
      { windowId: 'w2', windowName: 'w2名', state: 'calling', ticketNo: 'B001' },
      { windowId: 'w3', windowName: '3号窗口', state: 'idle' },
    ]);
    // A ticket that left the window (ended, missed) shows nothing, whatever the index still had.
    expect(windowStates(['w1'], named, [t('w1', 'ended', 'A001', 1)])).toEqual([{ windowId: 'w1', windowName: '1号窗口', state: 'idle' }]);
    expect(windowStates(['w4'], named, [])).toEqual([{ windowId: 'w4', windowName: 'w4', state: 'idle' }]);
  });
});
