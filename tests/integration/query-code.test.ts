/**
 * The query code (查询码) of an online application, over the local cloud: the
 * applicant gets it at acceptance in their own view, on the receipt PDF (text
 * by poppler's pdftotext) and in the acceptance SMS and e-mail; no event, audit
 * record, delivery log or idempotency record holds it (every party derives it
 * from the stage's key);
 * the public lookup opens with it; a reissue by the applicant, then by a clerk,
 * kills the code before it; another applicant, another department's clerk and
 * an approver may not reissue. A deemed acceptance gets a code too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, UpdateCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { QueryCodeReissue } from '#schemas/api/cases';
import { validationErrors } from '#shared/validate';
import { api, call, centerToday, chooseNotifications, cloud, doc, freshIdNumber, registerApplicant, until } from './api-client.ts';
import { enterpriseFields, enterpriseItem, expectShape, materialsOf, timelineOf } from './cases-client.ts';
import { documentsOf, subOf } from './documents-client.ts';

const CODE = /^[2-9A-HJKMNP-TV-Z]{12}$/;
const dir = mkdtempSync(join(tmpdir(), 'query-code-'));
const flat = (s: string) => s.replace(/\s+/g, '');
let n = 0;

/** What the journey did, when: printed at the end (the codes too: they are the test's own). */
const timeline: { at: string; step: string }[] = [];
const note = (step: string) => timeline.push({ at: new Date().toISOString(), step });
afterAll(() => {
  if (timeline.length) console.log(`query-code journey\n${timeline.map((t) => `  ${t.at}  ${t.step}`).join('\n')}`);
});

/** A fresh citizen with an e-mail and a mobile who chose to hear by both, and applies online for the enterprise item. */
async function applicant() {
  const username = `qc.${Date.now().toString(36)}${(n++).toString(36)}`;
  const mobile = `136${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const email = `${username}@example.com`;
  const reg = await registerApplicant({ kind: 'citizen', username, name: '孙八', email, phone: mobile, idNumber: freshIdNumber() });
  expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  await chooseNotifications(username, { channels: ['sms', 'email'], language: 'zh-CN' });
  return { username, email, mobile: `+86${mobile}`, applicantId: reg.body.applicantId as string };
}

async function apply(who: { username: string }) {
  const res = await call('POST', '/cases', { as: who.username, body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

const lookup = (caseNo: string, code: string) => call('GET', `/public/cases/${caseNo}?code=${code}`);
const view = async (caseNo: string, as: string) => {
  const res = await call('GET', `/cases/${caseNo}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectShape(res);
  return res;
};

function reissue(caseNo: string, as: string, etag: string, key?: string) {
  return call('POST', `/cases/${caseNo}/query-code`, { as, headers: { 'if-match': etag, 'accept-language': 'en', ...(key ? { 'idempotency-key': key } : {}) } });
}

/** The receipt (受理通知书) as the applicant downloads it, as pdftotext reads it (spaces and line breaks dropped). */
async function receiptText(caseNo: string, as: string): Promise<string> {
  const receipt = await until('the receipt', async () => (await documentsOf(caseNo, as)).find((d) => d.kind === 'acceptance_receipt'));
  const link = await call('GET', `/cases/${caseNo}/documents/${receipt.documentId}/download`, { as });
  expect(link.status, JSON.stringify(link.body)).toBe(200);
  const path = join(dir, `${caseNo}.pdf`);
  writeFileSync(path, new Uint8Array(await (await fetch(link.body.url)).arrayBuffer()));
  return flat(execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }));
}

const smsTo = async (phone: string) => ((await (await fetch(`${api}/local/sms`)).json()) as { messages: { phoneNumber: string; message: string }[] }).messages.filter((m) => m.phoneNumber === phone);
const emailsTo = async (address: string) =>
  ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: { destination: { to: string[] }; subject: string; body: { text?: string } }[] }).emails.filter((e) => e.destination.to.includes(address));

/** The items of these partitions that mention one of `needles`. */
async function itemsMentioning(partitions: readonly string[], needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const pk of partitions) {
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start, ConsistentRead: true }));
      expect(pk.includes('IDEMPOTENCY') || (page.Items ?? []).length > 0, pk).toBe(true);
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item);
        if (needles.some((c) => text.includes(c))) found.push(`${String(item.PK)} ${String(item.SK)}`);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
}

