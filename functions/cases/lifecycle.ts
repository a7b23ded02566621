/**
 * The case lifecycle (办件流程) as one table: for each action, the states it
 * leaves, the state it enters, who may take it, the guards that must hold and
 * its effect on the time-limit clock. The same table drives the API's checks,
 * the `nextActions` of every case read, the action routes and their OpenAPI
 * description, and docs/case-lifecycle.md (generated).
 *
 * Pure: no I/O, no clock.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  AcceptBody,
  AcceptWithToleranceBody,
  CoordinateBody,
  DeliverBody,
  DenyBody,
  EscalateBody,
  ExtensionRequestBody,
  HearingOutcomeBody,
  HearingRequestBody,
  HearingRequireBody,
  HearingRightNoticeBody,
  HearingScheduleBody,
  JointOpinionBody,
  NoteBody,
  OpinionBody,
  RefuseBody,
  ReturnBody,
  SupplementBody,
  SupplementNoticeBody,
  SuspendBody,
  WithdrawBody,
  type Case,
} from '#schemas/api/cases';
import { ChargeCancelledData, ChargeExpiredData, ChargeIssuedData, ChargeSettledData } from '#schemas/events/fees';
import { genericProblems, msg, type ProblemType, type Text } from '#schemas/api/problems';
import { callerDepartments, type Caller, type StaffRole } from '#shared/auth';
import { HttpProblem, forbidden, wrongState } from '#shared/errors';
import { caseProblems as p } from './problems.ts';
import { paymentGuards as pay } from './payment-guards.ts';
import { decisionGuards, upperDecisionGuards } from './procedure-guards.ts';
import { type CaseState, type ClockEffect } from '#schemas/api/case-clock';

/** The case as stored: the API shape without what a read computes, plus what only the service sees. */
export type CaseRecord = Omit<Case, 'nextActions' | 'remainingWorkingDays' | 'queryCode'> & {
  readonly centerId: string;
  /** The applicant's account (`sub`): the owner check. */
  readonly applicantSub: string;
  readonly timeZone: string;
  readonly noticeWorkingDays: number;
  readonly toleranceWorkingDays?: number;
  /** The item's days to answer a supplement notice; absent: the center's setting. */
  readonly supplementWorkingDays?: number;
  /** The extension an approval grants (the item's, else 10 / 15 for joint). */
  readonly extensionAllowance: number;
  /** The item's special procedures (特别程序) a suspension may name. */
  readonly specialProcedures: readonly { readonly kind: string; readonly maxWorkingDays: number; readonly countsTowardLimit: boolean }[];
  /** The query code's generation (case-numbers.ts derives the code from it): 1 from acceptance, one more per reissue. */
  readonly queryCodeGeneration?: number;
  /** The SHA-256 of a code drawn before codes were derived (cases accepted then, until a reissue). */
  readonly queryCodeHash?: string;
  /**
   * The staff who acted on the case (承办人: the clerk who received or accepted
   * it, reviewers, approvers), first come first: supervision shows a clerk or
   * an approver the cards of the cases they handle, and counts their figures.
   */
  readonly handlerIds?: readonly string[];
};

/**
 * Who takes an action: a staff role acting for the lead or a co-department, or
 * for the center (any case of it), the applicant on the own case, or the system.
 */
export type Actor = { readonly role: StaffRole; readonly on: 'lead' | 'joint' | 'center' } | { readonly role: 'applicant' } | { readonly role: 'system' };

/** Who asks (undefined: the system) and the center's calendar date today. */
export interface Context {
  readonly caller?: Caller;
  readonly today: string;
  /** The applicant is flagged for bad credit (失信): no 容缺受理. Absent: not flagged. */
  readonly creditExcluded?: boolean;
  /** The charge of a fees gate event the system applies (payment-gate.ts): the payment rows' guards match it against the case. */
  readonly charge?: { readonly chargeId: string; readonly stage: NonNullable<Case['payment']>['stage'] };
}

export interface Guard {
  readonly name: string;
  /** The rule the guard keeps: the problem type of its refusal. */
  readonly problem: ProblemType;
  /** Why the action is refused on this case, or `undefined` when the guard holds. */
  readonly refuses: (c: CaseRecord, ctx: Context) => Text | undefined;
}

