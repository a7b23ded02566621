/**
 * EventBridge schedule expressions for the local cloud's scheduler.
 *
 * Supports `rate(value unit)` and the six-field `cron(Minutes Hours Day-of-month
 * Month Day-of-week Year)` syntax of the EventBridge user guide, evaluated in UTC
 * with one-minute resolution. The `L`, `W` and `#` day wildcards are refused with
 * UnsupportedScheduleError rather than approximated, so a schedule either fires
 * exactly when AWS would or fails loudly at startup.
 */

export class UnsupportedScheduleError extends Error {
  override name = 'UnsupportedScheduleError';
}

export interface Schedule {
  /** The first firing instant strictly after `from`. */
  nextAfter(from: Date): Date;
}

export function parseSchedule(expr: string): Schedule {
  const rate = /^rate\((.*)\)$/.exec(expr.trim());
  if (rate) return parseRate(rate[1] ?? '', expr);
  const cron = /^cron\((.*)\)$/.exec(expr.trim());
  if (cron) return parseCron(cron[1] ?? '', expr);
  throw new UnsupportedScheduleError(
    `unsupported schedule expression ${JSON.stringify(expr)}: expected rate(value unit) or cron(six fields)`,
  );
}

// ---------------------------------------------------------------------------
// rate()

const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };

function parseRate(body: string, expr: string): Schedule {
  const m = /^\s*(\d+)\s+(minute|hour|day)(s?)\s*$/.exec(body);
  const value = Number(m?.[1]);
  const unitMs = UNIT_MS[m?.[2] ?? ''];
  if (!m || unitMs === undefined || !Number.isSafeInteger(value) || value < 1) {
    throw new UnsupportedScheduleError(
      `invalid rate expression ${JSON.stringify(expr)}: expected rate(N minute|minutes|hour|hours|day|days) with N >= 1`,
    );
  }
  // AWS: "If the value is equal to 1, then the unit must be singular ... greater than 1, plural".
  const plural = m[3] === 's';
  if (plural !== value > 1) {
    throw new UnsupportedScheduleError(
      `invalid rate expression ${JSON.stringify(expr)}: use "${m[2]}" for 1 and "${m[2]}s" for values above 1`,
    );
  }
  const period = value * unitMs;
  return { nextAfter: (from) => new Date(checkDate(from).getTime() + period) };
}

// ---------------------------------------------------------------------------
// cron()

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names usable instead of numbers; index 0 stands for `min`. */
  names?: readonly string[];
  /** Only the two day fields accept `?`. */
  question?: boolean;
  /** Ranges like 20-2 (hours) wrap past the maximum; meaningless for years. */
  wraps: boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS = {
  minutes: { name: 'Minutes', min: 0, max: 59, wraps: true },
  hours: { name: 'Hours', min: 0, max: 23, wraps: true },
  dayOfMonth: { name: 'Day-of-month', min: 1, max: 31, question: true, wraps: true },
  month: { name: 'Month', min: 1, max: 12, names: MONTHS, wraps: true },
  dayOfWeek: { name: 'Day-of-week', min: 1, max: 7, names: DAYS, question: true, wraps: true },
  year: { name: 'Year', min: 1970, max: 2199, wraps: false },
} satisfies Record<string, FieldSpec>;

/** `undefined` means `?`: the field places no constraint. */
type ValueSet = ReadonlySet<number> | undefined;

