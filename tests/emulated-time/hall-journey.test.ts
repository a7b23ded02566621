/**
 * A day's journey through the hall, over HTTP on the local cloud, as its
 * people live it: a citizen books a slot online → the cloud's clock is moved
 * to when check-in opens for it → a walk-in takes a ticket at the kiosk, then
 * the citizen checks in with the booking code and gets a priority ticket
 * ahead of the walk-in's → the window's clerk calls next (the appointment
 * first), starts, finds the citizen by ID number, takes in and accepts a case
 * at the counter and ends the visit with its case number → VisitEnded opens
 * the visit's 一次一评 for the citizen, who rates it → the window's queue and
 * evaluation figures count it. Each step's record is read back; the timeline
 * (emulated times and ids) is printed at the end.
 *
 * Why here: check-in is accepted only from 30 minutes before the booked slot
 * until it ends, and slots lie in a working day's opening hours, so the
 * journey needs the cloud's clock on a working morning or afternoon. The
 * clock moves only forward, for the whole shared cloud, and every jump
 * releases other tests' thresholds; so this file moves it once, and only as
 * far as the earliest bookable slot's check-in needs (not at all when that
 * has opened already). It runs after supervision.test.ts (vitest.config.ts:
 * one file at a time, in a fixed order), whose cards are measured against
 * jumps of its own from a clock no other file has moved; from where
 * supervision leaves it (just past a midnight, days ahead), the jump here is
 * to that morning's or the next working day's first slot.
 *
 * The category (J), its item, window, clerk and citizen are this file's own,
 * so every count asserted is the journey's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppointmentList, CheckedIn, Slots, type Slot } from '#schemas/api/appointments';
import { Board, DayFigures, EndedTicket, IssuedTicket, WindowTicket } from '#schemas/api/queue';
import { MonthlyFigures } from '#schemas/api/evaluation';
import { VisitEndedData } from '#schemas/events/queue';
import { validationErrors } from '#shared/validate';
import { CHECK_IN_OPENS_MINUTES } from '../../functions/queue/appointments/rules.ts';
import { call, cloudNow, freshIdNumber, moveCloudClock, registerApplicant, until } from '../integration/api-client.ts';
import { act } from '../integration/cases-client.ts';
import { evalAct, expectEvaluation, freshItem, soleTrader } from '../integration/evaluation-client.ts';

const hall = '/public/hall/center-demo';
const suffix = Date.now().toString(36);
const windowId = `jw${suffix}`;
const clerk = `journey.clerk.${suffix}`;
const citizen = `journey.citizen.${suffix}`;
const idNumber = freshIdNumber();
/** A slot whose end is nearer than this is left for the next: the check-in must come before it ends. */
const SLOT_MARGIN_MS = 10 * 60_000;

