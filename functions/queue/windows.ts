/**
 * Working a window (叫号): call the next ticket, recall, skip, transfer, start
 * and end a service. Each request reads the clerk's staff entry, the window
 * and the ticket with the request's checks in one batch (the clerk must be
 * assigned to the window), the center's waiting list (the counts every event
 * carries), and writes the ticket at the version read in one transaction.
 */
import type { EndBody, TransferBody, Visit, WindowTicket } from '#schemas/api/queue';
import { msg } from '#schemas/api/problems';
import type { Actor } from '#schemas/events/envelope';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor } from '#shared/authorization';
import { concurrentRequest, fault, forbidden, notFound, problem } from '#shared/errors';
import type { HttpRequest, HttpResult } from '#shared/http';
import { newId } from '#shared/ids';
import { windowOf, windowsCovered } from '../org/public.ts';
import { ticketEvent } from './events.ts';
import { actOn, type AtWindow, type TicketRecord, type WindowAction } from './lifecycle.ts';
import { queueProblems } from './problems.ts';
import { callableAt, dayIn, seconds, waitingCounts } from './rules.ts';
import * as store from './store.ts';

type WindowRequest<Body = undefined> = HttpRequest<Body, Record<string, never>, { windowId: string; ticketId?: string }>;

/** A ticket as the clerk sees it: no slip code hash, no internal version. */
export function windowView(t: TicketRecord): WindowTicket {
  const { centerId: _c, codeHash: _h, version: _v, windowName: _n, staffId: _s, targetWindowId: _t, firstCalledAt: _f, ...shown } = t;
  return shown;
}

const actorOf = (caller: Caller): Actor => ({
  id: caller.userId, role: actingRole(caller, rolesFor('queue.window.work')), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}),
});

