/**
 * The wire protocol of a payment provider (支付渠道) as OneStop speaks it, and
 * its notification signature. Modelled on what the gateways centers use
 * (WeChat Pay v3, Alipay, UnionPay's 银联): the merchant creates an order under
 * its own trade number (`outTradeNo`), the payer pays on the provider's
 * cashier, the provider calls the merchant back, signed, possibly more than
 * once, late or out of order, and answers queries, refunds and a daily
 * statement. The local cloud's simulator (local/payments/) speaks it; a real
 * provider gets an adapter of the port (port.ts) that translates its own.
 *
 * The signature is ECDSA P-256 over SHA-256, made with the provider's private
 * key and checked with its published public key (the platform certificate of
 * WeChat Pay v3, the RSA2 public key of Alipay; SM2 in a deployment that needs
 * national algorithms): OneStop holds no secret that could forge a
 * notification. The signed string binds the timestamp and nonce to the body,
 * and a timestamp older than `MAX_NOTIFICATION_AGE_SECONDS` is refused, so a
 * captured notification cannot be replayed later; a provider's own retry is
 * signed afresh.
 */
import { createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

export type OrderStatus = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';

export interface CreateOrder {
  readonly outTradeNo: string;
  readonly amountFen: number;
  readonly description: string;
  readonly notifyUrl: string;
  /** After it the provider closes the order itself: no payment is taken for a charge that expired. */
  readonly expiresAt: string;
}

export interface CreatedOrder {
  readonly outTradeNo: string;
  readonly providerOrderId: string;
  /** Where the payer pays (the cashier page), and the same as a QR code's payload. */
  readonly payUrl: string;
}

export interface OrderState {
  readonly outTradeNo: string;
  readonly providerOrderId: string;
  readonly status: OrderStatus;
  readonly amountFen: number;
  readonly transactionId?: string;
  readonly paidAt?: string;
  readonly refundedFen: number;
}

export interface RefundRequest {
  readonly outTradeNo: string;
  /** The merchant's refund number: a second request under it is the same refund. */
  readonly outRefundNo: string;
  readonly amountFen: number;
}

export interface RefundResult {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly amountFen: number;
  readonly status: 'SUCCESS';
  readonly refundedAt: string;
}

/** What a notification tells: a payment taken, or a refund made. */
export type Notification =
  | { readonly id: string; readonly eventType: 'TRANSACTION.SUCCESS'; readonly outTradeNo: string; readonly transactionId: string; readonly amountFen: number; readonly paidAt: string }
  | { readonly id: string; readonly eventType: 'REFUND.SUCCESS'; readonly outTradeNo: string; readonly outRefundNo: string; readonly refundId: string; readonly amountFen: number; readonly refundedAt: string };

/** One line of the daily statement (对账单): every payment and refund the provider settled that day (China time). */
export interface StatementLine {
  readonly type: 'PAY' | 'REFUND';
  /** The provider's id of the payment or the refund. */
  readonly providerId: string;
  readonly outTradeNo: string;
  readonly outRefundNo?: string;
  readonly amountFen: number;
  readonly at: string;
}

export const SIGNATURE_HEADERS = { timestamp: 'x-pay-timestamp', nonce: 'x-pay-nonce', signature: 'x-pay-signature', serial: 'x-pay-serial' } as const;
export const MAX_NOTIFICATION_AGE_SECONDS = 300;

/** The string a notification's signature covers: timestamp, nonce and the body as sent, each on its own line. */
export const signedString = (timestamp: string, nonce: string, body: string) => `${timestamp}\n${nonce}\n${body}\n`;

export function signNotification(privateKey: KeyObject, serial: string, body: string, at: Date, nonce: string): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createSign('sha256').update(signedString(timestamp, nonce, body)).sign({ key: privateKey, dsaEncoding: 'der' }).toString('base64');
  return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.nonce]: nonce, [SIGNATURE_HEADERS.signature]: signature, [SIGNATURE_HEADERS.serial]: serial };
}

