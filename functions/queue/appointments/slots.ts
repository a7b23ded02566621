/**
 * The slots a center offers for booking, from its settings and working-day
 * calendar. Pure: the caller passes the calendar, today and the instant.
 *
 * A slot is named by its date and its start (`HH:MM`, the center's wall
 * clock); its instants are counted from the start of its day in the center's
 * time zone. Centers here keep China Standard Time, which has no daylight
 * saving: in a zone that shifts its clock on a working day, the slots after
 * the shift would start an hour off on that day.
 */
import type { AppointmentSettingsBody, OpeningPeriod } from '#schemas/api/appointments';
import { addCalendarDays, isWorkingDay, type WorkCalendar } from '#shared/calendar';
import { startOfDay } from '#shared/clock-rules';

const MINUTE_MS = 60_000;
export const SLOT_MINUTES = 30;

export interface SlotTime {
  readonly start: string;
  readonly end: string;
}

export interface TimedSlot extends SlotTime {
  readonly startsAt: string;
  readonly endsAt: string;
}

export const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
export const clockOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The date `days` calendar days after `date` (before, when negative). */

/** halfDay: each opening period is a slot; 30min: each period cut into 30-minute slots (a shorter rest at its end is not offered). */
export function slotTimes(settings: Pick<AppointmentSettingsBody, 'slotMode' | 'openingHours'>): SlotTime[] {
  if (settings.slotMode === 'halfDay') return settings.openingHours.map((p: OpeningPeriod) => ({ start: p.from, end: p.to }));
  return settings.openingHours.flatMap((p: OpeningPeriod) => {
    const slots: SlotTime[] = [];
    for (let m = minutesOf(p.from); m + SLOT_MINUTES <= minutesOf(p.to); m += SLOT_MINUTES) slots.push({ start: clockOf(m), end: clockOf(m + SLOT_MINUTES) });
    return slots;
  });
}

/** The slot's start and end instants (ISO, UTC) on `date`. */
export function timed(cal: WorkCalendar, date: string, slot: SlotTime): TimedSlot {
  const midnight = Date.parse(startOfDay(cal, date));
  return {
    ...slot,
    startsAt: new Date(midnight + minutesOf(slot.start) * MINUTE_MS).toISOString(),
    endsAt: new Date(midnight + minutesOf(slot.end) * MINUTE_MS).toISOString(),
  };
}

/** The last date open for booking seen on `today`. */
export const lastBookableDate = (today: string, daysAhead: number) => addCalendarDays(today, daysAhead);

/** The working days from `from` to `to` (both included) that are open for booking on `today`. */
export function bookableDates(cal: WorkCalendar, today: string, daysAhead: number, from = today, to = lastBookableDate(today, daysAhead)): string[] {
  const first = from > today ? from : today;
  const last = to < lastBookableDate(today, daysAhead) ? to : lastBookableDate(today, daysAhead);
  const dates: string[] = [];
  for (let d = first; d <= last; d = addCalendarDays(d, 1)) if (isWorkingDay(cal, d)) dates.push(d);
  return dates;
}

/** The slots of a working day still to come at `now`: a slot that has ended is no longer offered. */
export function offeredSlots(cal: WorkCalendar, settings: Pick<AppointmentSettingsBody, 'slotMode' | 'openingHours'>, date: string, now: string): TimedSlot[] {
  return slotTimes(settings).map((s) => timed(cal, date, s)).filter((s) => s.endsAt > now);
}
