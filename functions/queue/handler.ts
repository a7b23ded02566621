/**
 * The queue Lambda (排队叫号) and its appointments (预约): categories, taking
 * tickets, working the windows (windows.ts), the day's figures and what the
 * hall's kiosks and displays read. Who may do what is in
 * shared/authorization.ts, a ticket's life in lifecycle.ts, keys in store.ts.
 */
import type { Board, Category, CategoryBody, ClerkTicketBody, IssuedTicket as IssuedTicketBody, PublicTicketBody, QueueMonthFigures, Ticket } from '#schemas/api/queue';
import { DEFAULT_CALLS_BEFORE_MISSED } from '#schemas/api/queue-defaults';
import { msg } from '#schemas/api/problems';
import type { Actor } from '#schemas/events/envelope';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, listingScope, rolesFor, type Action } from '#shared/authorization';
import { fault, forbidden, notFound, preconditionFailed, preconditionRequired, problem, type FieldFault } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { appointmentOperations } from './appointments/operations.ts';
import { queueProblems } from './problems.ts';
import { queueRoutes } from './routes.ts';
import { monthFigures } from './stats/rules.ts';
import * as stats from './stats/store.ts';
import { aheadOf, dayFigures, dayIn, estimatedWaitSeconds, slipMatches, waitingCounts, windowsOf, windowStates } from './rules.ts';
import * as store from './store.ts';
import { issue, type IssuedTicket } from './tickets.ts';
import { callNext, endService, recallTicket, skipTicket, startService, transferTicket } from './windows.ts';

type Ops = Operations<typeof queueRoutes>;

function authorize(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

const shown = ({ rev: _r, ...category }: store.StoredCategory): Category => category;

// ---------------------------------------------------------------------------
// Categories

const putQueueCategory: Ops['putQueueCategory'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'queue.category.write');
  const { code } = req.params;
  const ctx = await store.categoryContext(caller.centerId, code, req.body);
  const { current } = ctx;
  const given = ifMatch(req);
  if (current && given === undefined) throw preconditionRequired();
  if (given !== undefined && (!current || given !== String(current.rev))) {
    throw preconditionFailed(msg(`类别 ${code} 不是您在 If-Match 中指明的版本；请重新读取后再试。`, `Category ${code} is not at the version you name in If-Match.`));
  }
  const errors: FieldFault[] = [];
  req.body.itemCodes.forEach((itemCode, i) => {
    const other = ctx.categoryOfItem(itemCode);
    if (other && other !== code) errors.push(fault(`/body/itemCodes/${i}`, 'in_other_category', msg(`${itemCode} 已属于类别 ${other}`, `${itemCode} belongs to category ${other}`)));
  });
  req.body.windowIds.forEach((windowId, i) => {
    if (!ctx.windowExists(windowId)) errors.push(fault(`/body/windowIds/${i}`, 'not_found', msg('本中心没有此窗口', 'no such window in the center')));
  });
  if (errors.length) throw problem(queueProblems['category-conflict'], msg(`类别 ${code} 与中心现状不符，见 errors。`, `Category ${code} conflicts with the center; see errors.`), errors);

  const now = new Date().toISOString();
  const entry: store.StoredCategory = {
    code, ...req.body, callsBeforeMissed: req.body.callsBeforeMissed ?? DEFAULT_CALLS_BEFORE_MISSED, updatedAt: now, updatedBy: caller.userId, rev: (current?.rev ?? 0) + 1,
  };
  const bodyOf = (c: CategoryBody): CategoryBody => ({ name: c.name, itemCodes: c.itemCodes, windowIds: c.windowIds, callsBeforeMissed: c.callsBeforeMissed ?? DEFAULT_CALLS_BEFORE_MISSED });
  const result: HttpResult = { status: current ? 200 : 201, body: shown(entry), headers: { etag: etag(String(entry.rev)) } };
  await store.putCategory(caller.centerId, entry, current?.rev, (current?.itemCodes ?? []).filter((i) => !req.body.itemCodes.includes(i)), {
    source: 'onestop.queue', detailType: 'QueueCategoryChanged', centerId: caller.centerId, occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('queue.category.write')) },
    subject: { type: 'queue_category', id: code },
    data: { ...(current ? { before: bodyOf(current) } : {}), after: bodyOf(req.body) },
  }, req.idempotency?.record(result));
  return result;
};

