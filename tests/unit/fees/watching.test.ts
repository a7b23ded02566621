/**
 * The fees watch's rules (watching.ts) and the return of held money
 * (ledger.ts heldPayments, recordRefund): when a charge is looked at next,
 * what goes back without anyone asking and under which number, and that a
 * return leaves the charge's state alone (an overpaid paid charge stays paid)
 * while a clerk's refund completes its own.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balanceOf, heldPayments, recordPayment, recordRefund, returnNoOf, type EntryDraft } from '../../../functions/fees/ledger.ts';
import type { ChargeRecord } from '../../../functions/fees/lifecycle.ts';
import { dayForExpiry, FIRST_QUERY_MS, nextLook, nextQuestion, orderLeftOpen, QUERY_EVERY_MS, returnsHeld } from '../../../functions/fees/watching.ts';

const chargeId = 'C1';
const at = '2026-12-04T02:00:00.000Z';
const expiresAt = '2026-12-24T16:00:00.000Z';
const record = (state: ChargeRecord['state'], extra: Partial<ChargeRecord> = {}): ChargeRecord => ({
  chargeId, caseNo: 'N1', centerId: 'c', item: { code: 'I', version: 1, departmentId: 'd' }, state, currency: 'CNY',
  lines: [], grossFen: 1000, assessedBy: 'u', assessedAt: at, version: 3, payBy: '2026-12-24', order: { outTradeNo: chargeId, expiresAt }, ...extra,
});
const charged: EntryDraft = { chargeId, type: 'charge', amountFen: 1000, at, by: 'clerk' };
const pay = (entries: EntryDraft[], state: ChargeRecord['state'], transactionId: string, amountFen: number) => {
  const out = recordPayment({ chargeId, state }, entries, { transactionId, outTradeNo: chargeId, amountFen, paidAt: at });
  if (out.kind !== 'recorded') throw new Error(out.kind);
  return [...entries, ...out.entries];
};
const plus = (ms: number) => new Date(Date.parse(at) + ms).toISOString();

describe('when the watch looks next', () => {
  it('waiting for payment: a quarter of an hour after the write, never after the order\'s expiry', () => {
    expect(nextLook(record('to_pay'), [charged], at)).toBe(plus(FIRST_QUERY_MS));
    expect(nextLook(record('to_pay'), [charged], '2026-12-24T15:50:00.000Z')).toBe(expiresAt);
    expect(nextQuestion(record('to_pay'), at)).toBe(plus(QUERY_EVERY_MS));
    expect(nextQuestion(record('to_pay'), '2026-12-24T15:30:00.000Z')).toBe(expiresAt);
  });

  it('ended with its order open, or holding money to go back: at once; otherwise off the watch', () => {
    expect(nextLook(record('expired'), [charged], at)).toBe(at);
    expect(nextLook(record('cancelled'), [charged], at)).toBe(at);
    expect(nextLook(record('expired', { orderClosed: true }), [charged], at)).toBeUndefined();
    expect(nextLook(record('cancelled', { order: undefined }), [charged], at)).toBeUndefined();
    expect(nextLook(record('paid', { orderClosed: true }), pay([charged], 'to_pay', 'T1', 1000), at)).toBeUndefined();
    const overpaid = pay([charged], 'to_pay', 'T1', 1500);
    expect(nextLook(record('paid', { orderClosed: true }), overpaid, at)).toBe(at);
    expect(orderLeftOpen(record('paid'))).toBe(false);
  });

  it('a refund a clerk asked holds the money: nothing goes back meanwhile', () => {
    const late = pay([charged, { chargeId, type: 'write_off', amountFen: 1000, at, by: 'w' }], 'expired', 'T9', 1000);
    expect(returnsHeld(record('refund_requested', { orderClosed: true }), late)).toEqual([]);
    expect(returnsHeld(record('refunding', { orderClosed: true }), late)).toEqual([]);
    expect(returnsHeld(record('expired', { orderClosed: true }), late)).toEqual([{ transactionId: 'T9', outTradeNo: chargeId, outRefundNo: 'UT9', amountFen: 1000 }]);
  });

  it('the center\'s day as the expire guard reads it: the last day to pay until the order\'s expiry, the day after from it', () => {
    expect(dayForExpiry(record('to_pay'), '2026-12-24T15:59:59.999Z')).toBe('2026-12-24');
    expect(dayForExpiry(record('to_pay'), expiresAt)).toBe('2026-12-25');
  });
});

describe('returning held money', () => {
  it('an overpaid charge returns its excess under U<transactionId> and stays paid; the return is recorded once', () => {
    const entries = pay([charged], 'to_pay', 'T1', 1500);
    expect(heldPayments(entries)).toEqual([{ transactionId: 'T1', outTradeNo: chargeId, outRefundNo: returnNoOf('T1'), amountFen: 500 }]);
    const notice = { outRefundNo: 'UT1', refundId: 'R1', amountFen: 500, refundedAt: at };
    const out = recordRefund({ chargeId }, entries, notice);
    expect(out).toMatchObject({ kind: 'recorded', completes: false });
    const after = [...entries, ...(out.kind === 'recorded' ? out.entries : [])];
    expect(balanceOf(after)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 1500, refundedFen: 500, revenueFen: 1000 });
    expect(heldPayments(after)).toEqual([]);
    expect(recordRefund({ chargeId }, after, notice)).toEqual({ kind: 'duplicate' });
    // More than was held, or a number that returns nothing: refused.
    expect(recordRefund({ chargeId }, entries, { ...notice, amountFen: 501 }).kind).toBe('refused');
    expect(recordRefund({ chargeId }, entries, { ...notice, outRefundNo: 'UT2' }).kind).toBe('refused');
  });

  it('a clerk\'s open refund completes; a return beside it does not', () => {
    const entries = pay([charged], 'to_pay', 'T1', 1000);
    const refund = { outRefundNo: `${chargeId}R4`, amountFen: 1000 };
    const approved: EntryDraft[] = [...entries, { chargeId, type: 'refund_approved', amountFen: 1000, at, by: 'a', outRefundNo: refund.outRefundNo }];
    expect(recordRefund({ chargeId, refund }, approved, { outRefundNo: refund.outRefundNo, refundId: 'R1', amountFen: 1000, refundedAt: at })).toMatchObject({ kind: 'recorded', completes: true });
  });

  it('never more goes back than is held, whatever refunds a clerk made first (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 20000 }), (payments, clerkRefund) => {
      let entries: EntryDraft[] = [charged, { chargeId, type: 'write_off', amountFen: 1000, at, by: 'w' }];
      payments.forEach((amount, i) => (entries = pay(entries, 'expired', `T${i}`, amount)));
      const held = balanceOf(entries).toRefundFen;
      const byClerk = Math.min(clerkRefund, held);
      if (byClerk > 0) entries = [...entries, { chargeId, type: 'refund', amountFen: byClerk, at, by: 'provider', outRefundNo: 'CR1', refundId: 'X' }];
      const returns = heldPayments(entries);
      expect(returns.reduce((s, r) => s + r.amountFen, 0)).toBe(held - byClerk);
      for (const r of returns) {
        const out = recordRefund({ chargeId }, entries, { outRefundNo: r.outRefundNo, refundId: `R${r.transactionId}`, amountFen: r.amountFen, refundedAt: at });
        expect(out.kind).toBe('recorded');
        if (out.kind === 'recorded') entries = [...entries, ...out.entries];
      }
      expect(balanceOf(entries).toRefundFen).toBe(0);
    }));
  });
});
