/**
 * The invitation consumer: a case completed (CaseCompleted on the bus) → its
 * evaluation (一事一评) waits for the applicant's rating, with the last day to
 * rate counted on the center's calendar from the completion; a visit to a
 * window ended (VisitEnded, the hall's queue) → the visit's evaluation
 * (一次一评), its id the visit's, for the applicant identified at the counter
 * or else for whoever holds the ticket slip. Only a visit opens a window
 * evaluation: staff cannot choose whom to invite. Each counts for the staff
 * (and window) it is attributed to (考核归属): a case's for the clerk who took
 * it in, at their window, and the one who decided it (both recorded on the
 * case, read with the opening's batch); a visit's for the window and the
 * clerk who served.
 *
 * Delivery is at least once: the invitation, its event and an inbox marker
 * keyed by the consumed eventId are written in one transaction, so a
 * redelivered event changes nothing and a failure leaves nothing half done.
 * An event that does not match the case event schema is refused: after the
 * bounded retries it lands in the dead-letter queue with the reason.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { caseEventSchema } from '#schemas/events/cases';
import { queueEventSchemas, type VisitEndedData } from '#schemas/events/queue';
import { msg } from '#schemas/api/problems';
import type { CaseEventData } from '#schemas/events/cases';
import { itemAt } from '#shared/db';
import { fault } from '#shared/errors';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { evaluationEvent } from './events.ts';
import { newInvitation } from './rules.ts';
import { effectiveSettings } from './settings.ts';
import * as store from './store.ts';
import { invitationTrigger as CONSUMED, visitTrigger } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';
import { caseKey, toRecord } from '../cases/public.ts';

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

interface VisitEnded {
  readonly eventId: string;
  readonly centerId: string;
  readonly occurredAt: string;
  readonly data: VisitEndedData;
}

export function parseVisit(event: EventBridgeEvent<string, unknown>): VisitEnded {
  const errors = validationErrors(queueEventSchemas.VisitEnded, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (VisitEnded) does not match its schema: ${JSON.stringify(errors)}`);
  return event.detail as VisitEnded;
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ outcome: store.InviteOutcome | 'unknownApplicant' }> {
  if (event.source === visitTrigger.source && event['detail-type'] === visitTrigger.detailType) return inviteVisit(parseVisit(event));
  return inviteCase(parse(event));
}

async function inviteCase(detail: CaseCompleted): Promise<{ outcome: store.InviteOutcome }> {
  const { centerId, data } = detail;
  const invitedAt = new Date(detail.occurredAt).toISOString();
  // The calendar years around the completion: the rating period counts from it, however late the event arrives.
  const ctx = await store.openingContext(centerId, invitedAt, undefined, [caseKey(centerId, data.caseNo)]);
  const handled = itemAt(ctx.found, caseKey(centerId, data.caseNo));
  const attribution = handled ? toRecord(handled).attribution : undefined;
  const staffIds = [attribution?.intake?.staffId, attribution?.decidedBy].filter((id): id is string => id !== undefined);
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
    ...(attribution?.intake?.windowId ? { windowId: attribution.intake.windowId } : {}),
    staffIds,
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

/**
 * The visit's evaluation, for the department of the item served (else the
 * window's first). A visitor nobody identified rates with the slip: the
 * evaluation keeps the ticket and the code's hash (slip.ts checks it). An
 * applicant id the center does not know opens nothing: the visit is recorded
 * either way.
 */
async function inviteVisit(detail: VisitEnded): Promise<{ outcome: store.InviteOutcome | 'unknownApplicant' }> {
  const { centerId, data } = detail;
  const invitedAt = new Date(detail.occurredAt).toISOString();
  const itemCode = data.itemCodes[0];
  const ctx = await store.openingContext(centerId, invitedAt, { ...(data.applicantId ? { applicantId: data.applicantId } : {}), ...(itemCode ? { itemCode } : {}) });
  if (data.applicantId && !ctx.applicant) {
    logger.warn('visit evaluation not opened: applicant unknown to the center', { eventId: detail.eventId, visitId: data.visitId });
    return { outcome: 'unknownApplicant' };
  }
  const item = ctx.item?.published?.status === 'published' ? ctx.item.published : undefined;
  const departmentId = item?.content.departmentId ?? data.departmentIds[0]!;
  const now = new Date().toISOString();
  const record = newInvitation(ctx.center.calendar, {
    evaluationId: data.visitId,
    type: 'window_visit',
    centerId,
    timeZone: ctx.center.timeZone,
    departmentId,
    ...(data.applicantId ? { applicantId: data.applicantId } : { slip: { ticketId: data.ticketId, codeHash: data.codeHash } }),
    windowId: data.windowId,
    staffIds: [data.staffId],
    ...(data.caseNos.length === 1 ? { caseNo: data.caseNos[0]! } : {}),
    ...(item ? { itemCode: item.code, itemName: item.content.name } : {}),
    invitedAt,
    now,
    settings: effectiveSettings(ctx.settingsItem),
  });
  const invitation = evaluationEvent(record, 'invite', 'EvaluationInvited', { id: 'system', role: 'system' }, now, {
    details: { consumedEventId: detail.eventId, channel: 'window', visitId: data.visitId, ...(record.missingCalendarYear ? { missingCalendarYear: record.missingCalendarYear } : {}) },
  });
  const outcome = await store.createInvitation(record, invitation, { eventId: detail.eventId, detailType: visitTrigger.detailType, nowMs: Date.parse(now) });
  logger.info('visit evaluation invitation', { eventId: detail.eventId, evaluationId: record.evaluationId, outcome });
  return { outcome };
}
