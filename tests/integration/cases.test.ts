import { request as httpRequest } from 'node:http';
/**
 * Cases over HTTP on the local cloud: concurrency (conflicting transitions,
 * concurrent intakes, idempotent retries), bad input with no write, the
 * deemed acceptance fired by the schedule, the public progress lookup and the
 * work queues.
 */
import { describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { api, call, centerToday, cloud, doc, until } from './api-client.ts';
import { act, enterpriseFields, enterpriseItem, itemByMode, materialsOf, submit, timelineOf } from './cases-client.ts';

const promised = itemByMode('promised', 'amr');
const caseKey = (caseNo: string) => ({ PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'CASE' });
/** The case's place in the lists (the queue, due, sweep and applicant indexes) is an item of its own (decision 122). */
const indexKey = (caseNo: string) => ({ PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'INDEX' });
const stored = async (caseNo: string) => (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: caseKey(caseNo), ConsistentRead: true }))).Item!;
const indexed = async (caseNo: string) => (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: indexKey(caseNo), ConsistentRead: true }))).Item!;
const partitionSize = async (caseNo: string) =>
  (await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': caseKey(caseNo).PK }, ConsistentRead: true }))).Count;

const intakeBody = (key?: string) => ({ itemCode: enterpriseItem.code, fields: { ...enterpriseFields, proposedName: key ?? '示范科技有限公司' }, materials: materialsOf(enterpriseItem.code) });

describe('concurrency', () => {
  it('20 concurrent conflicting transitions on one case: exactly one succeeds, the rest 409/412, one timeline entry', async () => {
    const c = await submit(promised.code);
    const before = await timelineOf(c.body.caseNo);
    const attempts = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? call('POST', `/cases/${c.body.caseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': c.etag } })
        : call('POST', `/cases/${c.body.caseNo}/refuse`, { as: 'clerk.amr', headers: { 'if-match': c.etag }, body: { reasons: ['不属于本机关职权范围'] } }),
    );
    const replies = await Promise.all(attempts);
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 409 || s === 412), statuses.join(',')).toBe(true);
    const after = await timelineOf(c.body.caseNo);
    expect(after).toHaveLength(before.length + 1);
    const winner = replies.find((r) => r.status === 200)!;
    expect((await stored(c.body.caseNo)).state).toBe(winner.body.state);
    expect((await stored(c.body.caseNo)).version).toBe(2);
  });

  it('50 concurrent intakes with distinct keys get 50 distinct case numbers of the day', async () => {
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': `bulk-${Date.now()}-${i}` }, body: intakeBody(`并发公司${i}`) })),
    );
    expect(replies.filter((r) => r.status !== 201).map((r) => JSON.stringify(r.body))).toEqual([]);
    const numbers = replies.map((r) => r.body.caseNo as string);
    expect(new Set(numbers).size).toBe(50);
    // The prefix is the center's code (370982 as seeded; another test may replace the profile without it).
    const day = centerToday().replaceAll('-', '');
    const prefix = numbers[0]!.split('-')[0];
    for (const n of numbers) expect(n).toMatch(new RegExp(`^${prefix}-${day}-\\d{5}$`));
  });

  it('the same Idempotency-Key twice (and five times at once) gives one case; another body with it is 422', async () => {
    const key = `idem-${Date.now()}`;
    const first = await call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': key }, body: intakeBody('重放公司') });
    expect(first.status).toBe(201);
    const again = await call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': key }, body: intakeBody('重放公司') });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.caseNo).toBe(first.body.caseNo);
    const other = await call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': key }, body: intakeBody('另一家公司') });
    expect(other.status).toBe(422);

    const burstKey = `burst-${Date.now()}`;
    const burst = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': burstKey }, body: intakeBody('同时公司') })));
    expect(burst.map((r) => r.status)).toEqual(Array(5).fill(201));
    expect(new Set(burst.map((r) => r.body.caseNo)).size).toBe(1);
    const mine = await call('GET', '/cases?limit=100', { as: 'zhang.san' });
    expect(mine.body.items.filter((c: { caseNo: string }) => c.caseNo === burst[0]!.body.caseNo)).toHaveLength(1);
  });
});

describe('bad input changes nothing', () => {
  it('malformed bodies, unknown actions, wrong states, missing If-Match and another department get 4xx problems and no write', async () => {
    const c = await submit(promised.code);
    const no = c.body.caseNo;
    const size = await partitionSize(no);
    const cases: [string, Promise<{ status: number; headers: Headers; body: any }>, number][] = [
      ['malformed JSON', call('POST', `/cases/${no}/refuse`, { as: 'clerk.amr', headers: { 'if-match': c.etag, 'content-type': 'application/json' }, rawBody: '{"reasons": [' }), 400],
      ['empty reasons', call('POST', `/cases/${no}/refuse`, { as: 'clerk.amr', headers: { 'if-match': c.etag }, body: { reasons: [] } }), 400],
      ['unknown field', call('POST', `/cases/${no}/refuse`, { as: 'clerk.amr', headers: { 'if-match': c.etag }, body: { reasons: ['x'], extra: 1 } }), 400],
      ['unknown action', call('POST', `/cases/${no}/teleport`, { as: 'clerk.amr', headers: { 'if-match': c.etag } }), 404],
      ['wrong state', call('POST', `/cases/${no}/resume`, { as: 'clerk.amr', headers: { 'if-match': c.etag } }), 409],
      ['no If-Match', call('POST', `/cases/${no}/accept`, { as: 'clerk.amr' }), 428],
      ['stale If-Match', call('POST', `/cases/${no}/accept`, { as: 'clerk.amr', headers: { 'if-match': '"7"' } }), 412],
      ['another department', call('POST', `/cases/${no}/accept`, { as: 'clerk.health', headers: { 'if-match': c.etag } }), 403],
      ['approver may not accept', call('POST', `/cases/${no}/accept`, { as: 'approver.amr', headers: { 'if-match': c.etag } }), 403],
      ['applicant may not accept', call('POST', `/cases/${no}/accept`, { as: 'zhang.san', headers: { 'if-match': c.etag } }), 403],
      ['another center', call('POST', `/cases/${no}/accept`, { as: 'center.admin.other', headers: { 'if-match': c.etag } }), 404],
    ];
    for (const [what, reply, status] of cases) {
      const r = await reply;
      expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
      if (status !== 404 || what !== 'unknown action') expect(r.headers.get('content-type'), what).toMatch(/problem\+json/);
    }
    expect(await partitionSize(no)).toBe(size);
    expect((await stored(no)).version).toBe(1);
  });

  it('intake: unknown item, fields against the item schema and checklist ids are checked field by field', async () => {
    const unknown = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: 'NO-SUCH-ITEM', materials: [] } });
    expect([unknown.status, unknown.body.type]).toEqual([422, 'https://onestop.example.gov.cn/problems/item-not-available']);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/body/itemCode', code: 'not_published' })]);
    const bad = await call('POST', '/cases', {
      as: 'zhang.san',
      body: { itemCode: enterpriseItem.code, fields: { enterpriseType: '外星公司', registeredCapitalWan: 'many', color: 'red' }, materials: [{ materialId: 'no-such', form: 'copy', count: 1 }] },
    });
    expect([bad.status, bad.body.type]).toEqual([422, 'https://onestop.example.gov.cn/problems/application-invalid']);
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/body/fields/proposedName', '/body/fields/enterpriseType', '/body/fields/registeredCapitalWan', '/body/fields/color', '/body/materials/0/materialId']));
    const staffOnline = await call('POST', '/cases', { as: 'clerk.amr', body: intakeBody() });
    expect(staffOnline.status).toBe(403);
    const wrongDept = await call('POST', '/cases', { as: 'clerk.health', body: { ...intakeBody(), applicantId: (await submit(promised.code)).body.applicant.applicantId } });
    expect(wrongDept.status).toBe(403);
    const badKey = await call('POST', '/cases', { as: 'zhang.san', headers: { 'idempotency-key': 'has spaces' }, body: intakeBody() });
    expect(badKey.status).toBe(400);
  });
});

describe('deemed acceptance (art. 32)', () => {
  it('the schedule accepts a case from receipt once its notice period has passed with no notice', async () => {
    const c = await submit(promised.code);
    const no = c.body.caseNo;
    if (c.body.noticeDue) expect(c.body.noticeDue > centerToday()).toBe(true);
    // Five working days pass: move the case's notice period (and its sweep date) into the past, months
    // back (the sweeper catches up however long it missed), as the store keys it in its sweep shard.
    // The sweeper itself runs unchanged on the schedule.
    expect((await indexed(no))).toMatchObject({ kind: 'caseIndex', caseNo: no, GSI3PK: expect.stringMatching(/^SWEEP#[0-7]$/), GSI1PK: 'CENTER#center-demo#DEPT#amr#Q#to_accept' });
    // The indexes hold the small index item, not the case (only the watcher's small projection is on it).
    expect(Object.keys(await stored(no)).filter((k) => k.startsWith('GSI')).sort()).toEqual(['GSI5PK', 'GSI5SK']);
    const received = '2026-03-02T09:00:00+08:00';
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: caseKey(no), UpdateExpression: 'SET receivedAt = :r, noticeDue = :d', ExpressionAttributeValues: { ':r': received, ':d': '2026-03-09' } }));
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: indexKey(no), UpdateExpression: 'SET GSI3SK = :sk', ExpressionAttributeValues: { ':sk': `2026-03-09#center-demo#${no}` } }));
    const accepted = await until('the sweeper to deem the case accepted', async () => {
      const r = await call('GET', `/cases/${no}`, { as: 'clerk.amr' });
      return r.body.state === 'accepted' ? r : undefined;
    }, 20_000);
    expect(accepted.body.deemedAccepted).toBe(true);
    expect(accepted.body.acceptedAt).toBe(received);
    expect(accepted.body.clock.startedAt).toBe(received);
    const last = (await timelineOf(no)).at(-1)!;
    expect(last).toMatchObject({ type: 'CaseDeemedAccepted', from: 'submitted', to: 'accepted', clockEffect: 'start', actor: { id: 'system', role: 'system' } });
    expect((await indexed(no)).GSI3PK).toBeUndefined();
  });
});

/** A GET from another loopback address: another client as the gateway sees it (its sourceIp). */
function getFrom(localAddress: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${api.replace("//localhost:", "//127.0.0.1:")}${path}`, { localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject).end();
  });
}

describe('public progress lookup', () => {
  it('shows status and dates for the right code, the same 404 for a wrong number or code, and locks a number after 10 failures from one client — not for its holder elsewhere', async () => {
    const c = await submit(promised.code);
    const accepted = await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
    const code = accepted.body.receipt.queryCode as string;
    const ok = await call('GET', `/public/cases/${c.body.caseNo}?code=${code}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ caseNo: c.body.caseNo, state: 'accepted', promisedDue: accepted.body.deadlines.promisedDue });
    expect(JSON.stringify(ok.body)).not.toContain(c.body.applicant.name);
    expect(JSON.stringify(ok.body)).not.toContain(c.body.applicant.applicantId);

    const wrongCode = await call('GET', `/public/cases/${c.body.caseNo}?code=AAAAAAAAAAAA`);
    const wrongNo = await call('GET', `/public/cases/370982-20200101-99999?code=${code}`);
    expect(wrongCode.status).toBe(404);
    expect(wrongNo.status).toBe(404);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, traceId: undefined });
    expect(strip(wrongCode.body)).toEqual(strip(wrongNo.body));

    for (let i = 0; i < 9; i++) expect((await call('GET', `/public/cases/${c.body.caseNo}?code=WRONG${i}`)).status).toBe(404);
    const locked = await call('GET', `/public/cases/${c.body.caseNo}?code=${code}`);
    expect(locked.status).toBe(429);
    expect(locked.body.type).toBe('https://onestop.example.gov.cn/problems/lookup-locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The stranger's guesses lock the stranger out, not the holder on another network.
    const holder = await getFrom('127.0.0.2', `/public/cases/${c.body.caseNo}?code=${code}`);
    expect(holder.status).toBe(200);
    expect(holder.body).toMatchObject({ caseNo: c.body.caseNo, state: 'accepted' });
    expect((await getFrom('127.0.0.2', `/public/cases/${c.body.caseNo}?code=AAAAAAAAAAAA`)).status).toBe(404);
  });
});