function parseCron(body: string, expr: string): Schedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new UnsupportedScheduleError(
      `invalid cron expression ${JSON.stringify(expr)}: expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${parts.length}`,
    );
  }
  const [min, hour, dom, mon, dow, year] = parts as [string, string, string, string, string, string];
  const field = (text: string, spec: FieldSpec): ValueSet => parseField(text, spec, expr);
  const minutes = field(min, FIELDS.minutes);
  const hours = field(hour, FIELDS.hours);
  const daysOfMonth = field(dom, FIELDS.dayOfMonth);
  const months = field(mon, FIELDS.month);
  const daysOfWeek = field(dow, FIELDS.dayOfWeek);
  const years = field(year, FIELDS.year);
  // AWS: "If you specify a value or a * in one of the fields, you must use a ? in the other."
  if ((daysOfMonth === undefined) === (daysOfWeek === undefined)) {
    throw new UnsupportedScheduleError(
      `invalid cron expression ${JSON.stringify(expr)}: exactly one of Day-of-month and Day-of-week must be "?"`,
    );
  }

  const dayMatches = (t: Date): boolean =>
    daysOfMonth ? daysOfMonth.has(t.getUTCDate()) : has(daysOfWeek, t.getUTCDay() + 1); // 1 = SUN
  return {
    nextAfter(from) {
      // Start at the next whole minute, then skip forward by the coarsest field
      // that fails; each skip lands on the start of the next year/month/day/hour.
      let t = Math.floor(checkDate(from).getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      for (;;) {
        const d = new Date(t);
        const [y, mo, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
        if (y > FIELDS.year.max) {
          throw new RangeError(`${expr} has no firing time after ${from.toISOString()}`);
        }
        if (!has(years, y)) t = Date.UTC(y + 1, 0, 1);
        else if (!has(months, mo + 1)) t = Date.UTC(y, mo + 1, 1);
        else if (!dayMatches(d)) t = Date.UTC(y, mo, day + 1);
        else if (!has(hours, h)) t = Date.UTC(y, mo, day, h + 1);
        else if (!has(minutes, d.getUTCMinutes())) t += MINUTE_MS;
        else return d;
      }
    },
  };
}

function has(set: ValueSet, value: number): boolean {
  return set === undefined || set.has(value);
}

/** One field: `?`, or comma-separated items of `*`, `v`, `a-b`, each optionally `/step`. */
function parseField(text: string, spec: FieldSpec, expr: string): ValueSet {
  const invalid = (why: string): never => {
    throw new UnsupportedScheduleError(
      `invalid ${spec.name} field ${JSON.stringify(text)} in ${JSON.stringify(expr)}: ${why}`,
    );
  };
  if (text === '?') return spec.question ? undefined : invalid('"?" is only allowed in Day-of-month or Day-of-week');
  rejectUnsupported(text, spec, expr);

  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', step, ...extra] = item.split('/');
    if (extra.length > 0) invalid(`"${item}" has more than one "/"`);
    const stepBy = step === undefined ? 1 : Number(step);
    if (step !== undefined && (!/^\d+$/.test(step) || stepBy < 1)) invalid(`"${step}" is not a positive step`);

    let from: number;
    let to: number;
    if (range === '*') [from, to] = [spec.min, spec.max];
    else {
      const [a = '', b, ...more] = range.split('-');
      if (more.length > 0) invalid(`"${range}" is not a range`);
      from = parseValue(a, spec, invalid);
      // AWS reads "a/n" as "from a to the end of the field, every n".
      to = b !== undefined ? parseValue(b, spec, invalid) : step !== undefined ? spec.max : from;
    }
    if (from > to && !spec.wraps) invalid(`range ${range} runs backwards`);
    // A wrapping range such as hours 20-2 covers 20..23 then 0..2.
    const span = from <= to ? to - from : spec.max - from + 1 + (to - spec.min);
    for (let offset = 0; offset <= span; offset += stepBy) {
      const v = from + offset;
      values.add(v > spec.max ? v - (spec.max - spec.min + 1) : v);
    }
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec, invalid: (why: string) => never): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? spec.min + named : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    const allowed = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    invalid(`"${text}" is not within ${spec.min}-${spec.max}${allowed}`);
  }
  return value;
}

/**
 * L (last), W (nearest weekday) and # (nth weekday) are valid AWS syntax that this
 * scheduler does not evaluate; say so instead of calling the expression invalid.
 * Checked on the raw field text, where names like JUL or WED cannot appear.
 */
function rejectUnsupported(text: string, spec: FieldSpec, expr: string): void {
  const unsupported = (what: string): never => {
    throw new UnsupportedScheduleError(
      `unsupported ${what} in the ${spec.name} field of ${JSON.stringify(expr)}: the local scheduler does not implement L, W or #`,
    );
  };
  if (spec === FIELDS.dayOfWeek) {
    if (text.includes('#')) unsupported('"#" (nth weekday of the month)');
    if (/^\d*L$/i.test(text)) unsupported('"L" (last weekday of the month)');
  }
  if (spec === FIELDS.dayOfMonth) {
    if (/^(L|LW|L-\d+)$/i.test(text)) unsupported('"L" (last day of the month)');
    if (/^\d+W$/i.test(text)) unsupported('"W" (nearest weekday)');
  }
}

function checkDate(from: Date): Date {
  if (Number.isNaN(from.getTime())) throw new TypeError('nextAfter needs a valid Date');
  return from;
}
