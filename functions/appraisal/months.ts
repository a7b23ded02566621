/** Months (`yyyy-mm`) in the center's time zone and the appeal window on its working days. Pure. */
import { addWorkingDays, localDate, type WorkCalendar } from '#shared/calendar';

/** The month before the one `today` (`YYYY-MM-DD`) falls in. */
export function previousMonth(today: string): string {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The month is over in the center: its today is in a later month. */
export const monthIsOver = (month: string, today: string) => today.slice(0, 7) > month;

/** The last day staff may appeal: the n-th working day after the day the scores were published. */
export const appealDueOf = (cal: WorkCalendar, publishedAt: string, workingDays: number) => addWorkingDays(cal, localDate(cal, publishedAt), workingDays);
