/**
 * The 12345 hotline's system calling the API as itself (decision 114): it
 * takes an access token from the user pool's token endpoint with its client
 * id and secret (the client-credentials grant; the local cloud serves it as
 * Cognito's domain does), then files a complaint it took by phone. The
 * authorizer takes the client as an audience; only the complaints function
 * knows the client, and only filing is its to do. Then the journey of such a
 * complaint to the center's review, as the audit log and the complainant's
 * SMS tell it.
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

  it('a journey from the hotline\'s intake to the center\'s review: each step in the audit log, the complainant told by SMS, the department never shown who complained', async () => {
    const [hotline] = await clients();
    const token = (await tokenRequest(hotline!.clientId, hotline!.clientSecret, { grant_type: 'client_credentials' })).body.access_token!;
    const mobile = `137${String(Date.now()).slice(-8)}`;
    const filed = await asSystem(token, 'POST', '/complaints', {
      subject: { type: 'window', windowId: 'a03' }, category: 'one_time_notice_failed', content: `材料一次没说清，跑了三趟（${mobile}）`, complainant: { name: '孙八', contact: mobile },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = filed.body.complaintId as string;
    const step = async (action: string, as: string, version: number, body: unknown = {}) => {
      const res = await call('POST', `/complaints/${id}/${action}`, { as, body, headers: { 'if-match': `"${version}"` } });
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    await step('accept', 'supervisor', 1, { departmentId: 'amr' });
    await step('requestExtension', 'admin.amr', 2, { reason: '需调取窗口录像', workingDays: 2 });
    await step('approveExtension', 'supervisor', 3);
    // The department reads the complaint it answers, never who made it.
    const asDepartment = await call('GET', `/complaints/${id}`, { as: 'admin.amr' });
    expect(asDepartment.status).toBe(200);
    expect(asDepartment.body.complainant).toBeUndefined();
    expect(JSON.stringify(asDepartment.body)).not.toContain('孙八');
    await step('reply', 'head.amr', 4, { reply: '经查窗口已一次性告知，投诉不属实', substantiated: false });
    // The complainant, unsatisfied, says so by phone; the supervisor records it and asks for the review on their behalf.
    await step('rate', 'supervisor', 5, { rating: 'unsatisfied', comment: '电话回访不满意' });
    await step('requestReview', 'supervisor', 6, { reason: '坚持认为未一次性告知' });
    const closed = await step('answerReview', 'supervisor', 7, { answer: '复核认定未一次性告知，投诉属实', substantiated: true });
    expect(closed).toMatchObject({ state: 'closed', review: { substantiated: true } });

    // The complaint's records: its 8 steps, and the notices about it (NotificationSent, one per message).
    type Audited = { action: string; actor: { id: string; role: string }; occurredAt: string };
    const records = await until('the audit log to hold the 8 steps and the 5 notices', async () => {
      const res = await call('GET', `/audit/events?subjectType=complaint&subjectId=${id}&limit=100`, { as: 'auditor' });
      return res.body.items?.length === 13 ? (res.body.items as Audited[]) : undefined;
    }, 60_000);
    expect(records.filter((r) => r.action === 'NotificationSent')).toHaveLength(5);
    const timeline = records.filter((r) => r.action !== 'NotificationSent');
    const ordered = [...timeline].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(ordered.map((r) => `${r.action} (${r.actor.role})`)).toEqual([
      'ComplaintFiled (hotline)', 'ComplaintAccepted (supervisor)', 'ComplaintExtensionRequested (dept_admin)', 'ComplaintExtensionApproved (supervisor)',
      'ComplaintReplied (dept_head)', 'ComplaintRated (supervisor)', 'ComplaintReviewRequested (supervisor)', 'ComplaintReviewAnswered (supervisor)',
    ]);
    console.log(`complaint journey ${id}:\n${ordered.map((r) => `  ${r.occurredAt}  ${r.action.padEnd(28)} ${r.actor.role} ${r.actor.id}`).join('\n')}`);
    expect(JSON.stringify(records)).not.toMatch(new RegExp(`孙八|${mobile}|${mobile.slice(-4)}`));

    // Told at each step that concerns them, by SMS at the number they gave: registered, accepted, extended, answered, reviewed.
    const sms = await until('five SMS', async () => {
      const { messages } = (await (await fetch(`${api}/local/sms`)).json()) as { messages: { phoneNumber: string; message: string }[] };
      const mine = messages.filter((m) => m.phoneNumber === `+86${mobile}`).map((m) => m.message);
      return mine.length >= 5 ? mine : undefined;
    }, 60_000);
    expect(sms).toHaveLength(5);
    for (const text of ['已登记', '已受理', '延至', '已答复', '复核已完成']) expect(sms.some((m) => m.includes(text)), text).toBe(true);
  }, 120_000);
});