export interface Transition {
  readonly action: string;
  readonly from: readonly CaseState[];
  readonly to: CaseState | 'same';
  readonly by: readonly Actor[];
  readonly guards: readonly Guard[];
  readonly clock?: ClockEffect;
  /** The detail-type of the event the transition emits. */
  readonly event: string;
  readonly body: TSchema;
  readonly summary: string;
}

const isMode = (...modes: Case['item']['serviceMode'][]): Guard => ({
  name: `mode is ${modes.join(' or ')}`,
  problem: p['wrong-service-mode'],
  refuses: (c) => (modes.includes(c.item.serviceMode) ? undefined : msg(`仅 ${modes.join(' 或 ')} 事项可以这样办理；本事项为 ${c.item.serviceMode}。`, `Only ${modes.join(' or ')} items allow this; this item is ${c.item.serviceMode}.`)),
});

// The system's own actions wait for a date; before it they are simply not due.
const wrongStateType = genericProblems['wrong-state'];

const guards = {
  materialsComplete: {
    name: 'every required material is handed in',
    problem: p['materials-missing'],
    refuses: (c) => {
      const missing = c.materials.filter((m) => m.required && m.status !== 'provided').map((m) => m.materialId).join(', ');
      return missing
        ? msg(`必需材料缺失或有误（${missing}）：请出具一次性告知书，或在事项允许时容缺受理。`, `Required materials are missing or incorrect (${missing}): give the one-time supplement notice, or accept with a pledge where the item allows.`)
        : undefined;
    },
  },
  jointOpinionsIn: {
    name: 'every co-department has given its opinion',
    problem: p['joint-opinions-pending'],
    refuses: (c) => {
      const open = c.jointSteps.filter((s) => s.status === 'open').map((s) => s.departmentId).join(', ');
      return open ? msg(`协办部门尚未出具意见：${open}。`, `Co-departments have not given their opinion yet: ${open}.`) : undefined;
    },
  },
  ownJointStepOpen: {
    name: "the caller's department has an open co-department step",
    problem: p['no-open-joint-step'],
    refuses: (c, { caller }) => (ownOpenJointStep(c, caller) ? undefined : msg('本部门在此办件上没有待会签环节。', 'Your department has no open step on this case.')),
  },
  noPendingTolerance: {
    name: 'no pledged (容缺) material is outstanding',
    problem: p['pledge-outstanding'],
    refuses: (c) => (c.tolerance && !c.tolerance.completedAt ? msg(`容缺材料须在 ${c.tolerance.due} 前补齐，目前尚未补齐。`, `Pledged materials are outstanding until ${c.tolerance.due}.`) : undefined),
  },
  pendingTolerance: {
    name: 'pledged (容缺) materials are outstanding',
    problem: p['no-pledge-outstanding'],
    refuses: (c) => (c.tolerance && !c.tolerance.completedAt ? undefined : msg('没有待补的容缺材料。', 'No pledged material is outstanding.')),
  },
  toleranceOffered: {
    name: 'the item offers 容缺受理',
    problem: p['tolerance-not-offered'],
    refuses: (c) => (c.toleranceWorkingDays ? undefined : msg('本事项不支持容缺受理。', 'This item does not offer acceptance with pledged materials (容缺受理).')),
  },
  notCreditExcluded: {
    name: 'the applicant is not flagged for bad credit',
    problem: p['credit-excluded'],
    refuses: (_c, { creditExcluded }) => (creditExcluded ? msg('申请人存在失信记录，不适用容缺受理。', 'The applicant is flagged for bad credit: acceptance with pledged materials (容缺受理) is not available.') : undefined),
  },
  noExtensionYet: {
    name: 'no extension requested or granted before',
    problem: p['extension-already-requested'],
    refuses: (c) => (c.extension ? msg('已申请过延期；法律只允许延期一次（第四十二条）。', 'An extension was already requested; the law allows one (art. 42).') : undefined),
  },
  extensionRequested: {
    name: 'an extension is requested and not yet approved',
    problem: p['no-extension-requested'],
    refuses: (c) => (c.extension && !c.extension.approvedAt ? undefined : msg('没有待审批的延期申请。', 'No extension request is waiting for approval.')),
  },
  otherThanRequester: {
    name: 'the approver is not the requester (four eyes)',
    problem: p['four-eyes'],
    refuses: (c, { caller }) => (c.extension?.requestedBy === caller?.userId ? msg('延期须由申请延期者以外的人批准。', 'An extension is approved by someone other than the person who asked for it.') : undefined),
  },
  withinNoticePeriod: {
    name: 'within the notice period (5 working days of receipt)',
    problem: p['notice-period-over'],
    refuses: (c, { today }) =>
      c.noticeDue && today > c.noticeDue
        ? msg(`告知期限已于 ${c.noticeDue} 届满：自收到申请之日起即为受理（第三十二条）。`, `The notice period ended on ${c.noticeDue}: the application counts as accepted from receipt (art. 32).`)
        : undefined,
  },
  noticeOverdue: {
    name: 'the notice period has run out',
    problem: wrongStateType,
    refuses: (c, { today }) => (c.noticeDue && today > c.noticeDue ? undefined : msg('告知期限尚未届满。', 'The notice period has not run out.')),
  },
  supplementOverdue: {
    name: 'the last day to supplement has passed',
    problem: wrongStateType,
    refuses: (c, { today }) => (c.supplementNotice?.due && today > c.supplementNotice.due ? undefined : msg('补正期限尚未届满。', 'The last day to supplement has not passed.')),
  },
  toleranceOverdue: {
    name: 'the pledge deadline has passed',
    problem: wrongStateType,
    refuses: (c, { today }) => (c.tolerance && today > c.tolerance.due ? undefined : msg('容缺承诺期限尚未届满。', 'The pledge deadline has not passed.')),
  },
} satisfies Record<string, Guard>;

