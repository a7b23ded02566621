import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { localDate, workCalendar } from '#shared/calendar';
import { msg } from '#schemas/api/problems';
import { forbidden, notFound } from '#shared/errors';
import { grantCovers } from '../applicants/public.ts';
import type { CaseRecord } from './lifecycle.ts';
import { agencyFor } from './store.ts';

const isOwner = (caller: Caller, c: CaseRecord) => caller.roles.includes('applicant') && caller.userId === c.applicantSub;

/**
 * Whether the caller stands for the case's applicant: the applicant who owns
 * it, or an applicant the owner authorized as agent (代办人) while the
 * authorization covers the case's item on the day (the case's time zone).
 * The authorization is read afresh each time, so that a revocation takes
 * effect at once. The one rule of cases and of what hangs off them (files,
 * documents).
 */
export async function standsForApplicant(caller: Caller, c: CaseRecord, now = new Date().toISOString()): Promise<boolean> {
  if (isOwner(caller, c)) return true;
  if (!caller.roles.includes('applicant')) return false;
  const agency = await agencyFor(c.centerId, caller.userId, c.applicant.applicantId);
  return grantCovers(agency, c.item.code, localDate(workCalendar([], c.timeZone), now));
}

/**
 * Who may see a case (the one rule every read of a case, or of what hangs off
 * it, applies): whoever stands for its applicant (the owner or an agent, see
 * standsForApplicant); staff whose role reads cases in its lead department or
 * one of its co-departments. Others learn nothing: an applicant gets 404,
 * staff of another department 403.
 */
export async function assertMayRead(caller: Caller, c: CaseRecord, now = new Date().toISOString()): Promise<void> {
  if (await standsForApplicant(caller, c, now)) return;
  const departments = [c.item.departmentId, ...c.item.jointDepartments];
  const allowed = departments.some((d) => denial(caller, 'case.read', { centerId: c.centerId, departmentIds: [d] }) === undefined);
  if (allowed) return;
  if (caller.roles.every((r) => r === 'applicant')) throw notFound(msg(`没有办件 ${c.caseNo}。`, `No case ${c.caseNo}.`));
  throw forbidden(msg('此办件属于其他部门。', 'This case belongs to another department.'));
}

/**
 * Whether the caller reads the case as its applicant: internal review and
 * co-department opinions and the staff's ids are the agency's, not the
 * applicant's (they see states, dates, reasons and results). Asked once the
 * read is allowed, when an applicant reading a case is its owner or the
 * owner's agent, who reads it as the owner does.
 */
export const readsAsApplicant = (caller: Caller) => caller.roles.every((r) => r === 'applicant');

/**
 * Who holds a case's query code (查询码): the applicant who owns the case sees
 * it in their view and may reissue it; a clerk of its lead department reissues
 * it for an applicant at the counter. An agent neither sees nor reissues it: a
 * code keeps opening the public lookup after the authorization is revoked.
 */
export const holdsQueryCode = (caller: Caller, c: CaseRecord) => isOwner(caller, c);

/** Asked once the caller may read the case (assertMayRead). */
export function assertMayReissueQueryCode(caller: Caller, c: CaseRecord): void {
  if (holdsQueryCode(caller, c)) return;
  if (denial(caller, 'case.queryCode.reissue', { centerId: c.centerId, departmentIds: [c.item.departmentId] }) === undefined) return;
  throw forbidden(msg('只有申请人本人或受理部门的窗口人员可以补发查询码。', 'Only the applicant in person or a clerk of the handling department may reissue the query code.'));
}
