/**
 * The payment-provider port's HTTP adapter against the local cloud's provider
 * simulator, over real HTTP on this machine: orders, the cashier's payment,
 * signed notifications (and what a forged, altered, replayed or unknown-key
 * one gets), duplicates, held-back deliveries released late and out of order,
 * retries on the emulated clock, refunds, expiry, the statement and the
 * differences a test injects into it, and a provider that does not answer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayProvider } from '../../../functions/fees/provider/gateway.ts';
import { ProviderRefusal } from '../../../functions/fees/provider/port.ts';
import { parseStatement, publicKeysOf, SIGNATURE_HEADERS, signNotification, statementCsv, verifyNotification, type Notification } from '../../../functions/fees/provider/protocol.ts';
import { LocalClock } from '../../../local/lambda/clock.ts';
import { PaymentSimulator, PREFIX } from '../../../local/payments/simulator.ts';

const merchant = { merchantId: 'm-test', apiKey: 'k-test' };
const clock = new LocalClock();

interface Received { readonly headers: Record<string, string | undefined>; readonly body: string }
const received: Received[] = [];
/** What the merchant's notify endpoint answers next (a queue; 200 when empty). */
const answers: number[] = [];

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

let sim: PaymentSimulator;
let notifyUrl: string;
let providerUrl: string;
const servers: Server[] = [];

beforeAll(async () => {
  const merchantSide = createServer(async (req, res) => {
    received.push({ headers: req.headers as Record<string, string | undefined>, body: await read(req) });
    res.writeHead(answers.shift() ?? 200).end();
  });
  notifyUrl = `${await listen(merchantSide)}/notify`;
  const providerSide = createServer(async (req, res) => {
    const text = await read(req);
    const url = new URL(req.url!, 'http://x');
    const out = await sim.handle(req.method!, url.pathname, text ? (JSON.parse(text) as Record<string, unknown>) : {}, req.headers as Record<string, string | undefined>);
    if (!out) return void res.writeHead(404).end();
    res.writeHead(out.status, Object.fromEntries(out.headers)).end(out.body);
  });
  const base = await listen(providerSide);
  servers.push(merchantSide, providerSide);
  sim = new PaymentSimulator(clock, merchant, base);
  providerUrl = `${base}${PREFIX}`;
});
afterAll(() => servers.forEach((s) => s.close()));

const provider = () => gatewayProvider({ baseUrl: providerUrl, ...merchant });
const keys = () => publicKeysOf(sim.publicKeys());
const inAnHour = () => new Date(clock.now().getTime() + 3600_000).toISOString();
let seq = 0;
const order = (amountFen = 5000) => ({ outTradeNo: `T${Date.now()}${++seq}`, amountFen, description: '食品经营许可 工本费', notifyUrl, expiresAt: inAnHour() });
const cashier = async (payUrl: string, notify?: string) => fetch(payUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notify ? { notify } : {}) });

async function until<T>(f: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the notification never came');
}
const notificationsOf = (outTradeNo: string) => received.filter((r) => (JSON.parse(r.body) as Notification).outTradeNo === outTradeNo);