const clerk = { role: 'clerk', on: 'lead' } as const;
const approver = { role: 'approver', on: 'lead' } as const;
const head = { role: 'dept_head', on: 'lead' } as const;
const applicant = { role: 'applicant' } as const;
const system = { role: 'system' } as const;
const open: readonly CaseState[] = ['submitted', 'supplement_requested', 'accepted', 'under_review', 'suspended', 'escalated'];

export const transitions: readonly Transition[] = [
  // 受理 (art. 32)
  { action: 'accept', from: ['submitted'], to: 'accepted', by: [clerk], guards: [guards.materialsComplete, pay.settledBeforeAcceptance], clock: 'start', event: 'CaseAccepted', body: AcceptBody, summary: 'Accept: the receipt (受理通知书) with the query code; the clock starts' },
  {
    action: 'acceptWithTolerance', from: ['submitted'], to: 'accepted', by: [clerk], guards: [guards.toleranceOffered, guards.notCreditExcluded, pay.settledBeforeAcceptance], clock: 'start', event: 'CaseAcceptedWithTolerance',
    body: AcceptWithToleranceBody, summary: '容缺受理: accept against a signed pledge to hand in the listed materials by a deadline',
  },
  { action: 'refuse', from: ['submitted'], to: 'refused', by: [clerk], guards: [], event: 'CaseRefused', body: RefuseBody, summary: 'Refuse (不予受理) with reasons, pointing to the competent agency where relevant' },
  {
    action: 'requestSupplement', from: ['submitted'], to: 'supplement_requested', by: [clerk], guards: [guards.withinNoticePeriod], event: 'SupplementRequested',
    body: SupplementNoticeBody, summary: 'The one-time supplement notice (一次性告知): every required material missing or incorrect, at once; after a supplement, only defects of what it handed in; the clock does not start',
  },
  {
    action: 'supplement', from: ['supplement_requested'], to: 'submitted', by: [applicant, clerk], guards: [], event: 'CaseSupplemented',
    body: SupplementBody, summary: 'Hand in the materials of the notice; the application is received again',
  },
  {
    action: 'deemAccepted', from: ['submitted'], to: 'accepted', by: [system], guards: [guards.noticeOverdue], clock: 'start', event: 'CaseDeemedAccepted',
    body: NoteBody, summary: 'No notice within the notice period: accepted from the day of receipt (art. 32)',
  },
  {
    action: 'timeOutSupplement', from: ['supplement_requested'], to: 'terminated', by: [system], guards: [guards.supplementOverdue], event: 'CaseSupplementTimedOut',
    body: NoteBody, summary: "No supplement by the notice's last day: the case closes as supplement timed out (补正逾期)",
  },
  {
    action: 'completeTolerance', from: ['accepted', 'under_review', 'suspended', 'escalated'], to: 'same', by: [clerk], guards: [guards.pendingTolerance], event: 'ToleranceCompleted',
    body: NoteBody, summary: 'The pledged materials arrived',
  },
  {
    action: 'terminateTolerance', from: ['accepted', 'under_review', 'suspended', 'escalated'], to: 'terminated', by: [system], guards: [guards.pendingTolerance, guards.toleranceOverdue], clock: 'stop',
    event: 'CaseTerminated', body: NoteBody, summary: 'The pledge deadline passed without the materials: the case ends',
  },
  // 审查
  { action: 'review', from: ['accepted', 'under_review'], to: 'under_review', by: [clerk, approver], guards: [], event: 'CaseReviewed', body: OpinionBody, summary: 'Record a review opinion (承办 / 审核意见)' },
  {
    action: 'giveJointOpinion', from: ['accepted', 'under_review'], to: 'same', by: [{ role: 'clerk', on: 'joint' }, { role: 'approver', on: 'joint' }], guards: [isMode('joint'), guards.ownJointStepOpen],
    event: 'JointOpinionGiven', body: JointOpinionBody, summary: "A co-department's opinion on a joint case (联办会签), in parallel with the lead's review from acceptance",
  },
  {
    action: 'coordinate', from: ['accepted', 'under_review', 'suspended', 'escalated'], to: 'same', by: [{ role: 'supervisor', on: 'center' }, { role: 'center_admin', on: 'center' }],
    guards: [isMode('joint'), decisionGuards.unsettledDissent], event: 'JointDissentCoordinated', body: CoordinateBody,
    summary: "The center's coordination (协调) of a co-department's dissent: the dissents given so far are settled",
  },
  {
    action: 'suspend', from: ['under_review'], to: 'suspended', by: [clerk, approver], guards: [], clock: 'suspend', event: 'CaseSuspended',
    body: SuspendBody, summary: 'Start a special procedure (特别程序, art. 45): the clock stops, the applicant is told in writing',
  },
  { action: 'resume', from: ['suspended'], to: 'under_review', by: [clerk, approver], guards: [decisionGuards.notAHearing], clock: 'resume', event: 'CaseResumed', body: NoteBody, summary: 'The special procedure ended: the clock runs again' },
  {
    action: 'escalate', from: ['under_review'], to: 'escalated', by: [approver], guards: [isMode('escalated')], clock: 'suspend', event: 'CaseEscalated',
    body: EscalateBody, summary: 'Forward to the upper-level authority (上报); its time is not counted',
  },
  {
    action: 'returnFromEscalation', from: ['escalated'], to: 'under_review', by: [clerk, approver], guards: [], clock: 'resume', event: 'CaseReturnedFromEscalation',
    body: ReturnBody, summary: "The case comes back from the upper level, with the upper authority's decision (`upperDecision`) or sent back for more review without one; the clock runs again",
  },
  {
    action: 'requestExtension', from: ['under_review'], to: 'same', by: [clerk, approver], guards: [guards.noExtensionYet], event: 'ExtensionRequested',
    body: ExtensionRequestBody, summary: 'Ask for the one extension of the limit (延期), with the reason told to the applicant',
  },
  {
    action: 'approveExtension', from: ['under_review'], to: 'same', by: [head], guards: [guards.extensionRequested, guards.otherThanRequester], clock: 'extend', event: 'ExtensionApproved',
    body: NoteBody, summary: "The agency head (负责人) approves the extension (art. 42): +10 working days, +15 for joint items (the item's setting)",
  },
  // 听证 (arts. 46–47), for any item: its time does not count toward the limit
  {
    action: 'noticeHearingRight', from: ['under_review'], to: 'same', by: [clerk, approver], guards: [decisionGuards.noHearingYet, decisionGuards.hearingRightNotNoticed], event: 'HearingRightNoticed',
    body: HearingRightNoticeBody, summary: 'Tell the applicant and interested parties of their right to a hearing (听证权利告知): they may ask within 5 working days',
  },
  {
    action: 'requestHearing', from: ['under_review'], to: 'suspended', by: [applicant, clerk], guards: [decisionGuards.noHearingYet, decisionGuards.hearingRightNoticed, decisionGuards.withinHearingRequestPeriod], clock: 'suspend',
    event: 'HearingRequested', body: HearingRequestBody, summary: 'A party asks for a hearing (申请听证): held within 20 working days; the clock stops',
  },
  {
    action: 'requireHearing', from: ['under_review'], to: 'suspended', by: [approver], guards: [decisionGuards.noHearingYet], clock: 'suspend', event: 'HearingRequired',
    body: HearingRequireBody, summary: 'The agency holds a hearing of its own motion (art. 46): held within 20 working days; the clock stops',
  },
  {
    action: 'scheduleHearing', from: ['suspended'], to: 'same', by: [clerk, approver], guards: [decisionGuards.hearingUnderway], event: 'HearingScheduled',
    body: HearingScheduleBody, summary: 'Tell the parties the time and place of the hearing (听证通知), at least 7 days before it (art. 48)',
  },
  {
    action: 'recordHearingOutcome', from: ['suspended'], to: 'under_review', by: [clerk, approver], guards: [decisionGuards.hearingUnderway, decisionGuards.hearingScheduled], clock: 'resume',
    event: 'HearingConcluded', body: HearingOutcomeBody, summary: 'Record what the hearing established (听证笔录): the clock runs again',
  },
  // 决定 (即办件 are decided at the window, right after acceptance)
  {
    action: 'approve', from: ['under_review'], to: 'approved', by: [approver],
    guards: [guards.jointOpinionsIn, decisionGuards.noUnsettledDissent, guards.noPendingTolerance, decisionGuards.deciderDidNotReview, decisionGuards.noHearingRequestOpen, ...upperDecisionGuards.approve],
    clock: 'stop', event: 'CaseApproved', body: NoteBody, summary: 'Decide to grant (准予许可); the delivery limit starts. An escalated case is granted only as the upper authority granted it',
  },
  {
    action: 'approve', from: ['accepted'], to: 'approved', by: [clerk, approver], guards: [isMode('immediate'), guards.noPendingTolerance], clock: 'stop', event: 'CaseApproved',
    body: NoteBody, summary: 'Immediate item (即办件): granted at the window in the same visit',
  },
  {
    action: 'deny', from: ['under_review'], to: 'denied', by: [approver], guards: [guards.jointOpinionsIn, decisionGuards.deciderDidNotReview, decisionGuards.noHearingRequestOpen, ...upperDecisionGuards.deny],
    clock: 'stop', event: 'CaseDenied', body: DenyBody, summary: 'Decide to deny (不予许可) with reasons and the right to review or sue. An escalated case is denied only as the upper authority denied it',
  },
  {
    action: 'deny', from: ['accepted'], to: 'denied', by: [clerk, approver], guards: [isMode('immediate')], clock: 'stop', event: 'CaseDenied',
    body: DenyBody, summary: 'Immediate item (即办件): denied at the window in the same visit',
  },
  { action: 'complete', from: ['approved', 'denied'], to: 'completed', by: [clerk, approver], guards: [], event: 'CaseCompleted', body: NoteBody, summary: 'Close the case (办结)' },
  {
    action: 'deliver', from: ['completed'], to: 'delivered', by: [clerk], guards: [pay.settledBeforeDelivery], event: 'CaseDelivered',
    body: DeliverBody, summary: 'Hand over the result or decision (送达): at the window or by mail, within 10 working days of the decision (art. 44)',
  },
  {
    action: 'withdraw', from: open, to: 'withdrawn', by: [applicant, clerk], guards: [], clock: 'stop', event: 'CaseWithdrawn',
    body: WithdrawBody, summary: 'Withdraw the application before a decision (撤回)',
  },
  {
    action: 'withdraw', from: ['to_pay'], to: 'withdrawn', by: [applicant, clerk], guards: [pay.waitsBeforeAcceptance], clock: 'stop', event: 'CaseWithdrawn',
    body: WithdrawBody, summary: 'Withdraw an application waiting to pay before acceptance (撤回); a decided case waiting to pay is not withdrawn',
  },
  // 缴费 (fees: the fees domain's gate events, applied by payment-gate.ts). The applicant's time waiting to pay
  // is not the agency's: the notice period (art. 32) or the delivery limit (art. 44) moves back by it (clock.ts).
  {
    action: 'requirePayment', from: ['submitted'], to: 'to_pay', by: [system], guards: [pay.chargeAt('before_acceptance'), pay.newCharge], event: 'PaymentRequired',
    body: ChargeIssuedData, summary: 'ChargeIssued (缴款通知书): the application waits to pay before acceptance; the notice period stops',
  },
  {
    action: 'requirePayment', from: ['completed'], to: 'to_pay', by: [system], guards: [pay.chargeAt('before_delivery'), pay.granted, pay.newCharge], event: 'PaymentRequired',
    body: ChargeIssuedData, summary: 'ChargeIssued after a grant is closed (办结): the result waits for payment (缴费后发证); the delivery limit stops',
  },
  {
    action: 'requirePayment', from: ['to_pay'], to: 'same', by: [system], guards: [pay.chargeOfCase, pay.chargeExpired, pay.newCharge], event: 'PaymentRequired',
    body: ChargeIssuedData, summary: 'A new charge for a case kept waiting after its charge expired',
  },
  {
    action: 'recordPayment', from: ['to_pay'], to: 'submitted', by: [system], guards: [pay.chargeAt('before_acceptance'), pay.sameCharge], event: 'PaymentSettled',
    body: ChargeSettledData, summary: 'ChargeSettled (paid or waived): the application can be accepted; the notice period runs again',
  },
  {
    action: 'recordPayment', from: ['to_pay'], to: 'completed', by: [system], guards: [pay.chargeAt('before_delivery'), pay.sameCharge], event: 'PaymentSettled',
    body: ChargeSettledData, summary: 'ChargeSettled (paid or waived): the result can be delivered; the delivery limit runs again',
  },
  {
    action: 'expireCharge', from: ['to_pay'], to: 'terminated', by: [system], guards: [pay.chargeOfCase, pay.sameCharge, pay.chargeDue, pay.onExpiry('terminate')], event: 'CasePaymentTimedOut',
    body: ChargeExpiredData, summary: "ChargeExpired, the item's setting terminate: the case ends unpaid (逾期未缴费). No clock to stop: it starts at acceptance and stopped at the decision",
  },
  {
    action: 'awaitNewCharge', from: ['to_pay'], to: 'same', by: [system], guards: [pay.chargeOfCase, pay.sameCharge, pay.chargeDue, pay.onExpiry('keep_waiting')], event: 'PaymentExpired',
    body: ChargeExpiredData, summary: "ChargeExpired, the item's setting keep_waiting: the case waits for a new charge or the charge's cancellation",
  },
  {
    action: 'cancelCharge', from: ['to_pay'], to: 'submitted', by: [system], guards: [pay.chargeAt('before_acceptance'), pay.sameCharge], event: 'PaymentCancelled',
    body: ChargeCancelledData, summary: 'ChargeCancelled (a wrong assessment): back to the window, to be assessed again',
  },
  {
    action: 'cancelCharge', from: ['to_pay'], to: 'completed', by: [system], guards: [pay.chargeAt('before_delivery'), pay.sameCharge], event: 'PaymentCancelled',
    body: ChargeCancelledData, summary: 'ChargeCancelled (a wrong assessment): back to delivery, to be assessed again',
  },
];

