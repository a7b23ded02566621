/**
 * The catalog end to end over HTTP on the local cloud: the publishing workflow,
 * its events reaching the audit log through stream → pipe → bus → rule, input
 * errors, access control, optimistic concurrency and the public catalog.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { demoItems } from '../../local/seed/items.ts';
import { catalogEventSchemas, type CatalogEventType } from '#schemas/events/catalog';
import { validationErrors } from '#shared/validate';
import { call, centerToday, cloud, doc, freshCode, until } from './api-client.ts';

const amrContent = demoItems.find((i) => i.content.departmentId === 'amr' && i.content.serviceMode === 'promised')!.content;
const problemType = 'application/problem+json';
const typeOf = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

async function createDraft(code = freshCode(), as = 'admin.amr', content = amrContent) {
  const res = await call('POST', '/admin/items', { as, body: { code, content } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { code, etag: res.etag };
}

/** create → submit (dept admin) → approve (center admin) → publish (dept admin); returns the publish reply. */
async function publishNew(code = freshCode(), content = amrContent) {
  const draft = await createDraft(code, 'admin.amr', content);
  const base = `/admin/items/${code}/versions/1`;
  const submitted = await call('POST', `${base}/submit`, { as: 'admin.amr', headers: { 'if-match': draft.etag } });
  expect(submitted.status).toBe(200);
  const approved = await call('POST', `${base}/approve`, { as: 'center.admin', headers: { 'if-match': submitted.etag } });
  expect(approved.status).toBe(200);
  const published = await call('POST', `${base}/publish`, { as: 'admin.amr', headers: { 'if-match': approved.etag } });
  expect(published.status).toBe(200);
  return { code, published };
}

const headOf = (code: string, centerId = 'center-demo') =>
  doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${centerId}#ITEM#${code}`, SK: 'HEAD' } }));
const listingOf = (code: string) =>
  doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#ITEM#${code}`, SK: 'LISTING' }, ConsistentRead: true }));
const itemPartition = (code: string) =>
  doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#ITEM#${code}` } }));

