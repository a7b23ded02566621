/**
 * What the hall's displays are told (functions/hall/messages.ts): a call or
 * recall shows its ticket and window; an event that changes what a window
 * does tells the window's state (calling, serving, idle); every ticket event
 * the counts; nothing else of an event reaches a screen; a window terminal
 * hears its own window's calls and state only.
 */
import { describe, expect, it } from 'vitest';
import { HallMessage } from '#schemas/api/hall';
import type { QueueEventData } from '#schemas/events/queue';
import { schemaErrors } from '#shared/validate';
import { hallTrigger, hears, isHallEvent, messagesOf, windowChangeOf, type HallEvent } from '../../../functions/hall/messages.ts';

const waiting = [{ categoryCode: 'A', count: 3 }, { categoryCode: 'B', count: 0 }];
const ticket = { ticketId: '01JT0000000000000000000000', ticketNo: 'A007', categoryCode: 'A', date: '2026-03-02', waiting };
const called: QueueEventData['TicketCalled'] = { ...ticket, windowId: 'a03', windowName: 'A区3号 市场监管综合窗口', calls: 1, calledAt: '2026-03-02T01:02:03.000Z' };
const visit: QueueEventData['VisitEnded'] = {
  ...ticket, visitId: 'v1', windowId: 'a03', windowName: '3号窗口', staffId: 'clerk.amr', departmentIds: ['amr'], itemCodes: ['X1'], caseNos: ['C1'], applicantId: '01JT0000000000000000000001',
  codeHash: 'a'.repeat(43), calledAt: called.calledAt, startedAt: called.calledAt, endedAt: '2026-03-02T01:12:03.000Z',
};

const window = { type: 'window', windowId: 'a03' } as const;
const started: QueueEventData['ServiceStarted'] = { ...ticket, windowId: 'a03', windowName: 'A区3号 市场监管综合窗口', startedAt: '2026-03-02T01:03:00.000Z' };
const missed: QueueEventData['TicketMissed'] = { ...ticket, windowId: 'a03', windowName: '3号窗口', calls: 3, missedAt: '2026-03-02T01:05:00.000Z' };
const transferred: QueueEventData['TicketTransferred'] = {
  ...ticket, categoryCode: 'B', fromCategoryCode: 'A', fromWindowId: 'a03', fromWindowName: '3号窗口', toWindowId: 'b01', transferredAt: '2026-03-02T01:06:00.000Z',
};
const issued: QueueEventData['TicketIssued'] = { ...ticket, priority: 'normal', source: 'kiosk', takenAt: '2026-03-02T01:00:00.000Z', ahead: 2 };

