/**
 * What intake and each action do to a case, given the transition the
 * lifecycle table chose: the fields they set, the input rules a JSON Schema
 * cannot say, and the clock change the table's effect calls for. Pure.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AcceptWithToleranceBody,
  CaseMaterial,
  DeliverBody,
  DenyBody,
  EscalateBody,
  ExtensionRequestBody,
  IntakeRequest,
  JointOpinionBody,
  OpinionBody,
  RefuseBody,
  ReturnBody,
  SupplementBody,
  SupplementNoticeBody,
  SuspendBody,
  UpperDecision,
} from '#schemas/api/cases';
import type { ItemVersion } from '#schemas/api/catalog';
import { msg, type ProblemType } from '#schemas/api/problems';
import type { Caller } from '#shared/auth';
import { localDate, type WorkCalendar } from '#shared/calendar';
import { HttpProblem, validationFailed, type FieldFault } from '#shared/errors';
import { checklistErrors, checkNotice, checkPledge, checkPledgeWithinPromise } from './acceptance-rules.ts';
import { acceptanceInstant, applyClockChange, deadlinesOf, deliveryPausesOf, extensionDaysOf, legalDefaults, noticeDueOf, supplementDueOf, toleranceDueOf, type ClockChange } from './clock.ts';
import { nextState, ownOpenJointStep, type CaseRecord, type Transition } from './lifecycle.ts';
import { closeWait, paymentActions, paymentEffect } from './payment-rules.ts';
import { procedureActions, procedureEffect } from './procedure-rules.ts';
import { paymentTermsOf } from '../fees/public.ts';
import { caseProblems as p } from './problems.ts';
import type { CaseSettings } from './settings.ts';

/** A case keeps at most this many review opinions (a real case has a handful). */
export const MAX_REVIEWS = 50;

const refuse = (type: ProblemType, errors: FieldFault[]): never => {
  throw new HttpProblem(type, msg('请求内容与办件不符，见 errors。', 'The input does not fit the case; see errors.'), errors);
};

export interface NewCase {
  readonly caseNo: string;
  readonly centerId: string;
  readonly timeZone: string;
  readonly item: ItemVersion;
  readonly applicant: { readonly applicantId: string; readonly sub: string; readonly kind: 'citizen' | 'enterprise'; readonly name: string };
  readonly channel: 'online' | 'window';
  readonly request: Pick<IntakeRequest, 'fields' | 'materials'>;
  readonly now: string;
  /** The clerk filing at the counter (窗口收件); none online. */
  readonly clerkId?: string;
}

/** A received application (收件): the checklist marked, the notice period computed; the decision clock not started. */
export function newCase(cal: WorkCalendar, n: NewCase): CaseRecord {
  const content = n.item.content;
  const given = new Map(n.request.materials.map((m) => [m.materialId, m]));
  const materials: CaseMaterial[] = content.materials.map((m) => {
    const g = given.get(m.id);
    return { materialId: m.id, name: m.name, required: m.required, ...(m.tolerable ? { tolerable: true as const } : {}), ...(g ? { form: g.form, count: g.count } : {}), status: g ? 'provided' : 'missing' };
  });
  const noticeWorkingDays = content.timeLimits.noticeWorkingDays ?? legalDefaults.noticeWorkingDays;
  const notice = noticeDueOf(cal, n.now, noticeWorkingDays);
  const joint = content.jointDepartments ?? [];
  const terms = paymentTermsOf(content);
  return {
    caseNo: n.caseNo,
    centerId: n.centerId,
    timeZone: n.timeZone,
    state: 'submitted',
    version: 1,
    channel: n.channel,
    item: {
      code: n.item.code, version: n.item.version, name: content.name, departmentId: content.departmentId, serviceMode: content.serviceMode, jointDepartments: joint,
      ...(content.separateReviewAndDecision ? { separateReviewAndDecision: true as const } : {}),
    },
    applicant: { applicantId: n.applicant.applicantId, kind: n.applicant.kind, name: n.applicant.name },
    applicantSub: n.applicant.sub,
    ...(n.clerkId ? { handlerIds: [n.clerkId] } : {}),
    fields: n.request.fields ?? {},
    materials,
    receivedAt: n.now,
    ...(notice.date ? { noticeDue: notice.date } : {}),
    noticeWorkingDays,
    ...(content.tolerantAcceptance ? { toleranceWorkingDays: content.tolerantAcceptance.toleranceWorkingDays } : {}),
    ...(content.timeLimits.supplementWorkingDays ? { supplementWorkingDays: content.timeLimits.supplementWorkingDays } : {}),
    extensionAllowance: extensionDaysOf(content.timeLimits.extensionWorkingDays, content.serviceMode === 'joint'),
    specialProcedures: content.specialProcedures.map((p) => ({ kind: p.kind, maxWorkingDays: p.maxWorkingDays, countsTowardLimit: p.countsTowardLimit })),
    // The item's payment terms (缴费环节), if it has fees: acceptance or delivery waits until they are settled.
    ...(terms ? { payment: { stage: terms.stage, status: 'due' as const, onUnpaidExpiry: content.onUnpaidExpiry ?? 'terminate' } } : {}),
    reviews: [],
    jointSteps: [],
    clock: {
      statutoryWorkingDays: content.timeLimits.statutoryWorkingDays,
      promisedWorkingDays: content.timeLimits.promisedWorkingDays,
      extensionWorkingDays: 0,
      deliveryWorkingDays: content.timeLimits.deliveryWorkingDays ?? legalDefaults.deliveryWorkingDays,
      suspensions: [],
    },
    deadlines: notice.missingYear ? { missingCalendarYear: notice.missingYear } : {},
    createdAt: n.now,
    updatedAt: n.now,
  };
}

