/**
 * The evaluation Lambda (好差评): ratings per case and per window visit, the
 * handling of bad reviews, appeals, the center's settings and the figures.
 * The evaluation table decides who may do what, rules.ts what an action
 * changes and how it counts, store.ts the reads and transactions; operations
 * only put them together.
 */
import type { Evaluation, EvaluationQueue, Figures, MonthlyFigures, PublicFigures, Settings } from '#schemas/api/evaluation';
import type { EvaluationSettingsChangedData } from '#schemas/events/evaluation';
import { actingRole, callerOf, type Caller, type StaffRole } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { localDate, workCalendar } from '#shared/calendar';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { requiredEnv } from '#shared/db';
import { conflict, forbidden, notFound, preconditionFailed, preconditionRequired, validationFailed } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import { IdempotencyRace, fingerprintOf, replay, type IdempotencyRecord } from '#shared/idempotency';
import { etag, httpHandler, idempotencyKeyOf, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { newId } from '#shared/ids';
import { evaluationEvent, type EvaluationEvent } from './events.ts';
import { decide, httpActions, nextActions, type EvaluationRecord, type Transition } from './lifecycle.ts';
import { evaluationRoutes } from './routes.ts';
import { InputRefused, applyAction, figuresOf, newInvitation, nextDueOf, ranked } from './rules.ts';
import { InvalidSettingsError, effectiveSettings, settingsBodyOf } from './settings.ts';
import * as store from './store.ts';

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The calendar years a date computed today can touch. */
function yearsAround(now: string, timeZone: string): number[] {
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(new Date(now)));
  return [year - 1, year, year + 1];
}

const todayIn = (timeZone: string, now: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));

/** The evaluation as a caller reads it: the rater's identity for supervisors only, next actions added. */
export function view(e: EvaluationRecord, caller: Caller, callerApplicantId: string | undefined, today: string): Evaluation {
  const { centerId: _c, applicantId: _a, timeZone: _t, rater, counted: _n, ...shown } = e;
  const reveal = rater !== undefined && denial(caller, 'evaluation.rater.read', { centerId: e.centerId }) === undefined;
  return { ...shown, ...(reveal ? { rater } : {}), nextActions: nextActions(e, { caller, ...(callerApplicantId ? { callerApplicantId } : {}), today }) };
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
  if (caller.roles.every((r) => r === 'applicant')) throw notFound(`No evaluation ${e.evaluationId}.`);
  throw forbidden('This evaluation belongs to another department.');
}

/** The roles that take a transition, as recorded on its event (the rater acts as `applicant`). */
const rolesOf = (t: Transition): StaffRole[] => t.by.flatMap((a) => (a.role === 'system' ? [] : [a.role === 'rater' ? 'applicant' : a.role]));

function actorOf(caller: Caller, roles: readonly StaffRole[]): EvaluationEvent['actor'] {
  return { id: caller.userId, role: actingRole(caller, roles), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) };
}

