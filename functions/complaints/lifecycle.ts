/**
 * The complaint lifecycle (投诉处理) as one table: for each action, the states
 * it leaves, the state it enters, who may take it and the guards that must
 * hold. The same table drives the API's checks, the `nextActions` of every
 * read, the action routes and their OpenAPI description.
 *
 *   filed ──accept (and assign)──▶ assigned ──reply──▶ replied ──rate satisfied──▶ closed
 *   filed ──notAccept──▶ not_accepted                   replied ──rate unsatisfied──▶ unsatisfied
 *   assigned ──requestExtension / approveExtension / refuseExtension──▶ assigned (once)
 *   unsatisfied ──requestReview──▶ under_review ──answerReview──▶ closed
 *   replied | unsatisfied ──(system, period over)──▶ closed (not rated: satisfied by default)
 *
 * Pure: no I/O, no clock.
 */
import * as Type from '@sinclair/typebox/type';
import type { TSchema } from '@sinclair/typebox';
import {
  AcceptBody,
  ExtensionDecisionBody,
  ExtensionRequestBody,
  NotAcceptBody,
  RateBody,
  ReplyBody,
  ReviewAnswerBody,
  ReviewRequestBody,
  type Complaint,
  type ComplaintState,
} from '#schemas/api/complaints';
import { genericProblems, msg, type ProblemType, type Text } from '#schemas/api/problems';
import { callerDepartments, type Caller, type StaffRole } from '#shared/auth';
import { HttpProblem, forbidden, wrongState } from '#shared/errors';
import { complaintProblems as p } from './problems.ts';

/** The complaint as stored: the API shape without what a read computes, plus what only the service sees. */
export type ComplaintRecord = Omit<Complaint, 'nextActions' | 'filedBy'> & {
  /** Who recorded it (an applicant's account id when filed online): shown only to those who see the complainant. */
  readonly filedBy: string;
  readonly centerId: string;
  readonly timeZone: string;
  /** The account of an applicant who filed online: the owner check. Absent for complaints staff recorded. */
  readonly complainantSub?: string;
};

/** Who takes an action: the complainant (an applicant's own online complaint), the assigned department's staff, a supervisor, or the system. */
export type Actor =
  | { readonly role: 'complainant' }
  | { readonly role: Extract<StaffRole, 'dept_admin' | 'dept_head'>; readonly on: 'department' }
  | { readonly role: 'supervisor' }
  | { readonly role: 'system' };

/** Who asks (undefined: the system) and today in the center. */
export interface Context {
  readonly caller?: Caller;
  readonly today: string;
}

export interface Guard {
  readonly name: string;
  readonly problem: ProblemType;
  /** Why the action is refused on this complaint, or `undefined` when the guard holds. */
  readonly refuses: (c: ComplaintRecord, ctx: Context) => Text | undefined;
}

/** A state chosen by the action's input (the rating). */
export interface ByInput {
  readonly byInput: string;
  readonly pick: (body: Record<string, unknown>) => ComplaintState;
}

export interface Transition {
  readonly action: string;
  readonly from: readonly ComplaintState[];
  readonly to: ComplaintState | 'same' | ByInput;
  readonly by: readonly Actor[];
  readonly guards: readonly Guard[];
  /** The detail-type of the event the transition emits. */
  readonly event: string;
  readonly body: TSchema;
  readonly summary: string;
}

const NoBody = Type.Object({}, { additionalProperties: false });
// The system's own actions wait for a date; before it they are simply not due.
const notDue = genericProblems['wrong-state'];

