/**
 * The ledger of a charge (台账): append-only entries, and every figure of the
 * charge derived from them. Pure: no I/O, no clock.
 *
 * Each entry posts its (positive) amount to one of two accounts:
 *   due       what the payer still owes:      charge +, waiver −, payment −, write_off −
 *   toRefund  money held that goes back:      unapplied_payment +, refund_approved +, refund −
 * A payment applies to what is due; whatever finds nothing due (a payment for
 * an expired, cancelled or settled charge, a second payment, the excess of
 * one) is recorded as `unapplied_payment`, owed back to the payer, so money
 * is never lost and neither account ever goes below zero. So, always:
 *   received − refunded = revenue + toRefund
 * where revenue (what the treasury keeps) = payments − refund_approved.
 *
 * A provider's transaction is recorded once (its id), a refund once (the
 * center's refund number): a repeated notification changes nothing.
 */
import type { Balance, LedgerEntry, LedgerEntryType } from '#schemas/api/fees';
import { msg, type Text } from '#schemas/api/problems';

/** An entry before the store gives it its id. */
export type EntryDraft = Omit<LedgerEntry, 'entryId'>;
type Posted = Pick<LedgerEntry, 'type' | 'amountFen'>;

const postings: Readonly<Record<LedgerEntryType, { readonly account: 'due' | 'toRefund'; readonly sign: 1 | -1 }>> = {
  charge: { account: 'due', sign: 1 },
  waiver: { account: 'due', sign: -1 },
  payment: { account: 'due', sign: -1 },
  write_off: { account: 'due', sign: -1 },
  unapplied_payment: { account: 'toRefund', sign: 1 },
  refund_approved: { account: 'toRefund', sign: 1 },
  refund: { account: 'toRefund', sign: -1 },
};

/** The signed amount an entry adds to its account. */
export const signedAmount = (e: Posted): number => postings[e.type].sign * e.amountFen;
export const accountOf = (e: Pick<LedgerEntry, 'type'>) => postings[e.type].account;

/** Every figure of a charge, from its entries alone. */
export function balanceOf(entries: readonly Posted[]): Balance {
  const b = { dueFen: 0, toRefundFen: 0, receivedFen: 0, refundedFen: 0, revenueFen: 0 };
  for (const e of entries) {
    if (accountOf(e) === 'due') b.dueFen += signedAmount(e);
    else b.toRefundFen += signedAmount(e);
    if (e.type === 'payment' || e.type === 'unapplied_payment') b.receivedFen += e.amountFen;
    if (e.type === 'refund') b.refundedFen += e.amountFen;
    if (e.type === 'payment') b.revenueFen += e.amountFen;
    if (e.type === 'refund_approved') b.revenueFen -= e.amountFen;
  }
  return b;
}

/** What can still be refunded: received and not yet refunded (what a refund request may ask, at most). */
export const refundableOf = (b: Balance) => b.receivedFen - b.refundedFen;

const fen = (n: number) => `${(n / 100).toFixed(2)} 元`;

/**
 * Why `next` may not follow `entries` (undefined: it may). The rules every
 * append keeps, whoever writes it: amounts are positive whole fen; nothing
 * takes an account below zero; a charge is assessed once; a transaction and
 * a refund are each recorded once; a reversal never exceeds the revenue.
 */
export function refusalOf(entries: readonly EntryDraft[], next: EntryDraft): Text | undefined {
  if (!Number.isSafeInteger(next.amountFen) || next.amountFen <= 0) return msg('金额须为正整数（分）。', 'An amount is a positive whole number of fen.');
  const b = balanceOf(entries);
  switch (next.type) {
    case 'charge':
      return entries.some((e) => e.type === 'charge') ? msg('该收费已核价。', 'The charge is assessed already.') : undefined;
    case 'waiver':
    case 'payment':
    case 'write_off':
      return next.amountFen > b.dueFen ? msg(`金额 ${fen(next.amountFen)} 超过应缴余额 ${fen(b.dueFen)}。`, `${next.amountFen} fen exceeds the ${b.dueFen} fen due.`) : transactionRefusal(entries, next);
    case 'unapplied_payment':
      return transactionRefusal(entries, next);
    case 'refund_approved':
      return next.amountFen > b.revenueFen ? msg(`退还金额 ${fen(next.amountFen)} 超过已入账金额 ${fen(b.revenueFen)}。`, `${next.amountFen} fen exceeds the ${b.revenueFen} fen of revenue.`) : undefined;
    case 'refund':
      if (!next.outRefundNo) return msg('退费须有退款单号。', 'A refund carries its refund number.');
      if (entries.some((e) => e.type === 'refund' && e.outRefundNo === next.outRefundNo)) return msg('该退款已入账。', 'The refund is recorded already.');
      return next.amountFen > b.toRefundFen ? msg(`退费 ${fen(next.amountFen)} 超过应退金额 ${fen(b.toRefundFen)}。`, `A refund of ${next.amountFen} fen exceeds the ${b.toRefundFen} fen to refund.`) : undefined;
  }
}

