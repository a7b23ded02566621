/**
 * Rules of the center's profile and working-day calendar that a JSON Schema
 * cannot say. Every domain computes deadlines on these (shared/center.ts), so
 * what is stored here must always build a calendar: these are the checks
 * shared/calendar.ts makes, field by field and in both languages.
 */
import type { CalendarYearBody } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import { fault, problem, type FieldFault } from '#shared/errors';
import { orgProblems } from './problems.ts';

/** The day of the week of a `YYYY-MM-DD` date (0 = Sunday … 6 = Saturday). */
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * Every date outside its year, every date both holiday and working day, every
 * adjusted working day that is no weekend day. The schema has made sure each
 * entry is a real date, and that none is listed twice.
 */
export function calendarErrors(year: number, body: Pick<CalendarYearBody, 'holidays' | 'workdays'>): FieldFault[] {
  const errors: FieldFault[] = [];
  const inYear = (date: string) => date.startsWith(`${year}-`);
  for (const field of ['holidays', 'workdays'] as const) {
    body[field].forEach((date, i) => {
      if (!inYear(date)) errors.push(fault(`/body/${field}/${i}`, 'not_in_year', msg(`${date} 不在 ${year} 年内`, `${date} is not in ${year}`)));
    });
  }
  const holidays = new Set(body.holidays);
  body.workdays.forEach((date, i) => {
    if (!inYear(date)) return;
    const day = weekdayOf(date);
    if (holidays.has(date)) {
      errors.push(fault(`/body/workdays/${i}`, 'holiday_and_workday', msg(`${date} 不能既是节假日又是调休工作日`, `${date} is both a holiday and an adjusted working day`)));
    } else if (day !== 0 && day !== 6) {
      errors.push(fault(`/body/workdays/${i}`, 'workday_not_weekend', msg(`调休工作日 ${date} 不是周六或周日（工作日本来就上班）`, `adjusted working day ${date} is not a Saturday or Sunday (weekdays are working days already)`)));
    }
  });
  return errors;
}

/** 422 when a calendar year breaks its rules. */
export function checkCalendar(year: number, body: Pick<CalendarYearBody, 'holidays' | 'workdays'>): void {
  const errors = calendarErrors(year, body);
  if (errors.length) throw problem(orgProblems['calendar-invalid'], msg(`${year} 年的工作日历有误，见 errors。`, `The calendar of ${year} does not fit its year; see errors.`), errors);
}

/** 422 unless the runtime knows the IANA time zone (the center's dates are computed in it). */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw problem(orgProblems['time-zone-unknown'], msg(`无法识别时区 ${timeZone}。`, `${timeZone} is not a known time zone.`), [
      fault('/body/timeZone', 'unknown_time_zone', msg('不是可识别的 IANA 时区，例如 Asia/Shanghai', 'is not a known IANA time zone, e.g. Asia/Shanghai')),
    ]);
  }
}