describe('publishing an item', () => {
  it('walks draft → submitted → approved → published, and every step reaches the audit log', async () => {
    const started = Date.now();
    const { code, published } = await publishNew();
    expect(published.body).toMatchObject({ code, version: 1, status: 'published', content: { name: amrContent.name } });
    expect(published.body.publishedAt).toBeDefined();
    // An action answers the version itself, as its GET shows it, with its new ETag.
    expect(await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' })).toMatchObject({ status: 200, body: published.body, etag: published.etag });
    // Who acted is an account id the staff directory resolves.
    const submitter = await call('GET', `/org/staff?id=${published.body.submittedBy}`, { as: 'admin.amr' });
    expect(submitter.body.items.map((s: { username: string }) => s.username)).toEqual(['admin.amr']);
    const reviewer = await call('GET', `/org/staff?id=${published.body.reviewedBy}`, { as: 'admin.amr' });
    expect(reviewer.body.items.map((s: { username: string }) => s.username)).toEqual(['center.admin']);

    const guide = await call('GET', `/public/items/${code}`);
    expect(guide.status).toBe(200);
    // The extension an item allows (art. 42): its own, else 10 working days (15 for joint items).
    expect(guide.body).toMatchObject({ code, version: 1, status: 'published', extensionWorkingDays: 10 });
    expect(Object.keys(guide.body).sort()).toEqual(['code', 'content', 'extensionWorkingDays', 'publishedAt', 'status', 'version']);

    const records = await until('four audit records of the item', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=item&subjectId=${code}`, { as: 'auditor' });
      expect(res.status).toBe(200);
      return res.body.items.length >= 4 ? res.body.items : undefined;
    });
    const elapsed = Date.now() - started;
    expect(records.map((r: { action: string }) => r.action)).toEqual(['ItemDraftCreated', 'ItemSubmitted', 'ItemApproved', 'ItemPublished']);
    const publishedRecord = records[3];
    expect(publishedRecord).toMatchObject({
      source: 'onestop.catalog',
      centerId: 'center-demo',
      result: 'success',
      subject: { type: 'item', id: code },
      actor: { role: 'dept_admin', departmentId: 'amr' },
      data: { code, version: 1, fromStatus: 'approved', toStatus: 'published' },
    });
    expect(records[2].actor.role).toBe('center_admin');

    // Each outbox item is the event as published: it matches its detail-type's schema.
    const outbox = (await itemPartition(code)).Items!.filter((i) => i.kind === 'event');
    expect(outbox.map((i) => i.detailType).sort()).toEqual(['ItemApproved', 'ItemDraftCreated', 'ItemPublished', 'ItemSubmitted']);
    for (const item of outbox) {
      expect(validationErrors(catalogEventSchemas[item.detailType as CatalogEventType], JSON.parse(item.detail)), item.detailType).toEqual([]);
    }
    console.log(`publish workflow to its 4th audit record: ${elapsed} ms`);
  });

  it('keeps a published version immutable; a change is a new version that supersedes it', async () => {
    const { code, published } = await publishNew();
    const put = await call('PUT', `/admin/items/${code}/versions/1`, { as: 'admin.amr', body: { content: amrContent }, headers: { 'if-match': published.etag } });
    expect(put.status).toBe(409);
    expect(put.headers.get('content-type')).toBe(problemType);
    expect(put.body.type).toBe(typeOf('wrong-state'));

    const v2 = await call('POST', `/admin/items/${code}/versions`, { as: 'admin.amr' });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, status: 'draft' });
    const another = await call('POST', `/admin/items/${code}/versions`, { as: 'admin.amr' });
    expect(another).toMatchObject({ status: 409, body: { type: typeOf('version-open') } });

    const renamed = { ...amrContent, name: `${amrContent.name}（2027版）` };
    const edited = await call('PUT', `/admin/items/${code}/versions/2`, { as: 'admin.amr', body: { content: renamed }, headers: { 'if-match': v2.etag } });
    expect(edited.status).toBe(200);
    const submitted = await call('POST', `/admin/items/${code}/versions/2/submit`, { as: 'admin.amr', headers: { 'if-match': edited.etag } });
    const approved = await call('POST', `/admin/items/${code}/versions/2/approve`, { as: 'center.admin', headers: { 'if-match': submitted.etag } });
    const published2 = await call('POST', `/admin/items/${code}/versions/2/publish`, { as: 'admin.amr', headers: { 'if-match': approved.etag } });
    expect(published2.status).toBe(200);

    expect((await call('GET', `/public/items/${code}`)).body).toMatchObject({ version: 2, content: { name: renamed.name } });
    expect((await call('GET', `/public/items/${code}?version=1`)).body).toMatchObject({ version: 1, status: 'superseded', content: { name: amrContent.name } });
    expect((await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' })).body.status).toBe('superseded');
  });

  it('refuses review by the submitter (four eyes) and needs a reason to reject', async () => {
    const { code, etag } = await createDraft();
    const submitted = await call('POST', `/admin/items/${code}/versions/1/submit`, { as: 'admin.amr', headers: { 'if-match': etag } });
    const ownApproval = await call('POST', `/admin/items/${code}/versions/1/approve`, { as: 'admin.amr', headers: { 'if-match': submitted.etag } });
    expect(ownApproval).toMatchObject({ status: 403, body: { type: typeOf('reviewer-is-submitter') } });
    const noReason = await call('POST', `/admin/items/${code}/versions/1/reject`, { as: 'center.admin', headers: { 'if-match': submitted.etag } });
    expect(noReason).toMatchObject({ status: 422, body: { type: typeOf('rejection-reason-required') } });
    expect(noReason.body.errors).toEqual([expect.objectContaining({ path: '/body/reason', code: 'required' })]);
    const rejected = await call('POST', `/admin/items/${code}/versions/1/reject`, { as: 'center.admin', body: { reason: '缺少收费依据' }, headers: { 'if-match': submitted.etag } });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewReason: '缺少收费依据' });
    const publishRejected = await call('POST', `/admin/items/${code}/versions/1/publish`, { as: 'admin.amr', headers: { 'if-match': rejected.etag } });
    expect(publishRejected).toMatchObject({ status: 409, body: { type: typeOf('wrong-state') } });
    const resubmitted = await call('POST', `/admin/items/${code}/versions/1/submit`, { as: 'admin.amr', headers: { 'if-match': rejected.etag } });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.reviewReason).toBeUndefined();
    expect(resubmitted.body.reviewedBy).toBeUndefined();
  });

  it('retires an item: it leaves the public catalog, its versions stay', async () => {
    const { code, published } = await publishNew();
    const retired = await call('POST', `/admin/items/${code}/retire`, { as: 'admin.amr', headers: { 'if-match': published.etag } });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ code, version: 1, status: 'retired', retiredAt: expect.any(String) });
    expect((await call('GET', `/public/items/${code}`)).status).toBe(404);
    // The retire answer is the version as its GET shows it, with its ETag.
    expect(await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' })).toMatchObject({ body: retired.body, etag: retired.etag });
    // Its listing stays for the record, off the list index.
    const listing = (await listingOf(code)).Item;
    expect(listing).toMatchObject({ kind: 'itemListing', code, status: 'retired' });
    expect(listing?.GSI1PK).toBeUndefined();
    const revived = await call('POST', `/admin/items/${code}/versions`, { as: 'admin.amr', headers: { 'accept-language': 'en' } });
    expect(revived).toMatchObject({ status: 409, body: { type: typeOf('item-retired') } });
    expect(revived.body.detail).toContain('retired');
    const again = await call('POST', `/admin/items/${code}/retire`, { as: 'admin.amr', headers: { 'if-match': retired.etag } });
    expect(again).toMatchObject({ status: 409, body: { type: typeOf('item-not-published') } });
  });
});

describe('bad input: 400 problem+json, field by field, and nothing written', () => {
  const bad: [string, (code: string) => unknown, string[]][] = [
    ['an unknown field', (code) => ({ code, content: { ...amrContent, colour: 'red' } }), ['/body/content/colour']],
    ['a missing field', (code) => ({ code, content: { ...amrContent, name: undefined } }), ['/body/content/name']],
    ['a wrong enum value', (code) => ({ code, content: { ...amrContent, serviceMode: 'fast' } }), ['/body/content/serviceMode']],
    ['an oversize string', (code) => ({ code, content: { ...amrContent, name: '名'.repeat(201) } }), ['/body/content/name']],
    ['a bad code', () => ({ code: '../etc', content: amrContent }), ['/body/code']],
    ['a negative count', (code) => ({ code, content: { ...amrContent, materials: [{ ...amrContent.materials[0]!, count: -1 }] } }), ['/body/content/materials/0/count']],
  ];
  it.each(bad)('%s', async (_, body, paths) => {
    const code = freshCode('BAD');
    const res = await call('POST', '/admin/items', { as: 'admin.amr', body: body(code) });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe(problemType);
    expect(res.body).toMatchObject({ status: 400, type: typeOf('validation-failed'), traceId: expect.any(String) });
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
    expect((await itemPartition(code)).Items).toEqual([]);
  });

  // Well-formed content that breaks a rule across its fields: 422, field by field, and nothing written.
  const unfit: [string, (code: string) => unknown, string[]][] = [
    ['a promised limit above the statutory one', (code) => ({ code, content: { ...amrContent, timeLimits: { statutoryWorkingDays: 3, promisedWorkingDays: 9 } } }), ['/body/content/timeLimits/promisedWorkingDays']],
    ['intake fields that are no usable JSON Schema', (code) => ({ code, content: { ...amrContent, intakeFields: { type: 'object', properties: { companyName: { type: 'string', colour: 'red' } } } } }), ['/body/content/intakeFields']],
  ];
  it.each(unfit)('%s → 422 item-content-invalid', async (_, body, paths) => {
    const code = freshCode('BAD');
    const res = await call('POST', '/admin/items', { as: 'admin.amr', body: body(code) });
    expect(res).toMatchObject({ status: 422, body: { status: 422, type: typeOf('item-content-invalid'), traceId: expect.any(String) } });
    expect(res.headers.get('content-type')).toBe(problemType);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(paths));
    expect((await itemPartition(code)).Items).toEqual([]);
  });

  it('intake fields nested deeper than the edge allows → 400 malformed-request, never a 500', async () => {
    const code = freshCode('BAD');
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { x: deep } };
    const res = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: { ...amrContent, intakeFields: { type: 'object', properties: { nested: deep } } } } });
    expect(res).toMatchObject({ status: 400, body: { type: typeOf('malformed-request') } });
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'too_deep' })]));
    expect((await itemPartition(code)).Items).toEqual([]);
  });

  it('malformed JSON → 400, another media type → 415, an oversize body → 413', async () => {
    expect((await call('POST', '/admin/items', { as: 'admin.amr', rawBody: '{"code":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await call('POST', '/admin/items', { as: 'admin.amr', rawBody: 'code=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    const huge = await call('POST', '/admin/items', { as: 'admin.amr', body: { code: 'X-HUGE', content: { ...amrContent, faq: [{ question: 'q', answer: 'a'.repeat(300_000) }] } } });
    expect(huge.status).toBe(413);
  });

  it('an unknown action or a body where none belongs → 400, and the version is unchanged', async () => {
    const { code, etag } = await createDraft();
    const unknown = await call('POST', `/admin/items/${code}/versions/1/delete`, { as: 'admin.amr', headers: { 'if-match': etag } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/path/action', code: 'enum' })]);
    const withBody = await call('POST', `/admin/items/${code}/versions`, { as: 'admin.amr', body: { content: amrContent } });
    expect(withBody.status).toBe(400);
    expect((await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' })).etag).toBe(etag);
    expect((await itemPartition(code)).Items!.filter((i) => i.kind === 'event')).toHaveLength(1);
  });

  it('bad query parameters → 400 naming them', async () => {
    const res = await call('GET', '/public/items?limit=1000&colour=red');
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/query/colour', '/query/limit']);
    expect((await call('GET', '/public/items?nextToken=forged.token')).status).toBe(400);
    expect((await call('GET', '/public/items?nextToken=Zm9yZ2VkLXRva2VuLW9mLWFueS1zb3J0LWF0LWFsbA')).body.type).toBe(typeOf('invalid-cursor'));
    // A date range longer than the audit log allows is a rule of its own (well-formed, but too long).
    expect(await call('GET', '/audit/events?from=2026-01-01&to=2026-12-31', { as: 'auditor' })).toMatchObject({ status: 422, body: { type: typeOf('date-range-invalid') } });
  });
});

describe('access control', () => {
  it('401 without a token on every non-public route', async () => {
    for (const [method, path] of [['GET', '/admin/items'], ['POST', '/admin/items'], ['GET', '/admin/items/X-1/versions/1'], ['GET', '/audit/events?from=2026-11-01&to=2026-11-02']]) {
      expect((await call(method!, path!)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('403 for a clerk, an approver, an applicant and an auditor on admin routes', async () => {
    const { code, etag } = await createDraft();
    for (const who of ['clerk.amr', 'approver.amr', 'zhang.san', 'auditor', 'supervisor']) {
      expect((await call('POST', '/admin/items', { as: who, body: { code: freshCode(), content: amrContent } })).status, who).toBe(403);
      expect((await call('GET', '/admin/items', { as: who })).status, who).toBe(403);
      expect((await call('POST', `/admin/items/${code}/versions/1/submit`, { as: who, headers: { 'if-match': etag } })).status, who).toBe(403);
    }
  });

  it('403 for another department\'s admin, and nothing changes', async () => {
    const { code, etag } = await createDraft();
    expect((await call('POST', '/admin/items', { as: 'admin.housing', body: { code: freshCode(), content: amrContent } })).status).toBe(403);
    expect((await call('PUT', `/admin/items/${code}/versions/1`, { as: 'admin.housing', body: { content: amrContent }, headers: { 'if-match': etag } })).status).toBe(403);
    expect((await call('POST', `/admin/items/${code}/versions/1/submit`, { as: 'admin.housing', headers: { 'if-match': etag } })).status).toBe(403);
    expect((await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.housing' })).status).toBe(403);
    expect((await call('GET', '/admin/items?departmentId=amr', { as: 'admin.housing' })).status).toBe(403);
    const ownList = await call('GET', '/admin/items?limit=100', { as: 'admin.housing' });
    expect(ownList.status).toBe(200);
    expect(ownList.body.items.every((i: { departmentId: string }) => i.departmentId === 'housing')).toBe(true);
    const read = await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' });
    expect(read).toMatchObject({ etag, body: { status: 'draft' } });
  });

  it('never crosses centers: another center\'s admin sees nothing of this one', async () => {
    const { code } = await publishNew();
    expect((await call('GET', `/admin/items/${code}/versions/1`, { as: 'center.admin.other' })).status).toBe(404);
    // Other tests create items in center-other too: this center's item must not be among them.
    const otherCenters = await call('GET', '/admin/items?limit=100', { as: 'center.admin.other' });
    expect(otherCenters.status).toBe(200);
    expect(otherCenters.body.items.map((i: { code: string }) => i.code)).not.toContain(code);
    expect((await call('GET', '/public/items?centerId=center-other')).body.items).toEqual([]);
    expect((await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}`, { as: 'auditor' })).status).toBe(200);
  });

  it('only auditors read the audit log', async () => {
    for (const who of ['center.admin', 'admin.amr', 'supervisor', 'clerk.amr']) {
      expect((await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}`, { as: who })).status, who).toBe(403);
    }
  });
});

describe('optimistic concurrency', () => {
  it('two concurrent updates with the same ETag: exactly one succeeds, the other gets 412', async () => {
    const { code, etag } = await createDraft();
    const [a, b] = await Promise.all(
      ['甲', '乙'].map((tag) =>
        call('PUT', `/admin/items/${code}/versions/1`, { as: 'admin.amr', body: { content: { ...amrContent, name: `${amrContent.name}${tag}` } }, headers: { 'if-match': etag } }),
      ),
    );
    expect([a!.status, b!.status].sort()).toEqual([200, 412]);
    const winner = a!.status === 200 ? a! : b!;
    const stored = await call('GET', `/admin/items/${code}/versions/1`, { as: 'admin.amr' });
    expect(stored.body.content.name).toBe(winner.body.content.name);
    expect(stored.etag).toBe(winner.etag);
    const events = (await itemPartition(code)).Items!.filter((i) => i.kind === 'event').map((i) => i.detailType);
    expect(events.sort()).toEqual(['ItemDraftCreated', 'ItemDraftUpdated']);
  });

  it('a change without If-Match → 428; with a stale one → 412', async () => {
    const { code, etag } = await createDraft();
    expect((await call('PUT', `/admin/items/${code}/versions/1`, { as: 'admin.amr', body: { content: amrContent } })).status).toBe(428);
    const fresh = await call('PUT', `/admin/items/${code}/versions/1`, { as: 'admin.amr', body: { content: amrContent }, headers: { 'if-match': etag } });
    expect(fresh.status).toBe(200);
    expect((await call('POST', `/admin/items/${code}/versions/1/submit`, { as: 'admin.amr', headers: { 'if-match': etag } })).status).toBe(412);
  });

  it('creating an existing code → 409', async () => {
    const { code } = await createDraft();
    const again = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: amrContent } });
    expect(again).toMatchObject({ status: 409, body: { type: typeOf('already-exists') } });
  });
});

describe('Idempotency-Key', () => {
  it('a repeated create answers the first response; the change and its event happen once', async () => {
    const code = freshCode('IDEM');
    const key = `create-${code}`;
    const first = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: amrContent }, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const repeat = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: amrContent }, headers: { 'idempotency-key': key } });
    expect(repeat).toMatchObject({ status: 201, body: first.body, etag: first.etag });
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.headers.get('location')).toBe(first.headers.get('location'));
    const other = await call('POST', '/admin/items', { as: 'admin.amr', body: { code: freshCode('IDEM'), content: amrContent }, headers: { 'idempotency-key': key } });
    expect(other).toMatchObject({ status: 422, body: { type: typeOf('idempotency-key-reused') } });
    expect((await itemPartition(code)).Items!.filter((i) => i.kind === 'event')).toHaveLength(1);
  });

  it('a repeated action answers the recorded version, not 412', async () => {
    const { code, etag } = await createDraft();
    const key = `submit-${code}`;
    const submit = () => call('POST', `/admin/items/${code}/versions/1/submit`, { as: 'admin.amr', headers: { 'if-match': etag, 'idempotency-key': key } });
    const first = await submit();
    expect(first.status).toBe(200);
    const repeat = await submit();
    expect(repeat).toMatchObject({ status: 200, body: first.body, etag: first.etag });
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect((await itemPartition(code)).Items!.filter((i) => i.kind === 'event').map((i) => i.detailType).sort()).toEqual(['ItemDraftCreated', 'ItemSubmitted']);
  });
});

describe('the public catalog', () => {
  it('lists the seeded items, filters by department and service mode', async () => {
    const all = await call('GET', '/public/items?limit=100');
    expect(all.status).toBe(200);
    const seededCodes = demoItems.map((i) => i.code);
    expect(all.body.items.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(seededCodes));

    const health = await call('GET', '/public/items?departmentId=health&limit=100');
    expect(health.body.items.length).toBe(demoItems.filter((i) => i.content.departmentId === 'health').length);
    expect(new Set(health.body.items.map((i: { departmentId: string }) => i.departmentId))).toEqual(new Set(['health']));

    const immediate = await call('GET', '/public/items?serviceMode=immediate&limit=100');
    expect(immediate.body.items.length).toBeGreaterThan(0);
    expect(immediate.body.items.every((i: { serviceMode: string }) => i.serviceMode === 'immediate')).toBe(true);
  });

  it('finds items by keyword in the name, the code or the department\'s name, width- and case-insensitive, paged', async () => {
    // A token of this test's own in the names, so that other files' items never match; published before any search,
    // since a warm function keeps the whole list a while (list-cache.ts).
    const token = `检索${Date.now().toString(36).toUpperCase()}`;
    const codes = [];
    for (const n of ['甲', '乙', '丙']) codes.push((await publishNew(freshCode(), { ...amrContent, name: `${token}登记${n}` })).code);
    const search = (q: string, more = '') => call('GET', `/public/items?q=${encodeURIComponent(q)}${more}`);
    const found = await search(token, '&limit=100');
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { code: string }) => i.code).sort()).toEqual([...codes].sort());
    // Full-width letters and digits, lower case, and a second term that only the department's name holds.
    const wide = token.replace(/[0-9A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).toLowerCase();
    expect((await search(`${wide}　市场监督`, '&limit=100')).body.items.map((i: { code: string }) => i.code).sort()).toEqual([...codes].sort());
    expect((await search(`${token} 卫生健康`)).body.items).toEqual([]);
    expect((await search(codes[1]!.toLowerCase())).body.items.map((i: { code: string }) => i.code)).toEqual([codes[1]]);
    const byDepartment = await search('卫生健康局', '&limit=100');
    expect(byDepartment.body.items.length).toBe(demoItems.filter((i) => i.content.departmentId === 'health').length);
    // Paged one at a time: each once, then no token; a token is bound to its keywords.
    const paged: string[] = [];
    let next: string | undefined;
    do {
      const res = await search(token, `&limit=1${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...res.body.items.map((i: { code: string }) => i.code));
      next = res.body.nextToken;
    } while (next && paged.length < 10);
    expect(paged.sort()).toEqual([...codes].sort());
    const first = await search(token, '&limit=1');
    expect((await search('登记', `&limit=1&nextToken=${encodeURIComponent(first.body.nextToken)}`)).body.type).toBe(typeOf('invalid-cursor'));
    const blank = await call('GET', `/public/items?q=${encodeURIComponent('  ')}`);
    expect(blank).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ path: '/query/q' })] } });
  });

  it('pages with a signed nextToken: every item once, none twice', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await call('GET', `/public/items?departmentId=amr&limit=2${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { code: string }) => i.code));
      next = res.body.nextToken;
      pages++;
    } while (next && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(demoItems.filter((i) => i.content.departmentId === 'amr').map((i) => i.code)));
    expect(pages).toBeGreaterThan(2);
    const first = await call('GET', '/public/items?departmentId=amr&limit=2');
    const token = encodeURIComponent(first.body.nextToken);
    expect((await call('GET', `/public/items?departmentId=health&limit=2&nextToken=${token}`)).status).toBe(400);
    // A token pages its own list only: not another center's, not the administrators' list with the same filters.
    expect((await call('GET', `/public/items?centerId=center-other&departmentId=amr&limit=2&nextToken=${token}`)).body.type).toBe(typeOf('invalid-cursor'));
    expect((await call('GET', `/admin/items?departmentId=amr&limit=2&nextToken=${token}`, { as: 'admin.amr' })).body.type).toBe(typeOf('invalid-cursor'));
    const adminFirst = await call('GET', '/admin/items?departmentId=amr&limit=2', { as: 'admin.amr' });
    expect(adminFirst.body.nextToken).toBeDefined();
    expect((await call('GET', `/public/items?departmentId=amr&limit=2&nextToken=${encodeURIComponent(adminFirst.body.nextToken)}`)).body.type).toBe(typeOf('invalid-cursor'));
  });

  it('reads list-sized listings, not whole guides: each published item\'s listing is its summary, on the list index in its head\'s stead', async () => {
    const { code } = await publishNew();
    const listing = (await listingOf(code)).Item!;
    const { PK: _pk, SK: _sk, kind, GSI1PK, GSI1SK, ...summary } = listing;
    expect([kind, GSI1PK, GSI1SK]).toEqual(['itemListing', 'CENTER#center-demo#PUBLISHED', `amr#${code}`]);
    expect(summary).toEqual({
      code, version: 1, name: amrContent.name, variant: amrContent.variant, departmentId: 'amr', serviceMode: amrContent.serviceMode, status: 'published',
      promisedWorkingDays: amrContent.timeLimits.promisedWorkingDays, statutoryWorkingDays: amrContent.timeLimits.statutoryWorkingDays,
    });
    expect((await headOf(code)).Item?.GSI1PK).toBeUndefined();

    // What the list Query reads for the seeded center, against what it read when the heads (whole guides) were on the index.
    const seeded = new Set(demoItems.map((i) => i.code));
    const out = await doc.send(new QueryCommand({
      TableName: cloud.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': 'CENTER#center-demo#PUBLISHED' },
      ReturnConsumedCapacity: 'TOTAL',
    }));
    const items = out.Items!;
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['itemListing']));
    const bytes = (list: readonly Record<string, unknown>[]) => list.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)), 0);
    const listings = items.filter((i) => seeded.has(i.code as string));
    expect(listings).toHaveLength(seeded.size);
    const heads = await Promise.all([...seeded].map(async (c) => (await headOf(c)).Item!));
    const [listed, whole] = [bytes(listings), bytes(heads)];
    console.log(`public list of the ${seeded.size} seeded items: listings ${(listed / 1024).toFixed(1)} KB (${out.ConsumedCapacity?.CapacityUnits ?? '?'} RCU for all ${items.length} listed) vs heads ${(whole / 1024).toFixed(1)} KB; the answer ${(bytes((await call('GET', '/public/items?limit=100')).body.items) / 1024).toFixed(1)} KB`);
    expect(listed / listings.length).toBeLessThan(512);
    expect(listed).toBeLessThan(whole / 10);
  });

  it('shows a guide with every element; drafts are not public', async () => {
    const seeded = demoItems[0]!;
    const guide = await call('GET', `/public/items/${seeded.code}`);
    expect(guide.body.content).toEqual(seeded.content);
    const { code } = await createDraft();
    expect((await call('GET', `/public/items/${code}`)).status).toBe(404);
    expect((await call('GET', `/public/items/${code}?version=1`)).status).toBe(404);
  });
});
