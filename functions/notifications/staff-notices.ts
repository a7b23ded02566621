/**
 * Staff notices (schedule): each department's clerks, approvers and admins
 * get one email per run listing the cases that became due soon (within the
 * 2-working-day warning) or overdue since they were last told — each case at
 * each level once a day. The lists are the cases domain's due-soon and overdue
 * queues; a failed send releases its claims so the next run tries again.
 */
import type { Staff } from '#schemas/api/org';
import type { CaseSummary } from '#schemas/api/cases';
import { logger } from '#shared/logger';
import { dueSoonUntil, listContext, queuePage } from '../cases/public.ts';
import { departmentsOf, listCenters, staffOf } from '../org/public.ts';
import { sendEmail } from './senders.ts';
import { claimStaffNotice, settleStaffNotices } from './store.ts';

const LEVELS = ['overdue', 'due_soon'] as const;
const MAX_LISTED = 100;
const NOTIFIED_ROLES = ['clerk', 'approver', 'dept_admin'];

type Due = { level: (typeof LEVELS)[number]; caseNo: string; itemName: string; due?: string };

export function staffNoticeText(departmentName: string, cases: readonly Due[]): { subject: string; text: string } {
  const line = (c: Due) => `${c.caseNo} ${c.itemName}${c.due ? `（到期 ${c.due}）` : ''}`;
  const overdue = cases.filter((c) => c.level === 'overdue');
  const soon = cases.filter((c) => c.level === 'due_soon');
  const parts = [
    ...(overdue.length ? [`已超期（${overdue.length}件）：`, ...overdue.map(line)] : []),
    ...(soon.length ? [`即将到期（${soon.length}件）：`, ...soon.map(line)] : []),
  ];
  return { subject: `【时限预警】${departmentName}：${overdue.length} 件超期，${soon.length} 件即将到期`, text: parts.join('\n') };
}

export async function handler(): Promise<{ emails: number; cases: number }> {
  const now = new Date();
  let emails = 0;
  let listed = 0;
  const failures: string[] = [];
  for (const centerId of await listCenters()) {
    // "Today" and the working days are the center's own, in its time zone.
    const { center } = await listContext(centerId, now.toISOString());
    const { calendar: cal, today } = center;
    const staff = (await staffOf<Staff>(centerId)).filter((s) => s.status === 'active' && s.roles.some((r) => NOTIFIED_ROLES.includes(r)));
    for (const dept of await departmentsOf(centerId)) {
      const recipients = staff.filter((s) => s.departmentId === dept.departmentId).map((s) => s.email);
      if (recipients.length === 0) continue;
      const fresh: Due[] = [];
      for (const level of LEVELS) {
        const page = await queuePage(centerId, dept.departmentId, level, { today, soonUntil: dueSoonUntil(cal, today) }, MAX_LISTED, undefined);
        for (const c of page.items) {
          if ((await claimStaffNotice(centerId, today, level, c.caseNo, now.getTime())) !== 'claimed') continue;
          fresh.push({ level, caseNo: c.caseNo, itemName: c.item.name, due: dueOf(c) });
        }
      }
      if (fresh.length === 0) continue;
      // One message per person: staff addresses are personal data, never shown to each other.
      const message = staffNoticeText(dept.name, fresh);
      const results = await Promise.allSettled(recipients.map((to) => sendEmail([to], message)));
      const sent = results.filter((r) => r.status === 'fulfilled').length;
      // Nobody reached: release the claims for the next run; one department's failure stops no other.
      await settleStaffNotices(centerId, today, fresh, sent > 0 ? 'sent' : 'failed');
      if (sent === 0) failures.push(`${centerId}/${dept.departmentId}`);
      emails += sent;
      listed += fresh.length;
    }
  }
  logger.info('staff notices', { emails, cases: listed, failedDepartments: failures.length });
  if (failures.length) throw new Error(`staff notices could not be sent to departments ${failures.join(', ')}; they are retried on the next run`);
  return { emails, cases: listed };
}

function dueOf(c: { state: string; deadlines: CaseSummary['deadlines'] }): string | undefined {
  return ['approved', 'denied', 'completed'].includes(c.state) ? c.deadlines.deliveryDue : c.deadlines.promisedDue;
}