export interface ActionContext {
  readonly cal: WorkCalendar;
  readonly now: string;
  readonly today: string;
  /** Undefined: the system. */
  readonly caller?: Caller;
  readonly settings: CaseSettings;
}

export interface Applied {
  readonly next: CaseRecord;
  /** What the event records of the action: its input and what it set. */
  readonly details: Record<string, unknown>;
  readonly clockChange?: ClockChange;
  /** Joint steps the transaction must write (opened, answered or closed). */
  readonly changedSteps: CaseRecord['jointSteps'];
}

type Body = Record<string, unknown>;

/**
 * Applies `t` to `c`: the action's own effect, then the clock effect the table
 * names, then the deadlines the clock module computes. Throws the rule's
 * problem when the input breaks a rule of the action.
 */
export function applyTransition(c: CaseRecord, t: Transition, body: Body, ctx: ActionContext): Applied {
  const by = ctx.caller?.userId ?? 'system';
  const effect = actionEffect(c, t.action, body, ctx, by);
  const draft: CaseRecord = { ...c, ...effect.set, ...handledBy(c, ctx.caller), state: nextState(t, c), version: c.version + 1, updatedAt: ctx.now };
  const clockChange = t.clock ? { effect: t.clock, at: effect.clockAt ?? ctx.now, ...effect.clockDetail } : undefined;
  const clock = clockChange ? applyClockChange(c.clock, clockChange) : c.clock;
  const decidedAt = draft.decision?.at;
  const deadlines = deadlinesOf(ctx.cal, clock, decidedAt, deliveryPausesOf(draft));
  const next: CaseRecord = { ...draft, clock, deadlines: c.clock.startedAt || clockChange?.effect === 'start' ? deadlines : c.deadlines };
  const told = Object.fromEntries(Object.entries(body).filter(([field]) => !effect.withheld?.includes(field)));
  return { next, details: { ...told, ...effect.details }, ...(clockChange ? { clockChange } : {}), changedSteps: effect.steps ?? [] };
}

/** Handlers kept per case: far more than any case's staff, and a bounded item. */
const MAX_HANDLERS = 20;

const handlingRoles: readonly string[] = ['clerk', 'approver', 'dept_admin'];

/** The case's handlers with a staff caller added (applicants and the system handle nothing). */
function handledBy(c: CaseRecord, caller: Caller | undefined): Pick<CaseRecord, 'handlerIds'> {
  const known = c.handlerIds ?? [];
  const handles = caller !== undefined && caller.roles.some((r) => handlingRoles.includes(r));
  if (!handles || known.includes(caller.userId) || known.length >= MAX_HANDLERS) return c.handlerIds ? { handlerIds: known } : {};
  return { handlerIds: [...known, caller.userId] };
}

export interface Effect {
  readonly set: Partial<CaseRecord>;
  readonly details?: Record<string, unknown>;
  readonly clockAt?: string;
  readonly clockDetail?: Pick<ClockChange, 'suspension' | 'workingDays'>;
  readonly steps?: CaseRecord['jointSteps'];
  /** Body fields the event leaves out: names of people other than the applicant stay on the case. */
  readonly withheld?: readonly string[];
}

