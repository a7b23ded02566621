import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CalendarYearMissingError,
  InvalidCalendarError,
  addWorkingDays,
  deadline,
  isWorkingDay,
  localDate,
  remainingWorkingDays,
  workCalendar,
  workingDaysBetween,
  type Suspension,
} from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';

/**
 * SYNTHETIC 2027: weekends only, no holidays, no 调休. NOT the real 2027 schedule (its
 * notice was not yet published); it only lets limits run across the year boundary in
 * tests. Real 2027 would, for one, make 1 January a holiday.
 */
const SYNTHETIC_2027_WEEKENDS_ONLY = { year: 2027, holidays: [], workdays: [] };
/** SYNTHETIC 2028, weekends only, for the gap-year test. */
const SYNTHETIC_2028_WEEKENDS_ONLY = { year: 2028, holidays: [], workdays: [] };

const cal2026 = workCalendar([calendar2026]);
const cal = workCalendar([calendar2026, SYNTHETIC_2027_WEEKENDS_ONLY]);

// ---- An independent, naive reference (day by day, plain Date) --------------

const DAY = 86_400_000;
const toMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const next = (date: string, k = 1) => fmt(toMs(date) + k * DAY);
const HOLIDAYS_2026 = new Set(calendar2026.holidays);
const WORKDAYS_2026 = new Set(calendar2026.workdays);
function oracleWorking(date: string): boolean {
  const dow = new Date(toMs(date)).getUTCDay();
  const weekday = dow >= 1 && dow <= 5;
  if (date.startsWith('2026-')) return WORKDAYS_2026.has(date) || (weekday && !HOLIDAYS_2026.has(date));
  if (date.startsWith('2027-')) return weekday; // synthetic 2027
  throw new Error(`oracle has no ${date}`);
}
function oracleAdd(date: string, n: number): string {
  let d = date;
  if (n === 0) {
    while (!oracleWorking(d)) d = next(d);
    return d;
  }
  for (let count = 0; count < n; ) {
    d = next(d);
    if (oracleWorking(d)) count++;
  }
  return d;
}
/** Shanghai has no DST: its date is the UTC date of instant + 8 h. */
const shanghaiDate = (ms: number) => fmt(ms + 8 * 3600_000);
function oracleDeadline(startMs: number, limit: number, suspensions: { from: number; to?: number }[]): string | undefined {
  const start = shanghaiDate(startMs);
  if (limit === 0) return oracleAdd(start, 0);
  const suspended = (d: string) =>
    suspensions.some((s) => shanghaiDate(s.from) < d && (s.to === undefined || d <= shanghaiDate(s.to)));
  let d = start;
  for (let count = 0; count < limit; ) {
    d = next(d);
    if (suspensions.some((s) => s.to === undefined && shanghaiDate(s.from) < d)) return undefined;
    if (oracleWorking(d) && !suspended(d)) count++;
  }
  return d;
}

// ---- Arbitraries ----------------------------------------------------------

const JAN1_2026 = toMs('2026-01-01');
const date2026 = fc.integer({ min: 0, max: 364 }).map((i) => fmt(JAN1_2026 + i * DAY));
const workingDay2026 = date2026.filter(oracleWorking);
const iso = (ms: number) => new Date(ms).toISOString();
/** Any instant whose Shanghai date is in 2026. */
const START_MIN = Date.parse('2026-01-01T00:00:00+08:00');
const START_MAX = Date.parse('2026-12-31T23:59:59.999+08:00');
const instant2026 = fc.integer({ min: START_MIN, max: START_MAX });
/** A Shanghai instant on a given date at a random time of day. */
const at = (date: string, msOfDay: number) => Date.parse(`${date}T00:00:00+08:00`) + msOfDay;
const timeOfDay = fc.integer({ min: 0, max: DAY - 1 });

