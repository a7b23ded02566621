/**
 * The complaints Lambda (投诉): intake from every channel, the lifecycle's
 * actions, reads and lists, and the center's settings. The complaint table
 * decides who may do what, rules.ts what intake and each action change,
 * views.ts what each caller sees, store.ts the reads and transactions;
 * operations only put them together.
 */
import { complaintCategories, type ComplaintFigures, type ComplaintSettings, type ComplaintSettingsBody } from '#schemas/api/complaints';
import { msg } from '#schemas/api/problems';
import { actingRole, actorDepartment, callerOf, type Caller, type StaffRole } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { calendarOn } from '#shared/center';
import { fault, forbidden, notFound, preconditionRequired, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { newId } from '#shared/ids';
import { complaintEvent, staffRemovalEvent, type ComplaintEvent, type SettingsEvent } from './events.ts';
import { decide, httpActions, isComplainant, type ComplaintRecord, type Transition } from './lifecycle.ts';
import { complaintRoutes } from './routes.ts';
import { figureChange, figureRow } from './figures.ts';
import * as figuresStore from './figures-store.ts';
import { applyAction, assertIntake, newComplaint, unknownSubject, type IntakeVia } from './rules.ts';
import { defaultSettings, settingsOf } from './settings.ts';
import * as store from './store.ts';
import { summary, view } from './views.ts';

type Ops = Operations<typeof complaintRoutes>;

const noSuchComplaint = (id: string) => notFound(msg(`没有投诉 ${id}。`, `No complaint ${id}.`));

/**
 * Who may see a complaint: the complainant their own; supervisors; the staff
 * of the department it is assigned to. An applicant learns nothing of
 * others' (404); other staff get 403.
 */
function assertMayRead(caller: Caller, c: ComplaintRecord) {
  if (isComplainant(c, caller)) return;
  if (denial(caller, 'complaint.read', { centerId: c.centerId, departmentIds: c.departmentId ? [c.departmentId] : [] }) === undefined) return;
  if (caller.roles.every((r) => r === 'applicant')) throw noSuchComplaint(c.complaintId);
  throw forbidden(msg('此投诉不由您的部门答复。', 'This complaint is not assigned to your department.'));
}

/** The roles a signed-in caller takes a transition in, as recorded on its event (the complainant acts as `applicant`). */
const rolesOf = (t: Transition): StaffRole[] => t.by.flatMap((a) => (a.role === 'system' ? [] : [a.role === 'complainant' ? 'applicant' : a.role]));

function actorOf(caller: Caller, roles: readonly StaffRole[], c: Pick<ComplaintRecord, 'departmentId'>): ComplaintEvent['actor'] {
  return { id: caller.userId, role: actingRole(caller, roles), ...actorDepartment(caller, c.departmentId ? [c.departmentId] : []) };
}

const withTag = (c: ComplaintRecord, body: unknown, status = 200): HttpResult => ({ status, body, headers: { etag: etag(String(c.version)) } });

// ---------------------------------------------------------------------------
// Intake

const intakePermission = { online: 'complaint.intake.online', staff: 'complaint.intake.staff', hotline: 'complaint.intake.hotline' } as const;
const intakeRoles: Record<IntakeVia, StaffRole[]> = { online: ['applicant'], staff: ['supervisor', 'clerk'], hotline: ['hotline'] };

const fileComplaint: Ops['fileComplaint'] = async (req) => {
  const caller = callerOf(req.event);
  const via: IntakeVia = caller.roles.includes('applicant') ? 'online' : caller.roles.includes('hotline') ? 'hotline' : 'staff';
  const online = via === 'online';
  const why = denial(caller, intakePermission[via], { centerId: caller.centerId });
  if (why) throw forbidden(why);
  // Staff and hotline input is checked before anything is read; an applicant's after their profile is found (their name comes from it).
  if (!online) assertIntake(req.body, via);
  const body = via === 'hotline' ? { ...req.body, channel: 'hotline_12345' as const } : req.body;
  const now = new Date().toISOString();
  const ctx = await store.intakeContext(caller.centerId, online ? caller.userId : undefined, req.body.subject, now, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (online && !ctx.applicant) throw notFound(msg('没有您的申请人资料：请先注册。', 'You have no applicant profile: register first.'));
  if (online) assertIntake(req.body, 'online');
  if (!ctx.subjectExists) throw unknownSubject(req.body.subject);
  const { center } = ctx;
  const record = newComplaint({
    complaintId: newId(), centerId: caller.centerId, timeZone: center.timeZone, caller, body,
    ...(online ? { online: { name: ctx.applicant!.name } } : {}),
    ...(ctx.respondentDepartmentId ? { respondentDepartmentId: ctx.respondentDepartmentId } : {}),
    cal: center.calendar, now, today: center.today, settings: settingsOf(ctx.settingsItem),
  });
  const event = complaintEvent(record, 'file', 'ComplaintFiled', { id: caller.userId, role: actingRole(caller, intakeRoles[via]), ...actorDepartment(caller) }, now, { details: {} });
  const result = withTag(record, view(record, caller, center.today), 201);
  await store.create(record, event, figureChange(undefined, record, center.today), req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Actions

/** What the body names that the action's rules must check: a department to assign to, a staff member at fault. */
function namedBy(action: string, body: Record<string, unknown>): store.Named {
  if (action === 'accept' && typeof body.departmentId === 'string') return { departmentId: body.departmentId };
  if (action === 'reply' && typeof body.staffAtFault === 'string') return { staffAtFault: body.staffAtFault };
  return {};
}

function runAction(action: string) {
  return async (req: HttpRequest<Record<string, unknown>, Record<string, never>, { complaintId: string }>): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const ctx = await store.complaintContext(caller.centerId, req.params.complaintId, now, req.checks!.keys, namedBy(action, req.body));
    req.checks!.settle(ctx.found);
    const current = ctx.record;
    if (!current) throw noSuchComplaint(req.params.complaintId);
    assertMayRead(caller, current);
    if (ifMatch(req) !== String(current.version)) throw store.complaintChanged();
    const cal = calendarOn(ctx.center, current.timeZone);
    // The center's today: the year a staff count was read for is the same one.
    const today = ctx.center.today;
    const decision = decide(action, current, { caller, today });
    if (!decision.ok) throw decision.refusal;
    const t = decision.transition;
    const applied = applyAction(current, t, req.body, { cal, now, today, caller, settings: settingsOf(ctx.settingsItem), facts: ctx.facts });
    const actor = actorOf(caller, rolesOf(t), applied.next);
    const event = complaintEvent(applied.next, action, t.event, actor, now, { fromState: current.state, details: applied.details });
    const staff = applied.staffCount
      ? { count: applied.staffCount, ...(applied.staffCount.reachesThreshold ? { removal: staffRemovalEvent(applied.next, applied.staffCount, actor, now) } : {}) }
      : undefined;
    const result = withTag(applied.next, view(applied.next, caller, today));
    await store.transition(applied.next, current.version, event, figureChange(current, applied.next, today), staff, req.idempotency?.record(result));
    return result;
  };
}

const actionOperations = Object.fromEntries(httpActions.map((action) => [`complaint${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

// ---------------------------------------------------------------------------
// Reads

const getComplaint: Ops['getComplaint'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await store.complaintContext(caller.centerId, req.params.complaintId, new Date().toISOString(), req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.record) throw noSuchComplaint(req.params.complaintId);
  assertMayRead(caller, ctx.record);
  return withTag(ctx.record, view(ctx.record, caller, ctx.center.today));
};

/**
 * An applicant's own list; supervisors' lists by state (the filed ones by
 * default); a department's queue (its staff's own department by default, or
 * the one named). Filters an applicant may not use are refused as any other
 * staff listing is (403); a state and a department together are one filter
 * too many (the department's queue holds one state).
 */
const listComplaints: Ops['listComplaints'] = async (req) => {
  const caller = callerOf(req.event);
  const { state, departmentId: requested } = req.query;
  if (state !== undefined && requested !== undefined) {
    throw validationFailed([fault('/query/departmentId', 'unexpected', msg('按状态查询时不能同时指定部门', 'does not go with state: a department\'s queue holds its assigned complaints'))]);
  }
  const ctx = await store.listContext(caller.centerId, new Date().toISOString(), req.checks!.keys);
  req.checks!.settle(ctx.found);
  const { today } = ctx.center;
  const { limit } = req.pages;
  const supervises = denial(caller, 'complaint.list.center', { centerId: caller.centerId });
  let filters: Record<string, string>;
  let page: store.Page;
  if (caller.roles.includes('applicant') && state === undefined && requested === undefined) {
    filters = { sub: caller.userId };
    page = await store.applicantPage(caller.centerId, caller.userId, limit, req.pages.start(filters));
  } else if (state !== undefined || (requested === undefined && supervises === undefined)) {
    if (supervises) throw forbidden(supervises);
    filters = { state: state ?? 'filed' };
    page = await store.statePage(caller.centerId, state ?? 'filed', limit, req.pages.start(filters));
  } else {
    const { departmentId } = listingScope(caller, 'complaint.queue.read', requested);
    filters = { departmentId: departmentId! };
    page = await store.departmentPage(caller.centerId, departmentId!, limit, req.pages.start(filters));
  }
  return { status: 200, body: req.pages.page({ items: page.items.map((c) => summary(c, today)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

// ---------------------------------------------------------------------------
// Figures

const getComplaintFigures: Ops['getComplaintFigures'] = async (req) => {
  const caller = callerOf(req.event);
  const whole = denial(caller, 'complaint.figures.read', { centerId: caller.centerId }) === undefined;
  // A department's staff: their own department's row beside the center's and the categories'.
  const own = whole ? undefined : listingScope(caller, 'complaint.figures.read', undefined).departmentId;
  const rows = await figuresStore.monthFigures(caller.centerId, req.query.month);
  const body: ComplaintFigures = {
    centerId: caller.centerId, month: req.query.month,
    center: figureRow(rows.get('ALL') ?? {}),
    byCategory: complaintCategories.flatMap((category) => { const r = rows.get(`CAT#${category}`); return r ? [{ category, ...figureRow(r) }] : []; }),
    byDepartment: [...rows].filter(([sk]) => sk.startsWith('DEPT#') && (own === undefined || sk === `DEPT#${own}`)).map(([sk, r]) => ({ departmentId: sk.slice('DEPT#'.length), ...figureRow(r) })),
  };
  return { status: 200, body };
};

// ---------------------------------------------------------------------------
// Settings

const settingsResult = (s: ComplaintSettings, rev: number | undefined, status = 200): HttpResult => ({ status, body: s, headers: rev === undefined ? {} : { etag: etag(String(rev)) } });
const bodyOf = (s: ComplaintSettingsBody): ComplaintSettingsBody => Object.fromEntries(Object.keys(defaultSettings).map((k) => [k, s[k as keyof ComplaintSettingsBody]])) as ComplaintSettingsBody;

const getComplaintSettings: Ops['getComplaintSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'complaint.settings.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const { item, found } = await store.settingsContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  const meta = item ? { source: 'center' as const, updatedAt: item.updatedAt as string, updatedBy: item.updatedBy as string } : { source: 'default' as const };
  return settingsResult({ ...settingsOf(item), ...meta }, item?.rev as number | undefined);
};

const putComplaintSettings: Ops['putComplaintSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'complaint.settings.write', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const { item, found } = await store.settingsContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  const rev = item?.rev as number | undefined;
  const sent = ifMatch(req);
  if (rev !== undefined && sent === undefined) throw preconditionRequired();
  if (sent !== undefined && sent !== String(rev)) throw store.settingsChanged();
  const now = new Date().toISOString();
  const event: SettingsEvent = {
    source: 'onestop.complaints',
    detailType: 'ComplaintSettingsChanged',
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('complaint.settings.write')) },
    subject: { type: 'complaint_settings', id: caller.centerId },
    // What was in force before: the center's own, or the defaults.
    data: { before: bodyOf(settingsOf(item)), after: req.body },
  };
  const nextRev = (rev ?? 0) + 1;
  const result = settingsResult({ ...req.body, source: 'center', updatedAt: now, updatedBy: caller.userId }, nextRev, rev === undefined ? 201 : 200);
  await store.putSettings(caller.centerId, req.body, { by: caller.userId, at: now, rev: nextRev }, rev, event, req.idempotency?.record(result));
  return result;
};

export const handler = httpHandler(complaintRoutes, { fileComplaint, listComplaints, getComplaint, getComplaintFigures, getComplaintSettings, putComplaintSettings, ...actionOperations } as Ops);
