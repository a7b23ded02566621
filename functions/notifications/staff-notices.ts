/**
 * Staff notices (consumer of the clock thresholds the cases domain publishes):
 * a case due soon, past its promised or statutory limit, a special procedure
 * or a pre-review overdue, a delivery late → one email to each of the
 * handling department's clerks, approvers and admins. The same people hear of
 * the warning, the yellow and the red of a clock, so a red card reaches whoever
 * got the earlier two.
 *
 * Each threshold event is claimed before sending and settled after: a
 * redelivered event sends nothing twice; when nobody could be reached the claim
 * is released and the event retried (then its DLQ).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { Staff } from '#schemas/api/org';
import type { ThresholdReached } from '#schemas/api/supervision';
import { reachedDetailTypes, thresholdEventSchema } from '#schemas/events/cases';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { departmentsOf, staffOf } from '../org/public.ts';
import { sendEmail } from './senders.ts';
import { claimStaffNotice, settleStaffNotices } from './store.ts';

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

const NOTIFIED_ROLES = ['clerk', 'approver', 'dept_admin'];

const what: Readonly<Record<string, string>> = {
  CaseDueSoon: '即将到期（承诺时限）',
  CasePromisedLimitPassed: '已超过承诺时限（黄牌）',
  CaseStatutoryLimitPassed: '已超过法定时限（红牌）',
  SpecialProcedureDueSoon: '特别程序即将到期',
  SpecialProcedureOverdue: '特别程序已超期',
  PreReviewOverdue: '网上预审已超期',
  DeliveryOverdue: '送达已超期（第四十四条）',
};

export function staffNoticeText(departmentName: string, detailType: string, t: Pick<ThresholdReached, 'caseNo' | 'due' | 'overdueWorkingDays'>): { subject: string; text: string } {
  const label = what[detailType] ?? detailType;
  const overdue = t.overdueWorkingDays ? `，超期 ${t.overdueWorkingDays} 个工作日以上` : '';
  return {
    subject: `【时限预警】${departmentName}：${t.caseNo} ${label}`,
    text: `${t.caseNo}：${label}（期限 ${t.due}${overdue}）。请及时办理；电子监察已记录。`,
  };
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ emails: number }> {
  const detailType = event['detail-type'];
  const errors = validationErrors(thresholdEventSchema, event.detail, '/detail');
  if (!reachedDetailTypes.includes(detailType) || errors.length) {
    throw new InvalidEventError(`event ${event.id} (${detailType}) is not a clock threshold: ${JSON.stringify(errors)}`);
  }
  const { centerId, data } = event.detail as DomainEvent<ThresholdReached>;
  const level = `${data.clock}:${data.level}`;
  const date = data.thresholdAt.slice(0, 10);
  if ((await claimStaffNotice(centerId, date, level, data.caseNo, Date.now())) !== 'claimed') return { emails: 0 };
  const [departments, staff] = await Promise.all([departmentsOf(centerId), staffOf<Staff>(centerId)]);
  const recipients = staff
    .filter((s) => s.status === 'active' && s.departmentId === data.departmentId && s.roles.some((r) => NOTIFIED_ROLES.includes(r)))
    .map((s) => s.email);
  if (recipients.length === 0) {
    await settleStaffNotices(centerId, date, [{ level, caseNo: data.caseNo }], 'sent');
    return { emails: 0 };
  }
  const name = departments.find((d) => d.departmentId === data.departmentId)?.name ?? data.departmentId;
  const message = staffNoticeText(name, detailType, data);
  // One message per person: staff addresses are personal data, never shown to each other.
  const results = await Promise.allSettled(recipients.map((to) => sendEmail([to], message)));
  const sent = results.filter((r) => r.status === 'fulfilled').length;
  await settleStaffNotices(centerId, date, [{ level, caseNo: data.caseNo }], sent > 0 ? 'sent' : 'failed');
  logger.info('staff notice', { caseNo: data.caseNo, detailType, emails: sent });
  if (sent === 0) throw new Error(`the staff notice of ${data.caseNo} (${detailType}) reached nobody; retried`);
  return { emails: sent };
}