describe('workCalendar', () => {
  it('builds the official 2026 schedule (国办发明电〔2025〕7号) and agrees with a naive reference on all 365 days', () => {
    expect(cal2026.years).toEqual([2026]);
    expect(cal2026.timeZone).toBe('Asia/Shanghai');
    let working = 0;
    for (let i = 0; i < 365; i++) {
      const d = fmt(JAN1_2026 + i * DAY);
      expect(isWorkingDay(cal2026, d), d).toBe(oracleWorking(d));
      if (oracleWorking(d)) working++;
    }
    // 261 weekdays − 19 holidays on weekdays (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1,
    // 国庆 5) + 6 adjusted weekend days = 248.
    expect(working).toBe(248);
    expect(workingDaysBetween(cal2026, '2025-12-31', '2026-12-31')).toBe(248);
  });

  it('rejects inconsistent input, listing every problem', () => {
    const bad = () =>
      workCalendar([
        { year: 2026, holidays: ['2026-01-01', '2025-12-31', '2026-02-30', '2026-01-01'], workdays: ['2026-01-04', '2026-01-05'] },
        { year: 2026, holidays: [], workdays: [] },
        { year: 2027, holidays: ['2027-01-02'], workdays: ['2027-01-02'] },
      ]);
    expect(bad).toThrow(InvalidCalendarError);
    try {
      bad();
    } catch (e) {
      const problems = (e as InvalidCalendarError).problems;
      expect(problems).toEqual([
        '2026: holidays entry 2025-12-31 is not in 2026',
        '2026: holidays entry "2026-02-30" is not a calendar date YYYY-MM-DD',
        '2026: holidays lists 2026-01-01 twice',
        '2026: adjusted working day 2026-01-05 is not a Saturday or Sunday (weekdays are working days already)',
        'year 2026 is given twice',
        '2027: 2027-01-02 is both a holiday and an adjusted working day',
      ]);
    }
    expect(() => workCalendar([{ year: 26, holidays: [], workdays: [] }])).toThrow(/year 26 must be an integer/);
    expect(() => workCalendar([{ year: 2026, holidays: ['2026-1-1'], workdays: [] }])).toThrow(/not a calendar date/);
    expect(() => workCalendar([calendar2026], 'Mars/Olympus')).toThrow(RangeError);
  });

  it('accepts an empty list (every computation then needs its year)', () => {
    const empty = workCalendar([]);
    expect(() => isWorkingDay(empty, '2026-01-05')).toThrow(CalendarYearMissingError);
  });
});

describe('isWorkingDay', () => {
  it.each([
    ['2026-01-01', false, 'Thu, 元旦'],
    ['2026-01-03', false, 'Sat, 元旦'],
    ['2026-01-04', true, 'Sun, adjusted working day'],
    ['2026-01-05', true, 'Mon'],
    ['2026-01-10', false, 'Sat'],
    ['2026-02-14', true, 'Sat, adjusted working day before 春节'],
    ['2026-02-23', false, 'Mon, last day of 春节'],
    ['2026-02-24', true, 'Tue'],
    ['2026-06-19', false, 'Fri, 端午'],
    ['2026-09-20', true, 'Sun, adjusted working day'],
    ['2026-10-07', false, 'Wed, 国庆'],
    ['2026-10-10', true, 'Sat, adjusted working day'],
  ])('%s is working: %s (%s)', (date, expected) => {
    expect(isWorkingDay(cal2026, date)).toBe(expected);
  });

  it('rejects malformed dates', () => {
    for (const d of ['2026-02-30', '2026-2-3', '20260203', '2026-13-01', '', '2026-01-01T00:00:00Z']) {
      expect(() => isWorkingDay(cal2026, d), d).toThrow(RangeError);
    }
  });
});