/**
 * A transaction is recorded once: its entries are the applied part and the
 * excess, appended together, so the only earlier entry it may share its id
 * with is its own applied part, just before its excess.
 */
function transactionRefusal(entries: readonly EntryDraft[], next: EntryDraft): Text | undefined {
  if (next.type !== 'payment' && next.type !== 'unapplied_payment') return undefined;
  if (!next.transactionId) return msg('缴费须有支付交易号。', 'A payment carries the provider\'s transaction id.');
  const last = entries.length - 1;
  const repeated = entries.some((e, i) => e.transactionId === next.transactionId && !(i === last && e.type === 'payment' && next.type === 'unapplied_payment'));
  return repeated ? msg('该笔交易已入账。', 'The transaction is recorded already.') : undefined;
}

/** `drafts` appended to `entries` in order, or the first refusal: nothing of a refused batch is written. */
export function append(entries: readonly EntryDraft[], drafts: readonly EntryDraft[]): { readonly ok: true; readonly entries: readonly EntryDraft[] } | { readonly ok: false; readonly why: Text } {
  let all = entries;
  for (const d of drafts) {
    const why = refusalOf(all, d);
    if (why) return { ok: false, why };
    all = [...all, d];
  }
  return { ok: true, entries: all };
}

/** A payment the provider notified (TRANSACTION.SUCCESS). */
export interface PaymentNotice {
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly amountFen: number;
  readonly paidAt: string;
}

export type PaymentOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly why: Text }
  /** `settles`: nothing is due any more on a charge waiting for payment (the lifecycle's `pay`); `refundDueFen`: what of it goes back. */
  | { readonly kind: 'recorded'; readonly entries: readonly EntryDraft[]; readonly settles: boolean; readonly refundDueFen: number };

/**
 * What a payment notification appends. A transaction already recorded is a
 * duplicate (nothing to write). On a charge waiting for payment it applies to
 * what is due, the excess (if any) recorded to go back; on a charge in any
 * other state it is recorded whole, to go back — recorded all the same, since
 * the payer's money arrived.
 */
export function recordPayment(charge: { readonly chargeId: string; readonly state: string }, entries: readonly EntryDraft[], notice: PaymentNotice): PaymentOutcome {
  if (entries.some((e) => e.transactionId === notice.transactionId)) return { kind: 'duplicate' };
  if (!Number.isSafeInteger(notice.amountFen) || notice.amountFen <= 0) return { kind: 'refused', why: msg('支付金额须为正整数（分）。', 'A payment is a positive whole number of fen.') };
  const { dueFen } = balanceOf(entries);
  const applied = charge.state === 'to_pay' ? Math.min(dueFen, notice.amountFen) : 0;
  const excess = notice.amountFen - applied;
  const base = { chargeId: charge.chargeId, at: notice.paidAt, by: 'provider', transactionId: notice.transactionId, outTradeNo: notice.outTradeNo };
  const drafts: EntryDraft[] = [
    ...(applied > 0 ? [{ ...base, type: 'payment' as const, amountFen: applied }] : []),
    ...(excess > 0 ? [{ ...base, type: 'unapplied_payment' as const, amountFen: excess, note: charge.state === 'to_pay' ? 'paid above what was due' : `paid while the charge was ${charge.state}` }] : []),
  ];
  const checked = append(entries, drafts);
  if (!checked.ok) return { kind: 'refused', why: checked.why };
  return { kind: 'recorded', entries: drafts, settles: charge.state === 'to_pay' && applied > 0 && applied === dueFen, refundDueFen: excess };
}

