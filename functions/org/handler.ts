/**
 * The org Lambda: the center's departments, windows, staff and working-day calendar.
 * Who may change what is in shared/authorization.ts; keys in store.ts.
 */
import type { CalendarYear, Center, Department, ServiceWindow, Staff } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import type { OrgEventType } from '#schemas/events/org';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action, type Target } from '#shared/authorization';
import { DEFAULT_TIME_ZONE } from '#shared/center';
import { requiredEnv } from '#shared/db';
import { forbidden, notFound, preconditionFailed, preconditionRequired, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import type { IdempotencyScope } from '#shared/idempotency';
import { changeAccountStatus, findAccount, setAccountEnabled } from '#shared/identity';
import { removalStanding, removalStandingKeys, removalSuggestions } from '../complaints/public.ts';
import { waiverSettingsErrors } from '../fees/public.ts';
import { staffDepartments } from './public.ts';
import { absenceView, cancelAbsence, markAbsence, withoutReason } from './absences.ts';
import { decideRemoval } from './removal.ts';
import { orgRoutes } from './routes.ts';
import { checkCalendar, checkTimeZone } from './rules.ts';
import * as staff from './staff.ts';
import * as store from './store.ts';

type Ops = Operations<typeof orgRoutes>;

function authorize(caller: Caller, action: Action, target: Omit<Target, 'centerId'> = {}) {
  const why = denial(caller, action, { centerId: caller.centerId, ...target });
  if (why) throw forbidden(why);
}

const tagged = <T extends object>(entry: store.Stored<T>, status: number): HttpResult => {
  const { rev, ...body } = entry;
  return { status, body, headers: { etag: etag(String(rev)) } };
};

/**
 * Create-or-replace with optimistic concurrency: a new entry needs no If-Match;
 * replacing one needs the ETag the caller read (428 without it, 412 when stale).
 * Checked before anything is written anywhere.
 */
function checkIfMatch(req: Pick<HttpRequest, 'headers'>, current: { rev: number } | undefined, what: { zh: string; en: string }) {
  const given = ifMatch(req);
  if (current && given === undefined) throw preconditionRequired();
  if (given !== undefined && (!current || given !== String(current.rev))) {
    throw preconditionFailed(msg(`${what.zh}不是您在 If-Match 中指明的版本；请重新读取后再试。`, `The ${what.en} is not at the version you name in If-Match.`));
  }
}

interface Change<T> {
  readonly kind: store.EntryKind;
  readonly id: string;
  readonly eventType: OrgEventType;
  readonly action: Action;
  readonly current: store.Stored<T> | undefined;
  readonly next: Omit<T, 'updatedAt' | 'updatedBy'>;
  /** What the event may carry of an entry (personal data stays out of events). */
  readonly eventView?: (entry: Omit<T, 'updatedAt' | 'updatedBy'>) => Record<string, unknown>;
  readonly alsoPut?: readonly Record<string, unknown>[];
}

/**
 * Writes the entry, its event (old and new values) and the record of the
 * request's Idempotency-Key in one transaction; answers the entry with its ETag.
 */
async function writeChange<T extends object>(caller: Caller, change: Change<T>, idempotency: IdempotencyScope | undefined): Promise<HttpResult> {
  const { current } = change;
  const view = change.eventView ?? ((e) => e as Record<string, unknown>);
  const now = new Date().toISOString();
  const entry = { ...change.next, updatedAt: now, updatedBy: caller.userId, rev: (current?.rev ?? 0) + 1 } as unknown as store.Stored<T>;
  const { rev: _r, updatedAt: _a, updatedBy: _b, ...before } = (current ?? {}) as store.Stored<T> & { updatedAt?: string; updatedBy?: string };
  const result = tagged(entry, current ? 200 : 201);
  await store.putEntry(
    caller.centerId,
    change.kind,
    change.id,
    entry,
    current?.rev,
    {
      source: 'onestop.org',
      detailType: change.eventType,
      centerId: caller.centerId,
      occurredAt: now,
      actor: { id: caller.userId, role: actingRole(caller, rolesFor(change.action)), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) },
      // The center's profile has no id of its own: the center is the subject.
      subject: { type: change.kind, id: change.kind === 'center' ? caller.centerId : change.id },
      data: { ...(current ? { before: view(before as Omit<T, 'updatedAt' | 'updatedBy'>) } : {}), after: view(change.next) },
    },
    change.alsoPut ?? [],
    idempotency?.record(result),
  );
  return result;
}

