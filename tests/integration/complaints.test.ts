/**
 * Complaints (投诉) over HTTP on the local cloud: a journey from online intake
 * to the review's reply, each step read back as the complainant, the
 * department and a supervisor see it, its events in the table and in the
 * audit log; confidentiality (the department complained about reads no
 * complainant data, the stored events carry none); two substantiated
 * complaints against one staff member suggesting their removal; not
 * accepted with a reason; a reply nobody rates closed by the sweeper; bad
 * input, a wrong state and a wrong role refused with nothing written; the
 * DynamoDB requests of each operation (DESIGN §10: at most 3, no Scan); the
 * center's own settings.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Complaint, ComplaintPage, ComplaintSettings } from '#schemas/api/complaints';
import { problemUri } from '#schemas/api/problems';
import { complaintEventSchemas } from '#schemas/events/complaints';
import { addWorkingDays, workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import { validationErrors } from '#shared/validate';
import { call, centerToday, cloud, doc, until, type Reply } from './api-client.ts';
import { eventFor, inProcess } from './in-process.ts';

/** The center's calendar as its functions count it: 2026 as seeded, later years provisional. */
const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const CONTACT = '13912345678';
const PK = (id: string) => `CENTER#center-demo#COMPLAINT#${id}`;

let serial = 0;
const marker = () => `CT-${Date.now().toString(36)}-${(serial++).toString(36)}`;

function expectComplaint(res: Reply, status = 200) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(validationErrors(Complaint, res.body)).toEqual([]);
  return res.body as typeof Complaint.static;
}
function expectProblem(res: Reply, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.type).toBe(problemUri(slug));
}
const act = (id: string, action: string, as: string, etag: string, body: unknown = {}) =>
  call('POST', `/complaints/${id}/${action}`, { as, body, headers: { 'if-match': etag } });
const read = (id: string, as: string) => call('GET', `/complaints/${id}`, { as });

/** The complaint's partition as stored: the item and its events, oldest first. */
async function partition(pk: string) {
  const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  const items = out.Items ?? [];
  return { item: items.find((i) => !String(i.SK).startsWith('EVENT#')), events: items.filter((i) => String(i.SK).startsWith('EVENT#')) };
}

