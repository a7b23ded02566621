/**
 * Staff accounts (人员): the rules of a staff record, and the use-cases that
 * keep the table and the user pool in step. The table says who a person is in
 * the center; the pool issues their tokens; `accounts.ts` lets a disabled
 * account's tokens stop working at once.
 */
import type { Staff, StaffBody, StaffEntry } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import { accountStatusKey, type AccountStatus } from '#shared/accounts';
import type { Caller, StaffRole } from '#shared/auth';
import { ungrantable } from '#shared/authorization';
import { alreadyExists, forbidden, problem, type FieldFault } from '#shared/errors';
import { upsertAccount } from '#shared/identity';
import { tooManyBackupPeople } from './absences.ts';
import { orgProblems } from './problems.ts';
import { staffDepartments } from './public.ts';

/** Roles that act for a department: their holder must belong to one (DESIGN §8). */
const departmentRoles: readonly StaffRole[] = ['clerk', 'approver', 'dept_admin', 'dept_head'];

/**
 * The record as stored and put in tokens: `departmentId` is the primary
 * department, `departmentIds` is kept only for a person of several, so a
 * one-department record reads as it always did.
 */
export function withDepartments<T extends Pick<StaffBody, 'departmentId' | 'departmentIds'>>(body: T): T {
  const { departmentId: _d, departmentIds: _ds, ...rest } = body;
  const all = staffDepartments(body);
  return { ...rest, ...(all.length ? { departmentId: all[0]! } : {}), ...(all.length > 1 ? { departmentIds: [...all] } : {}) } as T;
}

/** Rules across fields of a staff record that a JSON Schema cannot say. */
export function staffErrors(username: string, body: StaffBody): FieldFault[] {
  const errors: FieldFault[] = [];
  if (staffDepartments(body).length === 0 && body.roles.some((r) => departmentRoles.includes(r))) {
    const roles = departmentRoles.join(', ');
    errors.push({ path: '/body/departmentId', code: 'required', message: msg(`担任 ${roles} 角色的人员须指明所属部门`, `is required for the roles ${roles}`) });
  }
  if (body.departmentId && body.departmentIds && body.departmentIds[0] !== body.departmentId) {
    errors.push({ path: '/body/departmentIds/0', code: 'not_primary', message: msg('首个部门须为 departmentId 所指的主部门', 'must be the primary department that departmentId names') });
  }
  body.backups.forEach((b, i) => {
    if (b.backupUsername === username) errors.push({ path: `/body/backups/${i}/backupUsername`, code: 'self', message: msg('不能担任自己的 B 角', 'a person cannot be their own backup (AB角)') });
  });
  const tooMany = tooManyBackupPeople(body.backups, '/body/backups');
  if (tooMany) errors.push(tooMany);
  return errors;
}

/** The roles the caller hands out must be ones they may grant, before and after the change. */
export function checkGrant(caller: Caller, before: Staff | undefined, after: StaffBody) {
  const refused = ungrantable(caller, [...new Set([...(before?.roles ?? []), ...after.roles])]);
  if (refused.length) {
    const roles = refused.join(', ');
    throw forbidden(msg(`您不能授予或收回以下角色：${roles}。`, `You may not grant or take away the roles ${roles}.`));
  }
}

/**
 * A staff record for a username that already has an account in the user pool
 * (usernames are global to the pool): only the center admin of the account's
 * own center may adopt it, and never an applicant's account — otherwise an
 * admin could take over another center's user or a citizen's login.
 */
export function checkAdoption(caller: Caller, username: string, existing: { centerId: string; roles: string[] } | undefined) {
  if (!existing) return;
  const adoptable = existing.centerId === caller.centerId && caller.roles.includes('center_admin') && !existing.roles.includes('applicant');
  if (!adoptable) throw alreadyExists(msg(`用户名 ${username} 已被占用；请另选一个。`, `The username ${username} is taken; choose another.`));
}

/** 422 when the record breaks a rule across its fields. */
export function checkStaff(username: string, body: StaffBody) {
  const errors = staffErrors(username, body);
  if (errors.length) throw problem(orgProblems['staff-record-invalid'], msg('人员信息不符合要求，见 errors。', 'The staff record breaks its rules; see errors.'), errors);
}

export const directoryEntry = (s: Staff): StaffEntry => ({
  id: s.sub,
  username: s.username,
  name: s.name,
  roles: s.roles,
  ...(s.departmentId ? { departmentId: s.departmentId } : {}),
  ...(s.departmentIds ? { departmentIds: s.departmentIds } : {}),
  windowIds: s.windowIds,
  status: s.status,
});

/** The account in the user pool, created or brought in line; returns its sub. `body` is the stored form (withDepartments). */
export const syncAccount = (centerId: string, username: string, body: StaffBody) =>
  upsertAccount({
    username, name: body.name, email: body.email, centerId, roles: body.roles,
    ...(body.departmentId ? { departmentId: body.departmentId } : {}), ...(body.departmentIds ? { departmentIds: body.departmentIds } : {}),
  });

export const accountStatusItem = (sub: string, status: AccountStatus) => ({ ...accountStatusKey(sub), kind: 'accountStatus', status });
