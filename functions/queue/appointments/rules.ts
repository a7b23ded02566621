/**
 * The booking rules (预约规则). Pure: the caller passes the calendar, the
 * center's today and the instant.
 *  - A slot is bookable from today to `daysAhead` calendar days ahead, on a
 *    working day of the center's calendar (holidays off, 调休 weekends on),
 *    within the opening hours, until it ends.
 *  - Check-in at the kiosk opens 30 minutes before the slot starts and closes
 *    when it ends (a constant: the hall's practice, not a center setting).
 *  - A booking not checked in by the slot's end is missed; `missesToBlock`
 *    misses within 30 days block booking for `blockDays` calendar days.
 */
import type { AppointmentSettings, AppointmentSettingsBody } from '#schemas/api/appointments';
import { msg } from '#schemas/api/problems';
import { addCalendarDays, isWorkingDay, type WorkCalendar } from '#shared/calendar';
import type { FieldFault } from '#shared/errors';
import { secretsEqual } from '#shared/secrets';
import { lastBookableDate, minutesOf, slotTimes, timed, SLOT_MINUTES, type TimedSlot } from './slots.ts';

export const defaultSettings: AppointmentSettingsBody = {
  slotMode: 'halfDay',
  openingHours: [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '17:00' }],
  capacity: 20,
  daysAhead: 7,
  missesToBlock: 3,
  blockDays: 30,
};

export const CHECK_IN_OPENS_MINUTES = 30;
export const MISS_WINDOW_DAYS = 30;

/** The settings in force: the center's own item, else the defaults. */
export function effectiveSettings(item: Record<string, unknown> | undefined): AppointmentSettings {
  if (!item) return { ...defaultSettings, source: 'default' };
  const { slotMode, openingHours, capacity, capacityByCategory, daysAhead, missesToBlock, blockDays, updatedAt, updatedBy } = item as AppointmentSettings;
  return {
    slotMode, openingHours, capacity, ...(capacityByCategory ? { capacityByCategory } : {}), daysAhead, missesToBlock, blockDays,
    source: 'center', ...(updatedAt ? { updatedAt } : {}), ...(updatedBy ? { updatedBy } : {}),
  };
}

export const settingsBodyOf = ({ source: _s, updatedAt: _a, updatedBy: _b, ...body }: AppointmentSettings): AppointmentSettingsBody => body;

/** Opening periods that end before they start, overlap or come out of order, or are too short for one 30-minute slot. */
export function settingsErrors(s: AppointmentSettingsBody): FieldFault[] {
  const errors: FieldFault[] = [];
  s.openingHours.forEach((p, i) => {
    const path = `/body/openingHours/${i}`;
    const length = minutesOf(p.to) - minutesOf(p.from);
    if (length <= 0) errors.push({ path: `${path}/to`, code: 'out_of_order', message: msg(`须晚于开始时间 ${p.from}`, `must be after its start ${p.from}`) });
    else if (s.slotMode === '30min' && length < SLOT_MINUTES) errors.push({ path, code: 'too_short', message: msg('按 30 分钟分段时，每个时段至少 30 分钟', 'must last at least 30 minutes in 30-minute mode') });
    const before = s.openingHours[i - 1];
    if (before && minutesOf(p.from) < minutesOf(before.to)) errors.push({ path: `${path}/from`, code: 'overlap', message: msg(`须不早于上一时段的结束 ${before.to}`, `must not be before the previous period ends (${before.to})`) });
  });
  return errors;
}

export const capacityOf = (s: AppointmentSettingsBody, categoryCode: string) => s.capacityByCategory?.[categoryCode] ?? s.capacity;

export type SlotRefusal = 'past' | 'closed' | 'too-far';

/** The slot named by `date` and `start`, or why it cannot be booked at `now`. */
export function bookableSlot(cal: WorkCalendar, s: AppointmentSettingsBody, date: string, start: string, now: string, today: string): { slot: TimedSlot } | { refused: SlotRefusal } {
  if (date < today) return { refused: 'past' };
  if (date > lastBookableDate(today, s.daysAhead)) return { refused: 'too-far' };
  if (!isWorkingDay(cal, date)) return { refused: 'closed' };
  const time = slotTimes(s).find((t) => t.start === start);
  if (!time) return { refused: 'closed' };
  const slot = timed(cal, date, time);
  return slot.endsAt <= now ? { refused: 'past' } : { slot };
}

/** Whether check-in is open at `now` for a booking of this slot: early before, late after. */
export function checkInRefusal(slot: Pick<TimedSlot, 'startsAt' | 'endsAt'>, now: string): 'early' | 'late' | undefined {
  const opens = new Date(Date.parse(slot.startsAt) - CHECK_IN_OPENS_MINUTES * 60_000).toISOString();
  if (now < opens) return 'early';
  return now >= slot.endsAt ? 'late' : undefined;
}

/** The day booking opens again after a miss that made `misses` within the window, or none when they do not block. */
export function blockAfterMiss(misses: number, s: Pick<AppointmentSettingsBody, 'missesToBlock' | 'blockDays'>, today: string): string | undefined {
  return misses >= s.missesToBlock ? addCalendarDays(today, s.blockDays) : undefined;
}

/** The earliest instant a miss still counts at `now`. */
export const missWindowStart = (now: string) => new Date(Date.parse(now) - MISS_WINDOW_DAYS * 86_400_000).toISOString();

/** The code typed at the kiosk against the booking's: in constant time, whatever the lengths. */
export const codesMatch = (typed: string, booked: string): boolean => secretsEqual(typed, booked);

/** A name as staff lists show it: the first character, the rest starred (张三 → 张*). */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}
