/**
 * The monthly queue counters: what each event of the queue adds and to which
 * rows, what counts nothing, the figures a month's rows answer (whole center
 * or one department), and the consumer's refusal of events it does not count.
 */
import { describe, expect, it } from 'vitest';
import type { QueueEventData } from '#schemas/events/queue';
import { parse } from '../../../functions/queue/stats/counting.ts';
import { countChangeOf, countsOf, monthFigures, type CountedEvent } from '../../../functions/queue/stats/rules.ts';
import { InvalidEventError } from '#shared/invalid-event';

const ticket = { ticketId: '20260331-01JAAAAAAAAAAAAAAAAAAAAAAA', ticketNo: 'A007', categoryCode: 'A', date: '2026-03-31', waiting: [{ categoryCode: 'A', count: 2 }] };
const ev = <T extends CountedEvent['type']>(type: T, data: Omit<QueueEventData[T], keyof typeof ticket>) =>
  ({ type, centerId: 'c1', actorId: 'clerk-sub', data: { ...ticket, ...data } }) as unknown as CountedEvent;
const rowsOf = (e: CountedEvent, served?: string[]) => countChangeOf(e, served)?.rows.map((r) => `${r.dimension}:${r.id}`);
const called = { windowId: 'w1', windowName: '1号窗口', calls: 1, calledAt: '2026-03-31T02:00:00.000Z' };
const visit = {
  visitId: 'v1', windowId: 'w1', windowName: '1号窗口', staffId: 'clerk-2', departmentIds: ['amr', 'tax'], itemCodes: ['I1', 'I2'], caseNos: [], codeHash: 'x'.repeat(43),
  calledAt: '2026-03-31T02:00:00.000Z', startedAt: '2026-03-31T02:01:00.000Z', endedAt: '2026-03-31T02:08:30.000Z',
};

describe('what each event counts', () => {
  it('a ticket taken: taken on the center and its category, in the month of the ticket\'s day', () => {
    const change = countChangeOf(ev('TicketIssued', { priority: 'normal', source: 'kiosk', takenAt: '2026-03-31T01:00:00.000Z', ahead: 0 }));
    expect(change).toEqual({ month: '2026-03', delta: { taken: 1 }, rows: [{ dimension: 'center', id: 'c1' }, { dimension: 'category', id: 'A' }] });
  });

  it('the first call: its wait on the center, category, window and the clerk; a recall or a call after a transfer counts nothing', () => {
    const first = ev('TicketCalled', { ...called, waitSeconds: 95 });
    expect(countChangeOf(first)?.delta).toEqual({ waitSum: 95, waitCount: 1 });
    expect(rowsOf(first)).toEqual(['center:c1', 'category:A', 'window:w1', 'staff:clerk-sub']);
    expect(countChangeOf(ev('TicketCalled', called))).toBeUndefined();
    expect(countChangeOf(ev('TicketCalled', { ...called, calls: 0, waitSeconds: 0 }))?.delta).toEqual({ waitSum: 0, waitCount: 1 });
  });

  it('a miss and a transfer: on the category and window the ticket left, and the clerk', () => {
    const missed = ev('TicketMissed', { windowId: 'w1', windowName: '1号窗口', calls: 3, missedAt: '2026-03-31T02:05:00.000Z' });
    expect(countChangeOf(missed)?.delta).toEqual({ missed: 1 });
    expect(rowsOf(missed)).toEqual(['center:c1', 'category:A', 'window:w1', 'staff:clerk-sub']);
    const moved = ev('TicketTransferred', { fromCategoryCode: 'B', fromWindowId: 'w2', fromWindowName: '2号窗口', toWindowId: 'w3', transferredAt: '2026-03-31T02:05:00.000Z' });
    expect(countChangeOf(moved)?.delta).toEqual({ transferred: 1 });
    expect(rowsOf(moved)).toEqual(['center:c1', 'category:B', 'window:w2', 'staff:clerk-sub']);
  });

  it('a visit: served and its service seconds, on the serving clerk and each department of the items served (else the window\'s first)', () => {
    const ended = ev('VisitEnded', visit);
    expect(countChangeOf(ended, ['tax'])?.delta).toEqual({ served: 1, serviceSum: 450, serviceCount: 1 });
    expect(rowsOf(ended, ['tax', 'health', 'tax'])).toEqual(['center:c1', 'category:A', 'window:w1', 'staff:clerk-2', 'department:tax', 'department:health']);
    expect(rowsOf(ended)).toEqual(['center:c1', 'category:A', 'window:w1', 'staff:clerk-2', 'department:amr']);
  });
});