const guards = {
  noExtensionYet: {
    name: 'no extension requested before',
    problem: p['complaint-extension-already-requested'],
    refuses: (c) => (c.extension ? msg('已申请过延期；每件投诉只能延期一次。', 'An extension was requested already: one per complaint.') : undefined),
  },
  extensionPending: {
    name: 'an extension is requested and not yet decided',
    problem: p['no-extension-pending'],
    refuses: (c) => (c.extension && !c.extension.decision ? undefined : msg('没有待审批的延期申请。', 'No extension request is waiting for a decision.')),
  },
  withinRatingPeriod: {
    name: 'within the rating period',
    problem: p['complaint-rating-period-over'],
    refuses: (c, { today }) => (c.rateDue && today > c.rateDue ? msg(`评价期限已于 ${c.rateDue} 届满，按满意办结。`, `The rating period ended on ${c.rateDue}: the complaint closes as satisfied.`) : undefined),
  },
  withinReviewPeriod: {
    name: 'within the review period',
    problem: p['review-period-over'],
    refuses: (c, { today }) => (c.reviewDue && today > c.reviewDue ? msg(`复核申请期限已于 ${c.reviewDue} 届满。`, `The period to ask for a review ended on ${c.reviewDue}.`) : undefined),
  },
  ratingPeriodOver: {
    name: 'the rating period has ended',
    problem: notDue,
    refuses: (c, { today }) => (c.rateDue && today > c.rateDue ? undefined : msg('评价期限尚未届满。', 'The rating period has not ended.')),
  },
  reviewPeriodOver: {
    name: 'the review period has ended',
    problem: notDue,
    refuses: (c, { today }) => (c.reviewDue && today > c.reviewDue ? undefined : msg('复核申请期限尚未届满。', 'The review period has not ended.')),
  },
} satisfies Record<string, Guard>;

const complainant = { role: 'complainant' } as const;
/** The department answers through its admin or its head (负责人), not any clerk. */
const department = [
  { role: 'dept_admin', on: 'department' },
  { role: 'dept_head', on: 'department' },
] as const;
const supervisor = { role: 'supervisor' } as const;
const system = { role: 'system' } as const;

export const transitions: readonly Transition[] = [
  {
    action: 'accept', from: ['filed'], to: 'assigned', by: [supervisor], guards: [], event: 'ComplaintAccepted', body: AcceptBody,
    summary: 'Accept the complaint (受理) and assign it to the department to answer (转办): the reply is due in the center\'s working days',
  },
  {
    action: 'notAccept', from: ['filed'], to: 'not_accepted', by: [supervisor], guards: [], event: 'ComplaintNotAccepted', body: NotAcceptBody,
    summary: 'Not accepted (不予受理) for one of the reasons of practice, told to the complainant',
  },
  {
    action: 'requestExtension', from: ['assigned'], to: 'same', by: department, guards: [guards.noExtensionYet], event: 'ComplaintExtensionRequested', body: ExtensionRequestBody,
    summary: 'Ask once for more working days to reply (延期), for a supervisor to decide',
  },
  {
    action: 'approveExtension', from: ['assigned'], to: 'same', by: [supervisor], guards: [guards.extensionPending], event: 'ComplaintExtensionApproved', body: ExtensionDecisionBody,
    summary: 'Approve the extension: the reply\'s due date moves by the working days asked for',
  },
  {
    action: 'refuseExtension', from: ['assigned'], to: 'same', by: [supervisor], guards: [guards.extensionPending], event: 'ComplaintExtensionRefused', body: ExtensionDecisionBody,
    summary: 'Refuse the extension: the reply stays due on its date',
  },
  {
    action: 'reply', from: ['assigned'], to: 'replied', by: department, guards: [], event: 'ComplaintReplied', body: ReplyBody,
    summary: 'The department\'s reply (答复): whether the complaint is substantiated (属实) and who was at fault; the complainant rates it',
  },
  {
    action: 'rate', from: ['replied'],
    to: { byInput: '`closed` when satisfied, `unsatisfied` otherwise', pick: (b) => (b.rating === 'satisfied' ? 'closed' : 'unsatisfied') },
    by: [complainant, supervisor], guards: [guards.withinRatingPeriod], event: 'ComplaintRated', body: RateBody,
    summary: 'The complainant rates the reply (a supervisor records a rating given by phone); unsatisfied, they may ask for a review',
  },
  {
    action: 'requestReview', from: ['unsatisfied'], to: 'under_review', by: [complainant, supervisor], guards: [guards.withinReviewPeriod], event: 'ComplaintReviewRequested', body: ReviewRequestBody,
    summary: 'Ask for a review one level up, by the center (复核): the complaint reopens for a supervisor',
  },
  {
    action: 'answerReview', from: ['under_review'], to: 'closed', by: [supervisor], guards: [], event: 'ComplaintReviewAnswered', body: ReviewAnswerBody,
    summary: 'The center\'s review reply (复核答复): the complaint closes',
  },
  {
    action: 'closeUnrated', from: ['replied'], to: 'closed', by: [system], guards: [guards.ratingPeriodOver], event: 'ComplaintClosed', body: NoBody,
    summary: 'Not rated within the rating period: closed as satisfied (默认满意)',
  },
  {
    action: 'closeUnreviewed', from: ['unsatisfied'], to: 'closed', by: [system], guards: [guards.reviewPeriodOver], event: 'ComplaintClosed', body: NoBody,
    summary: 'No review asked for within the review period: closed',
  },
];