export type Verification = { readonly ok: true; readonly notification: Notification } | { readonly ok: false; readonly reason: 'unsigned' | 'unknown-key' | 'bad-signature' | 'stale' | 'malformed' };

/**
 * Whether a notification is the provider's, recent, and well formed.
 * `keys`: the provider's public keys by serial (more than one while it
 * rotates). Headers are looked up lower-cased (API Gateway's HTTP API does).
 */
export function verifyNotification(headers: Readonly<Record<string, string | undefined>>, body: string, keys: ReadonlyMap<string, KeyObject>, now: Date): Verification {
  const h = (name: string) => headers[name] ?? headers[name.toLowerCase()];
  const timestamp = h(SIGNATURE_HEADERS.timestamp);
  const nonce = h(SIGNATURE_HEADERS.nonce);
  const signature = h(SIGNATURE_HEADERS.signature);
  const serial = h(SIGNATURE_HEADERS.serial);
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'unsigned' };
  const key = keys.get(serial);
  if (!key) return { ok: false, reason: 'unknown-key' };
  let valid = false;
  try {
    valid = createVerify('sha256').update(signedString(timestamp, nonce, body)).verify({ key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad-signature' };
  const age = now.getTime() / 1000 - Number(timestamp);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(age) > MAX_NOTIFICATION_AGE_SECONDS) return { ok: false, reason: 'stale' };
  const notification = notificationOf(body);
  return notification ? { ok: true, notification } : { ok: false, reason: 'malformed' };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
const isFen = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** The notification a verified body carries, or undefined when it is not one (a signed body can still be of a version we do not read). */
function notificationOf(body: string): Notification | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || !isText(v.id) || !isText(v.outTradeNo) || !isFen(v.amountFen)) return undefined;
  if (v.eventType === 'TRANSACTION.SUCCESS' && isText(v.transactionId) && isText(v.paidAt)) {
    return { id: v.id, eventType: v.eventType, outTradeNo: v.outTradeNo, transactionId: v.transactionId, amountFen: v.amountFen, paidAt: v.paidAt };
  }
  if (v.eventType === 'REFUND.SUCCESS' && isText(v.outRefundNo) && isText(v.refundId) && isText(v.refundedAt)) {
    return { id: v.id, eventType: v.eventType, outTradeNo: v.outTradeNo, outRefundNo: v.outRefundNo, refundId: v.refundId, amountFen: v.amountFen, refundedAt: v.refundedAt };
  }
  return undefined;
}

/** The provider's public keys from their PEM texts by serial (a stage's configuration). */
export const publicKeysOf = (pems: Readonly<Record<string, string>>): Map<string, KeyObject> =>
  new Map(Object.entries(pems).map(([serial, pem]) => [serial, createPublicKey(pem)]));

const STATEMENT_HEADER = 'type,providerId,outTradeNo,outRefundNo,amountFen,at';

/** The statement as the provider serves it: CSV, one line per settled payment or refund, a header first. */
export function statementCsv(lines: readonly StatementLine[]): string {
  return [STATEMENT_HEADER, ...lines.map((l) => [l.type, l.providerId, l.outTradeNo, l.outRefundNo ?? '', String(l.amountFen), l.at].join(','))].join('\n') + '\n';
}

/** The lines of a statement file; a file not in this format is an error (a reconciliation must not read half a file). */
export function parseStatement(csv: string): StatementLine[] {
  const [header, ...rows] = csv.trimEnd().split('\n');
  if (header !== STATEMENT_HEADER) throw new Error('not a statement: unexpected header');
  return rows.map((row, i) => {
    const [type, providerId, outTradeNo, outRefundNo, amount, at, ...rest] = row.split(',');
    const amountFen = Number(amount);
    if (rest.length || (type !== 'PAY' && type !== 'REFUND') || !providerId || !outTradeNo || !Number.isSafeInteger(amountFen) || amountFen <= 0 || !at) {
      throw new Error(`not a statement: line ${i + 2} is malformed`);
    }
    return { type, providerId, outTradeNo, ...(outRefundNo ? { outRefundNo } : {}), amountFen, at };
  });
}
