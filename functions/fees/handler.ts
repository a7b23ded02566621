/**
 * The fees Lambda (收费): a case's charges read with their ledgers, assessment
 * (核价), the charge table's actions (waiver, payment notice, cancellation,
 * refund), where to pay, and the payment provider's notifications. The charge
 * table (lifecycle.ts) decides who may do what, rules.ts and ledger.ts what it
 * costs and appends, store.ts the reads and transactions; each operation puts
 * them together, its events in the same transaction.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { CancelBody, ChargeView, RefundRequestBody, WaiverRequestBody } from '#schemas/api/fees';
import type { FeeEventData } from '#schemas/events/fees';
import type { ItemContent } from '#schemas/api/catalog';
import { msg } from '#schemas/api/problems';
import { actingRole, actorDepartment, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action } from '#shared/authorization';
import { addWorkingDays, localDate } from '#shared/calendar';
import { calendarOn, centerProfileKey } from '#shared/center';
import { startOfDay } from '#shared/clock-rules';
import { db, itemAt, tableName, type Item } from '#shared/db';
import { forbidden, notFound, preconditionFailed, preconditionRequired, problem, unauthorized, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { newId } from '#shared/ids';
import { logger } from '#shared/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { itemVersionKey } from '../catalog/public.ts';
import { caseContext, readsAsApplicant, standsForApplicant, type CaseRecord } from '../cases/public.ts';
import { paymentEvents, refundEvents, source, subjectOf } from './events.ts';
import { balanceOf, recordRefund, refundApproval, writeOff, type EntryDraft } from './ledger.ts';
import { assessmentRefusal, decide, nextActions, nextState, type ChargeRecord } from './lifecycle.ts';
import { recordPaymentNotice, recordRefundNotice } from './payments.ts';
import { financeOperations, reconcileScheduled } from './finance.ts';
import { feeProblems } from './problems.ts';
import { paymentProvider } from './provider/configured.ts';
import { ProviderRefusal } from './provider/port.ts';
import { verifyNotification } from './provider/protocol.ts';
import { chargeActions, feeRoutes, feesDomainRoutes } from './routes.ts';
import { assessCharge, waiverAmount } from './rules.ts';
import { paymentTermsOf } from './schedule.ts';
import { waiverCategoriesOf } from './settings.ts';
import * as store from './store.ts';

type Ops = Operations<typeof feeRoutes>;

/** Who may take each action, beyond the charge table's own check (which department, which state, four eyes). */
const permissionOf: Readonly<Record<string, Action>> = {
  issue: 'fee.assess', requestWaiver: 'fee.assess', cancel: 'fee.assess',
  approveWaiver: 'fee.waiver.decide', rejectWaiver: 'fee.waiver.decide',
  requestRefund: 'fee.refund.request', approveRefund: 'fee.refund.decide', rejectRefund: 'fee.refund.decide',
};

const noSuchCase = (caseNo: string) => notFound(msg(`没有办件 ${caseNo}。`, `No case ${caseNo}.`));
const noSuchCharge = (caseNo: string, chargeId: string) => notFound(msg(`办件 ${caseNo} 没有收费 ${chargeId}。`, `No charge ${chargeId} on case ${caseNo}.`));
const chargeChanged = () => preconditionFailed(msg('收费在您读取后已有变化；请重新读取后再试。', 'The charge changed since you read it; read it again and retry.'));

/**
 * The case, the center and the case's charges with their ledgers, the
 * request's checks settled: one BatchGetItem and one Query, side by side.
 */
async function caseCharges(req: Pick<HttpRequest, 'checks'>, caller: Caller, caseNo: string, now: string) {
  const [ctx, charges] = await Promise.all([caseContext(caller.centerId, caseNo, now, req.checks!.keys), store.chargesOf(caller.centerId, caseNo)]);
  req.checks!.settle(ctx.found);
  if (!ctx.record) throw noSuchCase(caseNo);
  const cal = calendarOn(ctx.center, ctx.record.timeZone);
  return { ...ctx, record: ctx.record, charges, cal, today: localDate(cal, now) };
}

/** The applicant of the case (or an agent standing for them), or staff whose role reads the lead department's charges; others learn nothing (404) or are refused (403). */
async function assertMayRead(caller: Caller, c: CaseRecord): Promise<void> {
  if (readsAsApplicant(caller)) {
    if (await standsForApplicant(caller, c)) return;
    throw noSuchCase(c.caseNo);
  }
  const why = denial(caller, 'fee.read', { centerId: c.centerId, departmentIds: [c.item.departmentId] });
  if (why) throw forbidden(why);
}

