/**
 * The evaluation Lambda (好差评): ratings per case and per window visit, the
 * handling of bad reviews, appeals, the center's settings and the figures.
 * The evaluation table decides who may do what, rules.ts what an action
 * changes and how it counts, store.ts the reads and transactions; operations
 * only put them together.
 */
import type { Evaluation, EvaluationQueue, Figures, MonthlyFigures, PublicFigures, Settings } from '#schemas/api/evaluation';
import type { EvaluationSettingsChangedData } from '#schemas/events/evaluation';
import { msg } from '#schemas/api/problems';
import { actingRole, actorDepartment, callerOf, type Caller, type StaffRole } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { requiredEnv } from '#shared/db';
import { fault, forbidden, notFound, preconditionRequired, validationFailed } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { evaluationEvent, type EvaluationEvent } from './events.ts';
import { decide, httpActions, nextActions, type EvaluationRecord, type Transition } from './lifecycle.ts';
import { evaluationRoutes } from './routes.ts';
import { figuresOf, ranked } from './figures.ts';
import { applyAction, nextDueOf } from './rules.ts';
import { InvalidSettingsError, effectiveSettings, settingsBodyOf } from './settings.ts';
import { rateHallVisit } from './slip.ts';
import * as store from './store.ts';

/** The evaluation as a caller reads it: the rater's identity for supervisors only, a slip's code hash never, next actions added. */
export function view(e: EvaluationRecord, caller: Caller, callerApplicantId: string | undefined, today: string): Evaluation {
  const { centerId: _c, applicantId: _a, timeZone: _t, rater, counted: _n, slip, staffIds: _s, ...shown } = e;
  const reveal = rater !== undefined && denial(caller, 'evaluation.rater.read', { centerId: e.centerId }) === undefined;
  return { ...shown, ...(reveal ? { rater } : {}), ...(slip ? { anonymous: true } : {}), nextActions: nextActions(e, { caller, ...(callerApplicantId ? { callerApplicantId } : {}), today }) };
}

function summary(e: EvaluationRecord, today: string) {
  const nextDue = nextDueOf(e);
  return {
    evaluationId: e.evaluationId,
    type: e.type,
    state: e.state,
    departmentId: e.departmentId,
    ...(e.caseNo ? { caseNo: e.caseNo } : {}),
    ...(e.itemName ? { itemName: e.itemName } : {}),
    ...(e.windowId ? { windowId: e.windowId } : {}),
    invitedAt: e.invitedAt,
    ...(e.rateBy ? { rateBy: e.rateBy } : {}),
    ...(e.rating ? { rating: e.rating.rating } : {}),
    ...(nextDue ? { nextDue, overdue: today > nextDue } : {}),
  };
}

/**
 * Who may see an evaluation: the rater it belongs to; staff whose role reads
 * evaluations of its handling department. An applicant learns nothing of
 * others' (404); staff of another department get 403.
 */
function assertMayRead(caller: Caller, e: EvaluationRecord, callerApplicantId: string | undefined) {
  if (caller.roles.includes('applicant') && callerApplicantId !== undefined && callerApplicantId === e.applicantId) return;
  if (denial(caller, 'evaluation.read', { centerId: e.centerId, departmentIds: [e.departmentId] }) === undefined) return;
  if (caller.roles.every((r) => r === 'applicant')) throw noSuchEvaluation(e.evaluationId);
  throw forbidden(msg('此评价属于其他部门。', 'This evaluation belongs to another department.'));
}

const noSuchEvaluation = (id: string) => notFound(msg(`没有评价 ${id}。`, `No evaluation ${id}.`));

/** The roles a signed-in caller takes a transition in, as recorded on its event (the rater acts as `applicant`). */
const rolesOf = (t: Transition): StaffRole[] => t.by.flatMap((a) => (a.role === 'system' || a.role === 'slipHolder' ? [] : [a.role === 'rater' ? 'applicant' : a.role]));

