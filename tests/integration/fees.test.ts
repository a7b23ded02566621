/**
 * The fees domain's HTTP door and the payment journey over the local cloud,
 * with the payment provider simulator (local/payments/): on the seeded road
 * item (370982-ZJ-XK-004, fees paid before delivery) a granted, completed case
 * is assessed (核价), its payment notice issued, paid on the simulator's
 * cashier, the signed notification recorded once (sent twice; or held back
 * and delivered late), the case's gate opened by ChargeSettled; forged
 * notifications refused with 401 and nothing written; bad input refused with
 * the field and nothing written; a refund asked by a clerk, approved by an
 * approver, executed by the provider and recorded once; and the DynamoDB
 * requests of each fee operation.
 *
 * The fees handler runs in this process (in-process.ts: its DynamoDB requests
 * counted) against the local cloud's table, bus and simulator; the simulator
 * calls it back through a small HTTP server here, as API Gateway would.
 * Everything else (the case, its payment gate, the audit log) is the cloud's.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signNotification } from '../../functions/fees/provider/protocol.ts';
import { emulatorEnv } from '../../local/lambda/runtime.ts';
import { api, call, centerToday, cloud, until } from './api-client.ts';
import { completedRoadCase } from './cases-client.ts';
import { providerCallbacks } from './fees-client.ts';
import { eventFor, inProcess } from './in-process.ts';

let fees: Awaited<ReturnType<typeof inProcess>>;
let callbacks: Awaited<ReturnType<typeof providerCallbacks>>;
/** Every fee operation's DynamoDB commands, by name, for the figures at the end. */
const figures: Record<string, string[]> = {};
/** What the provider delivered to the notification route, and the answer. */
const deliveries: { outTradeNo: string; eventType: string; status: number; headers: Record<string, string>; raw: string }[] = [];
/** Set while one delivery at a time is awaited: its DynamoDB commands are recorded under this name. */
let notifyName: string | undefined;
const deliveredTo = (outTradeNo: string, eventType = 'TRANSACTION.SUCCESS') => deliveries.filter((d) => d.outTradeNo === outTradeNo && d.eventType === eventType);

/** The provider's callbacks reach the in-process handler as API Gateway's payload. */
beforeAll(async () => {
  callbacks = await providerCallbacks(async (headers, raw) => {
    const r = await notify(headers, raw, notifyName);
    const n = JSON.parse(raw) as { outTradeNo: string; eventType: string };
    deliveries.push({ outTradeNo: n.outTradeNo, eventType: n.eventType, status: r.status, headers, raw });
    return r;
  });
  const env = Object.fromEntries(Object.entries(emulatorEnv(cloud.endpoints)).filter(([k]) => k.startsWith('PAYMENT_')));
  fees = await inProcess(() => import('../../functions/fees/handler.ts'), { ...env, PAYMENT_NOTIFY_URL: callbacks.url });
});
afterAll(() => callbacks.close());

/** A fees route, as `as`, through the in-process handler; `name` records its DynamoDB commands. */
async function feeCall(method: string, path: string, route: string, opts: { as?: string; params?: Record<string, string>; body?: unknown; headers?: Record<string, string>; name?: string } = {}) {
  const res = await fees(eventFor(opts.as, method, path, route, { ...(opts.params ? { params: opts.params } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}), headers: { 'accept-language': 'en', ...opts.headers } }));
  if (opts.name && res.status < 400) figures[opts.name] ??= res.commands;
  return res;
}
async function notify(headers: Record<string, string>, raw: string, name?: string) {
  const event = { ...eventFor(undefined, 'POST', '/payments/notify', '/payments/notify', { headers: { 'content-type': 'application/json', ...headers } }), body: raw };
  const res = await fees(event);
  if (name) figures[name] ??= res.commands;
  return res;
}
const typeOf = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;