/** A fresh staff member of amr, so that the year's substantiated count starts at 0. */
async function freshStaff(): Promise<string> {
  const username = `ct.${Date.now().toString(36)}.${(serial++).toString(36)}`;
  const res = await call('PUT', `/admin/staff/${username}`, { as: 'center.admin', body: { name: '投诉测试', email: `${username}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: [], backups: [] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return username;
}

describe('the complaint journey (投诉处理)', () => {
  it('online intake → accept and assign → extension → substantiated reply → unsatisfied → review → closed, each step read and audited', async () => {
    const staff = await freshStaff();
    const content = `窗口人员态度恶劣 ${marker()}`;
    const today = centerToday();

    // Intake online: the department complained about comes from the staff member; a retry with the same key is the same complaint.
    const body = { subject: { type: 'staff', username: staff }, category: 'rudeness', content, contact: CONTACT };
    const key = `ct-${marker()}`;
    const filed = await call('POST', '/complaints', { as: 'zhang.san', body, headers: { 'idempotency-key': key } });
    const c = expectComplaint(filed, 201);
    const id = c.complaintId;
    expect(c).toMatchObject({ state: 'filed', version: 1, channel: 'website', respondentDepartmentId: 'amr', acceptDue: addWorkingDays(cal, today, 2), complainant: { name: '张三', contact: CONTACT } });
    expect(filed.etag).toBe('"1"');
    const replay = await call('POST', '/complaints', { as: 'zhang.san', body, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(201);
    expect(replay.body.complaintId).toBe(id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // Before its acceptance only the complainant and supervisors read it.
    expect(expectComplaint(await read(id, 'zhang.san')).nextActions).toEqual([]);
    expect((await read(id, 'admin.amr')).status).toBe(403);
    const queue = await call('GET', '/complaints?state=filed&limit=100', { as: 'supervisor' });
    expect(validationErrors(ComplaintPage, queue.body)).toEqual([]);
    expect(queue.body.items.find((i: { complaintId: string }) => i.complaintId === id)).toMatchObject({ state: 'filed', overdue: false });
    expect(JSON.stringify(queue.body)).not.toContain(CONTACT);
    expect(expectComplaint(await read(id, 'supervisor')).nextActions).toEqual(['accept', 'notAccept']);

    // Accept and assign in one step: the reply is due in 5 working days.
    const accepted = expectComplaint(await act(id, 'accept', 'supervisor', '"1"', { note: '转市场监管局' }));
    const replyDue = addWorkingDays(cal, today, 5);
    expect(accepted).toMatchObject({ state: 'assigned', version: 2, departmentId: 'amr', replyDue, acceptance: { note: '转市场监管局' } });

    // The department reads it without the complainant; another department not at all.
    for (const as of ['admin.amr', 'clerk.amr', 'head.amr']) {
      const seen = expectComplaint(await read(id, as));
      expect(seen.complainant, as).toBeUndefined();
      expect(seen.filedBy, as).toBeUndefined();
      expect(JSON.stringify(seen), as).not.toMatch(new RegExp(`张三|${CONTACT}`));
    }
    expect((await read(id, 'clerk.housing')).status).toBe(403);
    const mine = await call('GET', '/complaints?limit=100', { as: 'admin.amr' });
    expect(mine.body.items.find((i: { complaintId: string }) => i.complaintId === id)).toMatchObject({ state: 'assigned', replyDue, departmentId: 'amr' });
    expect(JSON.stringify(mine.body)).not.toMatch(/张三|13912345678/);
    expect(expectComplaint(await read(id, 'admin.amr')).nextActions).toEqual(['requestExtension', 'reply']);

    // One extension, approved by a supervisor: the due date moves by its working days; a second is refused.
    const asked = expectComplaint(await act(id, 'requestExtension', 'admin.amr', '"2"', { reason: '需调取监控核实', workingDays: 2 }));
    expect(asked.extension).toMatchObject({ workingDays: 2, reason: '需调取监控核实' });
    const extended = expectComplaint(await act(id, 'approveExtension', 'supervisor', '"3"', { opinion: '同意' }));
    expect(extended.replyDue).toBe(addWorkingDays(cal, replyDue, 2));
    expectProblem(await act(id, 'requestExtension', 'admin.amr', '"4"', { reason: '再延', workingDays: 1 }), 409, 'complaint-extension-already-requested');

    // The reply, substantiated: it counts against the staff member.
    const replied = expectComplaint(await act(id, 'reply', 'admin.amr', '"4"', { reply: '经核实属实，已批评教育并致歉', substantiated: true, staffAtFault: staff }));
    expect(replied).toMatchObject({ state: 'replied', version: 5, rateDue: addWorkingDays(cal, today, 5), reply: { substantiated: true, staffAtFault: staff } });
    expect(expectComplaint(await read(id, 'zhang.san')).nextActions).toEqual(['rate']);

    // Unsatisfied, the complainant asks for the review one level up; a supervisor answers and it closes.
    const unsatisfied = expectComplaint(await act(id, 'rate', 'zhang.san', '"5"', { rating: 'unsatisfied', comment: '处理太轻' }));
    expect(unsatisfied).toMatchObject({ state: 'unsatisfied', reviewDue: addWorkingDays(cal, today, 5), rating: { rating: 'unsatisfied' } });
    expect(expectComplaint(await act(id, 'requestReview', 'zhang.san', '"6"', { reason: '要求中心复核' })).state).toBe('under_review');
    expect((await read(id, 'admin.amr')).status).toBe(200);
    const closed = expectComplaint(await act(id, 'answerReview', 'supervisor', '"7"', { answer: '复核认为答复恰当', substantiated: true }));
    expect(closed).toMatchObject({ state: 'closed', version: 8, review: { answer: '复核认为答复恰当', substantiated: true }, nextActions: [] });
    expect(closed.closedAt).toBeDefined();
    const own = await call('GET', '/complaints', { as: 'zhang.san' });
    expect(own.body.items[0]).toMatchObject({ complaintId: id, state: 'closed' });

    // The timeline: one event per step in the complaint's partition, valid, and without the complainant's name or contact.
    const { item, events } = await partition(PK(id));
    expect(item).toMatchObject({ kind: 'complaint', version: 8, complainant: { name: '张三', contact: CONTACT } });
    const details = events.map((e) => JSON.parse(e.detail as string));
    expect(events.map((e) => e.detailType)).toEqual([
      'ComplaintFiled', 'ComplaintAccepted', 'ComplaintExtensionRequested', 'ComplaintExtensionApproved', 'ComplaintReplied', 'ComplaintRated', 'ComplaintReviewRequested', 'ComplaintReviewAnswered',
    ]);
    for (const [i, d] of details.entries()) expect(validationErrors(complaintEventSchemas[events[i]!.detailType as keyof typeof complaintEventSchemas], d)).toEqual([]);
    expect(details.map((d) => `${d.data.fromState ?? '∅'}→${d.data.toState} v${d.data.complaintVersion}`)).toEqual([
      '∅→filed v1', 'filed→assigned v2', 'assigned→assigned v3', 'assigned→assigned v4', 'assigned→replied v5', 'replied→unsatisfied v6', 'unsatisfied→under_review v7', 'under_review→closed v8',
    ]);
    expect(details[4].data.details).toEqual({ substantiated: true, staffAtFault: staff });
    expect(JSON.stringify(details)).not.toMatch(/张三|13912345678|监控|致歉|处理太轻/);

    // The audit log recorded every step, by the actors who took them.
    const audited = await until('the audit log to record the complaint\'s 8 events', async () => {
      const res = await call('GET', `/audit/events?subjectType=complaint&subjectId=${id}&limit=100`, { as: 'auditor' });
      // Besides the steps, the notices to the complainant (NotificationSent) are recorded under the complaint.
      const steps = res.status === 200 ? (res.body.items as { action: string; actor: { role: string } }[]).filter((r) => r.action !== 'NotificationSent') : [];
      return steps.length === 8 ? steps : undefined;
    }, 60_000);
    expect(audited.map((r) => `${r.action}:${r.actor.role}`).sort()).toEqual([
      'ComplaintAccepted:supervisor', 'ComplaintExtensionApproved:supervisor', 'ComplaintExtensionRequested:dept_admin', 'ComplaintFiled:applicant',
      'ComplaintRated:applicant', 'ComplaintReplied:dept_admin', 'ComplaintReviewAnswered:supervisor', 'ComplaintReviewRequested:applicant',
    ]);

    // A second substantiated complaint against the same person this year: their removal is suggested, once.
    const byPhone = expectComplaint(await call('POST', '/complaints', {
      as: 'supervisor', body: { channel: 'hotline_12345', subject: { type: 'staff', username: staff }, category: 'refused_to_act', content: `应办不办 ${marker()}`, complainant: { name: '李四', contact: '0731-88886666' } },
    }), 201);
    expect(byPhone).toMatchObject({ channel: 'hotline_12345', complainant: { name: '李四' } });
    await act(byPhone.complaintId, 'accept', 'supervisor', '"1"');
    expectComplaint(await act(byPhone.complaintId, 'reply', 'head.amr', '"2"', { reply: '属实', substantiated: true, staffAtFault: staff }));
    const counted = await partition(`CENTER#center-demo#COMPLAINT#STAFF#${staff}`);
    expect(counted.item).toMatchObject({ kind: 'complaintStaffCount', substantiated: 2, complaintIds: [id, byPhone.complaintId] });
    expect(counted.events.map((e) => e.detailType)).toEqual(['StaffRemovalSuggested']);
    expect(JSON.parse(counted.events[0]!.detail as string)).toMatchObject({
      subject: { type: 'staff', id: staff }, data: { username: staff, substantiated: 2, threshold: 2, complaintId: byPhone.complaintId, departmentId: 'amr' },
    });
  }, 120_000);
});

