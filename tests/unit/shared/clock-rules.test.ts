import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CaseClock } from '#schemas/api/cases';
import type { ThresholdSettingsBody } from '#schemas/api/supervision';
import { addCalendarDays, remainingWorkingDays, workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import {
  caseThresholds,
  completionTimeliness,
  defaultThresholds,
  dueSoonFrom,
  dueSoonUntil,
  eLicenceThresholds,
  isRunning,
  levelChanges,
  overdueFrom,
  reachedBy,
  startOfDay,
  taskThresholds,
  thresholdOrderErrors,
  type WatchedCase,
  type WatchedTasks,
} from '#shared/clock-rules';
import { deadlinesOf } from '../../../functions/cases/clock.ts';

const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const official2027 = { year: 2027, holidays: ['2027-01-01'], workdays: [] };
const calWith2027 = workCalendar([calendar2026, official2027], 'Asia/Shanghai', provisionalYear);

const clockOf = (over: Partial<CaseClock> = {}): CaseClock => ({
  statutoryWorkingDays: 20, promisedWorkingDays: 5, extensionWorkingDays: 0, deliveryWorkingDays: 10, suspensions: [], ...over,
});
const watched = (clock: CaseClock, over: Partial<WatchedCase> = {}, c = cal): WatchedCase => ({
  state: 'under_review', channel: 'window', receivedAt: clock.startedAt ?? '2026-12-01T01:00:00Z', clock, deadlines: deadlinesOf(c, clock), delivered: false, ...over,
});
const byLevel = (list: ReturnType<typeof caseThresholds>, kind: string) =>
  Object.fromEntries(list.filter((t) => t.kind === kind).map((t) => [t.level, t]));

describe('startOfDay', () => {
  it('is 00:00 in the center\'s zone: 16:00 UTC the day before in Shanghai, 05:00 UTC in New York winter, 04:00 in summer', () => {
    expect(startOfDay(cal, '2026-12-11')).toBe('2026-12-10T16:00:00.000Z');
    expect(startOfDay(workCalendar([calendar2026], 'America/New_York'), '2026-12-11')).toBe('2026-12-11T05:00:00.000Z');
    expect(startOfDay(workCalendar([calendar2026], 'America/New_York'), '2026-07-01')).toBe('2026-07-01T04:00:00.000Z');
  });
});

describe('due soon and overdue days', () => {
  it('due soon from the day on which 2 working days are left: Wed for a Friday limit, Thu for a Monday one', () => {
    expect(dueSoonFrom(cal, '2026-12-11', 2)).toBe('2026-12-09');
    expect(remainingWorkingDays(cal, '2026-12-09', '2026-12-11')).toBe(2);
    expect(remainingWorkingDays(cal, '2026-12-08', '2026-12-11')).toBe(3);
    expect(dueSoonFrom(cal, '2026-12-14', 2)).toBe('2026-12-10');
    // 0 days left only on the limit's own day: the weekend before a Monday limit still has Monday.
    expect(dueSoonFrom(cal, '2026-12-14', 0)).toBe('2026-12-14');
  });
  it("the queue's due-soon range holds a limit exactly from its warning's day on, whatever the warning's days (decision 125)", () => {
    const day = fc.integer({ min: 0, max: 360 }).map((n) => addCalendarDays('2026-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5 }), (today, ahead, days) => {
        const due = addCalendarDays(today, ahead);
        expect(due <= dueSoonUntil(cal, today, days)).toBe(dueSoonFrom(cal, due, days) <= today);
      }),
      { numRuns: 2000 },
    );
    // Seen on a Wednesday with 2 days: up to Friday and the weekend after it (Monday still has 3 left).
    expect(dueSoonUntil(cal, '2026-12-09', 2)).toBe('2026-12-13');
    expect(dueSoonUntil(cal, '2026-12-09', 3)).toBe('2026-12-14');
    // With none, on a Sunday: only a limit due that very day, not Monday's.
    expect(dueSoonUntil(cal, '2026-11-29', 0)).toBe('2026-11-29');
  });
  it('overdue by more than 0 the day after the limit; by more than 1 only after the next working day has passed', () => {
    expect(overdueFrom(cal, '2026-12-11', 0)).toBe('2026-12-12');
    // Fri limit: Sat, Sun and Mon are 1 day overdue, Tue 2.
    expect(overdueFrom(cal, '2026-12-11', 1)).toBe('2026-12-15');
    expect(overdueFrom(cal, '2026-12-11', 3)).toBe('2026-12-17');
  });
  it('the 国庆 holidays count as no day overdue', () => {
    // Limit Wed 09-30; 10-01..10-07 holiday, 10-10 (Sat) a working day.
    expect(overdueFrom(cal, '2026-09-30', 1)).toBe('2026-10-09');
  });
});

