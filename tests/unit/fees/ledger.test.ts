/**
 * The ledger of a charge: balances derived from append-only entries, the rules
 * every append keeps, and payment and refund notifications delivered twice,
 * late, out of order or for a charge that ended — by example and as
 * properties over random sequences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChargeState } from '#schemas/api/fees';
import {
  append,
  balanceOf,
  recordPayment,
  recordRefund,
  refundApproval,
  refundableOf,
  refusalOf,
  signedAmount,
  writeOff,
  type EntryDraft,
  type PaymentNotice,
} from '../../../functions/fees/ledger.ts';

const chargeId = 'C1';
const at = '2026-12-04T02:00:00.000Z';
const charged = (amountFen: number): EntryDraft => ({ chargeId, type: 'charge', amountFen, at, by: 'clerk' });
const paid = (transactionId: string, amountFen: number): PaymentNotice => ({ transactionId, outTradeNo: 'T1', amountFen, paidAt: at });

/** Applies a payment notification as the store will: the entries appended, the state moved to paid when it settles. */
function deliver(charge: { state: ChargeState }, entries: EntryDraft[], notice: PaymentNotice) {
  const outcome = recordPayment({ chargeId, state: charge.state }, entries, notice);
  if (outcome.kind === 'recorded') {
    entries.push(...outcome.entries);
    if (outcome.settles) charge.state = 'paid';
  }
  return outcome;
}

describe('balances', () => {
  it('a charge paid in full owes nothing, keeps it all, holds nothing to refund', () => {
    const entries = [charged(36_000)];
    const charge = { state: 'to_pay' as ChargeState };
    expect(deliver(charge, entries, paid('tx1', 36_000))).toMatchObject({ kind: 'recorded', settles: true, refundDueFen: 0 });
    expect(charge.state).toBe('paid');
    expect(balanceOf(entries)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 36_000, refundedFen: 0, revenueFen: 36_000 });
  });

  it('a waiver and a write-off take what is due, never more', () => {
    expect(append([charged(1000)], [{ chargeId, type: 'waiver', amountFen: 1001, at, by: 'a' }])).toMatchObject({ ok: false });
    const entries = append([charged(1000)], [{ chargeId, type: 'waiver', amountFen: 300, at, by: 'a' }]);
    expect(entries.ok && balanceOf(entries.entries).dueFen).toBe(700);
    expect(writeOff(chargeId, entries.ok ? entries.entries : [], 'system', at, 'expired')).toEqual([expect.objectContaining({ type: 'write_off', amountFen: 700 })]);
    expect(writeOff(chargeId, [charged(5)].concat({ chargeId, type: 'waiver', amountFen: 5, at, by: 'a' }), 'system', at, 'expired')).toEqual([]);
  });

  it('refuses what no ledger records: a zero, negative or fractional amount, a second assessment, a refund without its number', () => {
    for (const amountFen of [0, -1, 1.5, Number.NaN]) expect(refusalOf([charged(10)], { chargeId, type: 'waiver', amountFen, at, by: 'a' })).toBeDefined();
    expect(refusalOf([charged(10)], charged(10))).toBeDefined();
    expect(refusalOf([charged(10)], { chargeId, type: 'refund', amountFen: 1, at, by: 'provider' })).toBeDefined();
  });
});

