import { describe, expect, it } from 'vitest';
import { actorDepartment, callerDepartments, callerOf, type Caller, type StaffRole } from '#shared/auth';
import { denial, listingScope, permissions, type Action } from '#shared/authorization';
import { serviceRoleNames, userRoles } from '#schemas/api/common';

/**
 * The permission table, cell by cell: every action × every role (a person's
 * or a calling system's) × own/other
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
  'org.staff.multiDepartment.write': { center_admin: 'center' },
  'org.staff.removal.decide': { center_admin: 'center' },
  'org.staff.absence.write': { center_admin: 'center', dept_admin: 'department' },
  'org.directory.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'org.calendar.write': { center_admin: 'center' },
  'queue.category.write': { center_admin: 'center' },
  'queue.category.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'queue.ticket.issue': { clerk: 'center' },
  'queue.window.work': { clerk: 'center' },
  'queue.figures.read': { center_admin: 'center', supervisor: 'center', dept_admin: 'center' },
  'queue.stats.read': { center_admin: 'center', supervisor: 'center', dept_admin: 'department' },
  'appointment.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'appointment.settings.write': { center_admin: 'center' },
  'appointment.self': { applicant: 'center' },
  'appointment.manage': { clerk: 'center' },
  'appointment.list': { clerk: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' },
  'org.calendar.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'applicant.self': { applicant: 'center' },
  'applicant.lookup': { clerk: 'center', approver: 'center' },
  'applicant.read': { clerk: 'center', approver: 'center', dept_admin: 'center', center_admin: 'center', supervisor: 'center' },
  'applicant.personalData.reveal': { clerk: 'center', approver: 'center' },
  'audit.read': { auditor: 'center' },
  'applicant.account.write': { center_admin: 'center' },
  'applicant.credit.write': { center_admin: 'center' },
  'case.intake.online': { applicant: 'center' },
  'case.intake.window': { clerk: 'department' },
  'case.read': { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center', center_admin: 'center' },
  'case.queue.read': { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center' },
  'evaluation.read': { clerk: 'department', approver: 'department', dept_admin: 'department', center_admin: 'center', supervisor: 'center' },
  'evaluation.rater.read': { supervisor: 'center' },
  'evaluation.queue.read': { clerk: 'department', approver: 'department', dept_admin: 'department', supervisor: 'center' },
  'evaluation.appeals.read': { supervisor: 'center' },
  'evaluation.figures.read': { center_admin: 'center', supervisor: 'center' },
  'evaluation.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'evaluation.settings.write': { center_admin: 'center' },
  'supervision.cards.read': { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'handled', approver: 'handled' },
  'supervision.orders.read': { supervisor: 'center', auditor: 'center', dept_admin: 'department', clerk: 'department', approver: 'department' },
  'supervision.card.appeal': { dept_admin: 'department' },
  'supervision.card.decide': { supervisor: 'center' },
  'supervision.order.issue': { supervisor: 'center' },
  'supervision.order.reply': { dept_admin: 'department' },
  'supervision.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'supervision.settings.write': { supervisor: 'center', center_admin: 'center' },
  'supervision.figures.read': { supervisor: 'center', auditor: 'center', center_admin: 'center' },
  'case.materials.upload': { clerk: 'department' },
  'case.materials.verify': { clerk: 'department' },
  'case.queryCode.reissue': { clerk: 'department' },
  'case.documents.read': { clerk: 'department', approver: 'department', dept_admin: 'department' },
  'certificate.revoke': { approver: 'department' },
  'certificate.cancel': { approver: 'department' },
  'archive.read': { center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'archive.disposition.propose': { center_admin: 'center' },
  'archive.disposition.approve': { supervisor: 'center' },
  'appraisal.indicators.read': { center_admin: 'center', supervisor: 'center', dept_head: 'center' },
  'appraisal.indicators.write': { center_admin: 'center' },
  'appraisal.month.close': { center_admin: 'center' },
  'appraisal.scores.own': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'appraisal.scores.read': { center_admin: 'center', supervisor: 'center', dept_head: 'department' },
  'appraisal.appeal.decide': { supervisor: 'center' },
  'complaint.intake.online': { applicant: 'center' },
  'complaint.intake.staff': { clerk: 'center', supervisor: 'center' },
  'complaint.read': { supervisor: 'center', clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department' },
  'complaint.complainant.read': { supervisor: 'center' },
  'complaint.list.center': { supervisor: 'center' },
  'complaint.settings.read': { clerk: 'center', approver: 'center', dept_admin: 'center', dept_head: 'center', center_admin: 'center', supervisor: 'center', auditor: 'center' },
  'complaint.settings.write': { center_admin: 'center' },
  'complaint.queue.read': { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center' },
  'fee.read': { clerk: 'department', approver: 'department', dept_admin: 'department', dept_head: 'department', supervisor: 'center', center_admin: 'center' },
  'fee.assess': { clerk: 'department' },
  'fee.waiver.decide': { approver: 'department', dept_head: 'department' },
  'fee.refund.request': { clerk: 'department' },
  'fee.refund.decide': { approver: 'department', dept_head: 'department' },
  'complaint.intake.hotline': { hotline: 'center' },
  'complaint.figures.read': { supervisor: 'center', center_admin: 'center', dept_head: 'department', dept_admin: 'department' },
  'fee.finance.read': { finance: 'center', center_admin: 'center', auditor: 'center' },
  'fee.reconciliation.run': { finance: 'center' },
};

const caller = (role: StaffRole): Caller => ({ userId: `u-${role}`, username: role, roles: [role], centerId: 'c1', departmentId: 'amr' });

const cells = (Object.keys(permissions) as Action[]).flatMap((action) =>
  [...userRoles, ...serviceRoleNames].flatMap((role) =>
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

describe('several departments (综合窗口)', () => {
  /** A general window's clerk: housing first (primary), then health and amr. */
  const general: Caller = { userId: 'u-general', username: 'clerk.general', roles: ['clerk'], centerId: 'c1', departmentId: 'housing', departmentIds: ['housing', 'health', 'amr'] };
  const single = caller('clerk');

  it('allows a department-scoped action on a resource of each of the caller\'s departments', () => {
    for (const d of ['housing', 'health', 'amr']) {
      expect(denial(general, 'case.intake.window', { centerId: 'c1', departmentIds: [d] }), d).toBeUndefined();
      expect(denial(general, 'case.read', { centerId: 'c1', departmentIds: [d] }), d).toBeUndefined();
    }
  });

  it('refuses a department the caller is not authorized for, and another center', () => {
    expect(denial(general, 'case.intake.window', { centerId: 'c1', departmentIds: ['tax'] })?.en).toBe('You may take the action case.intake.window only on your own department\'s resources.');
    expect(denial(general, 'case.read', { centerId: 'c2', departmentIds: ['amr'] })).toBeDefined();
  });

  it('needs every department of a shared resource among the caller\'s', () => {
    expect(denial(general, 'case.read', { centerId: 'c1', departmentIds: ['amr', 'health'] })).toBeUndefined();
    expect(denial(general, 'case.read', { centerId: 'c1', departmentIds: ['amr', 'tax'] })).toBeDefined();
  });

  it('keeps a single-department clerk to the own department', () => {
    expect(denial(single, 'case.intake.window', { centerId: 'c1', departmentIds: ['amr'] })).toBeUndefined();
    expect(denial(single, 'case.intake.window', { centerId: 'c1', departmentIds: ['housing'] })).toBeDefined();
  });

  it('applies the handled scope in each of the caller\'s departments', () => {
    expect(denial(general, 'supervision.cards.read', { centerId: 'c1', departmentIds: ['health'], handlerIds: ['u-general'] })).toBeUndefined();
    expect(denial(general, 'supervision.cards.read', { centerId: 'c1', departmentIds: ['health'], handlerIds: [] })).toBeUndefined();
    expect(denial(general, 'supervision.cards.read', { centerId: 'c1', departmentIds: ['health'], handlerIds: ['u-x'] })?.en).toBe('You may take the action supervision.cards.read only on cases you handle.');
    expect(denial(general, 'supervision.cards.read', { centerId: 'c1', departmentIds: ['tax'], handlerIds: ['u-general'] })).toBeDefined();
  });

  it('lists the primary department unless another of the caller\'s is asked for', () => {
    expect(listingScope(general, 'case.queue.read', undefined)).toEqual({ departmentId: 'housing' });
    expect(listingScope(general, 'case.queue.read', 'amr')).toEqual({ departmentId: 'amr' });
    expect(listingScope(general, 'supervision.cards.read', 'health')).toEqual({ departmentId: 'health', handledBy: 'u-general' });
    expect(() => listingScope(general, 'case.queue.read', 'tax')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('reads the departments from the token: custom:departmentIds, or custom:departmentId alone as before', () => {
    const event = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims: { sub: 's', 'custom:centerId': 'c1', 'cognito:groups': '[clerk]', ...claims } } } } }) as never;
    expect(callerOf(event({ 'custom:departmentId': 'amr' }))).toMatchObject({ departmentId: 'amr', departmentIds: ['amr'] });
    expect(callerOf(event({ 'custom:departmentId': 'housing', 'custom:departmentIds': 'housing,health,amr' }))).toMatchObject({ departmentId: 'housing', departmentIds: ['housing', 'health', 'amr'] });
    // The primary attribute comes first even when the list names it elsewhere.
    expect(callerOf(event({ 'custom:departmentId': 'amr', 'custom:departmentIds': 'housing,amr' })).departmentIds).toEqual(['amr', 'housing']);
    const none = callerOf(event({}));
    expect([none.departmentId, callerDepartments(none)]).toEqual([undefined, []]);
  });

  it('records on an event the department the action was taken for, else the primary one', () => {
    expect(actorDepartment(general, ['amr'])).toEqual({ departmentId: 'amr' });
    expect(actorDepartment(general, [])).toEqual({ departmentId: 'housing' });
    expect(actorDepartment(single, ['amr'])).toEqual({ departmentId: 'amr' });
    expect(actorDepartment({ ...single, roles: ['supervisor'], departmentId: undefined }, ['amr'])).toEqual({});
  });
});
