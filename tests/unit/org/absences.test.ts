import { describe, expect, it } from 'vitest';
import type { Staff } from '#schemas/api/org';
import type { Caller } from '#shared/auth';
import { HttpProblem } from '#shared/errors';
import { cancelAbsence, markAbsence, MAX_BACKUP_PEOPLE, MAX_DAYS_AHEAD } from '../../../functions/org/absences.ts';
import { recipientsOf } from '../../../functions/notifications/staff-notices.ts';

const staff = (username: string, over: Partial<Staff> = {}): Staff => ({
  username, name: username, email: `${username}@example.gov.cn`, roles: ['clerk'], departmentId: 'health', windowIds: [], backups: [],
  status: 'active', sub: `sub-${username}`, updatedAt: '2026-12-01T00:00:00Z', updatedBy: 'system', ...over,
});
const a = staff('a', {
  windowIds: ['c01', 'c02'],
  backups: [{ itemCode: 'I-1', backupUsername: 'b' }, { itemCode: 'I-2', backupUsername: 'c' }, { itemCode: 'I-3', backupUsername: 'b' }],
});
const admin = (departmentId?: string): Caller => ({ userId: 'admin-sub', username: 'admin', roles: departmentId ? ['dept_admin'] : ['center_admin'], centerId: 'c1', ...(departmentId ? { departmentId } : {}) });
// 2026-12-06 00:30 in Shanghai is still the 5th in UTC: "today" is the center's.
const now = '2026-12-05T16:30:00.000Z';
const mark = (date: string, caller = admin('health'), existing?: Parameters<typeof markAbsence>[2]['existing']) =>
  markAbsence(caller, { username: 'a', date, body: {}, now, timeZone: 'Asia/Shanghai' }, { staff: a, existing });
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    const p = err as HttpProblem;
    return { status: p.status, errors: (p.errors ?? []).map((e) => `${e.path}:${e.code}`) };
  }
  return undefined;
};

describe('marking a person absent (AB角)', () => {
  it('records their windows and each backup once, with the items they cover', () => {
    const outcome = mark('2026-12-06');
    expect('absence' in outcome && outcome.absence).toMatchObject({
      username: 'a', date: '2026-12-06', windowIds: ['c01', 'c02'], timeZone: 'Asia/Shanghai',
      coveredBy: [{ username: 'b', itemCodes: ['I-1', 'I-3'] }, { username: 'c', itemCodes: ['I-2'] }],
    });
    expect('event' in outcome && outcome.event).toMatchObject({ detailType: 'StaffAbsenceMarked', subject: { type: 'staff', id: 'a' }, actor: { role: 'dept_admin' } });
  });

  it('keeps the reason off the event', () => {
    const outcome = markAbsence(admin(), { username: 'a', date: '2026-12-06', body: { reason: '病假' }, now, timeZone: 'Asia/Shanghai' }, { staff: a, existing: undefined });
    expect('absence' in outcome && outcome.absence.reason).toBe('病假');
    expect(JSON.stringify('event' in outcome && outcome.event)).not.toContain('病假');
  });

  it('takes today in the center\'s zone and up to a year ahead; before or beyond is a field error', () => {
    expect(refusal(() => mark('2026-12-05'))).toEqual({ status: 400, errors: ['/params/date:past'] });
    expect(refusal(() => mark('2026-12-06'))).toBeUndefined();
    const last = new Date(Date.parse('2026-12-06T00:00:00Z') + MAX_DAYS_AHEAD * 86_400_000).toISOString().slice(0, 10);
    expect(refusal(() => mark(last))).toBeUndefined();
    expect(refusal(() => mark(new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)))).toEqual({ status: 400, errors: ['/params/date:too_far'] });
  });

  it('is for the person\'s own department admin or the center admin; a mark already there answers itself', () => {
    expect(refusal(() => mark('2026-12-07', admin('amr')))?.status).toBe(403);
    expect(refusal(() => mark('2026-12-07', admin()))).toBeUndefined();
    const first = mark('2026-12-07');
    if (!('absence' in first)) throw new Error('not marked');
    expect(mark('2026-12-07', admin(), first.absence)).toEqual({ unchanged: first.absence });
    expect(refusal(() => markAbsence(admin(), { username: 'x', date: '2026-12-07', body: {}, now, timeZone: 'Asia/Shanghai' }, { staff: undefined, existing: undefined }))?.status).toBe(404);
  });

  it('is withdrawn only where it exists, by the same people', () => {
    const first = mark('2026-12-07');
    if (!('absence' in first)) throw new Error('not marked');
    expect(cancelAbsence(admin('health'), { username: 'a', date: '2026-12-07', now }, { staff: a, existing: first.absence }).event.detailType).toBe('StaffAbsenceCancelled');
    expect(refusal(() => cancelAbsence(admin('amr'), { username: 'a', date: '2026-12-07', now }, { staff: a, existing: first.absence }))?.status).toBe(403);
    expect(refusal(() => cancelAbsence(admin('health'), { username: 'a', date: '2026-12-08', now }, { staff: a, existing: undefined }))?.status).toBe(404);
  });
});

