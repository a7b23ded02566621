/**
 * The supervision Lambda (电子监察): the center's cards, appeals and their
 * decisions, 督办 orders and replies, a case's supervision history, the card thresholds, the monthly
 * figures and what the supervision wall shows. cards.ts holds the rules,
 * store.ts the keys; operations only put them together.
 */
import type { Card, CardState, Order, SupervisionCounts, ThresholdSettings, ThresholdSettingsBody, WallView } from '#schemas/api/supervision';
import type { ThresholdSettingsChangedData } from '#schemas/events/supervision';
import { msg } from '#schemas/api/problems';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, listingScope, rolesFor } from '#shared/authorization';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { thresholdOrderErrors } from '#shared/clock-rules';
import { itemAt, requiredEnv } from '#shared/db';
import { fault, forbidden, notFound, preconditionFailed, validationFailed } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import { newId } from '#shared/ids';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { caseKey, toRecord } from '../cases/public.ts';
import { departmentsOf } from '../org/public.ts';
import { appeal, decideAppeal, decisionEvent, type CardRecord } from './cards.ts';
import { cardEvent } from './events.ts';
import { newOrder, replyTo, type OrderRecord } from './orders.ts';
import { effectiveThresholds, thresholdSettingsKey } from './public.ts';
import { supervisionRoutes } from './routes.ts';
import * as store from './store.ts';

type Ops = Operations<typeof supervisionRoutes>;

const view = ({ centerId: _c, month: _m, ...card }: CardRecord): Card => card;
const withTag = (c: CardRecord): HttpResult => ({ status: 200, body: view(c), headers: { etag: etag(String(c.version)) } });
const noSuchCard = (id: string) => notFound(msg(`没有监察牌 ${id}。`, `No card ${id}.`));

function assertMayRead(caller: Caller, c: CardRecord) {
  const why = denial(caller, 'supervision.cards.read', { centerId: c.centerId, departmentIds: [c.departmentId], ...(c.handlerIds ? { handlerIds: c.handlerIds } : {}) });
  if (why) throw forbidden(why);
}

async function readCard(caller: Caller, cardId: string, now: string) {
  const ctx = await store.cardContext(caller.centerId, cardId, now);
  if (!ctx.card) throw noSuchCard(cardId);
  assertMayRead(caller, ctx.card);
  return { card: ctx.card, cal: calendarOn(ctx.center, ctx.center.timeZone) };
}