/** The clerk at the window, checked: a clerk, assigned to this window (staff `windowIds`) under the token's account. */
async function atWindow(req: WindowRequest<unknown>) {
  const caller = callerOf(req.event);
  const { windowId, ticketId } = req.params;
  // The hall is usually in memory: its time zone names today, whose cover (AB角) comes in the same batch read.
  const hall = await store.hallOf(caller.centerId);
  const now = new Date().toISOString();
  const ctx = await store.windowContext(caller.centerId, caller.username, windowId, ticketId, dayIn(hall.timeZone, now), req.checks!.keys);
  req.checks!.settle(ctx.found);
  const why = denial(caller, 'queue.window.work', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const own = ctx.staff !== undefined && ctx.staff.sub === caller.userId;
  // Assigned to the window, or covering today for its absent clerk (A缺岗, B顶岗).
  const assigned = own && ((ctx.staff!.windowIds ?? []).includes(windowId) || windowsCovered(ctx.cover).includes(windowId));
  if (!assigned || !ctx.window) throw forbidden(msg(`您未被分配到窗口 ${windowId}，今天也不顶替其缺岗人员。`, `You are not assigned to window ${windowId}, nor covering for its absent clerk today.`));
  const at: AtWindow = { windowId, windowName: ctx.window.name, staffId: caller.userId, now };
  // A ticket of a category this function does not remember (created a moment ago elsewhere): its recall limit
  // and the waiting counts need the hall as it is now.
  const known = !ctx.ticket || hall.categories.some((c) => c.code === ctx.ticket!.categoryCode);
  return { caller, window: ctx.window, ticket: ctx.ticket, at, hall: known ? hall : await store.hallOf(caller.centerId, true) };
}

const codesOf = (hall: store.Hall) => hall.categories.map((c) => c.code);

export async function callNext(req: WindowRequest): Promise<HttpResult> {
  const { caller, at, hall: remembered } = await atWindow(req);
  let hall = remembered;
  let waiting = await store.waitingOf(caller.centerId, dayIn(hall.timeZone, at.now));
  const servedBy = (h: store.Hall) => new Set(h.categories.filter((c) => c.windowIds.includes(at.windowId)).map((c) => c.code));
  let candidates = callableAt(at.windowId, servedBy(hall), waiting);
  // Nobody for the categories this function remembers: a category may have been given this window a moment ago.
  if (candidates.length === 0) {
    hall = await store.hallOf(caller.centerId, true);
    candidates = callableAt(at.windowId, servedBy(hall), waiting);
  }
  // The loser of a race for a ticket takes the next one.
  for (const candidate of candidates) {
    const next = actOn(candidate, 'call', at);
    waiting = waiting.filter((t) => t.ticketId !== candidate.ticketId);
    const firstCall = candidate.firstCalledAt === undefined ? { waitSeconds: seconds(candidate.takenAt, at.now) } : {};
    const event = ticketEvent('TicketCalled', next, { windowId: at.windowId, windowName: at.windowName, calls: next.calls, calledAt: at.now, ...firstCall }, waitingCounts(codesOf(hall), waiting), actorOf(caller), at.now);
    const result: HttpResult = { status: 200, body: windowView(next) };
    try {
      await store.changeTicket(next, candidate.version, event, undefined, req.idempotency?.record(result));
      return result;
    } catch (err) {
      if (!(err instanceof store.TicketChanged)) throw err;
    }
  }
  throw problem(queueProblems['nobody-waiting'], msg(`窗口 ${at.windowId} 没有等候的号。`, `Nobody is waiting for window ${at.windowId}.`));
}

/** The ticket addressed, or 404. */
function addressed(ticket: TicketRecord | undefined, ticketId: string): TicketRecord {
  if (!ticket) throw notFound(msg(`今天没有号 ${ticketId}。`, `No ticket ${ticketId}.`));
  return ticket;
}

/** Writes a window's change of a ticket with its event; a change by another request in between is 409. */
async function commit(next: TicketRecord, current: TicketRecord, draft: Parameters<typeof store.changeTicket>[2], result: HttpResult, req: WindowRequest<unknown>, visit?: Visit) {
  try {
    await store.changeTicket(next, current.version, draft, visit as Record<string, unknown> | undefined, req.idempotency?.record(result));
  } catch (err) {
    if (!(err instanceof store.TicketChanged)) throw err;
    throw concurrentRequest(msg(`${current.ticketNo} 刚被同时修改；请重试。`, `Ticket ${current.ticketNo} changed at the same moment; retry.`));
  }
  return result;
}

/** Recall, skip and start: the ticket's state changes, the waiting counts do not. */
function simpleAction(action: Extract<WindowAction, 'recall' | 'skip' | 'start'>) {
  return async (req: WindowRequest): Promise<HttpResult> => {
    const { caller, ticket, at, hall } = await atWindow(req);
    const current = addressed(ticket, req.params.ticketId!);
    const callsBeforeMissed = hall.categories.find((c) => c.code === current.categoryCode)?.callsBeforeMissed;
    const next = actOn(current, action, { ...at, ...(callsBeforeMissed ? { callsBeforeMissed } : {}) });
    const counts = waitingCounts(codesOf(hall), await store.waitingOf(caller.centerId, current.date));
    const event =
      action === 'recall' ? ticketEvent('TicketRecalled', next, { windowId: at.windowId, windowName: at.windowName, calls: next.calls, calledAt: at.now }, counts, actorOf(caller), at.now)
      : action === 'skip' ? ticketEvent('TicketMissed', next, { windowId: at.windowId, windowName: at.windowName, calls: next.calls, missedAt: at.now }, counts, actorOf(caller), at.now)
      : ticketEvent('ServiceStarted', next, { windowId: at.windowId, windowName: at.windowName, startedAt: at.now }, counts, actorOf(caller), at.now);
    return commit(next, current, event, { status: 200, body: windowView(next) }, req);
  };
}

export const recallTicket = simpleAction('recall');
export const skipTicket = simpleAction('skip');
export const startService = simpleAction('start');

const transferInvalid = (errors: ReturnType<typeof fault>[]) =>
  problem(queueProblems['transfer-invalid'], msg('转移目标有误，见 errors。', 'The transfer target is not valid; see errors.'), errors);

export async function transferTicket(req: WindowRequest<TransferBody>): Promise<HttpResult> {
  const { caller, ticket, at, hall } = await atWindow(req);
  const current = addressed(ticket, req.params.ticketId!);
  const to = req.body;
  if (!to.categoryCode && !to.windowId) throw transferInvalid([fault('/body', 'required', msg('请指明类别或窗口', 'name a category, a window or both'))]);
  const known = async (code: string) => hall.categories.some((c) => c.code === code) || (await store.hallOf(caller.centerId, true)).categories.some((c) => c.code === code);
  if (to.categoryCode && !(await known(to.categoryCode))) throw transferInvalid([fault('/body/categoryCode', 'not_found', msg('本中心没有此类别', 'no such category in the center'))]);
  if (to.windowId && !(await windowOf(caller.centerId, to.windowId))) throw transferInvalid([fault('/body/windowId', 'not_found', msg('本中心没有此窗口', 'no such window in the center'))]);
  const next = actOn(current, 'transfer', { ...at, transfer: to });
  const waiting = [...(await store.waitingOf(caller.centerId, current.date)).filter((t) => t.ticketId !== next.ticketId), next];
  const event = ticketEvent('TicketTransferred', next, {
    fromCategoryCode: current.categoryCode, fromWindowId: at.windowId, fromWindowName: at.windowName, ...(to.windowId ? { toWindowId: to.windowId } : {}), transferredAt: at.now,
  }, waitingCounts(codesOf(hall), waiting), actorOf(caller), at.now);
  return commit(next, current, event, { status: 200, body: windowView(next) }, req);
}

export async function endService(req: WindowRequest<EndBody>): Promise<HttpResult> {
  const { caller, ticket, at, window, hall } = await atWindow(req);
  const current = addressed(ticket, req.params.ticketId!);
  const visitId = newId();
  const next = actOn(current, 'end', { ...at, visitId });
  const visit: Visit = {
    visitId, ticketId: next.ticketId, ticketNo: next.ticketNo, windowId: at.windowId, staffId: caller.userId, departmentIds: window.departmentIds,
    itemCodes: req.body.itemCodes, caseNos: req.body.caseNos, ...(req.body.applicantId ? { applicantId: req.body.applicantId } : {}),
    calledAt: next.calledAt!, startedAt: next.startedAt!, endedAt: at.now,
  };
  const counts = waitingCounts(codesOf(hall), await store.waitingOf(caller.centerId, current.date));
  const { ticketId: _t, ticketNo: _n, ...visitData } = visit;
  const event = ticketEvent('VisitEnded', next, { ...visitData, windowName: at.windowName, departmentIds: window.departmentIds, codeHash: next.codeHash }, counts, actorOf(caller), at.now);
  const result = await commit(next, current, event, { status: 200, body: { ticket: windowView(next), visit } }, req, visit);
  await store.recordServiceTime(caller.centerId, next.date, next.categoryCode, seconds(next.startedAt!, at.now));
  return result;
}
