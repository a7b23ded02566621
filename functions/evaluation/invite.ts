/**
 * The invitation consumer: a case completed (CaseCompleted on the bus) → its
 * evaluation (一事一评) waits for the applicant's rating, with the last day to
 * rate counted on the center's calendar from the completion.
 *
 * Delivery is at least once: the invitation, its event and an inbox marker
 * keyed by the consumed eventId are written in one transaction, so a
 * redelivered event changes nothing and a failure leaves nothing half done.
 * An event that does not match the case event schema is refused: after the
 * bounded retries it lands in the dead-letter queue with the reason.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { caseEventSchema } from '#schemas/events/cases';
import { msg } from '#schemas/api/problems';
import type { CaseEventData } from '#schemas/events/cases';
import { fault } from '#shared/errors';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { evaluationEvent } from './events.ts';
import { newInvitation } from './rules.ts';
import { effectiveSettings } from './settings.ts';
import * as store from './store.ts';
import { invitationTrigger as CONSUMED } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';

interface CaseCompleted {
  readonly eventId: string;
  readonly centerId: string;
  readonly occurredAt: string;
  readonly data: CaseEventData;
}

/** The event's detail, checked against its schema; anything else is refused with every reason. */
export function parse(event: EventBridgeEvent<string, unknown>): CaseCompleted {
  if (event.source !== CONSUMED.source || event['detail-type'] !== CONSUMED.detailType) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${event['detail-type']}, not ${CONSUMED.source} ${CONSUMED.detailType}`);
  }
  const errors = validationErrors(caseEventSchema, event.detail, '/detail');
  const detail = event.detail as CaseCompleted;
  if (!errors.length && detail.data.toState !== 'completed') errors.push(fault('/detail/data/toState', 'const', msg('须为 completed', 'must be completed')));
  if (errors.length) throw new InvalidEventError(`event ${event.id} (CaseCompleted) does not match its schema: ${JSON.stringify(errors)}`);
  return detail;
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: store.InviteOutcome }> {
  const detail = parse(event);
  const { centerId, data } = detail;
  const invitedAt = new Date(detail.occurredAt).toISOString();
  // The calendar years around the completion: the rating period counts from it, however late the event arrives.
  const ctx = await store.openingContext(centerId, invitedAt);
  const { timeZone } = ctx.center;
  const now = new Date().toISOString();
  const record = newInvitation(ctx.center.calendar, {
    evaluationId: data.caseNo,
    type: 'case',
    centerId,
    timeZone,
    departmentId: data.departmentId,
    applicantId: data.applicantId,
    caseNo: data.caseNo,
    itemCode: data.itemCode,
    itemName: data.itemName,
    invitedAt,
    now,
    settings: effectiveSettings(ctx.settingsItem),
  });
  const invitation = evaluationEvent(record, 'invite', 'EvaluationInvited', { id: 'system', role: 'system' }, now, {
    details: { consumedEventId: detail.eventId, ...(record.missingCalendarYear ? { missingCalendarYear: record.missingCalendarYear } : {}) },
  });
  const outcome = await store.createInvitation(record, invitation, { eventId: detail.eventId, detailType: CONSUMED.detailType, nowMs: Date.parse(now) });
  logger.info('evaluation invitation', { eventId: detail.eventId, evaluationId: record.evaluationId, outcome, ...(record.rateBy ? { rateBy: record.rateBy } : {}) });
  return { outcome };
}
