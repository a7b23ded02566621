import { describe, expect, it } from 'vitest';
import type { StaffBody } from '#schemas/api/org';
import { staffDepartments } from '../../../functions/org/public.ts';
import { MAX_BACKUP_PEOPLE } from '../../../functions/org/absences.ts';
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

describe('the backups of a staff record (AB角)', () => {
  const backups = (people: number, itemsEach = 1) =>
    Array.from({ length: people * itemsEach }, (_, i) => ({ itemCode: `I-${i}`, backupUsername: `b${i % people}` }));
  it('name at most 20 people, however many items they cover, and never the person', () => {
    expect(codes({ ...clerk({ departmentId: 'amr' }), backups: backups(MAX_BACKUP_PEOPLE, 5) })).toEqual([]);
    expect(codes({ ...clerk({ departmentId: 'amr' }), backups: backups(MAX_BACKUP_PEOPLE + 1) })).toEqual(['/body/backups:too_many_people']);
    expect(codes({ ...clerk({ departmentId: 'amr' }), backups: [{ itemCode: 'I-1', backupUsername: 'someone' }] })).toEqual(['/body/backups/0/backupUsername:self']);
  });
});
