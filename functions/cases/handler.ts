/**
 * The cases Lambda (办件): intake, the lifecycle actions, reads, work queues
 * and the public progress lookup. The lifecycle table decides who may do
 * what, rules.ts what an action changes, clock.ts the deadlines, store.ts the
 * reads and transactions; operations only put them together.
 */
import type { Case, CaseSummary, QueueName } from '#schemas/api/cases';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { localDate, workCalendar, type CalendarYear, type WorkCalendar } from '#shared/calendar';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { requiredEnv } from '#shared/db';
import { HttpProblem, conflict, forbidden, notFound, preconditionFailed, validationFailed } from '#shared/errors';
import { IdempotencyRace, fingerprintOf, replay, type IdempotencyRecord } from '#shared/idempotency';
import { etag, httpHandler, idempotencyKeyOf, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { caseNoPrefix, formatCaseNo, hashQueryCode, newQueryCode, queryCodeMatches } from './case-numbers.ts';
import { dueSoonUntil, remainingOf } from './clock.ts';
import { decide, httpActions, nextActions, type CaseRecord } from './lifecycle.ts';
import { caseRoutes } from './routes.ts';
import { InputRefused, applyTransition, intakeErrors, newCase } from './rules.ts';
import * as store from './store.ts';
import { assertMayRead, readsAsApplicant } from './access.ts';
import { caseEvent } from './events.ts';

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const LOOKUP_FAILURES_PER_HOUR = 10;

/** The calendar years a case's limits can touch when read or changed today. */
function yearsAround(now: string, timeZone: string): number[] {
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(new Date(now)));
  return [year - 1, year, year + 1];
}

const calendarOf = (years: CalendarYear[], timeZone: string): WorkCalendar => workCalendar(years, timeZone);

/** The case as a caller reads it: internals dropped, remaining days and next actions added. */
export function view(c: CaseRecord, cal: WorkCalendar, today: string, caller: Caller): Case {
  const {
    centerId: _c, applicantSub: _s, timeZone: _t, noticeWorkingDays: _n, toleranceWorkingDays: _w,
    extensionAllowance: _e, specialProcedures: _p, queryCodeHash: _q, ...shown
  } = c;
  const delivered = c.state === 'delivered' || c.endedAt !== undefined;
  const internal = readsAsApplicant(caller, c)
    ? { reviews: [], jointSteps: c.jointSteps.map((s) => ({ departmentId: s.departmentId, status: s.status })), ...(c.extension ? { extension: { ...c.extension, requestedBy: 'staff', ...(c.extension.approvedBy ? { approvedBy: 'staff' } : {}) } } : {}) }
    : {};
  return { ...shown, ...internal, remainingWorkingDays: remainingOf(cal, c.clock, c.deadlines, today, delivered), nextActions: nextActions(c, { caller, today }) };
}

function summary(c: CaseRecord, cal: WorkCalendar, today: string): CaseSummary {
  return {
    caseNo: c.caseNo,
    state: c.state,
    itemCode: c.item.code,
    itemName: c.item.name,
    departmentId: c.item.departmentId,
    serviceMode: c.item.serviceMode,
    applicantName: c.applicant.name,
    receivedAt: c.receivedAt,
    deadlines: c.deadlines,
    remainingWorkingDays: remainingOf(cal, c.clock, c.deadlines, today, c.state === 'delivered' || c.endedAt !== undefined),
  };
}

const actorOf = (caller: Caller, roles: readonly string[]): store.CaseEvent['actor'] => ({
  id: caller.userId,
  role: actingRole(caller, roles as Caller['roles']),
  ...(caller.departmentId ? { departmentId: caller.departmentId } : {}),
});

