/**
 * The org Lambda: the center's departments, windows and working-day calendar.
 * Who may change what is in shared/authorization.ts; keys in store.ts.
 */
import type { CalendarYear, Department, ServiceWindow } from '#schemas/api/org';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action, type Target } from '#shared/authorization';
import { InvalidCalendarError, workCalendar } from '#shared/calendar';
import { forbidden, notFound, preconditionFailed, preconditionRequired, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult } from '#shared/http';
import type { OrgEventType } from '#schemas/events/org';
import { orgRoutes } from './routes.ts';
import * as store from './store.ts';

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
 */
async function putVersioned<T extends object>(
  req: Pick<HttpRequest, 'headers'>,
  caller: Caller,
  spec: { kind: store.EntryKind; id: string; eventType: OrgEventType; action: Action; current: store.Stored<T> | undefined; next: Omit<T, 'updatedAt' | 'updatedBy'> },
): Promise<HttpResult> {
  const given = ifMatch(req);
  const { current } = spec;
  if (current && given === undefined) throw preconditionRequired();
  if (given !== undefined && (!current || given !== String(current.rev))) {
    throw preconditionFailed(`The ${spec.kind} ${spec.id} is not at the version you name in If-Match.`);
  }
  const now = new Date().toISOString();
  const entry = { ...spec.next, updatedAt: now, updatedBy: caller.userId, rev: (current?.rev ?? 0) + 1 } as unknown as store.Stored<T>;
  const { rev: _r, ...before } = current ?? ({} as store.Stored<T>);
  await store.putEntry(caller.centerId, spec.kind, spec.id, entry, current?.rev, {
    source: 'onestop.org',
    detailType: spec.eventType,
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor(spec.action)), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) },
    subject: { type: spec.kind, id: spec.id },
    data: { ...(current ? { before } : {}), after: spec.next as Record<string, unknown> },
  });
  return tagged(entry, current ? 200 : 201);
}

/** Every department or window of the caller's center, as any staff member sees them. */
async function directory(event: HttpRequest['event'], kind: 'department' | 'window'): Promise<HttpResult> {
  const caller = callerOf(event);
  authorize(caller, 'org.directory.read');
  const items = await store.listEntries<Department | ServiceWindow>(caller.centerId, kind);
  return { status: 200, body: { items: items.map(({ rev: _r, ...entry }) => entry) } };
}

export const handler = httpHandler(orgRoutes, {
  listDepartments: (req) => directory(req.event, 'department'),

  async putDepartment(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'org.department.write');
    const departmentId = req.params.departmentId;
    const current = await store.getEntry<Department>(caller.centerId, 'department', departmentId);
    return putVersioned(req, caller, {
      kind: 'department', id: departmentId, eventType: 'DepartmentChanged', action: 'org.department.write', current,
      next: { departmentId, ...req.body },
    });
  },

  listWindows: (req) => directory(req.event, 'window'),

  async putWindow(req) {
    const caller = callerOf(req.event);
    const windowId = req.params.windowId;
    const current = await store.getEntry<ServiceWindow>(caller.centerId, 'window', windowId);
    // A department's admin may change only windows that serve their department alone, before and after.
    authorize(caller, 'org.window.write', { departmentIds: [...(current?.departmentIds ?? []), ...req.body.departmentIds] });
    return putVersioned(req, caller, {
      kind: 'window', id: windowId, eventType: 'WindowChanged', action: 'org.window.write', current,
      next: { windowId, ...req.body },
    });
  },

  async getCalendar(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'org.calendar.read');
    const year = await store.getEntry<CalendarYear>(caller.centerId, 'calendar', req.params.year);
    if (!year) throw notFound(`No calendar for ${req.params.year}: a center administrator must enter that year's schedule.`);
    return tagged(year, 200);
  },

  async putCalendar(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'org.calendar.write');
    const year = Number(req.params.year);
    try {
      workCalendar([{ year, holidays: req.body.holidays, workdays: req.body.workdays }]);
    } catch (err) {
      if (!(err instanceof InvalidCalendarError)) throw err;
      throw validationFailed(err.problems.map((message) => ({ path: '/body', code: 'invalid_calendar', message })));
    }
    const current = await store.getEntry<CalendarYear>(caller.centerId, 'calendar', req.params.year);
    return putVersioned(req, caller, {
      kind: 'calendar', id: req.params.year, eventType: 'CalendarChanged', action: 'org.calendar.write', current,
      next: { year, ...req.body },
    });
  },
});