describe('work queues', () => {
  it("to_accept lists the department's new cases, page by page with a signed token; other departments' clerks cannot read it", async () => {
    await submit(promised.code);
    await submit(promised.code);
    await submit(promised.code);
    const first = await call('GET', '/queues/to_accept?limit=2', { as: 'clerk.amr' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items.every((c: { state: string; departmentId: string }) => c.state === 'submitted' && c.departmentId === 'amr')).toBe(true);
    const next = await call('GET', `/queues/to_accept?limit=2&nextToken=${encodeURIComponent(first.body.nextToken)}`, { as: 'clerk.amr' });
    expect(next.status).toBe(200);
    expect(next.body.items.map((c: { caseNo: string }) => c.caseNo)).not.toContain(first.body.items[0].caseNo);
    const forged = await call('GET', `/queues/in_review?limit=2&nextToken=${encodeURIComponent(first.body.nextToken)}`, { as: 'clerk.amr' });
    expect(forged.status).toBe(400);
    expect((await call('GET', '/queues/to_accept?departmentId=amr', { as: 'clerk.health' })).status).toBe(403);
    expect((await call('GET', '/queues/to_accept', { as: 'supervisor' })).status).toBe(400);
    expect((await call('GET', '/queues/to_accept?departmentId=amr', { as: 'supervisor' })).status).toBe(200);
    expect((await call('GET', '/queues/to_accept', { as: 'zhang.san' })).status).toBe(403);
  });

  it('due_soon holds a case whose promised limit ends within 2 working days; overdue one whose limit has passed', async () => {
    const c = await submit(promised.code);
    const accepted = await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
    const due = accepted.body.deadlines.promisedDue as string | undefined;
    const soon = await call('GET', '/queues/due_soon?departmentId=amr&limit=100', { as: 'approver.amr' });
    const listed = soon.body.items.some((x: { caseNo: string }) => x.caseNo === c.body.caseNo);
    // A promised limit of 1 working day always ends within the 2-day warning (unless 2027's calendar is missing).
    expect(listed).toBe(due !== undefined && promised.content.timeLimits.promisedWorkingDays <= 2);
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: indexKey(c.body.caseNo), UpdateExpression: 'SET GSI2SK = :sk', ExpressionAttributeValues: { ':sk': `2026-01-05#${c.body.caseNo}` } }));
    const overdue = await call('GET', '/queues/overdue?departmentId=amr&limit=100', { as: 'approver.amr' });
    expect(overdue.body.items.some((x: { caseNo: string }) => x.caseNo === c.body.caseNo)).toBe(true);
  });
});