const withTag = (c: CaseRecord, body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult => ({
  status,
  body,
  headers: { etag: etag(String(c.version)), ...headers },
});

// ---------------------------------------------------------------------------
// Intake

/** A repeated create: the first response again (422 for another body). */
const replayed = (record: IdempotencyRecord, fingerprint: string) =>
  replay(record, fingerprint, 'application', (b: { version: number; caseNo: string }) => ({ etag: etag(String(b.version)), location: `/cases/${b.caseNo}` }));

type Ops = Operations<typeof caseRoutes>;

const submitCase: Ops['submitCase'] = async (req) => {
  const caller = callerOf(req.event);
  const key = idempotencyKeyOf(req);
  const atWindow = req.body.applicantId !== undefined;
  const channelAction = atWindow ? 'case.intake.window' : 'case.intake.online';
  // The department is checked once the item is known; here only the role.
  if (!rolesFor(channelAction).some((r) => caller.roles.includes(r))) throw forbidden(atWindow ? 'Only window clerks take in applications for an applicant.' : 'Only applicants apply online; staff name the applicant (applicantId).');
  const now = new Date().toISOString();
  const fingerprint = fingerprintOf(req.body);
  const ctx = await store.intakeContext({
    centerId: caller.centerId,
    sub: caller.userId,
    itemCode: req.body.itemCode,
    applicant: atWindow ? { byId: req.body.applicantId! } : { bySub: caller.userId },
    years: yearsAround(now, DEFAULT_TIME_ZONE),
    ...(key ? { idempotencyKey: key } : {}),
  });
  req.account!.verify(ctx.account);
  if (ctx.replay) return replayed(ctx.replay, fingerprint);

  const item = ctx.head?.published;
  if (!item || item.status !== 'published') throw notFound(`Item ${req.body.itemCode} is not published in this center.`);
  if (atWindow) {
    const why = denial(caller, 'case.intake.window', { centerId: caller.centerId, departmentIds: [item.content.departmentId] });
    if (why) throw forbidden(why);
  }
  const applicant = ctx.applicant;
  if (!applicant) {
    if (atWindow) throw validationFailed([{ path: '/body/applicantId', code: 'not_found', message: 'no registered applicant with this id in the center' }]);
    throw conflict('Complete your registration (POST /public/applicants) before applying.');
  }
  const kind = applicant.kind;
  const errors = intakeErrors(item, req.body);
  const serves = item.content.serviceObjects;
  if (kind === 'citizen' ? !serves.includes('natural_person') : serves.every((o) => o === 'natural_person')) {
    errors.push({ path: atWindow ? '/body/applicantId' : '/body', code: 'not_served', message: `this item does not serve ${kind === 'citizen' ? 'natural persons' : 'organizations'}` });
  }
  if (errors.length) throw validationFailed(errors);

  const timeZone = ctx.center?.timeZone ?? DEFAULT_TIME_ZONE;
  const cal = calendarOf(ctx.calendar, timeZone);
  const today = localDate(cal, now);
  const sequence = await store.nextSequence(caller.centerId, today);
  const caseNo = formatCaseNo(caseNoPrefix({ centerId: caller.centerId, ...(ctx.center?.code ? { code: ctx.center.code } : {}) }), today, sequence);
  const record = newCase(cal, {
    caseNo,
    centerId: caller.centerId,
    timeZone,
    item,
    applicant,
    channel: atWindow ? 'window' : 'online',
    request: req.body,
    now,
  });
  const event = caseEvent(record, 'submit', 'CaseSubmitted', actorOf(caller, [atWindow ? 'clerk' : 'applicant']), now, {
    details: { channel: record.channel, materials: record.materials.map((m) => ({ materialId: m.materialId, status: m.status })), ...(record.noticeDue ? { noticeDue: record.noticeDue } : {}) },
  });
  const body = view(record, cal, today, caller);
  try {
    await store.createCase(record, event, key ? { sub: caller.userId, key, fingerprint, status: 201, body, nowMs: Date.parse(now) } : undefined);
  } catch (err) {
    if (!(err instanceof IdempotencyRace) || !key) throw err;
    const winner = await store.idempotencyRecord(caller.centerId, caller.userId, key);
    if (!winner) throw conflict('A concurrent request with this Idempotency-Key is in progress; retry it.');
    return replayed(winner, fingerprint);
  }
  return withTag(record, body, 201, { location: `/cases/${caseNo}` });
};

// ---------------------------------------------------------------------------
// Actions

function runAction(action: string) {
  return async (req: HttpRequest<Record<string, unknown>, Record<string, never>, { caseNo: string }>): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const ctx = await store.caseContext(caller.centerId, req.params.caseNo, yearsAround(now, DEFAULT_TIME_ZONE), caller.userId);
    req.account!.verify(ctx.account);
    const current = ctx.record;
    if (!current) throw notFound(`No case ${req.params.caseNo}.`);
    assertMayRead(caller, current);
    if (ifMatch(req) !== String(current.version)) throw preconditionFailed('The case changed since you read it; read it again and retry.');
    const cal = calendarOf(ctx.calendar, current.timeZone);
    const today = localDate(cal, now);
    const decision = decide(action, current, { caller, today });
    if (!decision.ok) throw decision.status === 403 ? forbidden(decision.detail) : conflict(decision.detail);
    const t = decision.transition;
    const queryCode = t.clock === 'start' ? newQueryCode() : undefined;
    let applied;
    try {
      applied = applyTransition(current, t, req.body, { cal, now, today, caller, queryCodeHash: queryCode ? hashQueryCode(current.caseNo, queryCode) : '' });
    } catch (err) {
      if (err instanceof InputRefused) throw validationFailed(err.errors);
      throw err;
    }
    const { next } = applied;
    const roles = t.by.map((a) => a.role);
    const event = caseEvent(next, action, t.event, actorOf(caller, roles), now, {
      fromState: current.state,
      ...(t.clock ? { clockEffect: t.clock } : {}),
      details: applied.details,
    });
    await store.transition(next, current.version, event, applied.changedSteps);
    const receipt =
      queryCode && next.acceptedAt
        ? {
            caseNo: next.caseNo,
            itemName: next.item.name,
            applicantName: next.applicant.name,
            receivedAt: next.receivedAt,
            acceptedAt: next.acceptedAt,
            acceptanceDate: localDate(cal, next.acceptedAt),
            ...(next.deadlines.promisedDue ? { promisedDue: next.deadlines.promisedDue } : {}),
            ...(next.deadlines.statutoryDue ? { statutoryDue: next.deadlines.statutoryDue } : {}),
            queryCode,
          }
        : undefined;
    return withTag(next, { case: view(next, cal, today, caller), ...(receipt ? { receipt } : {}) });
  };
}

