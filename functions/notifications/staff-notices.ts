/**
 * Staff notices (consumer of the clock thresholds the domains publish): a case
 * past its promised or statutory limit, a special procedure due soon or
 * overdue, a pre-review overdue, a delivery late, a bad review's call-back or
 * rectification due or overdue, a certificate not issued after closure → one
 * email to each of those who answer for it (`recipientsOf`). A case's due-soon
 * warning is listed in the department's queue, not mailed (subscriptions.ts).
 * The same people hear of the yellow and the red of a clock (handlers only
 * join), so a red card reaches whoever got the yellow.
 *
 * Each threshold event is claimed before sending and settled after: a
 * redelivered event sends nothing twice; when nobody could be reached the claim
 * is released and the event retried (then its DLQ).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { Staff, StaffAbsence } from '#schemas/api/org';
import type { ThresholdReached } from '#schemas/api/supervision';
import type { TaskThresholdReached } from '#schemas/events/evaluation';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { absentToday, departmentsOf, staffDepartments, staffOf } from '../org/public.ts';
import { sendEmail } from './senders.ts';
import { claimStaffNotice, settleStaffNotices } from './store.ts';
import { staffNoticeSources } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';

const NOTIFIED_ROLES = ['clerk', 'approver', 'dept_admin'];
const LEADER_ROLE = 'dept_admin';

const what: Readonly<Record<string, string>> = {
  CasePromisedLimitPassed: '已超过承诺时限（黄牌）',
  CaseStatutoryLimitPassed: '已超过法定时限（红牌）',
  SpecialProcedureDueSoon: '特别程序即将到期',
  SpecialProcedureOverdue: '特别程序已超期',
  PreReviewOverdue: '网上预审已超期',
  SupplementNoticeDue: '今日为一次性告知期限的最后一天（逾期视为受理）',
  DeliveryOverdue: '送达已超期（第四十四条）',
  CallBackDue: '差评回访今日到期',
  CallBackOverdue: '差评回访已超期',
  RectificationDue: '差评整改今日到期',
  RectificationOverdue: '差评整改已超期',
  CertificateNotIssued: '办结后电子证照未按时出具（黄牌）',
};

/** What a notice is about: a case's clock, or a bad review's task (by its evaluation: the case number, or a visit's id). */
interface Threshold {
  readonly subjectId: string;
  readonly departmentId: string;
  readonly clock: string;
  readonly level: string;
  readonly thresholdAt: string;
  readonly due: string;
  readonly overdueWorkingDays?: number;
  readonly handlerIds?: readonly string[];
}

export function staffNoticeText(departmentName: string, detailType: string, t: Pick<Threshold, 'subjectId' | 'due' | 'overdueWorkingDays'>): { subject: string; text: string } {
  const label = what[detailType] ?? detailType;
  const overdue = t.overdueWorkingDays ? `，超期 ${t.overdueWorkingDays} 个工作日以上` : '';
  return {
    subject: `【时限预警】${departmentName}：${t.subjectId} ${label}`,
    text: `${t.subjectId}：${label}（期限 ${t.due}${overdue}）。请及时办理；电子监察已记录。`,
  };
}

/**
 * Who answers for a threshold: the subject's handlers still active (承办人) and
 * the department's admins; when nobody active has handled it, the department's
 * clerks, approvers and admins. Whoever covers one of them absent today hears
 * it too (AB角: B hears what A would), once each.
 */
export function recipientsOf(
  staff: readonly Staff[],
  absent: readonly Pick<StaffAbsence, 'username' | 'coveredBy'>[],
  departmentId: string,
  handlerIds: readonly string[] = [],
): string[] {
  const active = staff.filter((s) => s.status === 'active');
  const ofDepartment = (s: Staff, roles: readonly string[]) => staffDepartments(s).includes(departmentId) && s.roles.some((r) => roles.includes(r));
  const handlers = active.filter((s) => handlerIds.includes(s.sub));
  const notified = handlers.length
    ? active.filter((s) => handlers.includes(s) || ofDepartment(s, [LEADER_ROLE]))
    : active.filter((s) => ofDepartment(s, NOTIFIED_ROLES));
  const names = new Set(notified.map((s) => s.username));
  const backups = new Set(absent.filter((a) => names.has(a.username)).flatMap((a) => a.coveredBy.map((b) => b.username)));
  const covering = active.filter((s) => backups.has(s.username) && !notified.includes(s));
  return [...notified, ...covering].map((s) => s.email);
}

/** The threshold an event carries, checked against its source's schema. */
function thresholdOf(event: EventBridgeEvent<string, unknown>): { centerId: string; threshold: Threshold } {
  const detailType = event['detail-type'];
  const from = staffNoticeSources[event.source];
  const errors = from ? validationErrors(from.schema, event.detail, '/detail') : [];
  if (!from || !from.detailTypes.includes(detailType) || errors.length) {
    throw new InvalidEventError(`event ${event.id} (${event.source} ${detailType}) is not a clock threshold: ${JSON.stringify(errors)}`);
  }
  const { centerId, data } = event.detail as DomainEvent<ThresholdReached | TaskThresholdReached>;
  const subjectId = 'evaluationId' in data ? data.evaluationId : (data.caseNo ?? data.complaintId!);
  const { departmentId, clock, level, thresholdAt, due } = data;
  const overdue = 'overdueWorkingDays' in data && data.overdueWorkingDays !== undefined ? { overdueWorkingDays: data.overdueWorkingDays } : {};
  const handlers = 'handlerIds' in data && data.handlerIds ? { handlerIds: data.handlerIds } : {};
  return { centerId, threshold: { subjectId, departmentId, clock, level, thresholdAt, due, ...overdue, ...handlers } };
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ emails: number }> {
  const detailType = event['detail-type'];
  const { centerId, threshold: data } = thresholdOf(event);
  const level = `${data.clock}:${data.level}`;
  const date = data.thresholdAt.slice(0, 10);
  if ((await claimStaffNotice(centerId, date, level, data.subjectId, Date.now())) !== 'claimed') return { emails: 0 };
  const [departments, staff, absent] = await Promise.all([departmentsOf(centerId), staffOf<Staff>(centerId), absentToday(centerId, new Date().toISOString())]);
  const recipients = recipientsOf(staff, absent, data.departmentId, data.handlerIds);
  if (recipients.length === 0) {
    await settleStaffNotices(centerId, date, [{ level, subjectId: data.subjectId }], 'sent');
    return { emails: 0 };
  }
  const name = departments.find((d) => d.departmentId === data.departmentId)?.name ?? data.departmentId;
  const message = staffNoticeText(name, detailType, data);
  // One message per person: staff addresses are personal data, never shown to each other.
  const results = await Promise.allSettled(recipients.map((to) => sendEmail([to], message)));
  const sent = results.filter((r) => r.status === 'fulfilled').length;
  await settleStaffNotices(centerId, date, [{ level, subjectId: data.subjectId }], sent > 0 ? 'sent' : 'failed');
  logger.info('staff notice', { subjectId: data.subjectId, detailType, emails: sent });
  if (sent === 0) throw new Error(`the staff notice of ${data.subjectId} (${detailType}) reached nobody; retried`);
  return { emails: sent };
}
