/**
 * Agents (代办人) acting for the applicant who authorized them (委托人), over
 * the local cloud: the principal authorizes an agent for some items with
 * notices; the agent lists whom they act for, files for the principal (the
 * case is the principal's, the agent recorded on it and the actor of its
 * first event), reads it, its timeline and its messages as the applicant
 * would, lists the principal's cases, and takes none of the applicant's
 * actions; an item outside the authorization is refused with
 * `agent-not-authorized` and nothing written; the case's messages reach the
 * agent too, logged apart from the principal's; once revoked, the agent's
 * next read is 404 and filing is refused. The journey prints its timeline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Case, CasePage } from '#schemas/api/cases';
import { PrincipalPage } from '#schemas/api/applicants';
import { validationErrors } from '#shared/validate';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { call, chooseNotifications, cloud, doc, freshIdNumber, registerApplicant, until, type Reply } from './api-client.ts';
import { act, enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';
import { immediateItem } from './documents-client.ts';

const problem = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;
let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

interface Email { destination: { to: string[] }; subject: string }
const emailsTo = async (address: string) => ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) => e.destination.to.includes(address));

/** A fresh citizen with an email and a mobile of their own, who chose to hear by both. */
async function citizen(name: string) {
  const username = `ag.${unique()}`;
  const email = `${username}@example.com`;
  const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const reg = await registerApplicant({ kind: 'citizen', username, name, email, phone, idNumber: freshIdNumber() });
  expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  await chooseNotifications(username, { channels: ['sms', 'email'], language: 'zh-CN' });
  return { username, email, applicantId: reg.body.applicantId as string, idNumber: reg.body.idNumber as string };
}

const shaped = (schema: Parameters<typeof validationErrors>[0], reply: Reply) => expect(validationErrors(schema, reply.body), JSON.stringify(reply.body).slice(0, 400)).toEqual([]);

