/**
 * The fees watch (functions/fees/watch.ts) over the local cloud and its
 * payment provider simulator, without moving the cloud's clock: the watch's
 * own function runs in this process at a given instant (past a charge's first
 * question, past its last day to pay), on the cloud's table, against the
 * simulator (whose clock is the cloud's: its orders are still open), and what
 * it writes goes through the real outbox, bus and the case's payment gate.
 *
 *  - A lost callback (the payment's notification held back) is settled by the
 *    watch asking the provider: the payment recorded as the notification would
 *    (same entries, same events), the case's gate opens; the notification,
 *    delivered late, changes nothing.
 *  - An unpaid charge past its last day to pay expires (written off,
 *    ChargeExpired) and the case follows its item's setting (terminated); its
 *    order's closing timed out once, and the next run closes it.
 *  - A payment made on the last day whose callback never came, on a charge the
 *    watch expires with the provider unreachable: closing the order finds it
 *    paid, the payment is recorded (unapplied: the charge expired) and goes
 *    back under its return number; the return timed out once and the next run
 *    sends it; the ledger balances to nothing held, nothing kept.
 *  - A clerk's cancel closes the order at once, and the watch's next run
 *    confirms it closed; a payment made just before the cancel, notified after
 *    it, is recorded as unapplied by the notification route and returned at once.
 *
 * Only this file's charges are watched (their own index entries): other files'
 * charges in the shared table are left to their own tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv } from '../../local/lambda/runtime.ts';
import { api, call, cloud, until } from './api-client.ts';
import { completedRoadCase } from './cases-client.ts';
import { providerCallbacks } from './fees-client.ts';
import { eventFor, inProcess } from './in-process.ts';

let fees: Awaited<ReturnType<typeof inProcess>>;
let callbacks: Awaited<ReturnType<typeof providerCallbacks>>;
const deliveries: { outTradeNo: string; eventType: string; status: number }[] = [];
/** The DynamoDB commands the watch sent while `counting` is set. */
const commands: string[] = [];
let counting = false;

beforeAll(async () => {
  callbacks = await providerCallbacks(async (headers, raw) => {
    const r = await fees({ ...eventFor(undefined, 'POST', '/payments/notify', '/payments/notify', { headers: { 'content-type': 'application/json', ...headers } }), body: raw });
    const n = JSON.parse(raw) as { outTradeNo: string; eventType: string };
    deliveries.push({ outTradeNo: n.outTradeNo, eventType: n.eventType, status: r.status });
    return r;
  });
  const env = Object.fromEntries(Object.entries(emulatorEnv(cloud.endpoints)).filter(([k]) => k.startsWith('PAYMENT_')));
  fees = await inProcess(() => import('../../functions/fees/handler.ts'), { ...env, PAYMENT_NOTIFY_URL: callbacks.url });
  const { db } = await import('#shared/db');
  db.middlewareStack.add((next, context) => async (args) => {
    if (counting) commands.push(context.commandName ?? 'unknown');
    return next(args);
  }, { step: 'initialize', name: 'countWatchRequests' });
});
afterAll(() => callbacks.close());

const { watchCharge } = await import('../../functions/fees/watch.ts');
const store = await import('../../functions/fees/store.ts');
const { paymentProvider } = await import('../../functions/fees/provider/configured.ts');
type Provider = ReturnType<typeof paymentProvider>['provider'];

const feeCall = (method: string, path: string, route: string, as: string, opts: { params: Record<string, string>; body?: unknown; headers?: Record<string, string> }) =>
  fees(eventFor(as, method, path, route, { params: opts.params, ...(opts.body !== undefined ? { body: opts.body } : {}), headers: { 'accept-language': 'en', ...opts.headers } }));