const listCards: Ops['listCards'] = async (req) => {
  const caller = callerOf(req.event);
  const { departmentId, handledBy } = listingScope(caller, 'supervision.cards.read', req.query.departmentId);
  const { staffId } = req.query;
  if (handledBy && staffId && staffId !== handledBy) throw forbidden(msg('只能查看您经办的办件的监察牌。', 'You may list only the cards of cases you handle.'));
  const filters = {
    state: req.query.state ?? 'open',
    ...(departmentId ? { departmentId } : {}),
    ...(req.query.level ? { level: req.query.level } : {}),
    ...(handledBy ? { handledBy } : staffId ? { staffId } : {}),
  };
  const page = await store.cardPage(caller.centerId, filters, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page({ items: page.items.map(view), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const getCard: Ops['getCard'] = async (req) => withTag((await readCard(callerOf(req.event), req.params.cardId, new Date().toISOString())).card);

function cardAction(detailTypeOf: (next: CardRecord) => string, change: (card: CardRecord, caller: Caller, body: never, now: string) => { next: CardRecord; counts: Record<string, number> }) {
  return async (req: HttpRequest<unknown, Readonly<Record<string, unknown>>, { readonly cardId: string }>) => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const { card, cal } = await readCard(caller, req.params.cardId, now);
    if (ifMatch(req) !== String(card.version)) throw preconditionFailed(msg('此牌在您读取后已被修改；请重新读取后再试。', 'The card changed since you read it; read it again and retry.'));
    const { next, counts } = change(card, caller, req.body as never, now);
    const detailType = detailTypeOf(next);
    const event = cardEvent(next, detailType === 'CardAppealed' ? 'appeal' : 'decide', detailType, { id: caller.userId, role: actingRole(caller, rolesFor(detailType === 'CardAppealed' ? 'supervision.card.appeal' : 'supervision.card.decide')) }, now, {
      fromState: card.state,
      details: { ...(next.appeal?.decision ? { decision: next.appeal.decision } : {}) },
    });
    const result = withTag(next);
    await store.changeCard(next, card.version, event, counts, localDate(cal, now), req.idempotency?.record(result));
    return result;
  };
}

const appealCard = cardAction(() => 'CardAppealed', (card, caller, body, now) => ({ next: appeal(card, caller, body, now), counts: { appealed: 1 } })) as Ops['appealCard'];
const decideCardAppeal = cardAction((next) => decisionEvent[next.appeal!.decision!], decideAppeal) as Ops['decideCardAppeal'];

const getCaseSupervision: Ops['getCaseSupervision'] = async (req) => {
  const caller = callerOf(req.event);
  const { caseNo } = req.params;
  const { found } = await store.centerContext(caller.centerId, new Date().toISOString(), [caseKey(caller.centerId, caseNo)]);
  const item = itemAt(found, caseKey(caller.centerId, caseNo));
  if (!item) throw notFound(msg(`没有办件 ${caseNo}。`, `No case ${caseNo}.`));
  const c = toRecord(item);
  const why = denial(caller, 'supervision.cards.read', { centerId: caller.centerId, departmentIds: [c.item.departmentId], ...(c.handlerIds ? { handlerIds: c.handlerIds } : {}) });
  if (why) throw forbidden(why);
  const cards = await store.casesCards(caller.centerId, caseNo);
  return { status: 200, body: { caseNo, cards: cards.map(view) } };
};

// ---------------------------------------------------------------------------
// 督办 orders

const orderResult = (o: OrderRecord, status = 200): HttpResult => {
  const { centerId: _c, ...body } = o;
  return { status, body, headers: { etag: etag(String(o.version)) } };
};
const noSuchOrder = (id: string) => notFound(msg(`没有督办 ${id}。`, `No order ${id}.`));
const orderEvent = (o: OrderRecord, detailType: string, caller: Caller, now: string): EventDraft<Record<string, unknown>> => ({
  source: 'onestop.supervision',
  detailType,
  centerId: o.centerId,
  occurredAt: now,
  actor: { id: caller.userId, role: actingRole(caller, rolesFor(detailType === 'OrderIssued' ? 'supervision.order.issue' : 'supervision.order.reply')) },
  subject: { type: 'order', id: o.orderId },
  data: { orderId: o.orderId, caseNo: o.caseNo, departmentId: o.departmentId, state: o.state, dueDate: o.dueDate, ...(o.cardId ? { cardId: o.cardId } : {}), orderVersion: o.version },
});

const issueOrder: Ops['issueOrder'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'supervision.order.issue', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const now = new Date().toISOString();
  const { center, found } = await store.centerContext(caller.centerId, now, [caseKey(caller.centerId, req.body.caseNo), thresholdSettingsKey(caller.centerId)]);
  const item = itemAt(found, caseKey(caller.centerId, req.body.caseNo));
  if (!item) throw validationFailed([fault('/body/caseNo', 'not_found', msg('本中心没有此办件', 'no case with this number in the center'))]);
  const c = toRecord(item);
  const cal = calendarOn(center, c.timeZone);
  const order = newOrder(caller, req.body, {
    orderId: newId(), centerId: caller.centerId, departmentId: c.item.departmentId, now, today: localDate(cal, now), cal,
    thresholds: effectiveThresholds(itemAt(found, thresholdSettingsKey(caller.centerId))),
  });
  const result = orderResult(order, 201);
  await store.putOrder(order, undefined, orderEvent(order, 'OrderIssued', caller, now), req.idempotency?.record(result));
  return result;
};

const listOrders: Ops['listOrders'] = async (req) => {
  const caller = callerOf(req.event);
  const { departmentId } = listingScope(caller, 'supervision.orders.read', req.query.departmentId);
  const filters = { state: req.query.state ?? 'open', ...(departmentId ? { departmentId } : {}) };
  const page = await store.orderPage(caller.centerId, filters, req.pages.limit, req.pages.start(filters));
  const items = page.items.map((o) => orderResult(o).body as Order);
  return { status: 200, body: req.pages.page({ items, ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

async function readOrder(caller: Caller, orderId: string, now: string) {
  const { order } = await store.orderContext(caller.centerId, orderId, now);
  if (!order) throw noSuchOrder(orderId);
  const why = denial(caller, 'supervision.orders.read', { centerId: order.centerId, departmentIds: [order.departmentId] });
  if (why) throw forbidden(why);
  return order;
}

const getOrder: Ops['getOrder'] = async (req) => orderResult(await readOrder(callerOf(req.event), req.params.orderId, new Date().toISOString()));

const replyToOrder: Ops['replyToOrder'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const order = await readOrder(caller, req.params.orderId, now);
  if (ifMatch(req) !== String(order.version)) throw preconditionFailed(msg('此督办在您读取后已被修改；请重新读取后再试。', 'The order changed since you read it; read it again and retry.'));
  const next = replyTo(order, caller, req.body, now);
  const result = orderResult(next);
  await store.putOrder(next, order.version, orderEvent(next, 'OrderAnswered', caller, now), req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Settings

const settingsResult = (s: ThresholdSettings): HttpResult => ({ status: 200, body: s, headers: { etag: etag(String(s.version)) } });

const getThresholdSettings: Ops['getThresholdSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'supervision.settings.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  return settingsResult(effectiveThresholds((await store.settingsContext(caller.centerId)).item));
};

const bodyOf = (s: ThresholdSettings): ThresholdSettingsBody => ({ case: s.case, specialProcedure: s.specialProcedure, preReview: s.preReview, order: s.order, ...(s.eLicence ? { eLicence: s.eLicence } : {}) });

const putThresholdSettings: Ops['putThresholdSettings'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'supervision.settings.write', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  const errors = thresholdOrderErrors(req.body);
  if (errors.length) throw validationFailed(errors);
  const current = effectiveThresholds((await store.settingsContext(caller.centerId)).item);
  if (ifMatch(req) !== String(current.version)) throw store.settingsChanged();
  const now = new Date().toISOString();
  const event: EventDraft<ThresholdSettingsChangedData> = {
    source: 'onestop.supervision',
    detailType: 'ThresholdSettingsChanged',
    centerId: caller.centerId,
    occurredAt: now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('supervision.settings.write')) },
    subject: { type: 'threshold_settings', id: caller.centerId },
    data: { before: bodyOf(current), after: req.body },
  };
  const version = current.version + 1;
  const result = settingsResult({ ...req.body, source: 'center', version, updatedAt: now, updatedBy: caller.userId });
  await store.putSettings(caller.centerId, req.body, { by: caller.userId, at: now, version }, current.version, event, req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Figures and the wall

const countsOf = (counters: Record<string, number> | undefined): SupervisionCounts => ({
  warning: counters?.cards_warning ?? 0,
  yellow: counters?.cards_yellow ?? 0,
  red: counters?.cards_red ?? 0,
  issued: counters?.issued ?? 0,
  revoked: counters?.revoked ?? 0,
  upheld: counters?.upheld ?? 0,
  escalated: counters?.escalated ?? 0,
  cancelled: counters?.cancelled ?? 0,
  ...timelinessOf(counters),
});

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

function timelinessOf(counters: Record<string, number> | undefined) {
  const onTime = counters?.completed_on_time ?? 0;
  const late = counters?.completed_late ?? 0;
  return {
    completed: counters?.completed ?? 0,
    completedOnTime: onTime,
    completedLate: late,
    latenessWorkingDays: counters?.lateness_working_days ?? 0,
    ...(onTime + late > 0 ? { onTimeRate: round(onTime / (onTime + late), 4) } : {}),
    ...(late > 0 ? { meanLatenessWorkingDays: round((counters?.lateness_working_days ?? 0) / late, 2) } : {}),
  };
}

async function monthFigures(centerId: string, month: string) {
  const rows = await store.figuresRows(centerId, month);
  const center = countsOf(rows.find((r) => r.sk === `${month}#ALL`)?.counters);
  const departments = rows.filter((r) => r.sk.startsWith(`${month}#DEPT#`)).map((r) => ({ departmentId: r.sk.slice(`${month}#DEPT#`.length), counts: countsOf(r.counters) }));
  const staff = rows.filter((r) => r.sk.startsWith(`${month}#STAFF#`)).map((r) => ({ staffId: r.sk.slice(`${month}#STAFF#`.length), counts: countsOf(r.counters) }));
  return { center, departments, staff };
}

const getSupervisionFigures: Ops['getSupervisionFigures'] = async (req) => {
  const caller = callerOf(req.event);
  const why = denial(caller, 'supervision.figures.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
  return { status: 200, body: { centerId: caller.centerId, month: req.params.month, ...(await monthFigures(caller.centerId, req.params.month)) } };
};

const getPublicSupervisionSummary: Ops['getPublicSupervisionSummary'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const { center } = await monthFigures(centerId, req.params.month);
  return { status: 200, body: { centerId, month: req.params.month, center }, headers: { 'cache-control': 'public, max-age=300' } };
};

const WALL_CARDS = 50;

const getSupervisionWall: Ops['getSupervisionWall'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const now = new Date().toISOString();
  const { center } = await store.centerContext(centerId, now);
  const date = localDate(calendarOn(center, center.timeZone), now);
  const [today, month, open, departments] = await Promise.all([
    store.figuresRows(centerId, date),
    store.figuresRows(centerId, date.slice(0, 7)),
    store.cardPage(centerId, { state: 'open' }, WALL_CARDS, undefined),
    departmentsOf(centerId),
  ]);
  const nameOf = new Map(departments.map((d) => [d.departmentId, d.name]));
  const body: WallView = {
    centerId,
    ...(center.profile?.name ? { centerName: center.profile.name } : {}),
    date,
    generatedAt: now,
    today: countsOf(today.find((r) => r.sk === `${date}#ALL`)?.counters),
    month: countsOf(month.find((r) => r.sk === `${date.slice(0, 7)}#ALL`)?.counters),
    openCards: open.items.map((c) => ({
      cardId: c.cardId, ...(c.caseNo ? { caseNo: c.caseNo } : { complaintId: c.complaintId! }), departmentId: c.departmentId, ...(nameOf.has(c.departmentId) ? { departmentName: nameOf.get(c.departmentId)! } : {}),
      clockKind: c.clockKind, level: c.level, state: c.state as CardState, issuedAt: c.issuedAt, due: c.due,
    })),
  };
  // A short cache: the wall polls, and a card should show within a refresh or two.
  return { status: 200, body, headers: { 'cache-control': 'public, max-age=10' } };
};

export const handler = httpHandler(supervisionRoutes, {
  listCards,
  getCard,
  appealCard,
  decideCardAppeal,
  getCaseSupervision,
  issueOrder,
  listOrders,
  getOrder,
  replyToOrder,
  getThresholdSettings,
  putThresholdSettings,
  getSupervisionFigures,
  getPublicSupervisionSummary,
  getSupervisionWall,
} as Ops);