/** The audit records about the case (every source), once at least `count` are in. */
async function auditRecords(caseNo: string, count: number) {
  const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  return until(`${count} audit records of ${caseNo}`, async () => {
    const res = await call('GET', `/audit/events?from=${day(-1)}&to=${day(1)}&subjectType=case&subjectId=${encodeURIComponent(caseNo)}&limit=100`, { as: 'auditor' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const items = res.body.items as { action: string; source: string }[];
    return items.length >= count ? items : undefined;
  }, 60_000);
}

describe('the query code of an online application', () => {
  it('reaches the applicant alone (view, receipt PDF, SMS, e-mail), opens the public lookup, and is reissued with the one before it dead', async () => {
    const who = await applicant();
    const submitted = await apply(who);
    const caseNo = submitted.body.caseNo as string;
    note(`submitted online by ${who.username}: ${caseNo}`);
    expect(submitted.body.queryCode).toBeUndefined();
    expect((await view(caseNo, who.username)).body.queryCode).toBeUndefined();

    // The clerk accepts (with an Idempotency-Key): the window's answer carries the receipt with the code.
    const acceptKey = `qc-accept-${caseNo}`;
    const accepted = await call('POST', `/cases/${caseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': submitted.etag, 'idempotency-key': acceptKey }, body: {} });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const first = accepted.body.receipt.queryCode as string;
    expect(first).toMatch(CODE);
    note(`accepted by clerk.amr (version ${accepted.body.version}); query code ${first}`);
    // A replay of the key answers the recorded receipt, which keeps no code: the table never holds one.
    const replayed = await call('POST', `/cases/${caseNo}/accept`, { as: 'clerk.amr', headers: { 'if-match': submitted.etag, 'idempotency-key': acceptKey }, body: {} });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.receipt).toMatchObject({ caseNo, acceptanceDate: centerToday() });
    expect(replayed.body.receipt.queryCode).toBeUndefined();

    // The applicant's own view shows it, not cached; staff's view does not.
    const own = await view(caseNo, who.username);
    expect(own.body.queryCode).toBe(first);
    expect(own.headers.get('cache-control')).toBe('private, no-store');
    expect((await view(caseNo, 'clerk.amr')).body.queryCode).toBeUndefined();
    note(`the applicant's view shows ${own.body.queryCode}`);

    // The receipt PDF, downloaded by the applicant, prints it.
    const receipt = await receiptText(caseNo, who.username);
    expect(receipt).toContain(`查询码：${first}`);
    expect(receipt).toContain(`办件编号：${caseNo}`);
    note('the receipt PDF (pdftotext) prints it');

    // The acceptance SMS and e-mail carry it; the delivery log does not.
    const sms = await until('the acceptance SMS', async () => (await smsTo(who.mobile)).find((m) => m.message.includes(caseNo) && m.message.includes('已受理')));
    expect(sms.message).toContain(`查询码${first}`);
    const email = await until('the acceptance e-mail', async () => (await emailsTo(who.email)).find((e) => e.subject === `受理通知：${caseNo}`));
    expect(email.body.text).toContain(`查询码 ${first}`);
    const log = await until('the delivery log', async () => {
      const res = await call('GET', `/cases/${caseNo}/notifications`, { as: who.username });
      const items = res.body.items as { eventType: string; status: string }[];
      return items.filter((d) => d.eventType === 'CaseAccepted' && d.status === 'sent').length === 2 ? items : undefined;
    });
    expect(JSON.stringify(log)).not.toContain(first);
    note(`SMS "${sms.message}" and the e-mail carry it; the delivery log does not`);

    // The public lookup opens with it (in any letter case).
    const open = await lookup(caseNo, first);
    expect(open.status, JSON.stringify(open.body)).toBe(200);
    expect(open.body).toMatchObject({ caseNo, state: 'accepted' });
    expect((await lookup(caseNo, first.toLowerCase())).status).toBe(200);
    note(`GET /public/cases/${caseNo}?code=${first} → 200`);

    // The applicant reissues it (If-Match, Idempotency-Key): the old code is dead, the new one opens.
    const key = `qc-reissue-${caseNo}`;
    const mine = await reissue(caseNo, who.username, own.etag, key);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(validationErrors(QueryCodeReissue, mine.body)).toEqual([]);
    const second = mine.body.queryCode as string;
    expect(mine.body).toMatchObject({ caseNo, generation: 2 });
    expect(second).not.toBe(first);
    expect(mine.etag).toBe(`"${own.body.version + 1}"`);
    note(`reissued by the applicant: generation 2, ${second}`);
    const again = await reissue(caseNo, who.username, own.etag, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(mine.body);
    expect((await reissue(caseNo, who.username, own.etag)).status).toBe(412);
    expect((await lookup(caseNo, first)).status).toBe(404);
    expect((await lookup(caseNo, second)).status).toBe(200);
    expect((await view(caseNo, who.username)).body.queryCode).toBe(second);
    note(`old code ${first} → 404, new ${second} → 200`);

    // Who else may: another applicant learns nothing (404); another department's clerk, an approver, no (403); the lead department's clerk, yes.
    const stranger = await applicant();
    expect((await reissue(caseNo, stranger.username, mine.etag)).status).toBe(404);
    const otherDept = await reissue(caseNo, 'clerk.health', mine.etag);
    expect(otherDept.status).toBe(403);
    expect((await reissue(caseNo, 'approver.amr', mine.etag)).status).toBe(403);
    const byClerk = await reissue(caseNo, 'clerk.amr', mine.etag);
    expect(byClerk.status, JSON.stringify(byClerk.body)).toBe(200);
    const third = byClerk.body.queryCode as string;
    expect(byClerk.body.generation).toBe(3);
    expect((await lookup(caseNo, second)).status).toBe(404);
    expect((await lookup(caseNo, third)).status).toBe(200);
    note(`another applicant → 404, clerk.health → 403, approver.amr → 403; reissued by clerk.amr: generation 3, ${third}`);

    // The timeline and the audit log record both reissues, by role, with the generation and never a code.
    const reissues = (await timelineOf(caseNo)).filter((e) => e.type === 'QueryCodeReissued');
    expect(reissues.map((e) => [e.actor.role, e.details.queryCodeGeneration, e.from, e.to])).toEqual([['applicant', 2, 'accepted', 'accepted'], ['clerk', 3, 'accepted', 'accepted']]);
    const codes = [first, second, third];
    const records = await until('both reissues audited', async () => {
      const all = await auditRecords(caseNo, 5);
      return all.filter((r) => r.action === 'QueryCodeReissued').length === 2 ? all : undefined;
    });
    expect(records.map((r) => r.action)).toEqual(expect.arrayContaining(['CaseSubmitted', 'CaseAccepted', 'QueryCodeReissued']));
    for (const c of codes) expect(JSON.stringify(records)).not.toContain(c);
    note(`audit: ${records.map((r) => r.action).join(', ')}; no record holds a code`);

    // No item about the case holds a code: its outbox (what the bus carried), its documents, the delivery log
    // and its NotificationSent, the idempotency records of the accept and of the reissue.
    const center = 'CENTER#center-demo';
    const partitions = [`${center}#CASE#${caseNo}`, `${center}#NOTIFY#${caseNo}`, `${center}#IDEMPOTENCY#${await subOf('clerk.amr')}`, `${center}#IDEMPOTENCY#${await subOf(who.username)}`];
    expect(await itemsMentioning(partitions, codes)).toEqual([]);
    const recorded = await itemsMentioning(partitions, [acceptKey, key]);
    expect(recorded).toHaveLength(2);
    note(`no item of ${partitions.length} partitions holds a code (the two idempotency records included)`);
  });

  it('a deemed acceptance (art. 32) gets a code like any acceptance: in the view, on the receipt, by SMS, and the lookup opens with it', async () => {
    const who = await applicant();
    const c = await apply(who);
    const caseNo = c.body.caseNo as string;
    // Five working days pass: the notice period (and its sweep date, on the case's index item) moved into the past; the sweeper runs on its schedule.
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'CASE' },
      UpdateExpression: 'SET receivedAt = :r, noticeDue = :d',
      ExpressionAttributeValues: { ':r': '2026-03-02T09:00:00+08:00', ':d': '2026-03-09' },
    }));
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASE#${caseNo}`, SK: 'INDEX' },
      UpdateExpression: 'SET GSI3SK = :sk',
      ExpressionAttributeValues: { ':sk': `2026-03-09#center-demo#${caseNo}` },
    }));
    const deemed = await until('the sweeper to deem the case accepted', async () => {
      const r = await view(caseNo, who.username);
      return r.body.state === 'accepted' ? r : undefined;
    }, 30_000);
    expect(deemed.body.deemedAccepted).toBe(true);
    const code = deemed.body.queryCode as string;
    expect(code).toMatch(CODE);
    note(`deemed accepted by the sweeper: ${caseNo}, query code ${code}`);
    expect((await receiptText(caseNo, who.username))).toContain(`查询码：${code}`);
    const sms = await until('the deemed acceptance SMS', async () => (await smsTo(who.mobile)).find((m) => m.message.includes('视为受理')));
    expect(sms.message).toContain(`查询码${code}`);
    expect((await lookup(caseNo, code)).status).toBe(200);
    note(`deemed: receipt, SMS "${sms.message}", lookup → 200`);
  });
});