const listQueueCategories: Ops['listQueueCategories'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'queue.category.read');
  return { status: 200, body: { items: (await store.listCategories(caller.centerId)).map(shown) } };
};

// ---------------------------------------------------------------------------
// Taking a ticket

const categoryUnknown = (path: string, why: { zh: string; en: string }) =>
  problem(queueProblems['category-unknown'], msg('没有此排队类别，见 errors。', 'No such queue category; see errors.'), [fault(path, 'not_found', why)]);

/** The category a ticket is taken for: named, or the one of the item named. */
async function categoryFor(hall: store.Hall, body: PublicTicketBody | ClerkTicketBody): Promise<store.StoredCategory> {
  if (body.categoryCode) {
    const category = hall.categories.find((c) => c.code === body.categoryCode) ?? (await store.hallOf(hall.centerId, true)).categories.find((c) => c.code === body.categoryCode);
    if (!category) throw categoryUnknown('/body/categoryCode', msg('本中心没有此类别', 'no such category in the center'));
    if (body.itemCode && !category.itemCodes.includes(body.itemCode)) throw categoryUnknown('/body/itemCode', msg('此事项不属于该类别', 'the item is not of this category'));
    return category;
  }
  if (!body.itemCode) throw categoryUnknown('/body/categoryCode', msg('请指明类别或事项', 'name a category or an item'));
  const category = await store.categoryOfItem(hall.centerId, body.itemCode);
  if (!category) throw categoryUnknown('/body/itemCode', msg('此事项不属于任何排队类别', 'the item is in no queue category'));
  return category;
}

function issuedResult(ticket: IssuedTicket, category: store.StoredCategory, serviceSeconds: readonly number[]): HttpResult {
  const body: IssuedTicketBody = { ...ticket, estimatedWaitSeconds: estimatedWaitSeconds(serviceSeconds, ticket.ahead, category.windowIds.length) };
  return { status: 201, body };
}

async function take(centerId: string, body: PublicTicketBody | ClerkTicketBody, who: { source: 'kiosk' | 'web' | 'clerk'; actor: Actor; req?: HttpRequest }): Promise<HttpResult> {
  const hall = await store.hallOf(centerId);
  const category = await categoryFor(hall, body);
  const clerk = body as ClerkTicketBody;
  let result: HttpResult | undefined;
  await issue({
    centerId, categoryCode: category.code, date: dayIn(hall.timeZone, new Date().toISOString()),
    priority: clerk.priority ?? 'normal', source: who.source, actor: who.actor, ...(clerk.applicantId ? { applicantId: clerk.applicantId } : {}),
  }, {
    record: (ticket, serviceSeconds) => {
      result = issuedResult(ticket, category, serviceSeconds);
      return who.req?.idempotency?.record(result);
    },
  });
  return result!;
}

const takeTicketAtCounter: Ops['takeTicketAtCounter'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'queue.ticket.issue');
  const actor: Actor = { id: caller.userId, role: actingRole(caller, rolesFor('queue.ticket.issue')), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) };
  return take(caller.centerId, req.body, { source: 'clerk', actor, req });
};

/** An anonymous visitor at the kiosk or on the web: no account behind the actor. */
const visitor: Actor = { id: 'anonymous', role: 'applicant' };

const takeTicket: Ops['takeTicket'] = async (req) => {
  await existingHall(req.params.centerId);
  return take(req.params.centerId, req.body, { source: req.body.source ?? 'kiosk', actor: visitor });
};

// ---------------------------------------------------------------------------
// What the hall's kiosks, slips and displays read

async function existingHall(centerId: string): Promise<store.Hall> {
  const hall = await store.hallOf(centerId);
  if (!hall.exists) throw notFound(msg(`没有中心 ${centerId}。`, `No center ${centerId}.`));
  return hall;
}

const live = { 'cache-control': 'no-store' };

