import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CaseClock } from '#schemas/api/cases';
import { addWorkingDays, deadline, isWorkingDay, localDate, remainingWorkingDays, workCalendar, workingDaysBetween } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { acceptanceInstant, applyClockChange, deadlinesOf, extensionDaysOf, legalDefaults, noticeDueOf, remainingOf, toleranceDueOf, type ClockChange } from '../../../functions/cases/clock.ts';

/**
 * SYNTHETIC 2027: weekends only, no holidays, no 调休. NOT the real 2027 schedule (its
 * notice was not yet published); it only lets limits run across the year boundary in tests.
 */
const SYNTHETIC_2027_WEEKENDS_ONLY = { year: 2027, holidays: [], workdays: [] };
const cal2026 = workCalendar([calendar2026]);
const cal = workCalendar([calendar2026, SYNTHETIC_2027_WEEKENDS_ONLY]);

const DAY = 86_400_000;
const dateMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const next = (date: string, k = 1) => fmt(dateMs(date) + k * DAY);
const iso = (ms: number) => new Date(ms).toISOString();
/** Shanghai has no DST: its date is the UTC date of instant + 8 h. */
const shanghaiDate = (ms: number) => fmt(ms + 8 * 3600_000);
/** A Shanghai instant on a given date at a given time of day. */
const at = (date: string, msOfDay: number) => Date.parse(`${date}T00:00:00+08:00`) + msOfDay;
const timeOfDay = fc.integer({ min: 0, max: DAY - 1 });
const instant2026 = fc.integer({ min: Date.parse('2026-01-01T00:00:00+08:00'), max: Date.parse('2026-12-31T23:59:59.999+08:00') });

const clockOf = (statutory = 20, promised = 10, delivery = 10): CaseClock => ({
  statutoryWorkingDays: statutory, promisedWorkingDays: promised, extensionWorkingDays: 0, deliveryWorkingDays: delivery, suspensions: [],
});
const run = (clock: CaseClock, ...changes: ClockChange[]) => changes.reduce((c, ch) => applyClockChange(c, ch), clock);
const start = (at: string): ClockChange => ({ effect: 'start', at });
const suspend = (at: string, suspension?: ClockChange['suspension']): ClockChange => ({ effect: 'suspend', at, ...(suspension ? { suspension } : {}) });
const resume = (at: string): ClockChange => ({ effect: 'resume', at });
const extend = (at: string, workingDays?: number): ClockChange => ({ effect: 'extend', at, ...(workingDays === undefined ? {} : { workingDays }) });
const stop = (at: string): ClockChange => ({ effect: 'stop', at });

const T0 = '2026-03-02T09:00:00+08:00'; // Mon
const T1 = '2026-03-04T10:00:00+08:00';
const T2 = '2026-03-06T11:00:00+08:00';
const T3 = '2026-03-10T12:00:00+08:00';

