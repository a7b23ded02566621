import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { msg } from '#schemas/api/problems';
import { forbidden, notFound } from '#shared/errors';
import type { CaseRecord } from './lifecycle.ts';

/**
 * Who may see a case (the one rule every read of a case, or of what hangs off it, applies): the applicant who owns it; staff whose role reads cases
 * in its lead department or one of its co-departments. Others learn nothing:
 * an applicant gets 404, staff of another department 403.
 */
export function assertMayRead(caller: Caller, c: CaseRecord) {
  if (caller.roles.includes('applicant') && caller.userId === c.applicantSub) return;
  const departments = [c.item.departmentId, ...c.item.jointDepartments];
  const allowed = departments.some((d) => denial(caller, 'case.read', { centerId: c.centerId, departmentIds: [d] }) === undefined);
  if (allowed) return;
  if (caller.roles.every((r) => r === 'applicant')) throw notFound(msg(`没有办件 ${c.caseNo}。`, `No case ${c.caseNo}.`));
  throw forbidden(msg('此办件属于其他部门。', 'This case belongs to another department.'));
}


/**
 * Whether the caller reads the case as its applicant: internal review and
 * co-department opinions and the staff's ids are the agency's, not the
 * applicant's (they see states, dates, reasons and results).
 */
export const readsAsApplicant = (caller: Caller, c: CaseRecord) => caller.userId === c.applicantSub && caller.roles.every((r) => r === 'applicant');