const withTag = (e: EvaluationRecord, body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult => ({
  status,
  body,
  headers: { etag: etag(String(e.version)), ...headers },
});

/** A repeated create: the first response again (422 for another body). */
const replayed = (record: IdempotencyRecord, fingerprint: string) =>
  replay(record, fingerprint, 'visit', (b: { version: number; evaluationId: string }) => ({ etag: etag(String(b.version)), location: `/evaluations/${b.evaluationId}` }));

type Ops = Operations<typeof evaluationRoutes>;

// ---------------------------------------------------------------------------
// Window visits (一次一评)

const openVisitEvaluation: Ops['openVisitEvaluation'] = async (req) => {
  const caller = callerOf(req.event);
  if (!rolesFor('evaluation.visit.open').some((r) => caller.roles.includes(r))) throw forbidden('Only the clerk who served the visit opens its evaluation.');
  const why = denial(caller, 'evaluation.visit.open', { centerId: caller.centerId, departmentIds: caller.departmentId ? [caller.departmentId] : [] });
  if (why) throw forbidden(why);
  const departmentId = caller.departmentId!;
  const key = idempotencyKeyOf(req);
  const now = new Date().toISOString();
  const fingerprint = fingerprintOf(req.body);
  const ctx = await store.centerContext(caller.centerId, yearsAround(now, DEFAULT_TIME_ZONE), {
    sub: caller.userId,
    applicantId: req.body.applicantId,
    ...(req.body.itemCode ? { itemCode: req.body.itemCode } : {}),
    ...(key ? { idempotencyKey: key } : {}),
  });
  req.account!.verify(ctx.account);
  if (ctx.replay) return replayed(ctx.replay, fingerprint);

  const errors = [];
  if (!ctx.applicant) errors.push({ path: '/body/applicantId', code: 'not_found', message: 'no registered applicant with this id in the center' });
  const item = ctx.item?.published;
  if (req.body.itemCode && (!item || item.status !== 'published')) errors.push({ path: '/body/itemCode', code: 'not_found', message: 'no published item with this code in the center' });
  else if (item && item.content.departmentId !== departmentId) errors.push({ path: '/body/itemCode', code: 'other_department', message: 'is an item of another department' });
  if (errors.length) throw validationFailed(errors);
  const window = await store.windowOf(caller.centerId, req.body.windowId);
  if (!window) throw validationFailed([{ path: '/body/windowId', code: 'not_found', message: 'no window with this id in the center' }]);
  if (!window.departmentIds.includes(departmentId)) throw validationFailed([{ path: '/body/windowId', code: 'other_department', message: 'does not serve your department' }]);

  const timeZone = ctx.center?.timeZone ?? DEFAULT_TIME_ZONE;
  const cal = workCalendar(ctx.calendar, timeZone);
  const record = newInvitation(cal, {
    evaluationId: newId(),
    type: 'window_visit',
    centerId: caller.centerId,
    timeZone,
    departmentId,
    applicantId: req.body.applicantId,
    windowId: req.body.windowId,
    ...(req.body.caseNo ? { caseNo: req.body.caseNo } : {}),
    ...(item ? { itemCode: item.code, itemName: item.content.name } : {}),
    invitedAt: now,
    now,
    settings: effectiveSettings(ctx.settingsItem),
  });
  const event = evaluationEvent(record, 'invite', 'EvaluationInvited', actorOf(caller, rolesFor('evaluation.visit.open')), now, { details: { channel: 'window' } });
  const body = view(record, caller, undefined, localDate(cal, now));
  try {
    await store.createVisit(record, event, key ? { sub: caller.userId, key, fingerprint, status: 201, body, nowMs: Date.parse(now) } : undefined);
  } catch (err) {
    if (!(err instanceof IdempotencyRace) || !key) throw err;
    const winner = await store.idempotencyRecord(caller.centerId, caller.userId, key);
    if (!winner) throw conflict('A concurrent request with this Idempotency-Key is in progress; retry it.');
    return replayed(winner, fingerprint);
  }
  return withTag(record, body, 201, { location: `/evaluations/${record.evaluationId}` });
};

// ---------------------------------------------------------------------------
// Actions

function runAction(action: string) {
  return async (req: HttpRequest<Record<string, unknown>, Record<string, never>, { evaluationId: string }>): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const ctx = await store.callerContext(caller.centerId, req.params.evaluationId, caller.userId, yearsAround(now, DEFAULT_TIME_ZONE));
    req.account!.verify(ctx.account);
    const current = ctx.record;
    if (!current) throw notFound(`No evaluation ${req.params.evaluationId}.`);
    const callerApplicantId = ctx.applicant?.applicantId;
    assertMayRead(caller, current, callerApplicantId);
    if (ifMatch(req) !== String(current.version)) throw preconditionFailed('The evaluation changed since you read it; read it again and retry.');
    const cal = workCalendar(ctx.calendar, current.timeZone);
    const today = localDate(cal, now);
    const decision = decide(action, current, { caller, ...(callerApplicantId ? { callerApplicantId } : {}), today });
    if (!decision.ok) throw decision.status === 403 ? forbidden(decision.detail) : conflict(decision.detail);
    const t = decision.transition;
    let applied;
    try {
      applied = applyAction(current, t, req.body, {
        cal, now, today, caller,
        settings: effectiveSettings(ctx.settingsItem),
        ...(ctx.applicant ? { rater: { applicantId: ctx.applicant.applicantId, name: ctx.applicant.name } } : {}),
      });
    } catch (err) {
      if (err instanceof InputRefused) throw validationFailed(err.errors);
      throw err;
    }
    const event = evaluationEvent(applied.next, action, t.event, actorOf(caller, rolesOf(t)), now, { fromState: current.state, details: applied.details });
    await store.transition(applied.next, current.version, event, applied.counts);
    return withTag(applied.next, view(applied.next, caller, callerApplicantId, today));
  };
}

