/**
 * The rules of every watched clock (电子监察): whether a clock is running, the
 * center's "today", and the instants at which a limit reaches a warning, a
 * yellow or a red card (DOMAIN.md's table). The domains that own the clocks
 * publish these instants as events (cases its limits, evaluation a bad
 * review's call-back and rectification, documents the e-licence after
 * closure), the case reads and queues show the same days left, and
 * supervision turns the events into cards: all of them import the rules from
 * here, so a threshold is defined once.
 *
 * A threshold is an instant: the start (00:00 in the center's time zone) of the
 * first day on which the condition holds — late by one second is late. Days
 * left and days overdue are counted as `remainingWorkingDays` counts them.
 *
 * Pure: callers pass the calendar, the clock and the instant.
 */
import type { CaseClock } from '#schemas/api/cases';
import type { CardLevel, ClockKind, ThresholdReached, ThresholdSettingsBody } from '#schemas/api/supervision';
import type { TaskClock, TaskLevel } from '#schemas/events/evaluation';
import type { FieldFault } from './errors.ts';
import { msg } from '#schemas/api/problems';
import { CalendarYearMissingError, addCalendarDays, addWorkingDays, localDate, remainingWorkingDays, type WorkCalendar } from './calendar.ts';

/**
 * The one extension of a case's limit (art. 42): the item's own setting, else
 * the law's 10 working days, 15 for joint handling. The public guide shows it
 * and the case clock grants it, so it is defined here, once.
 */
export function extensionDaysOf(configured: number | undefined, joint: boolean): number {
  return configured ?? (joint ? 15 : 10);
}

/** The card table's values (Hunan practice, DOMAIN.md), in working days. */
export const defaultThresholds = {
  case: { warningWorkingDays: 2 },
  specialProcedure: { warningWorkingDays: 2, yellowOverdueWorkingDays: 0, redOverdueWorkingDays: 1 },
  preReview: { dueWorkingDays: 2, warningOverdueWorkingDays: 0, yellowOverdueWorkingDays: 3, redOverdueWorkingDays: 5 },
  order: { yellowOverdueWorkingDays: 0 },
  eLicence: { overdueAfterWorkingDays: 3 },
} satisfies Required<ThresholdSettingsBody>;

/** The e-licence row in force: settings without it (stored before it existed, or sent without it) keep the table's. */
export const eLicenceSetting = (s: ThresholdSettingsBody) => s.eLicence ?? defaultThresholds.eLicence;

/** Threshold settings whose levels come in the wrong order: a warning after the yellow card, a red not after the yellow. */
export function thresholdOrderErrors(s: ThresholdSettingsBody): FieldFault[] {
  const errors: FieldFault[] = [];
  const after = (path: string, value: number, before: number, what: string) => {
    if (value <= before) errors.push({ path, code: 'out_of_order', message: msg(`须大于 ${what}（${before}）：较重的一级不能先到`, `must be more than ${what} (${before}): a heavier level cannot come first`) });
  };
  after('/body/specialProcedure/redOverdueWorkingDays', s.specialProcedure.redOverdueWorkingDays, s.specialProcedure.yellowOverdueWorkingDays, 'yellowOverdueWorkingDays');
  after('/body/preReview/yellowOverdueWorkingDays', s.preReview.yellowOverdueWorkingDays, s.preReview.warningOverdueWorkingDays, 'warningOverdueWorkingDays');
  after('/body/preReview/redOverdueWorkingDays', s.preReview.redOverdueWorkingDays, s.preReview.yellowOverdueWorkingDays, 'yellowOverdueWorkingDays');
  return errors;
}

/**
 * The last date a limit due on it counts as due soon, seen on `today`, with a
 * warning `days` working days ahead (the queues' due-soon range: exactly the
 * dates whose `dueSoonFrom` has come, i.e. before the (days + 1)-th working day
 * after today); `today` alone when the calendar stops short.
 */
export function dueSoonUntil(cal: WorkCalendar, today: string, days: number): string {
  try {
    return addCalendarDays(addWorkingDays(cal, today, days + 1), -1);
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return today;
    throw err;
  }
}

/** The center's calendar date at `instant` ("today" for every rule). */
export const todayAt = (cal: WorkCalendar, instant: string): string => localDate(cal, instant);