async function putVersioned<T extends object>(req: Pick<HttpRequest, 'headers' | 'idempotency'>, caller: Caller, change: Change<T>, what: { zh: string; en: string }): Promise<HttpResult> {
  checkIfMatch(req, change.current, what);
  return writeChange(caller, change, req.idempotency);
}

/** Every department or window of the caller's center, as any staff member sees them. */
async function directory(event: HttpRequest['event'], kind: 'department' | 'window'): Promise<HttpResult> {
  const caller = callerOf(event);
  authorize(caller, 'org.directory.read');
  const items = await store.listEntries<Department | ServiceWindow>(caller.centerId, kind);
  return { status: 200, body: { items: items.map(({ rev: _r, ...entry }) => entry) } };
}

const withoutContact = ({ email: _e, ...rest }: Omit<Staff, 'updatedAt' | 'updatedBy'>) => rest;

const noProfile = () => notFound(msg('本中心尚未建立中心信息：中心由平台运维人员开设。', 'This center has no profile yet: the platform\'s operators set centers up.'));
const staffMember = (username: string) => ({ zh: `人员 ${username}`, en: `staff member ${username}` });

/**
 * A staff change touches every department of the person, before and after
 * (a department's admin changes only its own people); a person of several
 * departments is the center admin's alone to make, change or disable.
 */
function authorizeStaffChange(caller: Caller, ...versions: readonly (Pick<Staff, 'departmentId' | 'departmentIds'> | undefined)[]) {
  const each = versions.map((v) => (v ? staffDepartments(v) : []));
  authorize(caller, 'org.staff.write', { departmentIds: each.flat() });
  if (each.some((departments) => departments.length > 1)) authorize(caller, 'org.staff.multiDepartment.write');
}

const getCenter: Ops['getCenter'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.directory.read');
  const center = await store.getEntry<Center>(caller.centerId, 'center', '');
  if (!center) throw noProfile();
  return tagged({ ...center, centerId: caller.centerId }, 200);
};

const putCenter: Ops['putCenter'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.center.write');
  checkTimeZone(req.body.timeZone);
  const waiverFaults = waiverSettingsErrors(req.body.feeWaivers ?? []);
  if (waiverFaults.length) throw validationFailed(waiverFaults);
  const current = await store.getEntry<Center>(caller.centerId, 'center', '');
  if (!current) throw noProfile();
  return putVersioned(req, caller, {
    kind: 'center', id: '', eventType: 'CenterChanged', action: 'org.center.write', current,
    next: { centerId: caller.centerId, ...req.body },
  }, { zh: '中心信息', en: 'center profile' });
};

const listStaff: Ops['listStaff'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.directory.read');
  const items = await store.listEntries<Staff>(caller.centerId, 'staff', req.query.id ? { field: 'sub', value: req.query.id } : undefined);
  return { status: 200, body: { items: items.map(staff.directoryEntry) } };
};

const putStaff: Ops['putStaff'] = async (req) => {
  const caller = callerOf(req.event);
  const username = req.params.username;
  const current = await store.getEntry<Staff>(caller.centerId, 'staff', username);
  authorizeStaffChange(caller, current, req.body);
  staff.checkGrant(caller, current, req.body);
  staff.checkStaff(username, req.body);
  const body = staff.withDepartments(req.body);
  checkIfMatch(req, current, staffMember(username));
  // Pool usernames are global: a new staff record may adopt an existing account only under the rules of staff.ts.
  if (!current) staff.checkAdoption(caller, username, await findAccount(username));
  const sub = await staff.syncAccount(caller.centerId, username, body);
  const status = current?.status ?? 'active';
  return writeChange<Staff>(caller, {
    kind: 'staff', id: username, eventType: 'StaffChanged', action: 'org.staff.write', current,
    next: { username, ...body, status, sub }, eventView: withoutContact, alsoPut: [staff.accountStatusItem(sub, status)],
  }, req.idempotency);
};

