/**
 * The 12345 hotline's system calling the API as itself (decision 114): it
 * takes an access token from the user pool's token endpoint with its client
 * id and secret (the client-credentials grant; the local cloud serves it as
 * Cognito's domain does), then files a complaint it took by phone. The
 * authorizer takes the client as an audience; only the complaints function
 * knows the client, and only filing is its to do.
 */
import { describe, expect, it } from 'vitest';
import { api, call, until } from './api-client.ts';

interface LocalClient { clientId: string; clientSecret: string; scopes: string[] }

const clients = async () => ((await (await fetch(`${api}/local/service-clients`)).json()) as { clients: LocalClient[] }).clients;

async function tokenRequest(id: string, secret: string, form: Record<string, string>) {
  const res = await fetch(`${api}/local/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
}

const asSystem = (token: string, method: string, path: string, body?: unknown) =>
  call(method, path, { headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' }, ...(body !== undefined ? { body } : {}) });

describe('the 12345 hotline as a service client', () => {
  it('gets a token by client credentials; a wrong secret, grant or scope gets none', async () => {
    const [hotline] = await clients();
    expect(hotline).toMatchObject({ scopes: ['onestop/complaints.file'] });
    const ok = await tokenRequest(hotline!.clientId, hotline!.clientSecret, { grant_type: 'client_credentials' });
    expect(ok.status).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.body.access_token!.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ token_use: 'access', client_id: hotline!.clientId, scope: 'onestop/complaints.file' });
    expect(claims).not.toHaveProperty('custom:centerId');
    expect(await tokenRequest(hotline!.clientId, 'wrong', { grant_type: 'client_credentials' })).toEqual({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokenRequest(hotline!.clientId, hotline!.clientSecret, { grant_type: 'password' })).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await tokenRequest(hotline!.clientId, hotline!.clientSecret, { grant_type: 'client_credentials', scope: 'onestop/cases.write' })).toEqual({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('files a complaint it took by phone, recorded under its own name and channel; anything else is refused', async () => {
    const [hotline] = await clients();
    const token = (await tokenRequest(hotline!.clientId, hotline!.clientSecret, { grant_type: 'client_credentials' })).body.access_token!;
    const content = `窗口人员态度恶劣（12345 转办 ${Date.now()}）`;
    const filed = await asSystem(token, 'POST', '/complaints', { subject: { type: 'department', departmentId: 'amr' }, category: 'rudeness', content, complainant: { name: '陈七', contact: '13700001234' } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body).toMatchObject({ channel: 'hotline_12345', state: 'filed', content });
    const asSupervisor = await call('GET', `/complaints/${filed.body.complaintId}`, { as: 'supervisor' });
    expect(asSupervisor.body).toMatchObject({ channel: 'hotline_12345', complainant: { name: '陈七' }, filedBy: 'service:hotline-12345' });
    const audited = await until('the filing in the audit log', async () => {
      const res = await call('GET', `/audit/events?subjectType=complaint&subjectId=${filed.body.complaintId}&limit=10`, { as: 'auditor' });
      return res.body.items?.find((r: { action: string }) => r.action === 'ComplaintFiled');
    });
    expect(audited).toMatchObject({ actor: { id: 'service:hotline-12345', role: 'hotline' } });

    const bad = await asSystem(token, 'POST', '/complaints', { channel: 'onsite', subject: { type: 'center' }, category: 'other', content: 'x', contact: '13700001234' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)).toEqual(['/body/channel enum', '/body/complainant required', '/body/contact unexpected']);
    // Reading complaints, or any other domain's route: refused, whoever the route's function is.
    expect((await asSystem(token, 'GET', `/complaints/${filed.body.complaintId}`)).status).toBe(403);
    expect((await asSystem(token, 'GET', '/org/departments')).status).toBe(403);
    expect((await asSystem(token, 'GET', '/fees/revenue?month=2026-01')).status).toBe(403);
  });
});