const charges = async (caseNo: string, as = 'clerk.housing') => {
  const res = await feeCall('GET', `/cases/${caseNo}/charges`, '/cases/{caseNo}/charges', { as, params: { caseNo }, name: 'list charges' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as any[];
};
const chargeAction = (caseNo: string, chargeId: string, action: string, as: string, etag: string, body?: unknown) =>
  // approveRefund is not counted here: the provider's notification of the refund runs in this process at the same moment.
  feeCall('POST', `/cases/${caseNo}/charges/${chargeId}/${action}`, `/cases/{caseNo}/charges/{chargeId}/${action}`, { as, params: { caseNo, chargeId }, headers: { 'if-match': etag }, ...(body !== undefined ? { body } : {}), ...(action === 'approveRefund' ? {} : { name: action }) });
const assess = (caseNo: string, as: string, body: unknown) => feeCall('POST', `/cases/${caseNo}/charges`, '/cases/{caseNo}/charges', { as, params: { caseNo }, body, name: 'assess' });
const caseState = async (caseNo: string) => (await call('GET', `/cases/${caseNo}`, { as: 'clerk.housing' })).body.state as string;
const cashier = async (payUrl: string, notify: 'once' | 'twice' | 'withhold') => {
  const res = await fetch(payUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notify }) });
  return { status: res.status, body: (await res.json()) as any };
};
const paidWhen = (caseNo: string, chargeId: string) => until(`charge ${chargeId} paid`, async () => {
  const c = (await charges(caseNo)).find((x) => x.chargeId === chargeId);
  return c?.state === 'paid' ? c : undefined;
}, 20_000);

/** Assessed and issued: 10 m²·days of occupation and 2 m² of excavation repair = 1 000 + 70 000 fen. */
async function issuedCharge(caseNo: string) {
  const assessed = await assess(caseNo, 'clerk.housing', { lines: [{ feeId: 'occupation', quantity: 10 }, { feeId: 'excavation-repair', quantity: 2 }] });
  expect(assessed.status, JSON.stringify(assessed.body)).toBe(201);
  const issued = await chargeAction(caseNo, assessed.body.chargeId, 'issue', 'clerk.housing', assessed.etag);
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  return { assessed, issued };
}