describe('payment notifications', () => {
  it('a duplicated notification (same transaction) changes nothing', () => {
    const entries = [charged(500)];
    const charge = { state: 'to_pay' as ChargeState };
    deliver(charge, entries, paid('tx1', 500));
    expect(deliver(charge, entries, paid('tx1', 500))).toEqual({ kind: 'duplicate' });
    expect(entries).toHaveLength(2);
  });

  it('a payment for an expired charge is recorded whole and flagged to go back, never lost', () => {
    const entries: EntryDraft[] = [charged(500), ...writeOff(chargeId, [charged(500)], 'system', at, 'expired')];
    const outcome = deliver({ state: 'expired' }, entries, paid('late', 500));
    expect(outcome).toMatchObject({ kind: 'recorded', settles: false, refundDueFen: 500, entries: [expect.objectContaining({ type: 'unapplied_payment', transactionId: 'late' })] });
    expect(balanceOf(entries)).toMatchObject({ dueFen: 0, toRefundFen: 500, receivedFen: 500, revenueFen: 0 });
  });

  it('a second transaction on a settled charge, and the excess of an overpayment, are held to refund', () => {
    const entries = [charged(500)];
    const charge = { state: 'to_pay' as ChargeState };
    expect(deliver(charge, entries, paid('a', 700))).toMatchObject({ settles: true, refundDueFen: 200 });
    expect(deliver(charge, entries, paid('b', 500))).toMatchObject({ settles: false, refundDueFen: 500 });
    expect(balanceOf(entries)).toMatchObject({ dueFen: 0, toRefundFen: 700, receivedFen: 1200, revenueFen: 500 });
  });

  it('a non-positive or fractional amount is refused and writes nothing', () => {
    expect(recordPayment({ chargeId, state: 'to_pay' }, [charged(5)], paid('x', 0))).toMatchObject({ kind: 'refused' });
    expect(recordPayment({ chargeId, state: 'to_pay' }, [charged(5)], paid('x', 2.5))).toMatchObject({ kind: 'refused' });
  });
});

describe('refunds', () => {
  const refund = { outRefundNo: 'R1', amountFen: 300 };
  const paidEntries = (): EntryDraft[] => [charged(1000), { chargeId, type: 'payment', amountFen: 1000, at, by: 'provider', transactionId: 'tx' }];

  it('a refund of a paid charge reverses revenue once approved, and is recorded once when the provider confirms', () => {
    const entries = paidEntries();
    entries.push(...refundApproval(chargeId, entries, refund, 'head', at));
    expect(balanceOf(entries)).toMatchObject({ toRefundFen: 300, revenueFen: 700 });
    const notice = { outRefundNo: 'R1', refundId: 'P-R1', amountFen: 300, refundedAt: at };
    const first = recordRefund({ chargeId, refund }, entries, notice);
    expect(first.kind).toBe('recorded');
    if (first.kind === 'recorded') entries.push(...first.entries);
    expect(recordRefund({ chargeId, refund }, entries, notice)).toEqual({ kind: 'duplicate' });
    expect(balanceOf(entries)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 1000, refundedFen: 300, revenueFen: 700 });
    expect(refundableOf(balanceOf(entries))).toBe(700);
  });

  it('money already held to go back covers a refund before any revenue is reversed', () => {
    const entries: EntryDraft[] = [...paidEntries(), { chargeId, type: 'unapplied_payment', amountFen: 1000, at, by: 'provider', transactionId: 'tx2' }];
    expect(refundApproval(chargeId, entries, { outRefundNo: 'R2', amountFen: 1000 }, 'head', at)).toEqual([]);
    expect(refundApproval(chargeId, entries, { outRefundNo: 'R2', amountFen: 1200 }, 'head', at)).toEqual([expect.objectContaining({ type: 'refund_approved', amountFen: 200 })]);
  });

  it('never refunds more than asked, than is held, nor a refund the charge does not have open', () => {
    const entries = paidEntries();
    entries.push(...refundApproval(chargeId, entries, refund, 'head', at));
    expect(recordRefund({ chargeId, refund }, entries, { outRefundNo: 'R1', refundId: 'x', amountFen: 301, refundedAt: at })).toMatchObject({ kind: 'refused' });
    expect(recordRefund({ chargeId, refund }, entries, { outRefundNo: 'R9', refundId: 'x', amountFen: 1, refundedAt: at })).toMatchObject({ kind: 'refused' });
    expect(refusalOf(entries, { chargeId, type: 'refund_approved', amountFen: 701, at, by: 'head', outRefundNo: 'R3' })).toBeDefined();
  });
});

