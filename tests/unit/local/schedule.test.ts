import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseSchedule, UnsupportedScheduleError } from '../../../local/schedule.ts';

// Calendar anchors used below (UTC): 2024-03-13 is a Wednesday, 2024-03-15 a Friday,
// 2024-03-16 a Saturday, 2024-03-17 a Sunday, 2024-03-18 a Monday.

/** The successive firing times after `from`. */
function firings(expr: string, from: string, count: number): string[] {
  const schedule = parseSchedule(expr);
  const out: string[] = [];
  let t = new Date(from);
  for (let i = 0; i < count; i++) {
    t = schedule.nextAfter(t);
    out.push(t.toISOString());
  }
  return out;
}

describe('rate()', () => {
  it.each([
    // AWS examples: rate(1 minute), rate(5 minutes), rate(1 hour), rate(1 day); plus plural days
    ['rate(1 minute)', '2024-03-15T10:00:30.500Z', ['2024-03-15T10:01:30.500Z', '2024-03-15T10:02:30.500Z']],
    ['rate(5 minutes)', '2024-03-15T10:00:00.000Z', ['2024-03-15T10:05:00.000Z', '2024-03-15T10:10:00.000Z']],
    ['rate(1 hour)', '2024-03-15T23:30:00.000Z', ['2024-03-16T00:30:00.000Z', '2024-03-16T01:30:00.000Z']],
    ['rate(1 day)', '2024-02-28T06:00:00.000Z', ['2024-02-29T06:00:00.000Z', '2024-03-01T06:00:00.000Z']],
    ['rate(2 days)', '2024-12-31T00:00:00.000Z', ['2025-01-02T00:00:00.000Z', '2025-01-04T00:00:00.000Z']],
  ])('%s from %s', (expr, from, expected) => {
    expect(firings(expr, from, expected.length)).toEqual(expected);
  });

  it('adds exactly one period to any instant', () => {
    const schedule = parseSchedule('rate(7 minutes)');
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), (from) => {
        expect(schedule.nextAfter(from).getTime() - from.getTime()).toBe(7 * 60_000);
      }),
    );
  });
});