describe('addWorkingDays and workingDaysBetween', () => {
  it.each([
    // Fri 02-13 + 1 → Sat 02-14, an adjusted working day.
    ['2026-02-13', 1, '2026-02-14'],
    // Fri 02-13 + 2 → Sat 02-14 (1), then 春节 02-15..02-23, Tue 02-24 (2).
    ['2026-02-13', 2, '2026-02-24'],
    // Wed 09-30 + 5 → 国庆 10-01..10-07 skipped; Thu 10-08 (1), Fri 10-09 (2),
    // Sat 10-10 adjusted (3), Sun 10-11 off, Mon 10-12 (4), Tue 10-13 (5).
    ['2026-09-30', 5, '2026-10-13'],
    // Thu 2025-12-31 is outside the calendar but not counted: Sun 01-04 adjusted (1).
    ['2025-12-31', 1, '2026-01-04'],
    // n = 0: the date itself when working …
    ['2026-09-30', 0, '2026-09-30'],
    ['2026-10-10', 0, '2026-10-10'],
    // … else the next working day (then n = 0 and n = 1 agree).
    ['2026-10-03', 0, '2026-10-08'],
    ['2026-10-03', 1, '2026-10-08'],
    ['2026-01-01', 0, '2026-01-04'],
  ])('%s + %i working days = %s', (date, n, expected) => {
    expect(addWorkingDays(cal2026, date, n)).toBe(expected);
  });

  it('counts working days in (from, to]', () => {
    expect(workingDaysBetween(cal2026, '2026-09-30', '2026-10-13')).toBe(5);
    expect(workingDaysBetween(cal2026, '2026-10-13', '2026-09-30')).toBe(0);
    expect(workingDaysBetween(cal2026, '2026-09-30', '2026-09-30')).toBe(0);
    expect(workingDaysBetween(cal2026, '2026-09-30', '2026-10-07')).toBe(0);
    expect(workingDaysBetween(cal2026, '2026-10-09', '2026-10-10')).toBe(1);
  });

  it('rejects a negative or fractional n', () => {
    expect(() => addWorkingDays(cal2026, '2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cal2026, '2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(cal2026, '2026-03-02', Number.NaN)).toThrow(RangeError);
  });

  it('property (2000 runs): workingDaysBetween(d, addWorkingDays(d, n)) === n for every working day d, n ≥ 0', () => {
    fc.assert(
      fc.property(workingDay2026, fc.integer({ min: 0, max: 250 }), (d, n) => {
        expect(workingDaysBetween(cal, d, addWorkingDays(cal, d, n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it('property (1000 runs): for any day d and n ≥ 1 they are inverse too', () => {
    fc.assert(
      fc.property(date2026, fc.integer({ min: 1, max: 250 }), (d, n) => {
        expect(workingDaysBetween(cal, d, addWorkingDays(cal, d, n))).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): addWorkingDays(d, workingDaysBetween(d, e)) === e for every working day e ≥ d', () => {
    fc.assert(
      fc.property(date2026, workingDay2026, (a, b) => {
        const [d, e] = a <= b ? [a, b] : [b, a];
        if (!oracleWorking(e)) return;
        expect(addWorkingDays(cal, d, workingDaysBetween(cal, d, e))).toBe(e);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): agrees with a naive day-by-day reference, across the year boundary', () => {
    // ≤ 250: the synthetic 2027 has 261 working days, so every result stays inside the calendar.
    fc.assert(
      fc.property(date2026, fc.integer({ min: 0, max: 250 }), (d, n) => {
        expect(addWorkingDays(cal, d, n)).toBe(oracleAdd(d, n));
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): never lands on a 2026 holiday or a plain weekend', () => {
    fc.assert(
      fc.property(date2026, fc.integer({ min: 0, max: 120 }), (d, n) => {
        const r = addWorkingDays(cal, d, n);
        expect(HOLIDAYS_2026.has(r)).toBe(false);
        const dow = new Date(toMs(r)).getUTCDay();
        if (dow === 0 || dow === 6) expect(WORKDAYS_2026.has(r)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): monotone — more days or a later start never give an earlier date', () => {
    fc.assert(
      fc.property(date2026, date2026, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 50 }), (a, b, n, extra) => {
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays(cal, d1, n) <= addWorkingDays(cal, d1, n + extra)).toBe(true);
        expect(addWorkingDays(cal, d1, n) <= addWorkingDays(cal, d2, n)).toBe(true);
        // Strictly later, except n = 0 from a closed day, which already gives the next working day (= n = 1).
        if (extra > 0 && (n > 0 || oracleWorking(d1) || extra > 1)) expect(addWorkingDays(cal, d1, n) < addWorkingDays(cal, d1, n + extra)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  // Its speed is a figure of bench/calendar.ts.
  it('a limit of 365 working days reaches across years', () => {
    const years = [2026, 2027, 2028, 2029].map((year) => (year === 2026 ? calendar2026 : { year, holidays: [], workdays: [] })); // 2027+ synthetic
    const long = workCalendar(years);
    const last = addWorkingDays(long, '2026-01-05', 365);
    expect(last > '2027-01-01').toBe(true);
    expect(workingDaysBetween(long, '2026-01-05', last)).toBe(365);
    expect(deadline(long, '2026-01-05T09:00:00+08:00', 365)).toBe(last);
  });
});

describe('deadline', () => {
  it('accepted Wed 2026-09-30 with a 5 working-day limit ends Tue 2026-10-13', () => {
    // The day of acceptance (09-30) is not counted. 国庆 10-01..10-07 is skipped;
    // Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 adjusted working day (3), Sun 10-11 off,
    // Mon 10-12 (4), Tue 10-13 (5).
    expect(deadline(cal2026, '2026-09-30T10:00:00+08:00', 5, [])).toBe('2026-10-13');
  });

  it('accepted Thu 2026-04-30 with the statutory 20 working days ends Mon 2026-06-01', () => {
    // 04-30 not counted; 劳动节 05-01..05-05 skipped; 05-06 (1), 05-07 (2), 05-08 (3),
    // Sat 05-09 adjusted (4), 05-11..05-15 (5–9), 05-18..05-22 (10–14),
    // 05-25..05-29 (15–19), Mon 06-01 (20).
    expect(deadline(cal2026, '2026-04-30T16:45:00+08:00', 20)).toBe('2026-06-01');
  });

  it('takes the start day in the center time zone, whatever the offset of the instant', () => {
    // 2026-09-29T16:30Z is 09-30 00:30 in Shanghai.
    expect(deadline(cal2026, '2026-09-29T16:30:00Z', 5)).toBe('2026-10-13');
    expect(localDate(cal2026, '2026-09-29T16:30:00Z')).toBe('2026-09-30');
    // 2026-09-29T15:59:59Z is 09-29 23:59:59: Tue 09-29 not counted; 09-30 (1),
    // 10-08 (2), 10-09 (3), 10-10 (4), 10-12 (5).
    expect(deadline(cal2026, '2026-09-29T15:59:59Z', 5)).toBe('2026-10-12');
    expect(deadline(cal2026, '2026-09-29T23:59:59-08:00', 5)).toBe('2026-10-13'); // = 09-30 15:59:59 Shanghai
    // Another center's zone: 2026-09-30T20:00Z is still 09-30 in Urumqi (+06:00) only until 18:00Z.
    const urumqi = workCalendar([calendar2026], 'Asia/Urumqi');
    expect(localDate(urumqi, '2026-09-30T17:59:59Z')).toBe('2026-09-30');
    expect(localDate(urumqi, '2026-09-30T18:00:00Z')).toBe('2026-10-01');
  });

  it('a limit of 0 (即办件) ends on the day of acceptance, or the next working day when accepted on a closed day', () => {
    expect(deadline(cal2026, '2026-09-30T10:00:00+08:00', 0)).toBe('2026-09-30');
    expect(deadline(cal2026, '2026-10-03T10:00:00+08:00', 0)).toBe('2026-10-08');
    expect(deadline(cal2026, '2026-09-30T10:00:00+08:00', 0, [{ from: '2026-09-30T11:00:00+08:00' }])).toBe('2026-09-30');
  });

  describe('suspensions (特别程序), counted by date: a suspension from day A to day B suspends the days in (A, B]', () => {
    // Accepted Mon 03-02; limit 5: Tue 03-03 (1) … Fri 03-06 (4), Mon 03-09 (5).
    const start = '2026-03-02T10:00:00+08:00';
    const base = deadline(cal2026, start, 5);
    const withS = (...s: Suspension[]) => deadline(cal2026, start, 5, s);

    it('without suspension', () => expect(base).toBe('2026-03-09'));

    it('Mon 15:00 → Wed 10:00 suspends Tue and Wed: +2 working days', () => {
      expect(withS({ from: '2026-03-02T15:00:00+08:00', to: '2026-03-04T10:00:00+08:00' })).toBe('2026-03-11');
    });

    it('a suspension that starts and ends on the same day moves nothing', () => {
      expect(withS({ from: '2026-03-03T09:00:00+08:00', to: '2026-03-03T17:00:00+08:00' })).toBe(base);
    });

    it('overnight Tue 17:00 → Wed 09:00 suspends Wed: +1', () => {
      expect(withS({ from: '2026-03-03T17:00:00+08:00', to: '2026-03-04T09:00:00+08:00' })).toBe('2026-03-10');
    });

    it('Fri 17:00 → Sun 20:00 (non-working days only) moves nothing', () => {
      expect(withS({ from: '2026-03-06T17:00:00+08:00', to: '2026-03-08T20:00:00+08:00' })).toBe(base);
    });

    it('a suspension over a holiday moves only the working days it covers', () => {
      // Accepted Tue 09-29, limit 5 → 10-12 (see above). Suspended (09-30, 10-08]: only Thu 10-08 is working.
      const s = [{ from: '2026-09-30T12:00:00+08:00', to: '2026-10-08T12:00:00+08:00' }];
      expect(deadline(cal2026, '2026-09-29T10:00:00+08:00', 5, s)).toBe('2026-10-13');
    });

    it('days on or before the day of acceptance, or after the limit ran out, change nothing', () => {
      expect(withS({ from: '2026-02-25T09:00:00+08:00', to: '2026-03-02T09:00:00+08:00' })).toBe(base);
      expect(withS({ from: '2026-03-09T10:00:00+08:00', to: '2026-03-20T10:00:00+08:00' })).toBe(base);
      // Started before acceptance, ended after: (02-27, 03-04] ∩ after 03-02 = Tue, Wed.
      expect(withS({ from: '2026-02-27T09:00:00+08:00', to: '2026-03-04T09:00:00+08:00' })).toBe('2026-03-11');
    });

    it('overlapping suspensions count each day once', () => {
      // (03-02, 03-04] ∪ (03-03, 03-05] = Tue, Wed, Thu: +3; the order given does not matter.
      const a = { from: '2026-03-02T15:00:00+08:00', to: '2026-03-04T10:00:00+08:00' };
      const b = { from: '2026-03-03T15:00:00+08:00', to: '2026-03-05T10:00:00+08:00' };
      expect(withS(a, b)).toBe('2026-03-12');
      expect(withS(b, a)).toBe('2026-03-12');
      expect(withS(a, a)).toBe('2026-03-11');
    });

    it('two separate suspensions add up', () => {
      const a = { from: '2026-03-02T15:00:00+08:00', to: '2026-03-03T10:00:00+08:00' }; // Tue
      const b = { from: '2026-03-05T15:00:00+08:00', to: '2026-03-06T10:00:00+08:00' }; // Fri
      expect(withS(a, b)).toBe('2026-03-11');
    });

    it('an open suspension leaves the deadline unknown (undefined) while the limit has not run out', () => {
      expect(withS({ from: '2026-03-04T10:00:00+08:00' })).toBeUndefined();
      expect(withS({ from: '2026-03-02T11:00:00+08:00' })).toBeUndefined();
      // … but a limit already used up stays where it was.
      expect(withS({ from: '2026-03-09T10:00:00+08:00' })).toBe(base);
      expect(withS({ from: '2026-03-12T10:00:00+08:00' })).toBe(base);
      // After an earlier closed one.
      expect(withS({ from: '2026-03-02T15:00:00+08:00', to: '2026-03-04T10:00:00+08:00' }, { from: '2026-03-10T10:00:00+08:00' })).toBeUndefined();
      expect(withS({ from: '2026-03-02T15:00:00+08:00', to: '2026-03-04T10:00:00+08:00' }, { from: '2026-03-11T10:00:00+08:00' })).toBe('2026-03-11');
    });

    it('rejects malformed instants and a suspension ending before it starts', () => {
      expect(() => deadline(cal2026, '2026-03-02T10:00:00', 5)).toThrow(/with offset/);
      expect(() => deadline(cal2026, '2026-03-02', 5)).toThrow(RangeError);
      expect(() => deadline(cal2026, start, -1)).toThrow(RangeError);
      expect(() => deadline(cal2026, start, 2.5)).toThrow(RangeError);
      expect(() => withS({ from: '2026-03-04T10:00:00+08:00', to: '2026-03-03T10:00:00+08:00' })).toThrow(/ends before it starts/);
      expect(() => withS({ from: 'yesterday' })).toThrow(/suspensions\[0\]\.from/);
    });
  });

  const suspensionArb = (startMs: number) =>
    fc.record({
      offset: fc.integer({ min: -20 * DAY, max: 150 * DAY }),
      length: fc.integer({ min: 0, max: 40 * DAY }),
      open: fc.integer({ min: 0, max: 9 }).map((i) => i === 0), // 10 % open
    }).map(({ offset, length, open }) => ({ from: startMs + offset, ...(open ? {} : { to: startMs + offset + length }) }));

  it('property (1000 runs): agrees with a naive day-by-day reference, with random (also open, overlapping) suspensions', () => {
    fc.assert(
      fc.property(
        instant2026.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: 120 }), fc.array(suspensionArb(s), { maxLength: 3 }))),
        ([startMs, limit, sus]) => {
          const input = sus.map((s) => ({ from: iso(s.from), ...(s.to === undefined ? {} : { to: iso(s.to) }) }));
          expect(deadline(cal, iso(startMs), limit, input)).toBe(oracleDeadline(startMs, limit, sus));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): a deadline never lands on a non-working day', () => {
    fc.assert(
      fc.property(
        instant2026.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: 150 }), fc.array(suspensionArb(s), { maxLength: 3 }))),
        ([startMs, limit, sus]) => {
          const input = sus.map((s) => ({ from: iso(s.from), ...(s.to === undefined ? {} : { to: iso(s.to) }) }));
          const d = deadline(cal, iso(startMs), limit, input);
          if (d !== undefined) expect(oracleWorking(d)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): monotone in the limit', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 50 }), (startMs, limit, extra) => {
        const a = deadline(cal, iso(startMs), limit) as string;
        const b = deadline(cal, iso(startMs), limit + extra) as string;
        expect(a <= b).toBe(true);
        // Limit 0 on a closed day already gives the next working day, which limit 1 also gives.
        const startWorking = oracleWorking(shanghaiDate(startMs));
        expect(workingDaysBetween(cal, a, b)).toBe(limit > 0 || startWorking ? extra : Math.max(0, extra - 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): a suspension of k whole working days before the deadline moves it by exactly k working days', () => {
    fc.assert(
      fc.property(
        instant2026,
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 30 }),
        timeOfDay,
        timeOfDay,
        (startMs, limit, pick, k, t1, t2) => {
          const start = shanghaiDate(startMs);
          const base = deadline(cal, iso(startMs), limit) as string;
          // A = a day from the day of acceptance to the day before the deadline; B = k working days after A.
          const span = Math.round((toMs(base) - toMs(start)) / DAY);
          const a = next(start, pick % span);
          const b = k === 0 ? a : addWorkingDays(cal, a, k);
          const fromMs = at(a, t1);
          const toMsB = Math.max(fromMs, at(b, t2)); // same day: any order of times
          const moved = deadline(cal, iso(startMs), limit, [{ from: iso(fromMs), to: iso(toMsB) }]) as string;
          expect(workingDaysBetween(cal, base, moved)).toBe(k);
          expect(moved).toBe(addWorkingDays(cal, base, k));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): suspensions covering only non-working days move nothing', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 120 }), timeOfDay, timeOfDay, fc.nat(), (startMs, limit, offset, t1, t2, pick) => {
        const a = next(shanghaiDate(startMs), offset);
        // B in [A, next working day after A): (A, B] holds no working day.
        const firstWorking = addWorkingDays(cal, a, 1);
        const gap = Math.round((toMs(firstWorking) - toMs(a)) / DAY); // ≥ 1
        const b = next(a, pick % gap);
        expect(workingDaysBetween(cal, a, b)).toBe(0);
        const fromMs = at(a, t1);
        const s = { from: iso(fromMs), to: iso(Math.max(fromMs, at(b, t2))) };
        expect(deadline(cal, iso(startMs), limit, [s])).toBe(deadline(cal, iso(startMs), limit));
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): suspensions starting on or after the deadline day move nothing', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), timeOfDay, fc.boolean(), (startMs, limit, after, length, t, open) => {
        const base = deadline(cal, iso(startMs), limit) as string;
        const fromMs = at(next(base, after), t);
        const s = open ? { from: iso(fromMs) } : { from: iso(fromMs), to: iso(fromMs + length * DAY) };
        expect(deadline(cal, iso(startMs), limit, [s])).toBe(base);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('year boundaries', () => {
  it('a limit from December runs into January with both years entered (2027 SYNTHETIC, weekends only)', () => {
    // Accepted Fri 2026-12-25: Mon 12-28 (1), 12-29 (2), 12-30 (3), Thu 12-31 (4),
    // Fri 2027-01-01 (5 — a working day only in the synthetic 2027), Mon 01-04 (6) … Fri 01-08 (10).
    expect(deadline(cal, '2026-12-25T10:00:00+08:00', 10)).toBe('2027-01-08');
    expect(workingDaysBetween(cal, '2026-12-25', '2027-01-08')).toBe(10);
    expect(addWorkingDays(cal, '2026-12-31', 1)).toBe('2027-01-01');
    expect(remainingWorkingDays(cal, '2026-12-31', '2027-01-08')).toBe(6);
  });

  it('throws CalendarYearMissingError, naming the year and the admin, when a computation needs a year not entered', () => {
    const err = (() => {
      try {
        addWorkingDays(cal2026, '2026-12-30', 5);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CalendarYearMissingError);
    expect((err as CalendarYearMissingError).year).toBe(2027);
    expect((err as Error).message).toMatch(/2027/);
    expect((err as Error).message).toMatch(/administrator must enter/);
    expect(() => deadline(cal2026, '2026-12-25T10:00:00+08:00', 10)).toThrow(CalendarYearMissingError);
    expect(() => isWorkingDay(cal2026, '2027-01-04')).toThrow(CalendarYearMissingError);
    expect(() => isWorkingDay(cal2026, '2025-12-31')).toThrow(/2025/);
    expect(() => workingDaysBetween(cal2026, '2026-12-01', '2027-01-05')).toThrow(CalendarYearMissingError);
    expect(() => remainingWorkingDays(cal2026, '2027-01-05', '2026-12-31')).toThrow(CalendarYearMissingError);
    // A deadline found before the boundary needs only 2026; so does a count starting on 2025-12-31 (not counted).
    expect(addWorkingDays(cal2026, '2026-12-30', 1)).toBe('2026-12-31');
    expect(workingDaysBetween(cal2026, '2025-12-31', '2026-01-05')).toBe(2); // Sun 01-04 adjusted, Mon 01-05
  });

  it('a gap year is missing too, even when a later year is entered (2028 SYNTHETIC)', () => {
    const gap = workCalendar([calendar2026, SYNTHETIC_2028_WEEKENDS_ONLY]);
    expect(() => addWorkingDays(gap, '2026-12-30', 5)).toThrow(expect.objectContaining({ year: 2027 }));
    // A suspension that covers all of 2027 needs no 2027 schedule: those days are not counted anyway.
    const s = [{ from: '2026-12-31T10:00:00+08:00', to: '2028-01-02T10:00:00+08:00' }];
    // Accepted Wed 12-30: Thu 12-31 (1); (12-31, 2028-01-02] suspended; Mon 2028-01-03 (2), Tue 01-04 (3).
    expect(deadline(gap, '2026-12-30T09:00:00+08:00', 3, s)).toBe('2028-01-04');
  });

  it('property (1000 runs): with 2026 only, a result is a 2026 date or CalendarYearMissingError(2027) — never a weekends-only guess', () => {
    fc.assert(
      fc.property(date2026, fc.integer({ min: 0, max: 300 }), (d, n) => {
        let r: string | undefined;
        try {
          r = addWorkingDays(cal2026, d, n);
        } catch (e) {
          expect(e).toBeInstanceOf(CalendarYearMissingError);
          expect((e as CalendarYearMissingError).year).toBe(2027);
          // Throws only when 2026 truly does not hold the answer.
          const left = workingDaysBetween(cal2026, d, '2026-12-31') + (n === 0 && isWorkingDay(cal2026, d) ? 1 : 0);
          expect(n === 0 ? left === 0 : left < n).toBe(true);
          return;
        }
        expect(r.startsWith('2026-')).toBe(true);
        expect(r).toBe(oracleAdd(d, n));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('remainingWorkingDays', () => {
  it('positive before, 0 on the deadline day, negative after', () => {
    const due = '2026-10-13';
    expect(remainingWorkingDays(cal2026, '2026-09-30', due)).toBe(5);
    expect(remainingWorkingDays(cal2026, '2026-10-03', due)).toBe(5); // holiday: 10-08, 09, 10, 12, 13 remain
    expect(remainingWorkingDays(cal2026, '2026-10-12', due)).toBe(1);
    expect(remainingWorkingDays(cal2026, due, due)).toBe(0);
    expect(remainingWorkingDays(cal2026, '2026-10-14', due)).toBe(-1);
    expect(remainingWorkingDays(cal2026, '2026-10-16', due)).toBe(-3);
  });

  it('a closed day after the deadline is already overdue (−1, not 0)', () => {
    // Deadline Fri 03-06: Sat −1, Sun −1, Mon −1 (the first working day late), Tue −2.
    expect(remainingWorkingDays(cal2026, '2026-03-07', '2026-03-06')).toBe(-1);
    expect(remainingWorkingDays(cal2026, '2026-03-08', '2026-03-06')).toBe(-1);
    expect(remainingWorkingDays(cal2026, '2026-03-09', '2026-03-06')).toBe(-1);
    expect(remainingWorkingDays(cal2026, '2026-03-10', '2026-03-06')).toBe(-2);
    // A weekend before a Monday deadline still leaves Monday.
    expect(remainingWorkingDays(cal2026, '2026-03-07', '2026-03-09')).toBe(1);
  });

  it('property (1000 runs): remaining(d, addWorkingDays(d, n)) === n; sign matches today vs deadline; never increases as days pass', () => {
    fc.assert(
      fc.property(workingDay2026, fc.integer({ min: 0, max: 200 }), date2026, (d, n, today) => {
        const due = addWorkingDays(cal, d, n);
        expect(remainingWorkingDays(cal, d, due)).toBe(n);
        const r = remainingWorkingDays(cal, today, due);
        expect(r < 0).toBe(today > due);
        expect(r === 0).toBe(today <= due && workingDaysBetween(cal, today, due) === 0);
        expect(remainingWorkingDays(cal, next(today), due) <= r).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