describe('case thresholds (warning 2 days before promised, yellow past promised, red past statutory)', () => {
  const accepted = '2026-12-03T02:00:00Z'; // Thu 10:00 in Shanghai
  const clock = clockOf({ startedAt: accepted });
  it('the three instants of a case accepted on Thursday, promised in 5 working days', () => {
    const t = byLevel(caseThresholds(cal, watched(clock), defaultThresholds), 'case');
    expect(watched(clock).deadlines.promisedDue).toBe('2026-12-10');
    expect(t.warning?.at).toBe(startOfDay(cal, '2026-12-08'));
    expect(t.yellow?.at).toBe('2026-12-10T16:00:00.000Z');
    expect(watched(clock).deadlines.statutoryDue).toBe('2026-12-31');
    expect(t.red?.at).toBe(startOfDay(cal, '2027-01-01'));
  });
  it('a limit within the warning days warns from the acceptance instant, never before it', () => {
    const short = clockOf({ startedAt: accepted, promisedWorkingDays: 1 });
    expect(byLevel(caseThresholds(cal, watched(short), defaultThresholds), 'case').warning?.at).toBe(accepted);
  });
  it('one second before the yellow instant the yellow is not reached; at it, it is', () => {
    const all = caseThresholds(cal, watched(clock), defaultThresholds);
    const yellow = Date.parse('2026-12-10T16:00:00Z');
    expect(reachedBy(all, new Date(yellow - 1000).toISOString()).reached.map((t) => t.level)).toEqual(['warning']);
    expect(reachedBy(all, new Date(yellow).toISOString()).reached.map((t) => t.level)).toEqual(['warning', 'yellow']);
    expect(reachedBy(all, new Date(yellow).toISOString()).next).toBe(startOfDay(cal, '2027-01-01'));
  });
  it('a suspended clock has no case threshold; resumed, its thresholds move back by the working days suspended', () => {
    const suspended = clockOf({ startedAt: accepted, suspensions: [{ kind: 'inspection', from: '2026-12-04T02:00:00Z' }] });
    expect(isRunning(suspended)).toBe(false);
    expect(byLevel(caseThresholds(cal, watched(suspended), defaultThresholds), 'case')).toEqual({});
    const resumed = clockOf({ startedAt: accepted, suspensions: [{ kind: 'inspection', from: '2026-12-04T02:00:00Z', to: '2026-12-08T02:00:00Z' }] });
    const t = byLevel(caseThresholds(cal, watched(resumed), defaultThresholds), 'case');
    // Mon 12-07 and Tue 12-08 suspended: promised 12-10 → 12-14.
    expect(t.yellow?.due).toBe('2026-12-14');
    expect(t.warning?.at).toBe(startOfDay(cal, '2026-12-10'));
  });
  it('an extension moves yellow and red by its days', () => {
    const extended = clockOf({ startedAt: accepted, extensionWorkingDays: 10 });
    const t = byLevel(caseThresholds(cal, watched(extended), defaultThresholds), 'case');
    expect(t.yellow?.due).toBe('2026-12-24');
  });
  it('a statutory limit in a provisional year has a red threshold; the official year replaces it', () => {
    const long = clockOf({ startedAt: '2026-12-21T02:00:00Z', statutoryWorkingDays: 20 });
    const provisional = byLevel(caseThresholds(cal, watched(long), defaultThresholds), 'case');
    const official = byLevel(caseThresholds(calWith2027, watched(long, {}, calWith2027), defaultThresholds), 'case');
    // Provisional 2027: 元旦 01-01 only, 春节 from 02-06; 20 working days from Mon 12-21 → 2027-01-19.
    expect(watched(long).deadlines.provisional).toBe(true);
    expect(provisional.red?.due).toBe('2027-01-19');
    expect(official.red?.due).toBe('2027-01-19');
    const officialWithBridge = workCalendar([calendar2026, { year: 2027, holidays: ['2027-01-01', '2027-01-04'], workdays: [] }], 'Asia/Shanghai', provisionalYear);
    expect(byLevel(caseThresholds(officialWithBridge, watched(long, {}, officialWithBridge), defaultThresholds), 'case').red?.due).toBe('2027-01-20');
  });
  it('a stopped clock (decided) has no case thresholds but a delivery one', () => {
    const stopped = clockOf({ startedAt: accepted, stoppedAt: '2026-12-07T02:00:00Z' });
    const c = { ...watched(stopped), deadlines: deadlinesOf(cal, stopped, '2026-12-07T02:00:00Z') };
    const list = caseThresholds(cal, c, defaultThresholds);
    expect(list.map((t) => `${t.kind}:${t.level}`)).toEqual(['delivery:yellow']);
    expect(caseThresholds(cal, { ...c, delivered: true }, defaultThresholds)).toEqual([]);
  });
  it('the warning days are the center\'s setting', () => {
    const t = byLevel(caseThresholds(cal, watched(clock), { ...defaultThresholds, case: { warningWorkingDays: 1 } }), 'case');
    expect(t.warning?.at).toBe(startOfDay(cal, '2026-12-09'));
  });
});

