/**
 * The time-limit clock of a case (时限): the only code that changes a case's
 * clock or its deadlines. Deadlines are counted on the center's working-day
 * calendar from the acceptance instant, moved back by suspensions (特别程序 and
 * the upper level's time, art. 45) and by an approved extension (art. 42); the
 * delivery limit runs from the decision (art. 44).
 *
 * Pure: callers pass the instant and the calendar.
 */
import type { CaseClock, Payment } from '#schemas/api/cases';
import {
  CalendarYearMissingError,
  addWorkingDays,
  countedProvisionally,
  deadline,
  localDate,
  remainingWorkingDays,
  type WorkCalendar,
} from '#shared/calendar';
import { isRunning } from '#shared/clock-rules';
import type { ClockEffect, Deadlines } from '#schemas/api/case-clock';

/** Defaults of the Administrative Licensing Law where an item says nothing. */
export const legalDefaults = {
  /** art. 32: the one-time notice within 5 days, else accepted from receipt. */
  noticeWorkingDays: 5,
  /** art. 44: the licence issued or delivered within 10 days of the decision. */
  deliveryWorkingDays: 10,
  /** art. 47: a hearing is asked for within 5 days of the notice of the right … */
  hearingRequestWorkingDays: 5,
  /** … and held within 20 days of the request. */
  hearingOrganiseWorkingDays: 20,
  /** art. 48: the parties are told the time and place at least 7 days before the hearing (calendar days, not working days). */
  hearingNoticeDays: 7,
} as const;

export interface SuspensionStart {
  readonly kind: string;
  readonly reason?: string;
  readonly expectedWorkingDays?: number;
}

export interface ClockChange {
  readonly effect: ClockEffect;
  readonly at: string;
  /** For `suspend`: what holds the clock. */
  readonly suspension?: SuspensionStart;
  /** For `extend`: the working days granted. */
  readonly workingDays?: number;
}

/** The clock after `change`; refuses changes that make no sense for its state (a programming error, not a user's). */
export function applyClockChange(clock: CaseClock, change: ClockChange): CaseClock {
  const open = clock.suspensions.at(-1);
  const suspended = open !== undefined && open.to === undefined;
  switch (change.effect) {
    case 'start':
      if (clock.startedAt) throw new Error('the clock is already running');
      return { ...clock, startedAt: change.at };
    case 'suspend':
      if (!clock.startedAt || clock.stoppedAt || suspended) throw new Error('only a running clock can be suspended');
      return { ...clock, suspensions: [...clock.suspensions, { kind: change.suspension?.kind ?? 'special_procedure', from: change.at, ...optional(change.suspension) }] };
    case 'resume':
      if (!suspended) throw new Error('the clock is not suspended');
      return { ...clock, suspensions: [...clock.suspensions.slice(0, -1), { ...open, to: change.at }] };
    case 'extend':
      if (!clock.startedAt || clock.stoppedAt) throw new Error('only a running clock can be extended');
      return { ...clock, extensionWorkingDays: clock.extensionWorkingDays + (change.workingDays ?? 0) };
    case 'stop': {
      if (clock.stoppedAt) throw new Error('the clock is already stopped');
      // Ending a case before acceptance (withdrawn while submitted): there is no clock to stop.
      if (!clock.startedAt) return clock;
      // A case withdrawn or ended while suspended: the suspension ends with it.
      const suspensions = suspended ? [...clock.suspensions.slice(0, -1), { ...open, to: change.at }] : clock.suspensions;
      return { ...clock, suspensions, stoppedAt: change.at };
    }
  }
}

function optional(s: SuspensionStart | undefined) {
  return {
    ...(s?.reason ? { reason: s.reason } : {}),
    ...(s?.expectedWorkingDays ? { expectedWorkingDays: s.expectedWorkingDays } : {}),
  };
}

/** `compute()`, or absent with the year the calendar lacks. */
function onCalendar(compute: () => string | undefined): { date?: string; missingYear?: number } {
  try {
    const date = compute();
    return date === undefined ? {} : { date };
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return { missingYear: err.year };
    throw err;
  }
}

/** A period the delivery limit does not count (the applicant's wait to pay): open while `to` is absent. */
export interface Pause {
  readonly from: string;
  readonly to?: string;
}

/** The waits to pay that the delivery limit leaves out: those of fees paid before delivery. */
export const deliveryPausesOf = (c: { readonly payment?: Payment }): readonly Pause[] => (c.payment?.stage === 'before_delivery' ? (c.payment.waits ?? []) : []);

/**
 * The deadlines of a clock: none before acceptance; the statutory and promised
 * ones from the acceptance instant (absent while an open suspension holds the
 * clock); the delivery one from the decision. A deadline counted through a
 * year the center has not entered uses that year's provisional schedule and is
 * marked `provisional`; one beyond any schedule is absent and names the year.
 */
