/**
 * The events of what the provider did and the system does on its own (a
 * payment or refund recorded, a charge expired, an order closed, money
 * returned), built once for every path that records them: the notification
 * route, the refund's answer and the fees watch write the same events.
 */
import type { FeeEventData } from '#schemas/events/fees';
import { returnNoOf, type EntryDraft } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';
import { feeEvent, type TransactItem } from './store.ts';

export const source = 'onestop.fees' as const;
export const subjectOf = (caseNo: string) => ({ type: 'case', id: caseNo });
export const providerActor = { id: 'payment-provider', role: 'system' as const };
/** The fees watch: the expiry, the order's closing and the return of held money are the system's. */
export const watchActor = { id: 'fees-watch', role: 'system' as const };

type Actor = typeof providerActor | typeof watchActor;

/** The Put of one fees event of the charge, for its transaction. */
export function chargeEvent<K extends keyof FeeEventData>(c: ChargeRecord, detailType: K, data: FeeEventData[K], at: string, actor: Actor = providerActor): TransactItem {
  return feeEvent(c.centerId, c.caseNo, { source, detailType, centerId: c.centerId, occurredAt: at, actor, subject: subjectOf(c.caseNo), data });
}

const ids = (c: ChargeRecord) => ({ caseNo: c.caseNo, chargeId: c.chargeId });
const stageOf = (c: ChargeRecord) => c.terms?.stage ?? 'before_delivery';

/** A payment recorded: how much applied and how much is held to go back, and ChargeSettled when nothing is due any more. */
export const paymentEvents = (transactionId: string, at: string) => (after: ChargeRecord, appended: readonly EntryDraft[], settled: boolean): TransactItem[] => {
  const sum = (type: string) => appended.filter((e) => e.type === type).reduce((s, e) => s + e.amountFen, 0);
  return [
    chargeEvent(after, 'PaymentRecorded', { ...ids(after), transactionId, appliedFen: sum('payment'), unappliedFen: sum('unapplied_payment') }, at),
    ...(settled ? [chargeEvent(after, 'ChargeSettled', { ...ids(after), stage: stageOf(after), how: 'paid' }, at)] : []),
  ];
};

/** A refund recorded: a clerk's refund (RefundRecorded), or the return of a held payment (PaymentReturned). */
export const refundEvents = (at: string) => (after: ChargeRecord, appended: readonly EntryDraft[]): TransactItem[] =>
  appended.filter((e) => e.type === 'refund').map((e) => {
    const returned = returnedTransaction(e.outRefundNo!);
    return returned
      ? chargeEvent(after, 'PaymentReturned', { ...ids(after), transactionId: returned, outRefundNo: e.outRefundNo!, amountFen: e.amountFen }, at)
      : chargeEvent(after, 'RefundRecorded', { ...ids(after), outRefundNo: e.outRefundNo!, amountFen: e.amountFen }, at);
  });

/** The transaction a return number returns (returnNoOf's inverse); a clerk's refund number (<chargeId ulid>R<version>, a digit first) is none. */
const returnedTransaction = (outRefundNo: string) => (returnNoOf(outRefundNo.slice(1)) === outRefundNo ? outRefundNo.slice(1) : undefined);

export const expiredEvent = (after: ChargeRecord, at: string) => chargeEvent(after, 'ChargeExpired', { ...ids(after), stage: stageOf(after), payBy: after.payBy! }, at, watchActor);

export const orderClosedEvent = (after: ChargeRecord, at: string) => chargeEvent(after, 'PaymentOrderClosed', { ...ids(after), outTradeNo: after.order!.outTradeNo }, at, watchActor);
