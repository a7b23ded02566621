/**
 * Applicants over HTTP: registration of citizens and enterprises through a
 * verified identity (the same answer whether or not the number is
 * registered, tickets refused, a squatted number reclaimed), the applicant's own profile, staff reads with personal data
 * masked unless a clerk or approver reveals it, and agents (代办人).
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { applicantEventSchemas, type ApplicantEventType } from '#schemas/events/applicants';
import { validationErrors } from '#shared/validate';
import { api, call, cloud, doc, freshCreditCode, freshIdNumber, registerApplicant, until, verificationTicket, type Reply, type TestIdentity } from './api-client.ts';
import { enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';

let serial = 0;
const unique = () => `${Date.now().toString(36)}${(serial++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

const citizen = () => {
  const u = `cz.${unique()}`;
  return { kind: 'citizen', username: u, name: '王五', email: `${u}@example.com`, phone: '13812345678', idNumber: freshIdNumber() };
};
const enterprise = () => {
  const u = `ent.${unique()}`;
  return { kind: 'enterprise', username: u, name: '示范科技有限公司', email: `${u}@example.com`, phone: '0731-88886666', creditCode: freshCreditCode(), legalRepresentative: '赵六' };
};

type Person = ReturnType<typeof citizen> | ReturnType<typeof enterprise>;

/** Registered through the identity simulator: the profile as the new applicant reads it. */
async function register(body: Person) {
  const res = await registerApplicant(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** The registration as a client sends it, with a ticket verifying `identity` (by default the person's own). */
const registration = async (body: Person, identity: Partial<TestIdentity> = {}, ttlSeconds?: number) => ({
  username: body.username, email: body.email, phone: body.phone,
  verificationTicket: await verificationTicket({ ...body, ...identity }, ttlSeconds),
});

async function mint(username: string) {
  const res = await fetch(`${api}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  return { status: res.status, token: res.status === 200 ? ((await res.json()) as { token: string }).token : undefined };
}

/** A call with a freshly minted token (api-client caches tokens by username, which suits seeded users). */
async function as(username: string, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const { token } = await mint(username);
  if (!token) throw new Error(`no token for ${username}`);
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') ?? '' };
}

const problem = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

const centerItem = (sk: string) => doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: 'CENTER#center-demo', SK: sk } }));

/** The audit log's record of a subject with this action, once the audit consumer has it. */
const auditRecord = (applicantId: string, action: string) =>
  until(`the ${action} record of ${applicantId}`, async () => {
    const res = await call('GET', `/audit/events?subjectType=applicant&subjectId=${applicantId}&limit=100`, { as: 'auditor' });
    return (res.body.items as { action: string }[] | undefined)?.find((r) => r.action === action) as Record<string, any> | undefined;
  });

describe('applicant registration', () => {
  it('registers a citizen with the verified name and number: full data to themselves, an event without the ID number or phone', async () => {
    const body = citizen();
    const res = await register(body);
    expect(res.body).toMatchObject({
      applicantId: expect.stringMatching(/^[0-9A-Z]{26}$/), kind: 'citizen', username: body.username, name: body.name, idNumber: body.idNumber, phone: body.phone,
      verification: { provider: 'simulator', level: 'real-person', verifiedAt: res.body.registeredAt },
    });
    expect(res.body.sub).toBeUndefined();
    expect(res.etag).toBe('"1"');

    // The uniqueness item's key is a hash, never the number itself.
    const items = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'CENTER#center-demo' } }));
    const keys = (items.Items ?? []).map((i) => i.SK as string);
    expect(keys.some((k) => k.includes(body.idNumber))).toBe(false);
    const events = (items.Items ?? []).filter((i) => i.kind === 'event' && i.detailType === 'ApplicantRegistered' && JSON.parse(i.detail).subject.id === res.body.applicantId);
    expect(events).toHaveLength(1);
    const detail = JSON.parse(events[0]!.detail);
    expect(validationErrors(applicantEventSchemas[events[0]!.detailType as ApplicantEventType], detail)).toEqual([]);
    expect(events[0]!.detail).not.toContain(body.idNumber);
    expect(events[0]!.detail).not.toContain(body.phone);
    expect(detail.data).toMatchObject({ idNumber: '110105********' + body.idNumber.slice(-4), phone: '138****5678', verification: { provider: 'simulator', level: 'real-person' } });
  });

  it('registers an enterprise with its verified credit code and legal representative', async () => {
    const body = enterprise();
    const res = await register(body);
    expect(res.body).toMatchObject({ kind: 'enterprise', creditCode: body.creditCode, legalRepresentative: '赵六' });
    expect(res.body.idNumber).toBeUndefined();
  });

  it('takes no name or number from the request: only the provider\'s', async () => {
    const body = citizen();
    const typed = await call('POST', '/public/applicants', { body: { ...(await registration(body)), name: '冒名', idNumber: body.idNumber } });
    expect(typed.status).toBe(400);
    const noTicket = await call('POST', '/public/applicants', { body: { username: body.username, email: body.email, phone: body.phone } });
    expect([noTicket.status, noTicket.body.errors]).toEqual([400, [expect.objectContaining({ path: '/body/verificationTicket' })]]);
  });

  it('answers alike whether or not the number is registered; a verified repeat changes nothing and is recorded', async () => {
    const first = citizen();
    const { body: holder } = await register(first);
    const again = { ...citizen(), idNumber: first.idNumber, name: first.name };
    const fresh = citizen();
    const [repeat, newcomer] = await Promise.all([
      call('POST', '/public/applicants', { body: await registration(again) }),
      call('POST', '/public/applicants', { body: await registration(fresh) }),
    ]);
    const shape = (r: Reply) => ({ status: r.status, body: { ...r.body, username: '*' }, headers: [...r.headers.keys()].filter((h) => !['date', 'apigw-requestid', 'content-length'].includes(h)).sort() });
    expect(shape(repeat)).toEqual(shape(newcomer));
    expect(repeat).toMatchObject({ status: 202, body: { username: again.username, status: 'received' }, etag: '' });
    // The repeat made no account and no profile; the holder is as it was.
    expect((await mint(again.username)).status).not.toBe(200);
    expect((await centerItem(`APPUSER#${again.username}`)).Item).toBeUndefined();
    expect((await mint(fresh.username)).status).toBe(200);
    expect((await call('GET', `/applicants/${holder.applicantId}`, { as: 'center.admin' })).body).toMatchObject({ username: first.username, status: 'active' });
    const record = await auditRecord(holder.applicantId, 'ApplicantRegistrationRepeated');
    expect(record).toMatchObject({ data: { applicantId: holder.applicantId, provider: 'simulator' } });
  });

  it('refuses a ticket the provider does not vouch for, with one problem type and a code, and writes nothing', async () => {
    const body = citizen();
    const used = await registration(body);
    expect((await call('POST', '/public/applicants', { body: used })).status).toBe(202);
    const attempts = {
      unknown: { ...(await registration(citizen())), verificationTicket: 'sim-no-such-ticket' },
      used: { ...used, username: `${body.username}.b`, email: `b.${body.email}` },
      expired: await registration(citizen(), {}, 0),
      insufficient_level: await registration(citizen(), { level: 'real-name' }),
    };
    for (const [code, attempt] of Object.entries(attempts)) {
      const res = await call('POST', '/public/applicants', { body: attempt });
      expect([res.status, res.body.type, res.body.errors], code).toEqual([422, problem('identity-verification-refused'), [expect.objectContaining({ path: '/body/verificationTicket', code })]]);
      expect((await centerItem(`APPUSER#${attempt.username}`)).Item, code).toBeUndefined();
      expect((await mint(attempt.username)).status, code).not.toBe(200);
    }
  });

  it('lets the verified holder reclaim a number a never-verified profile took: that profile loses it and is disabled, audited', async () => {
    const real = citizen();
    // A squatter's profile from before registration needed verification: its number item and profile carry none.
    const squatter = { ...citizen(), idNumber: real.idNumber, name: real.name };
    const { body: taken } = await register(squatter);
    const sub = (await centerItem(`APPLICANT#${taken.applicantId}`)).Item!.sub as string;
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: { PK: 'CENTER#center-demo', SK: `APPSUB#${sub}` }, UpdateExpression: 'REMOVE verification' }));
    const numberKey = (await doc.send(new QueryCommand({
      TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)', FilterExpression: 'applicantId = :a',
      ExpressionAttributeValues: { ':pk': 'CENTER#center-demo', ':s': 'IDNO#', ':a': taken.applicantId },
    }))).Items![0]!.SK as string;
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: { PK: 'CENTER#center-demo', SK: numberKey }, UpdateExpression: 'REMOVE verifiedAt, provider' }));

    const { body: owner } = await register(real);
    expect(owner.idNumber).toBe(real.idNumber);
    const old = await call('GET', `/applicants/${taken.applicantId}?reveal=true`, { as: 'clerk.amr' });
    expect(old.body).toMatchObject({ status: 'disabled', username: squatter.username, identityReleasedAt: owner.registeredAt });
    expect(old.body.idNumber).toBeUndefined();
    expect((await mint(squatter.username)).status).toBe(403);
    const found = await call('POST', '/applicants/lookup', { as: 'clerk.amr', body: { idNumber: real.idNumber } });
    expect(found.body.applicantId).toBe(owner.applicantId);
    const record = await auditRecord(taken.applicantId, 'ApplicantIdentityReclaimed');
    expect(record).toMatchObject({ data: { applicantId: taken.applicantId, reclaimedBy: owner.applicantId, kind: 'citizen', provider: 'simulator', status: 'disabled' } });
    expect(JSON.stringify(record)).not.toContain(real.idNumber);
  });

  it('refuses a taken username with 409 and writes nothing', async () => {
    const first = citizen();
    await register(first);
    const sameName = await call('POST', '/public/applicants', { body: { ...(await registration(citizen())), username: first.username } });
    expect([sameName.status, sameName.body.type]).toEqual([409, problem('already-exists')]);
  });

  it('never takes over a staff account\'s username', async () => {
    const res = await call('POST', '/public/applicants', { body: { ...(await registration(citizen())), username: 'clerk.amr' } });
    expect(res.status).toBe(409);
    expect((await call('GET', '/org/departments', { as: 'clerk.amr' })).status).toBe(200);
  });

  it('refuses an unknown center', async () => {
    const res = await call('POST', '/public/applicants', { body: { ...(await registration(citizen())), centerId: 'no-such-center' } });
    expect([res.status, res.body.type]).toEqual([422, problem('center-not-found')]);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body/centerId', code: 'unknown_center' })]);
  });
});

