import { describe, expect, it } from 'vitest';
import type { Caller, StaffRole } from '#shared/auth';
import { denial, listingScope, permissions, type Action } from '#shared/authorization';
import { userRoles } from '#schemas/api/common';

/**
 * The permission table, cell by cell: every action × every role × own/other
 * department × own/other center × whom the case is handled by (the caller,
 * someone else, nobody yet). The expectation is written out here, apart
 * from the table, so a change to the table shows up as a failing cell.
 */
const expected: Record<Action, Partial<Record<StaffRole, 'center' | 'department' | 'handled'>>> = {
  'catalog.item.administer': { center_admin: 'center', dept_admin: 'department' },
  'org.center.write': { center_admin: 'center' },
  'org.department.write': { center_admin: 'center' },
  'org.window.write': { center_admin: 'center', dept_admin: 'department' },
  'org.staff.write': { center_admin: 'center', dept_admin: 'department' },
  'org.directory.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'org.calendar.write': { center_admin: 'center' },
  'org.calendar.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'applicant.self': { applicant: 'center' },
  'applicant.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' },
  'applicant.personalData.reveal': { clerk: 'center', approver: 'center' },
  'audit.read': { auditor: 'center' },
  'applicant.account.write': { center_admin: 'center' },
  'case.intake.online': { applicant: 'center' },
  'case.intake.window': { clerk: 'department' },
  'case.read': { clerk: 'department', approver: 'department', dept_admin: 'department', supervisor: 'center' },
  'case.queue.read': { clerk: 'department', approver: 'department', dept_admin: 'department', supervisor: 'center' },
  'evaluation.read': { clerk: 'department', approver: 'department', dept_admin: 'department', center_admin: 'center', supervisor: 'center' },
  'evaluation.rater.read': { supervisor: 'center' },
  'evaluation.visit.open': { clerk: 'department' },
  'evaluation.queue.read': { clerk: 'department', approver: 'department', dept_admin: 'department', supervisor: 'center' },
  'evaluation.appeals.read': { supervisor: 'center' },
  'evaluation.figures.read': { center_admin: 'center', supervisor: 'center' },
  'evaluation.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'evaluation.settings.write': { center_admin: 'center' },
  'supervision.cards.read': { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'handled', approver: 'handled' },
  'supervision.orders.read': { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'department', approver: 'department' },
  'supervision.card.appeal': { dept_admin: 'department' },
  'supervision.card.decide': { supervisor: 'center' },
  'supervision.order.issue': { supervisor: 'center' },
  'supervision.order.reply': { dept_admin: 'department' },
  'supervision.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'supervision.settings.write': { supervisor: 'center', center_admin: 'center' },
  'supervision.figures.read': { supervisor: 'center', auditor: 'center', center_admin: 'center' },
  'case.materials.upload': { clerk: 'department' },
  'case.materials.verify': { clerk: 'department' },
  'case.documents.read': { clerk: 'department', approver: 'department', dept_admin: 'department' },
  'archive.read': { center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'archive.disposition.propose': { center_admin: 'center' },
  'archive.disposition.approve': { supervisor: 'center' },
};

const caller = (role: StaffRole): Caller => ({ userId: `u-${role}`, username: role, roles: [role], centerId: 'c1', departmentId: 'amr' });

const cells = (Object.keys(permissions) as Action[]).flatMap((action) =>
  userRoles.flatMap((role) =>
    (['own', 'other'] as const).flatMap((dept) =>
      (['own', 'other'] as const).flatMap((center) => (['caller', 'other', 'nobody'] as const).map((handler) => ({ action, role, dept, center, handler }))),
    ),
  ),
);

describe(`authorization matrix (${cells.length} cells)`, () => {
  it('covers every action of the table', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(permissions).sort());
  });

  it.each(cells)('$action · $role · $dept department · $center center · handled by $handler', ({ action, role, dept, center, handler }) => {
    const handlerIds = { caller: [`u-${role}`, 'u-x'], other: ['u-x'], nobody: [] }[handler];
    const target = { centerId: center === 'own' ? 'c1' : 'c2', departmentIds: [dept === 'own' ? 'amr' : 'health'], handlerIds };
    const scope = expected[action][role];
    const inDepartment = center === 'own' && dept === 'own';
    const allowed = (center === 'own' && scope === 'center') || (inDepartment && scope === 'department') || (inDepartment && scope === 'handled' && handler !== 'other');
    expect(denial(caller(role), action, target) === undefined).toBe(allowed);
  });
});

describe('department scope', () => {
  const deptAdmin = caller('dept_admin');

  it('needs every department of a shared resource to be the caller\'s own', () => {
    expect(denial(deptAdmin, 'org.window.write', { centerId: 'c1', departmentIds: ['amr'] })).toBeUndefined();
    expect(denial(deptAdmin, 'org.window.write', { centerId: 'c1', departmentIds: ['amr', 'health'] })).toBeDefined();
    expect(denial(deptAdmin, 'org.window.write', { centerId: 'c1', departmentIds: [] })).toBeDefined();
  });

  it('refuses a department-scoped role whose account has no department', () => {
    const { departmentId: _none, ...noDept } = deptAdmin;
    expect(denial(noDept, 'catalog.item.administer', { centerId: 'c1', departmentIds: ['amr'] })).toBeDefined();
    expect(() => listingScope(noDept, 'catalog.item.administer', undefined)).toThrow(expect.objectContaining({ status: 403, detail: 'Your account has no department.' }));
  });

  it('confines listings to the caller\'s scope', () => {
    expect(listingScope(deptAdmin, 'catalog.item.administer', undefined)).toEqual({ departmentId: 'amr' });
    expect(() => listingScope(deptAdmin, 'catalog.item.administer', 'health')).toThrow(expect.objectContaining({ status: 403, detail: 'You may list only your own department.' }));
    expect(listingScope(caller('center_admin'), 'catalog.item.administer', 'health')).toEqual({ departmentId: 'health' });
    expect(listingScope(caller('center_admin'), 'catalog.item.administer', undefined)).toEqual({});
    expect(() => listingScope(caller('clerk'), 'catalog.item.administer', undefined)).toThrow(expect.objectContaining({ status: 403, type: 'https://onestop.example.gov.cn/problems/forbidden' }));
  });

  it('confines a handler-scoped listing to the own department and the caller\'s cases', () => {
    expect(listingScope(caller('clerk'), 'supervision.cards.read', undefined)).toEqual({ departmentId: 'amr', handledBy: 'u-clerk' });
    expect(listingScope(caller('dept_admin'), 'supervision.cards.read', 'amr')).toEqual({ departmentId: 'amr' });
    expect(() => listingScope(caller('approver'), 'supervision.cards.read', 'health')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('says why a handler is refused another handler\'s case', () => {
    expect(denial(caller('clerk'), 'supervision.cards.read', { centerId: 'c1', departmentIds: ['amr'], handlerIds: ['u-x'] })?.en).toBe('You may take the action supervision.cards.read only on cases you handle.');
  });
});
