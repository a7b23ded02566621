/**
 * The queue's counting consumer: a ticket taken, first called, missed or
 * transferred, or a visit ended → its change added to the month's counter
 * rows (stats/rules.ts says which), out of the ticket's transactions.
 * Delivery is at least once: the change and an inbox marker keyed by the
 * eventId are written in one transaction, so a redelivered event counts
 * nothing. An event that does not match its schema is refused: after the
 * bounded retries it lands in the dead-letter queue with the reason.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { queueEventSchemas, type QueueEventData } from '#schemas/events/queue';
import type { DomainEvent } from '#shared/events';
import { InvalidEventError } from '#shared/invalid-event';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { countChangeOf, type CountedEvent } from './rules.ts';
import * as store from './store.ts';
import { countingTrigger, type CountedEventType } from './subscriptions.ts';

/** The event as counted, checked against its detail-type's schema; anything else is refused with every reason. */
export function parse(event: EventBridgeEvent<string, unknown>): CountedEvent & { readonly eventId: string } {
  const type = event['detail-type'];
  if (event.source !== countingTrigger.source || !(countingTrigger.detailTypes as readonly string[]).includes(type)) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${type}, not one the queue counts`);
  }
  const errors = validationErrors(queueEventSchemas[type as CountedEventType], event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${type}) does not match its schema: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<QueueEventData[CountedEventType]>;
  return { type, eventId: detail.eventId, centerId: detail.centerId, actorId: detail.actor.id, data: detail.data } as CountedEvent & { eventId: string };
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: 'counted' | 'duplicate' | 'nothing' }> {
  const counted = parse(event);
  const served = counted.type === 'VisitEnded' ? await store.departmentsOfItems(counted.centerId, counted.data.itemCodes) : [];
  const change = countChangeOf(counted, served);
  const outcome = change ? await store.countOnce(counted.centerId, { eventId: counted.eventId, detailType: counted.type, nowMs: Date.now() }, change) : 'nothing';
  logger.info('queue event counted', { eventId: counted.eventId, type: counted.type, ticketId: counted.data.ticketId, outcome });
  return { outcome };
}