describe('special procedure thresholds (warning 2 days before its end, yellow > 0, red > 1 day overdue)', () => {
  it('an inspection of 3 working days from Friday ends Wednesday', () => {
    const clock = clockOf({ startedAt: '2026-12-01T02:00:00Z', suspensions: [{ kind: 'inspection', from: '2026-12-04T02:00:00Z', expectedWorkingDays: 3 }] });
    const t = byLevel(caseThresholds(cal, watched(clock, { state: 'suspended' }), defaultThresholds), 'special_procedure');
    expect(t.warning?.due).toBe('2026-12-09');
    expect(t.warning?.at).toBe(startOfDay(cal, '2026-12-07'));
    expect(t.yellow?.at).toBe(startOfDay(cal, '2026-12-10'));
    expect(t.red?.at).toBe(startOfDay(cal, '2026-12-11'));
    expect(t.red?.overdueWorkingDays).toBe(2);
    expect(t.red?.clock).toBe('special_procedure:0');
  });
  it('without an expected length it is not watched', () => {
    const clock = clockOf({ startedAt: '2026-12-01T02:00:00Z', suspensions: [{ kind: 'inspection', from: '2026-12-04T02:00:00Z' }] });
    expect(caseThresholds(cal, watched(clock, { state: 'suspended' }), defaultThresholds)).toEqual([]);
  });
});

describe('pre-review thresholds (online, due in 2 working days; warning > 0, yellow > 3, red > 5 days overdue)', () => {
  it('an online application received Thursday is due Monday', () => {
    const c = watched(clockOf(), { state: 'submitted', channel: 'online', receivedAt: '2026-12-03T02:00:00Z', deadlines: {} });
    const t = byLevel(caseThresholds(cal, c, defaultThresholds), 'pre_review');
    expect(t.warning?.due).toBe('2026-12-07');
    expect(t.warning?.at).toBe(startOfDay(cal, '2026-12-08'));
    expect(t.yellow?.at).toBe(startOfDay(cal, '2026-12-11'));
    expect(t.red?.at).toBe(startOfDay(cal, '2026-12-15'));
  });
  it('a window application and an accepted one have no pre-review clock', () => {
    expect(caseThresholds(cal, watched(clockOf(), { state: 'submitted', channel: 'window', deadlines: {} }), defaultThresholds).filter((t) => t.kind === 'pre_review')).toEqual([]);
    expect(caseThresholds(cal, watched(clockOf(), { state: 'supplement_requested', channel: 'online', deadlines: {} }), defaultThresholds)).toEqual([]);
  });
});

