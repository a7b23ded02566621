/**
 * The org domain over HTTP: the seeded directory and 2026 calendar, calendar
 * maintenance with optimistic concurrency, window scoping for department
 * admins, center isolation, and CalendarChanged reaching the audit log.
 */
import { describe, expect, it } from 'vitest';
import { calendar2026 } from '#shared/calendar-2026';
import { call, centerToday, tokenOf, until } from './api-client.ts';

const typeOf = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

/** The usernames the staff directory gives for an account id. */
async function whoIs(id: string): Promise<string[]> {
  const res = await call('GET', `/org/staff?id=${encodeURIComponent(id)}`, { as: 'clerk.amr' });
  expect(res.status).toBe(200);
  return res.body.items.map((s: { username: string }) => s.username);
}

describe('the seeded directory and calendar', () => {
  it('lists the departments and windows to any staff member of the center', async () => {
    const departments = await call('GET', '/org/departments', { as: 'clerk.amr' });
    expect(departments.status).toBe(200);
    // Other tests add departments to the same center; the seeded three are always there.
    expect(departments.body.items.map((d: { departmentId: string }) => d.departmentId)).toEqual(expect.arrayContaining(['amr', 'health', 'housing']));
    expect(departments.body.items.find((d: { departmentId: string }) => d.departmentId === 'amr')).toMatchObject({ chiefRepresentative: '李明' });
    const windows = await call('GET', '/org/windows', { as: 'approver.amr' });
    expect(windows.body.items.find((w: { windowId: string }) => w.windowId === 'z01').departmentIds).toEqual(['amr', 'housing', 'health']);
  });

  it('serves the center profile, which only its admin changes (and every change is audited)', async () => {
    const center = await call('GET', '/org/center', { as: 'clerk.amr' });
    expect(center.status).toBe(200);
    expect(center.body).toMatchObject({ centerId: 'center-demo', name: '示范县政务服务中心', timeZone: 'Asia/Shanghai' });
    expect((await call('PUT', '/admin/center', { as: 'admin.amr', body: { name: 'x', timeZone: 'Asia/Shanghai' }, headers: { 'if-match': center.etag } })).status).toBe(403);
    expect((await call('PUT', '/admin/center', { as: 'center.admin', body: { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai' } })).status).toBe(428);
    const fresh = await call('GET', '/org/center', { as: 'center.admin' });
    const unknownZone = await call('PUT', '/admin/center', { as: 'center.admin', body: { name: '示范县政务服务中心', timeZone: 'Asia/Atlantis' }, headers: { 'if-match': fresh.etag } });
    expect(unknownZone).toMatchObject({ status: 422, body: { type: typeOf('time-zone-unknown'), errors: [expect.objectContaining({ path: '/body/timeZone' })] } });
    const badRules = await call('PUT', '/admin/center', { as: 'center.admin', body: { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai', caseRules: { supplementWorkingDays: 0 } }, headers: { 'if-match': fresh.etag } });
    expect(badRules).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: '/body/caseRules/supplementWorkingDays' })] } });
    // Fee waiver categories (减免) by the fees domain's rules: one entry per category, a percent waiver with its percent.
    const waiver = { categoryId: 'micro', name: '小微企业', basis: '财税〔2019〕13号', kind: 'percent' as const, percent: 50 };
    const { percent: _p, ...withoutPercent } = waiver;
    const badWaivers = await call('PUT', '/admin/center', {
      as: 'center.admin', body: { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai', feeWaivers: [waiver, waiver, { ...withoutPercent, categoryId: 'other' }] }, headers: { 'if-match': fresh.etag },
    });
    expect([badWaivers.status, badWaivers.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)]).toEqual([400, ['/body/feeWaivers/1/categoryId duplicate', '/body/feeWaivers/2/percent required']]);
    expect((await call('GET', '/org/center', { as: 'center.admin' })).etag).toBe(fresh.etag);
    // The seeded profile as it is, its case rules at their defaults said out loud (the PUT replaces it; case numbers take its code).
    const caseRules = { pledgeMayPassPromisedLimit: false, supplementWorkingDays: 30 };
    const changed = await call('PUT', '/admin/center', { as: 'center.admin', body: { name: '示范县政务服务中心', timeZone: 'Asia/Shanghai', code: '370982', caseRules }, headers: { 'if-match': fresh.etag } });
    expect(changed.status).toBe(200);
    expect(await whoIs(changed.body.updatedBy)).toEqual(['center.admin']);
    expect((await call('GET', '/org/center', { as: 'clerk.amr' })).body).toMatchObject({ timeZone: 'Asia/Shanghai', caseRules });
    await until('a CenterChanged record', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=center&subjectId=center-demo`, { as: 'auditor' });
      return res.body.items.some((r: { action: string }) => r.action === 'CenterChanged') ? true : undefined;
    });
  });

  it('lists the demo staff in the directory, without contact data, each with the account id actor fields hold', async () => {
    const staff = await call('GET', '/org/staff', { as: 'clerk.amr' });
    const names = staff.body.items.map((s: { username: string }) => s.username);
    expect(names).toEqual(expect.arrayContaining(['clerk.amr', 'approver.amr', 'admin.amr', 'center.admin', 'auditor']));
    expect(JSON.stringify(staff.body)).not.toContain('@');
    const ids = staff.body.items.map((s: { id: string }) => s.id);
    expect(ids.every((id: unknown) => typeof id === 'string' && id !== '')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // The id is the account's sub: the one its tokens carry, and so every actor field it fills.
    const clerk = staff.body.items.find((s: { username: string }) => s.username === 'clerk.amr');
    const token = await tokenOf('clerk.amr');
    expect(clerk.id).toBe(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sub);
    expect(await whoIs(clerk.id)).toEqual(['clerk.amr']);
    expect(await whoIs('00000000-0000-4000-a000-000000000000')).toEqual([]);
    expect((await call('GET', '/org/staff?id=not%20an%20id', { as: 'clerk.amr' })).status).toBe(400);
    // Another center's directory does not resolve this center's people.
    expect((await call('GET', `/org/staff?id=${clerk.id}`, { as: 'center.admin.other' })).body.items).toEqual([]);
  });

  it('serves the official 2026 schedule', async () => {
    const res = await call('GET', '/calendar/2026', { as: 'clerk.amr' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2026, holidays: calendar2026.holidays, workdays: calendar2026.workdays });
    expect(res.body.holidays).toContain('2026-10-01');
    expect(res.body.workdays).toContain('2026-10-10');
    expect(res.etag).toMatch(/^"\d+"$/);
  });

  it('answers 404 for a year nobody entered, never a weekends-only guess', async () => {
    const res = await call('GET', '/calendar/2031', { as: 'clerk.amr' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('2031');
  });

  it('keeps centers apart: another center sees none of it', async () => {
    expect((await call('GET', '/org/departments', { as: 'center.admin.other' })).body.items).toEqual([]);
    expect((await call('GET', '/calendar/2026', { as: 'center.admin.other' })).status).toBe(404);
  });

  it('reads the calendar without a token on the public route (政务公开), the center named or the default', async () => {
    const res = await call('GET', '/public/calendar/2026');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2026, holidays: calendar2026.holidays, workdays: calendar2026.workdays });
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect((await call('GET', '/public/calendar/2026?centerId=center-demo')).body.holidays).toEqual(calendar2026.holidays);
    expect((await call('GET', '/public/calendar/2031')).status).toBe(404);
    expect((await call('GET', '/public/calendar/2026?centerId=center-nowhere')).status).toBe(404);
    expect((await call('GET', '/public/calendar/26')).status).toBe(400);
  });

  it('refuses applicants and anonymous callers', async () => {
    expect((await call('GET', '/org/departments', { as: 'zhang.san' })).status).toBe(403);
    expect((await call('GET', '/calendar/2026')).status).toBe(401);
  });
});

describe('calendar maintenance', () => {
  const year = 2040; // a year no other test touches
  const schedule = { holidays: ['2040-01-01', '2040-10-01', '2040-10-02'], workdays: ['2040-09-29'] };

  it('creates, then replaces only with the current ETag; each change is audited', async () => {
    expect((await call('PUT', `/admin/calendar/${year}`, { as: 'clerk.amr', body: schedule })).status).toBe(403);
    expect((await call('PUT', `/admin/calendar/${year}`, { as: 'admin.amr', body: schedule })).status).toBe(403);

    const created = await call('PUT', `/admin/calendar/${year}`, { as: 'center.admin', body: schedule });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ year, ...schedule });

    const changed = { ...schedule, holidays: [...schedule.holidays, '2040-10-03'] };
    expect((await call('PUT', `/admin/calendar/${year}`, { as: 'center.admin', body: changed })).status).toBe(428);
    expect((await call('PUT', `/admin/calendar/${year}`, { as: 'center.admin', body: changed, headers: { 'if-match': '"999"' } })).status).toBe(412);
    const replaced = await call('PUT', `/admin/calendar/${year}`, { as: 'center.admin', body: changed, headers: { 'if-match': created.etag } });
    expect(replaced.status).toBe(200);
    expect((await call('GET', `/calendar/${year}`, { as: 'clerk.amr' })).body.holidays).toContain('2040-10-03');

    const records = await until('CalendarChanged records', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=calendar&subjectId=${year}`, { as: 'auditor' });
      return res.body.items.length >= 2 ? res.body.items : undefined;
    });
    expect(records.map((r: { action: string }) => r.action)).toEqual(['CalendarChanged', 'CalendarChanged']);
    expect(records[0].data.before).toBeUndefined();
    expect(records[1].data).toMatchObject({ before: { holidays: schedule.holidays }, after: { holidays: changed.holidays } });
  });

  it('refuses an inconsistent schedule field by field, and writes nothing', async () => {
    const res = await call('PUT', '/admin/calendar/2041', {
      as: 'center.admin',
      body: { holidays: ['2041-05-01', '2042-01-01'], workdays: ['2041-05-01'] },
    });
    expect(res).toMatchObject({ status: 422, body: { type: typeOf('calendar-invalid') } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: '/body/holidays/1', code: 'not_in_year' }),
      expect.objectContaining({ path: '/body/workdays/0', code: 'holiday_and_workday' }),
    ]);
    expect((await call('GET', '/calendar/2041', { as: 'clerk.amr' })).status).toBe(404);
  });
});