function view(r: ChargeRecord, entries: store.StoredCharge['entries'], caller: Caller, today: string): ChargeView {
  const { centerId: _c, terms, order, orderClosed: _closed, ...shown } = r;
  const balance = balanceOf(entries);
  return {
    ...shown,
    balance,
    stage: terms?.stage ?? 'before_delivery',
    entries: [...entries],
    nextActions: readsAsApplicant(caller) ? [] : nextActions(r, { caller, today, balance }),
    ...(order && r.state === 'to_pay' ? { payment: order } : {}),
  };
}

const tagged = (r: ChargeRecord, body: ChargeView, status = 200): HttpResult => ({ status, body, headers: { etag: etag(String(r.version)) } });

/** Recorded for the charge's department, which a general window's clerk is one of several of. */
const actorOf = (caller: Caller, action: Action, departmentId: string) => ({ id: caller.userId, role: actingRole(caller, rolesFor(action)), ...actorDepartment(caller, [departmentId]) });

/** The instant the provider closes an unpaid order: the end of the last day to pay, in the center's time. */
const orderExpiry = (cal: Parameters<typeof startOfDay>[0], payBy: string) => new Date(Date.parse(startOfDay(cal, payBy)) + 86_400_000).toISOString();

// ---------------------------------------------------------------------------
// Reads

const listCaseCharges: Ops['listCaseCharges'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await caseCharges(req, caller, req.params.caseNo, now);
  await assertMayRead(caller, ctx.record);
  const items = [...ctx.charges.values()].map((s) => view(s.record, s.entries, caller, ctx.today));
  return { status: 200, body: { items } };
};

// ---------------------------------------------------------------------------
// Assessment

/** The case states an item's payment stage allows a charge in (the case lifecycle's gate opens there). */
function chargeableRefusal(c: CaseRecord, stage: 'before_acceptance' | 'before_delivery') {
  if (stage === 'before_acceptance' && c.state === 'submitted') return undefined;
  if (stage === 'before_delivery' && c.state === 'completed' && c.decision?.outcome === 'approved') return undefined;
  return problem(feeProblems['case-not-chargeable'], stage === 'before_acceptance'
    ? msg(`本事项受理前缴费：只能对待受理的办件核价（当前 ${c.state}）。`, `Fees of this item are paid before acceptance: only a submitted case is assessed (this one is ${c.state}).`)
    : msg(`本事项发证前缴费：只能对已准予许可并办结的办件核价（当前 ${c.state}）。`, `Fees of this item are paid before delivery: only a granted, completed case is assessed (this one is ${c.state}).`));
}

const openStates = new Set(['assessed', 'waiver_pending', 'to_pay']);

