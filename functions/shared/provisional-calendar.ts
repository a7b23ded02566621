/**
 * Provisional calendar years (临时工作日历): the working-day schedule of a year
 * whose official notice the center has not entered yet, so that no deadline is
 * left blank. It holds the weekends and the statutory holidays of
 * 《全国年节及纪念日放假办法》 as revised in 2024 (in force from 2025): 元旦 1 day,
 * 春节 4 days (除夕 to 正月初三), 清明 1, 劳动节 2 (1–2 May), 端午 1, 中秋 1,
 * 国庆 3 (1–3 October). What only the State Council's yearly notice fixes is
 * not guessed: the rest days joined to the holidays, the adjusted working
 * weekends (调休) and the weekday given for a holiday on a weekend (补假). A
 * deadline counted on such a year is marked provisional and recomputed when
 * the official year is entered.
 *
 * The lunar and solar-term dates are a table (the Lambda bundles no lunar
 * library); tests/unit/shared/provisional-calendar.test.ts recomputes every row
 * with lunar-javascript.
 */
import { addCalendarDays, type CalendarYear } from './calendar.ts';

/** 除夕, 清明, 端午, 中秋 (MM-DD) per year. */
export const LUNAR_HOLIDAYS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  2025: ['01-28', '04-04', '05-31', '10-06'],
  2026: ['02-16', '04-05', '06-19', '09-25'],
  2027: ['02-05', '04-05', '06-09', '09-15'],
  2028: ['01-25', '04-04', '05-28', '10-03'],
  2029: ['02-12', '04-04', '06-16', '09-22'],
  2030: ['02-02', '04-05', '06-05', '09-12'],
  2031: ['01-22', '04-05', '06-24', '10-01'],
  2032: ['02-10', '04-04', '06-12', '09-19'],
  2033: ['01-30', '04-04', '06-01', '09-08'],
  2034: ['02-18', '04-05', '06-20', '09-27'],
  2035: ['02-07', '04-05', '06-10', '09-16'],
  2036: ['01-27', '04-04', '05-30', '10-04'],
  2037: ['02-14', '04-04', '06-18', '09-24'],
  2038: ['02-03', '04-05', '06-07', '09-13'],
  2039: ['01-23', '04-05', '05-27', '10-02'],
  2040: ['02-11', '04-04', '06-14', '09-20'],
  2041: ['01-31', '04-04', '06-03', '09-10'],
  2042: ['01-21', '04-04', '06-22', '09-28'],
  2043: ['02-09', '04-05', '06-11', '09-17'],
  2044: ['01-29', '04-04', '05-31', '10-05'],
  2045: ['02-16', '04-04', '06-19', '09-25'],
  2046: ['02-05', '04-04', '06-08', '09-15'],
  2047: ['01-25', '04-05', '05-29', '10-04'],
  2048: ['02-13', '04-04', '06-15', '09-22'],
  2049: ['02-01', '04-04', '06-04', '09-11'],
  2050: ['01-22', '04-04', '06-23', '09-30'],
  2051: ['02-10', '04-05', '06-13', '09-19'],
  2052: ['01-31', '04-04', '06-01', '09-07'],
  2053: ['02-18', '04-04', '06-20', '09-26'],
  2054: ['02-07', '04-04', '06-10', '09-16'],
  2055: ['01-27', '04-05', '05-30', '10-05'],
  2056: ['02-14', '04-04', '06-17', '09-24'],
  2057: ['02-03', '04-04', '06-06', '09-13'],
  2058: ['01-23', '04-04', '06-25', '10-02'],
  2059: ['02-11', '04-05', '06-14', '09-21'],
  2060: ['02-01', '04-04', '06-03', '09-09'],
};

/** The years a provisional schedule can be made for: the 2024 rules, and the table's reach. */
export const PROVISIONAL_YEARS = { first: 2025, last: 2060 } as const;


/** The provisional schedule of `year`, or undefined outside `PROVISIONAL_YEARS`. */
export function provisionalYear(year: number): CalendarYear | undefined {
  const lunar = LUNAR_HOLIDAYS[year];
  if (!lunar) return undefined;
  const [eve, qingming, duanwu, midAutumn] = lunar.map((md) => `${year}-${md}`) as [string, string, string, string];
  const holidays = [
    `${year}-01-01`,
    ...[0, 1, 2, 3].map((n) => addCalendarDays(eve, n)),
    qingming,
    `${year}-05-01`, `${year}-05-02`,
    duanwu,
    midAutumn,
    `${year}-10-01`, `${year}-10-02`, `${year}-10-03`,
  ];
  // 中秋 can fall on 1–3 October (2028, 2031…): one day off, counted once.
  return { year, holidays: [...new Set(holidays)].sort(), workdays: [], provisional: true };
}
