/**
 * The audit log against the local cloud: a real case journey's records arrive
 * chained and answer queries by case, actor and type; a privileged read is
 * recorded; the export comes in NDJSON and CSV; a digest is sealed, signed,
 * written to the audit bucket and served; the verifier passes the export and
 * catches it edited. The consumer's discipline through the real stack (the
 * audit queue feeds it in batches; an invalid event ends in the queue's DLQ,
 * its reason logged; an injected failure is redelivered and applied once) and
 * in process (a duplicate has one effect, a failure half-applies nothing, a
 * chain's events are one head read and one transaction, concurrent batches
 * that lose a race fail fast and their redelivery completes one unbroken chain).
 */
import { execFile } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import type { AuditDigest, AuditRecord } from '#schemas/api/audit';
import { AuditRecordPage } from '#schemas/api/audit';
import { validationErrors } from '#shared/validate';
import { centerDay, recordHash } from '../../functions/audit/chain.ts';
import { SEAL_GRACE_MS } from '../../functions/audit/digest.ts';
import { csvColumns, parseCsv } from '../../functions/audit/export.ts';
import { recordOf } from '../../functions/audit/store.ts';
import { parseExport, verifyAudit } from '../../functions/audit/verify.ts';
import { AUDIT_MAX_RECEIVE_COUNT } from '../../infra/stacks/audit.ts';
import { api, call, centerToday, cloud, doc, freshIdNumber, registerApplicant, tokenOf, until } from './api-client.ts';
import { enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const auditBucket = Object.entries(cloud.buckets).find(([id]) => id.startsWith('AuditBucket'))![1];

// The consumer and the digest also run in this process, against the local cloud's emulators.
Object.assign(process.env, {
  TABLE_NAME: cloud.tableName,
  AUDIT_BUCKET: auditBucket,
  AUDIT_SIGNING_SECRET: 'integration-test-digest-key',
  AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
  AWS_ENDPOINT_URL_S3: cloud.endpoints.s3,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

type Consumer = (event: SQSEvent) => Promise<SQSBatchResponse>;
let consumeBatch: Consumer;
/** The SQS event of a batch: each bus event a message (its id the event's), received `receiveCount` times. */
const sqsEvent = (events: readonly EventBridgeEvent<string, unknown>[], receiveCount = 1): SQSEvent => ({
  Records: events.map((e, i) => ({
    messageId: `msg-${i}-${e.id}`, receiptHandle: `rh-${i}`, body: JSON.stringify(e),
    attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: String(Date.now()), SenderId: '000000000000', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:AuditQueue', awsRegion: 'us-east-1',
  })),
});
/** Consumes a batch; the bus events whose messages failed. */
const consume = async <E extends EventBridgeEvent<string, unknown>>(...events: E[]): Promise<E[]> => {
  const failed = new Set((await consumeBatch(sqsEvent(events))).batchItemFailures.map((f) => f.itemIdentifier));
  return events.filter((e, i) => failed.has(`msg-${i}-${e.id}`));
};
let digest: (event: unknown) => Promise<{ sealed: { centerId: string; date: string; sha256: string; chains: number; records: number }[] }>;
const requests: string[] = [];
/** Fails the next matching command: before it is sent (nothing applied) or after (applied, answer lost). */
let fault: { command: string; phase: 'before' | 'after' } | undefined;

beforeAll(async () => {
  const { db } = await import('#shared/db');
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      requests.push(name);
      const f = fault?.command === name ? fault : undefined;
      if (f) fault = undefined;
      if (f?.phase === 'before') throw Object.assign(new Error('injected before'), { name: 'InjectedFault' });
      const out = await next(args);
      if (f?.phase === 'after') throw Object.assign(new Error('injected after'), { name: 'InjectedFault' });
      return out;
    },
    { step: 'initialize', name: 'auditTestFaults' },
  );
  consumeBatch = (await import('../../functions/audit/consumer.ts')).handler;
  digest = (await import('../../functions/audit/digester.ts')).handler;
});

const today = centerToday();
const subOf = (username: string) => cloud.users.find((u) => u.username === username)!.sub;
const audit = (query: string, as = 'auditor', headers: Record<string, string> = {}) => call('GET', `/audit/events?${query}`, { as, headers });
const problem = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

/** Every page of a list. */
async function allPages(query: string): Promise<AuditRecord[]> {
  const items: AuditRecord[] = [];
  let token: string | undefined;
  do {
    const res = await audit(`${query}&limit=100${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(validationErrors(AuditRecordPage, res.body)).toEqual([]);
    items.push(...res.body.items);
    token = res.body.nextToken;
  } while (token);
  return items;
}

/** Every page of an export, concatenated as the route describes. */
async function exportAll(format: 'ndjson' | 'csv', limit = 400): Promise<{ text: string; pages: number }> {
  let text = '';
  let pages = 0;
  let token: string | undefined;
  do {
    const res = await fetch(`${api}/audit/export?from=${today}&to=${today}&format=${format}&limit=${limit}${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`, {
      headers: { authorization: `Bearer ${await tokenOf('auditor')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(format === 'ndjson' ? 'application/x-ndjson' : 'text/csv');
    text += await res.text();
    token = res.headers.get('x-next-token') ?? undefined;
    pages++;
  } while (token);
  return { text, pages };
}

/** A token of another center's auditor, signed by the local issuer. */
function otherCenterAuditor(): string {
  const { kid, privateKeyPem } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string; privateKeyPem: string };
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'audit-test-other-auditor', 'cognito:username': 'other.auditor', 'cognito:groups': ['auditor'], 'custom:centerId': 'center-other', token_use: 'id', aud: cloud.clientId, iss: cloud.issuerUrl, iat: now, exp: now + 900 };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createSign('sha256').update(input).sign(privateKeyPem, 'base64url')}`;
}

// ---------------------------------------------------------------------------------------------

describe('a case journey in the audit log', () => {
  let caseNo = '';
  let applicantId = '';
  let caseRecords: AuditRecord[] = [];
  const steps: [string, string, unknown?][] = [['accept', 'clerk.amr'], ['review', 'clerk.amr', { opinion: '材料齐全，符合条件' }], ['approve', 'approver.amr'], ['complete', 'clerk.amr'], ['deliver', 'clerk.amr', { method: 'pickup' }]];
  const actions = ['CaseSubmitted', 'CaseAccepted', 'CaseReviewed', 'CaseApproved', 'CaseCompleted', 'CaseDelivered'];

  beforeAll(async () => {
    const username = `audit.${Date.now().toString(36)}`;
    const reg = await registerApplicant({ kind: 'citizen', username, name: '钱七', email: `${username}@example.com`, phone: '13900001111', idNumber: freshIdNumber() });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    applicantId = reg.body.applicantId;
    const c = await call('POST', '/cases', { as: username, body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) } });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    caseNo = c.body.caseNo;
    let etag = c.etag;
    for (const [action, as, body] of steps) {
      const r = await call('POST', `/cases/${caseNo}/${action}`, { as, headers: { 'if-match': etag }, ...(body ? { body } : {}) });
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
      etag = r.etag;
    }
    caseRecords = await until('the case\'s six records', async () => {
      const items = await allPages(`caseNo=${encodeURIComponent(caseNo)}`);
      return actions.every((a) => items.some((i) => i.action === a)) ? items : undefined;
    }, 20_000);
  }, 60_000);

  it('records every transition with source, actor, action, result, subject and the old and new state', () => {
    const byAction = new Map(caseRecords.map((r) => [r.action, r]));
    for (const a of actions) expect(byAction.get(a), a).toMatchObject({ source: 'onestop.cases', result: 'success', subject: { type: 'case', id: caseNo }, centerId: 'center-demo' });
    expect(byAction.get('CaseAccepted')).toMatchObject({ actor: { id: subOf('clerk.amr'), role: 'clerk' }, oldValue: { state: 'submitted' }, newValue: { state: 'accepted' } });
    expect(byAction.get('CaseApproved')).toMatchObject({ actor: { id: subOf('approver.amr'), role: 'approver' }, oldValue: { state: 'under_review' }, newValue: { state: 'approved' } });
    expect(byAction.get('CaseSubmitted')!.oldValue).toBeUndefined();
    expect(byAction.get('CaseSubmitted')!.newValue).toEqual({ state: 'submitted' });
  });

  it('chains the case\'s records: one chain, positions from 1, each linked to the one before, each hash its content\'s', () => {
    const chain = [...caseRecords].sort((a, b) => a.seq - b.seq);
    expect(new Set(chain.map((r) => r.chain))).toEqual(new Set([`case#${caseNo}`]));
    expect(chain.map((r) => r.seq)).toEqual(chain.map((_, i) => i + 1));
    expect(chain[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 0; i < chain.length; i++) {
      expect(recordHash(chain[i]!), chain[i]!.action).toBe(chain[i]!.hash);
      if (i > 0) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    }
    // The chain follows the order the log received the events in, which the bus need not keep: occurredAt tells the order they happened in.
    expect(chain.filter((r) => actions.includes(r.action)).map((r) => r.action).sort()).toEqual([...actions].sort());
  });

  it('answers by case (the same as by subject), by actor and by type, each within the caller\'s center', async () => {
    const bySubject = await allPages(`subjectType=case&subjectId=${encodeURIComponent(caseNo)}&from=${today}&to=${today}`);
    // (The notifications of the case may still be arriving: its chain only grows.)
    expect(bySubject.map((r) => r.eventId)).toEqual(expect.arrayContaining(caseRecords.map((r) => r.eventId)));
    expect(bySubject.every((r) => r.chain === `case#${caseNo}`)).toBe(true);

    const byActor = await until('the approver\'s records', async () => {
      const items = await allPages(`actor=${subOf('approver.amr')}&from=${today}&to=${today}`);
      return items.some((r) => r.subject.id === caseNo) ? items : undefined;
    });
    expect(byActor.every((r) => r.actor.id === subOf('approver.amr'))).toBe(true);
    expect(byActor.filter((r) => r.subject.id === caseNo).map((r) => r.action)).toEqual(['CaseApproved']);

    const byType = await allPages(`type=CaseDelivered&from=${today}&to=${today}`);
    expect(byType.every((r) => r.action === 'CaseDelivered')).toBe(true);
    expect(byType.some((r) => r.subject.id === caseNo)).toBe(true);

    const other = await fetch(`${api}/audit/events?caseNo=${encodeURIComponent(caseNo)}`, { headers: { authorization: `Bearer ${otherCenterAuditor()}` } });
    expect(other.status).toBe(200);
    expect(((await other.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('pages with a signed nextToken bound to its filters', async () => {
    // The seed published several items today.
    const first = await audit(`type=ItemPublished&from=${today}&to=${today}&limit=1`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const token = first.body.nextToken as string;
    expect(token).toBeTruthy();
    const second = await audit(`type=ItemPublished&from=${today}&to=${today}&limit=1&nextToken=${encodeURIComponent(token)}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].eventId).not.toBe(first.body.items[0].eventId);
    expect((await audit(`type=CaseAccepted&from=${today}&to=${today}&limit=1&nextToken=${encodeURIComponent(token)}`)).status).toBe(400);
    expect((await audit(`type=ItemPublished&from=${today}&to=${today}&limit=1&nextToken=${encodeURIComponent(`${token.slice(0, -2)}xx`)}`)).status).toBe(400);
    // Bound to the caller's center: another center's auditor cannot continue this center's list.
    const elsewhere = await fetch(`${api}/audit/events?type=ItemPublished&from=${today}&to=${today}&limit=1&nextToken=${encodeURIComponent(token)}`, { headers: { authorization: `Bearer ${otherCenterAuditor()}` } });
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { type: string }).type).toBe(problem('invalid-cursor'));
  });

  it('binds an export\'s nextToken to the caller\'s center and the export\'s range and format', async () => {
    const exportPage = (query: string, token = tokenOf('auditor')) =>
      token.then((t) => fetch(`${api}/audit/export?from=${today}&to=${today}&${query}`, { headers: { authorization: `Bearer ${t}` } }));
    const first = await exportPage('format=ndjson&limit=1');
    expect(first.status).toBe(200);
    const next = first.headers.get('x-next-token');
    expect(next).toBeTruthy();
    const follow = `limit=1&nextToken=${encodeURIComponent(next!)}`;
    expect((await exportPage(`format=ndjson&${follow}`)).status).toBe(200);
    expect((await exportPage(`format=csv&${follow}`)).status).toBe(400);
    const elsewhere = await exportPage(`format=ndjson&${follow}`, Promise.resolve(otherCenterAuditor()));
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { type: string }).type).toBe(problem('invalid-cursor'));
    for (const limit of ['0', '1001', 'ten']) expect((await exportPage(`format=ndjson&limit=${limit}`)).status, limit).toBe(400);
  });

  it('refuses bad filters with a 400 naming them, and everyone but auditors with a 403', async () => {
    const two = await audit(`actor=x&type=CaseAccepted&from=${today}&to=${today}`, 'auditor', { 'accept-language': 'en' });
    expect([two.status, two.body.type]).toEqual([400, problem('validation-failed')]);
    expect(two.body.errors).toEqual([{ path: '/query/type', code: 'one_filter', message: 'only one filter per query' }]);
    expect((await audit(`actor=x&type=CaseAccepted&from=${today}&to=${today}`)).body.errors[0].message).toBe('每次只能按一个条件查询');
    expect((await audit(`actor=${subOf('clerk.amr')}`, 'auditor', { 'accept-language': 'en' })).body.errors).toEqual([{ path: '/query/from', code: 'required', message: 'is required' }]);
    const tooLong = await audit('from=2026-01-01&to=2026-12-31&type=CaseAccepted');
    expect([tooLong.status, tooLong.body.type, tooLong.body.errors[0].code]).toEqual([422, problem('date-range-invalid'), 'range_too_long']);
    const reversed = await audit(`type=CaseAccepted&from=${today}&to=2001-01-01`);
    expect([reversed.status, reversed.body.errors[0].code]).toEqual([422, 'before_from']);
    expect((await audit(`caseNo=${caseNo}&from=${today}`)).status).toBe(400);
    for (const who of ['clerk.amr', 'center.admin', 'supervisor']) {
      expect((await audit(`caseNo=${caseNo}`, who)).status, who).toBe(403);
      expect((await call('GET', `/audit/export?from=${today}&to=${today}&format=csv`, { as: who })).status, who).toBe(403);
      expect((await call('GET', `/audit/digests/${today}`, { as: who })).status, who).toBe(403);
    }
  });

  it('records a privileged read of personal data, and the reveal answers as before', async () => {
    const masked = await call('GET', `/applicants/${applicantId}`, { as: 'clerk.amr' });
    expect(masked.status).toBe(200);
    expect(masked.body.masked).toBe(true);
    const revealed = await call('GET', `/applicants/${applicantId}?reveal=true`, { as: 'clerk.amr' });
    expect(revealed.status).toBe(200);
    expect(revealed.body).toMatchObject({ applicantId, masked: false, phone: '13900001111' });
    expect(revealed.body.idNumber).toMatch(/^\d{17}[\dX]$/);
    const reads = await until('the reveal record', async () => {
      const items = await allPages(`subjectType=applicant&subjectId=${applicantId}`);
      return items.some((r) => r.action === 'PersonalDataRevealed') ? items : undefined;
    });
    const reveals = reads.filter((r) => r.action === 'PersonalDataRevealed');
    // One record: the masked read is not a privileged one.
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({
      source: 'onestop.applicants', result: 'success', actor: { id: subOf('clerk.amr'), role: 'clerk', departmentId: 'amr' },
      subject: { type: 'applicant', id: applicantId }, data: { applicantId, fields: ['idNumber', 'phone', 'email'] }, chain: `applicant#${applicantId}`,
    });
    // Its data names what was shown, never the values.
    expect(JSON.stringify(reveals[0])).not.toContain('13900001111');
  });

  it('exports the day as NDJSON (header, then chain order) and CSV (the same records), in pages', async () => {
    const nd = await exportAll('ndjson', 25);
    const lines = nd.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'onestop-audit-export/1', centerId: 'center-demo', from: today, to: today });
    const records = lines.slice(1) as AuditRecord[];
    expect(records.length).toBeGreaterThan(caseRecords.length);
    expect(nd.pages).toBeGreaterThan(1);
    const keys = records.map((r) => `${r.chain}#${String(r.seq).padStart(10, '0')}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(records.map((r) => r.eventId)).size).toBe(records.length);
    for (const r of caseRecords) expect(records.find((x) => x.eventId === r.eventId)).toEqual(r);

    const csv = await exportAll('csv', 40);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual([...csvColumns]);
    const at = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
    const approved = rows.find((row) => row[at('subjectId')] === caseNo && row[at('action')] === 'CaseApproved')!;
    const expected = caseRecords.find((r) => r.action === 'CaseApproved')!;
    expect(approved[at('eventId')]).toBe(expected.eventId);
    expect(approved[at('actorId')]).toBe(subOf('approver.amr'));
    expect(JSON.parse(approved[at('newValue')]!)).toEqual({ state: 'approved' });
    expect(approved[at('hash')]).toBe(expected.hash);
    // Other records may arrive between the two exports, never fewer.
    expect(rows.length - 1).toBeGreaterThanOrEqual(records.length);

    const bad = await call('GET', `/audit/export?from=2026-01-01&to=2026-12-31&format=ndjson`, { as: 'auditor' });
    expect([bad.status, bad.body.type]).toEqual([422, problem('date-range-invalid')]);
    expect((await call('GET', `/audit/export?from=${today}&to=${today}&format=xml`, { as: 'auditor' })).status).toBe(400);
  });

  it('seals the day in a signed digest in the audit bucket, served to auditors, that the verifier checks the export against', async () => {
    // The day's records up to a grace period ago are sealed: wait until the case's last record is older than that.
    const last = Math.max(...caseRecords.map((r) => Date.parse(r.recordedAt)));
    await new Promise((r) => setTimeout(r, Math.max(0, last + SEAL_GRACE_MS + 500 - Date.now())));
    const run = await digest({ date: today, centerId: 'center-demo' });
    // Past China's midnight the cloud's own digest schedule may have sealed the day first: then this run owes nothing.
    const sealedBySchedule = run.sealed.length === 0 && centerToday() !== today;
    if (!sealedBySchedule) {
      expect(run.sealed).toEqual([expect.objectContaining({ centerId: 'center-demo', date: today, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
      expect(run.sealed[0]!.records).toBeGreaterThanOrEqual(caseRecords.length);
    }
    // A second run changes nothing: the day is sealed.
    expect((await digest({ date: today, centerId: 'center-demo' })).sealed).toEqual([]);

    const served = await call('GET', `/audit/digests/${today}`, { as: 'auditor' });
    expect(served.status).toBe(200);
    const d = served.body as AuditDigest;
    expect(d).toMatchObject({ format: 'onestop-audit-digest/1', centerId: 'center-demo', date: today, previous: null, signing: { algorithm: 'ECDSA_SHA_256' } });
    const headOfCase = Math.max(...caseRecords.map((r) => r.seq));
    expect(d.chains.find((c) => c.chain === `case#${caseNo}`)).toMatchObject({ firstSeq: 1, lastSeq: expect.any(Number) });
    expect(d.chains.find((c) => c.chain === `case#${caseNo}`)!.lastSeq).toBeGreaterThanOrEqual(headOfCase);
    const object = await new S3Client({ forcePathStyle: true }).send(new GetObjectCommand({ Bucket: auditBucket, Key: `digests/center-demo/${today}.json` }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(d);
    expect((await call('GET', '/audit/digests/2001-01-01', { as: 'auditor' })).status).toBe(404);
    const other = await fetch(`${api}/audit/digests/${today}`, { headers: { authorization: `Bearer ${otherCenterAuditor()}` } });
    expect(other.status).toBe(404);

    // The export verifies against the digest, in process and through `npm run audit:verify`. Made after a
    // digest of today, it reaches past the seal: the sealed records are verified, the rest not proven (exit 3) —
    // unless the day had ended when it was sealed, which proves it whole (exit 0).
    const wholeDay = Date.parse(d.sealedBefore) >= Date.parse(`${today}T16:00:00Z`);
    const { text } = await exportAll('ndjson');
    const report = verifyAudit({ export: parseExport(text), digests: [{ digest: d, file: `${today}.json` }] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: wholeDay, verdict: wholeDay ? 'verified' : 'unsealed', lastSealedAt: d.sealedBefore });
    expect(report.sealedRecords).toBeGreaterThanOrEqual(caseRecords.length);

    const dir = path.join(cloud.dataDir, 'audit-verify');
    mkdirSync(path.join(dir, 'digests'), { recursive: true });
    writeFileSync(path.join(dir, 'export.ndjson'), text);
    writeFileSync(path.join(dir, 'digests', `${today}.json`), `${JSON.stringify(d, null, 2)}\n`);
    const ok = await runVerifier(path.join(dir, 'export.ndjson'), path.join(dir, 'digests'));
    expect(ok.code, ok.output).toBe(wholeDay ? 0 : 3);
    if (!wholeDay) {
      expect(ok.output).toContain(`VERIFIED up to ${d.sealedBefore}: `);
      expect(ok.output).toContain('NOT PROVEN: ');
    }

    // One of the case's records edited: exit code 1, the record named.
    const edited = text.split('\n').map((line) => {
      if (!line.includes(`"eventId":"${caseRecords.find((r) => r.action === 'CaseApproved')!.eventId}"`)) return line;
      return line.replace(`"id":"${subOf('approver.amr')}"`, '"id":"someone-else"');
    }).join('\n');
    expect(edited).not.toBe(text);
    writeFileSync(path.join(dir, 'edited.ndjson'), edited);
    const bad = await runVerifier(path.join(dir, 'edited.ndjson'), path.join(dir, 'digests'));
    expect(bad.code, bad.output).toBe(1);
    expect(bad.output).toContain(`EDITED`);
    expect(bad.output).toContain(`record ${caseRecords.find((r) => r.action === 'CaseApproved')!.eventId} (chain case#${caseNo}`);
    console.log(`audit verify on the day's export:\n${ok.output}\n…and on it edited:\n${bad.output}`);
  }, 60_000);
});

async function runVerifier(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'audit:verify', '--', ...args], { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the scheduled digest, as deployed in the local cloud', () => {
  it('seals yesterday for a center that recorded something, with the cloud\'s own key, into the bucket and the table', async () => {
    const { appendToChain, markActiveDay } = await import('../../functions/audit/store.ts');
    const center = `audit-sched-${ulid()}`;
    const yesterday = centerDay(Date.now() - 86_400_000);
    const noon = Date.parse(`${yesterday}T12:00:00+08:00`);
    // One record, back-dated: the schedule may seal the day as soon as it sees it marked, so the day is marked
    // only once the record is in. (A live append marks first: its day cannot end during the 10 s it may take.)
    const e = busEvent(center).detail;
    const out = await appendToChain(center, 'staff#s1', [{
      eventId: e.eventId, centerId: center, occurredAt: new Date(noon).toISOString(), source: 'onestop.org', action: 'StaffChanged',
      result: 'success', actor: { id: 'admin-x', role: 'center_admin' }, subject: { type: 'staff', id: 's1' }, data: {},
    }], async () => {}, () => noon);
    expect(out.recorded).toHaveLength(1);
    await markActiveDay(center, yesterday);
    // The schedule fires every virtual minute (6 s here: global-setup.ts); the run seals yesterday and moves the center's digest head last.
    await until('the scheduled digest', async () =>
      (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: 'AUDIT#DIGESTS', SK: center }, ConsistentRead: true }))).Item?.date === yesterday ? true : undefined);
    const item = (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${center}#AUDIT#DIGEST`, SK: yesterday }, ConsistentRead: true }))).Item!;
    const d = JSON.parse(item.body as string) as AuditDigest;
    expect(d).toMatchObject({
      centerId: center, date: yesterday, recordCount: 1, previous: null,
      chains: [{ chain: 'staff#s1', firstSeq: 1, lastSeq: 1, lastHash: out.recorded[0]!.hash }],
    });
    // Signed by the key the local cloud keeps in its secret store, not by this process's.
    const { localSigner, verifySignature } = await import('../../functions/audit/signer.ts');
    const { signedBytes } = await import('../../functions/audit/digest.ts');
    expect(d.signing.keyId).not.toBe(localSigner(process.env.AUDIT_SIGNING_SECRET!).keyId);
    expect(verifySignature(signedBytes(d), Buffer.from(d.signature, 'base64'), d.signing.publicKey!)).toBe(true);
    const object = await new S3Client({ forcePathStyle: true }).send(new GetObjectCommand({ Bucket: auditBucket, Key: `digests/${center}/${yesterday}.json` }));
    expect(await object.Body!.transformToString()).toBe(item.body);
  });

  it('two runs at once seal one digest of the day, published once', async () => {
    const { appendToChain, markActiveDay } = await import('../../functions/audit/store.ts');
    const center = `audit-twice-${ulid()}`;
    // Ten days ago: older than the schedule looks back for new centers, so only these two runs seal it.
    const date = centerDay(Date.now() - 10 * 86_400_000);
    const noon = Date.parse(`${date}T12:00:00+08:00`);
    for (let i = 0; i < 2; i++) {
      const e = busEvent(center).detail;
      await appendToChain(center, 'staff#s1', [{
        eventId: e.eventId, centerId: center, occurredAt: new Date(noon + i).toISOString(), source: 'onestop.org', action: 'StaffChanged',
        result: 'success', actor: { id: 'admin-x', role: 'center_admin' }, subject: { type: 'staff', id: 's1' }, data: { i },
      }], (day) => markActiveDay(center, day), () => noon + i);
    }
    const runs = await Promise.all([digest({ date, centerId: center }), digest({ date, centerId: center })]);
    const sealed = runs.flatMap((r) => r.sealed);
    expect(sealed.length).toBeGreaterThanOrEqual(1);
    expect(new Set(sealed.map((s) => s.sha256)).size).toBe(1);
    expect(sealed.every((s) => s.centerId === center && s.date === date && s.records === 2)).toBe(true);
    const copy = (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${center}#AUDIT#DIGEST`, SK: date } }))).Item!;
    expect(copy.sha256).toBe(sealed[0]!.sha256);
    const object = await new S3Client({ forcePathStyle: true }).send(new GetObjectCommand({ Bucket: auditBucket, Key: `digests/${center}/${date}.json` }));
    expect(await object.Body!.transformToString()).toBe(copy.body);
    expect((await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: 'AUDIT#DIGESTS', SK: center } }))).Item).toMatchObject({ date, sha256: copy.sha256 });
    expect((await digest({ date, centerId: center })).sealed).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** An event of a center of its own, so its chain is this test's alone. */
function busEvent(centerId: string, over: { detailType?: string; source?: string; data?: Record<string, unknown>; subject?: { type: string; id: string } } = {}) {
  const eventId = ulid();
  return {
    version: '0', id: `bus-${eventId}`, 'detail-type': over.detailType ?? 'StaffChanged', source: over.source ?? 'onestop.org', account: '000000000000',
    time: new Date().toISOString(), region: 'us-east-1', resources: [],
    detail: {
      eventId, centerId, occurredAt: new Date().toISOString(), actor: { id: 'admin-x', role: 'center_admin' },
      subject: over.subject ?? { type: 'staff', id: `s-${eventId}` }, version: 1, data: over.data ?? { before: { roles: ['clerk'] }, after: { roles: ['clerk', 'approver'] } },
    },
  } as EventBridgeEvent<string, { eventId: string; centerId: string }>;
}

const headOf = async (centerId: string, chain: string) =>
  (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${centerId}#AUDIT#CHAIN#${chain}`, SK: 'HEAD' }, ConsistentRead: true }))).Item;
const recordsOf = async (centerId: string) =>
  ((await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#AUDIT#DAY#${centerDay(Date.now())}` }, ConsistentRead: true }))).Items ?? []);
const markerOf = async (eventId: string) => (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `AUDIT#EVENT#${eventId}`, SK: 'EVENT' } }))).Item;

describe('the consumer, in process', () => {
  it('a duplicate delivery has one effect; a chain\'s events are one GetItem and one TransactWriteItems, the day opened by one PutItem', async () => {
    const center = `audit-dup-${ulid()}`;
    const staff = { type: 'staff', id: `s-${ulid()}` };
    const [a, b] = [busEvent(center, { subject: staff }), busEvent(center, { subject: staff })];
    requests.length = 0;
    expect(await consume(a, b)).toEqual([]);
    expect(requests).toEqual(['GetItemCommand', 'PutItemCommand', 'TransactWriteItemsCommand']);
    requests.length = 0;
    expect(await consume(a)).toEqual([]);
    expect(requests).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    const items = await recordsOf(center);
    expect(items.map((i) => [i.eventId, i.chain, i.seq])).toEqual([[a.detail.eventId, `staff#${staff.id}`, 1], [b.detail.eventId, `staff#${staff.id}`, 2]]);
    expect(items[0]).toMatchObject({ action: 'StaffChanged', oldValue: { roles: ['clerk'] }, newValue: { roles: ['clerk', 'approver'] } });
    expect(await headOf(center, `staff#${staff.id}`)).toMatchObject({ seq: 2, hash: items[1]!.hash });
    expect(await markerOf(a.detail.eventId)).toMatchObject({ chain: `staff#${staff.id}`, seq: 1 });
  });

  it("the auditors' indexes hold the small marker, not the record; a record of the earlier layout, indexed itself, is listed beside the new ones", async () => {
    const center = `audit-index-${ulid()}`;
    const staff = { type: 'staff', id: `s-${ulid()}` };
    const [a, b] = [busEvent(center, { subject: staff }), busEvent(center, { subject: staff })];
    expect(await consume(a, b)).toEqual([]);
    const records = await recordsOf(center);
    expect(records.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('GSI')))).toEqual([]);
    const marker = (await markerOf(a.detail.eventId))!;
    const sortKey = `${new Date((a.detail as unknown as { occurredAt: string }).occurredAt).toISOString()}#${a.detail.eventId}`;
    expect(marker).toMatchObject({
      GSI1PK: `CENTER#${center}#AUDIT`, GSI1SK: sortKey, GSI2PK: `CENTER#${center}#AUDIT#staff#${staff.id}`, GSI2SK: sortKey,
      GSI3PK: `CENTER#${center}#AUDIT#ACTOR#admin-x`, GSI3SK: sortKey, GSI4PK: `CENTER#${center}#AUDIT#TYPE#StaffChanged`, GSI4SK: sortKey,
    });
    // The marker fits in one write unit with its four index entries; the record it points to is larger.
    expect(Buffer.byteLength(JSON.stringify(marker))).toBeLessThan(1024);

    // A record as the log wrote it before (decision 121): the index keys on the record, no pointer on its marker.
    const earlier = { ...recordOf(records[0]!), eventId: ulid(), chain: `staff#legacy-${ulid()}`, seq: 1, occurredAt: new Date(Date.now() - 60_000).toISOString() };
    const earlierKey = `${earlier.occurredAt}#${earlier.eventId}`;
    await doc.send(new PutCommand({
      TableName: cloud.tableName,
      Item: {
        PK: records[0]!.PK, SK: `${earlier.chain}#0000000001`, kind: 'auditRecord', ...earlier,
        GSI1PK: `CENTER#${center}#AUDIT`, GSI1SK: earlierKey, GSI2PK: `CENTER#${center}#AUDIT#staff#${staff.id}`, GSI2SK: earlierKey,
        GSI3PK: `CENTER#${center}#AUDIT#ACTOR#admin-x`, GSI3SK: earlierKey, GSI4PK: `CENTER#${center}#AUDIT#TYPE#StaffChanged`, GSI4SK: earlierKey,
      },
    }));
    const { listRecords } = await import('../../functions/audit/store.ts');
    // Oldest first by occurredAt, then eventId (the two events may share a millisecond).
    const byTime = records.map(recordOf).sort((x, y) => `${x.occurredAt}#${x.eventId}`.localeCompare(`${y.occurredAt}#${y.eventId}`));
    for (const filter of [{ by: 'center' }, { by: 'subject', ...staff }, { by: 'actor', id: 'admin-x' }, { by: 'type', type: 'StaffChanged' }] as const) {
      requests.length = 0;
      const page = await listRecords(center, filter, undefined, 100);
      expect(page.items, filter.by).toEqual([earlier, ...byTime]);
      expect(requests, filter.by).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    }
    const second = await listRecords(center, { by: 'center' }, undefined, 2);
    expect(second.items.map((r) => r.eventId)).toEqual([earlier.eventId, byTime[0]!.eventId]);
    expect((await listRecords(center, { by: 'center' }, undefined, 2, second.lastKey)).items.map((r) => r.eventId)).toEqual([byTime[1]!.eventId]);
  });

  it('a redelivered event batched with new ones of its chain is acknowledged, and the new ones appended in the same run', async () => {
    const center = `audit-mixed-${ulid()}`;
    const subject = { type: 'case', id: `X-${ulid()}` };
    const first = busEvent(center, { subject, source: 'onestop.audittest', detailType: 'AuditProbe', data: {} });
    expect(await consume(first)).toEqual([]);
    const later = [busEvent(center, { subject, source: 'onestop.audittest', detailType: 'AuditProbe', data: {} }), busEvent(center, { subject, source: 'onestop.audittest', detailType: 'AuditProbe', data: {} })];
    requests.length = 0;
    expect(await consume(later[0]!, first, later[1]!)).toEqual([]);
    // The first transaction is cancelled by the duplicate's marker only; the second, planned without it, commits.
    expect(requests.filter((r) => r === 'TransactWriteItemsCommand')).toHaveLength(2);
    expect((await recordsOf(center)).map((i) => [i.eventId, i.seq])).toEqual([[first.detail.eventId, 1], [later[0]!.detail.eventId, 2], [later[1]!.detail.eventId, 3]]);
  });

  it('one transaction per chain of a batch, the center-day opened once; each chain from 1', async () => {
    const center = `audit-chains-${ulid()}`;
    const events = Array.from({ length: 6 }, (_, i) => busEvent(center, { subject: { type: 'item', id: `I${i % 3}` } }));
    requests.length = 0;
    expect(await consume(...events)).toEqual([]);
    expect(requests.filter((r) => r === 'GetItemCommand')).toHaveLength(3);
    expect(requests.filter((r) => r === 'TransactWriteItemsCommand')).toHaveLength(3);
    expect(requests.filter((r) => r === 'PutItemCommand')).toHaveLength(1);
    expect((await recordsOf(center)).map((i) => `${i.chain}/${i.seq}`).sort()).toEqual(['item#I0/1', 'item#I0/2', 'item#I1/1', 'item#I1/2', 'item#I2/1', 'item#I2/2']);
  });

  it('a failure before the write applies nothing and fails the chain\'s messages; one after it (the answer lost) is a duplicate on redelivery', async () => {
    const center = `audit-fail-${ulid()}`;
    const subject = { type: 'staff', id: 's1' };
    const e1 = busEvent(center, { subject });
    fault = { command: 'TransactWriteItemsCommand', phase: 'before' };
    expect(await consume(e1)).toEqual([e1]);
    expect(await recordsOf(center)).toEqual([]);
    expect(await markerOf(e1.detail.eventId)).toBeUndefined();
    expect(await consume(e1)).toEqual([]);

    const e2 = busEvent(center, { subject });
    fault = { command: 'TransactWriteItemsCommand', phase: 'after' };
    expect(await consume(e2)).toEqual([e2]);
    expect(await consume(e2)).toEqual([]);
    const items = await recordsOf(center);
    expect(items.map((i) => [i.eventId, i.seq])).toEqual([[e1.detail.eventId, 1], [e2.detail.eventId, 2]]);
    expect(items[1]!.prevHash).toBe(items[0]!.hash);
  });

  it('concurrent batches of one chain: a loser fails its messages at once, and their redelivery completes one unbroken chain', async () => {
    const center = `audit-race-${ulid()}`;
    const subject = { type: 'staff', id: 's1' };
    let pending = Array.from({ length: 24 }, () => busEvent(center, { subject }));
    const all = [...pending];
    let rounds = 0;
    let lost = 0;
    while (pending.length && rounds++ < 30) {
      // Each event its own batch, all at once: as many writers as events for the one head.
      const failed = (await Promise.all(pending.map((e) => consume(e)))).flat();
      lost += failed.length;
      pending = failed;
    }
    expect(pending).toEqual([]);
    expect(lost).toBeGreaterThan(0);
    const items = (await recordsOf(center)).map(recordOf);
    const report = verifyAudit({ export: { records: items.map((r, i) => ({ record: r, line: i + 1 })), problems: [] }, digests: [] });
    expect(report.problems).toEqual([]);
    expect(items.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(items.map((r) => r.eventId))).toEqual(new Set(all.map((e) => e.detail.eventId)));
  });

  it('validates each event against its detail-type\'s schema, an unknown detail-type against the envelope: only the invalid ones fail', async () => {
    const center = `audit-schema-${ulid()}`;
    const bad = busEvent(center, { source: 'onestop.cases', detailType: 'CaseAccepted', subject: { type: 'case', id: 'X-20260501-00001' }, data: { caseNo: 'X-20260501-00001' } });
    const unknown = busEvent(center, { source: 'onestop.future', detailType: 'SomethingNew', data: { anything: [1, 2] } });
    const noEnvelope = { ...busEvent(center), detail: { eventId: 'not-a-ulid' } } as never as ReturnType<typeof busEvent>;
    const dayChain = busEvent(center, { subject: { type: 'center', id: `${center}#2026-05-01` } });
    expect(await consume(bad, unknown, noEnvelope, dayChain)).toEqual([bad, noEnvelope, dayChain]);
    expect(await markerOf(bad.detail.eventId)).toBeUndefined();
    expect(await markerOf(unknown.detail.eventId)).toMatchObject({ seq: 1 });
    expect(await markerOf(dayChain.detail.eventId)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('the consumer, through the bus', () => {
  type DlqMessage = { messageId: string; kind: string; body?: string; attempts: number; error: { type: string; message: string }; source?: { queue: string } };
  const carries = (m: DlqMessage, eventId: string) => m.body?.includes(eventId) ?? false;
  const dlq = async () => ((await (await fetch(`${api}/local/dlq`)).json()) as { queues: { queue: string; messages: DlqMessage[] }[] }).queues;
  const post = (p: string, body: unknown) => fetch(`${api}${p}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

  /** An event written to the outbox like a domain's, for the pipe to publish. */
  async function outbox(e: ReturnType<typeof busEvent>) {
    await doc.send(new PutCommand({
      TableName: cloud.tableName,
      Item: { PK: `TEST#AUDIT#${e.detail.eventId}`, SK: `EVENT#${e.detail.eventId}`, kind: 'event', source: e.source, detailType: e['detail-type'], detail: JSON.stringify(e.detail) },
    }));
  }

  it('an invalid event ends in the audit queue\'s dead-letter queue after maxReceiveCount receives, its reason logged, and no record', { timeout: 240_000 }, async () => {
    const center = `audit-dlq-${ulid()}`;
    const e = busEvent(center, { source: 'onestop.applicants', detailType: 'PersonalDataRevealed', subject: { type: 'applicant', id: 'A1' }, data: { applicantId: 'A1' } });
    await outbox(e);
    const found = await until('the dead letter', async () => {
      for (const q of await dlq()) {
        const m = q.messages.find((x) => x.kind === 'queue' && carries(x, e.detail.eventId));
        if (m) return { queue: q.queue, message: m };
      }
      return undefined;
    }, 60_000);
    expect(found.queue).toMatch(/^AuditQueueDlq/);
    expect(found.message.source!.queue).toMatch(/^AuditQueue(?!Dlq)/);
    expect(found.message.attempts).toBe(AUDIT_MAX_RECEIVE_COUNT);
    // The last receive's failure is the consumer's batch item failure, or a fault another suite injected into that batch.
    expect(found.message.error).toMatchObject({ type: 'MaxReceiveCountExceeded', message: expect.stringMatching(/^received 20 time\(s\) \(maxReceiveCount 20\) without being deleted; last: (.*reported as a batch item failure|function error: Injected\.Fault: .*)$/) });
    expect(JSON.parse(found.message.body!)).toMatchObject({ 'detail-type': 'PersonalDataRevealed', detail: { eventId: e.detail.eventId } });
    expect(await markerOf(e.detail.eventId)).toBeUndefined();
    // The reason is in the consumer's log, on every receive that reached the handler (a fault another suite injects
    // into a batch before the handler fails it without one).
    const log = readdirSync(path.join(cloud.dataDir, 'logs')).filter((f) => f.startsWith('AuditConsumerFunction')).map((f) => readFileSync(path.join(cloud.dataDir, 'logs', f), 'utf8')).join('');
    const reasons = log.split('\n').filter((l) => l.includes('audit event invalid') && l.includes(e.detail.eventId));
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.length).toBeLessThanOrEqual(AUDIT_MAX_RECEIVE_COUNT);
    expect(reasons[0]).toContain('PersonalDataRevealed schema');
    expect(reasons[0]).toContain('/detail/data/fields');
    // Remove it (and any copy a concurrent redrive put back), so later suites see empty queues.
    await until('the dead letter removed', async () => {
      const left = (await dlq()).flatMap((q) => q.messages.filter((m) => carries(m, e.detail.eventId)).map((m) => ({ queue: q.queue, id: m.messageId })));
      for (const m of left) await post('/local/dlq/delete', { queue: m.queue, messageIds: [m.id] });
      return left.length === 0 ? true : undefined;
    });
  });

  it.each(['before', 'after'] as const)('a failure injected %s the handler is retried by Lambda and applied once', async (phase) => {
    const center = `audit-retry-${phase}-${ulid()}`;
    // A source no other consumer listens to.
    const e = busEvent(center, { source: 'onestop.audittest', detailType: 'AuditProbe', data: { phase } });
    const key = `AuditConsumerFunction~${e.detail.eventId}`;
    await post('/local/faults', { functionPrefix: 'AuditConsumerFunction', rate: 1, phase, match: e.detail.eventId, limit: 1 });
    try {
      await outbox(e);
      await until('the fault injected', async () => {
        const faults = ((await (await fetch(`${api}/local/stats`)).json()) as { faults: Record<string, { injected: number }> }).faults;
        return faults[key]?.injected === 1 ? true : undefined;
      }, 20_000);
      // Before: nothing was applied, so the record proves the retry. After: applied, then redelivered as a duplicate.
      const marker = await until('the record', () => markerOf(e.detail.eventId), 20_000);
      await new Promise((r) => setTimeout(r, 500));
      const items = await recordsOf(center);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ eventId: e.detail.eventId, seq: 1, chain: marker.chain });
      expect(await headOf(center, marker.chain)).toMatchObject({ seq: 1 });
      expect((await dlq()).flatMap((q) => q.messages).some((m) => carries(m, e.detail.eventId))).toBe(false);
    } finally {
      await post('/local/faults', { functionPrefix: 'AuditConsumerFunction', rate: 0, match: e.detail.eventId });
    }
  });
});