function actionEffect(c: CaseRecord, action: string, body: Body, ctx: ActionContext, by: string): Effect {
  if (procedureActions.includes(action)) return procedureEffect(c, action, body, ctx);
  if (paymentActions.includes(action)) return paymentEffect(c, action, body, ctx);
  switch (action) {
    case 'accept':
    case 'deemAccepted': {
      const acceptedAt = action === 'deemAccepted' ? c.receivedAt : acceptanceInstant(c.receivedAt, c.noticeDue, ctx.now, ctx.today);
      return { ...accepted(c, acceptedAt, ctx, action === 'deemAccepted' || acceptedAt === c.receivedAt), clockAt: acceptedAt };
    }
    case 'acceptWithTolerance': {
      const b = body as Static<typeof AcceptWithToleranceBody>;
      checkPledge(c, b, ctx.now);
      const acceptedAt = acceptanceInstant(c.receivedAt, c.noticeDue, ctx.now, ctx.today);
      // The pledge runs from the day it is signed, even when the clock counts from receipt.
      const due = toleranceDueOf(ctx.cal, ctx.now, c.toleranceWorkingDays ?? 0);
      if (!due.date) refuse(p['calendar-year-missing'], [{ path: '/body', code: 'calendar_missing', message: msg(`承诺期限落在 ${due.missingYear} 年，该年工作日历尚未录入`, `the pledge deadline falls in ${due.missingYear}, whose calendar is not entered yet`) }]);
      const promisedDue = deadlinesOf(ctx.cal, applyClockChange(c.clock, { effect: 'start', at: acceptedAt })).promisedDue;
      checkPledgeWithinPromise(due.date!, promisedDue, ctx.settings.pledgeMayPassPromisedLimit);
      const pledged = new Set(b.missing.map((m) => m.materialId));
      const base = accepted(c, acceptedAt, ctx, acceptedAt === c.receivedAt);
      return {
        ...base,
        set: {
          ...base.set,
          tolerance: { missing: b.missing, due: due.date!, consent: b.consent },
          materials: c.materials.map((m) => (pledged.has(m.materialId) ? { ...m, status: 'pledged' as const } : m)),
        },
        details: { ...base.details, toleranceDue: due.date },
        clockAt: acceptedAt,
      };
    }
    case 'refuse': {
      const b = body as Static<typeof RefuseBody>;
      // Art. 32(1)(2): a refusal because the matter is another agency's tells the applicant which one.
      if (b.ground === 'outside_powers' && !b.competentAgency) {
        throw validationFailed([{ path: '/body/competentAgency', code: 'required', message: msg('申请事项不属于本机关职权范围的，须告知应向哪个行政机关申请', 'is required when the matter is outside this agency\'s powers: name the agency to apply to') }]);
      }
      return { set: { refusal: b, endedAt: ctx.now } };
    }
    case 'requestSupplement': {
      const b = body as Static<typeof SupplementNoticeBody>;
      checkNotice(c, b);
      const problems = new Map(b.items.map((i) => [i.materialId, i]));
      const nameOf = (id: string) => c.materials.find((m) => m.materialId === id)?.name ?? id;
      const due = supplementDueOf(ctx.cal, ctx.now, c.supplementWorkingDays ?? ctx.settings.supplementWorkingDays);
      return {
        // The notice names each material, so the applicant's message can list every one (一次性告知).
        details: { items: b.items.map((i) => ({ ...i, name: nameOf(i.materialId) })), ...(due.date ? { supplementDue: due.date } : {}) },
        set: {
          supplementNotice: { issuedAt: ctx.now, items: b.items, ...(due.date ? { due: due.date } : {}) },
          supplied: undefined,
          materials: c.materials.map((m) => {
            const p = problems.get(m.materialId);
            return p ? { ...m, status: p.problem, problem: p.detail } : m;
          }),
        },
      };
    }
    case 'supplement': {
      const b = body as Static<typeof SupplementBody>;
      const known = c.materials.map((m) => m.materialId);
      const errors = checklistErrors(known, b.materials.map((m) => m.materialId), '/body/materials');
      const given = new Map(b.materials.map((m) => [m.materialId, m]));
      const outstanding = c.materials.filter((m) => m.status === 'missing' || m.status === 'incorrect').filter((m) => c.supplementNotice?.items.some((i) => i.materialId === m.materialId));
      for (const m of outstanding) {
        if (!given.has(m.materialId)) errors.push({ path: '/body/materials', code: 'incomplete', message: msg(`告知书中的 ${m.materialId}（${m.name}）仍未提交`, `${m.materialId} (${m.name}) from the notice is still missing`) });
      }
      if (errors.length) refuse(errors.some((e) => e.code === 'incomplete') ? p['supplement-incomplete'] : p['application-invalid'], errors);
      // The acceptance date is the day the materials are complete: the application is received again now.
      const notice = noticeDueOf(ctx.cal, ctx.now, c.noticeWorkingDays);
      return {
        set: {
          receivedAt: ctx.now,
          supplied: b.materials.map((m) => m.materialId),
          ...(notice.date ? { noticeDue: notice.date } : { noticeDue: undefined }),
          materials: c.materials.map((m) => {
            const g = given.get(m.materialId);
            if (!g) return m;
            const { problem: _p, ...rest } = m;
            return { ...rest, form: g.form, count: g.count, status: 'provided' as const };
          }),
        },
      };
    }
    case 'completeTolerance':
      return {
        set: {
          tolerance: { ...c.tolerance!, completedAt: ctx.now },
          materials: c.materials.map((m) => (m.status === 'pledged' ? { ...m, status: 'provided' as const } : m)),
        },
      };
    case 'timeOutSupplement':
      return { set: { endedAt: ctx.now, termination: { reason: 'supplement_timed_out' } }, details: { reason: 'supplement_timed_out', supplementDue: c.supplementNotice?.due } };
    case 'terminateTolerance':
      return {
        set: { endedAt: ctx.now, suspension: undefined, escalation: undefined, termination: { reason: 'pledge_not_kept' } },
        details: { reason: `pledged materials not handed in by ${c.tolerance?.due}` },
        steps: c.jointSteps.filter((s) => s.status === 'open'),
      };
    case 'review': {
      const b = body as Static<typeof OpinionBody>;
      if (c.reviews.length >= MAX_REVIEWS) refuse(p['too-many-reviews'], [{ path: '/body/opinion', code: 'too_many', message: msg(`一个办件最多保存 ${MAX_REVIEWS} 条审查意见`, `a case holds at most ${MAX_REVIEWS} review opinions`) }]);
      const role = ctx.caller?.roles.includes('approver') ? 'approver' : 'clerk';
      return { set: { reviews: [...c.reviews, { by, role, opinion: b.opinion, at: ctx.now }] } };
    }
    case 'giveJointOpinion': {
      const b = body as Static<typeof JointOpinionBody>;
      const dept = ownOpenJointStep(c, ctx.caller);
      const steps = c.jointSteps.map((s) => (s.departmentId === dept && s.status === 'open' ? { ...s, status: 'done' as const, opinion: b.opinion, agrees: b.agrees, by, at: ctx.now } : s));
      return { set: { jointSteps: steps }, steps: steps.filter((s) => s.departmentId === dept), details: { departmentId: dept } };
    }
    case 'suspend': {
      const b = body as Static<typeof SuspendBody>;
      const procedure = c.specialProcedures.find((p) => p.kind === b.procedure);
      const notAllowed = p['special-procedure-not-allowed'];
      if (!procedure) refuse(notAllowed, [{ path: '/body/procedure', code: 'not_for_item', message: msg(`本事项没有 ${b.procedure} 特别程序`, `this item lists no ${b.procedure} procedure`) }]);
      if (procedure!.countsTowardLimit) refuse(notAllowed, [{ path: '/body/procedure', code: 'counts_toward_limit', message: msg(`本事项的 ${b.procedure} 计入办理时限，不能停止计时`, `${b.procedure} counts toward the limit for this item: the clock does not stop for it`) }]);
      if (b.expectedWorkingDays > procedure!.maxWorkingDays) {
        refuse(notAllowed, [{ path: '/body/expectedWorkingDays', code: 'maximum', message: msg(`本事项的 ${b.procedure} 最多 ${procedure!.maxWorkingDays} 个工作日`, `the item allows at most ${procedure!.maxWorkingDays} working days of ${b.procedure}`) }]);
      }
      const suspension = { kind: b.procedure, reason: b.reason, expectedWorkingDays: b.expectedWorkingDays };
      return { set: { suspension: { ...suspension, from: ctx.now } }, clockDetail: { suspension } };
    }
    case 'resume':
      return { set: { suspension: undefined } };
    case 'escalate': {
      const b = body as Static<typeof EscalateBody>;
      return { set: { escalation: { ...b, from: ctx.now } }, clockDetail: { suspension: { kind: 'escalation', reason: b.reason } } };
    }
    case 'returnFromEscalation': {
      const b = body as Static<typeof ReturnBody>;
      const escalation = c.escalation!;
      if (b.upperDecision) checkUpperDecision(b.upperDecision, localDate(ctx.cal, escalation.from), ctx.today);
      // The escalation stays on the case: the decision guards and the forwarding notice read the upper authority's decision from it.
      return { set: { escalation: { ...escalation, returnedAt: ctx.now, ...(b.upperDecision ? { upperDecision: b.upperDecision } : {}) } }, details: { outcome: b.outcome } };
    }
    case 'requestExtension': {
      const b = body as Static<typeof ExtensionRequestBody>;
      return { set: { extension: { reason: b.reason, requestedBy: by, requestedAt: ctx.now } } };
    }
    case 'approveExtension':
      return {
        set: { extension: { ...c.extension!, approvedBy: by, approvedAt: ctx.now } },
        details: { workingDays: c.extensionAllowance, reason: c.extension?.reason },
        clockDetail: { workingDays: c.extensionAllowance },
      };
    case 'approve':
      return { set: { decision: { outcome: 'approved', at: ctx.now } } };
    case 'deny': {
      const b = body as Static<typeof DenyBody>;
      return { set: { decision: { outcome: 'denied', reasons: b.reasons, at: ctx.now } } };
    }
    case 'complete':
      return { set: { completedAt: ctx.now } };
    case 'deliver': {
      const b = body as Static<typeof DeliverBody>;
      return { set: { delivery: { ...b, at: ctx.now }, endedAt: ctx.now } };
    }
    case 'withdraw': {
      // Open joint steps leave the co-departments' queues with the case.
      const steps = c.jointSteps.filter((s) => s.status === 'open');
      // A case withdrawn while it waits to pay ends its wait.
      const payment = c.state === 'to_pay' && c.payment ? { payment: { ...c.payment, waits: closeWait(c.payment.waits, ctx.now) } } : {};
      return { set: { endedAt: ctx.now, suspension: undefined, escalation: undefined, ...payment }, steps };
    }
    default:
      throw new Error(`no effect defined for action ${action}`);
  }
}