/** The actions an HTTP route exposes: every action someone other than the system may take. */
export const httpActions = [...new Set(transitions.filter((t) => t.by.some((a) => a.role !== 'system')).map((t) => t.action))];

/** The rows of one action, in table order. */
export const rowsOf = (action: string) => transitions.filter((t) => t.action === action);

export const nextState = (t: Transition, c: Pick<CaseRecord, 'state'>): CaseState => (t.to === 'same' ? c.state : t.to);

function departmentsOf(c: CaseRecord, on: 'lead' | 'joint'): readonly string[] {
  return on === 'lead' ? [c.item.departmentId] : c.jointSteps.map((s) => s.departmentId);
}

/** Whether `caller` (or the system when undefined) is one of the row's actors for this case. */
function actsAs(t: Transition, c: CaseRecord, caller: Caller | undefined): boolean {
  return t.by.some((a) => {
    if (a.role === 'system') return caller === undefined;
    if (!caller || caller.centerId !== c.centerId || !caller.roles.includes(a.role)) return false;
    if (a.role === 'applicant') return caller.userId === c.applicantSub;
    if (a.on === 'center') return true;
    const own = callerDepartments(caller);
    return departmentsOf(c, a.on).some((d) => own.includes(d));
  });
}

/** The co-department whose open step the caller answers: the first of them, for a person of several departments. */
export function ownOpenJointStep(c: Pick<CaseRecord, 'jointSteps'>, caller: Caller | undefined): string | undefined {
  const own = caller ? callerDepartments(caller) : [];
  return c.jointSteps.find((s) => s.status === 'open' && own.includes(s.departmentId))?.departmentId;
}