describe('the sweeper', () => {
  it('closes a reply nobody rated within the rating period as satisfied by default', async () => {
    const c = expectComplaint(await call('POST', '/complaints', {
      as: 'zhang.san', body: { subject: { type: 'department', departmentId: 'amr' }, category: 'missed_promised_limit', content: `超期未办 ${marker()}`, contact: CONTACT },
    }), 201);
    await act(c.complaintId, 'accept', 'supervisor', '"1"');
    const replied = expectComplaint(await act(c.complaintId, 'reply', 'admin.amr', '"2"', { reply: '已加快办理', substantiated: false }));
    expect(replied.state).toBe('replied');
    // Time passes: the rating period ended in January (its sweep key moved with it, as a reply back then would have set it).
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName, Key: { PK: PK(c.complaintId), SK: 'COMPLAINT' },
      UpdateExpression: 'SET rateDue = :due, GSI3SK = :sweep', ExpressionAttributeValues: { ':due': '2026-01-05', ':sweep': `2026-01-05#center-demo#${c.complaintId}` },
    }));
    const closed = await until('the sweeper to close the complaint', async () => {
      const res = await read(c.complaintId, 'zhang.san');
      return res.body.state === 'closed' ? expectComplaint(res) : undefined;
    }, 60_000);
    expect(closed).toMatchObject({ version: 4, rating: { rating: 'satisfied', by: 'system', byDefault: true } });
    const last = JSON.parse((await partition(PK(c.complaintId))).events.at(-1)!.detail as string);
    expect(last).toMatchObject({ actor: { id: 'system', role: 'system' }, data: { action: 'closeUnrated', fromState: 'replied', toState: 'closed', details: { rating: 'satisfied', byDefault: true } } });
  }, 90_000);
});