describe('the payment provider simulator through the gateway adapter', () => {
  it('creates an order once per trade number, and refuses another amount under it', async () => {
    const o = order();
    const first = await provider().createOrder(o);
    expect(await provider().createOrder(o)).toEqual(first);
    expect(first.payUrl).toBe(`${providerUrl}/pay/${first.providerOrderId}`);
    await expect(provider().createOrder({ ...o, amountFen: 5001 })).rejects.toMatchObject({ code: 'OUT_TRADE_NO_USED' });
    expect(await provider().queryOrder(o.outTradeNo)).toMatchObject({ status: 'NOTPAY', amountFen: 5000, refundedFen: 0 });
    expect(await provider().queryOrder('T-never-made')).toBeUndefined();
    await expect(gatewayProvider({ baseUrl: providerUrl, merchantId: 'm-test', apiKey: 'wrong' }).createOrder(order())).rejects.toMatchObject({ code: 'SIGN_ERROR' });
  });

  it('calls back after the payer pays, signed with a key the merchant checks', async () => {
    const o = order(12_345);
    const { payUrl } = await provider().createOrder(o);
    const paid = await cashier(payUrl);
    expect(paid.status).toBe(200);
    const [n] = await until(() => (notificationsOf(o.outTradeNo).length ? notificationsOf(o.outTradeNo) : undefined));
    const verified = verifyNotification(n!.headers, n!.body, keys(), clock.now());
    expect(verified).toMatchObject({ ok: true, notification: { eventType: 'TRANSACTION.SUCCESS', outTradeNo: o.outTradeNo, amountFen: 12_345 } });
    const state = await provider().queryOrder(o.outTradeNo);
    expect(state).toMatchObject({ status: 'SUCCESS', transactionId: (verified as { notification: { transactionId: string } }).notification.transactionId });
    expect((await cashier(payUrl)).status).toBe(409);
  });

  it('refuses what the provider did not sign as it was sent: altered, forged, unknown key, unsigned, replayed late', async () => {
    const o = order(800);
    await cashier((await provider().createOrder(o)).payUrl);
    const [n] = await until(() => (notificationsOf(o.outTradeNo).length ? notificationsOf(o.outTradeNo) : undefined));
    const { headers, body } = n!;
    const now = clock.now();
    expect(verifyNotification(headers, body.replace('"amountFen":800', '"amountFen":8'), keys(), now)).toEqual({ ok: false, reason: 'bad-signature' });
    const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const serial = Object.keys(sim.publicKeys())[0]!;
    expect(verifyNotification(signNotification(forger, serial, body, now, 'nonce-1'), body, keys(), now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyNotification(signNotification(forger, 'other-serial', body, now, 'nonce-1'), body, keys(), now)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(verifyNotification({ ...headers, 'x-pay-signature': undefined }, body, keys(), now)).toEqual({ ok: false, reason: 'unsigned' });
    // Ages counted from the signed timestamp (whole seconds), not from when the test read the notification.
    const signedAt = Number(headers[SIGNATURE_HEADERS.timestamp]) * 1000;
    expect(verifyNotification(headers, body, keys(), new Date(signedAt + 301_000))).toEqual({ ok: false, reason: 'stale' });
    expect(verifyNotification(headers, body, keys(), new Date(signedAt + 299_000)).ok).toBe(true);
  });

  it('sends a notification twice under one id when asked, and holds others back to deliver them late, in reverse', async () => {
    const twice = order();
    await cashier((await provider().createOrder(twice)).payUrl, 'twice');
    const both = await until(() => (notificationsOf(twice.outTradeNo).length === 2 ? notificationsOf(twice.outTradeNo) : undefined));
    expect(new Set(both.map((r) => (JSON.parse(r.body) as Notification).id)).size).toBe(1);

    const [a, b] = [order(100), order(200)];
    for (const o of [a, b]) expect((await cashier((await provider().createOrder(o)).payUrl, 'withhold')).status).toBe(200);
    await new Promise((r) => setImmediate(r));
    expect(notificationsOf(a.outTradeNo)).toHaveLength(0);
    const outbox = (await (await fetch(`${providerUrl}/outbox`)).json()) as { notifications: { outTradeNo: string; held: boolean }[] };
    expect(outbox.notifications.filter((n) => [a.outTradeNo, b.outTradeNo].includes(n.outTradeNo)).map((n) => n.held)).toEqual([true, true]);
    clock.advanceBy(3 * 3600_000);
    const before = received.length;
    const delivered = await (await fetch(`${providerUrl}/outbox/deliver`, { method: 'POST', body: JSON.stringify({ reverse: true }) })).json() as { delivered: { status: number }[] };
    expect(delivered.delivered.map((d) => d.status)).toEqual([200, 200]);
    expect(received.slice(before).map((r) => (JSON.parse(r.body) as Notification).outTradeNo)).toEqual([b.outTradeNo, a.outTradeNo]);
    // Late, yet signed at its delivery: a provider's retry is never stale.
    for (const r of received.slice(before)) expect(verifyNotification(r.headers, r.body, keys(), clock.now()).ok).toBe(true);
  });

  it('retries a delivery the merchant did not take, when its time comes on the emulated clock', async () => {
    const o = order();
    answers.push(500);
    await cashier((await provider().createOrder(o)).payUrl);
    await until(() => (notificationsOf(o.outTradeNo).length ? true : undefined));
    // While the first attempt waits for the merchant's answer, and after it, nothing is due yet.
    await sim.retryDue();
    const outbox = async () => ((await (await fetch(`${providerUrl}/outbox`)).json()) as { notifications: { outTradeNo: string; attempts: number; lastStatus?: number }[] }).notifications.find((n) => n.outTradeNo === o.outTradeNo);
    for (let i = 0; i < 100 && (await outbox())?.lastStatus !== 500; i++) await new Promise((r) => setImmediate(r));
    expect(await outbox()).toMatchObject({ attempts: 1, lastStatus: 500 });
    await sim.retryDue();
    expect(notificationsOf(o.outTradeNo)).toHaveLength(1);
    clock.advanceBy(15_000);
    await sim.retryDue();
    expect(notificationsOf(o.outTradeNo)).toHaveLength(2);
    expect(await outbox()).toBeUndefined();
    await sim.retryDue();
    expect(notificationsOf(o.outTradeNo)).toHaveLength(2);
  });

  it('refunds up to what was paid, once per refund number, and closes unpaid orders at their expiry', async () => {
    const o = order(10_000);
    await cashier((await provider().createOrder(o)).payUrl);
    const r1 = await provider().refund({ outTradeNo: o.outTradeNo, outRefundNo: `${o.outTradeNo}R1`, amountFen: 4_000 });
    expect(await provider().refund({ outTradeNo: o.outTradeNo, outRefundNo: `${o.outTradeNo}R1`, amountFen: 4_000 })).toEqual(r1);
    await expect(provider().refund({ outTradeNo: o.outTradeNo, outRefundNo: `${o.outTradeNo}R2`, amountFen: 6_001 })).rejects.toMatchObject({ code: 'REFUND_EXCEEDS' });
    expect(await provider().queryOrder(o.outTradeNo)).toMatchObject({ status: 'REFUND', refundedFen: 4_000 });
    await expect(provider().closeOrder(o.outTradeNo)).rejects.toBeInstanceOf(ProviderRefusal);

    const unpaid = order();
    const { payUrl } = await provider().createOrder({ ...unpaid, expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    clock.advanceBy(61_000);
    expect(await provider().queryOrder(unpaid.outTradeNo)).toMatchObject({ status: 'CLOSED' });
    expect((await cashier(payUrl)).status).toBe(409);
    await expect(provider().refund({ outTradeNo: unpaid.outTradeNo, outRefundNo: `${unpaid.outTradeNo}R`, amountFen: 1 })).rejects.toMatchObject({ code: 'ORDER_NOT_PAID' });
  });

  it("serves the day's statement with the differences a test injects", async () => {
    const [kept, dropped, changed] = [order(300), order(400), order(500)];
    for (const o of [kept, dropped, changed]) await cashier((await provider().createOrder(o)).payUrl);
    const today = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const inject = (b: unknown) => fetch(`${providerUrl}/statements/${today}/inject`, { method: 'POST', body: JSON.stringify(b) });
    await inject({ kind: 'drop', outTradeNo: dropped.outTradeNo });
    await inject({ kind: 'amount', outTradeNo: changed.outTradeNo, amountFen: 501 });
    await inject({ kind: 'extra', outTradeNo: 'T-not-ours-1', amountFen: 900 });
    const lines = await provider().statement(today);
    const pay = (no: string) => lines.filter((l) => l.type === 'PAY' && l.outTradeNo === no).map((l) => l.amountFen);
    expect([pay(kept.outTradeNo), pay(dropped.outTradeNo), pay(changed.outTradeNo), pay('T-not-ours-1')]).toEqual([[300], [], [501], [900]]);
    expect(parseStatement(statementCsv(lines))).toEqual(lines);
    await expect(provider().statement('2999-01-01')).rejects.toMatchObject({ code: 'NOT_READY' });
    expect(() => parseStatement('type,providerId\nPAY,x')).toThrow(/unexpected header/);
    expect(() => parseStatement(`${statementCsv([]).trim()}\nPAY,tx,T1,,-5,2026-01-01T00:00:00Z`)).toThrow(/line 2/);
  });

  it('fails a request the provider does not answer in time, without a verdict', async () => {
    const silent = createServer(() => undefined);
    const url = await listen(silent);
    servers.push(silent);
    await expect(gatewayProvider({ baseUrl: url, ...merchant, timeoutMs: 150 }).createOrder(order())).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