const assessChargeOp: Ops['assessCharge'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await caseCharges(req, caller, req.params.caseNo, now);
  const c = ctx.record;
  await assertMayRead(caller, c);
  const why = denial(caller, 'fee.assess', { centerId: c.centerId, departmentIds: [c.item.departmentId] });
  if (why) throw forbidden(why);
  const refused = assessmentRefusal(caller, { centerId: c.centerId, item: c.item });
  if (refused) throw refused;
  const version = await db.send(new GetCommand({ TableName: tableName(), Key: itemVersionKey(c.centerId, c.item.code, c.item.version), ProjectionExpression: 'content.fees, content.paymentStage, content.unpaidExpiryWorkingDays' }));
  const content = ((version.Item as { content?: Pick<ItemContent, 'fees' | 'paymentStage' | 'unpaidExpiryWorkingDays'> } | undefined)?.content ?? { fees: [] }) as Pick<ItemContent, 'fees' | 'paymentStage' | 'unpaidExpiryWorkingDays'>;
  const terms = paymentTermsOf(content);
  if (!terms) throw problem(feeProblems['case-not-chargeable'], msg('本事项不收费。', 'The item charges no fees.'));
  const notNow = chargeableRefusal(c, terms.stage);
  if (notNow) throw notNow;
  if ([...ctx.charges.values()].some((s) => openStates.has(s.record.state))) {
    throw problem(feeProblems['case-not-chargeable'], msg('本办件已有未结的收费：请先撤销或办结。', 'The case has a charge open: cancel or settle it first.'));
  }
  const category = req.body.waiver && waiverCategoriesOf(profileOf(ctx.found, c.centerId)).find((w) => w.categoryId === req.body.waiver!.categoryId);
  if (req.body.waiver && !category) {
    throw problem(feeProblems['waiver-category-unknown'], msg(`本中心没有减免类别 ${req.body.waiver.categoryId}。`, `The center has no waiver category ${req.body.waiver.categoryId}.`), [
      { path: '/body/waiver/categoryId', code: 'unknown_category', message: msg('不是本中心的减免类别', 'is not one of the center\'s waiver categories') },
    ]);
  }
  const assessed = assessCharge(content.fees ?? [], req.body.lines, category ?? undefined);
  if (!assessed.ok) throw problem(feeProblems['assessment-invalid'], msg('核价内容有误。', 'The assessment is invalid.'), assessed.faults);
  const chargeId = newId();
  const record: ChargeRecord = {
    chargeId, caseNo: c.caseNo, centerId: c.centerId,
    item: { code: c.item.code, version: c.item.version, departmentId: c.item.departmentId },
    state: req.body.waiver ? 'waiver_pending' : 'assessed',
    currency: 'CNY', lines: [...assessed.lines], grossFen: assessed.grossFen,
    ...(req.body.waiver && category ? { waiver: { category, amountFen: assessed.waiverFen, reason: req.body.waiver.reason, requestedBy: caller.userId, requestedAt: now } } : {}),
    assessedBy: caller.userId, assessedAt: now, version: 1,
    terms: { stage: terms.stage, unpaidExpiryWorkingDays: terms.unpaidExpiryWorkingDays },
  };
  const entries: EntryDraft[] = [{ chargeId, type: 'charge', amountFen: assessed.grossFen, at: now, by: caller.userId }];
  const actor = actorOf(caller, 'fee.assess', c.item.departmentId);
  const events = [
    store.feeEvent(c.centerId, c.caseNo, { source, detailType: 'ChargeAssessed', centerId: c.centerId, occurredAt: now, actor, subject: subjectOf(c.caseNo), data: { caseNo: c.caseNo, chargeId, itemCode: c.item.code, stage: terms.stage, grossFen: assessed.grossFen, lines: assessed.lines.length } }),
    ...(record.waiver ? [store.feeEvent(c.centerId, c.caseNo, { source, detailType: 'WaiverRequested', centerId: c.centerId, occurredAt: now, actor, subject: subjectOf(c.caseNo), data: { caseNo: c.caseNo, chargeId, categoryId: record.waiver.category.categoryId, amountFen: record.waiver.amountFen } })] : []),
  ];
  const written = entries.map((e) => ({ ...e, entryId: '' }));
  const result = tagged(record, view(record, written, caller, ctx.today), 201);
  const outcome = await store.writeCharge({ next: record, ledger: [], entries, at: now, alsoWrite: [...events, ...(req.idempotency ? [req.idempotency.record(result)] : [])] });
  if (outcome.kind !== 'written') throw chargeChanged();
  // The answer names the entries as written (their ids are the store's).
  return { ...result, body: { ...(result.body as ChargeView), entries: [...outcome.entries] } };
};

/** The center's profile, read in the case's batch: its waiver categories (`feeWaivers`). */
const profileOf = (found: Map<string, Item>, centerId: string) => itemAt(found, centerProfileKey(centerId));

// ---------------------------------------------------------------------------
// Actions

type ActionRequest = HttpRequest<Record<string, unknown>, Record<string, never>, { caseNo: string; chargeId: string }>;

/** Creates (or finds again, under the same number) the provider's order of a charge waiting for payment. */
async function placeOrder(r: ChargeRecord, order: NonNullable<ChargeRecord['order']>, notifyBase: string): Promise<NonNullable<ChargeRecord['order']>> {
  const { provider, notifyUrl } = paymentProvider();
  try {
    const created = await provider.createOrder({
      outTradeNo: order.outTradeNo, amountFen: r.grossFen - (r.waiver?.decision === 'approved' ? r.waiver.amountFen : 0),
      description: `${r.item.code} ${r.caseNo}`, notifyUrl: notifyUrl ?? notifyBase, expiresAt: order.expiresAt,
    });
    return { ...order, payUrl: created.payUrl };
  } catch (err) {
    if (err instanceof ProviderRefusal) throw problem(feeProblems['provider-refused'], msg(`支付渠道拒绝下单：${err.code}。`, `The payment provider refused the order: ${err.code}.`));
    // Timed out or unreachable: the order may exist or not; asking again under the same number settles it, never a second order.
    logger.warn('payment order not confirmed', { chargeId: r.chargeId, error: (err as Error).name });
    return order;
  }
}