describe('not accepted, bad input, wrong state and wrong role', () => {
  it('not accepted with a reason, told to the complainant; nothing more may happen to it', async () => {
    const c = expectComplaint(await call('POST', '/complaints', {
      as: 'clerk.amr', body: { channel: 'onsite', subject: { type: 'center' }, category: 'other', content: `已申请行政复议 ${marker()}`, complainant: { name: '王五', contact: 'wang@example.com' } },
    }), 201);
    // The clerk who recorded it does not read the complainant back: only supervisors and the complainant do.
    expect(c.complainant).toBeUndefined();
    expect(c.respondentDepartmentId).toBeUndefined();
    const not = expectComplaint(await act(c.complaintId, 'notAccept', 'supervisor', '"1"', { reason: 'in_review_or_litigation', explanation: '已进入行政复议程序，不予受理' }));
    expect(not).toMatchObject({ state: 'not_accepted', notAccepted: { reason: 'in_review_or_litigation', explanation: '已进入行政复议程序，不予受理' }, complainant: { name: '王五' }, nextActions: [] });
    expectProblem(await act(c.complaintId, 'accept', 'supervisor', '"2"', { departmentId: 'amr' }), 409, 'wrong-state');
    const { events } = await partition(PK(c.complaintId));
    expect(events.map((e) => e.detailType)).toEqual(['ComplaintFiled', 'ComplaintNotAccepted']);
    expect(JSON.parse(events[1]!.detail as string).data.details).toEqual({ reason: 'in_review_or_litigation' });
  });

  it('bad input is a 400 naming every field, an unknown subject a 422; nothing is written', async () => {
    const content = `不应写入 ${marker()}`;
    const bad = await call('POST', '/complaints', { as: 'clerk.amr', body: { subject: { type: 'case', windowId: 'a03' }, category: 'rudeness', content, contact: CONTACT } });
    expectProblem(bad, 400, 'validation-failed');
    expect(bad.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)).toEqual([
      '/body/subject/caseNo required', '/body/subject/windowId unexpected', '/body/channel required', '/body/complainant required', '/body/contact unexpected',
    ]);
    const schemaBad = await call('POST', '/complaints', { as: 'zhang.san', body: { subject: { type: 'window' }, category: 'noise', content: '', contact: CONTACT } });
    expectProblem(schemaBad, 400, 'validation-failed');
    expect(schemaBad.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/body/category', '/body/content']));
    const unknown = await call('POST', '/complaints', { as: 'zhang.san', body: { subject: { type: 'case', caseNo: '370982-20200101-99999' }, category: 'rudeness', content, contact: CONTACT } });
    expectProblem(unknown, 422, 'complaint-subject-unknown');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/body/subject/caseNo', code: 'unknown' })]);
    const written = await doc.send(new QueryCommand({
      TableName: cloud.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', FilterExpression: 'content = :content',
      ExpressionAttributeValues: { ':pk': 'CENTER#center-demo#COMPLAINTS#filed', ':content': content },
    }));
    expect(written.Items).toEqual([]);
  });

  it('a wrong state is 409, a wrong role 403, a stale ETag 412: the complaint is unchanged', async () => {
    const c = expectComplaint(await call('POST', '/complaints', {
      as: 'zhang.san', body: { subject: { type: 'window', windowId: 'a03' }, category: 'one_time_notice_failed', content: `未一次性告知 ${marker()}`, contact: CONTACT },
    }), 201);
    expect(c.respondentDepartmentId).toBe('amr');
    expectProblem(await act(c.complaintId, 'reply', 'supervisor', '"1"', { reply: '答复', substantiated: false }), 403, 'forbidden');
    expectProblem(await act(c.complaintId, 'rate', 'zhang.san', '"1"', { rating: 'satisfied' }), 409, 'wrong-state');
    expectProblem(await act(c.complaintId, 'accept', 'zhang.san', '"1"', {}), 403, 'forbidden');
    expectProblem(await act(c.complaintId, 'accept', 'supervisor', '"7"', {}), 412, 'precondition-failed');
    await act(c.complaintId, 'accept', 'supervisor', '"1"', {});
    expectProblem(await act(c.complaintId, 'reply', 'clerk.amr', '"2"', { reply: '答复', substantiated: false }), 403, 'forbidden');
    expectProblem(await act(c.complaintId, 'reply', 'admin.amr', '"2"', { reply: '答复', substantiated: false, staffAtFault: 'clerk.amr' }), 422, 'staff-at-fault-invalid');
    const after = await read(c.complaintId, 'supervisor');
    expect(after.etag).toBe('"2"');
    expect((await partition(PK(c.complaintId))).events.map((e) => e.detailType)).toEqual(['ComplaintFiled', 'ComplaintAccepted']);
  });
});