/** The departments of `c` the caller takes `t` for (what its event records): the lead, or the co-department whose step it answers. */
export function departmentsActedFor(t: Transition, c: CaseRecord, caller: Caller): string[] {
  return t.by.flatMap((a) => {
    if (a.role === 'system' || a.role === 'applicant' || !caller.roles.includes(a.role)) return [];
    if (a.on === 'center') return [];
    return a.on === 'lead' ? [c.item.departmentId] : [ownOpenJointStep(c, caller)].filter((d) => d !== undefined);
  });
}

export type Decision = { readonly ok: true; readonly transition: Transition } | { readonly ok: false; readonly refusal: HttpProblem };

/**
 * Whether the caller (undefined: the system) may take `action` on `c` now.
 * 403 when the caller is nobody who takes this action on this case; `wrong-state`
 * when the state does not allow it; the first failing guard's own problem else.
 */
export function decide(action: string, c: CaseRecord, ctx: Context): Decision {
  const rows = rowsOf(action);
  const mine = rows.filter((t) => actsAs(t, c, ctx.caller));
  if (mine.length === 0) return { ok: false, refusal: forbidden(msg(`您不能对此办件执行 ${action}。`, `You may not ${action} this case.`)) };
  const inState = mine.filter((t) => t.from.includes(c.state));
  if (inState.length === 0) return { ok: false, refusal: wrongState(msg(`处于 ${c.state} 状态的办件不能执行 ${action}。`, `A case in state ${c.state} cannot ${action}.`)) };
  let refusal: HttpProblem | undefined;
  for (const t of inState) {
    const failed = t.guards.map((g) => ({ g, why: g.refuses(c, ctx) })).find((r) => r.why !== undefined);
    if (!failed) return { ok: true, transition: t };
    refusal ??= new HttpProblem(failed.g.problem, failed.why);
  }
  return { ok: false, refusal: refusal! };
}