describe('a staff record of more backups than one absence can cover', () => {
  it('is refused with its reason, before anything is written (a record written before the limit)', () => {
    const many = { ...a, backups: Array.from({ length: MAX_BACKUP_PEOPLE + 1 }, (_, i) => ({ itemCode: `I-${i}`, backupUsername: `b${i}` })) };
    const refused = refusal(() => markAbsence(admin('health'), { username: 'a', date: '2026-12-07', body: {}, now, timeZone: 'Asia/Shanghai' }, { staff: many, existing: undefined }));
    expect(refused).toEqual({ status: 422, errors: ['/staff/backups:too_many_people'] });
    const enough = { ...a, backups: many.backups.slice(0, MAX_BACKUP_PEOPLE) };
    const marked = markAbsence(admin('health'), { username: 'a', date: '2026-12-07', body: {}, now, timeZone: 'Asia/Shanghai' }, { staff: enough, existing: undefined });
    expect('absence' in marked && marked.absence.coveredBy).toHaveLength(MAX_BACKUP_PEOPLE);
  });
});

describe('threshold notices while someone is away', () => {
  const b = staff('b', { departmentId: 'amr' });
  const c = staff('c', { status: 'disabled' });
  const approver = staff('approver', { roles: ['approver'] });
  const head = staff('head', { roles: ['dept_head'] });
  const all = [a, b, c, approver, head];

  it('reach the department\'s clerks, approvers and admins, and the active backups of those absent, once each', () => {
    expect(recipientsOf(all, [], 'health')).toEqual(['a@example.gov.cn', 'approver@example.gov.cn']);
    const away = [{ username: 'a', coveredBy: [{ username: 'b', itemCodes: ['I-1'] }, { username: 'c', itemCodes: ['I-2'] }, { username: 'approver', itemCodes: ['I-2'] }] }];
    expect(recipientsOf(all, away, 'health')).toEqual(['a@example.gov.cn', 'approver@example.gov.cn', 'b@example.gov.cn']);
    // Someone away from another department brings their backups no notice of this one.
    expect(recipientsOf(all, [{ username: 'x', coveredBy: [{ username: 'b', itemCodes: [] }] }], 'health')).not.toContain('b@example.gov.cn');
  });

  it("reach a case's handlers and the department's admins only, once someone has handled it (decision 125)", () => {
    const adm = staff('adm', { roles: ['dept_admin'] });
    const withAdmin = [...all, adm, staff('other.adm', { roles: ['dept_admin'], departmentId: 'amr' })];
    expect(recipientsOf(withAdmin, [], 'health')).toEqual(['a@example.gov.cn', 'approver@example.gov.cn', 'adm@example.gov.cn']);
    expect(recipientsOf(withAdmin, [], 'health', ['sub-a'])).toEqual(['a@example.gov.cn', 'adm@example.gov.cn']);
    // A handler from another department (a joint review) answers for the case too; that department's admin does not.
    expect(recipientsOf(withAdmin, [], 'health', ['sub-b', 'sub-approver'])).toEqual(['b@example.gov.cn', 'approver@example.gov.cn', 'adm@example.gov.cn']);
    // The handler away: whoever covers them hears it.
    expect(recipientsOf(withAdmin, [{ username: 'a', coveredBy: [{ username: 'b', itemCodes: ['I-1'] }] }], 'health', ['sub-a'])).toEqual(['a@example.gov.cn', 'adm@example.gov.cn', 'b@example.gov.cn']);
    // Handlers who left (disabled, or unknown): the department as before nobody took it.
    expect(recipientsOf(withAdmin, [], 'health', ['sub-c', 'sub-gone'])).toEqual(['a@example.gov.cn', 'approver@example.gov.cn', 'adm@example.gov.cn']);
  });
});