describe('applyClockChange', () => {
  it('start / suspend / resume / extend / stop produce the expected clock, without mutating the input', () => {
    const c0 = Object.freeze(clockOf());
    const c1 = applyClockChange(c0, start(T0));
    expect(c1).toEqual({ ...clockOf(), startedAt: T0 });
    const c2 = applyClockChange(c1, suspend(T1, { kind: 'hearing', reason: '听证', expectedWorkingDays: 5 }));
    expect(c2.suspensions).toEqual([{ kind: 'hearing', from: T1, reason: '听证', expectedWorkingDays: 5 }]);
    const c3 = applyClockChange(c2, resume(T2));
    expect(c3.suspensions).toEqual([{ kind: 'hearing', from: T1, to: T2, reason: '听证', expectedWorkingDays: 5 }]);
    const c4 = run(c3, extend(T2, 10), extend(T2, 5), extend(T2));
    expect(c4.extensionWorkingDays).toBe(15);
    const c5 = applyClockChange(c4, stop(T3));
    expect(c5).toEqual({ ...clockOf(), startedAt: T0, stoppedAt: T3, extensionWorkingDays: 15, suspensions: c3.suspensions });
    expect(c0).toEqual(clockOf());
    expect(c1.suspensions).toEqual([]);
  });

  it('a suspension without details is a special procedure with no optional keys', () => {
    const c = run(clockOf(), start(T0), suspend(T1));
    expect(c.suspensions).toEqual([{ kind: 'special_procedure', from: T1 }]);
    expect(Object.keys(c.suspensions[0]!)).toEqual(['kind', 'from']);
  });

  it('refuses sequences that make no sense', () => {
    const fresh = clockOf();
    const running = run(fresh, start(T0));
    const suspended = run(running, suspend(T1));
    const stopped = run(running, stop(T3));
    expect(() => applyClockChange(fresh, suspend(T1))).toThrow(/only a running clock can be suspended/);
    expect(() => applyClockChange(fresh, resume(T1))).toThrow(/not suspended/);
    expect(() => applyClockChange(running, resume(T1))).toThrow(/not suspended/);
    expect(() => applyClockChange(run(suspended, resume(T2)), resume(T3))).toThrow(/not suspended/);
    expect(() => applyClockChange(suspended, suspend(T2))).toThrow(/only a running clock can be suspended/);
    expect(() => applyClockChange(running, start(T1))).toThrow(/already running/);
    expect(() => applyClockChange(stopped, start(T3))).toThrow(/already running/);
    expect(() => applyClockChange(stopped, stop(T3))).toThrow(/already stopped/);
    expect(() => applyClockChange(fresh, extend(T1, 10))).toThrow(/only a running clock can be extended/);
    expect(() => applyClockChange(stopped, extend(T3, 10))).toThrow(/only a running clock can be extended/);
    expect(() => applyClockChange(stopped, suspend(T3))).toThrow(/only a running clock can be suspended/);
    expect(() => applyClockChange(stopped, resume(T3))).toThrow(/not suspended/);
  });

  it('stop while suspended closes the open suspension at the stop instant (and only that one)', () => {
    const c = run(clockOf(), start(T0), suspend(T1, { kind: 'testing' }), resume(T2), suspend(T3, { kind: 'escalation', reason: '上报' }), stop('2026-03-12T15:00:00+08:00'));
    expect(c.stoppedAt).toBe('2026-03-12T15:00:00+08:00');
    expect(c.suspensions).toEqual([
      { kind: 'testing', from: T1, to: T2 },
      { kind: 'escalation', from: T3, reason: '上报', to: '2026-03-12T15:00:00+08:00' },
    ]);
    // A stopped clock that was suspended has deadlines again (the suspension is closed).
    expect(deadlinesOf(cal2026, c).statutoryDue).toBeDefined();
  });
});

