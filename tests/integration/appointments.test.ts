/**
 * Appointments against the local cloud's table, without moving the cloud's
 * clock: the QueueFunction's appointment operations and the sweep run in this
 * process in a center of their own, at instants this file sets (only `Date`
 * is faked), some weeks after the real today, so the cloud's own sweep leaves
 * these bookings alone.
 *
 *  - 200 clerks book one slot of 10 at once: exactly 10 bookings, 190 × 409
 *    slot-full, and the slot has 0 left;
 *  - book → reschedule → cancel moves and gives back the places; a second
 *    booking of the item that day is 409;
 *  - check-in with the booking code turns the booking into an
 *    appointment-priority ticket (a wrong code is a 404);
 *  - the sweep marks unchecked bookings missed, and the third miss blocks.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addCalendarDays, isWorkingDay, workCalendar } from '#shared/calendar';
import { residentIdCheckCharacter } from '#shared/identifiers';
import { provisionalYear } from '#shared/provisional-calendar';
import { cloud, doc, freshCode } from './api-client.ts';
import { eventFor, useLocalTable, type User } from './in-process.ts';

// The local stage's attempt timeout (infra/config.ts): 200 transactions at once queue up in DynamoDB Local.
useLocalTable({ CURSOR_KEY: 'k'.repeat(64), DYNAMODB_ATTEMPT_TIMEOUT_MS: '8000' });
const { httpHandler } = await import('#shared/http');
const { appointmentRoutes } = await import('../../functions/queue/appointments/routes.ts');
const { appointmentOperations } = await import('../../functions/queue/appointments/operations.ts');
const { sweepBooking } = await import('../../functions/queue/appointments/sweep.ts');
const { dueForSweep } = await import('../../functions/queue/appointments/store.ts');
const { putCategory } = await import('../../functions/queue/store.ts');
const { applicantKeys } = await import('../../functions/applicants/public.ts');

const handler = httpHandler(appointmentRoutes, appointmentOperations);
const centerId = `appt-${Date.now().toString(36)}`;
const user = (username: string, roles: string[]): User => ({ sub: `${username}-${centerId}`, username, centerId, roles } as unknown as User);
const clerk = user('appt.clerk', ['clerk']);
const admin = user('appt.admin', ['center_admin']);
const applicant = user('appt.applicant', ['applicant']);
const [itemA, itemB] = [freshCode('APA'), freshCode('APB')];

/** The test center has no calendar years of its own: every year is the provisional schedule, as the functions see it. */
const cal = workCalendar([], 'Asia/Shanghai', provisionalYear);
const workingDaysFrom = (date: string, n: number) => {
  const days: string[] = [];
  for (let d = date; days.length < n; d = addCalendarDays(d, 1)) if (isWorkingDay(cal, d)) days.push(d);
  return days;
};
const realToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
// Days well after the real today, so the shared cloud's sweep (at the real time) never sees their slots end.
const [day1, day2, day3] = workingDaysFrom(addCalendarDays(realToday, 21), 3) as [string, string, string];
const setNow = (date: string, time: string) => vi.setSystemTime(new Date(`${date}T${time}:00+08:00`));

/**
 * One process stands for many function sandboxes here, with one HTTP agent to DynamoDB Local:
 * more requests in flight than its sockets would wait on a connection, not on the slot.
 */
const IN_FLIGHT = 40;
async function inFlight<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  }));
  return results;
}

