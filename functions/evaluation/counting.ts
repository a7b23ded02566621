/**
 * The counting consumer: an evaluation event that changes the figures (a
 * rating, a default, a rectification on time, a fix rating, an upheld
 * appeal: the events carrying `data.counts`, computed by rules.ts) → its
 * deltas added to the month's counter rows of the center, department,
 * window, item and the staff it is attributed to.
 *
 * The rating's own transaction no longer touches those rows, so two ratings
 * of the same center and month never conflict; the figures follow each change
 * as soon as its event is delivered. Delivery is at least once: the deltas
 * and an inbox marker keyed by the eventId are written in one transaction, so
 * a redelivered event counts nothing. An event that does not match its schema
 * is refused: after the bounded retries it lands in the dead-letter queue
 * with the reason.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { evaluationEventSchemas, evaluationEventTypes, type EvaluationEventData, type EvaluationEventType } from '#schemas/events/evaluation';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import type { CountChange } from './rules.ts';
import * as store from './store.ts';
import { countingTrigger } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';

type Counted = DomainEvent<EvaluationEventData> & { readonly data: { readonly counts: CountChange } };

/** The event's detail, checked against its detail-type's schema; anything else is refused with every reason. */
export function parse(event: EventBridgeEvent<string, unknown>): Counted {
  const type = event['detail-type'];
  if (event.source !== countingTrigger.source || !(evaluationEventTypes as readonly string[]).includes(type)) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${type}, not a change of an evaluation`);
  }
  const errors = validationErrors(evaluationEventSchemas[type as EvaluationEventType], event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${type}) does not match its schema: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<EvaluationEventData>;
  if (!detail.data.counts) throw new InvalidEventError(`event ${event.id} (${type}) carries no counts`);
  return detail as Counted;
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: 'counted' | 'duplicate' }> {
  const detail = parse(event);
  const outcome = await store.countOnce(detail.centerId, { eventId: detail.eventId, detailType: event['detail-type'], nowMs: Date.now() }, detail.data.counts);
  logger.info('evaluation counted', { eventId: detail.eventId, evaluationId: detail.data.evaluationId, month: detail.data.counts.month, outcome });
  return { outcome };
}
