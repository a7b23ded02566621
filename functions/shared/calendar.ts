/**
 * The working-day calendar (工作日) of a center, and the time limits counted on it.
 *
 * Pure: no I/O and no clock — callers pass dates and instants. Limits of the
 * Administrative Licensing Law (行政许可法 arts. 42, 44, 45, 82) are counted in
 * working days: Monday–Friday unless a statutory holiday, Saturday/Sunday only when
 * an adjusted working day (调休). The schedule changes every year (the State Council
 * publishes it each autumn), so the center keeps one `CalendarYear` per year and a
 * computation that reaches a year nobody entered fails with `CalendarYearMissingError`
 * — never a silent weekends-only guess, which would put every deadline over Spring
 * Festival or National Day in the wrong place.
 *
 * Conventions (all half-open on the left, as Chinese law counts periods: 开始的当日
 * 不计入, "the day it starts is not counted", 民法典 art. 201; 行政许可法 art. 82 makes
 * the licensing limits working days):
 * - `workingDaysBetween(from, to)` counts working days d with from < d ≤ to;
 * - `addWorkingDays(date, n)` is the n-th working day after `date`;
 * - `deadline(start, limit)` does not count the day of acceptance.
 *
 * Dates are `YYYY-MM-DD` strings in the center's time zone; internally days are
 * integers (days since 1970-01-01) so that arithmetic never meets DST or offsets.
 */

/** One year's schedule as published (e.g. 国办发明电〔2025〕7号 for 2026). */
export type CalendarYear = {
  year: number;
  /** YYYY-MM-DD non-working days that would otherwise be weekdays or weekends (法定节假日 and the rest days around them). */
  holidays: string[];
  /** Adjusted working days (调休): weekend dates that are worked. */
  workdays: string[];
  /** Not the published schedule: made by provisional-calendar.ts for a year nobody entered. */
  provisional?: boolean;
};

/** Per-year precomputation: O(1) "is working", "how many up to", "the k-th". */
type YearTable = {
  readonly year: number;
  /** Day number of 1 January. */
  readonly first: number;
  readonly length: number;
  /** 1 when the day (index from 1 January) is a working day. */
  readonly working: Uint8Array;
  /** cum[i] = working days among indices 0..i. */
  readonly cum: Uint16Array;
  /** Day numbers of the working days, ascending. */
  readonly list: Int32Array;
};

export type WorkCalendar = {
  readonly timeZone: string;
  /** The years entered, ascending. */
  readonly years: readonly number[];
  /** Makes the schedule of a year not entered (provisional-calendar.ts), or none: that year is missing. */
  readonly fallback?: (year: number) => CalendarYear | undefined;
  /** @internal the entered years' tables, and fallback years' once built */
  readonly tables: Map<number, YearTable>;
  /** @internal the years whose table is provisional */
  readonly provisional: Set<number>;
  /** @internal formatter of instants to the center's calendar date */
  readonly dateFormat: Intl.DateTimeFormat;
};

/**
 * A computation needs a year the calendar lacks. The center's data is incomplete, not the
 * request: callers report it as a server-side problem and tell the center's admin.
 */
export class CalendarYearMissingError extends Error {
  constructor(readonly year: number) {
    super(
      `The working-day calendar has no entry for ${year}: an administrator must enter the ${year} holiday schedule ` +
        `(法定节假日 and 调休 working days) before time limits reaching into ${year} can be computed.`,
    );
    this.name = 'CalendarYearMissingError';
  }
}

/** The years given to `workCalendar` are inconsistent; `problems` lists every one found. */
export class InvalidCalendarError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid working-day calendar: ${problems.join('; ')}`);
    this.name = 'InvalidCalendarError';
  }
}

const DAY_MS = 86_400_000;
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 date-time with an explicit offset (Z or ±hh:mm); seconds and fractions optional. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Day number of a valid `YYYY-MM-DD`, or undefined. */
function tryDayNumber(date: string): number | undefined {
  const m = DATE_RE.exec(date);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC maps years 0..99 to 1900..1999; our range check below excludes them anyway.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

function dayNumber(date: string, name = 'date'): number {
  const n = typeof date === 'string' ? tryDayNumber(date) : undefined;
  if (n === undefined) throw new RangeError(`${name} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return n;
}

function dateString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const isWeekend = (day: number) => {
  const w = weekday(day);
  return w === 0 || w === 6;
};

