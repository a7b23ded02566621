/**
 * What each evaluation action changes, and how the figures count it. Dates
 * come from the center's working-day calendar (a deadline reaching a year the
 * center has not entered is left out and names the year, as for cases);
 * counters are deltas the change's event carries (the counting consumer,
 * counting.ts, adds them once per event).
 *
 * Pure: callers pass the instant, today's date and the calendar.
 */
import type { Static } from '@sinclair/typebox';
import {
  DEFAULT_LEVEL,
  indicatorSets,
  type AppealBody,
  type CallBackBody,
  type DecideAppealBody,
  type EvaluationType,
  type IndicatorSetName,
  type Indicators,
  type RateBody,
  type RateFixBody,
  type RectifyBody,
  type Rater,
  type SettingsBody,
} from '#schemas/api/evaluation';
import { msg } from '#schemas/api/problems';
import { counterNames } from '#schemas/events/evaluation';
import { CalendarYearMissingError, addWorkingDays, localDate, type WorkCalendar } from '#shared/calendar';
import type { Caller } from '#shared/auth';
import { problem, type FieldFault } from '#shared/errors';
import { isBadReview, nextState, type Counted, type Dimensions, type EvaluationRecord, type Transition } from './lifecycle.ts';
import { evaluationProblems as p } from './problems.ts';

/** `compute()`, or absent with the year the calendar lacks. */
function onCalendar(compute: () => string): { date?: string; missingYear?: number } {
  try {
    return { date: compute() };
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return { missingYear: err.year };
    throw err;
  }
}

/** The last day to rate: `workingDays` working days after the day of the invitation (that day not counted). */
export function rateByOf(cal: WorkCalendar, invitedAt: string, workingDays: number): { rateBy?: string; missingCalendarYear?: number } {
  const r = onCalendar(() => addWorkingDays(cal, localDate(cal, invitedAt), workingDays));
  return { ...(r.date ? { rateBy: r.date } : {}), ...(r.missingYear ? { missingCalendarYear: r.missingYear } : {}) };
}

/** 一事一评 is online; 一次一评 is at the window (offline). */
export const indicatorSetOf = (type: EvaluationType): IndicatorSetName => (type === 'case' ? 'online' : 'offline');

export interface InvitationInput {
  readonly evaluationId: string;
  readonly type: EvaluationType;
  readonly centerId: string;
  readonly timeZone: string;
  readonly departmentId: string;
  /** The rater; a visit nobody identified has its slip instead. */
  readonly applicantId?: string;
  readonly slip?: EvaluationRecord['slip'];
  readonly caseNo?: string;
  readonly itemCode?: string;
  readonly itemName?: string;
  readonly windowId?: string;
  /** The staff it counts for: a case's intake clerk and decider, a visit's server. */
  readonly staffIds?: readonly string[];
  /** The case's completion or the visit's end. */
  readonly invitedAt: string;
  readonly now: string;
  readonly settings: SettingsBody;
}

/** A new evaluation waiting for its rating. */
export function newInvitation(cal: WorkCalendar, input: InvitationInput): EvaluationRecord {
  const { settings, now, ...rest } = input;
  return {
    evaluationId: rest.evaluationId,
    type: rest.type,
    indicatorSet: indicatorSetOf(rest.type),
    state: 'invited',
    version: 1,
    centerId: rest.centerId,
    timeZone: rest.timeZone,
    departmentId: rest.departmentId,
    ...(rest.applicantId ? { applicantId: rest.applicantId } : {}),
    ...(rest.slip ? { slip: rest.slip } : {}),
    ...(rest.caseNo ? { caseNo: rest.caseNo } : {}),
    ...(rest.itemCode ? { itemCode: rest.itemCode } : {}),
    ...(rest.itemName ? { itemName: rest.itemName } : {}),
    ...(rest.windowId ? { windowId: rest.windowId } : {}),
    ...(rest.staffIds?.length ? { staffIds: [...new Set(rest.staffIds)] } : {}),
    invitedAt: rest.invitedAt,
    ratingWorkingDays: settings.ratingWorkingDays,
    ...rateByOf(cal, rest.invitedAt, settings.ratingWorkingDays),
    createdAt: now,
    updatedAt: now,
  };
}

/** Every indicator of the evaluation's set, and none of the other's. */
export function indicatorErrors(set: IndicatorSetName, indicators: Indicators): FieldFault[] {
  const wanted = indicatorSets[set] as readonly string[];
  const given = Object.keys(indicators);
  const setName = set === 'online' ? '网上评价（一事一评）' : '窗口评价（一次一评）';
  return [
    ...wanted.filter((n) => !given.includes(n)).map((n) => ({ path: `/body/indicators/${n}`, code: 'required', message: msg(`是${setName}的评价指标，必填`, `is an indicator of the ${set} set`) })),
    ...given.filter((n) => !wanted.includes(n)).map((n) => ({
      path: `/body/indicators/${n}`, code: 'not_in_set', message: msg(`不是${setName}的评价指标（${wanted.join('、')}）`, `is not an indicator of the ${set} set (${wanted.join(', ')})`),
    })),
  ];
}

