/**
 * The audit consumer: every OneStop event on the bus becomes one record of the
 * hash-chained audit log (chain.ts, store.ts). The bus puts the events on a
 * queue; the function receives them in batches and reports the messages it
 * could not apply (ReportBatchItemFailures), which the queue delivers again
 * after their visibility timeout, and after its maxReceiveCount moves to its
 * dead-letter queue.
 *
 * Discipline:
 *  - the detail is validated against its detail-type's schema (the envelope's
 *    for a detail-type the registry does not know); an invalid event fails its
 *    message with the reason logged, every time, until it lands in the
 *    dead-letter queue — never silently dropped;
 *  - delivery is at least once: each append is conditioned on the eventId, so
 *    a redelivered event changes nothing and its message is acknowledged;
 *  - the batch is appended chain by chain (batch.ts), each chain's events in
 *    one transaction per chunk; a chain that keeps losing its race (a few
 *    immediate replans, store.ts) fails its messages instead of spinning: the
 *    queue is the retry.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AnyEvent } from '#schemas/events/envelope';
import { eventSchemaOf } from '#schemas/events/registry';
import { logger } from '#shared/logger';
import { metricNames, putMetric } from '#shared/metrics';
import { validationErrors } from '#shared/validate';
import { groupByChain, type GroupOutcome, type Placed } from './batch.ts';
import { chainOf, changeOf, type RecordInput } from './chain.ts';
import { appendToChain, markActiveDay } from './store.ts';
import { InvalidEventError } from '#shared/invalid-event';

interface BusEvent {
  readonly id: string;
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: unknown;
}

/** The record an event asks for, or InvalidEventError saying why it cannot be recorded. */
export async function recordInputOf(body: string): Promise<{ input: RecordInput; chain: string }> {
  let event: BusEvent;
  try {
    event = JSON.parse(body) as BusEvent;
  } catch {
    throw new InvalidEventError('the message is not JSON');
  }
  const detailType = event?.['detail-type'];
  // Named by its eventId where it has one (what the log and the records are searched by), else the bus's id.
  const name = `event ${(event?.detail as { eventId?: unknown } | undefined)?.eventId ?? event?.id} (${event?.source} ${detailType})`;
  const { schema, known } = await eventSchemaOf(event?.source, detailType);
  const errors = validationErrors(schema, event?.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`${name} does not match ${known ? `the ${detailType} schema` : 'the event envelope'}: ${JSON.stringify(errors)}`);
  const detail = event.detail as AnyEvent;
  let chain: string;
  try {
    chain = chainOf(detail.subject);
  } catch (err) {
    throw new InvalidEventError(`${name}: ${(err as Error).message}`);
  }
  const input: RecordInput = {
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
  };
  return { input, chain };
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failed = new Set<string>();
  const placed: Placed[] = [];
  for (const m of event.Records) {
    try {
      placed.push({ messageId: m.messageId, ...(await recordInputOf(m.body)) });
    } catch (err) {
      if (!(err instanceof InvalidEventError)) throw err;
      logger.error('audit event invalid', { messageId: m.messageId, receiveCount: Number(m.attributes.ApproximateReceiveCount), error: err });
      failed.add(m.messageId);
    }
  }

  // One put per center-day the batch opens, shared by its chains.
  const days = new Map<string, Promise<void>>();
  const opensDay = (centerId: string) => (day: string) => {
    const key = `${centerId}#${day}`;
    if (!days.has(key)) days.set(key, markActiveDay(centerId, day));
    return days.get(key)!;
  };
  const groups = groupByChain(placed);
  const outcomes = await Promise.all(groups.map((g) =>
    appendToChain(g.centerId, g.chain, g.events.map((e) => e.input), opensDay(g.centerId))
      .catch((err: Error): GroupOutcome => ({ recorded: [], duplicates: [], retry: g.events.map((e) => e.input.eventId), reason: `${err.name}: ${err.message}` }))));

  let recorded = 0;
  let duplicates = 0;
  let maxLagMs = 0;
  groups.forEach((g, i) => {
    const outcome = outcomes[i]!;
    const retry = new Set(outcome.retry);
    for (const e of g.events) if (retry.has(e.input.eventId)) e.messageIds.forEach((id) => failed.add(id));
    if (retry.size) logger.warn('audit chain busy: events go back to the queue', { chain: g.chain, centerId: g.centerId, events: retry.size, reason: outcome.reason });
    recorded += outcome.recorded.length;
    duplicates += outcome.duplicates.length;
    for (const r of outcome.recorded) maxLagMs = Math.max(maxLagMs, Date.parse(r.recordedAt) - Date.parse(r.occurredAt));
  });

  putMetric(metricNames.auditRecords, recorded, 'Count');
  if (recorded) putMetric(metricNames.auditLagMs, maxLagMs, 'Milliseconds');
  logger.info('audit batch', { messages: event.Records.length, chains: groups.length, recorded, duplicates, failed: failed.size });
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}