/** The clock counts: started, not stopped, not held by an open suspension (特别程序, 上报). */
export function isRunning(clock: CaseClock): boolean {
  return clock.startedAt !== undefined && clock.stoppedAt === undefined && !clock.suspensions.some((s) => s.to === undefined);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The offset (ms) of the time zone from UTC at `ms`. */
function zoneOffsetMs(timeZone: string, ms: number): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
}

/** The instant 00:00 of `date` in the calendar's time zone (ISO, UTC). */
export function startOfDay(cal: WorkCalendar, date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the guess, then at the instant it gives (a zone that changed its offset that day).
  const first = wall - zoneOffsetMs(cal.timeZone, wall);
  return new Date(wall - zoneOffsetMs(cal.timeZone, first)).toISOString();
}


/** The first day on which at most `days` working days are left before `due` (`due` itself at the latest). */
export function dueSoonFrom(cal: WorkCalendar, due: string, days: number): string {
  let t = due;
  for (let i = 0; i < 400; i++) {
    const before = addCalendarDays(t, -1);
    if (remainingWorkingDays(cal, before, due) > days) return t;
    t = before;
  }
  return t;
}

/** The first day on which `due` is overdue by more than `days` working days. */
export function overdueFrom(cal: WorkCalendar, due: string, days: number): string {
  let t = addCalendarDays(due, 1);
  while (-remainingWorkingDays(cal, t, due) <= days) t = addCalendarDays(t, 1);
  return t;
}

export interface Threshold {
  /** The clock within its subject (`case`, `special_procedure:<n>`…): a card is unique per clock and level. */
  readonly clock: string;
  readonly kind: ClockKind;
  readonly level: CardLevel;
  /** When the level is reached: never earlier than the clock started, never while it was stopped. */
  readonly at: string;
  /** The limit's last day. */
  readonly due: string;
  readonly overdueWorkingDays?: number;
}