describe('a case of the earlier layout (decision 122)', () => {
  it('carrying its list keys on the case item, it is listed as it is; its next transition moves them to an index item, listed once', async () => {
    const c = await submit(promised.code);
    const no = c.body.caseNo as string;
    // As the store wrote cases before: the list keys on the case item, no index item.
    const { PK: _pk, SK: _sk, kind: _kind, centerId: _center, caseNo: _no, ...listKeys } = await indexed(no);
    expect(Object.keys(listKeys).sort()).toEqual(['GSI1PK', 'GSI1SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK']);
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: caseKey(no),
      UpdateExpression: `SET ${Object.keys(listKeys).map((k) => `${k} = :${k}`).join(', ')}`,
      ExpressionAttributeValues: Object.fromEntries(Object.entries(listKeys).map(([k, v]) => [`:${k}`, v])),
    }));
    await doc.send(new DeleteCommand({ TableName: cloud.tableName, Key: indexKey(no) }));
    const listedBy = async (pk: string, sk: string) => (await doc.send(new QueryCommand({
      TableName: cloud.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK = :sk', ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
    }))).Items ?? [];
    expect((await listedBy(listKeys.GSI1PK as string, listKeys.GSI1SK as string)).map((i) => i.kind)).toEqual(['case']);
    const mine = async () => ((await call('GET', '/cases?limit=100', { as: 'zhang.san' })).body.items as { caseNo: string; state: string }[]).filter((x) => x.caseNo === no);
    expect(await mine()).toEqual([expect.objectContaining({ caseNo: no, state: 'submitted' })]);

    const accepted = await act(no, 'accept', 'clerk.amr', c.etag);
    expect(Object.keys(await stored(no)).filter((k) => /^GSI[1-4]/.test(k))).toEqual([]);
    const index = await indexed(no);
    expect(index).toMatchObject({ kind: 'caseIndex', GSI1PK: 'CENTER#center-demo#DEPT#amr#Q#in_review', GSI4PK: listKeys.GSI4PK });
    expect(index.GSI3PK).toBeUndefined();
    expect(await listedBy(listKeys.GSI1PK as string, listKeys.GSI1SK as string)).toEqual([]);
    expect((await listedBy(index.GSI1PK as string, index.GSI1SK as string)).map((i) => i.kind)).toEqual(['caseIndex']);
    expect(accepted.body.state).toBe('accepted');
    expect(await mine()).toEqual([expect.objectContaining({ caseNo: no, state: 'accepted' })]);
  });
});