/**
 * The upper authority's decision as a return records it: dated between the
 * day of the escalation and today, and a certificate number only with a grant.
 * The numbers are the upper authority's own: kept as given, never held to the
 * center's certificate format.
 */
function checkUpperDecision(d: UpperDecision, escalatedOn: string, today: string) {
  const errors: FieldFault[] = [];
  const at = '/body/upperDecision';
  if (d.decidedOn > today) errors.push({ path: `${at}/decidedOn`, code: 'in_future', message: msg(`决定日期晚于今天（${today}）`, `is after today (${today})`) });
  if (d.decidedOn < escalatedOn) errors.push({ path: `${at}/decidedOn`, code: 'before_escalation', message: msg(`决定日期早于上报日期（${escalatedOn}）`, `is before the case was escalated (${escalatedOn})`) });
  if (d.certificateNo !== undefined && d.outcome !== 'granted') {
    errors.push({ path: `${at}/certificateNo`, code: 'certificate_without_grant', message: msg('不予许可的决定没有许可证号', 'a denial comes with no certificate') });
  }
  if (errors.length) refuse(p['upper-decision-invalid'], errors);
}

/**
 * Acceptance: the first generation of the query code (the code itself is
 * derived where it is printed or sent; the event says only which generation),
 * the co-department steps of a joint item.
 */
