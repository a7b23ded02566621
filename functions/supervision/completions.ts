/**
 * The completion consumer: a case closed (CaseCompleted) → the month's
 * timeliness figures of its center, lead department and handlers (按时办结率,
 * mean lateness in working days), counted once per case whatever the
 * redeliveries: a marker on the case's supervision partition is written in the
 * same transaction as the counters.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { caseEventSchema, type CaseEventData } from '#schemas/events/cases';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { completionTimeliness } from '#shared/clock-rules';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseContext } from '../cases/public.ts';
import { timelinessCounts } from './cards.ts';
import * as store from './store.ts';
import { completionTrigger } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';

export function parse(event: EventBridgeEvent<string, unknown>): DomainEvent<CaseEventData> {
  if (event.source !== completionTrigger.source || event['detail-type'] !== completionTrigger.detailType) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${event['detail-type']}, not a case completion`);
  }
  const errors = validationErrors(caseEventSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (CaseCompleted) does not match its schema: ${JSON.stringify(errors)}`);
  return event.detail as DomainEvent<CaseEventData>;
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: 'counted' | 'duplicate' | 'unknown_case' }> {
  const { centerId, data, occurredAt } = parse(event);
  const ctx = await caseContext(centerId, data.caseNo, occurredAt);
  const c = ctx.record;
  // The case is written before its event: an event about no case counts nothing (retrying would not make one).
  if (!c) {
    logger.warn('completion of an unknown case', { eventId: event.id, caseNo: data.caseNo });
    return { outcome: 'unknown_case' };
  }
  const cal = calendarOn(ctx.center, c.timeZone);
  const timeliness = completionTimeliness(cal, c.deadlines.promisedDue, c.decision?.at ?? c.completedAt ?? occurredAt);
  const month = localDate(cal, occurredAt).slice(0, 7);
  const counted = await store.countCompletion(centerId, c.caseNo, { month, departmentId: c.item.departmentId, handlerIds: c.handlerIds }, timelinessCounts(timeliness));
  logger.info('completion', { caseNo: c.caseNo, outcome: counted ? 'counted' : 'duplicate', ...(timeliness ?? { undated: true }) });
  return { outcome: counted ? 'counted' : 'duplicate' };
}