const notifyBaseOf = (req: Pick<HttpRequest, 'event'>) => `https://${req.event.requestContext.domainName}/payments/notify`;

function runAction(action: string) {
  return async (req: ActionRequest): Promise<HttpResult> => {
    const caller = callerOf(req.event);
    const now = new Date().toISOString();
    const { caseNo, chargeId } = req.params;
    const ctx = await caseCharges(req, caller, caseNo, now);
    await assertMayRead(caller, ctx.record);
    const stored = ctx.charges.get(chargeId);
    if (!stored) throw noSuchCharge(caseNo, chargeId);
    const { record: current, entries } = stored;
    const sent = ifMatch(req);
    if (sent === undefined) throw preconditionRequired();
    if (sent !== String(current.version)) throw chargeChanged();
    const permission = permissionOf[action]!;
    const why = denial(caller, permission, { centerId: current.centerId, departmentIds: [current.item.departmentId] });
    if (why) throw forbidden(why);
    const balance = balanceOf(entries);
    const decision = decide(action, current, { caller, today: ctx.today, balance });
    if (!decision.ok) throw decision.refusal;
    const actor = actorOf(caller, permission, current.item.departmentId);
    const stage = current.terms?.stage ?? 'before_delivery';
    const base = { source, centerId: current.centerId, occurredAt: now, actor, subject: subjectOf(caseNo) };
    const ids = { caseNo, chargeId };
    const drafts: EntryDraft[] = [];
    const events: store.TransactItem[] = [];
    const ev = <K extends keyof FeeEventData>(detailType: K, data: FeeEventData[K]) => events.push(store.feeEvent(current.centerId, caseNo, { ...base, detailType, data }));
    let next: ChargeRecord = { ...current, version: current.version + 1 };
    let order: ChargeRecord['order'];

    switch (action) {
      case 'requestWaiver': {
        const body = req.body as WaiverRequestBody;
        const category = waiverCategoriesOf(profileOf(ctx.found, current.centerId)).find((w) => w.categoryId === body.categoryId);
        if (!category) throw validationFailed([{ path: '/body/categoryId', code: 'unknown_category', message: msg('不是本中心的减免类别', 'is not one of the center\'s waiver categories') }]);
        const amountFen = waiverAmount(current.grossFen, category);
        next = { ...next, waiver: { category, amountFen, reason: body.reason, requestedBy: caller.userId, requestedAt: now } };
        ev('WaiverRequested', { ...ids, categoryId: category.categoryId, amountFen });
        break;
      }
      case 'approveWaiver':
      case 'rejectWaiver': {
        const w = current.waiver!;
        const approved = action === 'approveWaiver';
        next = { ...next, waiver: { ...w, decision: approved ? 'approved' : 'rejected', decidedBy: caller.userId, decidedAt: now } };
        if (approved && w.amountFen > 0) drafts.push({ chargeId, type: 'waiver', amountFen: Math.min(w.amountFen, balance.dueFen), at: now, by: caller.userId, note: w.category.categoryId });
        ev('WaiverDecided', { ...ids, categoryId: w.category.categoryId, decision: approved ? 'approved' : 'rejected', amountFen: w.amountFen });
        break;
      }
      case 'cancel':
        drafts.push(...writeOff(chargeId, entries, caller.userId, now, (req.body as CancelBody).reason));
        ev('ChargeCancelled', { ...ids, stage });
        break;
      case 'requestRefund': {
        const body = req.body as RefundRequestBody;
        const refundable = balance.receivedFen - balance.refundedFen;
        if (body.amountFen > refundable) {
          throw problem(feeProblems['refund-exceeds-received'], msg(`最多可退 ${refundable} 分。`, `At most ${refundable} fen can be refunded.`), [
            { path: '/body/amountFen', code: 'above_refundable', message: msg(`不能超过 ${refundable} 分`, `must be at most ${refundable}`) },
          ]);
        }
        const outRefundNo = `${chargeId}R${current.version}`;
        next = { ...next, refund: { outRefundNo, amountFen: body.amountFen, reason: body.reason, requestedBy: caller.userId, requestedAt: now, returnTo: current.state } };
        ev('RefundRequested', { ...ids, outRefundNo, amountFen: body.amountFen });
        break;
      }
      case 'approveRefund':
      case 'rejectRefund': {
        const refund = current.refund!;
        if (action === 'approveRefund') {
          paymentProvider();
          next = { ...next, refund: { ...refund, approvedBy: caller.userId, approvedAt: now } };
          drafts.push(...refundApproval(chargeId, entries, refund, caller.userId, now));
        } else {
          const { refund: _dropped, ...rest } = next;
          next = rest;
        }
        ev('RefundDecided', { ...ids, outRefundNo: refund.outRefundNo, decision: action === 'approveRefund' ? 'approved' : 'rejected', amountFen: refund.amountFen });
        break;
      }
    }
    const after = balanceOf([...entries, ...drafts]);
    const state = nextState(decision.transition, current, after.dueFen);
    next = { ...next, state };
    if (state === 'to_pay') {
      // The payment notice: a provider is needed for a sum due, before anything is written.
      paymentProvider();
      const payBy = addWorkingDays(ctx.cal, ctx.today, current.terms?.unpaidExpiryWorkingDays ?? 15);
      order = { outTradeNo: chargeId, expiresAt: orderExpiry(ctx.cal, payBy) };
      next = { ...next, payBy, order };
      ev('ChargeIssued', { ...ids, stage, dueFen: after.dueFen, payBy });
    }
    if (state === 'paid' && current.state !== 'paid') ev('ChargeSettled', { ...ids, stage, how: 'waived' });
    const body = view(next, [...entries, ...drafts.map((d) => ({ ...d, entryId: '' }))], caller, ctx.today);
    const outcome = await store.writeCharge({
      next, readVersion: current.version, ledger: entries, entries: drafts, at: now,
      ...(order ? { order: { outTradeNo: order.outTradeNo } } : {}),
      alsoWrite: [...events, ...(req.idempotency ? [req.idempotency.record(tagged(next, body))] : [])],
    });
    if (outcome.kind !== 'written') throw chargeChanged();
    const written = [...entries, ...outcome.entries];
    if (order) {
      // The pointer is written: whatever the provider notifies finds the charge. The pay URL is the provider's answer, not stored.
      const placed = await placeOrder(next, order, notifyBaseOf(req));
      return tagged(next, { ...view(next, written, caller, ctx.today), payment: placed });
    }
    if (action === 'approveRefund') return tagged(next, await executeRefund(next, caller, ctx.today, written));
    if (action === 'cancel' && current.order) await closeCancelledOrder(next);
    return tagged(next, view(next, written, caller, ctx.today));
  };
}

