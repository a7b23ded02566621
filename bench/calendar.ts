/**
 * A limit of 365 working days on a four-year calendar, counted 10 000 times:
 * the per-year tables keep a deadline's computation from walking day by day
 * (DESIGN §10). Reported, not asserted (it was a timed unit test, which a busy
 * machine fails for no fault of the code). `npx tsx bench/calendar.ts` alone.
 */
import { pathToFileURL } from 'node:url';
import { addWorkingDays, workCalendar } from '../functions/shared/calendar.ts';
import { calendar2026 } from '../functions/shared/calendar-2026.ts';
import { percentile } from './stats.ts';

export function calendarFigures(rounds = 7, calls = 10_000) {
  const years = [2026, 2027, 2028, 2029].map((year) => (year === 2026 ? calendar2026 : { year, holidays: [], workdays: [] }));
  const long = workCalendar(years);
  const perCallUs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) addWorkingDays(long, '2026-01-05', 365);
    perCallUs.push(((performance.now() - t0) * 1000) / calls);
  }
  return { addWorkingDays365: { calls, rounds, medianUsPerCall: Number(percentile(perCallUs, 50).toFixed(2)), maxUsPerCall: Number(Math.max(...perCallUs).toFixed(2)) } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(calendarFigures(), null, 2));