describe('deadlinesOf', () => {
  it('nothing before start; accepted Thu 2026-04-30: statutory 20 → Mon 06-01, promised 10 → Mon 05-18; delivery only with a decision', () => {
    // 04-30 not counted; 劳动节 05-01..05-05 skipped; 05-06 (1), 05-07 (2), 05-08 (3), Sat 05-09
    // adjusted (4), 05-11..05-15 (5–9), Mon 05-18 (10) … 05-25..05-29 (15–19), Mon 06-01 (20).
    expect(deadlinesOf(cal2026, clockOf())).toEqual({}); // nothing before the clock starts …
    expect(deadlinesOf(cal2026, clockOf(), '2026-04-30T17:00:00+08:00')).toEqual({}); // … even with a decision
    const c = run(clockOf(20, 10, 10), start('2026-04-30T16:45:00+08:00'));
    expect(deadlinesOf(cal2026, c)).toEqual({ statutoryDue: '2026-06-01', promisedDue: '2026-05-18' });
    // Delivery: 10 working days from the decision day, counted the same way → Mon 05-18.
    const stopped = run(c, stop('2026-04-30T17:00:00+08:00'));
    expect(deadlinesOf(cal2026, stopped, '2026-04-30T17:00:00+08:00')).toEqual({ statutoryDue: '2026-06-01', promisedDue: '2026-05-18', deliveryDue: '2026-05-18' });
    // The decision day is taken in Shanghai: 04-29T16:30Z is 04-30 00:30 there (→ 05-18); a UTC
    // date (04-29) would give 04-30 (1), 05-06 … 05-15 (10).
    expect(deadlinesOf(cal2026, stopped, '2026-04-29T16:30:00Z').deliveryDue).toBe('2026-05-18');
  });

  it('an open suspension makes statutory and promised absent; the delivery deadline is unaffected', () => {
    const c = run(clockOf(20, 10, 5), start(T0), suspend(T1));
    const d = deadlinesOf(cal2026, c, '2026-03-05T10:00:00+08:00');
    // Thu 03-05 + 5 → 03-06, 03-09, 03-10, 03-11, 03-12.
    expect(d).toEqual({ deliveryDue: '2026-03-12' });
  });

  it('a deadline reaching a year missing from the calendar is absent and names the year', () => {
    // Accepted Tue 2026-12-01: promised 5 → 12-02, 03, 04, 07, 08; statutory 30 runs into 2027.
    const c = run(clockOf(30, 5, 10), start('2026-12-01T09:00:00+08:00'));
    expect(deadlinesOf(cal2026, c)).toEqual({ promisedDue: '2026-12-08', missingCalendarYear: 2027 });
    // The delivery deadline can be the one that is missing: decided Wed 12-30 + 10 working days.
    const early = run(clockOf(5, 5, 10), start('2026-12-01T09:00:00+08:00'), stop('2026-12-30T10:00:00+08:00'));
    expect(deadlinesOf(cal2026, early, '2026-12-30T10:00:00+08:00')).toEqual({ statutoryDue: '2026-12-08', promisedDue: '2026-12-08', missingCalendarYear: 2027 });
    // With a (SYNTHETIC) 2027 the same deadlines are computed.
    expect(deadlinesOf(cal, c)).toEqual({ promisedDue: '2026-12-08', statutoryDue: deadline(cal, '2026-12-01T09:00:00+08:00', 30) });
  });

  /** A random clock built through applyClockChange: start, then suspend/resume toggles and extensions, maybe stopped. */
  const randomClock = fc.record({
    startMs: instant2026,
    statutory: fc.integer({ min: 0, max: 60 }),
    promisedCut: fc.nat(),
    delivery: fc.integer({ min: 0, max: 20 }),
    ops: fc.array(fc.record({ toggle: fc.boolean(), gap: fc.integer({ min: 0, max: 12 * DAY }), days: fc.integer({ min: 0, max: 15 }) }), { maxLength: 6 }),
    stopGap: fc.option(fc.integer({ min: 0, max: 20 * DAY }), { nil: undefined }),
  }).map(({ startMs, statutory, promisedCut, delivery, ops, stopGap }) => {
    let t = startMs;
    let c = run(clockOf(statutory, promisedCut % (statutory + 1), delivery), start(iso(t)));
    for (const op of ops) {
      t += op.gap;
      const open = c.suspensions.at(-1);
      if (!op.toggle) c = applyClockChange(c, extend(iso(t), op.days));
      else c = applyClockChange(c, open && open.to === undefined ? resume(iso(t)) : suspend(iso(t)));
    }
    const decidedAt = stopGap === undefined ? undefined : iso(t + stopGap);
    if (decidedAt) c = applyClockChange(c, stop(decidedAt));
    return { c, decidedAt };
  });

  it('property (1000 runs): statutory/promised = deadline(startedAt, limit + extension, suspensions); delivery from the decision day', () => {
    fc.assert(
      fc.property(randomClock, ({ c, decidedAt }) => {
        const d = deadlinesOf(cal, c, decidedAt);
        const sus = c.suspensions.map((s) => ({ from: s.from, ...(s.to ? { to: s.to } : {}) }));
        expect(d.statutoryDue).toBe(deadline(cal, c.startedAt!, c.statutoryWorkingDays + c.extensionWorkingDays, sus));
        expect(d.promisedDue).toBe(deadline(cal, c.startedAt!, c.promisedWorkingDays + c.extensionWorkingDays, sus));
        expect(d.deliveryDue).toBe(decidedAt ? addWorkingDays(cal, localDate(cal, decidedAt), c.deliveryWorkingDays) : undefined);
        expect(d.missingCalendarYear).toBeUndefined();
        // Deadlines never fall on non-working days, and promised ≤ statutory.
        for (const due of [d.statutoryDue, d.promisedDue, d.deliveryDue]) if (due) expect(isWorkingDay(cal, due), due).toBe(true);
        if (d.statutoryDue && d.promisedDue) expect(d.promisedDue <= d.statutoryDue).toBe(true);
        const open = c.suspensions.at(-1);
        // While an open suspension from day A holds the clock, a deadline is known only if it fell on or before A
        // (a limit of 0, 即办件, ignores suspensions: the calendar's documented rule).
        const limits = [[d.statutoryDue, c.statutoryWorkingDays], [d.promisedDue, c.promisedWorkingDays]] as const;
        if (open && open.to === undefined) for (const [due, l] of limits) if (due && l + c.extensionWorkingDays > 0) expect(due <= shanghaiDate(Date.parse(open.from))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  /** Started at `startMs`; optionally one closed suspension from day A (acceptance day ≤ A < promised due) to day B ≥ A. */
  const suspendedCase = fc.record({
    startMs: instant2026, l1: fc.integer({ min: 1, max: 60 }), l2: fc.integer({ min: 1, max: 60 }),
    pickA: fc.nat(), lengthB: fc.integer({ min: 0, max: 45 }), t1: timeOfDay, t2: timeOfDay, withSuspension: fc.boolean(),
  }).map(({ startMs, l1, l2, pickA, lengthB, t1, t2, withSuspension }) => {
    const started = run(clockOf(Math.max(l1, l2), Math.min(l1, l2)), start(iso(startMs)));
    const before = deadlinesOf(cal, started);
    const startDay = shanghaiDate(startMs);
    const span = Math.round((dateMs(before.promisedDue!) - dateMs(startDay)) / DAY); // ≥ 1
    const a = next(startDay, pickA % span);
    const b = next(a, lengthB);
    const fromMs = Math.max(startMs, at(a, t1));
    const toMs = Math.max(fromMs, at(b, t2));
    const clock = withSuspension ? run(started, suspend(iso(fromMs)), resume(iso(toMs))) : started;
    return { before, clock, k: withSuspension ? workingDaysBetween(cal, a, b) : 0 };
  });

  it('property (1000 runs): a closed suspension from day A to day B moves both deadlines back by exactly workingDaysBetween(A, B)', () => {
    fc.assert(
      fc.property(suspendedCase, ({ before, clock, k }) => {
        const after = deadlinesOf(cal, clock);
        expect(after.statutoryDue).toBe(addWorkingDays(cal, before.statutoryDue!, k));
        expect(after.promisedDue).toBe(addWorkingDays(cal, before.promisedDue!, k));
        expect(workingDaysBetween(cal, before.statutoryDue!, after.statutoryDue!)).toBe(k);
        expect(workingDaysBetween(cal, before.promisedDue!, after.promisedDue!)).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (1000 runs): an extension of n moves each deadline by exactly n working days', () => {
    fc.assert(
      fc.property(suspendedCase, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), ({ clock }, n0, n) => {
        // Possibly extended before; no suspension after the current deadlines.
        const c = n0 > 0 ? applyClockChange(clock, extend(clock.startedAt!, n0)) : clock;
        const old = deadlinesOf(cal, c);
        const extended = applyClockChange(c, extend(clock.startedAt!, n));
        expect(extended.extensionWorkingDays).toBe(c.extensionWorkingDays + n);
        const now = deadlinesOf(cal, extended);
        expect(now.statutoryDue).toBe(addWorkingDays(cal, old.statutoryDue!, n));
        expect(now.promisedDue).toBe(addWorkingDays(cal, old.promisedDue!, n));
        expect(workingDaysBetween(cal, old.statutoryDue!, now.statutoryDue!)).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (500 runs): with 2026 only, a deadline is the full calendar’s date, or absent with missingCalendarYear 2027', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 1, max: 120 }), fc.nat(), (startMs, statutory, cut) => {
        const c = run(clockOf(statutory, 1 + (cut % statutory)), start(iso(startMs)));
        const full = deadlinesOf(cal, c);
        const only = deadlinesOf(cal2026, c);
        const into2027 = [full.statutoryDue!, full.promisedDue!].some((d) => d.startsWith('2027-'));
        expect(only.missingCalendarYear).toBe(into2027 ? 2027 : undefined);
        expect(only.statutoryDue).toBe(full.statutoryDue!.startsWith('2027-') ? undefined : full.statutoryDue);
        expect(only.promisedDue).toBe(full.promisedDue!.startsWith('2027-') ? undefined : full.promisedDue);
      }),
      { numRuns: 500 },
    );
  });
});

describe('remainingOf', () => {
  // Accepted Wed 2026-09-30 10:00. 国庆 10-01..10-07; Sat 10-10 is an adjusted working day.
  // Statutory 5: 10-08 (1), 10-09 (2), 10-10 (3), 10-12 (4), Tue 10-13 (5). Promised 3: Sat 10-10.
  const running = run(clockOf(5, 3, 3), start('2026-09-30T10:00:00+08:00'));
  const dl = deadlinesOf(cal2026, running);

  it('counts down around National Day: 0 on the due day, negative after', () => {
    expect(dl).toEqual({ statutoryDue: '2026-10-13', promisedDue: '2026-10-10' });
    const on = (today: string) => remainingOf(cal2026, running, dl, today, false);
    expect(on('2026-09-30')).toEqual({ statutory: 5, promised: 3 });
    expect(on('2026-10-03')).toEqual({ statutory: 5, promised: 3 }); // a holiday uses up nothing
    expect(on('2026-10-09')).toEqual({ statutory: 3, promised: 1 });
    expect(on('2026-10-10')).toEqual({ statutory: 2, promised: 0 }); // due day (a Saturday worked)
    expect(on('2026-10-11')).toEqual({ statutory: 2, promised: -1 }); // Sunday: already overdue
    expect(on('2026-10-13')).toEqual({ statutory: 0, promised: -2 });
    expect(on('2026-10-14')).toEqual({ statutory: -1, promised: -3 });
  });

  it('only while running: nothing before start or after stop; delivery only until delivered', () => {
    expect(remainingOf(cal2026, clockOf(5, 3, 3), dl, '2026-10-09', false)).toEqual({});
    // Decided Tue 09-29 15:00 (a 即办件-like early stop): delivery 3 → 09-30 (1), 10-08 (2), Fri 10-09 (3).
    const stopped = run(clockOf(5, 3, 3), start('2026-09-29T09:00:00+08:00'), stop('2026-09-29T15:00:00+08:00'));
    const d = deadlinesOf(cal2026, stopped, '2026-09-29T15:00:00+08:00');
    expect(d.deliveryDue).toBe('2026-10-09');
    expect(remainingOf(cal2026, stopped, d, '2026-09-29', false)).toEqual({ delivery: 3 });
    expect(remainingOf(cal2026, stopped, d, '2026-10-03', false)).toEqual({ delivery: 2 });
    expect(remainingOf(cal2026, stopped, d, '2026-10-09', false)).toEqual({ delivery: 0 });
    expect(remainingOf(cal2026, stopped, d, '2026-10-12', false)).toEqual({ delivery: -2 }); // 10-10, 10-12 late
    expect(remainingOf(cal2026, stopped, d, '2026-10-03', true)).toEqual({});
  });

  it('a due date in a year the calendar lacks leaves that remainder absent', () => {
    const c = run(clockOf(), start('2026-12-01T09:00:00+08:00'));
    expect(remainingOf(cal2026, c, { statutoryDue: '2027-01-08', promisedDue: '2026-12-31' }, '2026-12-30', false)).toEqual({ promised: 1 });
  });

  it('property (800 runs): statutory/promised = remainingWorkingDays while running, absent once stopped; 0 exactly when no working day is left', () => {
    fc.assert(
      fc.property(instant2026, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 150 }), fc.boolean(), fc.boolean(), (startMs, limit, after, stopped, delivered) => {
        const today = next(shanghaiDate(startMs), after);
        let c = run(clockOf(limit, limit, 5), start(iso(startMs)));
        if (stopped) c = applyClockChange(c, stop(iso(startMs + after * DAY)));
        const d = deadlinesOf(cal, c, stopped ? c.stoppedAt : undefined);
        const r = remainingOf(cal, c, d, today, delivered);
        if (stopped) {
          expect(r.statutory).toBeUndefined();
          expect(r.promised).toBeUndefined();
          expect(r.delivery).toBe(delivered ? undefined : remainingWorkingDays(cal, today, d.deliveryDue!));
        } else {
          expect(r).toEqual({ statutory: remainingWorkingDays(cal, today, d.statutoryDue!), promised: remainingWorkingDays(cal, today, d.promisedDue!) });
          expect(r.statutory! < 0).toBe(today > d.statutoryDue!);
          expect(r.statutory === 0).toBe(today <= d.statutoryDue! && workingDaysBetween(cal, today, d.statutoryDue!) === 0);
          if (today === d.statutoryDue) expect(r.statutory).toBe(0);
        }
      }),
      { numRuns: 800 },
    );
  });

  // Found by this file: a suspension begun after a limit ran out left a falling remainder on show.
  it('shows no statutory/promised remainder while an open suspension holds the clock', () => {
    // Accepted Mon 03-02; promised 5 → Mon 03-09; statutory 20 → Mon 03-30. Suspended Wed 03-11.
    const c = run(clockOf(20, 5, 10), start(T0), suspend('2026-03-11T10:00:00+08:00'));
    const d = deadlinesOf(cal2026, c);
    expect(d).toEqual({ promisedDue: '2026-03-09' }); // statutory is unknown, the promised date is past
    expect(remainingOf(cal2026, c, d, '2026-03-16', false)).toEqual({}); // actually { promised: -5 }
  });
});

describe('noticeDueOf and toleranceDueOf', () => {
  it('the notice period: 5 working days after the day of receipt', () => {
    // Fri 09-18 16:00 not counted; Sun 09-20 adjusted (1), 09-21 (2), 09-22 (3), 09-23 (4), Thu 09-24 (5).
    expect(noticeDueOf(cal2026, '2026-09-18T16:00:00+08:00', 5)).toEqual({ date: '2026-09-24' });
    // Thu 09-24: 中秋 09-25..27; 09-28 (1), 09-29 (2), 09-30 (3); 国庆 10-01..07; 10-08 (4), Fri 10-09 (5).
    expect(noticeDueOf(cal2026, '2026-09-24T11:00:00+08:00', 5)).toEqual({ date: '2026-10-09' });
    // 09-23T16:30Z is 09-24 00:30 in Shanghai (→ 10-09); the UTC date 09-23 would give 10-08.
    expect(noticeDueOf(cal2026, '2026-09-23T16:30:00Z', legalDefaults.noticeWorkingDays)).toEqual({ date: '2026-10-09' });
    // Mon 12-28: 12-29, 12-30, 12-31, then 2027 is not entered.
    expect(noticeDueOf(cal2026, '2026-12-28T10:00:00+08:00', 5)).toEqual({ missingYear: 2027 });
    expect(noticeDueOf(cal, '2026-12-28T10:00:00+08:00', 5)).toEqual({ date: '2027-01-04' }); // SYNTHETIC 2027: Fri 01-01 (4), Mon 01-04 (5)
  });

  it('the 容缺 pledge deadline: counted from the acceptance day', () => {
    // Thu 04-30: 劳动节 05-01..05; 05-06 (1), 05-07 (2), 05-08 (3), Sat 05-09 adjusted (4), Mon 05-11 (5).
    expect(toleranceDueOf(cal2026, '2026-04-30T10:00:00+08:00', 5)).toEqual({ date: '2026-05-11' });
    // 0 days from a holiday (Sat 10-03): the next working day, Thu 10-08.
    expect(toleranceDueOf(cal2026, '2026-10-03T10:00:00+08:00', 0)).toEqual({ date: '2026-10-08' });
    expect(toleranceDueOf(cal2026, '2026-12-30T10:00:00+08:00', 3)).toEqual({ missingYear: 2027 });
  });
});

describe('acceptanceInstant', () => {
  const receivedAt = '2026-09-18T16:00:00+08:00';
  const noticeDue = '2026-09-24';

  it('now within the notice period and on its last day; the receipt instant once it has passed', () => {
    expect(acceptanceInstant(receivedAt, noticeDue, '2026-09-22T10:00:00+08:00', '2026-09-22')).toBe('2026-09-22T10:00:00+08:00');
    expect(acceptanceInstant(receivedAt, noticeDue, '2026-09-24T17:59:00+08:00', '2026-09-24')).toBe('2026-09-24T17:59:00+08:00');
    expect(acceptanceInstant(receivedAt, noticeDue, '2026-09-25T08:30:00+08:00', '2026-09-25')).toBe(receivedAt);
    expect(acceptanceInstant(receivedAt, undefined, '2026-12-25T08:30:00+08:00', '2026-12-25')).toBe('2026-12-25T08:30:00+08:00');
  });

  it('property (500 runs): the receipt instant exactly when today is after the notice due day', () => {
    const day = fc.integer({ min: 0, max: 400 }).map((i) => fmt(dateMs('2026-01-01') + i * DAY));
    fc.assert(
      fc.property(day, day, (due, today) => {
        const now = `${today}T12:00:00+08:00`;
        expect(acceptanceInstant(receivedAt, due, now, today)).toBe(today > due ? receivedAt : now);
      }),
      { numRuns: 500 },
    );
  });
});

describe('extensionDaysOf', () => {
  it('the configured number wins (even 0); else 10, or 15 for joint handling', () => {
    expect([extensionDaysOf(undefined, false), extensionDaysOf(undefined, true)]).toEqual([10, 15]);
    expect([extensionDaysOf(7, false), extensionDaysOf(7, true), extensionDaysOf(0, true)]).toEqual([7, 7, 0]);
  });
});