describe('the month\'s figures', () => {
  const rows = [
    { dimension: 'center', id: 'c1', counters: { taken: 10, served: 4, missed: 1, waitSum: 600, waitCount: 7, serviceSum: 1000, serviceCount: 4 } },
    { dimension: 'category', id: 'B', counters: { taken: 3 } },
    { dimension: 'category', id: 'A', counters: { taken: 7, served: 4 } },
    { dimension: 'window', id: 'w1', counters: { served: 4, serviceSum: 1000, serviceCount: 4 } },
    { dimension: 'staff', id: 'clerk-2', counters: { served: 4 } },
    { dimension: 'department', id: 'amr', counters: { served: 3, serviceSum: 700, serviceCount: 3 } },
    { dimension: 'department', id: 'tax', counters: { served: 1, serviceSum: 300, serviceCount: 1 } },
  ] as const;

  it('sums, counts and rounded means; no sample: a null mean', () => {
    expect(countsOf(rows[0].counters)).toEqual({ taken: 10, served: 4, missed: 1, transferred: 0, waitSeconds: { sum: 600, count: 7, mean: 86 }, serviceSeconds: { sum: 1000, count: 4, mean: 250 } });
    expect(countsOf({}).waitSeconds).toEqual({ sum: 0, count: 0, mean: null });
  });

  it('the whole center: every row, each kind by id', () => {
    const f = monthFigures('c1', '2026-03', rows);
    expect(f.center?.taken).toBe(10);
    expect(f.categories.map((c) => c.categoryCode)).toEqual(['A', 'B']);
    expect(f.windows.map((w) => w.windowId)).toEqual(['w1']);
    expect(f.staff.map((s) => s.staffId)).toEqual(['clerk-2']);
    expect(f.departments.map((d) => d.departmentId)).toEqual(['amr', 'tax']);
  });

  it('one department: its row alone, no center, category, window or clerk rows', () => {
    expect(monthFigures('c1', '2026-03', rows, 'tax')).toEqual({
      centerId: 'c1', month: '2026-03', categories: [], windows: [], staff: [],
      departments: [{ departmentId: 'tax', counts: countsOf(rows[6].counters) }],
    });
    expect(monthFigures('c1', '2026-03', [], 'amr')).toEqual({ centerId: 'c1', month: '2026-03', categories: [], windows: [], staff: [], departments: [] });
  });
});

describe('the consumer\'s check', () => {
  const detail = { eventId: '01JAAAAAAAAAAAAAAAAAAAAAAB', centerId: 'c1', occurredAt: '2026-03-31T02:00:00.000Z', actor: { id: 'clerk-sub', role: 'clerk' }, subject: { type: 'ticket', id: ticket.ticketId }, version: 1 };
  const event = (source: string, type: string, data: unknown) => ({ id: 'x', source, 'detail-type': type, detail: { ...detail, data } }) as never;

  it('takes a counted event of the queue, refuses another type, source or a detail off its schema', () => {
    expect(parse(event('onestop.queue', 'TicketMissed', { ...ticket, windowId: 'w1', windowName: '1号窗口', calls: 3, missedAt: detail.occurredAt }))).toMatchObject({ type: 'TicketMissed', eventId: '01JAAAAAAAAAAAAAAAAAAAAAAB', actorId: 'clerk-sub' });
    expect(() => parse(event('onestop.queue', 'ServiceStarted', { ...ticket, windowId: 'w1', windowName: '1号窗口', startedAt: detail.occurredAt }))).toThrow(InvalidEventError);
    expect(() => parse(event('onestop.cases', 'TicketMissed', {}))).toThrow(InvalidEventError);
    expect(() => parse(event('onestop.queue', 'TicketMissed', { ...ticket, windowId: 'w1' }))).toThrow(/does not match its schema/);
  });
});