/**
 * Sends an approved refund to the provider under its refund number (a second
 * send is the same refund) and records its answer as the notification would,
 * on the charge just written (one more transaction, no read): whichever of
 * the answer and the notification comes first is recorded, the other is a
 * duplicate at the refund's marker.
 */
async function executeRefund(r: ChargeRecord, caller: Caller, today: string, entries: store.StoredCharge['entries']): Promise<ChargeView> {
  const refund = r.refund!;
  let done;
  try {
    done = await paymentProvider().provider.refund({ outTradeNo: r.chargeId, outRefundNo: refund.outRefundNo, amountFen: refund.amountFen });
  } catch (err) {
    if (err instanceof ProviderRefusal) throw problem(feeProblems['provider-refused'], msg(`支付渠道拒绝退款：${err.code}。`, `The payment provider refused the refund: ${err.code}.`));
    // Unknown outcome: the charge stays `refunding` until the provider's notification (or a query) says.
    logger.warn('refund not confirmed', { chargeId: r.chargeId, error: (err as Error).name });
    return view(r, entries, caller, today);
  }
  const outcome = recordRefund(r, entries, { outRefundNo: done.outRefundNo, refundId: done.refundId, amountFen: done.amountFen, refundedAt: done.refundedAt });
  if (outcome.kind !== 'recorded') return view(r, entries, caller, today);
  const finished = decide('refunded', r, { today, balance: balanceOf([...entries, ...outcome.entries]) });
  const next: ChargeRecord = { ...r, state: finished.ok ? nextState(finished.transition, r, 0) : r.state, version: r.version + 1 };
  const at = new Date().toISOString();
  const written = await store.writeCharge({
    next, readVersion: r.version, ledger: entries, entries: outcome.entries, at, records: { outRefundNo: refund.outRefundNo },
    alsoWrite: refundEvents(at)(next, outcome.entries),
  });
  if (written.kind === 'written') return view(next, [...entries, ...written.entries], caller, today);
  // The notification was first (duplicate) or changed the charge meanwhile (stale): it recorded the same refund; answer the charge as it is.
  const now = (await store.chargesOf(r.centerId, r.caseNo)).get(r.chargeId)!;
  return view(now.record, now.entries, caller, today);
}

