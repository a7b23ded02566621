/**
 * Staff accounts over HTTP: the org API drives the user pool (the local
 * issuer's users in the local cloud), roles a department admin may not grant
 * are refused, and a disabled account's token stops working at once.
 */
import { describe, expect, it } from 'vitest';
import { api, call, centerToday, until } from './api-client.ts';

async function mint(username: string) {
  const res = await fetch(`${api}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  return { status: res.status, token: res.status === 200 ? ((await res.json()) as { token: string }).token : undefined };
}

const typeOf = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

const withToken = (token: string, path: string) => fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });

const newClerk = (departmentId = 'amr') => ({
  name: '黄磊', email: 'huang.lei@example.gov.cn', roles: ['clerk'], departmentId, windowIds: ['a03'], backups: [{ itemCode: '370982-AMR-XK-001', backupUsername: 'clerk.amr' }],
});

describe('staff accounts', () => {
  it('creates an account that can sign in, lists it without contact data, and audits the change without it', async () => {
    const created = await call('PUT', '/admin/staff/huang.lei', { as: 'admin.amr', body: newClerk() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ username: 'huang.lei', status: 'active', sub: expect.any(String) });

    const { token } = await mint('huang.lei');
    expect(token).toBeDefined();
    expect((await withToken(token!, '/org/departments')).status).toBe(200);

    const listed = await call('GET', '/org/staff', { as: 'clerk.amr' });
    const entry = listed.body.items.find((s: { username: string }) => s.username === 'huang.lei');
    expect(entry).toEqual({ id: created.body.sub, username: 'huang.lei', name: '黄磊', roles: ['clerk'], departmentId: 'amr', windowIds: ['a03'], status: 'active' });
    expect((await call('GET', `/org/staff?id=${created.body.sub}`, { as: 'clerk.amr' })).body.items).toEqual([entry]);

    const records = await until('StaffChanged record', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=staff&subjectId=huang.lei`, { as: 'auditor' });
      return res.body.items.length ? res.body.items : undefined;
    });
    expect(records[0]).toMatchObject({ action: 'StaffChanged', data: { after: { roles: ['clerk'], departmentId: 'amr' } } });
    expect(JSON.stringify(records)).not.toContain('example.gov.cn');
  });

  it('a disabled account\'s token is refused at once; enabling restores it', async () => {
    const created = await call('PUT', '/admin/staff/zhou.ping', { as: 'center.admin', body: { ...newClerk(), name: '周平', email: 'zhou.ping@example.gov.cn', backups: [] } });
    expect(created.status).toBe(201);
    const { token } = await mint('zhou.ping');
    expect((await withToken(token!, '/org/windows')).status).toBe(200);

    expect((await call('POST', '/admin/staff/zhou.ping/disable', { as: 'admin.amr' })).status).toBe(428);
    const disable = () => call('POST', '/admin/staff/zhou.ping/disable', { as: 'admin.amr', headers: { 'if-match': created.etag, 'idempotency-key': 'disable-zhou-ping' } });
    const disabled = await disable();
    expect(disabled.status).toBe(200);
    // The action answers the staff member itself (as PUT does), with a new ETag.
    const { status: _s, updatedAt: _a, ...unchanged } = created.body;
    expect(disabled.body).toMatchObject({ ...unchanged, status: 'disabled', updatedBy: expect.any(String) });
    expect(disabled.etag).not.toBe(created.etag);
    // A retry with the same key gets the recorded answer, not 412 for the ETag it changed.
    const repeated = await disable();
    expect(repeated).toMatchObject({ status: 200, body: disabled.body, etag: disabled.etag });
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');

    const refused = await withToken(token!, '/org/windows');
    expect(refused.status).toBe(401);
    expect((await withToken(token!, '/public/items')).status).toBe(200);
    expect((await mint('zhou.ping')).status).toBe(403);

    const enabled = await call('POST', '/admin/staff/zhou.ping/enable', { as: 'admin.amr', headers: { 'if-match': disabled.etag } });
    expect(enabled.status).toBe(200);
    const again = await mint('zhou.ping');
    expect(again.status).toBe(200);
    expect((await withToken(again.token!, '/org/windows')).status).toBe(200);
  });

  it('a department admin staffs only the own department, with department roles only', async () => {
    expect((await call('PUT', '/admin/staff/wu.fang', { as: 'admin.amr', body: newClerk('housing') })).status).toBe(403);
    expect((await call('PUT', '/admin/staff/wu.fang', { as: 'admin.amr', body: { ...newClerk(), roles: ['center_admin'] } })).status).toBe(403);
    expect((await call('PUT', '/admin/staff/wu.fang', { as: 'admin.amr', body: { ...newClerk(), roles: ['clerk', 'auditor'] } })).status).toBe(403);
    expect((await call('PUT', '/admin/staff/wu.fang', { as: 'clerk.amr', body: newClerk() })).status).toBe(403);
    expect((await mint('wu.fang')).status).not.toBe(200);
  });

  it('never adopts another center\'s account or an applicant\'s login (pool usernames are global)', async () => {
    const taken = { status: 409, body: { type: typeOf('already-exists') } };
    expect(await call('PUT', '/admin/staff/center.admin', { as: 'center.admin.other', body: { ...newClerk(), roles: ['center_admin'], departmentId: undefined } })).toMatchObject(taken);
    expect(await call('PUT', '/admin/staff/zhang.san', { as: 'admin.amr', body: newClerk() })).toMatchObject(taken);
    expect(await call('PUT', '/admin/staff/zhang.san', { as: 'center.admin', body: newClerk() })).toMatchObject(taken);
    // Both accounts are as they were: the center admin still administers, the applicant is still only an applicant.
    expect((await call('GET', '/admin/items', { as: 'center.admin' })).status).toBe(200);
    const { token } = await mint('zhang.san');
    expect((await withToken(token!, '/org/departments')).status).toBe(403);
    expect((await withToken(token!, '/applicants/me')).status).toBe(200);
  });

  it('refuses an inconsistent record field by field', async () => {
    const res = await call('PUT', '/admin/staff/li.na', {
      as: 'center.admin',
      body: { ...newClerk(), departmentId: undefined, backups: [{ itemCode: '370982-AMR-XK-001', backupUsername: 'li.na' }] },
    });
    expect(res).toMatchObject({ status: 422, body: { type: typeOf('staff-record-invalid') } });
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/backups/0/backupUsername', '/body/departmentId']);
    expect(await call('PUT', '/admin/staff/li.na', { as: 'center.admin', body: { ...newClerk(), email: 'not-an-email' } })).toMatchObject({ status: 400, body: { type: typeOf('validation-failed') } });
    expect((await mint('li.na')).status).not.toBe(200);
  });
});