/** An action on a staff account: answers the staff member as PUT /admin/staff/{username} does, with the new ETag. */
const setStaffStatus: Ops['setStaffStatus'] = async (req) => {
  const caller = callerOf(req.event);
  const username = req.params.username;
  const current = await store.getEntry<Staff>(caller.centerId, 'staff', username);
  if (!current) throw notFound(msg(`本中心没有人员 ${username}。`, `No staff member ${username} in this center.`));
  authorizeStaffChange(caller, current);
  staff.checkGrant(caller, current, current);
  checkIfMatch(req, current, staffMember(username));
  const status = req.params.action === 'disable' ? 'disabled' : 'active';
  if (current.status === status) {
    // Nothing to record in the table; the pool is brought in line in case an earlier change stopped between the two.
    await setAccountEnabled(username, status === 'active');
    const result = tagged(current, 200);
    await store.recordUnchanged(req.idempotency?.record(result));
    return result;
  }
  const { updatedAt: _a, updatedBy: _b, rev: _r, ...rest } = current;
  let result: HttpResult | undefined;
  await changeAccountStatus(username, status, async () => {
    result = await writeChange<Staff>(caller, {
      kind: 'staff', id: username, eventType: 'StaffChanged', action: 'org.staff.write', current,
      next: { ...rest, status }, eventView: withoutContact, alsoPut: [staff.accountStatusItem(current.sub, status)],
    }, req.idempotency);
  });
  return result!;
};

const decideStaffRemoval: Ops['decideStaffRemoval'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.staff.removal.decide');
  const { username } = req.params;
  const year = Number(req.params.year);
  const read = await store.removalContext(caller.centerId, username, year, [...removalStandingKeys(caller.centerId, username, year), ...req.checks!.keys]);
  req.checks!.settle(read.found);
  const standing = removalStanding(read.found, caller.centerId, username, year);
  const outcome = decideRemoval(caller, { username, year, body: req.body, now: new Date().toISOString() }, { staff: read.staff, standing, decided: read.decided });
  const result: HttpResult = { status: 201, body: outcome.decision };
  await store.writeRemovalDecision(caller.centerId, outcome.decision, outcome.staff && { entry: outcome.staff, readRev: read.staff!.rev }, outcome.event, req.idempotency?.record(result));
  return result;
};

const listRemovalSuggestions: Ops['listRemovalSuggestions'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.staff.removal.decide');
  const year = Number(req.params.year);
  const suggested = await removalSuggestions(caller.centerId, year);
  const decisions = await store.removalDecisions(caller.centerId, year, suggested.map((s) => s.username), req.checks!.keys);
  req.checks!.settle(decisions.found);
  const items = suggested.map((s) => ({ ...s, ...(decisions.of.has(s.username) ? { decision: decisions.of.get(s.username)! } : {}) }));
  return { status: 200, body: { items } };
};

const markStaffAbsence: Ops['markStaffAbsence'] = async (req) => {
  const caller = callerOf(req.event);
  const { username, date } = req.params;
  const read = await store.absenceContext(caller.centerId, username, date, req.checks!.keys);
  req.checks!.settle(read.found);
  const now = new Date().toISOString();
  const outcome = markAbsence(caller, { username, date, body: req.body, now, timeZone: read.timeZone ?? DEFAULT_TIME_ZONE }, read);
  if ('unchanged' in outcome) {
    const result: HttpResult = { status: 200, body: absenceView(outcome.unchanged) };
    await store.recordUnchanged(req.idempotency?.record(result));
    return result;
  }
  const result: HttpResult = { status: 201, body: absenceView(outcome.absence) };
  await store.writeAbsence(caller.centerId, outcome.absence, outcome.event, req.idempotency?.record(result));
  return result;
};

