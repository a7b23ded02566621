/**
 * The payment provider of the local cloud (支付渠道 simulator), speaking
 * functions/fees/provider/protocol.ts under /local/payments/ on the API port,
 * never in the template. It behaves as gateways do where that matters to the
 * fees domain: orders idempotent under the merchant's trade number and closed
 * at their expiry, a cashier page the payer pays on, notifications signed
 * with its own key, sent after the payer's answer, retried on a schedule
 * while the merchant does not answer 2xx, and, on request, sent twice, held
 * back to be delivered late or out of order; refunds bounded by what was paid;
 * a daily statement, into which a test can inject differences.
 *
 *   merchant API (Authorization: Bearer <apiKey>, X-Merchant-Id):
 *     POST /v1/orders  GET /v1/orders/{outTradeNo}  POST /v1/orders/{outTradeNo}/close
 *     POST /v1/refunds  GET /v1/statements/{YYYY-MM-DD}
 *   public:   GET /v1/certificates (the public keys notifications are checked with)
 *   cashier:  GET /pay/{providerOrderId} (a page), POST /pay/{providerOrderId} { notify?: once | twice | withhold }
 *   control:  GET /outbox, POST /outbox/deliver { ids?, reverse? }, POST /statements/{date}/inject { kind, outTradeNo?, amountFen? }
 *
 * Time is the emulated clock's, so an order expires, and a retry falls due,
 * when the cloud's time says so.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { signNotification, statementCsv, type Notification, type OrderState, type RefundResult, type StatementLine } from '../../functions/fees/provider/protocol.ts';
import type { HttpResult } from '../api/payload.ts';
import type { LocalClock } from '../lambda/clock.ts';

export const PREFIX = '/local/payments';

export interface Merchant {
  readonly merchantId: string;
  readonly apiKey: string;
}

interface Order {
  readonly outTradeNo: string;
  readonly providerOrderId: string;
  readonly amountFen: number;
  readonly description: string;
  readonly notifyUrl: string;
  readonly expiresAt: number;
  status: 'NOTPAY' | 'SUCCESS' | 'CLOSED';
  transactionId?: string;
  paidAt?: string;
  readonly refunds: RefundResult[];
}

interface Outgoing {
  readonly notification: Notification;
  readonly notifyUrl: string;
  attempts: number;
  /** Emulated epoch ms of the next attempt; undefined while held back for a test (`withhold`). */
  dueAt: number | undefined;
  lastStatus?: number | string;
  /** An attempt is under way: the retry timer leaves it alone (a duplicate is sent only when asked, `twice`). */
  inFlight?: boolean;
}

type Injection = { readonly kind: 'drop'; readonly outTradeNo: string } | { readonly kind: 'extra'; readonly outTradeNo: string; readonly amountFen: number } | { readonly kind: 'amount'; readonly outTradeNo: string; readonly amountFen: number };

/** Seconds between a failed delivery and the next attempt, as gateways publish theirs; then it gives up and the merchant must ask. */
const RETRY_SECONDS = [15, 15, 30, 180, 600, 1200, 1800];
const CHINA_OFFSET_MS = 8 * 3600_000;

export type Deliver = (url: string, headers: Record<string, string>, body: string) => Promise<number>;

const postJson: Deliver = async (url, headers, body) => {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
};

const json = (status: number, body: unknown): HttpResult => ({ status, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(body)) });
const refusal = (status: number, code: string, message: string) => json(status, { code, message });
const isFen = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= 10_000_000_000;
const isNumber = (v: unknown, max = 64): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(v) && v.length >= 6 && v.length <= max;
const id = (prefix: string) => `${prefix}${randomBytes(10).toString('hex')}`;
const chinaDateOf = (ms: number) => new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);

export class PaymentSimulator {
  private readonly orders = new Map<string, Order>();
  private readonly byProviderId = new Map<string, Order>();
  private readonly outbox = new Map<string, Outgoing>();
  private readonly injections = new Map<string, Injection[]>();
  private readonly key: { readonly serial: string; readonly privateKey: KeyObject; readonly publicKeyPem: string };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: LocalClock,
    private readonly merchant: Merchant,
    /** Where the cashier page is served from (the API's URL), for the pay URL. */
    private readonly publicUrl: string,
    private readonly deliver: Deliver = postJson,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = { serial: id('sim-'), privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }

  /** The provider's public keys by serial, as a stage's configuration gives them to the fees function. */
  publicKeys(): Record<string, string> {
    return { [this.key.serial]: this.key.publicKeyPem };
  }