describe('the payment journey through the provider simulator', () => {
  let caseNo: string;
  beforeAll(async () => {
    caseNo = await completedRoadCase();
  });

  it('bad input is refused with the field at fault and nothing written', async () => {
    const assessLines = (lines: unknown) => assess(caseNo, 'clerk.housing', { lines });
    const negative = await assessLines([{ feeId: 'occupation', quantity: -3 }]);
    expect(negative.status).toBe(400);
    expect(negative.body.errors.map((e: { path: string }) => e.path)).toContain('/body/lines/0/quantity');
    const fractional = await assessLines([{ feeId: 'occupation', quantity: 2.5 }]);
    expect(fractional.status).toBe(400);
    expect(fractional.body.errors.map((e: { path: string }) => e.path)).toContain('/body/lines/0/quantity');
    const unknown = await assessLines([{ feeId: 'parking' }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toBe(typeOf('assessment-invalid'));
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/body/lines/0/feeId', code: 'unknown_fee' })]);
    const missing = await assessLines([{ feeId: 'occupation' }]);
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: '/body/lines/0/quantity', code: 'required' })]);
    const waiver = await assess(caseNo, 'clerk.housing', { lines: [{ feeId: 'occupation', quantity: 1 }], waiver: { categoryId: 'no-such-category', reason: '小微企业' } });
    expect(waiver.status).toBe(400);
    expect(waiver.body.type).toBe(typeOf('waiver-category-unknown'));
    // Only the lead department's clerk assesses.
    expect((await assess(caseNo, 'approver.housing', { lines: [{ feeId: 'occupation', quantity: 1 }] })).status).toBe(403);
    expect((await assess(caseNo, 'clerk.amr', { lines: [{ feeId: 'occupation', quantity: 1 }] })).status).toBe(403);
    expect(await charges(caseNo)).toEqual([]);
  });

  it('assess → issue → pay (notified twice) → paid once; forged notifications 401 and nothing written; the case\'s gate opens', async () => {
    const { assessed, issued } = await issuedCharge(caseNo);
    const chargeId = assessed.body.chargeId as string;
    expect(assessed.body).toMatchObject({ state: 'assessed', grossFen: 71_000, stage: 'before_delivery', balance: { dueFen: 71_000 }, nextActions: ['issue', 'requestWaiver', 'cancel'] });
    expect(issued.body).toMatchObject({ state: 'to_pay', payBy: expect.any(String), payment: { outTradeNo: chargeId, payUrl: expect.stringContaining('/local/payments/pay/') } });
    await until('the case waits to pay', async () => ((await caseState(caseNo)) === 'to_pay' ? true : undefined), 20_000);
    // A second open charge is refused while this one waits.
    const second = await assess(caseNo, 'clerk.housing', { lines: [{ feeId: 'occupation', quantity: 1 }] });
    expect(second.status).toBe(409);
    // The applicant reads the own case's charges with no actions, and asks where to pay: the same order, found again under its number.
    const mine = (await charges(caseNo, 'zhang.san'))[0];
    expect(mine).toMatchObject({ chargeId, state: 'to_pay', nextActions: [], payment: { outTradeNo: chargeId } });
    const where = await feeCall('POST', `/cases/${caseNo}/charges/${chargeId}/payment-order`, '/cases/{caseNo}/charges/{chargeId}/payment-order', { as: 'zhang.san', params: { caseNo, chargeId }, name: 'payment order' });
    expect(where.status, JSON.stringify(where.body)).toBe(200);
    expect(where.body.payment.payUrl).toBe(issued.body.payment.payUrl);

    // Forged: unsigned; signed by another key under the provider's serial; under a serial the provider never published.
    const { keys } = (await (await fetch(`${api}/local/payments/v1/certificates`)).json()) as { keys: { serial: string }[] };
    const body = JSON.stringify({ id: 'n-forged', eventType: 'TRANSACTION.SUCCESS', outTradeNo: chargeId, transactionId: 'tx-forged', amountFen: 71_000, paidAt: new Date().toISOString() });
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const signed = signNotification(forger, keys[0]!.serial, body, new Date(), randomBytes(12).toString('hex'));
    for (const attempt of [
      await notify({}, body, 'notify, forged'),
      await notify(signed, body),
      await notify(signed, body.replace('71000', '1')),
      await notify(signNotification(forger, 'sim-unknown', body, new Date(), randomBytes(12).toString('hex')), body),
    ]) {
      expect(attempt.status).toBe(401);
      expect(attempt.body.type).toBe(typeOf('unauthorized'));
    }
    expect((await charges(caseNo))[0]).toMatchObject({ state: 'to_pay', balance: { dueFen: 71_000, receivedFen: 0 } });

    const paid = await cashier(issued.body.payment.payUrl, 'twice');
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const charge = await paidWhen(caseNo, chargeId);
    expect(charge.balance).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 71_000, refundedFen: 0, revenueFen: 71_000 });
    expect(charge.entries.map((e: { type: string; amountFen: number }) => [e.type, e.amountFen])).toEqual([['charge', 71_000], ['payment', 71_000]]);
    expect(charge.entries[1].transactionId).toBe(paid.body.transactionId);
    // Both copies were answered 2xx; the second changed nothing.
    await until('both deliveries answered', async () => (deliveredTo(chargeId).length >= 2 ? true : undefined), 20_000);
    expect(deliveredTo(chargeId).map((d) => d.status)).toEqual([200, 200]);
    expect((await charges(caseNo))[0].entries).toHaveLength(2);
    // Paying a settled charge again: the provider refuses, and the charge's table too.
    expect((await cashier(issued.body.payment.payUrl, 'once')).status).toBe(409);
    const again = await chargeAction(caseNo, chargeId, 'issue', 'clerk.housing', `"${charge.version}"`);
    expect(again.status).toBe(409);
    expect(again.body.type).toBe(typeOf('wrong-state'));

    await until('the case\'s gate opens', async () => ((await caseState(caseNo)) === 'completed' ? true : undefined), 20_000);
    const today = centerToday();
    const journey = ['ChargeAssessed', 'ChargeIssued', 'PaymentRecorded', 'ChargeSettled'];
    const audited = await until('the fees events in the case\'s audit log', async () => {
      const res = await call('GET', `/audit/events?from=${today}&to=${today}&subjectType=case&subjectId=${encodeURIComponent(caseNo)}&limit=100`, { as: 'auditor' });
      const records = (res.body.items as { action: string; source: string }[]).filter((r) => r.source === 'onestop.fees');
      return journey.every((action) => records.some((r) => r.action === action)) ? records : undefined;
    }, 30_000);
    // Each once. The log's order is the order the consumer appended them in, which concurrent batches may swap.
    expect(audited.map((r) => r.action).filter((a) => journey.includes(a)).sort()).toEqual([...journey].sort());
  });

  it('a refund: asked by a clerk (never more than received), approved by someone else, executed once', async () => {
    const [charge] = await charges(caseNo);
    const tooMuch = await chargeAction(caseNo, charge.chargeId, 'requestRefund', 'clerk.housing', `"${charge.version}"`, { amountFen: 71_001, reason: '多收' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.type).toBe(typeOf('refund-exceeds-received'));
    expect(tooMuch.body.errors).toEqual([expect.objectContaining({ path: '/body/amountFen' })]);
    const asked = await chargeAction(caseNo, charge.chargeId, 'requestRefund', 'clerk.housing', `"${charge.version}"`, { amountFen: 1_000, reason: '占用面积核减' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({ state: 'refund_requested', refund: { amountFen: 1_000 } });
    // The clerk who asked does not decide it.
    expect((await chargeAction(caseNo, charge.chargeId, 'approveRefund', 'clerk.housing', asked.etag)).status).toBe(403);
    const approved = await chargeAction(caseNo, charge.chargeId, 'approveRefund', 'approver.housing', asked.etag);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ state: 'refunded', balance: { receivedFen: 71_000, refundedFen: 1_000, revenueFen: 70_000, toRefundFen: 0 } });
    // The provider's REFUND.SUCCESS notification follows the answer: a duplicate of what was recorded.
    await until('the refund notification answered', async () => (deliveredTo(charge.chargeId, 'REFUND.SUCCESS').length ? true : undefined), 20_000);
    expect(deliveredTo(charge.chargeId, 'REFUND.SUCCESS').map((d) => d.status)).toEqual([200]);
    const after = (await charges(caseNo))[0];
    expect(after.entries.map((e: { type: string }) => e.type)).toEqual(['charge', 'payment', 'refund_approved', 'refund']);
  });

  it('a notification held back and delivered late is recorded once', async () => {
    const late = await completedRoadCase();
    const { issued } = await issuedCharge(late);
    const chargeId = issued.body.chargeId as string;
    expect((await cashier(issued.body.payment.payUrl, 'withhold')).status).toBe(200);
    expect((await charges(late))[0]).toMatchObject({ state: 'to_pay', balance: { receivedFen: 0 } });
    const { notifications } = (await (await fetch(`${api}/local/payments/outbox`)).json()) as { notifications: { id: string; outTradeNo: string; held: boolean }[] };
    const held = notifications.find((n) => n.outTradeNo === chargeId && n.held)!;
    notifyName = 'notify, recorded';
    const delivered = await fetch(`${api}/local/payments/outbox/deliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [held.id] }) });
    expect(((await delivered.json()) as { delivered: { status: number }[] }).delivered).toEqual([{ id: held.id, status: 200 }]);
    // The same notification replayed (within its 5 minutes): answered 200, nothing written.
    const [first] = deliveredTo(chargeId);
    notifyName = undefined;
    const replayed = await notify(first!.headers, first!.raw, 'notify, duplicate');
    expect(replayed.status).toBe(200);
    const charge = await paidWhen(late, chargeId);
    expect(charge.entries.map((e: { type: string }) => e.type)).toEqual(['charge', 'payment']);
  });
});

describe('DynamoDB requests per fee operation', () => {
  it('are at most 3, but assessment\'s 4 (the item version\'s fees), and none for a forged notification', async () => {
    const caseNo = await completedRoadCase();
    const assessed = await assess(caseNo, 'clerk.housing', { lines: [{ feeId: 'occupation', quantity: 4 }] });
    const issued = await chargeAction(caseNo, assessed.body.chargeId, 'issue', 'clerk.housing', assessed.etag);
    const cancelled = await chargeAction(caseNo, assessed.body.chargeId, 'cancel', 'clerk.housing', issued.etag, { reason: '核价有误' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', balance: { dueFen: 0 } });
    console.log(`DynamoDB requests per fee operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(op === 'assess' ? 4 : 3);
      expect(cmds, op).not.toContain('ScanCommand');
    }
    expect(figures['list charges']!.sort()).toEqual(['BatchGetItemCommand', 'QueryCommand']);
    expect(figures['notify, forged']).toEqual([]);
    expect(figures['notify, recorded']).toEqual(['GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
  });
});
