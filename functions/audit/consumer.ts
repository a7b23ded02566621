/**
 * The audit consumer: every OneStop event on the bus becomes an audit record.
 * Delivery is at least once, so the write is idempotent by eventId. An event
 * that does not match its envelope schema fails the invocation: after the
 * bounded retries it lands in the dead-letter queue with the reason, never
 * silently dropped.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { AnyEvent } from '#schemas/events/envelope';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { putRecord } from './store.ts';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ recorded: boolean }> {
  const errors = validationErrors(AnyEvent, event.detail, '/detail');
  if (errors.length) {
    throw new InvalidEventError(`event ${event.id} (${event['detail-type']}) is not a valid OneStop event: ${JSON.stringify(errors)}`);
  }
  const detail = event.detail as AnyEvent;
  const recorded = await putRecord({
    eventId: detail.eventId,
    centerId: detail.centerId,
    occurredAt: detail.occurredAt,
    recordedAt: new Date().toISOString(),
    source: event.source,
    action: event['detail-type'],
    result: 'success',
    actor: detail.actor,
    subject: detail.subject,
    data: detail.data,
  });
  logger.info('audit record', { eventId: detail.eventId, action: event['detail-type'], duplicate: !recorded });
  return { recorded };
}