/** Recorded for the evaluation's department, which a general window's clerk is one of several of. */
function actorOf(caller: Caller, roles: readonly StaffRole[], e: Pick<EvaluationRecord, 'departmentId'>): EvaluationEvent['actor'] {
  return { id: caller.userId, role: actingRole(caller, roles), ...actorDepartment(caller, [e.departmentId]) };
}

const withTag = (e: EvaluationRecord, body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult => ({
  status,
  body,
  headers: { etag: etag(String(e.version)), ...headers },
});

type Ops = Operations<typeof evaluationRoutes>;

// ---------------------------------------------------------------------------
// Actions

function runAction(action: string) {
  return async (req: HttpRequest<Record<string, unknown>, Record<string, never>, { evaluationId: string }>): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const ctx = await store.callerContext(caller.centerId, req.params.evaluationId, caller.userId, now, req.checks!.keys);
    req.checks!.settle(ctx.found);
    const current = ctx.record;
    if (!current) throw noSuchEvaluation(req.params.evaluationId);
    const callerApplicantId = ctx.applicant?.applicantId;
    assertMayRead(caller, current, callerApplicantId);
    if (ifMatch(req) !== String(current.version)) throw store.evaluationChanged();
    const cal = calendarOn(ctx.center, current.timeZone);
    const today = localDate(cal, now);
    const decision = decide(action, current, { caller, ...(callerApplicantId ? { callerApplicantId } : {}), today });
    if (!decision.ok) throw decision.refusal;
    const t = decision.transition;
    const applied = applyAction(current, t, req.body, {
      cal, now, today, caller,
      settings: effectiveSettings(ctx.settingsItem),
      ...(ctx.applicant ? { rater: { applicantId: ctx.applicant.applicantId, name: ctx.applicant.name } } : {}),
    });
    const event = evaluationEvent(applied.next, action, t.event, actorOf(caller, rolesOf(t), applied.next), now, {
      fromState: current.state, details: applied.details, ...(applied.counts ? { counts: applied.counts } : {}),
    });
    // The same view GET gives this caller: the rater's identity for supervisors only.
    const result = withTag(applied.next, view(applied.next, caller, callerApplicantId, today));
    await store.transition(applied.next, current.version, event, req.idempotency?.record(result));
    return result;
  };
}

