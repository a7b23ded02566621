/**
 * The evaluation lifecycle (好差评) as one table: for each action, the states
 * it leaves, the state it enters, who may take it and the guards that must
 * hold. The same table drives the API's checks, the `nextActions` of every
 * read, the action routes and their OpenAPI description.
 *
 *   invited ──rate 3–5──▶ rated
 *   invited ──rate 1–2──▶ rectifying ──callBack──▶ rectifying ──rectify──▶ fix_to_rate ──rateFix──▶ closed
 *                                                                (anonymous rating) ──rectify──▶ closed
 *   invited ──(system, rating period over)──▶ defaulted (counts as 满意)
 *   rectifying | fix_to_rate ──appeal──▶ appealed ──decideAppeal──▶ excluded (upheld) | back (rejected)
 *
 * Pure: no I/O, no clock.
 */
import * as Type from '@sinclair/typebox/type';
import type { TSchema } from '@sinclair/typebox';
import {
  AppealBody,
  BAD_REVIEW_MAX,
  CallBackBody,
  DecideAppealBody,
  RateBody,
  RateFixBody,
  RectifyBody,
  type Evaluation,
  type EvaluationState,
  type Rater,
} from '#schemas/api/evaluation';
import { genericProblems, msg, type ProblemType, type Text } from '#schemas/api/problems';
import { callerDepartments, type Caller, type StaffRole } from '#shared/auth';
import { HttpProblem, forbidden, wrongState } from '#shared/errors';
import { evaluationProblems as p } from './problems.ts';

/** What the figures of an evaluation were counted under (for an exclusion or a fix rating later). */
export interface Dimensions {
  readonly departmentId: string;
  readonly windowId?: string;
  readonly itemCode?: string;
  /** The staff it counts for (account ids): a case's intake clerk and decider, a visit's server. */
  readonly staffIds?: string[];
}
export interface Counted {
  /** YYYY-MM in the center's time zone. */
  readonly month: string;
  readonly rating: number;
  readonly proactive: boolean;
  readonly dimensions: Dimensions;
}

/** The evaluation as stored: the API shape without what a read computes, plus what only the service sees. */
export type EvaluationRecord = Omit<Evaluation, 'nextActions' | 'rater' | 'anonymous'> & {
  readonly centerId: string;
  /** The rater, from the completed case or the visit: the owner check. Absent for a visitor nobody identified. */
  readonly applicantId?: string;
  /** A visit nobody identified: the slip's code (its hash, never shown) makes its holder the rater. */
  readonly slip?: { readonly ticketId: string; readonly codeHash: string };
  readonly timeZone: string;
  /** Real name, taken from the rater's profile when they rate; shown to supervisors only. */
  readonly rater?: Rater;
  readonly counted?: Counted;
  /** The staff the evaluation counts for (考核归属): never shown to the rater. */
  readonly staffIds?: string[];
};

/** Who takes an action: the rater (the applicant the evaluation belongs to), an anonymous visit's slip holder, the handling department's staff, a supervisor, or the system. */
export type Actor =
  | { readonly role: 'rater' }
  | { readonly role: 'slipHolder' }
  | { readonly role: Extract<StaffRole, 'clerk' | 'dept_admin'>; readonly on: 'department' }
  | { readonly role: 'supervisor' }
  | { readonly role: 'system' };

/** Who asks (undefined: the system), the applicant id of the caller's profile, and today in the center. */
export interface Context {
  readonly caller?: Caller;
  readonly callerApplicantId?: string;
  /** No account: the request proved the visit's ticket slip (its id and code). */
  readonly slipHolder?: true;
  readonly today: string;
}

export interface Guard {
  readonly name: string;
  /** The rule the guard keeps: the problem type of its refusal. */
  readonly problem: ProblemType;
  /** Why the action is refused on this evaluation, or `undefined` when the guard holds. */
  readonly refuses: (e: EvaluationRecord, ctx: Context) => Text | undefined;
}

/** A state chosen by the action's input (a rating's level, an appeal's outcome). */
export interface ByInput {
  readonly byInput: string;
  readonly pick: (e: EvaluationRecord, body: Record<string, unknown>) => EvaluationState;
}