describe('DynamoDB requests per complaint operation (≤ 3, no Scan)', () => {
  it('intake, an action, a reply that counts against a staff member, a read and the lists', async () => {
    const measured = await inProcess(() => import('../../functions/complaints/handler.ts'));
    const staff = await freshStaff();
    const figures: Record<string, string[]> = {};
    const intake = await measured(eventFor('zhang.san', 'POST', '/complaints', '/complaints', {
      headers: { 'idempotency-key': `ct-count-${marker()}` }, body: { subject: { type: 'staff', username: staff }, category: 'rudeness', content: `计数 ${marker()}`, contact: CONTACT },
    }));
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    figures.intake = intake.commands;
    const id = intake.body.complaintId as string;
    const action = (username: string, name: string, etag: string, body: unknown = {}) =>
      measured(eventFor(username, 'POST', `/complaints/${id}/${name}`, `/complaints/{complaintId}/${name}`, { params: { complaintId: id }, headers: { 'if-match': etag }, body }));
    const accept = await action('supervisor', 'accept', intake.etag);
    expect(accept.status, JSON.stringify(accept.body)).toBe(200);
    figures.accept = accept.commands;
    const reply = await action('admin.amr', 'reply', accept.etag, { reply: '属实', substantiated: true, staffAtFault: staff });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    figures['reply (staff counted)'] = reply.commands;
    const read = await measured(eventFor('admin.amr', 'GET', `/complaints/${id}`, '/complaints/{complaintId}', { params: { complaintId: id } }));
    expect(read.status).toBe(200);
    figures.read = read.commands;
    const queue = await measured(eventFor('admin.amr', 'GET', '/complaints', '/complaints', { query: { limit: '25' } }));
    expect(queue.status).toBe(200);
    figures['department queue'] = queue.commands;
    const own = await measured(eventFor('zhang.san', 'GET', '/complaints', '/complaints'));
    expect(own.status).toBe(200);
    figures['own list'] = own.commands;
    console.log(`DynamoDB requests per complaint operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(3);
      expect(cmds, op).not.toContain('ScanCommand');
    }
    // The account check and the Idempotency-Key ride in the first batch read.
    expect(figures.intake).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(figures['reply (staff counted)']).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(figures.read).toEqual(['BatchGetItemCommand']);
  });
});

// Last in the file: it changes the center's reply limit for a moment (no other file reads complaint dates).
describe('the center\'s settings', () => {
  it('a center admin sets the limits (If-Match once they exist): the next acceptance counts the new reply limit; audited', async () => {
    const before = await call('GET', '/complaint-settings', { as: 'clerk.amr' });
    expect(before.status).toBe(200);
    expect(validationErrors(ComplaintSettings, before.body)).toEqual([]);
    expect(before.body).toMatchObject({ acceptWorkingDays: 2, replyWorkingDays: 5, rateWorkingDays: 5, reviewWorkingDays: 5, staffRemovalThreshold: 2 });
    const defaults = { acceptWorkingDays: 2, replyWorkingDays: 5, rateWorkingDays: 5, reviewWorkingDays: 5, staffRemovalThreshold: 2 };
    expect((await call('PUT', '/complaint-settings', { as: 'supervisor', body: defaults })).status).toBe(403);
    expectProblem(await call('PUT', '/complaint-settings', { as: 'center.admin', body: { ...defaults, replyWorkingDays: 0 } }), 400, 'validation-failed');
    const set = await call('PUT', '/complaint-settings', { as: 'center.admin', body: { ...defaults, replyWorkingDays: 3 }, headers: before.etag ? { 'if-match': before.etag } : {} });
    expect(set.status, JSON.stringify(set.body)).toBe(before.etag ? 200 : 201);
    expect(set.body).toMatchObject({ replyWorkingDays: 3, source: 'center' });
    expectProblem(await call('PUT', '/complaint-settings', { as: 'center.admin', body: defaults }), 428, 'precondition-required');
    expectProblem(await call('PUT', '/complaint-settings', { as: 'center.admin', body: defaults, headers: { 'if-match': '"99"' } }), 412, 'precondition-failed');
    try {
      const c = expectComplaint(await call('POST', '/complaints', {
        as: 'zhang.san', body: { subject: { type: 'department', departmentId: 'amr' }, category: 'other', content: `设置 ${marker()}`, contact: CONTACT },
      }), 201);
      const accepted = expectComplaint(await act(c.complaintId, 'accept', 'supervisor', '"1"'));
      expect(accepted.replyDue).toBe(addWorkingDays(cal, centerToday(), 3));
    } finally {
      const restored = await call('PUT', '/complaint-settings', { as: 'center.admin', body: defaults, headers: { 'if-match': set.etag } });
      expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    }
    const { events } = await partition('CENTER#center-demo#COMPLAINT#SETTINGS');
    const changes = events.map((e) => JSON.parse(e.detail as string)).filter((d) => d.data.after.replyWorkingDays === 3);
    expect(changes).toEqual([expect.objectContaining({ subject: { type: 'complaint_settings', id: 'center-demo' }, data: { before: defaults, after: { ...defaults, replyWorkingDays: 3 } } })]);
  });
});
