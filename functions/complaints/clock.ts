/**
 * The complaint's due dates on the center's working-day calendar (pure): each
 * step's last day is the n-th working day after the day it starts (that day
 * not counted), and a date counted through a year the center has not entered
 * is provisional (decision 61).
 */
import { addWorkingDays, CalendarYearMissingError, countedProvisionally, type WorkCalendar } from '#shared/calendar';
import { dueSoonFrom, overdueFrom, startOfDay, type Threshold } from '#shared/clock-rules';
import type { ComplaintRecord } from './lifecycle.ts';

export interface Due {
  readonly due: string;
  readonly provisional: boolean;
}

/** The n-th working day after `from` (a `YYYY-MM-DD` in the center's zone). */
export function dueAfter(cal: WorkCalendar, from: string, workingDays: number): Due {
  const due = addWorkingDays(cal, from, workingDays);
  return { due, provisional: countedProvisionally(cal, from, due) };
}

/**
 * The clock supervision watches (电子监察, DOMAIN.md's row for enquiries and
 * complaints): the assigned department's reply, while it has not replied. A
 * warning 2 working days before the due date, a yellow card once it is 1
 * working day past it, a red at 2. An extension moves the due date, and with
 * it every level. Acceptance is the center's own decision, not a department's:
 * no card (its lateness shows in the figures' acceptance rate).
 */
export const COMPLAINT_CLOCK = { warningWorkingDays: 2, yellowOverdueWorkingDays: 0, redOverdueWorkingDays: 1 } as const;

export const isClockWatched = (c: Pick<ComplaintRecord, 'state' | 'replyDue'>) => c.state === 'assigned' && c.replyDue !== undefined;

export function complaintThresholds(cal: WorkCalendar, c: Pick<ComplaintRecord, 'state' | 'filedAt' | 'replyDue' | 'acceptance'>): Threshold[] {
  if (!isClockWatched(c)) return [];
  const due = c.replyDue!;
  const from = c.acceptance?.at ?? c.filedAt;
  const at = (date: string) => (Date.parse(startOfDay(cal, date)) >= Date.parse(from) ? startOfDay(cal, date) : from);
  const level = (name: 'yellow' | 'red', days: number): Threshold => ({ clock: 'reply', kind: 'complaint', level: name, at: at(overdueFrom(cal, due, days)), due, overdueWorkingDays: days + 1 });
  try {
    return [
      { clock: 'reply', kind: 'complaint', level: 'warning', at: at(dueSoonFrom(cal, due, COMPLAINT_CLOCK.warningWorkingDays)), due },
      level('yellow', COMPLAINT_CLOCK.yellowOverdueWorkingDays),
      level('red', COMPLAINT_CLOCK.redOverdueWorkingDays),
    ];
  } catch (err) {
    // A year the center has not entered: no threshold rather than a wrong one.
    if (err instanceof CalendarYearMissingError) return [];
    throw err;
  }
}