export interface Transition {
  readonly action: string;
  readonly from: readonly EvaluationState[];
  readonly to: EvaluationState | 'same' | ByInput;
  readonly by: readonly Actor[];
  readonly guards: readonly Guard[];
  /** The detail-type of the event the transition emits. */
  readonly event: string;
  readonly body: TSchema;
  readonly summary: string;
}

const NoBody = Type.Object({}, { additionalProperties: false });

const guards = {
  withinRatingPeriod: {
    name: 'within the rating period',
    problem: p['rating-period-over'],
    refuses: (e, { today }) =>
      e.rateBy && today > e.rateBy
        ? msg(`评价期限已于 ${e.rateBy} 届满，本次评价按“满意”计。`, `The rating period ended on ${e.rateBy}: the evaluation counts as satisfied (满意).`)
        : undefined,
  },
  ratingPeriodOver: {
    name: 'the rating period has ended',
    // Only the system takes this action; before the date it is simply not due.
    problem: genericProblems['wrong-state'],
    refuses: (e, { today }) => (e.rateBy && today > e.rateBy ? undefined : msg('评价期限尚未届满。', 'The rating period has not ended.')),
  },
  callBackOpen: {
    name: 'the call-back is not recorded yet',
    problem: p['call-back-recorded'],
    refuses: (e) => (e.tasks?.callBack.doneAt ? msg('已记录回访。', 'The call-back (回访) is recorded already.') : undefined),
  },
  callBackDone: {
    name: 'the call-back is recorded',
    problem: p['call-back-required'],
    refuses: (e) => (e.tasks?.callBack.doneAt ? undefined : msg('请先回访评价人，再记录整改情况。', 'Call the rater back (回访) before recording the rectification.')),
  },
  noAppealYet: {
    name: 'not appealed before',
    problem: p['already-appealed'],
    refuses: (e) => (e.appeal ? msg('此差评已申诉过，每条差评只能申诉一次。', 'This review was appealed already: one appeal per review.') : undefined),
  },
} satisfies Record<string, Guard>;

const rater = { role: 'rater' } as const;
const slipHolder = { role: 'slipHolder' } as const;
const departmentStaff = [
  { role: 'clerk', on: 'department' },
  { role: 'dept_admin', on: 'department' },
] as const;
const departmentAdmin = { role: 'dept_admin', on: 'department' } as const;
const supervisor = { role: 'supervisor' } as const;
const system = { role: 'system' } as const;

export const isBadReview = (rating: number) => rating <= BAD_REVIEW_MAX;

export const transitions: readonly Transition[] = [
  {
    action: 'rate', from: ['invited'],
    to: { byInput: '`rectifying` for a bad review (1–2), else `rated`', pick: (_e, b) => (isBadReview(b.rating as number) ? 'rectifying' : 'rated') },
    by: [rater, slipHolder], guards: [guards.withinRatingPeriod], event: 'EvaluationSubmitted', body: RateBody,
    summary: 'Rate (评价): overall satisfaction 1–5 and the indicators of the set; a bad review opens the call-back and rectification tasks of the handling department',
  },
  {
    action: 'default', from: ['invited'], to: 'defaulted', by: [system], guards: [guards.ratingPeriodOver], event: 'EvaluationDefaulted', body: NoBody,
    summary: 'Not rated within the rating period: counts as satisfied (默认满意)',
  },
  {
    action: 'callBack', from: ['rectifying'], to: 'same', by: departmentStaff, guards: [guards.callBackOpen], event: 'ReturnVisitDone', body: CallBackBody,
    summary: 'Record the call-back (回访) of the rater',
  },
  {
    action: 'rectify', from: ['rectifying'],
    to: { byInput: '`fix_to_rate`; `closed` for an anonymous rating (nobody to rate the fix)', pick: (e) => (e.slip ? 'closed' : 'fix_to_rate') },
    by: departmentStaff, guards: [guards.callBackDone], event: 'RectificationDone', body: RectifyBody,
    summary: 'Record the rectification (整改) or the explanation given; the rater is asked to rate it, unless the rating was anonymous',
  },
  {
    action: 'rateFix', from: ['fix_to_rate'], to: 'closed', by: [rater], guards: [], event: 'FixRated', body: RateFixBody,
    summary: 'The rater rates the rectification (整改评价)',
  },
  {
    action: 'appeal', from: ['rectifying', 'fix_to_rate'], to: 'appealed', by: [departmentAdmin], guards: [guards.noAppealYet], event: 'EvaluationAppealed', body: AppealBody,
    summary: 'Appeal a mistaken or malicious bad review (申诉), for a supervisor to decide',
  },
  {
    action: 'decideAppeal', from: ['appealed'],
    to: { byInput: '`excluded` when upheld, else back to the state it was appealed from', pick: (e, b) => (b.upheld ? 'excluded' : (e.appeal?.fromState ?? 'rectifying')) },
    by: [supervisor], guards: [], event: 'AppealDecided', body: DecideAppealBody,
    summary: 'Decide the appeal (复核): upheld excludes the review from the figures; rejected, the bad review stands',
  },
];