const actionOperations = Object.fromEntries(httpActions.map((action) => [`evaluation${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

// ---------------------------------------------------------------------------
// Reads

const getEvaluation: Ops['getEvaluation'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await store.callerContext(caller.centerId, req.params.evaluationId, caller.userId);
  req.account!.verify(ctx.account);
  if (!ctx.record) throw notFound(`No evaluation ${req.params.evaluationId}.`);
  const callerApplicantId = ctx.applicant?.applicantId;
  assertMayRead(caller, ctx.record, callerApplicantId);
  return withTag(ctx.record, view(ctx.record, caller, callerApplicantId, todayIn(ctx.record.timeZone, new Date().toISOString())));
};

const listMyEvaluations: Ops['listMyEvaluations'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await store.applicantContext(caller.centerId, caller.userId);
  req.account!.verify(ctx.account);
  if (!caller.roles.includes('applicant')) throw forbidden('Only applicants have evaluations of their own; staff use the evaluation queues.');
  const filters = { centerId: caller.centerId, sub: caller.userId };
  if (!ctx.applicant) return { status: 200, body: { items: [] } };
  const today = todayIn(DEFAULT_TIME_ZONE, new Date().toISOString());
  const page = await store.raterPage(caller.centerId, ctx.applicant.applicantId, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map((e) => summary(e, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const listEvaluationQueue: Ops['listEvaluationQueue'] = async (req) => {
  const caller = callerOf(req.event);
  const queue = req.params.queue as EvaluationQueue;
  let departmentId: string | undefined;
  if (queue === 'appeals') {
    const why = denial(caller, 'evaluation.appeals.read', { centerId: caller.centerId });
    if (why) throw forbidden(why);
  } else {
    const scope = listingScope(caller, 'evaluation.queue.read', req.query.departmentId);
    if (typeof scope === 'string') throw forbidden(scope);
    departmentId = scope.departmentId;
    if (!departmentId) throw validationFailed([{ path: '/query/departmentId', code: 'required', message: 'name the department whose bad reviews to read' }]);
  }
  const today = todayIn(DEFAULT_TIME_ZONE, new Date().toISOString());
  const filters = { centerId: caller.centerId, queue, ...(departmentId ? { departmentId } : {}) };
  const page = await store.queuePage(caller.centerId, queue, departmentId, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map((e) => summary(e, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
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
  const item = await store.settingsItem(caller.centerId);
  return settingsResult(effectiveSettings(item), item?.rev as number | undefined);
};

const putEvaluationSettings: Ops['putEvaluationSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'evaluation.settings.write', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const item = await store.settingsItem(caller.centerId);
  const rev = item?.rev as number | undefined;
  const sent = ifMatch(req);
  if (rev !== undefined && sent === undefined) throw preconditionRequired();
  if (sent !== undefined && sent !== String(rev)) throw preconditionFailed('The settings changed since you read them; read them again and retry.');
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
  await store.putSettings(caller.centerId, req.body, { by: caller.userId, at: now, rev: nextRev }, rev, event);
  return settingsResult({ ...req.body, source: 'center', updatedAt: now, updatedBy: caller.userId }, nextRev, rev === undefined ? 201 : 200);
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
  openVisitEvaluation,
  getEvaluation,
  listEvaluationQueue,
  getEvaluationSettings,
  putEvaluationSettings,
  getEvaluationFigures,
  getPublicEvaluationFigures,
  ...actionOperations,
} as Ops);
