/**
 * What the hall's displays are told (functions/hall/messages.ts): a call or
 * recall shows its ticket and window, then the counts; every other ticket event
 * only the counts; nothing else of an event reaches a screen; a window
 * terminal hears its own window's calls only.
 */
import { describe, expect, it } from 'vitest';
import { HallMessage } from '#schemas/api/hall';
import type { QueueEventData } from '#schemas/events/queue';
import { schemaErrors } from '#shared/validate';
import { hallTrigger, hears, isHallEvent, messagesOf } from '../../../functions/hall/messages.ts';

const waiting = [{ categoryCode: 'A', count: 3 }, { categoryCode: 'B', count: 0 }];
const ticket = { ticketId: '01JT0000000000000000000000', ticketNo: 'A007', categoryCode: 'A', date: '2026-03-02', waiting };
const called: QueueEventData['TicketCalled'] = { ...ticket, windowId: 'a03', windowName: 'A区3号 市场监管综合窗口', calls: 1, calledAt: '2026-03-02T01:02:03.000Z' };
const visit: QueueEventData['VisitEnded'] = {
  ...ticket, visitId: 'v1', windowId: 'a03', staffId: 'clerk.amr', departmentIds: ['amr'], itemCodes: ['X1'], caseNos: ['C1'], applicantId: '01JT0000000000000000000001',
  codeHash: 'a'.repeat(43), calledAt: called.calledAt, startedAt: called.calledAt, endedAt: '2026-03-02T01:12:03.000Z',
};

describe('messagesOf', () => {
  it('a call: the ticket at its window with its call count, then the waiting counts', () => {
    const messages = messagesOf({ detailType: 'TicketCalled', data: called });
    expect(messages).toEqual([
      { type: 'called', ticketNo: 'A007', windowId: 'a03', windowName: 'A区3号 市场监管综合窗口', calledAt: '2026-03-02T01:02:03.000Z', calls: 1 },
      { type: 'waiting', waiting },
    ]);
    for (const m of messages) expect(schemaErrors(HallMessage, m)).toEqual([]);
  });

  it('a recall is a call with its count', () => {
    expect(messagesOf({ detailType: 'TicketRecalled', data: { ...called, calls: 2 } })[0]).toMatchObject({ type: 'called', ticketNo: 'A007', calls: 2 });
  });

  it('every other ticket event: the counts only, and nothing of the visit (staff, applicant, cases, code) reaches a screen', () => {
    const messages = messagesOf({ detailType: 'VisitEnded', data: visit });
    expect(messages).toEqual([{ type: 'waiting', waiting }]);
    const text = JSON.stringify(messages);
    for (const secret of ['clerk.amr', visit.applicantId!, 'C1', visit.codeHash, 'v1']) expect(text).not.toContain(secret);
  });

  it('copies the counts field by field (a field the event gained later stays off the screen)', () => {
    const extra = { ...called, waiting: [{ categoryCode: 'A', count: 1, note: 'x' } as (typeof waiting)[number]] };
    expect(messagesOf({ detailType: 'TicketCalled', data: extra })[1]).toEqual({ type: 'waiting', waiting: [{ categoryCode: 'A', count: 1 }] });
  });
});

describe('who hears what', () => {
  const [call, counts] = messagesOf({ detailType: 'TicketCalled', data: called }) as [HallMessage, HallMessage];

  it('a hall display hears every call and the counts', () => {
    expect(hears({ connectionId: 'h' }, call)).toBe(true);
    expect(hears({ connectionId: 'h' }, counts)).toBe(true);
  });

  it('a window terminal hears its own window\'s calls and the counts, not another window\'s calls', () => {
    expect(hears({ connectionId: 'w', windowId: 'a03' }, call)).toBe(true);
    expect(hears({ connectionId: 'w', windowId: 'b01' }, call)).toBe(false);
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
