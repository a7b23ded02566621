/**
 * The cases Lambda (办件): intake, the lifecycle actions, reads, work queues
 * and the public progress lookup. The lifecycle table decides who may do
 * what, rules.ts what an action changes, clock.ts the deadlines, store.ts the
 * reads and transactions; operations only put them together.
 */
import type { Case, CaseSummary, QueueName } from '#schemas/api/cases';
import { msg, type Text } from '#schemas/api/problems';
import { actingRole, actorDepartment, callerOf, type Caller } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { localDate, type WorkCalendar } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { itemAt, requiredEnv, type ItemKey } from '#shared/db';
import { forbidden, notFound, preconditionFailed, problem, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { lazyImport } from '#shared/lazy-import';
import { caseNoPrefix, currentQueryCode, formatCaseNo, queryCodeFor, queryCodeMatches } from './case-numbers.ts';
import { dueSoonUntil } from '#shared/clock-rules';
import { remainingOf } from './clock.ts';
import { attributionAfter, decide, departmentsActedFor, httpActions, nextActions, takesIn, type CaseRecord } from './lifecycle.ts';
import { caseProblems } from './problems.ts';
import { caseRoutes } from './routes.ts';
import * as store from './store.ts';
import { assertMayRead, assertMayReissueQueryCode, holdsQueryCode, readsAsApplicant } from './access.ts';
import { agencyFault, grantCovers, type AgencyFault } from '../applicants/public.ts';
import { assertCertificateToActOn } from '../documents/public.ts';
import { clerkEntryKey, clerkWindow, onlyWindow } from '../queue/public.ts';
import { effectiveThresholds, thresholdSettingsKey } from '../supervision/public.ts';
import { caseEvent } from './events.ts';

/** The intake check and Ajv (~130 KB), which reads and transitions never need: loaded with the first intake. */
const loadIntakeCheck = lazyImport(() => import('./intake-check.ts'));
/** The rules of intake and transitions, which reads (most requests) never need: loaded with the first write. */
const loadRules = lazyImport(() => import('./rules.ts'));

/** Wrong query codes one client may try on one case number in an hour. */
const LOOKUP_FAILURES_PER_HOUR = 10;

/**
 * The case as a caller reads it: internals dropped, remaining days and next
 * actions added. `creditExcluded`: the applicant's bad-credit flag, when the
 * read fetched it (creditFor): the next actions then agree with 容缺受理's guard.
 */
export function view(c: CaseRecord, cal: WorkCalendar, today: string, caller: Caller, creditExcluded?: boolean): Case {
  const {
    centerId: _c, applicantSub: _s, timeZone: _t, noticeWorkingDays: _n, toleranceWorkingDays: _w, supplementWorkingDays: _sw,
    extensionAllowance: _e, specialProcedures: _p, queryCodeHash: _q, queryCodeGeneration: _g, handlerIds: _h, ...shown
  } = c;
  const delivered = c.state === 'delivered' || c.endedAt !== undefined;
  const asApplicant = readsAsApplicant(caller);
  // The center's coordination between departments is the agency's own business.
  const { coordination: _co, attribution: _at, ...outward } = shown;
  const internal = asApplicant
    ? { reviews: [], jointSteps: c.jointSteps.map((s) => ({ departmentId: s.departmentId, status: s.status })), ...(c.extension ? { extension: { ...c.extension, requestedBy: 'staff', ...(c.extension.approvedBy ? { approvedBy: 'staff' } : {}) } } : {}) }
    : {};
  return { ...(asApplicant ? outward : shown), ...internal, remainingWorkingDays: remainingOf(cal, c.clock, c.deadlines, today, delivered), nextActions: nextActions(c, { caller, today, creditExcluded }) };
}

/**
 * The bad-credit flag (失信) for a read's next actions: one GetItem, made
 * only when 容缺受理 is the caller's to take on the case but for the flag
 * (a clerk of the lead department, a submitted case of an item offering it),
 * so the read offers it exactly when the action would pass.
 */
async function creditFor(c: CaseRecord, caller: Caller, today: string): Promise<boolean | undefined> {
  return decide('acceptWithTolerance', c, { caller, today }).ok ? store.creditExcluded(c.centerId, c.applicantSub) : undefined;
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

/** `departments`: those of the case the caller acts for, so a general window's clerk is recorded for the case's department. */
const actorOf = (caller: Caller, roles: readonly string[], departments: readonly string[]): store.CaseEvent['actor'] => ({
  id: caller.userId,
  role: actingRole(caller, roles as Caller['roles']),
  ...actorDepartment(caller, departments),
});

const withTag = (c: CaseRecord, body: unknown, status = 200, headers: Record<string, string> = {}): HttpResult => ({
  status,
  body,
  headers: { etag: etag(String(c.version)), ...headers },
});

// ---------------------------------------------------------------------------
// Intake

type Ops = Operations<typeof caseRoutes>;

const agencyFaults: Record<AgencyFault, Text> = {
  no_authorization: msg('未获此申请人授权', 'this applicant has not authorized you'),
  revoked: msg('授权已撤销', 'the authorization is revoked'),
  expired: msg('授权已过期', 'the authorization has expired'),
  out_of_scope: msg('授权范围不含此事项', 'the authorization does not cover this item'),
};

/** An agent's filing or listing for a principal (`principalId`) whose authorization does not let them; the field fault says why. */
const agentNotAuthorized = (principalId: string, fault: AgencyFault, path: string) =>
  problem(caseProblems['agent-not-authorized'], msg(`申请人 ${principalId} 的授权不允许您这样办理。`, `Applicant ${principalId} has not authorized you for this.`), [{ path, code: fault, message: agencyFaults[fault] }]);

/**
 * Intake: online by the applicant, at the counter by a clerk naming the
 * applicant, or online by an agent (代办人) naming the applicant who
 * authorized them (`principalId`): the case is the principal's, the agent is
 * recorded on it and is the actor of its first event.
 */
const submitCase: Ops['submitCase'] = async (req) => {
  const caller = callerOf(req.event);
  const atWindow = req.body.applicantId !== undefined;
  const principalId = req.body.principalId;
  if (atWindow && principalId !== undefined) {
    throw validationFailed([{ path: '/body/principalId', code: 'unexpected', message: msg('窗口收件时不应填写（applicantId 已指明申请人）', 'must be absent when a clerk names the applicant (applicantId)') }]);
  }
  const channelAction = atWindow ? 'case.intake.window' : 'case.intake.online';
  // The department is checked once the item is known; here only the role.
  if (!rolesFor(channelAction).some((r) => caller.roles.includes(r))) {
    throw forbidden(atWindow
      ? msg('只有窗口人员可以代申请人收件。', 'Only window clerks take in applications for an applicant.')
      : msg('只有申请人可以网上申请；窗口人员请指明申请人（applicantId）。', 'Only applicants apply online; staff name the applicant (applicantId).'));
  }
  const now = new Date().toISOString();
  const ctx = await store.intakeContext({
    centerId: caller.centerId,
    itemCode: req.body.itemCode,
    applicant: atWindow ? { byId: req.body.applicantId! } : principalId ? { byId: principalId } : { bySub: caller.userId },
    ...(principalId ? { agent: { sub: caller.userId, principalId } } : {}),
    now,
    alsoRead: [...req.checks!.keys, ...(atWindow ? [clerkEntryKey(caller.centerId, caller.username)] : [])],
  });
  req.checks!.settle(ctx.found);

  const item = ctx.head?.published;
  if (!item || item.status !== 'published') {
    throw problem(caseProblems['item-not-available'], msg(`事项 ${req.body.itemCode} 未在本中心发布。`, `Item ${req.body.itemCode} is not published in this center.`),
      [{ path: '/body/itemCode', code: 'not_published', message: msg('未发布', 'is not published') }]);
  }
  if (atWindow) {
    const why = denial(caller, 'case.intake.window', { centerId: caller.centerId, departmentIds: [item.content.departmentId] });
    if (why) throw forbidden(why);
  }
  if (principalId) {
    if (!ctx.agent) throw problem(caseProblems['registration-required'], msg('代办前请先完成注册（POST /public/applicants）。', 'Complete your registration (POST /public/applicants) before filing as an agent.'));
    const fault = agencyFault(ctx.agency, item.code, ctx.center.today) ?? (ctx.applicant ? undefined : 'no_authorization');
    if (fault) throw agentNotAuthorized(principalId, fault, '/body/principalId');
  }
  const applicant = ctx.applicant;
  if (!applicant) {
    if (atWindow) {
      throw problem(caseProblems['applicant-not-found'], msg('本中心没有此申请人。', 'No registered applicant with this id in the center.'),
        [{ path: '/body/applicantId', code: 'not_found', message: msg('本中心没有此申请人', 'no registered applicant with this id in the center') }]);
    }
    throw problem(caseProblems['registration-required'], msg('申请前请先完成注册（POST /public/applicants）。', 'Complete your registration (POST /public/applicants) before applying.'));
  }
  const kind = applicant.kind;
  const serves = item.content.serviceObjects;
  if (kind === 'citizen' ? !serves.includes('natural_person') : serves.every((o) => o === 'natural_person')) {
    throw problem(caseProblems['applicant-not-served'], kind === 'citizen' ? msg('本事项不面向自然人。', 'This item does not serve natural persons.') : msg('本事项不面向法人或其他组织。', 'This item does not serve organizations.'),
      [{ path: atWindow ? '/body/applicantId' : '/body', code: 'not_served', message: kind === 'citizen' ? msg('本事项不面向自然人', 'this item does not serve natural persons') : msg('本事项不面向组织', 'this item does not serve organizations') }]);
  }
  const errors = (await loadIntakeCheck()).intakeErrors(item, req.body);
  if (errors.length) throw problem(caseProblems['application-invalid'], msg('申请内容不符合事项要求，见 errors。', 'The application does not fit the item; see errors.'), errors);
  // A renewal, change or cancellation names the applicant's certificate it acts on: documents checks it is theirs and still allows it.
  if (req.body.certificateNo) {
    await assertCertificateToActOn({ certificateNo: req.body.certificateNo, centerId: caller.centerId, applicantId: applicant.applicantId, variant: item.content.variant, today: ctx.center.today });
  }

  const { center } = ctx;
  const cal = center.calendar;
  const today = center.today;
  const sequence = await store.nextSequence(caller.centerId, today);
  const caseNo = formatCaseNo(caseNoPrefix({ centerId: caller.centerId, ...(center.profile?.code ? { code: center.profile.code } : {}) }), today, sequence);
  const agent = principalId && ctx.agent ? { applicantId: ctx.agent.applicantId, name: ctx.agent.name } : undefined;
  // The window of a clerk assigned one; one of several is known at the acceptance (its request has a read to spare).
  const windowId = atWindow ? onlyWindow(caller.userId, itemAt(ctx.found, clerkEntryKey(caller.centerId, caller.username))) : undefined;
  const attribution = attributionAfter({}, 'submit', atWindow ? caller.userId : undefined, windowId);
  const record: CaseRecord = {
    ...(await loadRules()).newCase(cal, {
      caseNo,
      centerId: caller.centerId,
      timeZone: center.timeZone,
      item,
      applicant,
      channel: atWindow ? 'window' : 'online',
      request: req.body,
      now,
      ...(atWindow ? { clerkId: caller.userId } : {}),
    }),
    ...(agent ? { agent } : {}),
    ...(req.body.certificateNo ? { certificateNo: req.body.certificateNo } : {}),
    ...(attribution ? { attribution } : {}),
  };
  // An agent's filing names the agent as actor; the principal is the case's applicant, in details by id only.
  const event = caseEvent(record, 'submit', 'CaseSubmitted', actorOf(caller, [atWindow ? 'clerk' : 'applicant'], [item.content.departmentId]), now, {
    details: {
      channel: record.channel, materials: record.materials.map((m) => ({ materialId: m.materialId, status: m.status })), ...(record.noticeDue ? { noticeDue: record.noticeDue } : {}),
      ...(agent ? { principalId: applicant.applicantId, agentApplicantId: agent.applicantId } : {}),
    },
  });
  const result = withTag(record, view(record, cal, today, caller, ctx.creditExcluded), 201, { location: `/cases/${caseNo}` });
  await store.createCase(record, event, req.idempotency?.record(result));
  return result;
};

/** The case a request names, read with the request's checks (one BatchGetItem): 404 when there is none, 404/403 when the caller may not read it. */
async function readableCase(req: Pick<HttpRequest<unknown, unknown, { caseNo: string }>, 'checks' | 'params'>, caller: Caller, now: string, alsoRead: readonly ItemKey[] = []) {
  const ctx = await store.caseContext(caller.centerId, req.params.caseNo, now, [...req.checks!.keys, ...alsoRead]);
  req.checks!.settle(ctx.found);
  if (!ctx.record) throw notFound(msg(`没有办件 ${req.params.caseNo}。`, `No case ${req.params.caseNo}.`));
  await assertMayRead(caller, ctx.record, now);
  return { ...ctx, record: ctx.record };
}

// ---------------------------------------------------------------------------
// Actions

function runAction(action: string) {
  return async (req: HttpRequest<Record<string, unknown>, Record<string, never>, { caseNo: string }>): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    // Taking a case in records the clerk's window: their staff entry comes with the case.
    const clerkKey = takesIn(action) ? clerkEntryKey(caller.centerId, caller.username) : undefined;
    const ctx = await readableCase(req, caller, now, clerkKey ? [clerkKey] : []);
    const current = ctx.record;
    if (ifMatch(req) !== String(current.version)) throw preconditionFailed(msg('办件在您读取后已被修改；请重新读取后再试。', 'The case changed since you read it; read it again and retry.'));
    const cal = calendarOn(ctx.center, current.timeZone);
    const today = localDate(cal, now);
    // The bad-credit flag (失信) bars only 容缺受理: no other action pays for reading it.
    const creditExcluded = action === 'acceptWithTolerance' ? await store.creditExcluded(current.centerId, current.applicantSub) : undefined;
    const decision = decide(action, current, { caller, today, creditExcluded });
    if (!decision.ok) throw decision.refusal;
    const t = decision.transition;
    const applied = (await loadRules()).applyTransition(current, t, req.body, { cal, now, today, caller, settings: ctx.settings });
    const windowId = clerkKey ? await clerkWindow(caller.centerId, caller.userId, itemAt(ctx.found, clerkKey), today) : undefined;
    const attribution = attributionAfter(current, action, caller.userId, windowId);
    const next: CaseRecord = { ...applied.next, ...(attribution ? { attribution } : {}) };
    const roles = t.by.map((a) => a.role);
    const event = caseEvent(next, action, t.event, actorOf(caller, roles, departmentsActedFor(t, current, caller)), now, {
      fromState: current.state,
      ...(t.clock ? { clockEffect: t.clock } : {}),
      details: applied.details,
    });
    // The receipt (受理通知书) of the acceptance, for the window to hand over: the code is derived, never kept.
    const receipt =
      t.clock === 'start' && next.acceptedAt
        ? {
            caseNo: next.caseNo,
            itemName: next.item.name,
            applicantName: next.applicant.name,
            receivedAt: next.receivedAt,
            acceptedAt: next.acceptedAt,
            acceptanceDate: localDate(cal, next.acceptedAt),
            ...(next.deadlines.promisedDue ? { promisedDue: next.deadlines.promisedDue } : {}),
            ...(next.deadlines.statutoryDue ? { statutoryDue: next.deadlines.statutoryDue } : {}),
            ...(next.deadlines.provisional ? { provisional: true as const } : {}),
            ...(next.tolerance ? { toleranceDue: next.tolerance.due } : {}),
          }
        : undefined;
    const result = withTag(next, { ...view(next, cal, today, caller, await creditFor(next, caller, today)), ...(receipt ? { receipt } : {}) });
    // The recorded answer keeps no code (a replay has the receipt without it): the table holds none.
    await store.transition(next, current, event, applied.changedSteps, req.idempotency?.record(result));
    return receipt ? { ...result, body: { ...(result.body as object), receipt: { ...receipt, queryCode: currentQueryCode(next)! } } } : result;
  };
}

const actionOperations = Object.fromEntries(httpActions.map((action) => [`case${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

// ---------------------------------------------------------------------------
// Reads

const getCase: Ops['getCase'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await readableCase(req, caller, now);
  const cal = calendarOn(ctx.center, ctx.record.timeZone);
  // Where the archive is, is the agency's business: staff see it, the applicant does not.
  const archived = ctx.archiveLocation && !readsAsApplicant(caller) ? { archiveLocation: ctx.archiveLocation } : {};
  // The owner's own view shows the current query code, on this read only (no answer that is recorded carries it).
  const code = holdsQueryCode(caller, ctx.record) ? currentQueryCode(ctx.record) : undefined;
  const today = localDate(cal, now);
  const body = { ...view(ctx.record, cal, today, caller, await creditFor(ctx.record, caller, today)), ...archived, ...(code ? { queryCode: code } : {}) };
  return withTag(ctx.record, body, 200, code ? { 'cache-control': 'private, no-store' } : {});
};

/**
 * A lost query code reissued (查询码补发) by the applicant who owns the case or
 * a clerk of its lead department: the next generation, answered to the caller
 * and nowhere else; the code before it stops opening the public lookup at
 * once. QueryCodeReissued names the generation, never the code. A repeat of
 * the Idempotency-Key derives the recorded generation's code again: the
 * recorded answer keeps none.
 */
const reissueCaseQueryCode: Ops['reissueCaseQueryCode'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const current = (await readableCase(req, caller, now)).record;
  assertMayReissueQueryCode(caller, current);
  const answer = (r: { status: number; body?: unknown; headers?: Readonly<Record<string, string>> }): HttpResult => {
    const recorded = r.body as { caseNo: string; generation: number; reissuedAt: string };
    return { status: r.status, body: { ...recorded, queryCode: queryCodeFor(current.centerId, recorded.caseNo, recorded.generation) }, headers: { ...r.headers, 'cache-control': 'no-store' } };
  };
  const previous = req.idempotency?.previous;
  if (previous) return answer(previous);
  if (ifMatch(req) !== String(current.version)) throw preconditionFailed(msg('办件在您读取后已被修改；请重新读取后再试。', 'The case changed since you read it; read it again and retry.'));
  const { next, details } = (await loadRules()).reissueQueryCode(current, now);
  const role = holdsQueryCode(caller, current) ? 'applicant' : 'clerk';
  const event = caseEvent(next, 'reissueQueryCode', 'QueryCodeReissued', actorOf(caller, [role], [current.item.departmentId]), now, { fromState: current.state, details });
  const recorded = { status: 200, body: { caseNo: next.caseNo, generation: next.queryCodeGeneration!, reissuedAt: now }, headers: { etag: etag(String(next.version)) } };
  await store.transition(next, current, event, [], req.idempotency?.record(recorded));
  return answer(recorded);
};

const getCaseTimeline: Ops['getCaseTimeline'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, events } = await store.caseWithTimeline(caller.centerId, req.params.caseNo);
  if (!record) throw notFound(msg(`没有办件 ${req.params.caseNo}。`, `No case ${req.params.caseNo}.`));
  await assertMayRead(caller, record);
  const asApplicant = readsAsApplicant(caller);
  // The applicant sees who acted by role, and no internal opinions.
  const internalActions = new Set(['review', 'giveJointOpinion', 'coordinate']);
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
  // The due-soon range counts the center's warning days, so the queue lists a case from its warning's day (decision 125).
  const thresholdsKey = thresholdSettingsKey(caller.centerId);
  const ctx = await store.listContext(caller.centerId, new Date().toISOString(), [...req.checks!.keys, ...(queue === 'due_soon' ? [thresholdsKey] : [])]);
  req.checks!.settle(ctx.found);
  const { departmentId } = listingScope(caller, 'case.queue.read', req.query.departmentId);
  if (!departmentId) throw validationFailed([{ path: '/query/departmentId', code: 'required', message: msg('请指明要查看哪个部门的队列', 'name the department whose queue to read') }]);
  const { calendar: cal, today } = ctx.center;
  const filters = { departmentId, queue };
  const soonUntil = queue === 'due_soon' ? dueSoonUntil(cal, today, effectiveThresholds(itemAt(ctx.found, thresholdsKey)).case.warningWorkingDays) : today;
  const page = await store.queuePage(caller.centerId, departmentId, queue, { today, soonUntil }, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page({ items: page.items.map((c) => summary(c, cal, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

/**
 * The applicant's own cases; with `principalId`, an agent's list of the cases
 * of an applicant who authorized them: while the authorization holds, those
 * of its items (a page may hold fewer than `limit` when it covers some items only).
 */
const listMyCases: Ops['listMyCases'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const principalId = req.query.principalId;
  const ctx = principalId
    ? await store.principalListContext(caller.centerId, caller.userId, principalId, now, req.checks!.keys)
    : { ...(await store.listContext(caller.centerId, now, req.checks!.keys)), agency: undefined };
  req.checks!.settle(ctx.found);
  if (!caller.roles.includes('applicant')) throw forbidden(msg('只有申请人有自己的办件；工作人员请使用工作队列。', 'Only applicants have cases of their own; staff use the work queues.'));
  const { calendar: cal, today } = ctx.center;
  const agency = ctx.agency;
  const fault = principalId ? agencyFault(agency, undefined, today) : undefined;
  if (principalId && fault) throw agentNotAuthorized(principalId, fault, '/query/principalId');
  const filters = { sub: caller.userId, ...(principalId ? { principalId } : {}) };
  const page = await store.applicantCases(caller.centerId, agency?.principalSub ?? caller.userId, req.pages.limit, req.pages.start(filters));
  const shown = agency ? page.items.filter((c) => grantCovers(agency, c.item.code, today)) : page.items;
  return { status: 200, body: req.pages.page({ items: shown.map((c) => summary(c, cal, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

/**
 * The public lookup answers the same 404 for an unknown number as for a wrong
 * code, and counts both against the number and the client asking: after 10
 * failures in an hour that client is locked out of the number for the rest of
 * the hour (429), so a code cannot be guessed by trying, and a stranger's wrong
 * guesses never lock out the holder (API Gateway's route throttling bounds the
 * rate across numbers; the code has ≈ 59 bits).
 */
const getPublicProgress: Ops['getPublicProgress'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const caseNo = req.params.caseNo;
  const client = req.event.requestContext?.http?.sourceIp ?? 'unknown';
  const now = new Date();
  const hour = now.toISOString().slice(0, 13).replace(/[-T]/g, '');
  const { record, failures } = await store.lookupContext(centerId, caseNo, hour, client);
  if (failures >= LOOKUP_FAILURES_PER_HOUR) {
    const seconds = 3600 - (Math.floor(now.getTime() / 1000) % 3600);
    throw problem(caseProblems['lookup-locked'], msg('此办件编号的查询失败次数过多；请一小时后再试。', 'Too many failed lookups of this case number; try again in an hour.'), undefined, { 'retry-after': String(seconds) });
  }
  if (!record || !queryCodeMatches(record, req.query.code)) {
    await store.countLookupFailure(centerId, caseNo, hour, client, now.getTime());
    throw notFound(msg('没有与此编号和查询码相符的办件。', 'No case matches this number and query code.'));
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
  reissueCaseQueryCode,
  ...actionOperations,
} as Ops);