/** The actions an HTTP route exposes: every action someone other than the system may take. */
export const httpActions = [...new Set(transitions.filter((t) => t.by.some((a) => a.role !== 'system')).map((t) => t.action))];

export const rowsOf = (action: string) => transitions.filter((t) => t.action === action);

export function nextState(t: Transition, e: EvaluationRecord, body: Record<string, unknown>): EvaluationState {
  if (t.to === 'same') return e.state;
  if (typeof t.to === 'string') return t.to;
  return t.to.pick(e, body);
}

/** Whether `caller` (the system when undefined, unless a slip was proven) is one of the row's actors for this evaluation. */
function actsAs(t: Transition, e: EvaluationRecord, ctx: Context): boolean {
  const { caller } = ctx;
  return t.by.some((a) => {
    // A slip proves one visit: its holder acts as nobody else, and nobody else as its holder.
    if (ctx.slipHolder) return a.role === 'slipHolder' && e.slip !== undefined;
    if (a.role === 'slipHolder') return false;
    if (a.role === 'system') return caller === undefined;
    if (!caller || caller.centerId !== e.centerId) return false;
    if (a.role === 'rater') return caller.roles.includes('applicant') && ctx.callerApplicantId !== undefined && ctx.callerApplicantId === e.applicantId;
    if (!caller.roles.includes(a.role)) return false;
    if (a.role === 'supervisor') return true;
    return callerDepartments(caller).includes(e.departmentId);
  });
}

export type Decision = { readonly ok: true; readonly transition: Transition } | { readonly ok: false; readonly refusal: HttpProblem };

/**
 * Whether the caller (undefined: the system) may take `action` on `e` now:
 * 403 when the caller takes no part in this action on this evaluation,
 * `wrong-state` when its state does not allow it, the first failing guard's
 * own problem else.
 */
export function decide(action: string, e: EvaluationRecord, ctx: Context): Decision {
  const mine = rowsOf(action).filter((t) => actsAs(t, e, ctx));
  if (mine.length === 0) return { ok: false, refusal: forbidden(msg(`您不能对此评价执行 ${action}。`, `You may not ${action} this evaluation.`)) };
  const inState = mine.filter((t) => t.from.includes(e.state));
  if (inState.length === 0) return { ok: false, refusal: wrongState(msg(`处于 ${e.state} 状态的评价不能执行 ${action}。`, `An evaluation in state ${e.state} cannot ${action}.`)) };
  let refusal: HttpProblem | undefined;
  for (const t of inState) {
    const failed = t.guards.map((g) => ({ g, why: g.refuses(e, ctx) })).find((r) => r.why !== undefined);
    if (!failed) return { ok: true, transition: t };
    refusal ??= new HttpProblem(failed.g.problem, failed.why);
  }
  return { ok: false, refusal: refusal! };
}

/** The actions the caller may take now, in table order. */
export function nextActions(e: EvaluationRecord, ctx: Context & { caller: Caller }): string[] {
  return httpActions.filter((action) => decide(action, e, ctx).ok);
}

/** Department work: a bad review whose call-back or rectification is open. */
export const needsDepartment = (e: Pick<EvaluationRecord, 'state'>) => e.state === 'rectifying';