describe('the notice period (一次性告知 within 5 working days, art. 32)', () => {
  it('a received application is due its notice on the period\'s last day, from 00:00 of that day', () => {
    const c = watched(clockOf(), { state: 'submitted', channel: 'window', receivedAt: '2026-12-03T02:00:00Z', noticeDue: '2026-12-10', deadlines: {} });
    const t = byLevel(caseThresholds(cal, c, defaultThresholds), 'notice');
    expect(t.warning).toEqual({ clock: 'notice', kind: 'notice', level: 'warning', at: startOfDay(cal, '2026-12-10'), due: '2026-12-10' });
    expect(reachedBy([t.warning!], '2026-12-09T15:59:59.999Z').reached).toEqual([]);
    expect(reachedBy([t.warning!], '2026-12-09T16:00:00.000Z').reached).toHaveLength(1);
  });
  it('no notice clock once the notice is sent or the case accepted', () => {
    for (const state of ['supplement_requested', 'accepted']) {
      expect(byLevel(caseThresholds(cal, watched(clockOf(), { state, channel: 'window', noticeDue: '2026-12-10', deadlines: {} }), defaultThresholds), 'notice')).toEqual({});
    }
  });
});

describe('threshold settings', () => {
  it('the defaults are in order', () => expect(thresholdOrderErrors(defaultThresholds)).toEqual([]));
  it('a warning after the yellow card and a red not after the yellow are named field by field', () => {
    const bad = { ...defaultThresholds, preReview: { dueWorkingDays: 2, warningOverdueWorkingDays: 4, yellowOverdueWorkingDays: 3, redOverdueWorkingDays: 3 } };
    expect(thresholdOrderErrors(bad).map((e) => e.path)).toEqual(['/body/preReview/yellowOverdueWorkingDays', '/body/preReview/redOverdueWorkingDays']);
  });
});

describe('e-licence thresholds (certificate issued within 3 working days of closure; yellow from the day after)', () => {
  const yellowOf = (closedAt: string, settings: ThresholdSettingsBody = defaultThresholds) => {
    const list = eLicenceThresholds(cal, closedAt, settings);
    expect(list).toHaveLength(1);
    return list[0]!;
  };
  it('an approved case closed on Wednesday must have its certificate by Monday: yellow at 00:00 Tuesday in the center\'s zone', () => {
    expect(yellowOf('2026-12-09T02:00:00Z')).toEqual({ clock: 'e_licence', kind: 'e_licence', level: 'yellow', at: '2026-12-14T16:00:00.000Z', due: '2026-12-14' });
  });
  it('is not reached a millisecond before its instant, reached at it', () => {
    const { at } = yellowOf('2026-12-09T02:00:00Z');
    const list = eLicenceThresholds(cal, '2026-12-09T02:00:00Z', defaultThresholds);
    expect(reachedBy(list, new Date(Date.parse(at) - 1).toISOString())).toEqual({ reached: [], next: at });
    expect(reachedBy(list, at).reached.map((t) => t.level)).toEqual(['yellow']);
  });
  it('counts the closure day in the center\'s zone and skips weekends: closed Friday 23:30 Shanghai, due Wednesday', () => {
    expect(yellowOf('2026-12-11T15:30:00Z')).toMatchObject({ due: '2026-12-16', at: '2026-12-16T16:00:00.000Z' });
    // 30 minutes later it is Saturday in Shanghai: the limit still counts three working days from there.
    expect(yellowOf('2026-12-11T16:30:00Z')).toMatchObject({ due: '2026-12-16' });
  });
  it('skips the 国庆 holidays: closed Tuesday 09-29, due Friday 10-09', () => {
    expect(yellowOf('2026-09-29T02:00:00Z')).toMatchObject({ due: '2026-10-09', at: '2026-10-09T16:00:00.000Z' });
  });
  it('takes the center\'s working days, and the table\'s 3 where the settings have no e-licence row', () => {
    expect(yellowOf('2026-12-11T02:00:00Z', { ...defaultThresholds, eLicence: { overdueAfterWorkingDays: 0 } })).toMatchObject({ due: '2026-12-11', at: '2026-12-11T16:00:00.000Z' });
    const { eLicence: _none, ...older } = defaultThresholds;
    expect(yellowOf('2026-12-09T02:00:00Z', older)).toMatchObject({ due: '2026-12-14' });
  });
});

