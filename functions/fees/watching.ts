/**
 * When the fees watch (watch.ts) looks at a charge next, from the charge and
 * its ledger alone: the store puts every charge on the watch index by it with
 * each write, so the rule is in one place and no writer can forget it. Pure:
 * no I/O, no clock.
 *
 *   to_pay                          the provider is asked about its order a quarter of an hour after
 *                                   the notice (a lost callback), then hourly, and at the order's
 *                                   expiry (the end of the last day to pay) the charge expires
 *   money held to go back           returned at once (the next run retries a return that timed out)
 *   expired or cancelled, order     closed at the provider at once (a clerk's cancel closes it
 *   not known closed                itself; the watch confirms, or retries after a timeout)
 *   anything else                   off the watch
 */
import { addCalendarDays } from '#shared/calendar';
import { heldPayments, type EntryDraft } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';

/** After the notice, the first question to the provider: its own callback retries have mostly run by then. */
export const FIRST_QUERY_MS = 15 * 60_000;
/** Between questions while the order stays unpaid; a paid order's callback is at most this late. */
export const QUERY_EVERY_MS = 60 * 60_000;
/** After a provider call that timed out or failed. */
export const RETRY_MS = 15 * 60_000;

const plus = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();
const earliest = (a: string, b: string) => (a < b ? a : b);

/** A refund a clerk asked holds what is to go back until it is decided: the system returns nothing meanwhile. */
export const returnsHeld = (c: Pick<ChargeRecord, 'state'>, entries: readonly EntryDraft[]) =>
  c.state === 'refund_requested' || c.state === 'refunding' ? [] : heldPayments(entries);

/** Whether the charge ended unpaid with an order the provider may still take payment on. */
export const orderLeftOpen = (c: Pick<ChargeRecord, 'state' | 'order' | 'orderClosed'>) => (c.state === 'expired' || c.state === 'cancelled') && c.order !== undefined && !c.orderClosed;

/** Whether the charge's last day to pay has passed at `now`: its order's expiry is the end of that day in the center's time, fixed at the notice. */
export const payByPassedAt = (c: Pick<ChargeRecord, 'order'>, now: string) => c.order !== undefined && now >= c.order.expiresAt;

/** The instant the watch looks at the charge next, written at `at`; undefined: off the watch. */
export function nextLook(c: ChargeRecord, entries: readonly EntryDraft[], at: string): string | undefined {
  if (c.state === 'to_pay' && c.order) return earliest(plus(at, FIRST_QUERY_MS), c.order.expiresAt);
  if (returnsHeld(c, entries).length > 0 || orderLeftOpen(c)) return at;
  return undefined;
}

/** After asking about an unpaid order at `now`: the next question, or its expiry if that comes first. */
export const nextQuestion = (c: Pick<ChargeRecord, 'order'>, now: string) => earliest(plus(now, QUERY_EVERY_MS), c.order!.expiresAt);

export const retryAfter = (now: string) => plus(now, RETRY_MS);

/**
 * The center's calendar day at `now` as the `expire` guard reads it (past the
 * last day to pay, or not), without reading the center's calendar again: the
 * order's expiry instant already is that calendar's answer.
 */
export function dayForExpiry(c: Pick<ChargeRecord, 'order' | 'payBy'>, now: string): string {
  const payBy = c.payBy ?? now.slice(0, 10);
  return payByPassedAt(c, now) ? addCalendarDays(payBy, 1) : payBy;
}