export { counterNames };
export type CounterName = (typeof counterNames)[number];
export type Counters = Record<CounterName, number>;

/** Counter deltas for one evaluation, added in the month and dimensions it was counted under. */
export interface CountChange {
  readonly month: string;
  /** Where the bad review's rectification counters go: the month it falls due. */
  readonly dueMonth?: string;
  readonly dimensions: Dimensions;
  readonly delta: Partial<Counters>;
}

export const dimensionsOf = (e: EvaluationRecord): Dimensions => ({
  departmentId: e.departmentId,
  ...(e.windowId ? { windowId: e.windowId } : {}),
  ...(e.itemCode ? { itemCode: e.itemCode } : {}),
  ...(e.staffIds?.length ? { staffIds: e.staffIds } : {}),
});

/** The month a bad review's rectification falls due, when its due date is known. */
const dueMonthOf = (tasks: EvaluationRecord['tasks']) => tasks?.rectification.due?.slice(0, 7);

/** Whether the rectification was recorded by its due date (the center's day of `doneAt`). */
const fixedOnTime = (cal: WorkCalendar, tasks: EvaluationRecord['tasks']) =>
  tasks?.rectification.due !== undefined && tasks.rectification.doneAt !== undefined && localDate(cal, tasks.rectification.doneAt) <= tasks.rectification.due;

const levelCounter = (rating: number) => `r${rating}` as CounterName;

/** What counting an evaluation adds: once when rated or defaulted. */
function countedDelta(rating: number, proactive: boolean): Partial<Counters> {
  const good = !isBadReview(rating);
  return {
    total: 1,
    [levelCounter(rating)]: 1,
    ...(good ? { good: 1 } : { bad: 1 }),
    ...(proactive ? { proactive: 1, ...(good ? { proactiveGood: 1 } : {}) } : { defaulted: 1 }),
  };
}

export interface ActionContext {
  readonly cal: WorkCalendar;
  readonly now: string;
  readonly today: string;
  readonly settings: SettingsBody;
  readonly caller?: Caller;
  /** The rater's real name from their profile (rating actions); none for an anonymous visit's slip holder. */
  readonly rater?: Rater;
}

export interface Applied {
  readonly next: EvaluationRecord;
  /** What the event records of the action (never the rater's comment). */
  readonly details: Record<string, unknown>;
  readonly counts?: CountChange;
}

/** Due dates of a bad review's tasks, counted from the day of the review (that day not counted). */
function openTasks(cal: WorkCalendar, today: string, now: string, settings: SettingsBody) {
  const callBack = onCalendar(() => addWorkingDays(cal, today, settings.callBackWorkingDays));
  const rectification = onCalendar(() => addWorkingDays(cal, today, settings.rectificationWorkingDays));
  return {
    tasks: {
      openedAt: now,
      callBack: callBack.date ? { due: callBack.date } : {},
      rectification: rectification.date ? { due: rectification.date } : {},
    },
    missingCalendarYear: callBack.missingYear ?? rectification.missingYear,
  };
}

/**
 * A rating its schema lets through but the rules do not: indicators of the
 * other set, a bad review without a comment. Every fault is named; the type
 * is that of the first rule broken.
 */
function assertRatingFits(e: EvaluationRecord, b: RateBody): void {
  const indicators = indicatorErrors(e.indicatorSet, b.indicators);
  const comment: FieldFault[] = isBadReview(b.rating) && !b.comment
    ? [{ path: '/body/comment', code: 'required', message: msg('差评须说明哪里做得不好，以便整改', 'a bad review says what went wrong, so that it can be put right') }]
    : [];
  if (indicators.length === 0 && comment.length === 0) return;
  throw problem(
    indicators.length ? p['indicators-not-of-set'] : p['bad-review-comment-required'],
    msg('评价内容不符合要求，见 errors。', 'The rating does not fit the evaluation; see errors.'),
    [...indicators, ...comment],
  );
}

/**
 * The evaluation after `t` with `body`: the record, the event's details and
 * the counter deltas. Throws the rule's problem for input its schema lets
 * through but the rules do not.
 */