const listHallCategories: Ops['listHallCategories'] = async (req) => {
  const hall = await existingHall(req.params.centerId);
  const date = dayIn(hall.timeZone, new Date().toISOString());
  const counts = waitingCounts(hall.categories.map((c) => c.code), await store.waitingOf(hall.centerId, date));
  const items = hall.categories.map((c) => ({ code: c.code, name: c.name, waiting: counts.find((w) => w.categoryCode === c.code)?.count ?? 0 }));
  return { status: 200, body: { centerId: hall.centerId, date, items }, headers: live };
};

const getHallTicket: Ops['getHallTicket'] = async (req) => {
  const { centerId, ticketId } = req.params;
  const hall = await existingHall(centerId);
  const t = await store.getTicket(centerId, ticketId);
  // A wrong code answers as an unknown ticket: the lookup tells nothing without the slip.
  if (!t || !slipMatches(t.codeHash, ticketId, req.query.code)) throw notFound(msg('没有此号，或取号码不符。', 'No such ticket, or the code does not match.'));
  let ahead = 0;
  let estimate: number | null = null;
  if (t.status === 'waiting') {
    const [waiting, serviceSeconds] = await Promise.all([store.waitingOf(centerId, t.date), store.serviceTimesOf(centerId, t.date, t.categoryCode)]);
    ahead = aheadOf(t, waiting);
    estimate = estimatedWaitSeconds(serviceSeconds, ahead, hall.categories.find((c) => c.code === t.categoryCode)?.windowIds.length ?? 1);
  }
  const body: Ticket = {
    ticketId, ticketNo: t.ticketNo, categoryCode: t.categoryCode, date: t.date, priority: t.priority, status: t.status, takenAt: t.takenAt, ahead, estimatedWaitSeconds: estimate,
    ...(t.status === 'called' || t.status === 'serving' ? { windowId: t.windowId!, windowName: t.windowName! } : {}),
  };
  return { status: 200, body, headers: live };
};

const getHallBoard: Ops['getHallBoard'] = async (req) => {
  const hall = await existingHall(req.params.centerId);
  const date = dayIn(hall.timeZone, new Date().toISOString());
  const windowIds = windowsOf(hall.categories);
  const [calls, waiting, atWindows, names] = await Promise.all([
    store.lastCalls(hall.centerId, date, 10), store.waitingOf(hall.centerId, date), store.atWindows(hall.centerId, date), store.windowNamesOf(hall.centerId, windowIds),
  ]);
  const counts = waitingCounts(hall.categories.map((c) => c.code), waiting);
  const body: Board = {
    centerId: hall.centerId,
    date,
    calls: calls.map((t) => ({ ticketNo: t.ticketNo, windowId: t.windowId!, windowName: t.windowName!, calledAt: t.calledAt! })),
    waiting: counts.map(({ categoryCode, count }) => ({ categoryCode, name: hall.categories.find((c) => c.code === categoryCode)?.name ?? categoryCode, count })),
    windows: windowStates(windowIds, names, atWindows),
  };
  return { status: 200, body, headers: live };
};

const getQueueFigures: Ops['getQueueFigures'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'queue.figures.read');
  return { status: 200, body: dayFigures(caller.centerId, req.params.date, await store.dayTickets(caller.centerId, req.params.date)) };
};

const getQueueMonthFigures: Ops['getQueueMonthFigures'] = async (req) => {
  const caller = callerOf(req.event);
  const { departmentId } = listingScope(caller, 'queue.stats.read', req.query.departmentId);
  const body: QueueMonthFigures = monthFigures(caller.centerId, req.params.month, await stats.monthRows(caller.centerId, req.params.month), departmentId);
  return { status: 200, body };
};

export const handler = httpHandler(queueRoutes, {
  putQueueCategory,
  listQueueCategories,
  takeTicketAtCounter,
  callNext,
  recallTicket,
  skipTicket,
  transferTicket,
  startService,
  endService,
  getQueueFigures,
  getQueueMonthFigures,
  listHallCategories,
  takeTicket,
  getHallTicket,
  getHallBoard,
  ...appointmentOperations,
});
