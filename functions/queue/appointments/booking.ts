/**
 * The steps booking, cancelling and rescheduling share, whoever takes them
 * (the applicant online, a clerk for a caller): the rules (rules.ts) applied
 * to what the store read, the booking built, and its refusals turned into
 * problems. The operations (operations.ts) say who may.
 */
import { randomInt } from 'node:crypto';
import type { Appointment, AppointmentSettings, AppointmentStatus } from '#schemas/api/appointments';
import type { Actor } from '#schemas/events/envelope';
import { msg } from '#schemas/api/problems';
import type { CenterContext } from '#shared/center';
import { problem, wrongState } from '#shared/errors';
import { newId } from '#shared/ids';
import type { IdempotencyPut } from '#shared/idempotency';
import { appointmentProblems as p } from './problems.ts';
import { bookableSlot, capacityOf, maskName, type SlotRefusal } from './rules.ts';
import { lastBookableDate } from './slots.ts';
import * as store from './store.ts';

const source = 'onestop.queue' as const;

/** The booking as its owner (or the clerk who booked) sees it; staff lists mask the name and leave the code out. */
export function viewOf(b: store.Booking, as: 'owner' | 'staff'): Appointment {
  return {
    appointmentId: b.appointmentId, centerId: b.centerId, categoryCode: b.categoryCode, itemCode: b.itemCode,
    date: b.date, start: b.start, end: b.end, startsAt: b.startsAt, endsAt: b.endsAt, status: b.status, bookedBy: b.bookedBy,
    ...(b.applicantId ? { applicantId: b.applicantId } : {}),
    name: as === 'owner' ? b.name : maskName(b.name),
    ...(as === 'owner' ? { bookingCode: b.bookingCode } : {}),
    createdAt: b.createdAt, updatedAt: b.updatedAt,
    ...(b.checkedInAt ? { checkedInAt: b.checkedInAt } : {}),
  };
}

export function eventOf(b: store.Booking, detailType: string, actor: Actor, at: string, extra: { previous?: store.Booking; blockedUntil?: string } = {}): store.AppointmentEvent {
  return {
    source, detailType, centerId: b.centerId, occurredAt: at, actor, subject: { type: 'appointment', id: b.appointmentId },
    data: {
      appointmentId: b.appointmentId, categoryCode: b.categoryCode, itemCode: b.itemCode, date: b.date, start: b.start, end: b.end,
      status: b.status, bookedBy: b.bookedBy, ...(b.applicantId ? { applicantId: b.applicantId } : {}),
      ...(extra.previous ? { previous: { date: extra.previous.date, start: extra.previous.start, end: extra.previous.end } } : {}),
      ...(extra.blockedUntil ? { blockedUntil: extra.blockedUntil } : {}),
    },
  };
}

function slotRefused(reason: SlotRefusal, date: string, start: string, lastDate: string) {
  if (reason === 'past') return problem(p['slot-past'], msg(`${date} ${start} 的时段已过。`, `The slot ${date} ${start} has passed.`));
  if (reason === 'too-far') return problem(p['slot-too-far'], msg(`最晚可预约到 ${lastDate}。`, `Bookings are taken up to ${lastDate}.`));
  return problem(p['slot-closed'], msg(`${date} ${start} 不是本中心开放预约的时段（非工作日或不在开放时间内）。`, `${date} ${start} is not a slot of the center (not a working day, or outside its opening hours).`));
}

const full = (date: string, start: string) => problem(p['slot-full'], msg(`${date} ${start} 的时段已约满，请选择其他时段。`, `The slot ${date} ${start} is full; choose another.`));
const held = (itemCode: string, date: string) =>
  problem(p['already-booked'], msg(`该证件号码在 ${date} 已有事项 ${itemCode} 的预约。`, `This ID number already has a booking for ${itemCode} on ${date}.`));
export const notBookable = (itemCode: string) => problem(p['not-bookable'], msg(`事项 ${itemCode} 不可在本中心预约。`, `The item ${itemCode} cannot be booked in this center.`));

