/**
 * The rules of electronic receipts (电子票据): a receipt's number and check
 * code, and what a check answers. Pure but for the key the check code is
 * derived under.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Balance, LedgerEntry } from '#schemas/api/fees';
import type { ReceiptCheck } from '#schemas/api/documents';

/**
 * A receipt's number: the day paid (China) and the random end of the
 * payment event's ULID. Unique without a counter (no hot sequence item), and
 * the same for a redelivered event, so a retry issues the same receipt.
 */
export const receiptNoOf = (paidOn: string, eventId: string) => `${paidOn.replaceAll('-', '')}-${eventId.slice(-10)}`;

/**
 * Its check code (校验码): six digits of an HMAC of the number and the
 * amount under the stage's query-code key, so nobody can make a code for a
 * number they guess, and a receipt altered in its amount no longer checks.
 */
export function checkCodeOf(key: string, receiptNo: string, amountFen: number): string {
  const mac = createHmac('sha256', key).update(`receipt|${receiptNo}|${amountFen}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** Whether a check code given is the receipt's (in constant time: nothing is learnt digit by digit). */
export const checkCodeMatches = (given: string, stored: string) => given.length === stored.length && timingSafeEqual(Buffer.from(given), Buffer.from(stored));

/**
 * What the charge's ledger says of its receipts now: the revenue given back
 * since (refunds approved, 冲红) against the payments applied. A charge's
 * receipts share its state: money returned that was never applied (a late
 * or excess payment) has no receipt and changes none.
 */
export function receiptStatus(entries: readonly Pick<LedgerEntry, 'type' | 'amountFen'>[], balance: Pick<Balance, 'revenueFen'>): Pick<ReceiptCheck, 'status' | 'refundedFen'> {
  const applied = entries.filter((e) => e.type === 'payment').reduce((s, e) => s + e.amountFen, 0);
  const refundedFen = Math.max(0, applied - balance.revenueFen);
  return { status: refundedFen === 0 ? 'valid' : refundedFen >= applied ? 'refunded' : 'partly_refunded', refundedFen };
}