describe('cron()', () => {
  it.each([
    // AWS: "Run at 10:00 am (UTC+0) every day"
    ['cron(0 10 * * ? *)', '2024-03-15T09:30:00Z', ['2024-03-15T10:00:00.000Z', '2024-03-16T10:00:00.000Z']],
    ['cron(0 10 * * ? *)', '2024-03-15T10:00:00Z', ['2024-03-16T10:00:00.000Z']], // strictly after
    ['cron(0 10 * * ? *)', '2024-12-31T10:00:01Z', ['2025-01-01T10:00:00.000Z']],
    // AWS: "Run at 12:15 pm (UTC+0) every day"
    ['cron(15 12 * * ? *)', '2024-03-15T12:14:59.999Z', ['2024-03-15T12:15:00.000Z']],
    ['cron(15 12 * * ? *)', '2024-03-15T12:15:30Z', ['2024-03-16T12:15:00.000Z', '2024-03-17T12:15:00.000Z']],
    // AWS: "Run at 6:00 pm (UTC+0) every Monday through Friday"
    ['cron(0 18 ? * MON-FRI *)', '2024-03-15T17:00:00Z', ['2024-03-15T18:00:00.000Z', '2024-03-18T18:00:00.000Z']],
    ['cron(0 18 ? * MON-FRI *)', '2024-03-16T09:00:00Z', ['2024-03-18T18:00:00.000Z', '2024-03-19T18:00:00.000Z']],
    // AWS: "Run at 8:00 am (UTC+0) every 1st day of the month"
    ['cron(0 8 1 * ? *)', '2024-01-31T12:00:00Z', ['2024-02-01T08:00:00.000Z', '2024-03-01T08:00:00.000Z']],
    ['cron(0 8 1 * ? *)', '2024-12-01T08:00:00Z', ['2025-01-01T08:00:00.000Z']],
    // AWS: "Run every 15 minutes"
    [
      'cron(0/15 * * * ? *)',
      '2024-03-15T10:07:00Z',
      ['2024-03-15T10:15:00.000Z', '2024-03-15T10:30:00.000Z', '2024-03-15T10:45:00.000Z', '2024-03-15T11:00:00.000Z'],
    ],
    ['cron(0/15 * * * ? *)', '2024-03-15T23:59:59Z', ['2024-03-16T00:00:00.000Z']],
    // AWS: "Run every 10 minutes Monday through Friday"
    ['cron(0/10 * ? * MON-FRI *)', '2024-03-13T10:01:00Z', ['2024-03-13T10:10:00.000Z', '2024-03-13T10:20:00.000Z']],
    ['cron(0/10 * ? * MON-FRI *)', '2024-03-15T23:50:00Z', ['2024-03-18T00:00:00.000Z', '2024-03-18T00:10:00.000Z']],
    ['cron(0/10 * ? * MON-FRI *)', '2024-03-17T12:00:00Z', ['2024-03-18T00:00:00.000Z']],
    // AWS: "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)"
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-03-15T17:50:00Z', ['2024-03-15T17:55:00.000Z', '2024-03-18T08:00:00.000Z']],
    // AWS: "Run every 30 minutes Monday through Friday between 10:00 pm ... to 2:00 am" — hours 20-2 wrap
    // around midnight; the day-of-week applies to each calendar day, so Saturday 00:00 is skipped.
    ['cron(0/30 20-2 ? * MON-FRI *)', '2024-03-15T23:00:00Z', ['2024-03-15T23:30:00.000Z', '2024-03-18T00:00:00.000Z']],
    ['cron(0/30 20-2 ? * MON-FRI *)', '2024-03-18T02:00:00Z', ['2024-03-18T02:30:00.000Z', '2024-03-18T20:00:00.000Z']],
    // AWS CLI examples: every day at 12:00 pm; at 2:05 pm and 2:35 pm
    ['cron(0 12 * * ? *)', '2024-03-15T12:00:00Z', ['2024-03-16T12:00:00.000Z']],
    ['cron(5,35 14 * * ? *)', '2024-03-15T14:05:00Z', ['2024-03-15T14:35:00.000Z', '2024-03-16T14:05:00.000Z']],
    // Years, leap days, short months
    ['cron(0 0 1 1 ? 2030)', '2024-05-05T00:00:00Z', ['2030-01-01T00:00:00.000Z']],
    ['cron(0 0 29 2 ? *)', '2024-03-01T00:00:00Z', ['2028-02-29T00:00:00.000Z']],
    ['cron(0 0 31 * ? *)', '2024-04-01T00:00:00Z', ['2024-05-31T00:00:00.000Z', '2024-07-31T00:00:00.000Z']],
    // Day-of-week numbers: 1 = SUN ... 7 = SAT
    ['cron(0 0 ? * 1 *)', '2024-03-15T00:00:00Z', ['2024-03-17T00:00:00.000Z']],
    ['cron(0 0 ? * 7 *)', '2024-03-15T00:00:00Z', ['2024-03-16T00:00:00.000Z']],
    // A wrapping day range, and names in any case (JUL and WED contain L and W)
    ['cron(0 0 ? * FRI-MON *)', '2024-03-18T00:00:00Z', ['2024-03-22T00:00:00.000Z', '2024-03-23T00:00:00.000Z']],
    ['cron(0 9 ? jan-mar mon *)', '2024-03-26T10:00:00Z', ['2025-01-06T09:00:00.000Z']],
    ['cron(0 0 ? JUL WED *)', '2024-03-15T00:00:00Z', ['2024-07-03T00:00:00.000Z', '2024-07-10T00:00:00.000Z']],
    // Stepped range
    ['cron(10-50/20 * * * ? *)', '2024-03-15T10:50:00Z', ['2024-03-15T11:10:00.000Z', '2024-03-15T11:30:00.000Z']],
    // Month and year lists/ranges
    ['cron(30 6 15 MAR,SEP ? 2024-2025)', '2024-03-15T06:30:00Z', ['2024-09-15T06:30:00.000Z', '2025-03-15T06:30:00.000Z']],
  ])('%s after %s', (expr, from, expected) => {
    expect(firings(expr, from, expected.length)).toEqual(expected);
  });

  it('fails when no time is left before the last year', () => {
    expect(() => parseSchedule('cron(0 0 1 1 ? 2019-2022)').nextAfter(new Date('2023-01-01T00:00:00Z'))).toThrow(
      RangeError,
    );
  });

  it('refuses an invalid Date', () => {
    expect(() => parseSchedule('cron(0 10 * * ? *)').nextAfter(new Date(Number.NaN))).toThrow(TypeError);
  });

  it('daily cron lands on the given hour and minute within 24 hours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 23 }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (minute, hour, from) => {
          const next = parseSchedule(`cron(${minute} ${hour} * * ? *)`).nextAfter(from);
          expect(next.getTime()).toBeGreaterThan(from.getTime());
          expect(next.getTime() - from.getTime()).toBeLessThanOrEqual(24 * 3600_000);
          expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds(), next.getUTCMilliseconds()]).toEqual([
            hour,
            minute,
            0,
            0,
          ]);
        },
      ),
    );
  });
});