export function applyAction(e: EvaluationRecord, t: Transition, body: Record<string, unknown>, ctx: ActionContext): Applied {
  const by = ctx.caller?.userId ?? 'system';
  const base = { ...e, state: nextState(t, e, body), version: e.version + 1, updatedAt: ctx.now };
  const month = ctx.today.slice(0, 7);
  switch (t.action) {
    case 'rate': {
      const b = body as RateBody;
      assertRatingFits(e, b);
      const bad = isBadReview(b.rating);
      if (!ctx.rater && !e.slip) throw new Error('rating needs the rater\'s profile');
      const counted: Counted = { month, rating: b.rating, proactive: true, dimensions: dimensionsOf(e) };
      const opened = bad ? openTasks(ctx.cal, ctx.today, ctx.now, ctx.settings) : undefined;
      const { missingCalendarYear: _m, ...rest } = base;
      const missing = opened?.missingCalendarYear ?? e.missingCalendarYear;
      const dueMonth = dueMonthOf(opened?.tasks);
      return {
        next: {
          ...rest,
          rating: { rating: b.rating, indicators: b.indicators, ...(b.comment ? { comment: b.comment } : {}), at: ctx.now, proactive: true },
          ...(ctx.rater ? { rater: ctx.rater } : {}),
          counted,
          ...(opened ? { tasks: opened.tasks } : {}),
          ...(missing ? { missingCalendarYear: missing } : {}),
        },
        details: { commented: b.comment !== undefined },
        counts: { month, ...(dueMonth ? { dueMonth } : {}), dimensions: counted.dimensions, delta: { ...countedDelta(b.rating, true), ...(dueMonth ? { badDue: 1 } : {}) } },
      };
    }
    case 'default': {
      const counted: Counted = { month, rating: DEFAULT_LEVEL, proactive: false, dimensions: dimensionsOf(e) };
      return {
        next: { ...base, rating: { rating: DEFAULT_LEVEL, indicators: {}, at: ctx.now, proactive: false }, counted },
        details: { rateBy: e.rateBy },
        counts: { month, dimensions: counted.dimensions, delta: countedDelta(DEFAULT_LEVEL, false) },
      };
    }
    case 'callBack': {
      const b = body as Static<typeof CallBackBody>;
      const tasks = e.tasks!;
      return {
        next: { ...base, tasks: { ...tasks, callBack: { ...tasks.callBack, doneAt: ctx.now, by, reached: b.reached, summary: b.summary } } },
        // Free text about the rater stays on the evaluation: events reach the permanent audit log.
        details: { reached: b.reached, due: tasks.callBack.due, onTime: tasks.callBack.due === undefined || ctx.today <= tasks.callBack.due },
      };
    }
    case 'rectify': {
      const b = body as Static<typeof RectifyBody>;
      const tasks = e.tasks!;
      const dueMonth = dueMonthOf(tasks);
      const onTime = tasks.rectification.due === undefined || ctx.today <= tasks.rectification.due;
      return {
        next: { ...base, tasks: { ...tasks, rectification: { ...tasks.rectification, doneAt: ctx.now, by, outcome: b.outcome, measures: b.measures } } },
        details: { outcome: b.outcome, due: tasks.rectification.due, onTime },
        ...(dueMonth && onTime && e.counted ? { counts: { month: e.counted.month, dueMonth, dimensions: e.counted.dimensions, delta: { badFixedOnTime: 1 } } } : {}),
      };
    }
    case 'rateFix': {
      const b = body as Static<typeof RateFixBody>;
      const counted = e.counted!;
      return {
        next: { ...base, fixRating: { rating: b.rating, ...(b.comment ? { comment: b.comment } : {}), at: ctx.now } },
        details: { rating: b.rating },
        counts: { month: counted.month, dimensions: counted.dimensions, delta: { fixRated: 1, ...(isBadReview(b.rating) ? {} : { fixGood: 1 }) } },
      };
    }
    case 'appeal': {
      const b = body as Static<typeof AppealBody>;
      return {
        next: { ...base, appeal: { reason: b.reason, statement: b.statement, by, at: ctx.now, fromState: e.state } },
        details: { reason: b.reason },
      };
    }
    case 'decideAppeal': {
      const b = body as Static<typeof DecideAppealBody>;
      const counted = e.counted!;
      // An excluded review leaves the rectification counts too: it was never a bad review to fix.
      const dueMonth = dueMonthOf(e.tasks);
      const exclusion: Partial<Counters> = {
        ...Object.fromEntries(Object.entries(countedDelta(counted.rating, counted.proactive)).map(([k, v]) => [k, -(v as number)])),
        ...(dueMonth ? { badDue: -1, ...(fixedOnTime(ctx.cal, e.tasks) ? { badFixedOnTime: -1 } : {}) } : {}),
        excluded: 1,
      };
      return {
        next: { ...base, appeal: { ...e.appeal!, decision: { upheld: b.upheld, opinion: b.opinion, by, at: ctx.now } } },
        details: { upheld: b.upheld, reason: e.appeal?.reason },
        ...(b.upheld ? { counts: { month: counted.month, ...(dueMonth ? { dueMonth } : {}), dimensions: counted.dimensions, delta: exclusion } } : {}),
      };
    }
    default:
      throw new Error(`no rule for action ${t.action}`);
  }
}

/** The earliest open task of a bad review in handling: what orders the department's queue. */
export function nextDueOf(e: Pick<EvaluationRecord, 'tasks' | 'state'>): string | undefined {
  if (e.state !== 'rectifying' || !e.tasks) return undefined;
  return e.tasks.callBack.doneAt ? e.tasks.rectification.due : e.tasks.callBack.due;
}
