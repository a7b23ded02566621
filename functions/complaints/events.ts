/**
 * The events of a complaint (the outbox items and its history) and the
 * suggestion that a staff member leave the window. Ids and codes only: never
 * the complainant's name or contact, and no free text.
 */
import type { ComplaintEventData, ComplaintSettingsChangedData, StaffRemovalSuggestedData } from '#schemas/events/complaints';
import type { ThresholdReached } from '#schemas/api/supervision';
import { thresholdReached, type Threshold } from '#shared/clock-rules';
import type { EventDraft } from '#shared/events';
import type { ComplaintRecord } from './lifecycle.ts';
import type { StaffCount } from './rules.ts';

export type ComplaintEvent = EventDraft<ComplaintEventData>;
export type StaffRemovalEvent = EventDraft<StaffRemovalSuggestedData>;
export type SettingsEvent = EventDraft<ComplaintSettingsChangedData>;
export type ThresholdEvent = EventDraft<ThresholdReached>;

/** A level of the reply's clock reached (or withdrawn): the department's, with the complaint's id and nothing of who complained. */
export function thresholdEvent(c: ComplaintRecord, t: Threshold, detailType: string, now: string): ThresholdEvent {
  return {
    source: 'onestop.complaints',
    detailType,
    centerId: c.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'complaint', id: c.complaintId },
    data: thresholdReached({ complaintId: c.complaintId, departmentId: c.departmentId!, ...(c.provisional ? { provisional: true } : {}) }, t),
  };
}

export function complaintEvent(
  next: ComplaintRecord,
  action: string,
  detailType: string,
  actor: ComplaintEvent['actor'],
  now: string,
  extra: { fromState?: ComplaintRecord['state']; details: ComplaintEventData['details'] },
): ComplaintEvent {
  return {
    source: 'onestop.complaints',
    detailType,
    centerId: next.centerId,
    occurredAt: now,
    actor,
    subject: { type: 'complaint', id: next.complaintId },
    data: {
      complaintId: next.complaintId,
      action,
      ...(extra.fromState ? { fromState: extra.fromState } : {}),
      toState: next.state,
      channel: next.channel,
      category: next.category,
      subject: next.subject,
      ...(next.respondentDepartmentId ? { respondentDepartmentId: next.respondentDepartmentId } : {}),
      ...(next.departmentId ? { departmentId: next.departmentId } : {}),
      complaintVersion: next.version,
      acceptDue: next.acceptDue,
      ...(next.replyDue ? { replyDue: next.replyDue } : {}),
      ...(next.rateDue ? { rateDue: next.rateDue } : {}),
      ...(next.reviewDue ? { reviewDue: next.reviewDue } : {}),
      details: extra.details,
    },
  };
}

/** The count reached the center's threshold: for the center admin to decide (the actor is whoever's reply counted it). */
export function staffRemovalEvent(c: ComplaintRecord, count: StaffCount, actor: StaffRemovalEvent['actor'], now: string): StaffRemovalEvent {
  return {
    source: 'onestop.complaints',
    detailType: 'StaffRemovalSuggested',
    centerId: c.centerId,
    occurredAt: now,
    actor,
    subject: { type: 'staff', id: count.username },
    data: {
      username: count.username,
      year: count.year,
      substantiated: count.counted + 1,
      threshold: count.threshold,
      complaintId: c.complaintId,
      ...(c.departmentId ? { departmentId: c.departmentId } : {}),
    },
  };
}