describe('a bad review\'s task thresholds (回访, 整改: due from the start of the last day, overdue from the start of the next)', () => {
  // Rated bad on Thursday 2026-12-10 at 10:00 Shanghai: call-back due Friday, rectification 15 working days later.
  const tasks = (over: Partial<NonNullable<WatchedTasks['tasks']>> = {}): WatchedTasks => ({
    inHandling: true,
    tasks: { openedAt: '2026-12-10T02:00:00Z', callBack: { due: '2026-12-11' }, rectification: { due: '2026-12-31' }, ...over },
  });
  const summary = (w: WatchedTasks) => taskThresholds(cal, w).map((t) => `${t.clock}:${t.level}@${t.at}`);
  it('a Friday call-back is due from 00:00 Friday and overdue from 00:00 Saturday, not Monday', () => {
    expect(summary(tasks())).toEqual([
      'call_back:due@2026-12-10T16:00:00.000Z',
      'call_back:overdue@2026-12-11T16:00:00.000Z',
      'rectification:due@2026-12-30T16:00:00.000Z',
      'rectification:overdue@2026-12-31T16:00:00.000Z',
    ]);
  });
  it('is not reached a millisecond before its instant, reached at it', () => {
    const list = taskThresholds(cal, tasks());
    expect(reachedBy(list, '2026-12-10T15:59:59.999Z')).toEqual({ reached: [], next: '2026-12-10T16:00:00.000Z' });
    expect(reachedBy(list, '2026-12-11T16:00:00.000Z')).toEqual({
      reached: [expect.objectContaining({ clock: 'call_back', level: 'due' }), expect.objectContaining({ clock: 'call_back', level: 'overdue' })],
      next: '2026-12-30T16:00:00.000Z',
    });
  });
  it('a task done before its instant has none; the other task keeps its own', () => {
    expect(summary(tasks({ callBack: { due: '2026-12-11', doneAt: '2026-12-10T08:00:00Z' } }))).toEqual([
      'rectification:due@2026-12-30T16:00:00.000Z',
      'rectification:overdue@2026-12-31T16:00:00.000Z',
    ]);
    expect(summary(tasks({ callBack: { due: '2026-12-11', doneAt: '2026-12-10T08:00:00Z' }, rectification: { due: '2026-12-31', doneAt: '2026-12-12T08:00:00Z' } }))).toEqual([]);
  });
  it('none while the review is not in handling (appealed, rectified, excluded), none for a task not dated, never before the task opened', () => {
    expect(taskThresholds(cal, { ...tasks(), inHandling: false })).toEqual([]);
    expect(summary(tasks({ rectification: {} }))).toEqual(['call_back:due@2026-12-10T16:00:00.000Z', 'call_back:overdue@2026-12-11T16:00:00.000Z']);
    // A task due the day it opened is due from its opening.
    expect(summary(tasks({ callBack: { due: '2026-12-10' }, rectification: {} }))[0]).toBe('call_back:due@2026-12-10T02:00:00Z');
  });
});