const actionOperations = Object.fromEntries(httpActions.map((action) => [`case${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

// ---------------------------------------------------------------------------
// Reads

const getCase: Ops['getCase'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await store.caseContext(caller.centerId, req.params.caseNo, yearsAround(now, DEFAULT_TIME_ZONE), caller.userId);
  req.account!.verify(ctx.account);
  if (!ctx.record) throw notFound(`No case ${req.params.caseNo}.`);
  assertMayRead(caller, ctx.record);
  const cal = calendarOf(ctx.calendar, ctx.record.timeZone);
  // Where the archive is, is the agency's business: staff see it, the applicant does not.
  const archived = ctx.archiveLocation && !readsAsApplicant(caller, ctx.record) ? { archiveLocation: ctx.archiveLocation } : {};
  return withTag(ctx.record, { ...view(ctx.record, cal, localDate(cal, now), caller), ...archived });
};

const getCaseTimeline: Ops['getCaseTimeline'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, events } = await store.caseWithTimeline(caller.centerId, req.params.caseNo);
  if (!record) throw notFound(`No case ${req.params.caseNo}.`);
  assertMayRead(caller, record);
  const asApplicant = readsAsApplicant(caller, record);
  // The applicant sees who acted by role, and no internal opinions.
  const internalActions = new Set(['review', 'giveJointOpinion']);
  const items = events.map((e) => ({
    eventId: e.eventId,
    at: e.event.occurredAt,
    type: e.detailType,
    action: e.event.data.action,
    actor: asApplicant && e.event.actor.role !== 'applicant' ? { id: e.event.actor.role, role: e.event.actor.role } : e.event.actor,
    ...(e.event.data.fromState ? { from: e.event.data.fromState } : {}),
    to: e.event.data.toState,
    ...(e.event.data.clockEffect ? { clockEffect: e.event.data.clockEffect } : {}),
    deadlines: e.event.data.deadlines,
    details: asApplicant && internalActions.has(e.event.data.action) ? {} : e.event.data.details,
  }));
  return { status: 200, body: { items } };
};

const listQueue: Ops['listQueue'] = async (req) => {
  const caller = callerOf(req.event);
  const queue = req.params.queue as QueueName;
  const now = new Date().toISOString();
  const ctx = await store.listContext(caller.centerId, yearsAround(now, DEFAULT_TIME_ZONE), caller.userId);
  req.account!.verify(ctx.account);
  const scope = listingScope(caller, 'case.queue.read', req.query.departmentId);
  if (typeof scope === 'string') throw forbidden(scope);
  const departmentId = scope.departmentId;
  if (!departmentId) throw validationFailed([{ path: '/query/departmentId', code: 'required', message: 'name the department whose queue to read' }]);
  const cal = calendarOf(ctx.calendar, DEFAULT_TIME_ZONE);
  const today = localDate(cal, now);
  const filters = { centerId: caller.centerId, departmentId, queue };
  const page = await store.queuePage(caller.centerId, departmentId, queue, { today, soonUntil: dueSoonUntil(cal, today) }, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map((c) => summary(c, cal, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const listMyCases: Ops['listMyCases'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await store.listContext(caller.centerId, yearsAround(now, DEFAULT_TIME_ZONE), caller.userId);
  req.account!.verify(ctx.account);
  if (!caller.roles.includes('applicant')) throw forbidden('Only applicants have cases of their own; staff use the work queues.');
  const cal = calendarOf(ctx.calendar, DEFAULT_TIME_ZONE);
  const today = localDate(cal, now);
  const filters = { centerId: caller.centerId, sub: caller.userId };
  const page = await store.applicantCases(caller.centerId, caller.userId, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map((c) => summary(c, cal, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

/**
 * The public lookup answers the same 404 for an unknown number as for a wrong
 * code, and counts both against the number: after 10 failures in an hour the
 * number is locked for the rest of the hour (429), so a code cannot be guessed
 * by trying (API Gateway's route throttling bounds the rate across numbers).
 */
const getPublicProgress: Ops['getPublicProgress'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const caseNo = req.params.caseNo;
  const now = new Date();
  const hour = now.toISOString().slice(0, 13).replace(/[-T]/g, '');
  const { record, failures } = await store.lookupContext(centerId, caseNo, hour);
  if (failures >= LOOKUP_FAILURES_PER_HOUR) {
    throw new HttpProblem(429, 'Too Many Requests', 'Too many failed lookups of this case number; try again in an hour.', undefined, { 'retry-after': String(3600 - (Math.floor(now.getTime() / 1000) % 3600)) });
  }
  if (!record || !queryCodeMatches(caseNo, req.query.code, record.queryCodeHash)) {
    await store.countLookupFailure(centerId, caseNo, hour, now.getTime());
    throw notFound('No case matches this number and query code.');
  }
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: {
      caseNo: record.caseNo,
      itemName: record.item.name,
      state: record.state,
      receivedAt: record.receivedAt,
      ...(record.acceptedAt ? { acceptedAt: record.acceptedAt } : {}),
      ...(record.decision ? { decidedAt: record.decision.at } : {}),
      ...(record.completedAt ? { completedAt: record.completedAt } : {}),
      ...(record.deadlines.promisedDue ? { promisedDue: record.deadlines.promisedDue } : {}),
      ...(record.deadlines.statutoryDue ? { statutoryDue: record.deadlines.statutoryDue } : {}),
    },
  };
};

export const handler = httpHandler(caseRoutes, {
  submitCase,
  listMyCases,
  getCase,
  getCaseTimeline,
  listQueue,
  getPublicProgress,
  ...actionOperations,
} as Ops);