  /** Retries due deliveries every second of real time until stopped. */
  start(): void {
    this.timer ??= setInterval(() => void this.retryDue(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async handle(method: string, path: string, body: Record<string, unknown> | undefined, headers: Readonly<Record<string, string | undefined>>): Promise<HttpResult | undefined> {
    const sub = path.slice(PREFIX.length);
    if (method === 'GET' && sub === '/v1/certificates') return json(200, { keys: [{ serial: this.key.serial, publicKeyPem: this.key.publicKeyPem }] });
    if (sub.startsWith('/v1/')) {
      if (headers.authorization !== `Bearer ${this.merchant.apiKey}` || headers['x-merchant-id'] !== this.merchant.merchantId) return refusal(401, 'SIGN_ERROR', 'unknown merchant or key');
      return this.merchantApi(method, sub, body ?? {});
    }
    const pay = /^\/pay\/([A-Za-z0-9-]+)$/.exec(sub);
    if (pay) return method === 'GET' ? this.cashierPage(pay[1]!) : method === 'POST' ? this.pay(pay[1]!, body ?? {}) : undefined;
    if (method === 'GET' && sub === '/outbox') {
      return json(200, { notifications: [...this.outbox.values()].map((o) => ({ id: o.notification.id, eventType: o.notification.eventType, outTradeNo: o.notification.outTradeNo, attempts: o.attempts, held: o.dueAt === undefined, lastStatus: o.lastStatus })) });
    }
    if (method === 'POST' && sub === '/outbox/deliver') return json(200, { delivered: await this.deliverHeld(body ?? {}) });
    const inject = /^\/statements\/(\d{4}-\d{2}-\d{2})\/inject$/.exec(sub);
    if (method === 'POST' && inject) return this.inject(inject[1]!, body ?? {});
    return undefined;
  }

  private async merchantApi(method: string, sub: string, body: Record<string, unknown>): Promise<HttpResult | undefined> {
    if (method === 'POST' && sub === '/v1/orders') return this.createOrder(body);
    if (method === 'POST' && sub === '/v1/refunds') return this.refund(body);
    const order = /^\/v1\/orders\/([^/]+)(\/close)?$/.exec(sub);
    if (order) {
      const found = this.current(decodeURIComponent(order[1]!));
      if (!found) return refusal(404, 'ORDER_NOT_EXIST', 'no such order');
      if (method === 'GET' && !order[2]) return json(200, this.stateOf(found));
      if (method === 'POST' && order[2]) {
        if (found.status === 'SUCCESS') return refusal(409, 'ORDER_PAID', 'the order was paid');
        found.status = 'CLOSED';
        return json(200, this.stateOf(found));
      }
    }
    const statement = /^\/v1\/statements\/(\d{4}-\d{2}-\d{2})$/.exec(sub);
    if (method === 'GET' && statement) {
      // A real gateway serves day D's file from the morning of D+1; this one serves what has settled so far, so a test needs no wait.
      if (statement[1]! > chinaDateOf(this.clock.now().getTime())) return refusal(409, 'NOT_READY', 'that day has not come');
      return { status: 200, headers: [['content-type', 'text/csv; charset=utf-8']], body: Buffer.from(statementCsv(this.statementOf(statement[1]!))) };
    }
    return undefined;
  }

  private createOrder(b: Record<string, unknown>): HttpResult {
    const expiresAt = typeof b.expiresAt === 'string' ? Date.parse(b.expiresAt) : NaN;
    if (!isNumber(b.outTradeNo) || !isFen(b.amountFen) || typeof b.description !== 'string' || typeof b.notifyUrl !== 'string' || !/^https?:\/\//.test(b.notifyUrl) || !Number.isFinite(expiresAt)) {
      return refusal(400, 'PARAM_ERROR', 'send outTradeNo (6–64 of [A-Za-z0-9_-]), amountFen (integer > 0), description, notifyUrl (http[s]) and expiresAt (an instant)');
    }
    if (expiresAt <= this.clock.now().getTime()) return refusal(400, 'PARAM_ERROR', 'expiresAt has passed');
    const existing = this.orders.get(b.outTradeNo);
    if (existing) {
      // The same request again is the same order; another amount under a used number is a merchant's mistake.
      if (existing.amountFen !== b.amountFen) return refusal(409, 'OUT_TRADE_NO_USED', 'that trade number has an order of another amount');
      return json(200, this.created(existing));
    }
    const order: Order = { outTradeNo: b.outTradeNo, providerOrderId: id('po-'), amountFen: b.amountFen, description: b.description, notifyUrl: b.notifyUrl, expiresAt, status: 'NOTPAY', refunds: [] };
    this.orders.set(order.outTradeNo, order);
    this.byProviderId.set(order.providerOrderId, order);
    return json(201, this.created(order));
  }

  private created(o: Order) {
    return { outTradeNo: o.outTradeNo, providerOrderId: o.providerOrderId, payUrl: `${this.publicUrl.replace(/\/$/, '')}${PREFIX}/pay/${o.providerOrderId}` };
  }

  /** The order, closed first if its time ran out unpaid (the gateway closes it itself). */
  private current(outTradeNo: string): Order | undefined {
    const o = this.orders.get(outTradeNo);
    if (o && o.status === 'NOTPAY' && this.clock.now().getTime() >= o.expiresAt) o.status = 'CLOSED';
    return o;
  }

  private stateOf(o: Order): OrderState {
    const refundedFen = o.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    return {
      outTradeNo: o.outTradeNo, providerOrderId: o.providerOrderId, status: refundedFen > 0 ? 'REFUND' : o.status, amountFen: o.amountFen, refundedFen,
      ...(o.transactionId ? { transactionId: o.transactionId, paidAt: o.paidAt! } : {}),
    };
  }

  private pay(providerOrderId: string, b: Record<string, unknown>): HttpResult {
    const found = this.byProviderId.get(providerOrderId);
    const o = found && this.current(found.outTradeNo);
    if (!o) return refusal(404, 'ORDER_NOT_EXIST', 'no such order');
    if (o.status === 'CLOSED') return refusal(409, 'ORDER_CLOSED', 'the order is closed');
    if (o.status === 'SUCCESS') return refusal(409, 'ORDER_PAID', 'the order was paid');
    const notify = b.notify ?? 'once';
    if (notify !== 'once' && notify !== 'twice' && notify !== 'withhold') return refusal(400, 'PARAM_ERROR', 'notify is once, twice or withhold');
    o.status = 'SUCCESS';
    o.transactionId = id('tx-');
    o.paidAt = this.clock.now().toISOString();
    const notification: Notification = { id: id('n-'), eventType: 'TRANSACTION.SUCCESS', outTradeNo: o.outTradeNo, transactionId: o.transactionId, amountFen: o.amountFen, paidAt: o.paidAt };
    this.enqueue(notification, o.notifyUrl, notify === 'withhold');
    // A gateway that sends twice sends the same notification (same id) again: the merchant must treat it as one.
    if (notify === 'twice') void this.attempt(this.outbox.get(notification.id)!);
    return json(200, { transactionId: o.transactionId, paidAt: o.paidAt });
  }

  private refund(b: Record<string, unknown>): HttpResult {
    if (!isNumber(b.outTradeNo) || !isNumber(b.outRefundNo) || !isFen(b.amountFen)) return refusal(400, 'PARAM_ERROR', 'send outTradeNo, outRefundNo and amountFen (integer > 0)');
    const o = this.current(b.outTradeNo);
    if (!o) return refusal(404, 'ORDER_NOT_EXIST', 'no such order');
    const same = o.refunds.find((r) => r.outRefundNo === b.outRefundNo);
    if (same) return same.amountFen === b.amountFen ? json(200, same) : refusal(409, 'OUT_REFUND_NO_USED', 'that refund number has a refund of another amount');
    if (o.status !== 'SUCCESS') return refusal(409, 'ORDER_NOT_PAID', 'nothing was paid on this order');
    const refunded = o.refunds.reduce((sum, r) => sum + r.amountFen, 0);
    if (refunded + b.amountFen > o.amountFen) return refusal(400, 'REFUND_EXCEEDS', `at most ${o.amountFen - refunded} fen can still be refunded`);
    const result: RefundResult = { outRefundNo: b.outRefundNo, refundId: id('rf-'), amountFen: b.amountFen, status: 'SUCCESS', refundedAt: this.clock.now().toISOString() };
    o.refunds.push(result);
    this.enqueue({ id: id('n-'), eventType: 'REFUND.SUCCESS', outTradeNo: o.outTradeNo, outRefundNo: result.outRefundNo, refundId: result.refundId, amountFen: result.amountFen, refundedAt: result.refundedAt }, o.notifyUrl, false);
    return json(200, result);
  }

  private enqueue(notification: Notification, notifyUrl: string, held: boolean): void {
    const outgoing: Outgoing = { notification, notifyUrl, attempts: 0, dueAt: held ? undefined : this.clock.now().getTime() };
    this.outbox.set(notification.id, outgoing);
    // After the answer to the payer, as a gateway's callback comes: never inside the request that paid.
    if (!held) setImmediate(() => void this.attempt(outgoing));
  }

  /** One delivery, signed now; a 2xx ends it, anything else schedules the next attempt (or gives up after the last). */
  private async attempt(o: Outgoing): Promise<number | string> {
    o.attempts++;
    o.inFlight = true;
    const body = JSON.stringify(o.notification);
    let status: number | string;
    try {
      status = await this.deliver(o.notifyUrl, signNotification(this.key.privateKey, this.key.serial, body, this.clock.now(), randomBytes(12).toString('hex')), body);
    } catch (err) {
      status = (err as Error).name;
    } finally {
      o.inFlight = false;
    }
    o.lastStatus = status;
    if (typeof status === 'number' && status >= 200 && status < 300) {
      this.outbox.delete(o.notification.id);
    } else if (o.dueAt !== undefined) {
      const wait = RETRY_SECONDS[o.attempts - 1];
      if (wait === undefined) this.outbox.delete(o.notification.id);
      else o.dueAt = this.clock.now().getTime() + wait * 1000;
    }
    return status;
  }

  /** Attempts every delivery whose retry has fallen due on the emulated clock (the timer calls it each second). */
  async retryDue(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const o of [...this.outbox.values()]) if (o.dueAt !== undefined && o.dueAt <= now && o.attempts > 0 && !o.inFlight) await this.attempt(o);
  }

  /** Held (or pending) notifications delivered now, in the order asked: late, and out of order with `reverse`. */
  private async deliverHeld(b: Record<string, unknown>): Promise<{ id: string; status: number | string }[]> {
    const ids = Array.isArray(b.ids) ? new Set(b.ids.filter((i): i is string => typeof i === 'string')) : undefined;
    const chosen = [...this.outbox.values()].filter((o) => !ids || ids.has(o.notification.id));
    if (b.reverse === true) chosen.reverse();
    const out: { id: string; status: number | string }[] = [];
    for (const o of chosen) {
      o.dueAt ??= this.clock.now().getTime();
      out.push({ id: o.notification.id, status: await this.attempt(o) });
    }
    return out;
  }

  private inject(date: string, b: Record<string, unknown>): HttpResult {
    const kind = b.kind;
    if (!isNumber(b.outTradeNo) || (kind !== 'drop' && kind !== 'extra' && kind !== 'amount') || (kind !== 'drop' && !isFen(b.amountFen))) {
      return refusal(400, 'PARAM_ERROR', 'send kind (drop | extra | amount), outTradeNo and, but for drop, amountFen');
    }
    const injection = (kind === 'drop' ? { kind, outTradeNo: b.outTradeNo } : { kind, outTradeNo: b.outTradeNo, amountFen: b.amountFen as number }) as Injection;
    this.injections.set(date, [...(this.injections.get(date) ?? []), injection]);
    return json(200, { injected: injection });
  }

  /** The day's settled payments and refunds (China time), with the differences a test injected. */
  private statementOf(date: string): StatementLine[] {
    let lines: StatementLine[] = [];
    for (const o of this.orders.values()) {
      if (o.transactionId && chinaDateOf(Date.parse(o.paidAt!)) === date) lines.push({ type: 'PAY', providerId: o.transactionId, outTradeNo: o.outTradeNo, amountFen: o.amountFen, at: o.paidAt! });
      for (const r of o.refunds) {
        if (chinaDateOf(Date.parse(r.refundedAt)) === date) lines.push({ type: 'REFUND', providerId: r.refundId, outTradeNo: o.outTradeNo, outRefundNo: r.outRefundNo, amountFen: r.amountFen, at: r.refundedAt });
      }
    }
    for (const i of this.injections.get(date) ?? []) {
      if (i.kind === 'drop') lines = lines.filter((l) => !(l.type === 'PAY' && l.outTradeNo === i.outTradeNo));
      if (i.kind === 'amount') lines = lines.map((l) => (l.type === 'PAY' && l.outTradeNo === i.outTradeNo ? { ...l, amountFen: i.amountFen } : l));
      if (i.kind === 'extra') lines.push({ type: 'PAY', providerId: id('tx-'), outTradeNo: i.outTradeNo, amountFen: i.amountFen, at: `${date}T04:00:00.000Z` });
    }
    return lines.sort((a, b) => a.at.localeCompare(b.at));
  }

  private cashierPage(providerOrderId: string): HttpResult {
    const o = this.byProviderId.get(providerOrderId);
    if (!o) return { status: 404, headers: [['content-type', 'text/plain; charset=utf-8']], body: Buffer.from('no such order') };
    const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const page = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>收银台（模拟）</title>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto">
<h1>收银台（本地模拟）</h1><p>${esc(o.description)}</p><p><strong>¥${(o.amountFen / 100).toFixed(2)}</strong></p>
<button id="pay">确认支付</button><p id="out" role="status"></p>
<script>document.getElementById('pay').onclick=async()=>{const r=await fetch(location.pathname,{method:'POST',headers:{'content-type':'application/json'},body:'{}'});document.getElementById('out').textContent=r.ok?'支付成功':'支付失败：'+(await r.json()).message};</script>
</body></html>`;
    return { status: 200, headers: [['content-type', 'text/html; charset=utf-8']], body: Buffer.from(page) };
  }
}