describe('property: no threshold while its clock is stopped', () => {
  const day = 86_400_000;
  const base = Date.parse('2026-11-02T00:00:00+08:00');
  const stop = fc.record({ from: fc.integer({ min: 0, max: 60 * day }), length: fc.integer({ min: 1, max: 15 * day }) });
  it('no case threshold lies inside a suspension, before acceptance, or exists while one is open', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 * day }), fc.array(stop, { maxLength: 3 }), fc.boolean(), fc.integer({ min: 1, max: 20 }), (start, stops, lastOpen, promised) => {
        const startedAt = new Date(base + start).toISOString();
        let t = base + start;
        const suspensions = stops.map((s, i) => {
          const from = t + s.from;
          t = from + s.length;
          const open = lastOpen && i === stops.length - 1;
          return { kind: 'inspection', from: new Date(from).toISOString(), ...(open ? {} : { to: new Date(t).toISOString() }) };
        });
        const clock = clockOf({ startedAt, promisedWorkingDays: promised, suspensions });
        const list = caseThresholds(cal, watched(clock), defaultThresholds).filter((x) => x.kind === 'case');
        if (!isRunning(clock)) return list.length === 0;
        return list.every((x) => Date.parse(x.at) >= Date.parse(startedAt) &&
          suspensions.every((s) => !s.to || Date.parse(x.at) < Date.parse(s.from) || Date.parse(x.at) >= Date.parse(s.to)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('completion timeliness (按时办结)', () => {
  it('on time through the last second of the promised day in the center\'s zone; late by one working day a second later', () => {
    // Promised Fri 2026-12-11: 23:59:59 Shanghai is 15:59:59 UTC.
    expect(completionTimeliness(cal, '2026-12-11', '2026-12-11T15:59:59Z')).toEqual({ onTime: true, lateWorkingDays: 0 });
    expect(completionTimeliness(cal, '2026-12-11', '2026-12-11T16:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 1 });
  });
  it('counts lateness in working days: the weekend after a Friday limit is one day late, Tuesday two', () => {
    expect(completionTimeliness(cal, '2026-12-11', '2026-12-13T02:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 1 });
    expect(completionTimeliness(cal, '2026-12-11', '2026-12-15T02:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 2 });
  });
  it('skips the 国庆 holidays: a limit of 09-30 decided in them or on 10-08 is late by one working day, on 10-09 by two', () => {
    expect(completionTimeliness(cal, '2026-09-30', '2026-10-05T02:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 1 });
    expect(completionTimeliness(cal, '2026-09-30', '2026-10-08T02:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 1 });
    expect(completionTimeliness(cal, '2026-09-30', '2026-10-09T02:00:00Z')).toEqual({ onTime: false, lateWorkingDays: 2 });
  });
  it('has no verdict for a limit never dated', () => {
    expect(completionTimeliness(cal, undefined, '2026-12-11T02:00:00Z')).toBeUndefined();
  });
});

describe('what a watcher does with the levels as they now are', () => {
  const at = (level: string, iso: string) => ({ clock: 'reply', level, at: iso });
  const levels = [at('warning', '2026-12-01T16:00:00.000Z'), at('yellow', '2026-12-04T16:00:00.000Z'), at('red', '2026-12-07T16:00:00.000Z')];
  const now = '2026-12-05T00:00:00.000Z';

  it('publishes what is reached and not yet published, and waits for the next', () => {
    expect(levelChanges(levels, now, new Set())).toEqual({ publish: [levels[0], levels[1]], withdraw: [], next: levels[2]!.at });
    expect(levelChanges(levels, now, new Set(['reply#warning']))).toEqual({ publish: [levels[1]], withdraw: [], next: levels[2]!.at });
  });

  it('withdraws a published level whose instant moved past now, and keeps one the clock merely stopped short of', () => {
    const moved = [at('warning', '2026-12-01T16:00:00.000Z'), at('yellow', '2026-12-09T16:00:00.000Z'), at('red', '2026-12-10T16:00:00.000Z')];
    expect(levelChanges(moved, now, new Set(['reply#warning', 'reply#yellow']))).toEqual({ publish: [], withdraw: [moved[1]], next: moved[1]!.at });
    // No instant now (the clock stopped): nothing to publish, nothing withdrawn, nothing to wait for.
    expect(levelChanges([], now, new Set(['reply#warning', 'reply#yellow']))).toEqual({ publish: [], withdraw: [] });
  });
});