const cancelStaffAbsence: Ops['cancelStaffAbsence'] = async (req) => {
  const caller = callerOf(req.event);
  const { username, date } = req.params;
  const read = await store.absenceContext(caller.centerId, username, date, req.checks!.keys);
  req.checks!.settle(read.found);
  const { absence, event } = cancelAbsence(caller, { username, date, now: new Date().toISOString() }, read);
  const result: HttpResult = { status: 200, body: absenceView(absence) };
  await store.deleteAbsence(caller.centerId, absence, event, req.idempotency?.record(result));
  return result;
};

const listAbsences: Ops['listAbsences'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.directory.read');
  const items = await store.absencesBetween(caller.centerId, req.params.date, req.params.date);
  return { status: 200, body: { items: items.map(withoutReason) } };
};

const putDepartment: Ops['putDepartment'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.department.write');
  const departmentId = req.params.departmentId;
  const current = await store.getEntry<Department>(caller.centerId, 'department', departmentId);
  return putVersioned(req, caller, {
    kind: 'department', id: departmentId, eventType: 'DepartmentChanged', action: 'org.department.write', current,
    next: { departmentId, ...req.body },
  }, { zh: `部门 ${departmentId}`, en: `department ${departmentId}` });
};

const putWindow: Ops['putWindow'] = async (req) => {
  const caller = callerOf(req.event);
  const windowId = req.params.windowId;
  const current = await store.getEntry<ServiceWindow>(caller.centerId, 'window', windowId);
  // A department's admin may change only windows that serve their department alone, before and after.
  authorize(caller, 'org.window.write', { departmentIds: [...(current?.departmentIds ?? []), ...req.body.departmentIds] });
  return putVersioned(req, caller, {
    kind: 'window', id: windowId, eventType: 'WindowChanged', action: 'org.window.write', current,
    next: { windowId, ...req.body },
  }, { zh: `窗口 ${windowId}`, en: `window ${windowId}` });
};

async function calendarOf(centerId: string, yearText: string): Promise<store.Stored<CalendarYear>> {
  const year = await store.getEntry<CalendarYear>(centerId, 'calendar', yearText);
  if (!year) {
    throw notFound(msg(`没有 ${yearText} 年的工作日历：须由中心管理员录入当年安排。`, `No calendar for ${yearText}: a center administrator must enter that year's schedule.`));
  }
  return year;
}

const getCalendar: Ops['getCalendar'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.calendar.read');
  return tagged(await calendarOf(caller.centerId, req.params.year), 200);
};

const getPublicCalendar: Ops['getPublicCalendar'] = async (req) => {
  const answer = tagged(await calendarOf(req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID'), req.params.year), 200);
  return { ...answer, headers: { ...answer.headers, 'cache-control': 'public, max-age=3600' } };
};

const putCalendar: Ops['putCalendar'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'org.calendar.write');
  const year = Number(req.params.year);
  checkCalendar(year, req.body);
  const current = await store.getEntry<CalendarYear>(caller.centerId, 'calendar', req.params.year);
  return putVersioned(req, caller, {
    kind: 'calendar', id: req.params.year, eventType: 'CalendarChanged', action: 'org.calendar.write', current,
    next: { year, ...req.body },
  }, { zh: `${year} 年工作日历`, en: `calendar of ${year}` });
};

export const handler = httpHandler(orgRoutes, {
  getCenter,
  putCenter,
  listDepartments: (req) => directory(req.event, 'department'),
  putDepartment,
  listWindows: (req) => directory(req.event, 'window'),
  putWindow,
  getCalendar,
  getPublicCalendar,
  putCalendar,
  listStaff,
  putStaff,
  setStaffStatus,
  decideStaffRemoval,
  listRemovalSuggestions,
  markStaffAbsence,
  cancelStaffAbsence,
  listAbsences,
});