/** The slot checked against the rules and its capacity for the category; a problem when it cannot be booked. */
function slotFor(center: CenterContext, settings: AppointmentSettings, categoryCode: string, itemCode: string, date: string, start: string) {
  const checked = bookableSlot(center.calendar, settings, date, start, center.now, center.today);
  if ('refused' in checked) throw slotRefused(checked.refused, date, start, lastBookableDate(center.today, settings.daysAhead));
  const capacity = capacityOf(settings, categoryCode);
  if (capacity === 0) throw notBookable(itemCode);
  return { slot: checked.slot, capacity };
}

export interface NewBooking {
  readonly center: CenterContext;
  readonly settings: AppointmentSettings;
  readonly categoryCode: string;
  readonly itemCode: string;
  readonly date: string;
  readonly start: string;
  readonly idKey: string;
  readonly blockedUntil: string | undefined;
  readonly who: Pick<store.Booking, 'bookedBy' | 'name'> & Partial<Pick<store.Booking, 'applicantId' | 'sub' | 'mobile'>>;
  readonly actor: Actor;
}

/** A new booking written, or the problem that refuses it. */
export async function placeBooking(input: NewBooking, record: (b: store.Booking) => IdempotencyPut | undefined): Promise<store.Booking> {
  const { center, settings, categoryCode, itemCode, date, start } = input;
  if (input.blockedUntil && input.blockedUntil > center.today) {
    throw problem(p['booking-blocked'], msg(`30 天内爽约次数过多，${input.blockedUntil} 起可再预约。`, `Too many missed bookings within 30 days: booking opens again on ${input.blockedUntil}.`));
  }
  const { slot, capacity } = slotFor(center, settings, categoryCode, itemCode, date, start);
  const booking: store.Booking = {
    centerId: center.centerId, appointmentId: newId(), categoryCode, itemCode, date, ...slot, status: 'booked', ...input.who,
    idKey: input.idKey, bookingCode: String(randomInt(0, 1_000_000)).padStart(6, '0'), createdAt: center.now, updatedAt: center.now, rev: 1,
  };
  const refused = await store.book(booking, capacity, eventOf(booking, 'AppointmentBooked', input.actor, center.now), record(booking));
  if (refused === 'full') throw full(date, start);
  if (refused) throw held(itemCode, date);
  return booking;
}

const notActive = (b: store.Booking, status: AppointmentStatus) =>
  wrongState(msg(`预约 ${b.appointmentId} 当前为 ${status}，不能再修改。`, `The booking ${b.appointmentId} is ${status} and can no longer change.`));

/** A booking that can still change: booked and its slot not ended. */
function assertChangeable(b: store.Booking, now: string) {
  if (b.status !== 'booked') throw notActive(b, b.status);
  if (b.endsAt <= now) throw wrongState(msg(`预约 ${b.appointmentId} 的时段已结束。`, `The slot of booking ${b.appointmentId} has ended.`));
}

export async function cancelBooking(b: store.Booking, now: string, actor: Actor, record: (next: store.Booking) => IdempotencyPut | undefined): Promise<store.Booking> {
  assertChangeable(b, now);
  const next: store.Booking = { ...b, status: 'cancelled', updatedAt: now, rev: b.rev + 1 };
  if (await store.cancel(b, next, eventOf(next, 'AppointmentCancelled', actor, now), record(next))) throw store.bookingChanged();
  return next;
}

export async function rescheduleBooking(
  b: store.Booking, to: { date: string; start: string }, ctx: { center: CenterContext; settings: AppointmentSettings }, actor: Actor,
  record: (next: store.Booking) => IdempotencyPut | undefined,
): Promise<store.Booking | 'unchanged'> {
  assertChangeable(b, ctx.center.now);
  if (to.date === b.date && to.start === b.start) return 'unchanged';
  const { slot, capacity } = slotFor(ctx.center, ctx.settings, b.categoryCode, b.itemCode, to.date, to.start);
  const next: store.Booking = { ...b, date: to.date, ...slot, updatedAt: ctx.center.now, rev: b.rev + 1 };
  const refused = await store.reschedule(b, next, capacity, eventOf(next, 'AppointmentRescheduled', actor, ctx.center.now, { previous: b }), record(next));
  if (refused === 'full') throw full(to.date, to.start);
  if (refused === 'held') throw held(b.itemCode, to.date);
  if (refused) throw store.bookingChanged();
  return next;
}
