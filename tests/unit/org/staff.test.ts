import { describe, expect, it } from 'vitest';
import type { StaffBody } from '#schemas/api/org';
import { staffDepartments } from '../../../functions/org/public.ts';
import { staffErrors, withDepartments } from '../../../functions/org/staff.ts';

const clerk = (departments: Pick<StaffBody, 'departmentId' | 'departmentIds'>): StaffBody => ({
  name: '综合窗口', email: 'z@example.gov.cn', roles: ['clerk'], windowIds: ['z01'], backups: [], ...departments,
});
const codes = (body: StaffBody) => staffErrors('someone', body).map((e) => `${e.path}:${e.code}`);

describe('the departments of a staff record', () => {
  it('are departmentIds, primary first, or departmentId alone as before', () => {
    expect(staffDepartments(clerk({ departmentIds: ['housing', 'amr'] }))).toEqual(['housing', 'amr']);
    expect(staffDepartments(clerk({ departmentId: 'amr' }))).toEqual(['amr']);
    expect(staffDepartments(clerk({}))).toEqual([]);
  });

  it('are stored with the primary as departmentId, and the list only for a person of several', () => {
    expect(withDepartments(clerk({ departmentIds: ['housing', 'amr'] }))).toMatchObject({ departmentId: 'housing', departmentIds: ['housing', 'amr'] });
    const single = withDepartments(clerk({ departmentIds: ['amr'] }));
    expect(single.departmentId).toBe('amr');
    expect(single).not.toHaveProperty('departmentIds');
    expect(withDepartments(clerk({ departmentId: 'amr' }))).toEqual(clerk({ departmentId: 'amr' }));
  });

  it('must name one for a department role, and a departmentId that is the list\'s first', () => {
    expect(codes(clerk({}))).toEqual(['/body/departmentId:required']);
    expect(codes(clerk({ departmentIds: ['amr', 'housing'] }))).toEqual([]);
    expect(codes(clerk({ departmentId: 'amr', departmentIds: ['amr', 'housing'] }))).toEqual([]);
    expect(codes(clerk({ departmentId: 'amr', departmentIds: ['housing', 'amr'] }))).toEqual(['/body/departmentIds/0:not_primary']);
  });
});
