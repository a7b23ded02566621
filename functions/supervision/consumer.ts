/**
 * The card consumer: a clock threshold on the bus (CaseDueSoon,
 * CasePromisedLimitPassed, SpecialProcedureOverdue…, the documents domain's
 * CertificateNotIssued) → the card of that clock
 * and level (warning, yellow, red), counted in the month's figures.
 *
 * Delivery is at least once and may be out of order: the card's key is its
 * clock and level, so a repeated event finds it issued and changes nothing,
 * and each level is carded on its own; a withdrawn threshold cancels its
 * card. An event that does not match its
 * schema is refused: after the bounded retries it lands in the DLQ.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { thresholdEventSchema } from '#schemas/events/cases';
import type { ThresholdReached } from '#schemas/api/supervision';
import type { CardEventData } from '#schemas/events/supervision';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import type { EventDraft } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { cardEvent } from './events.ts';
import { cancel, cardIdOf, cardOf, isCarded, issuedCounts, subjectOf } from './cards.ts';
import * as store from './store.ts';
import { thresholdTrigger } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';
import { THRESHOLD_WITHDRAWN } from '#schemas/events/threshold-types';

interface Threshold {
  readonly eventId: string;
  readonly centerId: string;
  readonly occurredAt: string;
  readonly data: ThresholdReached;
}

export function parse(event: EventBridgeEvent<string, unknown>): Threshold {
  if (!thresholdTrigger.accepts(event.source, event['detail-type'])) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${event['detail-type']}, not a clock threshold`);
  }
  const errors = validationErrors(thresholdEventSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${event['detail-type']}) does not match its schema: ${JSON.stringify(errors)}`);
  return event.detail as Threshold;
}

/** A withdrawn threshold: its card, if any, is cancelled (a lost race is retried by the bus). */
async function withdraw(centerId: string, data: ThresholdReached, eventId: string, now: string): Promise<'cancelled' | 'unchanged'> {
  const ctx = await store.cardContext(centerId, cardIdOf(subjectOf(data), data.clock, data.level), now);
  const change = ctx.card && cancel(ctx.card, now);
  if (!ctx.card || !change) return 'unchanged';
  const draft = cardEvent(change.next, 'cancel', 'CardCancelled', { id: 'system', role: 'system' }, now, { fromState: ctx.card.state, details: { sourceEventId: eventId } });
  await store.changeCard(change.next, ctx.card.version, draft, change.counts, localDate(calendarOn(ctx.center, ctx.center.timeZone), now));
  return 'cancelled';
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: 'issued' | 'duplicate' | 'not_carded' | 'cancelled' | 'unchanged' }> {
  const { centerId, data } = parse(event);
  if (!isCarded(data)) return { outcome: 'not_carded' };
  const now = new Date().toISOString();
  if (event['detail-type'] === THRESHOLD_WITHDRAWN) return { outcome: await withdraw(centerId, data, event.id, now) };
  const { center } = await store.centerContext(centerId, now);
  const cal = calendarOn(center, center.timeZone);
  // The month and day the card counts in: the threshold's, in the center's zone, however late the event arrives.
  const day = localDate(cal, data.thresholdAt);
  const card = cardOf(centerId, data, now, day.slice(0, 7));
  const draft: EventDraft<CardEventData> = cardEvent(card, 'issue', 'CardIssued', { id: 'system', role: 'system' }, now, { details: { sourceEventId: event.id } });
  const issued = await store.issueCard(card, draft, issuedCounts(card), day);
  logger.info('card', { cardId: card.cardId, outcome: issued ? 'issued' : 'duplicate', lagMs: Date.parse(now) - Date.parse(data.thresholdAt) });
  return { outcome: issued ? 'issued' : 'duplicate' };
}