export function deadlinesOf(cal: WorkCalendar, clock: CaseClock, decidedAt?: string, deliveryPauses: readonly Pause[] = []): Deadlines {
  const start = clock.startedAt;
  if (!start) return {};
  const suspensions = clock.suspensions.map((s) => ({ from: s.from, ...(s.to ? { to: s.to } : {}) }));
  const statutory = onCalendar(() => deadline(cal, start, clock.statutoryWorkingDays + clock.extensionWorkingDays, suspensions));
  const promised = onCalendar(() => deadline(cal, start, clock.promisedWorkingDays + clock.extensionWorkingDays, suspensions));
  // The delivery limit leaves out the applicant's waits to pay (absent while one is open), counted as suspensions are.
  const delivery = !decidedAt
    ? {}
    : deliveryPauses.length
      ? onCalendar(() => deadline(cal, decidedAt, clock.deliveryWorkingDays, deliveryPauses))
      : onCalendar(() => addWorkingDays(cal, localDate(cal, decidedAt), clock.deliveryWorkingDays));
  const missingCalendarYear = statutory.missingYear ?? promised.missingYear ?? delivery.missingYear;
  const startDay = localDate(cal, start);
  const provisional = [statutory.date, promised.date].some((due) => due && countedProvisionally(cal, startDay, due)) ||
    (!!decidedAt && !!delivery.date && countedProvisionally(cal, localDate(cal, decidedAt), delivery.date));
  return {
    ...(statutory.date ? { statutoryDue: statutory.date } : {}),
    ...(promised.date ? { promisedDue: promised.date } : {}),
    ...(delivery.date ? { deliveryDue: delivery.date } : {}),
    ...(provisional ? { provisional: true as const } : {}),
    ...(missingCalendarYear ? { missingCalendarYear } : {}),
  };
}

export interface Remaining {
  statutory?: number;
  promised?: number;
  delivery?: number;
}

/**
 * Working days left on `today` for each limit that is running: the decision
 * limits between acceptance and decision (not while suspended), the delivery
 * limit between decision and delivery.
 */
export function remainingOf(cal: WorkCalendar, clock: CaseClock, deadlines: Deadlines, today: string, delivered: boolean): Remaining {
  const left = (due: string | undefined) => (due === undefined ? undefined : onCalendarNumber(() => remainingWorkingDays(cal, today, due)));
  const out: Remaining = {};
  if (isRunning(clock)) {
    const statutory = left(deadlines.statutoryDue);
    const promised = left(deadlines.promisedDue);
    if (statutory !== undefined) out.statutory = statutory;
    if (promised !== undefined) out.promised = promised;
  }
  if (!delivered && deadlines.deliveryDue) {
    const delivery = left(deadlines.deliveryDue);
    if (delivery !== undefined) out.delivery = delivery;
  }
  return out;
}

function onCalendarNumber(compute: () => number): number | undefined {
  try {
    return compute();
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return undefined;
    throw err;
  }
}

/**
 * The last day for the one-time notice: `noticeWorkingDays` working days after
 * the day of receipt, moved back by the applicant's waits to pay (`waits`,
 * closed ones: counted as suspensions are).
 */
export function noticeDueOf(cal: WorkCalendar, receivedAt: string, noticeWorkingDays: number, waits: readonly Pause[] = []): { date?: string; missingYear?: number } {
  if (waits.length) return onCalendar(() => deadline(cal, receivedAt, noticeWorkingDays, waits));
  return onCalendar(() => addWorkingDays(cal, localDate(cal, receivedAt), noticeWorkingDays));
}

/** The pledge deadline of 容缺受理, counted from the day the pledge is signed. */
export function toleranceDueOf(cal: WorkCalendar, signedAt: string, workingDays: number): { date?: string; missingYear?: number } {
  return onCalendar(() => addWorkingDays(cal, localDate(cal, signedAt), workingDays));
}

/** A day `workingDays` working days after the day of `at` (a hearing's request and organisation limits). */
export function workingDaysAfter(cal: WorkCalendar, at: string, workingDays: number): { date?: string; missingYear?: number } {
  return onCalendar(() => addWorkingDays(cal, localDate(cal, at), workingDays));
}

/** The last day to answer a supplement notice, counted from the day it is given. */
export function supplementDueOf(cal: WorkCalendar, noticeAt: string, workingDays: number): { date?: string; missingYear?: number } {
  return onCalendar(() => addWorkingDays(cal, localDate(cal, noticeAt), workingDays));
}

/**
 * The instant the decision clock starts on acceptance: now, unless the notice
 * period has passed, in which case the application counts as accepted from
 * receipt (art. 32) — whether the system or a late clerk accepts it.
 */
export function acceptanceInstant(receivedAt: string, noticeDue: string | undefined, now: string, today: string): string {
  return noticeDue !== undefined && today > noticeDue ? receivedAt : now;
}

export { extensionDaysOf } from '#shared/clock-rules';