const actionOperations = Object.fromEntries(httpActions.map((action) => [`evaluation${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

// ---------------------------------------------------------------------------
// Reads

const getEvaluation: Ops['getEvaluation'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await store.callerContext(caller.centerId, req.params.evaluationId, caller.userId, now, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.record) throw noSuchEvaluation(req.params.evaluationId);
  const callerApplicantId = ctx.applicant?.applicantId;
  assertMayRead(caller, ctx.record, callerApplicantId);
  const today = localDate(calendarOn(ctx.center, ctx.record.timeZone), now);
  return withTag(ctx.record, view(ctx.record, caller, callerApplicantId, today));
};

const listMyEvaluations: Ops['listMyEvaluations'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await store.applicantContext(caller.centerId, caller.userId, new Date().toISOString(), req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!caller.roles.includes('applicant')) throw forbidden(msg('只有申请人有自己的评价；工作人员请使用评价队列。', 'Only applicants have evaluations of their own; staff use the evaluation queues.'));
  const filters = { sub: caller.userId };
  // The token is checked even when there is nothing to list: a forged one is refused alike.
  const start = req.pages.start(filters);
  if (!ctx.applicant) return { status: 200, body: { items: [] } };
  const { today } = ctx.center;
  const page = await store.raterPage(caller.centerId, ctx.applicant.applicantId, req.pages.limit, start);
  return { status: 200, body: req.pages.page({ items: page.items.map((e) => summary(e, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const listEvaluationQueue: Ops['listEvaluationQueue'] = async (req) => {
  const caller = callerOf(req.event);
  const queue = req.params.queue as EvaluationQueue;
  const ctx = await store.listContext(caller.centerId, new Date().toISOString(), req.checks!.keys);
  req.checks!.settle(ctx.found);
  let departmentId: string | undefined;
  if (queue === 'appeals') {
    const why = denial(caller, 'evaluation.appeals.read', { centerId: caller.centerId });
    if (why) throw forbidden(why);
  } else {
    departmentId = listingScope(caller, 'evaluation.queue.read', req.query.departmentId).departmentId;
    if (!departmentId) throw validationFailed([fault('/query/departmentId', 'required', msg('请指明要查看哪个部门的差评', 'name the department whose bad reviews to read'))]);
  }
  const { today } = ctx.center;
  const filters = { queue, ...(departmentId ? { departmentId } : {}) };
  const page = await store.queuePage(caller.centerId, queue, departmentId, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page({ items: page.items.map((e) => summary(e, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

// ---------------------------------------------------------------------------
// Settings

const settingsResult = (s: Settings, rev: number | undefined, status = 200): HttpResult => ({
  status,
  body: s,
  headers: rev === undefined ? {} : { etag: etag(String(rev)) },
});

const getEvaluationSettings: Ops['getEvaluationSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'evaluation.settings.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const { item, found } = await store.settingsContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  return settingsResult(effectiveSettings(item), item?.rev as number | undefined);
};

const putEvaluationSettings: Ops['putEvaluationSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'evaluation.settings.write', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const { item, found } = await store.settingsContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  const rev = item?.rev as number | undefined;
  const sent = ifMatch(req);
  if (rev !== undefined && sent === undefined) throw preconditionRequired();
  if (sent !== undefined && sent !== String(rev)) throw store.settingsChanged();
  // A broken item (written outside the API) is replaced, not read: this PUT is how an admin repairs it.
  let before: ReturnType<typeof settingsBodyOf> | undefined;
  try {
    before = item ? settingsBodyOf(effectiveSettings(item)) : undefined;
  } catch (err) {
    if (!(err instanceof InvalidSettingsError)) throw err;
  }
  const now = new Date().toISOString();
  const event: EventDraft<EvaluationSettingsChangedData> = {
    source: 'onestop.evaluation',
    detailType: 'EvaluationSettingsChanged',
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('evaluation.settings.write')) },
    subject: { type: 'evaluation_settings', id: caller.centerId },
    data: { ...(before ? { before } : {}), after: req.body },
  };
  const nextRev = (rev ?? 0) + 1;
  const result = settingsResult({ ...req.body, source: 'center', updatedAt: now, updatedBy: caller.userId }, nextRev, rev === undefined ? 201 : 200);
  await store.putSettings(caller.centerId, req.body, { by: caller.userId, at: now, rev: nextRev }, rev, event, req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Figures

async function figuresOfMonth(centerId: string, month: string) {
  const rows = await store.monthCounters(centerId, month);
  const of = (dimension: store.DimensionRow['dimension']) => rows.filter((r) => r.dimension === dimension);
  const center: Figures = figuresOf(of('center')[0]?.counters ?? {});
  return {
    center,
    departments: of('department').map((r) => ({ departmentId: r.id, figures: figuresOf(r.counters) })),
    windows: ranked(of('window').map((r) => ({ windowId: r.id, figures: figuresOf(r.counters) }))),
    items: of('item').map((r) => ({ itemCode: r.id, figures: figuresOf(r.counters) })),
  };
}

const getEvaluationFigures: Ops['getEvaluationFigures'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'evaluation.figures.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const body: MonthlyFigures = { centerId: caller.centerId, month: req.params.month, ...(await figuresOfMonth(caller.centerId, req.params.month)) };
  return { status: 200, body };
};

const getPublicEvaluationFigures: Ops['getPublicEvaluationFigures'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const { center, departments, windows } = await figuresOfMonth(centerId, req.params.month);
  const body: PublicFigures = { centerId, month: req.params.month, center, departments, windows };
  return { status: 200, body, headers: { 'cache-control': 'public, max-age=300' } };
};

export const handler = httpHandler(evaluationRoutes, {
  listMyEvaluations,
  getEvaluation,
  listEvaluationQueue,
  getEvaluationSettings,
  putEvaluationSettings,
  getEvaluationFigures,
  getPublicEvaluationFigures,
  rateHallVisit,
  ...actionOperations,
} as Ops);