/** A refund the provider notified (REFUND.SUCCESS) or answered. */
export interface RefundNotice {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly amountFen: number;
  readonly refundedAt: string;
}

export type RefundOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'refused'; readonly why: Text }
  /** `completes`: it is the refund the charge has open (the lifecycle's `refunded`); a return leaves the charge's state alone. */
  | { readonly kind: 'recorded'; readonly entries: readonly EntryDraft[]; readonly completes: boolean };

/**
 * The refund number a payment that found nothing due goes back under: one
 * per transaction, so sending it again (a retry, a second watcher) is the
 * same refund at the provider and the ledger records it once.
 */
export const returnNoOf = (transactionId: string) => `U${transactionId}`;

/** A payment held to go back (退回) and not yet returned: its transaction, order and amount. */
export interface HeldPayment {
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly amountFen: number;
}

/**
 * What of the money received is still to go back without anyone asking: each
 * unapplied payment whose return is not recorded. The system returns it (no
 * four eyes: it was never revenue).
 */
export function heldPayments(entries: readonly EntryDraft[]): HeldPayment[] {
  const returned = new Set(entries.filter((e) => e.type === 'refund').map((e) => e.outRefundNo));
  // A refund a clerk had approved may have sent some of it back already: never more than is still held.
  let left = balanceOf(entries).toRefundFen;
  const held: HeldPayment[] = [];
  for (const e of entries) {
    if (e.type !== 'unapplied_payment' || !e.transactionId || !e.outTradeNo || returned.has(returnNoOf(e.transactionId))) continue;
    const amountFen = Math.min(e.amountFen, left);
    if (amountFen <= 0) break;
    held.push({ transactionId: e.transactionId, outTradeNo: e.outTradeNo, outRefundNo: returnNoOf(e.transactionId), amountFen });
    left -= amountFen;
  }
  return held;
}

/**
 * What a refund's confirmation appends: once per refund number, only for the
 * refund the charge has open or the return of one of its unapplied payments,
 * never more than that asked nor than is held to go back.
 */
export function recordRefund(charge: { readonly chargeId: string; readonly refund?: { readonly outRefundNo: string; readonly amountFen: number } }, entries: readonly EntryDraft[], notice: RefundNotice): RefundOutcome {
  if (entries.some((e) => e.type === 'refund' && e.outRefundNo === notice.outRefundNo)) return { kind: 'duplicate' };
  const open = charge.refund?.outRefundNo === notice.outRefundNo ? charge.refund : undefined;
  const held = open ? undefined : heldPayments(entries).find((h) => h.outRefundNo === notice.outRefundNo);
  const asked = open ?? held;
  if (!asked) return { kind: 'refused', why: msg('该收费没有此退款申请。', 'The charge has no refund of this number open.') };
  if (notice.amountFen > asked.amountFen) return { kind: 'refused', why: msg('退款金额超过批准金额。', 'The refund exceeds the amount approved.') };
  const draft: EntryDraft = { chargeId: charge.chargeId, type: 'refund', amountFen: notice.amountFen, at: notice.refundedAt, by: 'provider', outRefundNo: notice.outRefundNo, refundId: notice.refundId };
  const checked = append(entries, [draft]);
  return checked.ok ? { kind: 'recorded', entries: [draft], completes: open !== undefined } : { kind: 'refused', why: checked.why };
}

/**
 * What approving a refund of `amountFen` appends: money already held to go
 * back (unapplied payments) covers it first; the rest reverses revenue
 * (`refund_approved`), so the treasury's figure drops only by what it kept.
 */
export function refundApproval(chargeId: string, entries: readonly EntryDraft[], refund: { readonly outRefundNo: string; readonly amountFen: number }, by: string, at: string): readonly EntryDraft[] {
  const reversal = refund.amountFen - balanceOf(entries).toRefundFen;
  return reversal > 0 ? [{ chargeId, type: 'refund_approved', amountFen: reversal, at, by, outRefundNo: refund.outRefundNo }] : [];
}

/** What ending a charge unpaid (expiry, cancellation) appends: what is still due, written off. */
export function writeOff(chargeId: string, entries: readonly EntryDraft[], by: string, at: string, note: string): readonly EntryDraft[] {
  const { dueFen } = balanceOf(entries);
  return dueFen > 0 ? [{ chargeId, type: 'write_off', amountFen: dueFen, at, by, note }] : [];
}