/** The actions `caller` may take on `c` now, in table order: the `nextActions` of a read. */
export function nextActions(c: CaseRecord, ctx: Context & { caller: Caller }): string[] {
  return httpActions.filter((action) => decide(action, c, ctx).ok);
}

export const isOpen = (state: CaseState) => open.includes(state);

/** The actions that take a case in (受理) and those that decide it: whom its evaluation counts for (考核归属). */
const intakeActions: readonly string[] = ['submit', 'accept', 'acceptWithTolerance'];
const decidingActions: readonly string[] = ['approve', 'deny'];

/**
 * The case's attribution once a staff member (`staffId`, at `windowId` when
 * known) has taken `action`: the clerk who receives it at the window, then
 * the one who accepts it, takes the case in (deemed accepted, it stays the
 * receiving clerk's); who approves or denies decides it. Other actions, and
 * the system's, keep it.
 */
export function attributionAfter(c: Pick<CaseRecord, 'attribution'>, action: string, staffId: string | undefined, windowId?: string): CaseRecord['attribution'] {
  if (!staffId) return c.attribution;
  if (intakeActions.includes(action)) return { ...c.attribution, intake: { staffId, ...(windowId ? { windowId } : {}) } };
  if (decidingActions.includes(action)) return { ...c.attribution, decidedBy: staffId };
  return c.attribution;
}

/** Whether taking `action` records who took it on the case (and so reads the clerk's window). */
export const takesIn = (action: string) => intakeActions.includes(action);
