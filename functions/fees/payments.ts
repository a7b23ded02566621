/**
 * Recording what the payment provider notified: use-case functions that the
 * notification route and the order-query schedule will both call, so a
 * payment or a refund is recorded the same way whichever learns of it first.
 *
 * Three DynamoDB requests: the order pointer (GetItem), the case's fees
 * partition (Query), one transaction. A repeat the ledger already holds is
 * answered from the read (two requests, nothing written); two copies racing
 * each other meet at the transaction's marker, and one is the duplicate.
 */
import type { Text } from '#schemas/api/problems';
import { balanceOf, recordPayment, recordRefund, type PaymentNotice, type RefundNotice } from './ledger.ts';
import { decide, nextState } from './lifecycle.ts';
import type { EntryDraft } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';
import { chargesOf, orderPointer, writeCharge, type TransactItem } from './store.ts';

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

/** Records a verified payment notification exactly once; `today` is the center's calendar date. */
export async function recordPaymentNotice(notice: PaymentNotice, today: string, alsoWrite?: RecordedItems): Promise<NoticeResult> {
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
    const next = { ...record, state, version: record.version + 1 };
    const settled = state === 'paid' && record.state !== 'paid';
    const written = await writeCharge({
      next,
      readVersion: record.version,
      entries: outcome.entries,
      records: { transactionId: notice.transactionId },
      ...(alsoWrite ? { alsoWrite: alsoWrite(next, outcome.entries, settled) } : {}),
    });
    if (written.kind === 'written') return { kind: 'recorded', settled, refundDueFen: outcome.refundDueFen };
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
    const done = decide('refunded', record, { today, balance: balanceOf([...entries, ...outcome.entries]) });
    const state = done.ok ? nextState(done.transition, record, 0) : record.state;
    const next = { ...record, state, version: record.version + 1 };
    const written = await writeCharge({
      next,
      readVersion: record.version,
      entries: outcome.entries,
      records: { outRefundNo: notice.outRefundNo },
      ...(alsoWrite ? { alsoWrite: alsoWrite(next, outcome.entries, false) } : {}),
    });
    if (written.kind === 'written') return { kind: 'recorded', completed: state === 'refunded' };
    if (written.kind === 'duplicate') return { kind: 'duplicate' };
    if (attempt === ATTEMPTS) throw new Error(`charge ${pointer.chargeId} of case ${pointer.caseNo} changed ${ATTEMPTS} times while a refund was recorded`);
  }
}