/** The actions an HTTP route exposes: every action someone other than the system may take. */
export const httpActions = [...new Set(transitions.filter((t) => t.by.some((a) => a.role !== 'system')).map((t) => t.action))];

export const rowsOf = (action: string) => transitions.filter((t) => t.action === action);

export function nextState(t: Transition, c: Pick<ComplaintRecord, 'state'>, body: Record<string, unknown>): ComplaintState {
  if (t.to === 'same') return c.state;
  if (typeof t.to === 'string') return t.to;
  return t.to.pick(body);
}

/** Whether the complaint is the caller's own (an applicant's online complaint). */
export const isComplainant = (c: Pick<ComplaintRecord, 'complainantSub'>, caller: Caller) =>
  caller.roles.includes('applicant') && c.complainantSub !== undefined && c.complainantSub === caller.userId;

/** Whether `caller` (the system when undefined) is one of the row's actors for this complaint. */
function actsAs(t: Transition, c: ComplaintRecord, caller: Caller | undefined): boolean {
  return t.by.some((a) => {
    if (a.role === 'system') return caller === undefined;
    if (!caller || caller.centerId !== c.centerId) return false;
    if (a.role === 'complainant') return isComplainant(c, caller);
    if (!caller.roles.includes(a.role)) return false;
    if (a.role === 'supervisor') return true;
    return c.departmentId !== undefined && callerDepartments(caller).includes(c.departmentId);
  });
}

export type Decision = { readonly ok: true; readonly transition: Transition } | { readonly ok: false; readonly refusal: HttpProblem };

/**
 * Whether the caller (undefined: the system) may take `action` on `c` now:
 * 403 when the caller takes no part in this action on this complaint,
 * `wrong-state` when its state does not allow it, the first failing guard's
 * own problem else.
 */
export function decide(action: string, c: ComplaintRecord, ctx: Context): Decision {
  const mine = rowsOf(action).filter((t) => actsAs(t, c, ctx.caller));
  if (mine.length === 0) return { ok: false, refusal: forbidden(msg(`您不能对此投诉执行 ${action}。`, `You may not ${action} this complaint.`)) };
  const inState = mine.filter((t) => t.from.includes(c.state));
  if (inState.length === 0) return { ok: false, refusal: wrongState(msg(`处于 ${c.state} 状态的投诉不能执行 ${action}。`, `A complaint in state ${c.state} cannot ${action}.`)) };
  let refusal: HttpProblem | undefined;
  for (const t of inState) {
    const failed = t.guards.map((g) => ({ g, why: g.refuses(c, ctx) })).find((r) => r.why !== undefined);
    if (!failed) return { ok: true, transition: t };
    refusal ??= new HttpProblem(failed.g.problem, failed.why);
  }
  return { ok: false, refusal: refusal! };
}

/** The actions the caller may take now, in table order: the `nextActions` of a read. */
export function nextActions(c: ComplaintRecord, ctx: Context & { caller: Caller }): string[] {
  return httpActions.filter((action) => decide(action, c, ctx).ok);
}

/** The department's work: a complaint assigned to it and not yet answered. */
export const awaitsDepartment = (c: Pick<ComplaintRecord, 'state'>) => c.state === 'assigned';
