/**
 * The audit consumer: every OneStop event on the bus becomes one record of the
 * hash-chained audit log (chain.ts, store.ts).
 *
 * Discipline:
 *  - the detail is validated against its detail-type's schema (the envelope's
 *    for a detail-type the registry does not know); an invalid event fails the
 *    invocation with the reason, and after the bounded retries lands in the
 *    dead-letter queue, never silently dropped;
 *  - delivery is at least once: the append is conditioned on the eventId, so a
 *    redelivered event changes nothing;
 *  - the append is one transaction: a failure leaves nothing half-written, and
 *    the retry appends the record once.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { AnyEvent } from '#schemas/events/envelope';
import { eventSchemaOf } from '#schemas/events/registry';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { changeOf } from './chain.ts';
import { appendRecord } from './store.ts';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ recorded: boolean; chain?: string; seq?: number }> {
  const detailType = event['detail-type'];
  const { schema, known } = eventSchemaOf(event.source, detailType);
  const errors = validationErrors(schema, event.detail, '/detail');
  if (errors.length) {
    throw new InvalidEventError(
      `event ${event.id} (${event.source} ${detailType}) does not match ${known ? `the ${detailType} schema` : 'the event envelope'}: ${JSON.stringify(errors)}`,
    );
  }
  const detail = event.detail as AnyEvent;
  const outcome = await appendRecord({
    eventId: detail.eventId,
    centerId: detail.centerId,
    occurredAt: detail.occurredAt,
    source: event.source,
    action: detailType,
    result: 'success',
    actor: detail.actor,
    subject: detail.subject,
    ...changeOf(detailType, detail.data),
    data: detail.data,
  });
  if (outcome.status === 'duplicate') {
    logger.info('audit record exists', { eventId: detail.eventId, action: detailType, duplicate: true });
    return { recorded: false };
  }
  const { chain, seq } = outcome.record;
  logger.info('audit record', { eventId: detail.eventId, action: detailType, chain, seq, attempts: outcome.attempts });
  return { recorded: true, chain, seq };
}
