/**
 * The general window (综合窗口, 无差别受理): a person authorized for several
 * departments, who only a center admin can make; the seeded clerk.general
 * (amr first, housing, health) taking in and accepting a housing case; and the
 * counter's lookup of an applicant by the number on the card presented
 * (masked, 404 when unknown, audited). Every test runs its requests side by
 * side where their order does not matter.
 */
import { describe, expect, it } from 'vitest';
import { call, cloud, freshCreditCode, freshIdNumber, registerApplicant, tokenOf, until } from './api-client.ts';
import { act, fieldsOf, materialsOf } from './cases-client.ts';

const subOf = (username: string) => cloud.users.find((u) => u.username === username)!.sub;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
let serial = 0;
const freshUsername = (prefix: string) => `${prefix}.${(serial++).toString(36)}.${Date.now().toString(36)}`;

/** The audit record of a subject with this action by this actor (username), once the audit log has it. */
const auditRecord = (subjectType: string, subjectId: string, action: string, by: string) =>
  until(`the ${action} record of ${subjectType} ${subjectId} by ${by}`, async () => {
    const res = await call('GET', `/audit/events?subjectType=${subjectType}&subjectId=${encodeURIComponent(subjectId)}&limit=100`, { as: 'auditor' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as { action: string; actor: { id: string } }[]).find((r) => r.action === action && r.actor.id === subOf(by)) as Record<string, any> | undefined;
  });

async function register(kind: 'citizen' | 'enterprise') {
  const username = freshUsername(`gw.${kind}`);
  const number = kind === 'citizen' ? { idNumber: freshIdNumber() } : { creditCode: freshCreditCode(), legalRepresentative: '赵六' };
  const res = await registerApplicant({ kind, username, name: kind === 'citizen' ? '综合窗口申请人' : '综合窗口测试有限公司', email: `${username}@example.com`, phone: '13900002222', ...number });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { applicantId: res.body.applicantId as string, ...number };
}

describe('a person authorized for several departments', () => {
  const body = (departments: Record<string, unknown>) => ({ name: '综合窗口', email: `${freshUsername('gw.mail')}@example.gov.cn`, roles: ['clerk'], windowIds: ['z01'], backups: [], ...departments });

  it('is made by the center admin only, carried in the tokens, and audited as any staff change', async () => {
    const username = freshUsername('gw.clerk');
    const made = await call('PUT', `/admin/staff/${username}`, { as: 'center.admin', body: body({ departmentIds: ['housing', 'health'] }) });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ departmentId: 'housing', departmentIds: ['housing', 'health'] });
    expect(claimsOf(await tokenOf(username))).toMatchObject({ 'custom:departmentId': 'housing', 'custom:departmentIds': 'housing,health' });

    const [byDeptAdmin, disabledByDeptAdmin, notPrimary, single] = await Promise.all([
      // A department's admin can give no one another department's authority, not even alongside the own…
      call('PUT', `/admin/staff/${freshUsername('gw.clerk')}`, { as: 'admin.amr', body: body({ departmentIds: ['amr', 'housing'] }) }),
      // …nor change a person of several, its own department among them.
      call('POST', `/admin/staff/${username}/disable`, { as: 'admin.housing', headers: { 'if-match': made.etag } }),
      call('PUT', `/admin/staff/${freshUsername('gw.clerk')}`, { as: 'center.admin', body: body({ departmentId: 'amr', departmentIds: ['housing', 'amr'] }), headers: { 'accept-language': 'en' } }),
      // One department named as a list is stored as it always was.
      call('PUT', `/admin/staff/${freshUsername('gw.clerk')}`, { as: 'admin.amr', body: body({ departmentIds: ['amr'] }) }),
    ]);
    expect(byDeptAdmin.status, JSON.stringify(byDeptAdmin.body)).toBe(403);
    expect(disabledByDeptAdmin.status, JSON.stringify(disabledByDeptAdmin.body)).toBe(403);
    expect([notPrimary.status, notPrimary.body.errors]).toEqual([422, [expect.objectContaining({ path: '/body/departmentIds/0', code: 'not_primary' })]]);
    expect(single.status, JSON.stringify(single.body)).toBe(201);
    expect(single.body.departmentId).toBe('amr');
    expect(single.body).not.toHaveProperty('departmentIds');

    const record = await auditRecord('staff', username, 'StaffChanged', 'center.admin');
    expect(record).toMatchObject({ actor: { id: subOf('center.admin'), role: 'center_admin' }, data: { after: { departmentId: 'housing', departmentIds: ['housing', 'health'] } } });
  });

  it('takes in and accepts a case of its second department, recorded for that department; a one-department clerk still may not', async () => {
    const { applicantId } = await register('citizen');
    // 370982-ZJ-XK-004: housing's, for natural persons. clerk.general's primary department is amr.
    const code = '370982-ZJ-XK-004';
    const fields = fieldsOf(code);
    const intake = { itemCode: code, applicantId, ...(fields ? { fields } : {}), materials: materialsOf(code) };
    const [submitted, refused] = await Promise.all([
      call('POST', '/cases', { as: 'clerk.general', body: intake }),
      call('POST', '/cases', { as: 'clerk.amr', body: intake }),
    ]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(refused.status).toBe(403);
    const caseNo = submitted.body.caseNo as string;
    const [accepted, strangerAccepts] = await Promise.all([
      act(caseNo, 'accept', 'clerk.general', submitted.etag),
      call('POST', `/cases/${caseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': submitted.etag } }),
    ]);
    expect(accepted.body.state).toBe('accepted');
    expect(strangerAccepts.status).toBe(403);
    const timeline = await call('GET', `/cases/${caseNo}/timeline`, { as: 'clerk.housing' });
    expect(timeline.status).toBe(200);
    const general = { id: subOf('clerk.general'), role: 'clerk', departmentId: 'housing' };
    const byClerk = (timeline.body.items as { type: string; actor: unknown }[]).filter((e) => e.type === 'CaseSubmitted' || e.type === 'CaseAccepted');
    expect(byClerk.map((e) => [e.type, e.actor])).toEqual([['CaseSubmitted', general], ['CaseAccepted', general]]);
    // Its queue of the second department, asked for by name; another department's is refused.
    const [queue, primaryQueue] = await Promise.all([
      call('GET', '/queues/to_accept?departmentId=housing', { as: 'clerk.general' }),
      call('GET', '/queues/to_accept?departmentId=amr', { as: 'clerk.housing' }),
    ]);
    expect(queue.status).toBe(200);
    expect(primaryQueue.status).toBe(403);
  });
});

describe('finding an applicant at the counter', () => {
  it('answers the applicant masked, audits the find, and 404 for a number nobody registered', async () => {
    const [citizen, enterprise] = await Promise.all([register('citizen'), register('enterprise')]);
    const lookup = (as: string, body: unknown) => call('POST', '/applicants/lookup', { as, body });
    const [found, byCode, lowerX, unknown, both, malformed, admin] = await Promise.all([
      lookup('clerk.general', { idNumber: citizen.idNumber }),
      lookup('approver.housing', { creditCode: enterprise.creditCode }),
      lookup('clerk.health', { idNumber: citizen.idNumber!.toLowerCase() }),
      lookup('clerk.amr', { idNumber: freshIdNumber() }),
      lookup('clerk.amr', { idNumber: citizen.idNumber, creditCode: enterprise.creditCode }),
      lookup('clerk.amr', { idNumber: '12345' }),
      lookup('center.admin', { idNumber: citizen.idNumber }),
    ]);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ applicantId: citizen.applicantId, kind: 'citizen', masked: true, status: 'active' });
    expect(found.body.idNumber).not.toBe(citizen.idNumber);
    expect(found.body.idNumber).toContain('*');
    expect(found.body.phone).toContain('*');
    expect(byCode.body).toMatchObject({ applicantId: enterprise.applicantId, creditCode: enterprise.creditCode, masked: true });
    expect(lowerX.body.applicantId).toBe(citizen.applicantId);
    expect([unknown.status, unknown.body.type]).toEqual([404, 'https://onestop.example.gov.cn/problems/not-found']);
    expect([both.status, malformed.status, admin.status]).toEqual([400, 400, 403]);

    // Each find has its record, with the department the finder acts in: clerk.general's primary one.
    const [record] = await Promise.all([
      auditRecord('applicant', citizen.applicantId, 'ApplicantLookedUp', 'clerk.general'),
      auditRecord('applicant', citizen.applicantId, 'ApplicantLookedUp', 'clerk.health'),
    ]);
    expect(record).toMatchObject({
      source: 'onestop.applicants', result: 'success', actor: { id: subOf('clerk.general'), role: 'clerk', departmentId: 'amr' },
      data: { applicantId: citizen.applicantId, by: 'idNumber' },
    });
    expect(JSON.stringify(record)).not.toContain(citizen.idNumber!.slice(6, 14));
  });
});
