/**
 * The order watcher (schedule, every minute): a 督办 order still unanswered
 * when its reply is overdue (the thresholds' order row) becomes a yellow card
 * on the order's own clock, within a minute; the card and the order leaving
 * the watch are one transaction, so a retry issues nothing twice.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { logger } from '#shared/logger';
import { cardOf, issuedCounts } from './cards.ts';
import { cardEvent } from './events.ts';
import { overdueThreshold } from './orders.ts';
import * as store from './store.ts';

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; carded: number }> {
  const now = new Date().toISOString();
  const due = await store.ordersOverdue(now);
  let carded = 0;
  for (const { centerId, orderId } of due) {
    const { order, center } = await store.orderContext(centerId, orderId, now);
    if (!order || order.state !== 'open') continue;
    const threshold = overdueThreshold(order);
    const day = localDate(calendarOn(center, center.timeZone), threshold.thresholdAt);
    const card = cardOf(centerId, threshold, now, day.slice(0, 7));
    const event = cardEvent(card, 'issue', 'CardIssued', { id: 'system', role: 'system' }, now, { details: { orderId } });
    if (await store.issueCard(card, event, issuedCounts(card), day, [store.unwatchOrder(order)])) carded++;
  }
  logger.info('order watch', { looked: due.length, carded });
  return { looked: due.length, carded };
}