describe('rejections', () => {
  it.each([
    // rate(): value 1 needs the singular unit, values above 1 the plural
    ['rate(1 minutes)', /use "minute" for 1/],
    ['rate(5 minute)', /use "minute" for 1 and "minutes" for values above 1/],
    ['rate(1 hours)', /use "hour" for 1/],
    ['rate(0 minutes)', /N >= 1/],
    ['rate(-1 minutes)', /invalid rate expression/],
    ['rate(1.5 hours)', /invalid rate expression/],
    ['rate(1 week)', /invalid rate expression/],
    ['rate(minutes)', /invalid rate expression/],
    // cron(): six fields, exactly one "?" day field, values in range
    ['cron(0 10 * * ?)', /expected 6 fields.*got 5/],
    ['cron(0 10 * * ? * *)', /expected 6 fields.*got 7/],
    ['cron(0 10 * * * *)', /exactly one of Day-of-month and Day-of-week must be "\?"/],
    ['cron(0 10 ? * ? *)', /exactly one of Day-of-month and Day-of-week must be "\?"/],
    ['cron(0 10 1 * MON *)', /exactly one of Day-of-month and Day-of-week/],
    ['cron(? 10 * * ? *)', /invalid Minutes field.*only allowed in Day-of-month or Day-of-week/],
    ['cron(60 * * * ? *)', /invalid Minutes field "60".*not within 0-59/],
    ['cron(0 24 * * ? *)', /invalid Hours field/],
    ['cron(0 0 32 * ? *)', /invalid Day-of-month field/],
    ['cron(0 0 0 * ? *)', /invalid Day-of-month field/],
    ['cron(0 0 1 13 ? *)', /invalid Month field.*1-12 or JAN-DEC/],
    ['cron(0 0 1 FOO ? *)', /invalid Month field/],
    ['cron(0 0 ? * 8 *)', /invalid Day-of-week field.*1-7 or SUN-SAT/],
    ['cron(0 0 1 * ? 2200)', /invalid Year field/],
    ['cron(0 0 1 * ? 1969)', /invalid Year field/],
    ['cron(0 0 1 * ? 2022-2019)', /range 2022-2019 runs backwards/],
    ['cron(0/0 * * * ? *)', /not a positive step/],
    ['cron(0/5/5 * * * ? *)', /more than one "\/"/],
    ['cron(1-2-3 * * * ? *)', /is not a range/],
    ['cron(1,,2 * * * ? *)', /invalid Minutes field/],
    // Other schedule kinds
    ['at(2024-01-01T00:00:00)', /expected rate\(value unit\) or cron\(six fields\)/],
    ['every 5 minutes', /unsupported schedule expression/],
    ['', /unsupported schedule expression/],
  ])('refuses %s', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrowError(UnsupportedScheduleError);
    expect(() => parseSchedule(expr)).toThrowError(message);
  });

  it.each([
    // AWS CLI example "last Friday of each month during 2019 to 2022": L is valid AWS syntax we do not evaluate
    ['cron(15 10 ? * 6L 2019-2022)', /unsupported "L" \(last weekday of the month\) in the Day-of-week field/],
    ['cron(0 0 L * ? *)', /unsupported "L" \(last day of the month\) in the Day-of-month field/],
    ['cron(0 0 LW * ? *)', /unsupported "L"/],
    ['cron(0 0 3W * ? *)', /unsupported "W" \(nearest weekday\)/],
    ['cron(0 0 ? * 3#2 *)', /unsupported "#" \(nth weekday of the month\)/],
  ])('says %s is unsupported', (expr, message) => {
    expect(() => parseSchedule(expr)).toThrowError(UnsupportedScheduleError);
    expect(() => parseSchedule(expr)).toThrowError(message);
  });
});