/** A completed road case with its charge of 71 000 fen issued and waiting for payment. */
async function issuedCharge() {
  const caseNo = await completedRoadCase();
  const assessed = await feeCall('POST', `/cases/${caseNo}/charges`, '/cases/{caseNo}/charges', 'clerk.housing', { params: { caseNo }, body: { lines: [{ feeId: 'occupation', quantity: 10 }, { feeId: 'excavation-repair', quantity: 2 }] } });
  expect(assessed.status, JSON.stringify(assessed.body)).toBe(201);
  const chargeId = assessed.body.chargeId as string;
  const issued = await feeCall('POST', `/cases/${caseNo}/charges/${chargeId}/issue`, `/cases/{caseNo}/charges/{chargeId}/issue`, 'clerk.housing', { params: { caseNo, chargeId }, headers: { 'if-match': assessed.etag } });
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  await until('the case waits to pay', async () => ((await caseState(caseNo)) === 'to_pay' ? true : undefined), 20_000);
  return { caseNo, chargeId, payUrl: issued.body.payment.payUrl as string, expiresAt: issued.body.payment.expiresAt as string };
}

const charge = async (caseNo: string, chargeId: string) => (await store.chargesOf('center-demo', caseNo)).get(chargeId)!;
const caseState = async (caseNo: string) => (await call('GET', `/cases/${caseNo}`, { as: 'clerk.housing' })).body.state as string;
const pay = async (payUrl: string) => {
  const res = await fetch(payUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notify: 'withhold' }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { transactionId: string };
};
const heldNotification = async (outTradeNo: string) => {
  const { notifications } = (await (await fetch(`${api}/local/payments/outbox`)).json()) as { notifications: { id: string; outTradeNo: string; eventType: string; held: boolean }[] };
  return notifications.find((n) => n.outTradeNo === outTradeNo && n.eventType === 'TRANSACTION.SUCCESS' && n.held)!;
};
const deliverLate = (id: string) => fetch(`${api}/local/payments/outbox/deliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: [id] }) });

/** The charge's own entry on the watch index, if its wake-up has come by `now`. */
async function watchEntry(chargeId: string, now: string) {
  const due = (await Promise.all(Array.from({ length: store.WATCH_SHARDS }, (_, shard) => store.watchDue(shard, now)))).flat();
  return due.find((e) => e.chargeId === chargeId);
}
/** One run of the watch on the charge at `now`, with the DynamoDB commands it sent. */
async function watchAt(chargeId: string, now: string, provider?: Provider) {
  const entry = await watchEntry(chargeId, now);
  expect(entry, `charge ${chargeId} on the watch by ${now}`).toBeDefined();
  commands.length = 0;
  counting = true;
  try {
    return { look: await watchCharge(entry!, now, provider), commands: [...commands] };
  } finally {
    counting = false;
  }
}
const plusMinutes = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * 60_000).toISOString();
const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
/** The provider with `method` timing out on its first `times` calls. */
function flaky(method: 'queryOrder' | 'closeOrder' | 'refund', times = 1): Provider {
  const real = paymentProvider().provider;
  let left = times;
  return { ...real, [method]: async (...args: never[]) => {
    if (left-- > 0) throw timeout();
    return (real[method] as (...a: never[]) => Promise<unknown>)(...args);
  } } as Provider;
}
const ledger = (entries: readonly { type: string; amountFen: number }[]) => entries.map((e) => [e.type, e.amountFen]);

describe('the fees watch', () => {
  it('a lost callback: the watch asks the provider, records the payment as the notification would, and the case\'s gate opens', async () => {
    const { caseNo, chargeId, payUrl } = await issuedCharge();
    const now = new Date().toISOString();
    // On the watch from the notice, first asked a quarter of an hour on: not before.
    expect(await watchEntry(chargeId, plusMinutes(now, 13))).toBeUndefined();
    // Unpaid when first asked: asked again an hour on.
    const unpaid = await watchAt(chargeId, plusMinutes(now, 16));
    expect(unpaid.look).toBe('unpaid');
    expect(await watchEntry(chargeId, plusMinutes(now, 16 + 59))).toBeUndefined();
    expect(await watchEntry(chargeId, plusMinutes(now, 16 + 61))).toBeDefined();

    const paid = await pay(payUrl);
    const settled = await watchAt(chargeId, plusMinutes(now, 77));
    expect(settled.look).toBe('settled');
    // The charge partition's Query, the order pointer's GetItem, the partition again (the recording's own read), one transaction.
    expect(settled.commands).toEqual(['QueryCommand', 'GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    console.log(`fees watch, lost callback settled: ${settled.commands.join(', ')}`);
    const s = await charge(caseNo, chargeId);
    expect(s.record.state).toBe('paid');
    expect(ledger(s.entries)).toEqual([['charge', 71_000], ['payment', 71_000]]);
    expect(s.entries[1]!.transactionId).toBe(paid.transactionId);
    // Off the watch once paid.
    expect(await watchEntry(chargeId, plusMinutes(now, 60 * 24 * 40))).toBeUndefined();
    await until('the case\'s gate opens', async () => ((await caseState(caseNo)) === 'completed' ? true : undefined), 20_000);

    // The notification, delivered at last: answered 200, nothing more written.
    await deliverLate((await heldNotification(chargeId)).id);
    await until('the late notification answered', async () => (deliveries.some((d) => d.outTradeNo === chargeId && d.eventType === 'TRANSACTION.SUCCESS') ? true : undefined), 20_000);
    expect(deliveries.filter((d) => d.outTradeNo === chargeId).map((d) => d.status)).toEqual([200]);
    expect((await charge(caseNo, chargeId)).entries).toHaveLength(2);
  });

  it('unpaid past the last day to pay: expired and written off, the case terminated (the item\'s setting); a closing that timed out is retried', async () => {
    const { caseNo, chargeId, expiresAt } = await issuedCharge();
    const justBefore = plusMinutes(expiresAt, -1);
    expect((await watchAt(chargeId, justBefore)).look).toBe('unpaid');
    expect((await charge(caseNo, chargeId)).record.state).toBe('to_pay');

    const after = plusMinutes(expiresAt, 1);
    const expired = await watchAt(chargeId, after, flaky('closeOrder'));
    expect(expired.look).toBe('expired');
    console.log(`fees watch, expiry (closing timed out): ${expired.commands.join(', ')}`);
    let s = await charge(caseNo, chargeId);
    expect(s.record).toMatchObject({ state: 'expired' });
    expect(s.record.orderClosed).toBeUndefined();
    expect(ledger(s.entries)).toEqual([['charge', 71_000], ['write_off', 71_000]]);
    await until('the case follows its item\'s setting', async () => ((await caseState(caseNo)) === 'terminated' ? true : undefined), 20_000);
    // The provider still takes payment on the order: the watch looks again on its next run.
    expect((await paymentProvider().provider.queryOrder(chargeId))?.status).toBe('NOTPAY');

    const closed = await watchAt(chargeId, plusMinutes(after, 15));
    expect(closed.look).toBe('closed');
    console.log(`fees watch, order closed: ${closed.commands.join(', ')}`);
    s = await charge(caseNo, chargeId);
    expect(s.record).toMatchObject({ state: 'expired', orderClosed: true });
    expect((await paymentProvider().provider.queryOrder(chargeId))?.status).toBe('CLOSED');
    expect(await watchEntry(chargeId, plusMinutes(after, 60 * 24 * 40))).toBeUndefined();
  });

  it('paid on the last day, callback lost, the provider unreachable at expiry: the payment is recorded on the expired charge and returned automatically', async () => {
    const { caseNo, chargeId, payUrl, expiresAt } = await issuedCharge();
    const paid = await pay(payUrl);
    const after = plusMinutes(expiresAt, 1);
    // The question times out: the charge expires all the same; closing its order finds it paid; the return times out.
    let provider = flaky('queryOrder');
    provider = { ...provider, refund: flaky('refund').refund };
    const first = await watchAt(chargeId, after, provider);
    expect(first.look).toBe('returned');
    console.log(`fees watch, expiry + late payment recorded (return timed out): ${first.commands.join(', ')}`);
    let s = await charge(caseNo, chargeId);
    expect(s.record.state).toBe('expired');
    expect(ledger(s.entries)).toEqual([['charge', 71_000], ['write_off', 71_000], ['unapplied_payment', 71_000]]);

    const second = await watchAt(chargeId, plusMinutes(after, 15));
    expect(second.look).toBe('returned');
    console.log(`fees watch, return sent: ${second.commands.join(', ')}`);
    s = await until('the return recorded', async () => {
      const c = await charge(caseNo, chargeId);
      return c.entries.some((e) => e.type === 'refund') ? c : undefined;
    });
    expect(s.record.state).toBe('expired');
    expect(ledger(s.entries)).toEqual([['charge', 71_000], ['write_off', 71_000], ['unapplied_payment', 71_000], ['refund', 71_000]]);
    const refund = s.entries.find((e) => e.type === 'refund')!;
    expect(refund.outRefundNo).toBe(`U${paid.transactionId}`);
    const { balanceOf } = await import('../../functions/fees/ledger.ts');
    expect(balanceOf(s.entries)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 71_000, refundedFen: 71_000, revenueFen: 0 });
    console.log(`ledger of the expired charge: ${JSON.stringify(ledger(s.entries))}, balance ${JSON.stringify(balanceOf(s.entries))}`);
    // The provider refunded once, under the return number, and sending it again is the same refund.
    const state = await paymentProvider().provider.queryOrder(chargeId);
    expect(state).toMatchObject({ status: 'REFUND', refundedFen: 71_000 });
    const again = await paymentProvider().provider.refund({ outTradeNo: chargeId, outRefundNo: `U${paid.transactionId}`, amountFen: 71_000 });
    expect(again.refundId).toBe(refund.refundId);
    // The provider's refund notification and the late payment notification change nothing.
    await until('the refund notification answered', async () => (deliveries.some((d) => d.outTradeNo === chargeId && d.eventType === 'REFUND.SUCCESS') ? true : undefined), 20_000);
    await deliverLate((await heldNotification(chargeId)).id);
    await until('the late payment notification answered', async () => (deliveries.some((d) => d.outTradeNo === chargeId && d.eventType === 'TRANSACTION.SUCCESS') ? true : undefined), 20_000);
    expect(deliveries.filter((d) => d.outTradeNo === chargeId).map((d) => d.status)).toEqual([200, 200]);
    expect((await charge(caseNo, chargeId)).entries).toHaveLength(4);
    expect(await watchEntry(chargeId, plusMinutes(after, 60 * 24 * 40))).toBeUndefined();
    await until('the case follows its item\'s setting', async () => ((await caseState(caseNo)) === 'terminated' ? true : undefined), 20_000);
  });

  it('a clerk\'s cancel closes the order; a payment notified after the cancel goes back at once', async () => {
    const cancel = async (caseNo: string, chargeId: string) => {
      const etag = `"${(await charge(caseNo, chargeId)).record.version}"`;
      const res = await feeCall('POST', `/cases/${caseNo}/charges/${chargeId}/cancel`, '/cases/{caseNo}/charges/{chargeId}/cancel', 'clerk.housing', { params: { caseNo, chargeId }, headers: { 'if-match': etag }, body: { reason: '核价有误' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res;
    };
    const plain = await issuedCharge();
    const cancelled = await cancel(plain.caseNo, plain.chargeId);
    console.log(`cancel (with the order's closing): ${cancelled.commands.join(', ')}`);
    expect((await paymentProvider().provider.queryOrder(plain.chargeId))?.status).toBe('CLOSED');
    const confirmed = await watchAt(plain.chargeId, new Date().toISOString());
    expect(confirmed.look).toBe('closed');
    expect((await charge(plain.caseNo, plain.chargeId)).record).toMatchObject({ state: 'cancelled', orderClosed: true });

    const late = await issuedCharge();
    const paid = await pay(late.payUrl);
    await cancel(late.caseNo, late.chargeId);
    await deliverLate((await heldNotification(late.chargeId)).id);
    const s = await until('the payment recorded and returned', async () => {
      const c = await charge(late.caseNo, late.chargeId);
      return c.entries.some((e) => e.type === 'refund') ? c : undefined;
    });
    expect(s.record).toMatchObject({ state: 'cancelled', orderClosed: true });
    expect(ledger(s.entries)).toEqual([['charge', 71_000], ['write_off', 71_000], ['unapplied_payment', 71_000], ['refund', 71_000]]);
    expect(s.entries[3]!.outRefundNo).toBe(`U${paid.transactionId}`);
    // Nothing left for the watch: the order is paid (it takes no more) and the money went back.
    expect(await watchEntry(late.chargeId, plusMinutes(new Date().toISOString(), 60 * 24 * 40))).toBeUndefined();
  });
});
