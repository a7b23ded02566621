/**
 * A ticket's life at the windows: waiting → called → serving → ended, recall
 * up to the number of calls, skip (missed), transfer back to waiting with
 * priority and arrival kept; every other action from every state refused.
 */
import { describe, expect, it } from 'vitest';
import { problemUri } from '#schemas/api/problems';
import type { TicketStatus } from '#schemas/api/queue';
import { HttpProblem } from '#shared/errors';
import { DEFAULT_CALLS_BEFORE_MISSED } from '#schemas/api/queue-defaults';
import { actOn, ticketTransitions, type AtWindow, type TicketRecord, type WindowAction } from '../../../functions/queue/lifecycle.ts';

const w1: AtWindow = { windowId: 'w1', windowName: '1号窗口', staffId: 'clerk-1', now: '2026-03-20T02:00:00.000Z' };
const later = (min: number): AtWindow => ({ ...w1, now: `2026-03-20T02:${String(min).padStart(2, '0')}:00.000Z` });
const waiting: TicketRecord = {
  ticketId: '20260320-01JTICKETAAAAAAAAAAAAAAAAA', ticketNo: 'A007', centerId: 'c', date: '2026-03-20', categoryCode: 'A', priority: 'green', source: 'kiosk',
  takenAt: '2026-03-20T01:30:00.000Z', codeHash: 'h', status: 'waiting', calls: 0, version: 1,
};

function refusal(f: () => unknown): HttpProblem {
  try {
    f();
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('a ticket\'s journey', () => {
  it('waiting → called (at the window, first call) → serving → ended, one version per change', () => {
    const called = actOn(waiting, 'call', w1);
    expect(called).toMatchObject({ status: 'called', calls: 1, windowId: 'w1', windowName: '1号窗口', staffId: 'clerk-1', calledAt: w1.now, firstCalledAt: w1.now, version: 2 });
    const recalled = actOn(called, 'recall', later(1));
    expect(recalled).toMatchObject({ status: 'called', calls: 2, calledAt: later(1).now, firstCalledAt: w1.now, version: 3 });
    const serving = actOn(recalled, 'start', later(2));
    expect(serving).toMatchObject({ status: 'serving', startedAt: later(2).now, version: 4 });
    const ended = actOn(serving, 'end', { ...later(9), visitId: 'v1' });
    expect(ended).toMatchObject({ status: 'ended', endedAt: later(9).now, visitId: 'v1', version: 5 });
    // What the ticket was taken as never changes.
    for (const t of [called, recalled, serving, ended]) expect(t).toMatchObject({ ticketNo: 'A007', priority: 'green', takenAt: waiting.takenAt, categoryCode: 'A' });
  });

  it(`recalls up to ${DEFAULT_CALLS_BEFORE_MISSED} calls in all when the category sets none, then only a skip: missed`, () => {
    let t = actOn(waiting, 'call', w1);
    for (let i = 2; i <= DEFAULT_CALLS_BEFORE_MISSED; i++) t = actOn(t, 'recall', w1);
    expect(t.calls).toBe(DEFAULT_CALLS_BEFORE_MISSED);
    const used = refusal(() => actOn(t, 'recall', w1));
    expect(used.type).toBe(problemUri('calls-used-up'));
    expect(actOn(t, 'skip', later(5))).toMatchObject({ status: 'missed', missedAt: later(5).now, calls: DEFAULT_CALLS_BEFORE_MISSED });
    // On demand, after the first call.
    expect(actOn(actOn(waiting, 'call', w1), 'skip', w1).status).toBe('missed');
  });

  it.each([1, 2, 4, 5])('a category of %i calls before missed: that many calls, then calls-used-up', (callsBeforeMissed) => {
    const at = { ...w1, callsBeforeMissed };
    let t = actOn(waiting, 'call', at);
    for (let i = 2; i <= callsBeforeMissed; i++) t = actOn(t, 'recall', at);
    expect(t.calls).toBe(callsBeforeMissed);
    expect(refusal(() => actOn(t, 'recall', at)).type).toBe(problemUri('calls-used-up'));
    expect(actOn(t, 'skip', at).status).toBe('missed');
  });

  it('a transfer puts the ticket back to waiting, priority and arrival kept, in the new category and/or for one window', () => {
    const serving = actOn(actOn(waiting, 'call', w1), 'start', later(1));
    const toB = actOn(serving, 'transfer', { ...later(2), transfer: { categoryCode: 'B' } });
    expect(toB).toMatchObject({ status: 'waiting', categoryCode: 'B', priority: 'green', takenAt: waiting.takenAt, calls: 0, transferredTo: { categoryCode: 'B' }, firstCalledAt: w1.now });
    expect(toB).not.toHaveProperty('windowId');
    expect(toB).not.toHaveProperty('startedAt');
    expect(toB).not.toHaveProperty('targetWindowId');
    const toW2 = actOn(actOn(waiting, 'call', w1), 'transfer', { ...later(2), transfer: { windowId: 'w2' } });
    expect(toW2).toMatchObject({ status: 'waiting', categoryCode: 'A', targetWindowId: 'w2' });
    // Called again at w2: its calls start again, and the target is spent.
    const atW2 = actOn(toW2, 'call', { ...later(3), windowId: 'w2', windowName: '2号窗口' });
    expect(atW2).toMatchObject({ status: 'called', calls: 1, windowId: 'w2', firstCalledAt: w1.now });
    expect(atW2).not.toHaveProperty('targetWindowId');
  });

  it('refuses an action on a ticket called to another window', () => {
    const called = actOn(waiting, 'call', w1);
    const other = { ...w1, windowId: 'w2' };
    for (const action of ['recall', 'skip', 'start', 'transfer'] as const) expect(refusal(() => actOn(called, action, other)).type, action).toBe(problemUri('wrong-state'));
  });
});

describe('the table: every action from every state it does not start from is wrong-state', () => {
  const states: TicketStatus[] = ['waiting', 'called', 'serving', 'ended', 'missed'];
  const cells = (Object.keys(ticketTransitions) as WindowAction[]).flatMap((action) => states.filter((s) => !ticketTransitions[action].from.includes(s)).map((s) => [action, s] as const));
  it.each(cells)('%s from %s', (action, status) => {
    const t: TicketRecord = { ...waiting, status, windowId: 'w1' };
    expect(refusal(() => actOn(t, action, { ...w1, transfer: { categoryCode: 'B' } })).type).toBe(problemUri('wrong-state'));
  });
  it('lists each action\'s way', () => {
    expect(Object.fromEntries(Object.entries(ticketTransitions).map(([a, t]) => [a, `${t.from.join('|')}→${t.to}:${t.event}`]))).toEqual({
      call: 'waiting→called:TicketCalled', recall: 'called→called:TicketRecalled', skip: 'called→missed:TicketMissed',
      transfer: 'called|serving→waiting:TicketTransferred', start: 'called→serving:ServiceStarted', end: 'serving→ended:VisitEnded',
    });
  });
});