describe("the applicant's view", () => {
  it('shows states, dates and results but no internal opinions or staff ids; staff see them', async () => {
    const c = await submit(promised.code);
    const accepted = await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
    const opinion = `内部审查意见-${Date.now()}`;
    await act(c.body.caseNo, 'review', 'clerk.amr', accepted.etag, { opinion });
    const clerkSub = cloud.users.find((u) => u.username === 'clerk.amr')!.sub;
    const own = await call('GET', `/cases/${c.body.caseNo}`, { as: 'zhang.san' });
    expect(own.status).toBe(200);
    expect(own.body.state).toBe('under_review');
    expect(own.body.reviews).toEqual([]);
    const ownTimeline = await timelineOf(c.body.caseNo, 'zhang.san');
    expect(ownTimeline.map((e) => e.type)).toEqual(['CaseSubmitted', 'CaseAccepted', 'CaseReviewed']);
    expect(JSON.stringify(ownTimeline)).not.toContain(opinion);
    expect(JSON.stringify(ownTimeline)).not.toContain(clerkSub);
    expect(ownTimeline[1]!.actor).toEqual({ id: 'clerk', role: 'clerk' });
    const staffView = await call('GET', `/cases/${c.body.caseNo}`, { as: 'approver.amr' });
    expect(staffView.body.reviews).toEqual([expect.objectContaining({ opinion, by: clerkSub })]);
    expect(JSON.stringify(await timelineOf(c.body.caseNo, 'clerk.amr'))).toContain(opinion);
  });
});