function accepted(c: CaseRecord, acceptedAt: string, ctx: ActionContext, fromReceipt: boolean): Effect {
  const steps = c.item.jointDepartments.map((departmentId) => ({ departmentId, status: 'open' as const }));
  return {
    set: {
      acceptedAt,
      ...(fromReceipt ? { deemedAccepted: true } : {}),
      queryCodeGeneration: 1,
      jointSteps: steps,
    },
    details: { acceptedAt, acceptanceDate: localDate(ctx.cal, acceptedAt), ...(fromReceipt ? { fromReceipt: true } : {}), queryCodeGeneration: 1 },
    steps,
  };
}

/**
 * A query code reissued (查询码补发): the next generation, which kills the code
 * before it (a case accepted before codes were derived drops its hash and takes
 * generation 1). Only a case that has a code: one accepted, whatever came after
 * (the public lookup serves ended cases too). The event says which generation,
 * never the code.
 */
export function reissueQueryCode(c: CaseRecord, now: string): Applied {
  if (!c.acceptedAt) {
    refuse(p['query-code-not-issued'], [{ path: '/params/caseNo', code: 'not_accepted', message: msg('办件受理后才有查询码', 'a case has a query code once accepted') }]);
  }
  const { queryCodeHash: _h, ...rest } = c;
  const generation = (c.queryCodeGeneration ?? 0) + 1;
  return { next: { ...rest, queryCodeGeneration: generation, version: c.version + 1, updatedAt: now }, details: { queryCodeGeneration: generation }, changedSteps: [] };
}