describe('messagesOf', () => {
  it('a call: the ticket at its window with its call count, the window calling it, then the waiting counts', () => {
    const messages = messagesOf({ detailType: 'TicketCalled', data: called });
    expect(messages).toEqual([
      { type: 'called', ticketNo: 'A007', windowId: 'a03', windowName: 'A区3号 市场监管综合窗口', calledAt: '2026-03-02T01:02:03.000Z', calls: 1 },
      { ...window, windowName: 'A区3号 市场监管综合窗口', state: 'calling', ticketNo: 'A007', since: '2026-03-02T01:02:03.000Z' },
      { type: 'waiting', waiting },
    ]);
    for (const m of messages) expect(schemaErrors(HallMessage, m)).toEqual([]);
  });

  it('a recall is a call with its count, and the window calls the ticket again from the recall\'s instant', () => {
    const recalled = { ...called, calls: 2, calledAt: '2026-03-02T01:03:03.000Z' };
    const [call, state] = messagesOf({ detailType: 'TicketRecalled', data: recalled });
    expect(call).toMatchObject({ type: 'called', ticketNo: 'A007', calls: 2 });
    expect(state).toMatchObject({ ...window, state: 'calling', ticketNo: 'A007', since: '2026-03-02T01:03:03.000Z' });
  });

  it('a start: the window serves the ticket, named as the event names it; no call', () => {
    const messages = messagesOf({ detailType: 'ServiceStarted', data: started });
    expect(messages).toEqual([
      { ...window, windowName: 'A区3号 市场监管综合窗口', state: 'serving', ticketNo: 'A007', since: '2026-03-02T01:03:00.000Z' },
      { type: 'waiting', waiting },
    ]);
    for (const m of messages) expect(schemaErrors(HallMessage, m)).toEqual([]);
  });

  it('an end, a miss, a transfer away: the window is idle, with no ticket', () => {
    const cases: [HallEvent, string][] = [
      [{ detailType: 'VisitEnded', data: visit }, visit.endedAt],
      [{ detailType: 'TicketMissed', data: missed }, missed.missedAt],
      [{ detailType: 'TicketTransferred', data: transferred }, transferred.transferredAt],
    ];
    for (const [event, since] of cases) {
      const messages = messagesOf(event);
      expect(messages, event.detailType).toEqual([{ ...window, windowName: '3号窗口', state: 'idle', since }, { type: 'waiting', waiting }]);
      for (const m of messages) expect(schemaErrors(HallMessage, m)).toEqual([]);
    }
  });

  it('a transfer idles the window it leaves, not the window it goes to (that one calls it when its turn comes)', () => {
    expect(windowChangeOf({ detailType: 'TicketTransferred', data: transferred })).toMatchObject({ windowId: 'a03', state: 'idle' });
  });

  it('a ticket taken: the counts only', () => {
    expect(messagesOf({ detailType: 'TicketIssued', data: issued })).toEqual([{ type: 'waiting', waiting }]);
  });

  it('nothing of the visit (staff, applicant, cases, code, visit id) reaches a screen', () => {
    const text = JSON.stringify(messagesOf({ detailType: 'VisitEnded', data: visit }));
    for (const secret of ['clerk.amr', visit.applicantId!, 'C1', visit.codeHash, 'v1', 'amr']) expect(text).not.toContain(secret);
  });

  it('copies the counts field by field (a field the event gained later stays off the screen)', () => {
    const extra = { ...called, waiting: [{ categoryCode: 'A', count: 1, note: 'x' } as (typeof waiting)[number]] };
    expect(messagesOf({ detailType: 'TicketCalled', data: extra })[2]).toEqual({ type: 'waiting', waiting: [{ categoryCode: 'A', count: 1 }] });
  });
});

describe('the window named on every event at a window', () => {
  it('a start, an end, a miss and a transfer name the window they change, as a call does', () => {
    const names = ([
      { detailType: 'ServiceStarted', data: started }, { detailType: 'VisitEnded', data: visit },
      { detailType: 'TicketMissed', data: missed }, { detailType: 'TicketTransferred', data: transferred },
    ] as HallEvent[]).map((e) => windowChangeOf(e)?.windowName);
    expect(names).toEqual(['A区3号 市场监管综合窗口', '3号窗口', '3号窗口', '3号窗口']);
  });
});

describe('who hears what', () => {
  const [call, state, counts] = messagesOf({ detailType: 'TicketCalled', data: called }) as [HallMessage, HallMessage, HallMessage];

  it('a hall display hears every call, every window\'s state and the counts', () => {
    for (const m of [call, state, counts]) expect(hears({ connectionId: 'h' }, m)).toBe(true);
  });

  it('a window terminal hears its own window\'s calls and state and the counts, not another window\'s calls or state', () => {
    for (const m of [call, state, counts]) expect(hears({ connectionId: 'w', windowId: 'a03' }, m)).toBe(true);
    expect(hears({ connectionId: 'w', windowId: 'b01' }, call)).toBe(false);
    expect(hears({ connectionId: 'w', windowId: 'b01' }, state)).toBe(false);
    expect(hears({ connectionId: 'w', windowId: 'b01' }, counts)).toBe(true);
  });
});

describe('the events the push takes', () => {
  it('are the queue\'s ticket events, from the queue\'s source only', () => {
    for (const t of hallTrigger.detailTypes) expect(isHallEvent('onestop.queue', t)).toBe(true);
    expect(isHallEvent('onestop.cases', 'TicketCalled')).toBe(false);
    expect(isHallEvent('onestop.queue', 'AppointmentBooked')).toBe(false);
    expect(isHallEvent('onestop.queue', 'QueueCategoryChanged')).toBe(false);
  });
});