describe('properties over random histories', () => {
  const states: ChargeState[] = ['to_pay', 'paid', 'expired', 'cancelled', 'refunded'];
  /** A notification: one of a few transactions (so repeats happen), with its amount. */
  const noticeArb = fc.record({ tx: fc.constantFrom('t1', 't2', 't3', 't4'), amountFen: fc.integer({ min: 1, max: 5000 }) });
  /** Each transaction has one amount, whatever the copy: a provider's repeat carries the same. */
  const historyArb = fc.record({
    gross: fc.integer({ min: 1, max: 5000 }),
    waiver: fc.integer({ min: 0, max: 5000 }),
    startState: fc.constantFrom(...states),
    notices: fc.array(noticeArb, { maxLength: 12 }),
    expireAfter: fc.integer({ min: 0, max: 12 }),
    refunds: fc.array(fc.integer({ min: 1, max: 6000 }), { maxLength: 3 }),
  });

  it('the entries always add up to the balance; no account goes below zero; nothing is counted twice; money is conserved', () => {
    fc.assert(
      fc.property(historyArb, ({ gross, waiver, startState, notices, expireAfter, refunds }) => {
        const amounts = new Map<string, number>();
        const entries: EntryDraft[] = [charged(gross)];
        const w = Math.min(waiver, gross);
        if (w > 0) entries.push({ chargeId, type: 'waiver', amountFen: w, at, by: 'approver' });
        const charge = { state: startState === 'paid' || startState === 'refunded' ? ('to_pay' as ChargeState) : startState };
        notices.forEach(({ tx, amountFen }, i) => {
          if (i === expireAfter && charge.state === 'to_pay') {
            entries.push(...writeOff(chargeId, entries, 'system', at, 'expired'));
            charge.state = 'expired';
          }
          const amount = amounts.get(tx) ?? amountFen;
          amounts.set(tx, amount);
          deliver(charge, entries, paid(tx, amount));
        });
        refunds.forEach((asked, i) => {
          const b = balanceOf(entries);
          if (asked > refundableOf(b)) return;
          const open = { outRefundNo: `R${i}`, amountFen: asked };
          entries.push(...refundApproval(chargeId, entries, open, 'head', at));
          const done = recordRefund({ chargeId, refund: open }, entries, { outRefundNo: open.outRefundNo, refundId: `P${i}`, amountFen: asked, refundedAt: at });
          expect(done.kind).toBe('recorded');
          if (done.kind === 'recorded') entries.push(...done.entries);
        });

        const b = balanceOf(entries);
        const sum = (account: 'due' | 'toRefund') =>
          entries.filter((e) => (account === 'due') === ['charge', 'waiver', 'payment', 'write_off'].includes(e.type)).reduce((s, e) => s + signedAmount(e), 0);
        expect(sum('due')).toBe(b.dueFen);
        expect(sum('toRefund')).toBe(b.toRefundFen);
        expect(b.dueFen).toBeGreaterThanOrEqual(0);
        expect(b.toRefundFen).toBeGreaterThanOrEqual(0);
        expect(b.revenueFen).toBeGreaterThanOrEqual(0);
        // Each transaction counted once, whatever the repeats.
        expect(b.receivedFen).toBe([...amounts.values()].reduce((s, a) => s + a, 0));
        expect(new Set(entries.filter((e) => e.transactionId).map((e) => `${e.transactionId}#${e.type}`)).size).toBe(entries.filter((e) => e.transactionId).length);
        expect(b.receivedFen - b.refundedFen).toBe(b.revenueFen + b.toRefundFen);
        expect(b.refundedFen).toBeLessThanOrEqual(b.receivedFen);
        // Revenue never exceeds what was asked of the payer.
        expect(b.revenueFen).toBeLessThanOrEqual(gross - w);
        // Every stored sequence is one the append rules accept.
        expect(append([], entries).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the order notifications arrive in does not change what is received, kept or held (on a charge waiting for payment)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.uniqueArray(fc.record({ tx: fc.string({ minLength: 1, maxLength: 4 }), amountFen: fc.integer({ min: 1, max: 5000 }) }), { selector: (n) => n.tx, maxLength: 6 }), fc.nat(), (gross, txs, seed) => {
        const run = (order: typeof txs) => {
          const entries = [charged(gross)];
          const charge = { state: 'to_pay' as ChargeState };
          for (const n of [...order, ...order]) deliver(charge, entries, paid(n.tx, n.amountFen));
          const { receivedFen, revenueFen, toRefundFen, dueFen } = balanceOf(entries);
          return { receivedFen, revenueFen, toRefundFen, dueFen, state: charge.state };
        };
        const shuffled = [...txs].sort((a, b) => ((a.tx.charCodeAt(0) * 31 + seed) % 97) - ((b.tx.charCodeAt(0) * 31 + seed) % 97));
        expect(run(shuffled)).toEqual(run(txs));
      }),
      { numRuns: 200 },
    );
  });
});
