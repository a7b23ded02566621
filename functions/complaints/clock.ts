/**
 * The complaint's due dates on the center's working-day calendar (pure): each
 * step's last day is the n-th working day after the day it starts (that day
 * not counted), and a date counted through a year the center has not entered
 * is provisional (decision 61).
 */
import { addWorkingDays, countedProvisionally, type WorkCalendar } from '#shared/calendar';

export interface Due {
  readonly due: string;
  readonly provisional: boolean;
}

/** The n-th working day after `from` (a `YYYY-MM-DD` in the center's zone). */
export function dueAfter(cal: WorkCalendar, from: string, workingDays: number): Due {
  const due = addWorkingDays(cal, from, workingDays);
  return { due, provisional: countedProvisionally(cal, from, due) };
}
