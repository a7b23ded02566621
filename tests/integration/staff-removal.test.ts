/**
 * The removal decision (调离窗口) over HTTP on the local cloud: a person with
 * one substantiated complaint this year cannot be decided on (409, nothing
 * written); the second brings them to the center's threshold, and the center
 * admin takes them off their windows — the staff entry changes in the same
 * write, the decision is audited, a second decision for the year is refused.
 * Only the center admin decides, and lists who is suggested and still to decide.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { StaffRemovalDecision, StaffRemovalSuggestionList } from '#schemas/api/org';
import { problemUri } from '#schemas/api/problems';
import { validationErrors } from '#shared/validate';
import { call, centerToday, cloud, doc, until, type Reply } from './api-client.ts';

const username = `rm.${Date.now().toString(36)}`;
const year = centerToday().slice(0, 4);
const decide = (as: string, body: unknown = { decision: 'remove_from_windows', reason: '两次投诉属实，调离窗口岗位' }) =>
  call('POST', `/admin/staff/${username}/removal-decisions/${year}`, { as, body });

function expectProblem(res: Reply, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.type).toBe(problemUri(slug));
}

/** A complaint against the person, accepted and replied to as substantiated with them at fault. */
async function substantiatedComplaint(n: number) {
  const filed = await call('POST', '/complaints', {
    as: 'supervisor', body: { channel: 'onsite', subject: { type: 'staff', username }, category: 'rudeness', content: `态度恶劣 ${username}-${n}`, complainant: { name: '赵六', contact: '13700001111' } },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const id = filed.body.complaintId as string;
  expect((await call('POST', `/complaints/${id}/accept`, { as: 'supervisor', body: {}, headers: { 'if-match': '"1"' } })).status).toBe(200);
  const replied = await call('POST', `/complaints/${id}/reply`, { as: 'head.amr', body: { reply: '经核实属实', substantiated: true, staffAtFault: username }, headers: { 'if-match': '"2"' } });
  expect(replied.status, JSON.stringify(replied.body)).toBe(200);
}

const decisionItem = async () =>
  (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: 'CENTER#center-demo', SK: `REMOVAL#${username}#${year}` }, ConsistentRead: true }))).Item;
const suggested = async () => {
  const res = await call('GET', `/admin/removal-suggestions/${year}`, { as: 'center.admin' });
  expect(validationErrors(StaffRemovalSuggestionList, res.body)).toEqual([]);
  return res.body.items as { username: string }[];
};
const windowsOf = async () => ((await call('GET', '/org/staff', { as: 'center.admin' })).body.items as { username: string; windowIds: string[] }[]).find((s) => s.username === username)?.windowIds;

describe('the removal decision (调离窗口)', () => {
  it('waits for the threshold, takes the person off their windows once, audited; only the center admin decides', async () => {
    const created = await call('PUT', `/admin/staff/${username}`, {
      as: 'center.admin', body: { name: '调离测试', email: `${username}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: ['a03', 'a04'], backups: [] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    // Unknown person: 404; one substantiated complaint (threshold 2): 409, nothing written.
    expectProblem(await call('POST', `/admin/staff/nobody.here/removal-decisions/${year}`, { as: 'center.admin', body: { decision: 'keep', reason: '无' } }), 404, 'not-found');
    await substantiatedComplaint(1);
    const early = await decide('center.admin');
    expectProblem(early, 409, 'removal-not-suggested');
    expect(early.body.detail).toMatch(/被认定属实的投诉为 1 件，未达到调离建议的 2 件/);
    expect(await decisionItem()).toBeUndefined();

    await substantiatedComplaint(2);
    // Both findings count against the person in this month's appraisal (考核), as the complaints source reports them.
    const findings = await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#COMPLAINT#SUBSTANTIATED#${centerToday().slice(0, 7)}`, SK: `STAFF#${username}` }, ConsistentRead: true }));
    expect(findings.Item).toMatchObject({ kind: 'complaintFindings', substantiated: 2 });
    // Bad input field by field; a department's admin and the supervisor may not decide.
    const bad = await call('POST', `/admin/staff/${username}/removal-decisions/${year}`, { as: 'center.admin', body: { decision: 'fire' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/decision', '/body/reason']);
    expect((await decide('admin.amr')).status).toBe(403);
    expect((await decide('supervisor')).status).toBe(403);
    expect(await decisionItem()).toBeUndefined();
    // The center admin's list shows the person as suggested and still to decide; nobody else reads it.
    const pending = (await suggested()).find((s) => s.username === username);
    expect(pending).toEqual({ username, year: Number(year), substantiated: 2, threshold: 2, suggestedAt: expect.any(String) });
    expect((await call('GET', `/admin/removal-suggestions/${year}`, { as: 'admin.amr' })).status).toBe(403);
    expect(await windowsOf()).toEqual(['a03', 'a04']);

    const decided = await decide('center.admin');
    expect(decided.status, JSON.stringify(decided.body)).toBe(201);
    expect(validationErrors(StaffRemovalDecision, decided.body)).toEqual([]);
    expect(decided.body).toMatchObject({ username, year: Number(year), decision: 'remove_from_windows', substantiated: 2, threshold: 2, windowIdsBefore: ['a03', 'a04'] });
    expect(await windowsOf()).toEqual([]);
    expect(await decisionItem()).toMatchObject({ kind: 'removalDecision', decision: 'remove_from_windows', reason: '两次投诉属实，调离窗口岗位' });
    expect((await suggested()).find((s) => s.username === username)).toEqual({ ...pending, decision: decided.body });

    // One decision per person and year: keeping them now is refused and changes nothing.
    expectProblem(await decide('center.admin', { decision: 'keep', reason: '改为留用' }), 409, 'removal-already-decided');
    expect(await decisionItem()).toMatchObject({ decision: 'remove_from_windows' });

    const audited = await until('the audit log to record the decision', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=staff&subjectId=${username}`, { as: 'auditor' });
      return (res.body.items as { action: string; actor: { role: string } }[] | undefined)?.find((r) => r.action === 'StaffRemovalDecided');
    }, 60_000);
    expect(audited.actor.role).toBe('center_admin');
  }, 120_000);
});