describe('windows and departments', () => {
  it('a department admin manages windows of the own department only', async () => {
    const own = await call('PUT', '/admin/windows/a90', { as: 'admin.amr', body: { name: 'A区90号 市场监管', departmentIds: ['amr'] } });
    expect(own.status).toBe(201);
    expect((await call('PUT', '/admin/windows/a91', { as: 'admin.amr', body: { name: '混合', departmentIds: ['amr', 'health'] } })).status).toBe(403);
    expect((await call('PUT', '/admin/windows/a90', { as: 'admin.health', body: { name: '改为卫健', departmentIds: ['health'] }, headers: { 'if-match': own.etag } })).status).toBe(403);
    const general = (await call('GET', '/org/windows', { as: 'admin.amr' })).body.items.find((w: { windowId: string }) => w.windowId === 'z01');
    expect(general).toBeDefined();
    expect((await call('PUT', '/admin/windows/z01', { as: 'admin.amr', body: { name: '综合', departmentIds: ['amr'] }, headers: { 'if-match': '"1"' } })).status).toBe(403);
  });

  it('only the center admin changes departments', async () => {
    const body = { name: '示范县自然资源局', chiefRepresentative: '钱进' };
    expect((await call('PUT', '/admin/departments/nr', { as: 'admin.amr', body })).status).toBe(403);
    const created = await call('PUT', '/admin/departments/nr', { as: 'center.admin', body });
    expect(created.status).toBe(201);
    expect((await call('PUT', '/admin/departments/nr', { as: 'center.admin', body: { ...body, extra: 1 }, headers: { 'if-match': created.etag } })).status).toBe(400);
    const listed = await call('GET', '/org/departments', { as: 'clerk.amr' });
    expect(listed.body.items.map((d: { departmentId: string }) => d.departmentId)).toContain('nr');
  });

  it('answers a repeated change with the same Idempotency-Key from its record, not with 428', async () => {
    const body = { name: '示范县教育和体育局', chiefRepresentative: '冯远' };
    const put = (b: unknown) => call('PUT', '/admin/departments/edu', { as: 'center.admin', body: b, headers: { 'idempotency-key': 'create-department-edu' } });
    const created = await put(body);
    expect(created.status).toBe(201);
    const repeated = await put(body);
    expect(repeated).toMatchObject({ status: 201, body: created.body, etag: created.etag });
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    expect(await put({ ...body, chiefRepresentative: '冯远航' })).toMatchObject({ status: 422, body: { type: typeOf('idempotency-key-reused') } });
    expect((await call('GET', '/org/departments', { as: 'clerk.amr' })).body.items.find((d: { departmentId: string }) => d.departmentId === 'edu')).toMatchObject(body);
  });
});