/** What the rules need of a case: its clock, deadlines and the state that says which clocks exist. */
export interface WatchedCase {
  readonly state: string;
  readonly channel: 'online' | 'window';
  readonly receivedAt: string;
  /** The last day to send the one-time supplement notice (art. 32), while `submitted`. */
  readonly noticeDue?: string;
  readonly clock: CaseClock;
  readonly deadlines: { readonly statutoryDue?: string; readonly promisedDue?: string; readonly deliveryDue?: string; readonly provisional?: true };
  readonly delivered: boolean;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * An instant moved out of the time its clock was stopped: a limit counted
 * again after a suspension can give an instant inside it, which the clock
 * only reaches when it resumes.
 */
function outsideStops(at: string, clock: CaseClock): string {
  let moved = at;
  for (const s of clock.suspensions) {
    if (s.to && Date.parse(moved) >= Date.parse(s.from) && Date.parse(moved) < Date.parse(s.to)) moved = s.to;
  }
  return moved;
}

/** `compute()`, or none when a year it needs is not on the calendar (no threshold rather than a wrong one). */
function onCalendar<T>(compute: () => T[]): T[] {
  try {
    return compute();
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return [];
    throw err;
  }
}

/**
 * Every threshold of a case's clocks that exists now, reached or not:
 *  - the case: warning before the promised limit, yellow past it, red past the statutory limit (while the clock runs);
 *  - the open special procedure with an expected length: warning before its end, yellow and red overdue;
 *  - pre-review of an online application not yet accepted: warning, yellow and red overdue;
 *  - the notice period of a received application: its last day (an event; no card row);
 *  - delivery (art. 44) after the decision until delivered: past its limit (an event; no card row).
 */
export function caseThresholds(cal: WorkCalendar, c: WatchedCase, s: ThresholdSettingsBody): Threshold[] {
  const out: Threshold[] = [];
  const start = c.clock.startedAt;
  if (start && isRunning(c.clock)) {
    out.push(...onCalendar(() => {
      const at = (date: string) => outsideStops(later(startOfDay(cal, date), start), c.clock);
      const list: Threshold[] = [];
      const { promisedDue, statutoryDue } = c.deadlines;
      if (promisedDue) {
        list.push({ clock: 'case', kind: 'case', level: 'warning', at: at(dueSoonFrom(cal, promisedDue, s.case.warningWorkingDays)), due: promisedDue });
        list.push({ clock: 'case', kind: 'case', level: 'yellow', at: at(addCalendarDays(promisedDue, 1)), due: promisedDue });
      }
      if (statutoryDue) list.push({ clock: 'case', kind: 'case', level: 'red', at: at(addCalendarDays(statutoryDue, 1)), due: statutoryDue });
      return list;
    }));
  }
  const index = c.clock.suspensions.length - 1;
  const open = c.clock.suspensions[index];
  if (open && !open.to && !c.clock.stoppedAt && open.expectedWorkingDays) {
    const sp = s.specialProcedure;
    const expected = open.expectedWorkingDays;
    out.push(...onCalendar(() => {
      const end = addWorkingDays(cal, localDate(cal, open.from), expected);
      const at = (date: string) => later(startOfDay(cal, date), open.from);
      const clock = `special_procedure:${index}`;
      return [
        { clock, kind: 'special_procedure', level: 'warning', at: at(dueSoonFrom(cal, end, sp.warningWorkingDays)), due: end },
        { clock, kind: 'special_procedure', level: 'yellow', at: at(overdueFrom(cal, end, sp.yellowOverdueWorkingDays)), due: end, overdueWorkingDays: sp.yellowOverdueWorkingDays + 1 },
        { clock, kind: 'special_procedure', level: 'red', at: at(overdueFrom(cal, end, sp.redOverdueWorkingDays)), due: end, overdueWorkingDays: sp.redOverdueWorkingDays + 1 },
      ] satisfies Threshold[];
    }));
  }
  if (c.channel === 'online' && c.state === 'submitted') {
    const pr = s.preReview;
    out.push(...onCalendar(() => {
      const due = addWorkingDays(cal, localDate(cal, c.receivedAt), pr.dueWorkingDays);
      const at = (days: number) => later(startOfDay(cal, overdueFrom(cal, due, days)), c.receivedAt);
      return (['warning', 'yellow', 'red'] as const).map((level) => {
        const days = pr[`${level}OverdueWorkingDays`];
        return { clock: 'pre_review', kind: 'pre_review', level, at: at(days), due, overdueWorkingDays: days + 1 } satisfies Threshold;
      });
    }));
  }
  if (c.state === 'submitted' && c.noticeDue) {
    // 一次性告知 is due by the notice period's last day: from the next, the case counts as accepted (art. 32).
    const noticeDue = c.noticeDue;
    out.push({ clock: 'notice', kind: 'notice', level: 'warning', at: later(startOfDay(cal, noticeDue), c.receivedAt), due: noticeDue });
  }
  const { deliveryDue } = c.deadlines;
  if (deliveryDue && !c.delivered) {
    out.push(...onCalendar(() => [{ clock: 'delivery', kind: 'delivery', level: 'yellow', at: startOfDay(cal, addCalendarDays(deliveryDue, 1)), due: deliveryDue } satisfies Threshold]));
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The e-licence clock (电子证照, DOMAIN.md's card table): an approved case's
 * certificate is issued within the setting's working days of closure (the day
 * of closure not counted); not issued by the start of the day after that
 * limit, yellow. Whether it was issued is the documents domain's to know.
 */
export function eLicenceThresholds(cal: WorkCalendar, closedAt: string, s: ThresholdSettingsBody): Threshold[] {
  return onCalendar(() => {
    const due = addWorkingDays(cal, localDate(cal, closedAt), eLicenceSetting(s).overdueAfterWorkingDays);
    return [{ clock: 'e_licence', kind: 'e_licence', level: 'yellow', at: startOfDay(cal, addCalendarDays(due, 1)), due }];
  });
}

/** A threshold of a bad review's task (回访, 整改): no card row, an event for the department. */
export interface TaskThreshold {
  readonly clock: TaskClock;
  readonly level: TaskLevel;
  readonly at: string;
  /** The task's last day. */
  readonly due: string;
}

/** What the rules need of a bad review: its tasks, and whether the department is handling it now. */
export interface WatchedTasks {
  /** False while the review is appealed, and once rectified or excluded: the tasks' clocks do not run. */
  readonly inHandling: boolean;
  readonly tasks?: {
    readonly openedAt: string;
    readonly callBack: { readonly due?: string; readonly doneAt?: string };
    readonly rectification: { readonly due?: string; readonly doneAt?: string };
  };
}

/**
 * Every threshold of a bad review's open tasks, reached or not: due from the
 * start of the task's last day, overdue from the start of the day after it (a
 * Friday's task is overdue on Saturday: its dates are the department's, counted
 * in working days when the task opened). A task done, or not dated (a calendar
 * year missing), has none.
 */
export function taskThresholds(cal: WorkCalendar, e: WatchedTasks): TaskThreshold[] {
  const tasks = e.tasks;
  if (!e.inHandling || !tasks) return [];
  const at = (date: string) => later(startOfDay(cal, date), tasks.openedAt);
  return ([['call_back', tasks.callBack], ['rectification', tasks.rectification]] as const)
    .flatMap(([clock, task]) => {
      if (!task.due || task.doneAt) return [];
      return [
        { clock, level: 'due', at: at(task.due), due: task.due },
        { clock, level: 'overdue', at: at(addCalendarDays(task.due, 1)), due: task.due },
      ] satisfies TaskThreshold[];
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** What a clock was about when a threshold came: a case (its number, lead department and handlers), or a complaint (its id, the assigned department). */
export type ThresholdSubject = ({ readonly caseNo: string } | { readonly complaintId: string }) & {
  readonly departmentId: string;
  readonly handlerIds?: readonly string[];
  readonly provisional?: true;
};

/** A threshold as its event tells it (one data shape whichever domain owns the clock). */
export function thresholdReached(subject: ThresholdSubject, t: Threshold): ThresholdReached {
  return {
    ...('caseNo' in subject ? { caseNo: subject.caseNo } : { complaintId: subject.complaintId }),
    departmentId: subject.departmentId,
    clock: t.clock,
    clockKind: t.kind,
    level: t.level,
    thresholdAt: t.at,
    due: t.due,
    ...(t.overdueWorkingDays !== undefined ? { overdueWorkingDays: t.overdueWorkingDays } : {}),
    ...(subject.provisional ? { provisional: true } : {}),
    ...(subject.handlerIds?.length ? { handlerIds: [...subject.handlerIds] } : {}),
  };
}

/** The thresholds reached by `now`, and the instant of the next one (when to look again). */
export function reachedBy<T extends { readonly at: string }>(thresholds: readonly T[], now: string): { reached: T[]; next?: string } {
  const t = Date.parse(now);
  const reached = thresholds.filter((x) => Date.parse(x.at) <= t);
  const next = thresholds.find((x) => Date.parse(x.at) > t)?.at;
  return { reached, ...(next ? { next } : {}) };
}

/**
 * What a watcher does with a clock's levels as they now are: publish those
 * reached and not yet published; withdraw those published whose instant has
 * moved past now (their limit moved later). A level the clock merely stopped
 * short of (suspended, decided) has no instant now and stays: it was reached.
 */
export function levelChanges<T extends { readonly at: string; readonly clock: string; readonly level: string }>(thresholds: readonly T[], now: string, published: ReadonlySet<string>) {
  const { reached, next } = reachedBy(thresholds, now);
  const isPublished = (t: T) => published.has(`${t.clock}#${t.level}`);
  return {
    publish: reached.filter((t) => !isPublished(t)),
    withdraw: thresholds.filter((t) => Date.parse(t.at) > Date.parse(now) && isPublished(t)),
    ...(next ? { next } : {}),
  };
}

/**
 * How a decided case kept its promised limit (按时办结): on time when decided
 * on or before the promised day, else late by the working days past it (at
 * least one: a decision on the Saturday after a Friday limit is late).
 * Undefined when the limit was never dated (a calendar year missing).
 */
export function completionTimeliness(cal: WorkCalendar, promisedDue: string | undefined, decidedAt: string): { onTime: boolean; lateWorkingDays: number } | undefined {
  if (!promisedDue) return undefined;
  const remaining = remainingWorkingDays(cal, localDate(cal, decidedAt), promisedDue);
  return remaining >= 0 ? { onTime: true, lateWorkingDays: 0 } : { onTime: false, lateWorkingDays: -remaining };
}
