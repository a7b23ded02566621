/**
 * Provisional calendar years: the lunar table against lunar-javascript (a
 * well-kept lunar library, a dev dependency only), the holidays of the 2024
 * rules, and deadlines counted through a provisional year — marked so, and
 * moved when the official schedule replaces it.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { CaseClock } from '#schemas/api/cases';
import { calendar2026 } from '#shared/calendar-2026';
import { CalendarYearMissingError, countedProvisionally, deadline, isWorkingDay, workCalendar, type CalendarYear } from '#shared/calendar';
import { LUNAR_HOLIDAYS, PROVISIONAL_YEARS, provisionalYear } from '#shared/provisional-calendar';
import { deadlinesOf } from '../../../functions/cases/clock.ts';

interface SolarDay { toYmd(): string; next(days: number): SolarDay; getYear(): number; getMonth(): number; getDay(): number }
interface LunarDay { getSolar(): SolarDay; getJieQiTable(): Record<string, SolarDay> }
const { Lunar } = createRequire(import.meta.url)('lunar-javascript') as { Lunar: { fromYmd(y: number, m: number, d: number): LunarDay } };

const years = Array.from({ length: PROVISIONAL_YEARS.last - PROVISIONAL_YEARS.first + 1 }, (_, i) => PROVISIONAL_YEARS.first + i);

describe('the lunar table', () => {
  it('has a row for every provisional year and no other', () => {
    expect(Object.keys(LUNAR_HOLIDAYS).map(Number)).toEqual(years);
  });

  it.each(years)('%i: 除夕, 清明, 端午 and 中秋 as lunar-javascript computes them', (year) => {
    const eve = Lunar.fromYmd(year, 1, 1).getSolar().next(-1).toYmd();
    const qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明']!.toYmd();
    const duanwu = Lunar.fromYmd(year, 5, 5).getSolar().toYmd();
    const midAutumn = Lunar.fromYmd(year, 8, 15).getSolar().toYmd();
    expect(LUNAR_HOLIDAYS[year]!.map((md) => `${year}-${md}`)).toEqual([eve, qingming, duanwu, midAutumn]);
  });

  it("agrees with the 2026 official schedule's lunar holidays (国办发明电〔2025〕7号)", () => {
    for (const date of ['2026-02-16', '2026-04-05', '2026-06-19', '2026-09-25']) expect(calendar2026.holidays).toContain(date);
  });
});

describe('provisionalYear', () => {
  it('2027: the 13 days of the 2024 rules, no 调休, marked provisional', () => {
    expect(provisionalYear(2027)).toEqual({
      year: 2027,
      provisional: true,
      workdays: [],
      holidays: [
        '2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02',
        '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03',
      ],
    });
  });

  it('2028: 中秋 on 3 October is one day off, counted once', () => {
    const holidays = provisionalYear(2028)!.holidays;
    expect(holidays.filter((d) => d === '2028-10-03')).toHaveLength(1);
    expect(holidays).toHaveLength(12);
  });

  it('none before the 2024 rules took effect or beyond the table', () => {
    expect(provisionalYear(PROVISIONAL_YEARS.first - 1)).toBeUndefined();
    expect(provisionalYear(PROVISIONAL_YEARS.last + 1)).toBeUndefined();
  });
});

describe('a calendar with provisional years', () => {
  const provisional = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
  // An official 2027 that differs from the provisional one: Spring Festival 02-05..02-11 with 调休 on Sunday 01-31.
  const official2027: CalendarYear = { year: 2027, holidays: ['2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'], workdays: ['2027-01-31'] };
  const official = workCalendar([calendar2026, official2027], 'Asia/Shanghai', provisionalYear);

  it('counts a year nobody entered on its provisional schedule, where a strict calendar refuses', () => {
    expect(isWorkingDay(provisional, '2027-02-08')).toBe(false); // 正月初三
    expect(isWorkingDay(provisional, '2027-02-09')).toBe(true);
    expect(() => isWorkingDay(workCalendar([calendar2026]), '2027-02-09')).toThrow(CalendarYearMissingError);
  });

  it('says which computations touched a provisional year, and none once the year is entered', () => {
    expect(countedProvisionally(provisional, '2026-12-20', '2026-12-31')).toBe(false);
    expect(countedProvisionally(provisional, '2026-12-20', '2027-01-04')).toBe(true);
    expect(countedProvisionally(official, '2026-12-20', '2027-01-04')).toBe(false);
    expect(countedProvisionally(official, '2026-12-20', '2028-01-04')).toBe(true);
  });

  it('a 20-day limit accepted on 2027-01-20: provisional 2027-02-19, the official schedule moves it to 2027-02-23', () => {
    expect(deadline(provisional, '2027-01-20T02:00:00Z', 20)).toBe('2027-02-19');
    expect(deadline(official, '2027-01-20T02:00:00Z', 20)).toBe('2027-02-23');
  });

  const clock = (startedAt: string): CaseClock => ({
    startedAt, statutoryWorkingDays: 20, promisedWorkingDays: 5, extensionWorkingDays: 0, deliveryWorkingDays: 10, suspensions: [],
  });

  it('deadlinesOf marks deadlines provisional exactly when they reach a year not entered', () => {
    expect(deadlinesOf(provisional, clock('2026-11-02T02:00:00Z'))).toEqual({ statutoryDue: '2026-11-30', promisedDue: '2026-11-09' });
    expect(deadlinesOf(provisional, clock('2026-12-10T02:00:00Z'))).toEqual({ statutoryDue: '2027-01-08', promisedDue: '2026-12-17', provisional: true });
    expect(deadlinesOf(official, clock('2026-12-10T02:00:00Z'))).toEqual({ statutoryDue: '2027-01-08', promisedDue: '2026-12-17' });
  });
});
