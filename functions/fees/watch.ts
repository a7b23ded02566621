/**
 * The fees watch (schedule, every quarter of an hour): what no request does.
 *  - A charge waiting for payment whose callback never came: the provider is
 *    asked (queryOrder) and a paid order recorded exactly as its notification
 *    would be (payments.ts: same entries, same events), so the case's gate opens.
 *  - A charge still unpaid after its last day to pay expires (what is due is
 *    written off; ChargeExpired, and the case follows its item's setting), and
 *    its order is closed at the provider; `ORDER_PAID` means it was paid
 *    meanwhile: the payment is recorded instead (it lands as unapplied, the
 *    charge having expired) and goes back.
 *  - Money held to go back (a late, doubled or excess payment) is returned
 *    (payments.ts returnHeld); a return or a closing that timed out is tried again.
 *
 * Which charges, and when, is watching.ts's (the store keeps them on the
 * index GSI5 FEEWATCH#<shard> with every write); each run reads only those
 * whose wake-up has come. A charge that fails stays on the index and the
 * others go on.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { logger } from '#shared/logger';
import { expiredEvent, orderClosedEvent, paymentEvents, watchActor } from './events.ts';
import { balanceOf, writeOff } from './ledger.ts';
import { decide, nextState, type ChargeRecord } from './lifecycle.ts';
import { recordPaymentNotice, returnHeld } from './payments.ts';
import { paymentProvider } from './provider/configured.ts';
import { ProviderRefusal, type PaymentProvider } from './provider/port.ts';
import * as store from './store.ts';
import { dayForExpiry, nextQuestion, orderLeftOpen, payByPassedAt, retryAfter, returnsHeld } from './watching.ts';

export type Look = 'settled' | 'unpaid' | 'expired' | 'closed' | 'returned' | 'retry' | 'done';

/** Records a paid order as its notification would (what found nothing due goes back): whether its payment is in the ledger now. */
async function recordIfPaid(c: ChargeRecord, provider: PaymentProvider, today: string): Promise<boolean> {
  const order = await provider.queryOrder(c.order!.outTradeNo);
  if (!order?.transactionId || !order.paidAt || (order.status !== 'SUCCESS' && order.status !== 'REFUND')) return false;
  const result = await recordPaymentNotice({ transactionId: order.transactionId, outTradeNo: order.outTradeNo, amountFen: order.amountFen, paidAt: order.paidAt }, today, paymentEvents(order.transactionId, new Date().toISOString()), provider);
  if (result.kind === 'recorded' || result.kind === 'duplicate') return true;
  logger.error('fees watch: paid order not recorded', { chargeId: c.chargeId, outcome: result.kind });
  return false;
}

/** Expires an unpaid charge past its last day to pay: what is due written off, ChargeExpired in the same transaction. */
async function expire(s: store.StoredCharge, now: string): Promise<store.StoredCharge | undefined> {
  const { record, entries } = s;
  const today = dayForExpiry(record, now);
  const decision = decide('expire', record, { today, balance: balanceOf(entries) });
  if (!decision.ok) return undefined;
  const drafts = writeOff(record.chargeId, entries, watchActor.id, now, 'unpaid after the last day to pay');
  const next: ChargeRecord = { ...record, state: nextState(decision.transition, record, 0), version: record.version + 1 };
  const written = await store.writeCharge({ next, readVersion: record.version, ledger: entries, entries: drafts, at: now, alsoWrite: [expiredEvent(next, now)] });
  return written.kind === 'written' ? { record: next, entries: [...entries, ...written.entries] } : undefined;
}

/**
 * Closes the order of a charge that ended unpaid and records that it is
 * closed. Paid meanwhile (`ORDER_PAID`): the payment is recorded instead,
 * which closes the order as far as OneStop is concerned and returns the money.
 */
async function closeOrder(s: store.StoredCharge, provider: PaymentProvider, today: string, now: string): Promise<Look> {
  const { record } = s;
  try {
    await provider.closeOrder(record.order!.outTradeNo);
  } catch (err) {
    if (err instanceof ProviderRefusal && err.code === 'ORDER_PAID') return (await recordIfPaid(record, provider, today)) ? 'returned' : 'retry';
    // An order the provider never made takes no payment either; anything else is tried again.
    if (!(err instanceof ProviderRefusal && err.code === 'ORDER_NOT_EXIST')) {
      logger.warn('payment order not closed', { chargeId: record.chargeId, error: err instanceof ProviderRefusal ? err.code : (err as Error).name });
      return 'retry';
    }
  }
  const next: ChargeRecord = { ...record, orderClosed: true, version: record.version + 1 };
  const written = await store.writeCharge({ next, readVersion: record.version, ledger: s.entries, at: now, alsoWrite: [orderClosedEvent(next, now)] });
  return written.kind === 'written' ? 'closed' : 'retry';
}

/** One charge whose wake-up has come, as it now is: what the watch did. */
export async function watchCharge(entry: store.WatchEntry, now: string, provider: PaymentProvider = paymentProvider().provider): Promise<Look> {
  const s = (await store.chargesOf(entry.centerId, entry.caseNo)).get(entry.chargeId);
  if (!s) {
    await store.rewatch(entry, undefined);
    return 'done';
  }
  const { record } = s;
  const today = dayForExpiry(record, now);
  try {
    if (record.state === 'to_pay' && record.order) {
      const passed = payByPassedAt(record, now);
      try {
        if (await recordIfPaid(record, provider, today)) return 'settled';
      } catch (err) {
        // Unreachable at the expiry: the charge expires all the same; closing its order later finds a payment made meanwhile.
        if (!passed) throw err;
      }
      if (!passed) {
        await store.rewatch(entry, nextQuestion(record, now));
        return 'unpaid';
      }
      const expired = await expire(s, now);
      // Changed since it was read: the change put it back on the watch, as it now is.
      if (!expired) return 'retry';
      const closed = await closeOrder(expired, provider, today, now);
      return closed === 'retry' ? 'expired' : closed;
    }
    if (orderLeftOpen(record)) {
      const closed = await closeOrder(s, provider, today, now);
      if (closed === 'retry') await store.rewatch(entry, retryAfter(now));
      return closed;
    }
    if (returnsHeld(record, s.entries).length > 0) {
      if (await returnHeld(s, provider)) return 'returned';
      await store.rewatch(entry, retryAfter(now));
      return 'retry';
    }
  } catch (err) {
    // The provider unreachable on a question: ask again later.
    logger.warn('fees watch: provider call failed', { chargeId: record.chargeId, error: (err as Error).name });
    await store.rewatch(entry, retryAfter(now));
    return 'retry';
  }
  await store.rewatch(entry, undefined);
  return 'done';
}

/** Every charge whose wake-up has come by `now`, shard by shard. */
export async function watchFees(now: string, provider?: PaymentProvider): Promise<{ looked: number; failed: number; looks: Partial<Record<Look, number>> }> {
  const due = (await Promise.all(Array.from({ length: store.WATCH_SHARDS }, (_, shard) => store.watchDue(shard, now)))).flat();
  const looks: Partial<Record<Look, number>> = {};
  let failed = 0;
  for (const entry of due) {
    try {
      const look = await watchCharge(entry, now, provider);
      looks[look] = (looks[look] ?? 0) + 1;
    } catch (err) {
      failed++;
      logger.error('fees watch failed', { chargeId: entry.chargeId, error: (err as Error).message });
    }
  }
  logger.info('fees watch', { looked: due.length, failed, ...looks });
  return { looked: due.length, failed, looks };
}

export const handler = async (_event: ScheduledEvent) => watchFees(new Date().toISOString());
