/**
 * Recording what the payment provider notified: use-case functions that the
 * notification route and the fees watch (watch.ts) both call, so a payment or
 * a refund is recorded the same way, events included, whichever learns of it
 * first; and returning a payment that found nothing due (returnHeld).
 *
 * Three DynamoDB requests: the order pointer (GetItem), the case's fees
 * partition (Query), one transaction. A repeat the ledger already holds is
 * answered from the read (two requests, nothing written); two copies racing
 * each other meet at the transaction's marker, and one is the duplicate.
 */
import type { Text } from '#schemas/api/problems';
import { logger } from '#shared/logger';
import { refundEvents } from './events.ts';
import { balanceOf, recordPayment, recordRefund, type PaymentNotice, type RefundNotice } from './ledger.ts';
import { decide, nextState } from './lifecycle.ts';
import type { EntryDraft } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';
import { ProviderRefusal, type PaymentProvider } from './provider/port.ts';
import { chargesOf, orderPointer, writeCharge, type StoredCharge, type TransactItem } from './store.ts';
import { returnsHeld } from './watching.ts';

export type NoticeResult =
  | { readonly kind: 'recorded'; readonly settled: boolean; readonly refundDueFen: number }
  | { readonly kind: 'duplicate' }
  /** No charge of OneStop's has this order: nothing is written (reconciliation lists it as extra). */
  | { readonly kind: 'unknown_order' }
  | { readonly kind: 'refused'; readonly why: Text };

/** A charge changing under the notification (a clerk's action) is read again: this many attempts in all. */
const ATTEMPTS = 3;

/** Items written in the recording's own transaction (its events): the charge after it, what it appended, whether it settled it. */
export type RecordedItems = (after: ChargeRecord, appended: readonly EntryDraft[], settled: boolean) => readonly TransactItem[];

/**
 * Records a verified payment notification exactly once; `today` is the
 * center's calendar date; `alsoWrite`: its events (events.ts paymentEvents).
 * With `returnWith`, what of it found nothing due goes back at once through
 * that provider (returnHeld; one more transaction, no read).
 */
export async function recordPaymentNotice(notice: PaymentNotice, today: string, alsoWrite?: RecordedItems, returnWith?: PaymentProvider): Promise<NoticeResult> {
  const pointer = await orderPointer(notice.outTradeNo);
  if (!pointer) return { kind: 'unknown_order' };
  for (let attempt = 1; ; attempt++) {
    const stored = (await chargesOf(pointer.centerId, pointer.caseNo)).get(pointer.chargeId);
    if (!stored) return { kind: 'unknown_order' };
    const { record, entries } = stored;
    const outcome = recordPayment(record, entries, notice);
    if (outcome.kind !== 'recorded') return outcome;
    const after = balanceOf([...entries, ...outcome.entries]);
    const pay = outcome.settles ? decide('pay', record, { today, balance: after }) : undefined;
    const state = pay?.ok ? nextState(pay.transition, record, after.dueFen) : record.state;
    // A paid order takes no second payment: there is nothing left to close.
    const next: ChargeRecord = { ...record, state, version: record.version + 1, orderClosed: true };
    const settled = state === 'paid' && record.state !== 'paid';
    const written = await writeCharge({
      next,
      readVersion: record.version,
      ledger: entries,
      entries: outcome.entries,
      at: new Date().toISOString(),
      records: { transactionId: notice.transactionId },
      ...(alsoWrite ? { alsoWrite: alsoWrite(next, outcome.entries, settled) } : {}),
    });
    if (written.kind === 'written') {
      if (returnWith && outcome.refundDueFen > 0) await returnHeld({ record: next, entries: [...entries, ...written.entries] }, returnWith);
      return { kind: 'recorded', settled, refundDueFen: outcome.refundDueFen };
    }
    if (written.kind === 'duplicate') return { kind: 'duplicate' };
    if (attempt === ATTEMPTS) throw new Error(`charge ${pointer.chargeId} of case ${pointer.caseNo} changed ${ATTEMPTS} times while a payment was recorded`);
  }
}