/**
 * Closes the provider's order of a charge a clerk cancelled, after the write,
 * so the payer can no longer pay it. Whatever the answer the fees watch looks
 * at the charge on its next run (watching.ts): it confirms the order closed,
 * tries again after a timeout, and records and returns a payment made meanwhile.
 */
async function closeCancelledOrder(r: ChargeRecord): Promise<void> {
  try {
    await paymentProvider().provider.closeOrder(r.order!.outTradeNo);
  } catch (err) {
    logger.warn('payment order not closed', { chargeId: r.chargeId, error: err instanceof ProviderRefusal ? err.code : (err as Error).name });
  }
}

const actionOperations = Object.fromEntries(chargeActions.map((action) => [`charge${action[0]!.toUpperCase()}${action.slice(1)}`, runAction(action)]));

const chargePaymentOrder: Ops['chargePaymentOrder'] = async (req) => {
  const caller = callerOf(req.event);
  const now = new Date().toISOString();
  const ctx = await caseCharges(req, caller, req.params.caseNo, now);
  await assertMayRead(caller, ctx.record);
  const stored = ctx.charges.get(req.params.chargeId);
  if (!stored) throw noSuchCharge(req.params.caseNo, req.params.chargeId);
  const { record, entries } = stored;
  if (record.state !== 'to_pay' || !record.order) throw problem(feeProblems['nothing-due'], msg('该收费不在待缴费状态。', 'The charge is not waiting for payment.'));
  const placed = await placeOrder(record, record.order, notifyBaseOf(req));
  return tagged(record, { ...view(record, entries, caller, ctx.today), payment: placed });
};

// ---------------------------------------------------------------------------
// The provider's notifications

/** The provider's days are China's; only the `expire` guard reads a date, and no notification takes that action. */
const chinaToday = () => store.statementDay(new Date().toISOString());

const paymentNotify: Ops['paymentNotify'] = async (req) => {
  const { publicKeys } = paymentProvider();
  const raw = req.event.body ?? '';
  const body = req.event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const checked = verifyNotification(req.headers, body, publicKeys, new Date());
  if (!checked.ok) {
    logger.warn('payment notification refused', { reason: checked.reason });
    throw unauthorized(msg('通知签名无效。', 'The notification is not validly signed by the payment provider.'));
  }
  const n = checked.notification;
  if (n.eventType === 'TRANSACTION.SUCCESS') {
    // A payment that found nothing due goes back at once; a return not confirmed is the fees watch's to retry.
    const result = await recordPaymentNotice({ transactionId: n.transactionId, outTradeNo: n.outTradeNo, amountFen: n.amountFen, paidAt: n.paidAt }, chinaToday(), paymentEvents(n.transactionId, new Date().toISOString()), paymentProvider().provider);
    logger.info('payment notification', { outcome: result.kind });
  } else {
    const result = await recordRefundNotice({ outTradeNo: n.outTradeNo, outRefundNo: n.outRefundNo, refundId: n.refundId, amountFen: n.amountFen, refundedAt: n.refundedAt }, chinaToday(), refundEvents(new Date().toISOString()));
    logger.info('refund notification', { outcome: result.kind });
  }
  // Recorded, a duplicate, or an order OneStop never made (reconciliation lists it): the provider stops sending either way.
  return { status: 200, body: { code: 'SUCCESS' as const } };
};

const http = httpHandler(feesDomainRoutes, {
  listCaseCharges,
  assessCharge: assessChargeOp,
  chargePaymentOrder,
  paymentNotify,
  ...actionOperations,
  ...financeOperations,
} as Ops & typeof financeOperations);

/** One function for the domain: API Gateway's requests, and the daily reconciliation's schedule (its events have no request context). */
export const handler = (event: Parameters<typeof http>[0] | ScheduledEvent, context: Parameters<typeof http>[1]) =>
  'requestContext' in event ? http(event, context) : reconcileScheduled(event);