const timeline: string[] = [];
/** One line of the journey's timeline: the instant in center time (UTC+8), the step, its ids. */
function step(what: string, ids: Record<string, unknown> = {}) {
  const local = new Date(Date.now() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
  timeline.push(`${local}  ${what}${Object.keys(ids).length ? `  ${Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
}
afterAll(() => {
  if (timeline.length) console.log(`agent journey (center time):\n  ${timeline.join('\n  ')}`);
});

describe('an agent (代办人) acting for the applicant who authorized them', () => {
  it('files for the principal, reads and lists the case, hears of it; out of scope and after revocation, refused', async () => {
    const principal = await citizen('周八');
    const agent = await citizen('吴九');
    const stranger = await citizen('郑十');
    step('registered', { principal: principal.applicantId, agent: agent.applicantId, stranger: stranger.applicantId });

    // The principal authorizes the agent for one item, with its messages.
    const granted = await call('POST', '/applicants/me/agents', {
      as: principal.username,
      body: { agentApplicantId: agent.applicantId, scope: 'items', itemCodes: [enterpriseItem.code], validUntil: '2099-12-31', notices: true },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body).toMatchObject({ agentApplicantId: agent.applicantId, scope: 'items', notices: true, status: 'active' });
    step('principal authorized agent', { scope: 'items', item: enterpriseItem.code, notices: true, etag: granted.etag });

    const principals = await call('GET', '/applicants/me/principals', { as: agent.username });
    expect(principals.status).toBe(200);
    shaped(PrincipalPage, principals);
    expect(principals.body.items).toEqual([expect.objectContaining({
      principalId: principal.applicantId, name: '周八', kind: 'citizen', scope: 'items', itemCodes: [enterpriseItem.code], validUntil: '2099-12-31', status: 'active', notices: true,
    })]);
    expect(principals.body.items[0].idNumber).toBe(`${principal.idNumber.slice(0, 6)}********${principal.idNumber.slice(-4)}`);
    expect(JSON.stringify(principals.body)).not.toContain(principal.idNumber);
    expect(JSON.stringify(principals.body)).not.toContain(principal.email);
    expect((await call('GET', '/applicants/me/principals', { as: principal.username })).body.items).toEqual([]);

    // Never both: the clerk's applicantId and the agent's principalId.
    const application = { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) };
    for (const as of [agent.username, 'clerk.amr']) {
      const both = await call('POST', '/cases', { as, body: { ...application, applicantId: principal.applicantId, principalId: principal.applicantId } });
      expect([both.status, both.body.errors], as).toEqual([400, [expect.objectContaining({ path: '/body/principalId', code: 'unexpected' })]]);
    }

    // The agent files for the principal: the case is the principal's, the agent recorded.
    const filed = await call('POST', '/cases', { as: agent.username, body: { ...application, principalId: principal.applicantId } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    shaped(Case, filed);
    const caseNo = filed.body.caseNo as string;
    expect(filed.body).toMatchObject({ applicant: { applicantId: principal.applicantId, name: '周八' }, agent: { applicantId: agent.applicantId, name: '吴九' }, channel: 'online' });
    // Reading and filing only: the applicant's own actions (withdraw) are the principal's.
    expect(filed.body.nextActions).toEqual([]);
    step('agent filed for principal', { caseNo, etag: filed.etag });

    const ownerRead = await call('GET', `/cases/${caseNo}`, { as: principal.username });
    expect(ownerRead.status).toBe(200);
    expect(ownerRead.body.agent).toEqual({ applicantId: agent.applicantId, name: '吴九' });
    expect(ownerRead.body.nextActions).toContain('withdraw');
    expect((await call('GET', `/cases/${caseNo}`, { as: 'clerk.amr' })).body.agent).toEqual({ applicantId: agent.applicantId, name: '吴九' });
    expect((await call('GET', '/cases', { as: principal.username })).body.items.map((c: { caseNo: string }) => c.caseNo)).toContain(caseNo);
    expect((await call('GET', '/cases', { as: agent.username })).body.items).toEqual([]);

    // The agent reads the case and its timeline as the applicant would; the first event's actor is the agent, the principal named by id.
    const agentRead = await call('GET', `/cases/${caseNo}`, { as: agent.username });
    expect(agentRead.status).toBe(200);
    expect(agentRead.body).toEqual({ ...ownerRead.body, nextActions: [] });
    const history = await call('GET', `/cases/${caseNo}/timeline`, { as: agent.username });
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({ type: 'CaseSubmitted', actor: { role: 'applicant' }, details: { principalId: principal.applicantId, agentApplicantId: agent.applicantId } });
    const ownerHistory = await call('GET', `/cases/${caseNo}/timeline`, { as: principal.username });
    expect(ownerHistory.body.items[0].actor.id).toBe(history.body.items[0].actor.id);
    const listed = await call('GET', `/cases?principalId=${principal.applicantId}&limit=10`, { as: agent.username });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    shaped(CasePage, listed);
    expect(listed.body.items.map((c: { caseNo: string }) => c.caseNo)).toEqual([caseNo]);
    // The case's files and documents too (the same rule, cases' standsForApplicant), as the principal sees them.
    const agentFiles = await call('GET', `/cases/${caseNo}/materials`, { as: agent.username });
    expect(agentFiles.status, JSON.stringify(agentFiles.body)).toBe(200);
    expect(agentFiles.body).toEqual((await call('GET', `/cases/${caseNo}/materials`, { as: principal.username })).body);
    expect((await call('GET', `/cases/${caseNo}/materials`, { as: stranger.username })).status).toBe(404);
    step('agent read case, timeline, files and principal\'s list', { caseNo, listed: listed.body.items.length });

    // Reading is not acting; another applicant sees nothing.
    const withdraw = await call('POST', `/cases/${caseNo}/withdraw`, { as: agent.username, body: { reason: '代办人撤回' }, headers: { 'if-match': agentRead.etag } });
    expect(withdraw.status).toBe(403);
    expect((await call('GET', `/cases/${caseNo}`, { as: stranger.username })).status).toBe(404);
    const notMine = await call('GET', `/cases?principalId=${principal.applicantId}`, { as: stranger.username });
    expect([notMine.status, notMine.body.type, notMine.body.errors?.[0]?.code]).toEqual([403, problem('agent-not-authorized'), 'no_authorization']);

    // An item the authorization does not cover: refused, nothing written.
    const casesBefore = (await call('GET', '/cases', { as: principal.username })).body.items.length;
    const outOfScope = await call('POST', '/cases', { as: agent.username, body: { itemCode: immediateItem, materials: materialsOf(immediateItem), principalId: principal.applicantId } });
    expect([outOfScope.status, outOfScope.body.type]).toEqual([403, problem('agent-not-authorized')]);
    expect(outOfScope.body.errors).toEqual([expect.objectContaining({ path: '/body/principalId', code: 'out_of_scope' })]);
    expect((await call('GET', '/cases', { as: principal.username })).body.items.length).toBe(casesBefore);
    step('agent refused out of scope', { item: immediateItem, type: 'agent-not-authorized', code: 'out_of_scope' });

    // The acceptance (a milestone) reaches the principal and the agent, each in a log of their own.
    const accepted = await act(caseNo, 'accept', 'clerk.amr', ownerRead.etag);
    step('clerk accepted', { caseNo, etag: accepted.etag });
    const subject = `受理通知：${caseNo}`;
    const toAgent = await until('the acceptance email to the agent', async () => (await emailsTo(agent.email)).find((e) => e.subject === subject), 60_000);
    const toPrincipal = await until('the acceptance email to the principal', async () => (await emailsTo(principal.email)).find((e) => e.subject === subject), 60_000);
    expect([toAgent.destination.to, toPrincipal.destination.to]).toEqual([[agent.email], [principal.email]]);
    step('acceptance notice reached agent and principal', { subject });
    // The case's log (which the agent may read too) holds the principal's deliveries; the agent's are in a log of their own.
    const log = await call('GET', `/cases/${caseNo}/notifications`, { as: agent.username });
    expect(log.status).toBe(200);
    expect((log.body.items as { eventType: string; channel: string }[]).filter((d) => d.eventType === 'CaseAccepted' && d.channel === 'email')).toHaveLength(1);
    const agentLog = await until('the agent\'s delivery log', async () => {
      const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#NOTIFY#${caseNo}#AGENT#${agent.applicantId}` }, ConsistentRead: true }));
      const items = out.Items ?? [];
      return items.some((i) => i.kind === 'announced') ? items : undefined;
    }, 60_000);
    expect(agentLog.filter((i) => i.kind === 'delivery').map((i) => `${i.eventType}:${i.channel}:${i.status}`).sort()).toEqual(['CaseAccepted:email:sent', 'CaseAccepted:sms:sent']);
    expect(JSON.stringify(agentLog)).not.toContain(agent.email);

    // Revocation takes effect at once.
    const revoked = await call('POST', `/applicants/me/agents/${agent.applicantId}/revoke`, { as: principal.username });
    expect([revoked.status, revoked.body.status, revoked.body.notices]).toEqual([200, 'revoked', true]);
    step('principal revoked agent', { etag: revoked.etag });
    expect((await call('GET', `/cases/${caseNo}`, { as: agent.username })).status).toBe(404);
    expect((await call('GET', `/cases/${caseNo}/timeline`, { as: agent.username })).status).toBe(404);
    expect((await call('GET', `/cases/${caseNo}/notifications`, { as: agent.username })).status).toBe(404);
    expect((await call('GET', `/cases/${caseNo}/materials`, { as: agent.username })).status).toBe(404);
    const listAfter = await call('GET', `/cases?principalId=${principal.applicantId}`, { as: agent.username });
    expect([listAfter.status, listAfter.body.errors?.[0]?.code]).toEqual([403, 'revoked']);
    const fileAfter = await call('POST', '/cases', { as: agent.username, body: { ...application, principalId: principal.applicantId } });
    expect([fileAfter.status, fileAfter.body.type, fileAfter.body.errors?.[0]?.code]).toEqual([403, problem('agent-not-authorized'), 'revoked']);
    expect((await call('GET', '/cases', { as: principal.username })).body.items.length).toBe(casesBefore);
    expect((await call('GET', '/applicants/me/principals', { as: agent.username })).body.items).toEqual([expect.objectContaining({ principalId: principal.applicantId, status: 'revoked' })]);
    step('agent refused after revocation', { read: 404, filing: 'revoked' });
  });
});