export type RefundNoticeResult =
  | { readonly kind: 'recorded'; readonly completed: boolean }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'unknown_order' }
  | { readonly kind: 'refused'; readonly why: Text };

/**
 * Records a verified refund confirmation exactly once (its refund number):
 * the refund leaves the ledger's money to go back, and a charge waiting for
 * it is refunded. Same three requests as a payment.
 */
export async function recordRefundNotice(notice: RefundNotice & { readonly outTradeNo: string }, today: string, alsoWrite?: RecordedItems): Promise<RefundNoticeResult> {
  const pointer = await orderPointer(notice.outTradeNo);
  if (!pointer) return { kind: 'unknown_order' };
  for (let attempt = 1; ; attempt++) {
    const stored = (await chargesOf(pointer.centerId, pointer.caseNo)).get(pointer.chargeId);
    if (!stored) return { kind: 'unknown_order' };
    const { record, entries } = stored;
    const outcome = recordRefund(record, entries, notice);
    if (outcome.kind !== 'recorded') return outcome;
    // A return of held money leaves the charge where it is: an overpaid charge stays paid.
    const done = outcome.completes ? decide('refunded', record, { today, balance: balanceOf([...entries, ...outcome.entries]) }) : undefined;
    const state = done?.ok ? nextState(done.transition, record, 0) : record.state;
    const next = { ...record, state, version: record.version + 1 };
    const written = await writeCharge({
      next,
      readVersion: record.version,
      ledger: entries,
      entries: outcome.entries,
      at: new Date().toISOString(),
      records: { outRefundNo: notice.outRefundNo },
      ...(alsoWrite ? { alsoWrite: alsoWrite(next, outcome.entries, false) } : {}),
    });
    if (written.kind === 'written') return { kind: 'recorded', completed: state === 'refunded' };
    if (written.kind === 'duplicate') return { kind: 'duplicate' };
    if (attempt === ATTEMPTS) throw new Error(`charge ${pointer.chargeId} of case ${pointer.caseNo} changed ${ATTEMPTS} times while a refund was recorded`);
  }
}

/**
 * Returns what the charge holds to go back (a payment that found nothing due)
 * through the provider, each under its return number, and records each answer
 * as the refund's notification would (one transaction each; one read more when
 * the notification recorded it first): the
 * provider refunds a number once, and the ledger records it once, whichever
 * of the answer and the notification comes first. A call that times out or is
 * refused leaves the rest on the fees watch, which tries again. The number returned.
 */
export async function returnHeld(charge: StoredCharge, provider: PaymentProvider): Promise<number> {
  let { record, entries } = charge;
  let returned = 0;
  for (const held of returnsHeld(record, entries)) {
    let done;
    try {
      done = await provider.refund({ outTradeNo: held.outTradeNo, outRefundNo: held.outRefundNo, amountFen: held.amountFen });
    } catch (err) {
      logger[err instanceof ProviderRefusal ? 'error' : 'warn']('payment return not confirmed', { chargeId: record.chargeId, outRefundNo: held.outRefundNo, error: err instanceof ProviderRefusal ? err.code : (err as Error).name });
      return returned;
    }
    const outcome = recordRefund(record, entries, { outRefundNo: done.outRefundNo, refundId: done.refundId, amountFen: done.amountFen, refundedAt: done.refundedAt });
    if (outcome.kind !== 'recorded') return returned;
    const next = { ...record, version: record.version + 1 };
    const at = new Date().toISOString();
    const written = await writeCharge({ next, readVersion: record.version, ledger: entries, entries: outcome.entries, at, records: { outRefundNo: held.outRefundNo }, alsoWrite: refundEvents(at)(next, outcome.entries) });
    if (written.kind === 'written') {
      record = next;
      entries = [...entries, ...written.entries];
      returned++;
      continue;
    }
    // The provider's notification of this return may have recorded it first (a duplicate, or a race that left ours stale): read again.
    const now = (await chargesOf(record.centerId, record.caseNo)).get(record.chargeId);
    if (!now?.entries.some((e) => e.type === 'refund' && e.outRefundNo === held.outRefundNo)) return returned;
    ({ record, entries } = now);
    returned++;
  }
  return returned;
}
