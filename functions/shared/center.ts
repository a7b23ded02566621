/**
 * The center context (shared kernel): the center's profile, its working-day
 * calendar years and "today" in its time zone. The org domain maintains these
 * items through its API (org/store.ts writes them with these keys); every other
 * domain reads them only here, usually inside its own first batch read:
 *
 *   center profile   PK CENTER#<c>  SK PROFILE          { name, timeZone, code }
 *   calendar year    PK CENTER#<c>  SK CALENDAR#<yyyy>  { holidays, workdays }
 */
import { batchGetItems, itemAt, type Item, type ItemKey } from './db.ts';
import { localDate, workCalendar, type CalendarYear, type WorkCalendar } from './calendar.ts';
import { provisionalYear } from './provisional-calendar.ts';

/** Where a center that has not said otherwise keeps its calendar. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface CenterProfile {
  readonly centerId: string;
  readonly name: string;
  readonly timeZone: string;
  /** The prefix of the center's case numbers. */
  readonly code?: string;
}

/** The center's partition: org entries, and other domains' center-wide items. */
export const centerPk = (centerId: string) => `CENTER#${centerId}`;
/** The sort keys of the center's profile and (with the year after it) of its calendar years. */
export const centerSortKeys = { profile: 'PROFILE', calendarYear: 'CALENDAR#' } as const;
export const centerProfileKey = (centerId: string): ItemKey => ({ PK: centerPk(centerId), SK: centerSortKeys.profile });
export const calendarYearKey = (centerId: string, year: number): ItemKey => ({ PK: centerPk(centerId), SK: `${centerSortKeys.calendarYear}${year}` });

export const calendarYearOf = (item: Item, year: number): CalendarYear => ({ year, holidays: item.holidays as string[], workdays: item.workdays as string[] });

/**
 * The calendar years a deadline computed now can touch: last year, this year
 * and next (in UTC; no time zone is more than a day away from it, so the
 * center's own year is always among them).
 */
export function yearsAround(now: string): number[] {
  const year = new Date(now).getUTCFullYear();
  return [year - 1, year, year + 1];
}

export interface CenterContext {
  readonly centerId: string;
  readonly profile?: CenterProfile;
  readonly timeZone: string;
  /** The years that exist of `yearsAround(now)`, on the center's time zone. */
  readonly years: readonly CalendarYear[];
  /** Those years, and a provisional schedule for any other year a computation reaches (provisional-calendar.ts). */
  readonly calendar: WorkCalendar;
  /** The calendar date now in the center's time zone. */
  readonly today: string;
  readonly now: string;
}

/** The keys of a center context read now: add them to a domain's batch, read it back with `centerContextIn`. */
export const centerKeys = (centerId: string, now: string): ItemKey[] => [centerProfileKey(centerId), ...yearsAround(now).map((y) => calendarYearKey(centerId, y))];

export function centerContextIn(found: Map<string, Item>, centerId: string, now: string): CenterContext {
  const profile = itemAt(found, centerProfileKey(centerId)) as CenterProfile | undefined;
  const timeZone = profile?.timeZone ?? DEFAULT_TIME_ZONE;
  const years = yearsAround(now).flatMap((y) => {
    const item = itemAt(found, calendarYearKey(centerId, y));
    return item ? [calendarYearOf(item, y)] : [];
  });
  const calendar = workCalendar(years, timeZone, provisionalYear);
  return { centerId, ...(profile ? { profile: { centerId, name: profile.name, timeZone, ...(profile.code ? { code: profile.code } : {}) } } : {}), timeZone, years, calendar, today: localDate(calendar, now), now };
}

/** The same calendar years on another time zone (a case keeps the zone it was filed in). */
export const calendarOn = (center: CenterContext, timeZone: string): WorkCalendar =>
  timeZone === center.timeZone ? center.calendar : workCalendar(center.years, timeZone, provisionalYear);

/** A center context in a read of its own, with other keys the caller needs in the same batch. */
export async function readCenterContext(centerId: string, now: string, alsoRead: readonly ItemKey[] = []): Promise<{ center: CenterContext; found: Map<string, Item> }> {
  const found = await batchGetItems([...centerKeys(centerId, now), ...alsoRead]);
  return { center: centerContextIn(found, centerId, now), found };
}