function buildYear(y: CalendarYear, problems: string[]): YearTable | undefined {
  const first = Date.UTC(y.year, 0, 1) / DAY_MS;
  const length = Date.UTC(y.year + 1, 0, 1) / DAY_MS - first;
  const holidays = new Set<number>();
  const workdays = new Set<number>();
  const collect = (list: unknown, field: 'holidays' | 'workdays', into: Set<number>) => {
    if (!Array.isArray(list)) {
      problems.push(`${y.year}: ${field} must be a list of YYYY-MM-DD dates`);
      return;
    }
    for (const date of list) {
      const d = typeof date === 'string' ? tryDayNumber(date) : undefined;
      if (d === undefined) problems.push(`${y.year}: ${field} entry ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
      else if (d < first || d >= first + length) problems.push(`${y.year}: ${field} entry ${date} is not in ${y.year}`);
      else if (into.has(d)) problems.push(`${y.year}: ${field} lists ${date} twice`);
      else into.add(d);
    }
  };
  const before = problems.length;
  collect(y.holidays, 'holidays', holidays);
  collect(y.workdays, 'workdays', workdays);
  for (const d of workdays) {
    if (holidays.has(d)) problems.push(`${y.year}: ${dateString(d)} is both a holiday and an adjusted working day`);
    else if (!isWeekend(d)) problems.push(`${y.year}: adjusted working day ${dateString(d)} is not a Saturday or Sunday (weekdays are working days already)`);
  }
  if (problems.length > before) return undefined;

  const working = new Uint8Array(length);
  const cum = new Uint16Array(length);
  const list: number[] = [];
  for (let i = 0; i < length; i++) {
    const d = first + i;
    const w = workdays.has(d) || (!holidays.has(d) && !isWeekend(d));
    if (w) {
      working[i] = 1;
      list.push(d);
    }
    cum[i] = list.length;
  }
  return { year: y.year, first, length, working, cum, list: Int32Array.from(list) };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's calendar-date format, made once per zone: building an
 * Intl.DateTimeFormat costs ~1 ms, and every request builds a center's calendar.
 * Throws RangeError ("Invalid time zone specified") for an unknown zone.
 */
function dateFormatOf(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f;
}

/**
 * Builds a calendar from the years a center entered. Throws `InvalidCalendarError`
 * listing every problem (a date outside its year or malformed, a date both holiday
 * and adjusted working day, an adjusted working day on a weekday, a duplicate entry
 * or year) and `RangeError` for an unknown time zone.
 */
export function workCalendar(years: readonly CalendarYear[], timeZone = 'Asia/Shanghai', fallback?: (year: number) => CalendarYear | undefined): WorkCalendar {
  const dateFormat = dateFormatOf(timeZone);
  const problems: string[] = [];
  const tables = new Map<number, YearTable>();
  const seen = new Set<number>();
  for (const y of years) {
    if (!Number.isInteger(y.year) || y.year < MIN_YEAR || y.year > MAX_YEAR) {
      problems.push(`year ${JSON.stringify(y.year)} must be an integer from ${MIN_YEAR} to ${MAX_YEAR}`);
      continue;
    }
    if (seen.has(y.year)) {
      problems.push(`year ${y.year} is given twice`);
      continue;
    }
    seen.add(y.year);
    const table = buildYear(y, problems);
    if (table) tables.set(y.year, table);
  }
  if (problems.length > 0) throw new InvalidCalendarError(problems);
  const provisional = new Set(years.filter((y) => y.provisional && tables.has(y.year)).map((y) => y.year));
  return { timeZone, years: [...tables.keys()].sort((a, b) => a - b), ...(fallback ? { fallback } : {}), tables, provisional, dateFormat };
}

function table(cal: WorkCalendar, year: number): YearTable {
  const entered = cal.tables.get(year);
  if (entered) return entered;
  const made = cal.fallback?.(year);
  const t = made ? buildYear(made, []) : undefined;
  if (!t) throw new CalendarYearMissingError(year);
  cal.tables.set(year, t);
  cal.provisional.add(year);
  return t;
}

/**
 * Whether a date computed from `from` to `to` (either order) was counted on a
 * provisional year: one of the years between them is not the published schedule.
 */
export function countedProvisionally(cal: WorkCalendar, from: string, to: string): boolean {
  const [a, b] = [yearOf(dayNumber(from, 'from')), yearOf(dayNumber(to, 'to'))].sort((x, y) => x - y) as [number, number];
  for (let y = a; y <= b; y++) if (cal.provisional.has(y) || (!cal.tables.has(y) && cal.fallback?.(y))) return true;
  return false;
}

function isWorking(cal: WorkCalendar, day: number): boolean {
  const t = table(cal, yearOf(day));
  return t.working[day - t.first] === 1;
}

/** Working days d with a ≤ d ≤ b (0 when b < a); needs every year from a's to b's. */
function countInclusive(cal: WorkCalendar, a: number, b: number): number {
  if (b < a) return 0;
  let total = 0;
  for (let y = yearOf(a); y <= yearOf(b); y++) {
    const t = table(cal, y);
    const lo = Math.max(a, t.first) - t.first;
    const hi = Math.min(b, t.first + t.length - 1) - t.first;
    total += (t.cum[hi] ?? 0) - (lo > 0 ? (t.cum[lo - 1] ?? 0) : 0);
  }
  return total;
}

/** The n-th working day d > day (n ≥ 1); looks only at the days it passes. */
function nthAfter(cal: WorkCalendar, day: number, n: number): number {
  let p = day + 1;
  let rest = n;
  for (;;) {
    const t = table(cal, yearOf(p));
    const idx = p - t.first;
    const before = idx > 0 ? (t.cum[idx - 1] ?? 0) : 0;
    const available = t.list.length - before;
    if (rest <= available) return t.list[before + rest - 1] as number;
    rest -= available;
    p = t.first + t.length;
  }
}

/** The first working day d ≥ day. */
function firstOnOrAfter(cal: WorkCalendar, day: number): number {
  return isWorking(cal, day) ? day : nthAfter(cal, day, 1);
}

function checkCount(n: number, name: string) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${n}`);
}

/** Monday–Friday unless a holiday; Saturday/Sunday only if an adjusted working day. */
export function isWorkingDay(cal: WorkCalendar, date: string): boolean {
  return isWorking(cal, dayNumber(date));
}

/**
 * The n-th working day after `date` (`date` itself is not counted), n ≥ 0.
 *
 * n = 0 returns `date` when it is a working day, else the next working day: "zero
 * working days from here" must still be a day the center is open, so a deadline of
 * 0 (即办件, decided at the window) accepted on an open weekend falls on Monday.
 * Consequently for a non-working `date`, n = 0 and n = 1 give the same day.
 *
 * Inverse of `workingDaysBetween`: `workingDaysBetween(cal, d, addWorkingDays(cal, d, n)) === n`
 * for every working day d and n ≥ 0, and for every day d when n ≥ 1.
 */
export function addWorkingDays(cal: WorkCalendar, date: string, n: number): string {
  const day = dayNumber(date);
  checkCount(n, 'n');
  return dateString(n === 0 ? firstOnOrAfter(cal, day) : nthAfter(cal, day, n));
}

/** The number of working days d with from < d ≤ to; 0 when to ≤ from. */
export function workingDaysBetween(cal: WorkCalendar, from: string, to: string): number {
  const a = dayNumber(from, 'from');
  const b = dayNumber(to, 'to');
  return countInclusive(cal, a + 1, b);
}

/** The calendar date `days` after `date` (before it when negative), counting every day. */
export const addCalendarDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export const calendarDaysBetween = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

/** The calendar date `YYYY-MM-DD` of an ISO 8601 instant (with offset) in the calendar's time zone. */
export function localDate(cal: WorkCalendar, instant: string): string {
  return dateString(instantDay(cal, instant, 'instant'));
}

function instantMs(instant: string, name: string): number {
  const ms = typeof instant === 'string' && INSTANT_RE.test(instant) ? Date.parse(instant) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be an ISO 8601 instant with offset, got ${JSON.stringify(instant)}`);
  return ms;
}

function instantDay(cal: WorkCalendar, instant: string, name: string): number {
  const ms = instantMs(instant, name);
  const parts = cal.dateFormat.formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return dayNumber(`${part('year')}-${part('month')}-${part('day')}`, name);
}

/** A clock suspension (特别程序: hearing, testing, expert review…); `to` undefined while it lasts. */
export type Suspension = { from: string; to?: string };

/**
 * The calendar date (center time zone) on which a limit of `limitWorkingDays` ends,
 * for a case accepted at `startInstant`, or `undefined` while an open suspension
 * holds the clock before the limit has run out (the date is unknown until it
 * resumes; recompute then).
 *
 * - The day of acceptance is not counted (DESIGN §5; 民法典 art. 201): the
 *   limit is the `limitWorkingDays`-th working day after it. A limit of 0 (即办件)
 *   gives the acceptance day, or the next working day when accepted on a closed day;
 *   suspensions do not apply to it.
 * - Suspensions (art. 45, 特别程序) remove working days from the count, so the
 *   deadline moves back by the working days suspended. Suspensions are counted by
 *   calendar date, the same way the law counts every period: the day a suspension
 *   starts is not counted *as suspended* (the clock ran that day: the agency worked
 *   the case and sent the written notice) and the day it ends is (the clock restarts
 *   the next day, as after acceptance). A suspension from day A to day B thus
 *   suspends the days d with A < d ≤ B, i.e. `workingDaysBetween(A, B)` working days,
 *   whatever the hours — which is what a center's 特别程序 record (start date, end
 *   date, days) shows and what the applicant's written notice states. So a
 *   suspension started and ended on the same day moves nothing, Mon 15:00 → Wed 10:00
 *   moves 2 working days (Tue, Wed), and Fri 17:00 → Sun 20:00 moves nothing.
 *   Why by date and (A, B]: the limit itself is counted in whole dates, and the
 *   written notice the applicant gets for a special procedure states dates, not
 *   hours. "Any part of a day counts" would count both the start and the end day, so
 *   a one-hour inspection would add a day (two if it straddles midnight) and the
 *   start day would be both counted and suspended; "only whole 24-hour days" needs
 *   hours and a working-hours definition the law does not use. (A, B] is the law's
 *   own rule for periods applied to the suspension — its first day is not counted,
 *   its last day is — so every day after acceptance is either counted or suspended,
 *   exactly once.
 * - Overlapping suspensions count each day once. Days suspended on or before the day
 *   of acceptance, or after the limit has run out, change nothing.
 */
export function deadline(
  cal: WorkCalendar,
  startInstant: string,
  limitWorkingDays: number,
  suspensions: readonly Suspension[] = [],
): string | undefined {
  const start = instantDay(cal, startInstant, 'startInstant');
  checkCount(limitWorkingDays, 'limitWorkingDays');
  // Suspended days as (a, b]; b = Infinity while open. Validate all even for limit 0.
  const spans = suspensions.map((s, i) => {
    const fromMs = instantMs(s.from, `suspensions[${i}].from`);
    if (s.to === undefined) return { a: instantDay(cal, s.from, `suspensions[${i}].from`), b: Number.POSITIVE_INFINITY };
    if (instantMs(s.to, `suspensions[${i}].to`) < fromMs) throw new RangeError(`suspensions[${i}] ends before it starts`);
    return { a: instantDay(cal, s.from, `suspensions[${i}].from`), b: instantDay(cal, s.to, `suspensions[${i}].to`) };
  });
  if (limitWorkingDays === 0) return dateString(firstOnOrAfter(cal, start));

  spans.sort((x, y) => x.a - y.a);
  let p = start; // every day ≤ p is either counted or suspended
  let rest = limitWorkingDays;
  for (const { a, b } of spans) {
    if (b <= p) continue;
    if (a > p) {
      const available = countInclusive(cal, p + 1, a);
      if (rest <= available) return dateString(nthAfter(cal, p, rest));
      rest -= available;
    }
    if (b === Number.POSITIVE_INFINITY) return undefined;
    p = b;
  }
  return dateString(nthAfter(cal, p, rest));
}

/**
 * Working days left until `deadline`, seen on `today`: positive while time is left,
 * 0 on the deadline day, negative when overdue.
 *
 * Before the deadline it is `workingDaysBetween(today, deadline)` (a weekend before a
 * Monday deadline leaves 1). After it, minus the working days elapsed since the
 * deadline, but at least 1: a Saturday after a Friday deadline is overdue, and 0
 * would read "due today", so it is −1, as is the following Monday; Tuesday is −2.
 */
export function remainingWorkingDays(cal: WorkCalendar, today: string, deadline: string): number {
  const t = dayNumber(today, 'today');
  const d = dayNumber(deadline, 'deadline');
  if (t <= d) return countInclusive(cal, t + 1, d);
  return -Math.max(1, countInclusive(cal, d + 1, t));
}