describe('the applicant\'s own profile', () => {
  it('changes name, email and phone with If-Match; the ID number stays', async () => {
    const body = citizen();
    const reg = await register(body);
    expect((await as(body.username, 'PUT', '/applicants/me', { body: { name: '王五五', email: body.email, phone: '13900001111' } })).status).toBe(428);
    expect((await as(body.username, 'PUT', '/applicants/me', { body: { name: '王五五', email: body.email, phone: '13900001111' }, headers: { 'if-match': '"9"' } })).status).toBe(412);
    expect((await as(body.username, 'PUT', '/applicants/me', { body: { name: '王五五', email: body.email, phone: '1', idNumber: body.idNumber }, headers: { 'if-match': reg.etag } })).status).toBe(400);
    const changed = await as(body.username, 'PUT', '/applicants/me', { body: { name: '王五五', email: body.email, phone: '13900001111' }, headers: { 'if-match': reg.etag } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.etag).toBe('"2"');
    expect(changed.body).toMatchObject({ name: '王五五', phone: '13900001111', idNumber: body.idNumber });
    expect((await as(body.username, 'GET', '/applicants/me')).body.name).toBe('王五五');
  });

  it('answers a repeated Idempotency-Key with the first outcome, and refuses the key with another body', async () => {
    const body = citizen();
    const reg = await register(body);
    const key = `profile-${unique()}`;
    const change = { name: '王六', email: body.email, phone: '13900002222' };
    const first = await as(body.username, 'PUT', '/applicants/me', { body: change, headers: { 'if-match': reg.etag, 'idempotency-key': key } });
    expect([first.status, first.etag]).toEqual([200, '"2"']);
    // The retry names the version it read before the change: answered from the record, not refused with 412.
    const again = await as(body.username, 'PUT', '/applicants/me', { body: change, headers: { 'if-match': reg.etag, 'idempotency-key': key } });
    expect([again.status, again.etag, again.body]).toEqual([200, '"2"', first.body]);
    const other = await as(body.username, 'PUT', '/applicants/me', { body: { ...change, name: '王七' }, headers: { 'if-match': first.etag, 'idempotency-key': key } });
    expect([other.status, other.body.type]).toEqual([422, problem('idempotency-key-reused')]);
    expect((await as(body.username, 'GET', '/applicants/me')).body.name).toBe('王六');
  });

  it('is for applicants only: staff get 403', async () => {
    expect((await call('GET', '/applicants/me', { as: 'clerk.amr' })).status).toBe(403);
  });
});

describe('staff reads', () => {
  it('masks personal data; a clerk reveals it; a supervisor may not; another center does not find it', async () => {
    const body = citizen();
    const { body: applicant } = await register(body);
    const path = `/applicants/${applicant.applicantId}`;

    const maskedView = await call('GET', path, { as: 'clerk.amr' });
    expect(maskedView.status).toBe(200);
    expect(maskedView.body).toMatchObject({ masked: true, status: 'active', name: '王五', phone: '138****5678', idNumber: `110105********${body.idNumber.slice(-4)}` });
    expect(maskedView.etag).toBe('"1"');
    expect(JSON.stringify(maskedView.body)).not.toContain(body.idNumber);
    expect(JSON.stringify(maskedView.body)).not.toContain(body.email);

    const revealed = await call('GET', `${path}?reveal=true`, { as: 'clerk.amr' });
    expect(revealed.status).toBe(200);
    expect(revealed.body).toMatchObject({ masked: false, idNumber: body.idNumber, phone: body.phone, email: body.email });
    expect((await call('GET', `${path}?reveal=true`, { as: 'approver.amr' })).body.masked).toBe(false);

    expect((await call('GET', path, { as: 'supervisor' })).body.masked).toBe(true);
    expect((await call('GET', `${path}?reveal=true`, { as: 'supervisor' })).status).toBe(403);
    expect((await call('GET', `${path}?reveal=true`, { as: 'center.admin' })).status).toBe(403);
    expect((await call('GET', path, { as: 'auditor' })).status).toBe(403);
    expect((await call('GET', path, { as: 'zhang.san' })).status).toBe(403);
    expect((await call('GET', path, { as: 'center.admin.other' })).status).toBe(404);
  });

  it('keeps an enterprise\'s credit code (public) but masks its phone', async () => {
    const body = enterprise();
    const { body: applicant } = await register(body);
    const view = await call('GET', `/applicants/${applicant.applicantId}`, { as: 'center.admin' });
    expect(view.body).toMatchObject({ masked: true, creditCode: body.creditCode, phone: '0731-****6666' });
  });
});

describe('agents (代办人)', () => {
  it('authorizes another applicant, lists them masked, revokes; the events carry no personal data', async () => {
    const principal = citizen();
    const agentBody = citizen();
    const { body: p } = await register(principal);
    const { body: agent } = await register(agentBody);

    const granted = await as(principal.username, 'POST', '/applicants/me/agents', {
      body: { agentApplicantId: agent.applicantId, scope: 'items', itemCodes: ['370982-AMR-XK-001'], validUntil: '2099-12-31' },
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body).toMatchObject({ agentApplicantId: agent.applicantId, agentName: '王五', status: 'active', scope: 'items' });
    expect(granted.etag).toBe('"1"');

    const listed = await as(principal.username, 'GET', '/applicants/me/agents');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0].agentIdNumber).toBe(`110105********${agentBody.idNumber.slice(-4)}`);
    expect(JSON.stringify(listed.body)).not.toContain(agentBody.idNumber);
    expect(JSON.stringify(listed.body)).not.toContain(agentBody.phone);

    const revoked = await as(principal.username, 'POST', `/applicants/me/agents/${agent.applicantId}/revoke`);
    expect(revoked.status).toBe(200);
    // An action answers with the resource itself and its ETag.
    expect(revoked.body).toEqual({ ...granted.body, status: 'revoked', revokedAt: expect.any(String) });
    expect(revoked.etag).toBe('"2"');
    const twice = await as(principal.username, 'POST', `/applicants/me/agents/${agent.applicantId}/revoke`);
    expect([twice.body.revokedAt, twice.etag]).toEqual([revoked.body.revokedAt, '"2"']);
    expect((await as(principal.username, 'GET', '/applicants/me/agents')).body.items[0].status).toBe('revoked');
    expect((await as(agentBody.username, 'GET', '/applicants/me/agents')).body.items).toEqual([]);

    const records = await until('AgentRevoked record', async () => {
      const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)', ExpressionAttributeValues: { ':pk': 'CENTER#center-demo', ':e': 'EVENT#' } }));
      const mine = (out.Items ?? []).filter((i) => JSON.parse(i.detail).subject.id === p.applicantId);
      return mine.some((i) => i.detailType === 'AgentRevoked') ? mine : undefined;
    });
    for (const r of records) {
      expect(validationErrors(applicantEventSchemas[r.detailType as ApplicantEventType], JSON.parse(r.detail)), r.detailType).toEqual([]);
      expect(r.detail).not.toContain(principal.idNumber);
      expect(r.detail).not.toContain(agentBody.idNumber);
    }
  });

  it('refuses an unknown agent (404), oneself (422), and revoking someone never authorized (404)', async () => {
    const principal = citizen();
    const { body: p } = await register(principal);
    const unknown = await as(principal.username, 'POST', '/applicants/me/agents', { body: { agentApplicantId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', scope: 'all', validUntil: '2099-12-31' } });
    expect(unknown.status).toBe(404);
    const self = await as(principal.username, 'POST', '/applicants/me/agents', { body: { agentApplicantId: p.applicantId, scope: 'all', validUntil: '2099-12-31' } });
    expect([self.status, self.body.type]).toEqual([422, problem('agent-authorization-invalid')]);
    expect(self.body.errors).toEqual([expect.objectContaining({ path: '/body/agentApplicantId', code: 'self' })]);
    expect((await as(principal.username, 'POST', '/applicants/me/agents/01ARZ3NDEKTSV4RRFFQ69G5FAV/revoke')).status).toBe(404);
  });
});

describe('applicant accounts', () => {
  it('a center admin disables an applicant: the token is refused at once; enabling restores it', async () => {
    const body = citizen();
    const registered = await register(body);
    const id = registered.body.applicantId as string;
    const { token } = await mint(body.username);
    const meWith = (t: string) => fetch(`${api}/applicants/me`, { headers: { authorization: `Bearer ${t}` } });
    expect((await meWith(token!)).status).toBe(200);

    expect((await call('POST', `/admin/applicants/${id}/disable`, { as: 'clerk.amr' })).status).toBe(403);
    expect((await call('POST', `/admin/applicants/${id}/disable`, { as: 'center.admin.other' })).status).toBe(404);
    const key = `disable-${unique()}`;
    const disabled = await call('POST', `/admin/applicants/${id}/disable`, { as: 'center.admin', headers: { 'idempotency-key': key } });
    // The action answers with the applicant as staff read it (masked), and its ETag.
    expect(disabled).toMatchObject({ status: 200, etag: '"2"', body: { applicantId: id, status: 'disabled', masked: true, phone: '138****5678' } });
    expect((await call('GET', `/applicants/${id}`, { as: 'center.admin' })).body).toEqual(disabled.body);
    expect((await meWith(token!)).status).toBe(401);
    expect((await mint(body.username)).status).toBe(403);
    const repeated = await call('POST', `/admin/applicants/${id}/disable`, { as: 'center.admin', headers: { 'idempotency-key': key } });
    expect([repeated.status, repeated.etag, repeated.headers.get('idempotent-replayed'), repeated.body]).toEqual([200, '"2"', 'true', disabled.body]);

    const enabled = await call('POST', `/admin/applicants/${id}/enable`, { as: 'center.admin' });
    expect([enabled.body.status, enabled.etag]).toEqual(['active', '"3"']);
    const again = await mint(body.username);
    expect((await meWith(again.token!)).status).toBe(200);
  });
});

describe('bad credit (失信) and 容缺受理', () => {
  /** The demo item that offers 容缺受理 (企业设立登记, amr, serves natural persons too), its pledgeable material left out. */
  const pledged = 'premises';
  const pledge = () => ({ missing: [{ materialId: pledged, detail: '住所使用证明1个工作日内补交' }], consent: { channel: 'window', at: new Date().toISOString() } });

  it('a center admin flags an applicant: 容缺 acceptance refused with credit-excluded and nothing written; lifted, it is accepted; the audit log holds both decisions', async () => {
    const body = citizen();
    const { body: applicant, etag: registeredTag } = await register(body);
    const id = applicant.applicantId as string;
    const filed = await call('POST', '/cases', {
      as: body.username,
      body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code, [pledged]) },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    const credit = (excluded: boolean, etag: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      call('PUT', `/admin/applicants/${id}/credit`, { as: 'center.admin', body: { excluded, reason: excluded ? '列入失信被执行人名单' : '已履行义务，信用修复', ...extra }, headers: { 'if-match': etag, ...headers } });

    const key = { 'idempotency-key': `credit-${unique()}` };
    const flagged = await credit(true, registeredTag, { basis: '（2026）鲁0982执123号' }, key);
    expect(flagged.status, JSON.stringify(flagged.body)).toBe(200);
    expect(flagged.etag).toBe('"2"');
    expect(flagged.body).toMatchObject({ applicantId: id, masked: true, credit: { excluded: true, reason: '列入失信被执行人名单', basis: '（2026）鲁0982执123号', by: expect.any(String), at: expect.any(String) } });
    // A retry with the same Idempotency-Key (and the If-Match it first named) is answered from the record: no second decision.
    const retried = await credit(true, registeredTag, { basis: '（2026）鲁0982执123号' }, key);
    expect([retried.status, retried.etag, retried.headers.get('idempotent-replayed'), retried.body]).toEqual([200, '"2"', 'true', flagged.body]);
    // Staff views show the flag; the applicant's own profile does not carry staff's decision.
    expect((await call('GET', `/applicants/${id}`, { as: 'clerk.amr' })).body.credit).toEqual(flagged.body.credit);
    expect((await call('GET', '/applicants/me', { as: body.username })).body.credit).toBeUndefined();

    const before = await call('GET', `/cases/${caseNo}`, { as: 'clerk.amr' });
    const refused = await call('POST', `/cases/${caseNo}/acceptWithTolerance`, { as: 'clerk.amr', body: pledge(), headers: { 'if-match': before.etag } });
    expect([refused.status, refused.body.type]).toEqual([409, problem('credit-excluded')]);
    const unchanged = await call('GET', `/cases/${caseNo}`, { as: 'clerk.amr' });
    expect([unchanged.etag, unchanged.body.state, unchanged.body.version]).toEqual([before.etag, 'submitted', before.body.version]);

    const lifted = await credit(false, flagged.etag);
    expect([lifted.status, lifted.etag, lifted.body.credit?.excluded]).toEqual([200, '"3"', false]);
    const accepted = await call('POST', `/cases/${caseNo}/acceptWithTolerance`, { as: 'clerk.amr', body: pledge(), headers: { 'if-match': before.etag } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', tolerance: { missing: [expect.objectContaining({ materialId: pledged })] } });

    // Each decision is on record, by the center admin, naming ids only.
    const record = await auditRecord(id, 'ApplicantCreditFlagChanged');
    expect(record).toMatchObject({ source: 'onestop.applicants', actor: { role: 'center_admin' }, data: { applicantId: id } });
    const decisions = await until('both credit decisions in the audit log', async () => {
      const res = await call('GET', `/audit/events?subjectType=applicant&subjectId=${id}&limit=100`, { as: 'auditor' });
      const found = (res.body.items as { action: string; data: { excluded: boolean } }[]).filter((r) => r.action === 'ApplicantCreditFlagChanged');
      return found.length === 2 ? found : undefined;
    });
    expect(decisions.map((r) => r.data.excluded).sort()).toEqual([false, true]);
    expect(JSON.stringify(decisions)).not.toContain('失信被执行人');
    expect(JSON.stringify(decisions)).not.toContain(body.idNumber);
  });

  it('only a center admin decides: other roles 403, another center 404; a stale If-Match 412; bad bodies 400 field by field; nothing written', async () => {
    const body = citizen();
    const { body: applicant, etag } = await register(body);
    const path = `/admin/applicants/${applicant.applicantId}/credit`;
    const decision = { excluded: true, reason: '失信' };
    for (const as of ['clerk.amr', 'approver.amr', 'admin.amr', 'supervisor', 'auditor', 'zhang.san']) {
      expect((await call('PUT', path, { as, body: decision, headers: { 'if-match': etag } })).status, as).toBe(403);
    }
    expect((await call('PUT', path, { as: 'center.admin.other', body: decision, headers: { 'if-match': etag } })).status).toBe(404);
    expect((await call('PUT', path, { as: 'center.admin', body: decision, headers: { 'if-match': '"9"' } })).status).toBe(412);
    expect((await call('PUT', path, { as: 'center.admin', body: decision })).status).toBe(428);

    const bad = async (sent: unknown) => {
      const res = await call('PUT', path, { as: 'center.admin', body: sent, headers: { 'if-match': etag } });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return (res.body.errors as { path: string }[]).map((e) => e.path).sort();
    };
    expect(await bad({ excluded: true })).toEqual(['/body/reason']);
    expect(await bad({ excluded: 'yes', reason: '' })).toEqual(['/body/excluded', '/body/reason']);
    expect(await bad({ excluded: true, reason: 'x'.repeat(501), basis: '' })).toEqual(['/body/basis', '/body/reason']);
    expect(await bad({ excluded: true, reason: '失信', note: 'x' })).toEqual(['/body/note']);
    const after = await call('GET', `/applicants/${applicant.applicantId}`, { as: 'center.admin' });
    expect([after.etag, after.body.credit]).toEqual([etag, undefined]);
  });
});

describe('registration races', () => {
  // Which request's pool write lands last is up to the scheduler: six rounds leave a broken claim ~1/64 to go unseen.
  it.each([1, 2, 3, 4, 5, 6])('two simultaneous registrations of one username (round %i): one wins, the account keeps the winner\'s email', async () => {
    const a = citizen();
    const b = { ...citizen(), username: a.username, email: `other.${a.email}` };
    const [ra, rb] = await Promise.all([call('POST', '/public/applicants', { body: await registration(a) }), call('POST', '/public/applicants', { body: await registration(b) })]);
    expect([ra.status, rb.status].sort(), JSON.stringify([ra.body, rb.body])).toEqual([202, 409]);
    const winner = ra.status === 202 ? a : b;
    const { token } = await mint(a.username);
    const me = await fetch(`${api}/applicants/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(winner.email);
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString()) as { email?: string };
    expect(claims.email).toBe(winner.email);
  });
});