const timeline: string[] = [];
/** One line of the journey's timeline: the emulated instant in center time (UTC+8), the step, its ids. */
function step(at: string | number, what: string, ids: Record<string, unknown> = {}) {
  const local = new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  timeline.push(`${local}  ${what}${Object.keys(ids).length ? `  ${Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
}
afterAll(() => {
  console.log(`hall journey (emulated center time):\n  ${timeline.join('\n  ')}`);
});

const expectValid = (schema: Parameters<typeof validationErrors>[0], reply: { body: unknown }) =>
  expect(validationErrors(schema, reply.body), JSON.stringify(reply.body).slice(0, 500)).toEqual([]);
const atWindow = (action: string, ticketId: string, body?: unknown) =>
  call('POST', `/windows/${windowId}/tickets/${ticketId}/${action}`, { as: clerk, ...(body ? { body } : {}) });
const ticketStatus = (t: { ticketId: string; code: string }) => call('GET', `${hall}/tickets/${t.ticketId}?code=${t.code}`);

let itemCode: string;
let applicantId: string;
let clerkSub: string;
beforeAll(async () => {
  const [code, windowMade, registered] = await Promise.all([
    freshItem(),
    call('PUT', `/admin/windows/${windowId}`, { as: 'center.admin', body: { name: '预约旅程窗口', departmentIds: ['amr'] } }),
    registerApplicant({ kind: 'citizen', username: citizen, name: '王预约', email: `${citizen}@example.com`, phone: '13900003333', idNumber }),
  ]);
  expect(windowMade.status, JSON.stringify(windowMade.body)).toBe(201);
  expect(registered.status, JSON.stringify(registered.body)).toBe(200);
  itemCode = code;
  applicantId = registered.body.applicantId;
  const [staff, category] = await Promise.all([
    call('PUT', `/admin/staff/${clerk}`, { as: 'center.admin', body: { name: '预约旅程窗口员', email: `${clerk}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: [windowId], backups: [] } }),
    call('PUT', '/admin/queue/categories/J', { as: 'center.admin', body: { name: '预约旅程', itemCodes: [itemCode], windowIds: [windowId] } }),
  ]);
  expect(staff.status, JSON.stringify(staff.body)).toBe(201);
  expect(category.status, JSON.stringify(category.body)).toBe(201);
  clerkSub = staff.body.sub;
  step(await cloudNow(), 'set-up', { category: 'J', item: itemCode, window: windowId, clerk, applicantId });
});

let booking: { appointmentId: string; bookingCode: string };
let walkIn: { ticketId: string; ticketNo: string; code: string };
let ticket: { ticketId: string; ticketNo: string; code: string; date: string };
let visit: { visitId: string; caseNo: string };

describe('a day\'s journey through the hall', () => {
  it('books the earliest bookable slot online; at check-in time a walk-in takes a ticket, then the booking becomes a priority ticket ahead of it', async () => {
    const slots = await call('GET', `${hall}/appointment-slots?itemCode=${itemCode}`);
    expect(slots.status, JSON.stringify(slots.body)).toBe(200);
    expectValid(Slots, slots);
    const now = await cloudNow();
    const earliest = (slots.body as Slots).days
      .flatMap((d) => d.slots.map((s) => [d.date, s] as [string, Slot]))
      .find(([, s]) => s.left > 0 && Date.parse(s.endsAt) - now > SLOT_MARGIN_MS);
    expect(earliest, 'a bookable slot within the days ahead').toBeDefined();
    const [date, slot] = earliest!;

    const booked = await call('POST', '/appointments', { as: citizen, body: { itemCode, date, start: slot.start } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body).toMatchObject({ status: 'booked', bookedBy: 'applicant', applicantId, categoryCode: 'J', itemCode, date, start: slot.start, startsAt: slot.startsAt });
    booking = { appointmentId: booked.body.appointmentId, bookingCode: booked.body.bookingCode };
    step(booked.body.createdAt, 'booked online', { appointment: booking.appointmentId, slot: `${date} ${slot.start}-${slot.end}` });

    const opens = Date.parse(slot.startsAt) - CHECK_IN_OPENS_MINUTES * 60_000;
    const jumpMs = await moveCloudClock(opens);
    const after = await cloudNow();
    expect(after).toBeGreaterThanOrEqual(opens);
    step(after, jumpMs > 0 ? `clock moved +${(jumpMs / 3600_000).toFixed(2)} h to the check-in's opening` : 'clock not moved: check-in open already');

    const walkInReply = await call('POST', `${hall}/tickets`, { body: { categoryCode: 'J' } });
    expect(walkInReply.status, JSON.stringify(walkInReply.body)).toBe(201);
    expectValid(IssuedTicket, walkInReply);
    expect(walkInReply.body).toMatchObject({ ticketNo: 'J001', priority: 'normal', status: 'waiting', date, ahead: 0 });
    walkIn = walkInReply.body;
    step(walkInReply.body.takenAt, 'walk-in takes a ticket at the kiosk', { ticket: walkIn.ticketNo });

    const wrong = await call('POST', `${hall}/appointments/${booking.appointmentId}/check-in`, { body: { code: booking.bookingCode === '000000' ? '000001' : '000000' } });
    expect(wrong.status).toBe(404);
    const checkedIn = await call('POST', `${hall}/appointments/${booking.appointmentId}/check-in`, { body: { code: booking.bookingCode } });
    expect(checkedIn.status, JSON.stringify(checkedIn.body)).toBe(201);
    expectValid(CheckedIn, checkedIn);
    expect(checkedIn.body.ticket).toMatchObject({ ticketNo: 'J002', categoryCode: 'J', date, priority: 'appointment', status: 'waiting', ahead: 0 });
    ticket = checkedIn.body.ticket;
    step(checkedIn.body.ticket.takenAt, 'checks in at the kiosk with the booking code', { ticket: ticket.ticketNo, ticketId: ticket.ticketId });

    const [mine, walkInNow, again] = await Promise.all([
      call('GET', '/appointments', { as: citizen }),
      ticketStatus(walkIn),
      call('POST', `${hall}/appointments/${booking.appointmentId}/check-in`, { body: { code: booking.bookingCode } }),
    ]);
    expectValid(AppointmentList, mine);
    expect(mine.body.items).toEqual([expect.objectContaining({ appointmentId: booking.appointmentId, status: 'checkedIn', checkedInAt: checkedIn.body.appointment.checkedInAt })]);
    expect(walkInNow.body).toMatchObject({ status: 'waiting', ahead: 1 });
    expect(again.status).toBe(409);
  });

  it('the window calls the appointment first, serves it, takes in a case for the citizen at the counter and ends the visit with its case number', async () => {
    const called = await call('POST', `/windows/${windowId}/call-next`, { as: clerk });
    expect(called.status, JSON.stringify(called.body)).toBe(200);
    expectValid(WindowTicket, called);
    expect(called.body).toMatchObject({ ticketId: ticket.ticketId, status: 'called', calls: 1, source: 'appointment', priority: 'appointment', appointmentId: booking.appointmentId, windowId });
    step(called.body.calledAt, 'window calls next', { ticket: called.body.ticketNo, window: windowId });
    const board = await call('GET', `${hall}/board`);
    expectValid(Board, board);
    expect(board.body.calls[0]).toMatchObject({ ticketNo: ticket.ticketNo, windowId, windowName: '预约旅程窗口' });
    expect(board.body.waiting).toContainEqual({ categoryCode: 'J', name: '预约旅程', count: 1 });

    const started = await atWindow('start', ticket.ticketId);
    expect(started.body).toMatchObject({ status: 'serving' });
    step(started.body.startedAt, 'service starts', { ticket: ticket.ticketNo });

    // The citizen hands over the ID card: the clerk finds the applicant by its number.
    const found = await call('POST', '/applicants/lookup', { as: clerk, body: { idNumber } });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ applicantId, masked: true });
    const materials = soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count }));
    const filed = await call('POST', '/cases', { as: clerk, body: { itemCode, applicantId, materials } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const accepted = await act(filed.body.caseNo, 'accept', clerk, filed.etag);
    expect(accepted.body).toMatchObject({ caseNo: filed.body.caseNo, state: 'accepted', channel: 'window', item: { code: itemCode }, applicant: { applicantId } });
    step(accepted.body.acceptedAt, 'case taken in and accepted at the counter', { caseNo: filed.body.caseNo });

    const ended = await atWindow('end', ticket.ticketId, { itemCodes: [itemCode], caseNos: [filed.body.caseNo], applicantId });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expectValid(EndedTicket, ended);
    expect(ended.body.ticket).toMatchObject({ ticketId: ticket.ticketId, status: 'ended' });
    expect(ended.body.visit).toMatchObject({ ticketId: ticket.ticketId, ticketNo: ticket.ticketNo, windowId, staffId: clerkSub, departmentIds: ['amr'], itemCodes: [itemCode], caseNos: [filed.body.caseNo], applicantId });
    visit = { visitId: ended.body.visit.visitId, caseNo: filed.body.caseNo };
    step(ended.body.visit.endedAt, 'visit ends', { visitId: visit.visitId, caseNos: visit.caseNo });

    // The audit consumer takes the ticket's four events in batches of its own: wait for the last of them, whichever it is.
    const records = await until('the ticket\'s four events in the audit log', async () => {
      const res = await call('GET', `/audit/events?from=${ticket.date}&to=${ticket.date}&subjectType=ticket&subjectId=${ticket.ticketId}`, { as: 'auditor' });
      return (res.body.items as { action: string }[] | undefined)?.length === 4 ? res.body.items : undefined;
    });
    expect(records.map((r: { action: string }) => r.action)).toEqual(['TicketIssued', 'TicketCalled', 'ServiceStarted', 'VisitEnded']);
    const visitEnded = records[3];
    expect(validationErrors(VisitEndedData, visitEnded.data)).toEqual([]);
    expect(visitEnded.data).toMatchObject({ visitId: visit.visitId, windowId, caseNos: [visit.caseNo], applicantId });
    expect(JSON.stringify(records)).not.toContain(idNumber);
    step(visitEnded.occurredAt, 'VisitEnded in the audit log', { eventId: visitEnded.eventId });

    const [walkInNow, mine] = await Promise.all([ticketStatus(walkIn), ticketStatus(ticket)]);
    expect(walkInNow.body).toMatchObject({ status: 'waiting', ahead: 0 });
    expect(mine.body).toMatchObject({ status: 'ended', ahead: 0 });
  });

  it('the visit\'s 一次一评 reaches the citizen, who rates it; the window\'s queue and evaluation figures count it', async () => {
    const invited = await until('the visit\'s evaluation', async () => {
      const res = await call('GET', `/evaluations/${visit.visitId}`, { as: citizen });
      return res.status === 200 ? res : undefined;
    });
    expectEvaluation(invited);
    expect(invited.body).toMatchObject({ evaluationId: visit.visitId, type: 'window_visit', indicatorSet: 'offline', state: 'invited', windowId, departmentId: 'amr', itemCode });
    step(invited.body.invitedAt, '一次一评 opened for the citizen', { evaluationId: visit.visitId });

    const rated = await evalAct(visit.visitId, 'rate', citizen, invited.etag, { rating: 5, indicators: { efficiency: 5, serviceLevel: 5, attitude: 5 }, comment: '预约到号即办，很方便' });
    expect(rated.body).toMatchObject({ state: 'rated', rating: { rating: 5, proactive: true } });
    step(rated.body.rating.at, 'the citizen rates the visit', { rating: 5 });

    const month = ticket.date.slice(0, 7);
    const evaluationRow = await until('the window\'s rating in the evaluation figures', async () => {
      const res = await call('GET', `/evaluation-stats/${month}`, { as: 'center.admin' });
      expect(validationErrors(MonthlyFigures, res.body)).toEqual([]);
      return (res.body as MonthlyFigures).windows.find((w) => w.windowId === windowId);
    });
    expect(evaluationRow.figures).toMatchObject({ total: 1, good: 1, proactiveGood: 1, byRating: { 5: 1 } });

    const figures = await call('GET', `/queue/figures/${ticket.date}`, { as: 'supervisor' });
    expectValid(DayFigures, figures);
    expect(figures.body.categories.find((c: { code: string }) => c.code === 'J')).toMatchObject({ taken: 2, served: 1, waiting: 1, missed: 0 });
    expect(figures.body.windows.find((w: { windowId: string }) => w.windowId === windowId)).toMatchObject({ called: 1, served: 1, missed: 0 });
    step(await cloudNow(), 'figures read', { evaluationTotal: evaluationRow.figures.total, queueServed: 1 });
  });
});