const idNumber = (seq: number) => {
  const first17 = `11010519800101${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
};

async function send(who: User | undefined, method: string, path: string, routePath: string, opts: Parameters<typeof eventFor>[4] = {}) {
  const event = eventFor(who, method, path, routePath, opts) as APIGatewayProxyEventV2WithJWTAuthorizer;
  const res = await handler(event, { awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 } as never);
  return { status: res.statusCode!, body: res.body ? JSON.parse(res.body) : undefined, etag: res.headers?.etag as string | undefined };
}
const callerBooking = (seq: number, date: string, start = '09:00', itemCode = itemA) =>
  send(clerk, 'POST', '/queue/appointments', '/queue/appointments', { body: { itemCode, date, start, name: `来电者${seq}`, idNumber: idNumber(seq), mobile: '13900139000' } });
const slotsOf = async (date: string) => {
  const res = await send(undefined, 'GET', `/public/hall/${centerId}/appointment-slots`, '/public/hall/{centerId}/appointment-slots', { params: { centerId }, query: { categoryCode: 'A', from: date, to: date } });
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.days[0]?.slots ?? []).map((s: { start: string; left: number }) => [s.start, s.left]));
};
const action = (id: string, what: 'cancel' | 'reschedule', as: 'own' | 'clerk', body?: unknown) =>
  as === 'own'
    ? send(applicant, 'POST', `/appointments/${id}/${what}`, `/appointments/{appointmentId}/${what}`, { params: { appointmentId: id }, ...(body ? { body } : {}) })
    : send(clerk, 'POST', `/queue/appointments/${id}/${what}`, `/queue/appointments/{appointmentId}/${what}`, { params: { appointmentId: id }, ...(body ? { body } : {}) });

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  setNow(day1, '08:00');
  const at = new Date().toISOString();
  await doc.send(new PutCommand({ TableName: cloud.tableName, Item: { PK: `CENTER#${centerId}`, SK: 'PROFILE', kind: 'center', centerId, name: '预约测试中心', timeZone: 'Asia/Shanghai' } }));
  await doc.send(new PutCommand({
    TableName: cloud.tableName,
    Item: { ...applicantKeys.profile(centerId, applicant.sub), kind: 'applicant', centerId, applicantId: '01J00000000000000000000APP', applicantKind: 'citizen', name: '李四', idNumber: idNumber(900), phone: '13800138001', email: 'li.si@example.com', sub: applicant.sub, rev: 1 },
  }));
  await putCategory(centerId, { code: 'A', name: '预约测试', itemCodes: [itemA, itemB], windowIds: ['w1'], updatedAt: at, updatedBy: admin.sub, rev: 1 }, undefined, [], {
    source: 'onestop.queue', detailType: 'QueueCategoryChanged', centerId, occurredAt: at, actor: { id: admin.sub, role: 'center_admin' }, subject: { type: 'queue_category', id: 'A' }, data: {},
  }, undefined);
  const settings = await send(admin, 'PUT', '/admin/queue/appointment-settings', '/admin/queue/appointment-settings', {
    body: { slotMode: 'halfDay', openingHours: [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '17:00' }], capacity: 10, daysAhead: 7, missesToBlock: 3, blockDays: 30 },
  });
  expect(settings.status).toBe(201);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('appointments', () => {
  it('200 bookings of a slot of 10, 40 at a time: exactly 10 succeed, 190 get 409 slot-full, none left', async () => {
    const started = performance.now();
    const results = await inFlight(IN_FLIGHT, Array.from({ length: 200 }, (_, i) => () => callerBooking(i, day2, '13:30')));
    console.info(`200 bookings, ${IN_FLIGHT} in flight: ${Math.round(performance.now() - started)} ms`);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.type))).toEqual(new Set(['https://onestop.example.gov.cn/problems/slot-full']));
    expect((await slotsOf(day2))['13:30']).toBe(0);
    const listed = await send(clerk, 'GET', '/queue/appointments', '/queue/appointments', { query: { date: day2, categoryCode: 'A' } });
    expect(listed.body.items).toHaveLength(10);
    expect(listed.body.items.every((a: { name: string; bookingCode?: string }) => /^来\*+$/.test(a.name) && a.bookingCode === undefined)).toBe(true);
  });

  it('book → reschedule → cancel moves the place and gives it back; a second booking of the item that day is 409', async () => {
    const booked = await send(applicant, 'POST', '/appointments', '/appointments', { body: { itemCode: itemA, date: day2, start: '09:00' } });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'booked', bookedBy: 'applicant', name: '李四', date: day2, start: '09:00', end: '12:00' });
    expect(booked.body.bookingCode).toMatch(/^\d{6}$/);
    expect((await slotsOf(day2))['09:00']).toBe(9);

    const again = await send(applicant, 'POST', '/appointments', '/appointments', { body: { itemCode: itemA, date: day2, start: '13:30' } });
    expect([again.status, again.body.type]).toEqual([409, 'https://onestop.example.gov.cn/problems/already-booked']);
    const byClerk = await callerBooking(900, day2, '09:00');
    expect([byClerk.status, byClerk.body.type]).toEqual([409, 'https://onestop.example.gov.cn/problems/already-booked']);

    const id = booked.body.appointmentId as string;
    const moved = await action(id, 'reschedule', 'own', { date: day3, start: '13:30' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ date: day3, start: '13:30', status: 'booked' });
    expect([(await slotsOf(day2))['09:00'], (await slotsOf(day3))['13:30']]).toEqual([10, 9]);
    // The item is free on day2 again, held on day3.
    const otherItem = await send(applicant, 'POST', '/appointments', '/appointments', { body: { itemCode: itemA, date: day3, start: '09:00' } });
    expect(otherItem.status).toBe(409);

    const cancelled = await action(id, 'cancel', 'clerk');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', name: '李*' });
    expect((await slotsOf(day3))['13:30']).toBe(10);
    expect((await action(id, 'cancel', 'own')).status).toBe(409);
    const mine = await send(applicant, 'GET', '/appointments', '/appointments');
    expect(mine.body.items.map((a: { appointmentId: string; status: string }) => [a.appointmentId, a.status])).toEqual([[id, 'cancelled']]);
  });

  it('refuses closed, off-grid and too-far slots with their reason', async () => {
    const holiday = (() => {
      for (let d = day1; ; d = addCalendarDays(d, 1)) if (!isWorkingDay(cal, d)) return d;
    })();
    const tries = await Promise.all([
      callerBooking(300, holiday),
      callerBooking(301, day2, '10:00'),
      callerBooking(302, addCalendarDays(day1, 8)),
    ]);
    expect(tries.map((r) => [r.status, r.body.type.split('/').pop()])).toEqual([[409, 'slot-closed'], [409, 'slot-closed'], [409, 'slot-too-far']]);
  });

  it('check-in with the booking code, from 30 minutes before the slot: an appointment-priority ticket', async () => {
    const booked = await callerBooking(400, day1, '09:00', itemB);
    expect(booked.status).toBe(201);
    const { appointmentId, bookingCode } = booked.body as { appointmentId: string; bookingCode: string };
    const checkIn = (code: string) => send(undefined, 'POST', `/public/hall/${centerId}/appointments/${appointmentId}/check-in`, '/public/hall/{centerId}/appointments/{appointmentId}/check-in', {
      params: { centerId, appointmentId }, body: { code },
    });
    const early = await checkIn(bookingCode);
    expect([early.status, early.body.type.split('/').pop()]).toEqual([409, 'check-in-closed']);
    setNow(day1, '08:45');
    const wrong = await checkIn(bookingCode === '000000' ? '000001' : '000000');
    expect(wrong.status).toBe(404);
    const done = await checkIn(bookingCode);
    expect(done.status).toBe(201);
    expect(done.body.ticket).toMatchObject({ categoryCode: 'A', date: day1, priority: 'appointment', status: 'waiting' });
    expect(done.body.ticket.ticketNo).toMatch(/^A\d{3}$/);
    expect(done.body.appointment).toMatchObject({ status: 'checkedIn', name: '来*****' });
    expect((await checkIn(bookingCode)).status).toBe(409);
  });

  it('the sweep marks bookings not checked in by their slot\'s end missed; the third miss within 30 days blocks', async () => {
    const seq = 500;
    const booked = await Promise.all([day1, day2, day3].map((d) => callerBooking(seq, d, '09:00', itemB)));
    expect(booked.map((b) => b.status)).toEqual([201, 201, 201]);
    const ids = booked.map((b) => b.body.appointmentId as string);
    setNow(day3, '17:01');
    const due = (await dueForSweep(new Date().toISOString())).filter((d) => d.centerId === centerId).map((d) => d.appointmentId);
    expect(due).toEqual(expect.arrayContaining(ids));
    expect(await sweepBooking(centerId, ids[0]!, new Date())).toBe(true);
    expect(await sweepBooking(centerId, ids[0]!, new Date())).toBe(false);
    expect(await sweepBooking(centerId, ids[1]!, new Date())).toBe(true);
    const [next1, next2] = workingDaysFrom(addCalendarDays(day3, 1), 2) as [string, string];
    const stillFree = await callerBooking(seq, next1, '09:00', itemB);
    expect(stillFree.status).toBe(201);
    expect(await sweepBooking(centerId, ids[2]!, new Date())).toBe(true);
    const missed = await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${centerId}#APPT#ID#${ids[2]}`, SK: 'BOOKING' }, ConsistentRead: true }));
    expect([missed.Item?.status, missed.Item?.GSI5PK]).toEqual(['missed', undefined]);
    const blocked = await callerBooking(seq, next2, '09:00', itemA);
    expect([blocked.status, blocked.body.type.split('/').pop()]).toEqual([409, 'booking-blocked']);
    expect(blocked.body.detail).toContain(addCalendarDays(day3, 30));
  });
});
