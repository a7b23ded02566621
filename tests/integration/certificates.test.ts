/**
 * The certificate's life over HTTP (issue 16 §3): the food business licence
 * issued with its 5 years (有效期至 on the PDF and on the public check),
 * revoked by an approver of the issuing department (another department's
 * approver and a clerk refused, a second revocation 409), a renewal case
 * naming a licence and superseding it at its approval, and intake refusing
 * what cannot be renewed. The public check shows each state with its day and
 * never more of a citizen holder than the masked name. The public register of
 * licences granted (art. 40) pages them newest first with their states, an
 * enterprise by its name, a citizen masked. A timeline is printed.
 */
import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call, cloud, doc, freshCreditCode, registerApplicant, until } from './api-client.ts';
import { act, materialsOf } from './cases-client.ts';
import { documentsOf, freshApplicant, pdfText, problemType } from './documents-client.ts';

const FOOD = '370982-AMR-XK-002';
const FOOD_RENEWAL = `${FOOD}-YX`;
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
/** The issue day plus 5 years less one day (the same rule as functions/documents/certificates.ts, written out). */
const fiveYearsFrom = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + 5, m - 1, d - 1)).toISOString().slice(0, 10);
};

const timeline: string[] = [];
const note = (line: string) => timeline.push(`${new Date().toISOString().slice(11, 19)}  ${line}`);

/** Applies for `item` as `username` (naming `certificateNo` if given), accepts, reviews and approves it: its certificate. */
async function licensed(username: string, item: string, certificateNo?: string) {
  const res = await call('POST', '/cases', { as: username, body: { itemCode: item, materials: materialsOf(item), ...(certificateNo ? { certificateNo } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const caseNo = res.body.caseNo as string;
  if (certificateNo) expect(res.body.certificateNo).toBe(certificateNo);
  const accepted = await act(caseNo, 'accept', 'clerk.amr', res.etag, {});
  const reviewed = await act(caseNo, 'review', 'clerk.amr', accepted.etag, { opinion: '材料齐全，现场核查符合条件' });
  await act(caseNo, 'approve', 'approver.amr', reviewed.etag, {});
  const cert = await until(`the certificate of ${caseNo}`, async () => (await documentsOf(caseNo, username)).find((d) => d.kind === 'certificate'), 60_000);
  return { caseNo, certificateNo: cert.certificateNo!, documentId: cert.documentId };
}

const publicCheck = async (no: string) => {
  const res = await call('GET', `/public/certificates/${no}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown>;
};

/** What the public check may show: the certificate's facts and state, never its case, reason or actor. */
const publicKeys = ['certificateNo', 'status', 'itemCode', 'itemName', 'departmentName', 'centerName', 'holder', 'issuedOn', 'validUntil', 'statusOn', 'supersedes', 'supersededBy', 'sha256'];

/** What a register entry may show: never the case, the digest, an ID number or why a licence ended. */
const registerKeys = ['certificateNo', 'status', 'statusOn', 'itemCode', 'itemName', 'departmentName', 'holder', 'issuedOn', 'validUntil'];

/** Every entry of the public register for `query`, paged `limit` at a time (each page's cache header checked), and how many pages it took. */
async function register(query: string, limit: number) {
  const entries: Record<string, unknown>[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await call('GET', `/public/licences?${query}&limit=${limit}${token ? `&nextToken=${token}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    entries.push(...(res.body.items as Record<string, unknown>[]));
    token = res.body.nextToken as string | undefined;
    pages++;
  } while (token && pages < 500);
  return { entries, pages };
}

/** A fresh enterprise with an account. */
async function freshEnterprise(name: string) {
  const username = `firm.${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  const reg = await registerApplicant({ kind: 'enterprise', username, name, email: `${username}@example.com`, phone: '0537-88886666', creditCode: freshCreditCode(), legalRepresentative: '李四' });
  expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  return { username };
}

const end = (no: string, action: 'revoke' | 'cancel', as: string, etag?: string) =>
  call('POST', `/certificates/${no}/${action}`, {
    as,
    body: { reason: '以欺骗手段取得许可（现场核查发现经营场所不实）', legalBasis: '《中华人民共和国行政许可法》第六十九条第二款' },
    headers: { 'accept-language': 'en', ...(etag ? { 'if-match': etag } : {}) },
  });

describe('the certificate\'s life', () => {
  it('5 years of validity, revoked by the issuing department\'s approver, a renewal superseding another: the public check of each', async () => {
    const holder = await freshApplicant('钱多多');

    // Issued with the item's 5 years: 有效期至 on the PDF and validUntil on the public check.
    const first = await licensed(holder.username, FOOD);
    const issuedOn = chinaToday();
    const shown = await publicCheck(first.certificateNo);
    expect(shown).toMatchObject({ status: 'valid', holder: '钱*多', issuedOn, validUntil: fiveYearsFrom(issuedOn), itemCode: FOOD });
    for (const k of Object.keys(shown)) expect(publicKeys).toContain(k);
    note(`${first.certificateNo} issued (case ${first.caseNo}): public check ${shown.status}, valid until ${shown.validUntil}`);
    const url = (await call('GET', `/cases/${first.caseNo}/documents/${first.documentId}/download`, { as: holder.username })).body.url as string;
    const text = await pdfText(new Uint8Array(await (await fetch(url)).arrayBuffer()));
    const [y, m, d] = fiveYearsFrom(issuedOn).split('-').map(Number);
    expect(text).toContain('有效期至');
    expect(text).toContain(`${y}年${m}月${d}日`);
    expect(text).not.toContain('长期有效');

    // The staff read gives the revision to act on.
    const read = await call('GET', `/certificates/${first.certificateNo}`, { as: 'approver.amr' });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ status: 'valid', caseNo: first.caseNo, etag: '1' });

    // Revocation: only an approver of the issuing department.
    for (const as of ['clerk.amr', 'approver.housing']) {
      const refused = await end(first.certificateNo, 'revoke', as, read.etag);
      expect(refused.status, `${as}: ${JSON.stringify(refused.body)}`).toBe(403);
    }
    const stale = await end(first.certificateNo, 'revoke', 'approver.amr', '"0"');
    expect(stale.status, JSON.stringify(stale.body)).toBe(412);
    const revoked = await end(first.certificateNo, 'revoke', 'approver.amr', read.etag);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', statusOn: chinaToday(), ended: { legalBasis: '《中华人民共和国行政许可法》第六十九条第二款' }, etag: '2' });
    const afterRevocation = await publicCheck(first.certificateNo);
    expect(afterRevocation).toMatchObject({ status: 'revoked', statusOn: chinaToday(), validUntil: fiveYearsFrom(issuedOn) });
    expect(JSON.stringify(afterRevocation)).not.toContain('欺骗');
    expect(JSON.stringify(afterRevocation)).not.toContain(first.caseNo);
    note(`${first.certificateNo} revoked by approver.amr: public check ${afterRevocation.status} on ${afterRevocation.statusOn} (clerk.amr and approver.housing: 403, stale If-Match: 412)`);

    // Ended is final: revoking again, or cancelling, is 409 naming the state and its day.
    for (const action of ['revoke', 'cancel'] as const) {
      const again = await end(first.certificateNo, action, 'approver.amr');
      expect(again.status, JSON.stringify(again.body)).toBe(409);
      expect(again.body.type).toBe(problemType('certificate-not-valid'));
      expect(again.body.detail).toContain(`revoked on ${chinaToday()}`);
    }
    note(`${first.certificateNo} revoked again / cancelled: 409 certificate-not-valid`);

    // A revoked licence cannot be renewed: intake refuses it (409), as a certificate of someone else (422).
    const renewRevoked = await call('POST', '/cases', { as: holder.username, body: { itemCode: FOOD_RENEWAL, materials: materialsOf(FOOD_RENEWAL), certificateNo: first.certificateNo } });
    expect(renewRevoked.status, JSON.stringify(renewRevoked.body)).toBe(409);
    expect(renewRevoked.body.type).toBe(problemType('certificate-not-valid'));

    // A second licence, renewed: the renewal case names it, its approval supersedes it.
    const second = await licensed(holder.username, FOOD);
    const other = await freshApplicant('孙小美');
    const notTheirs = await call('POST', '/cases', { as: other.username, body: { itemCode: FOOD_RENEWAL, materials: materialsOf(FOOD_RENEWAL), certificateNo: second.certificateNo } });
    expect(notTheirs.status, JSON.stringify(notTheirs.body)).toBe(422);
    expect(notTheirs.body.type).toBe(problemType('certificate-not-held'));
    const newWithCertificate = await call('POST', '/cases', { as: holder.username, body: { itemCode: FOOD, materials: materialsOf(FOOD), certificateNo: second.certificateNo } });
    expect(newWithCertificate.status, JSON.stringify(newWithCertificate.body)).toBe(422);
    note(`${second.certificateNo} issued (case ${second.caseNo}); renewal of it by another applicant: 422 certificate-not-held; of the revoked one: 409`);

    const renewed = await licensed(holder.username, FOOD_RENEWAL, second.certificateNo);
    const old = await publicCheck(second.certificateNo);
    const successor = await publicCheck(renewed.certificateNo);
    expect(old).toMatchObject({ status: 'superseded', statusOn: chinaToday(), supersededBy: renewed.certificateNo });
    expect(successor).toMatchObject({ status: 'valid', supersedes: second.certificateNo, validUntil: fiveYearsFrom(chinaToday()), holder: '钱*多' });
    for (const k of [...Object.keys(old), ...Object.keys(successor)]) expect(publicKeys).toContain(k);
    note(`${second.certificateNo} renewed by case ${renewed.caseNo}: public check ${old.status} on ${old.statusOn} by ${old.supersededBy}`);
    note(`${renewed.certificateNo}: public check ${successor.status}, supersedes ${successor.supersedes}, valid until ${successor.validUntil}`);

    // The superseded licence is final too.
    const revokeSuperseded = await end(second.certificateNo, 'revoke', 'approver.amr');
    expect(revokeSuperseded.status).toBe(409);
    expect(revokeSuperseded.body.detail).toContain('superseded');

    // A certificate issued before certificates recorded their department, holder and revision: its case supplies
    // the first two (the holder renews it, another department's approver is still refused), its revision reads as 0.
    const legacy = await licensed(holder.username, FOOD);
    await doc.send(new UpdateCommand({ TableName: cloud.tableName, Key: { PK: `CERT#${legacy.certificateNo}`, SK: 'CERT' }, UpdateExpression: 'REMOVE departmentId, holderId, rev' }));
    expect((await end(legacy.certificateNo, 'cancel', 'approver.housing')).status).toBe(403);
    const legacyRead = await call('GET', `/certificates/${legacy.certificateNo}`, { as: 'approver.amr' });
    expect(legacyRead.body.etag).toBe('0');
    const cancelled = await end(legacy.certificateNo, 'cancel', 'approver.amr', legacyRead.etag);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await publicCheck(legacy.certificateNo)).toMatchObject({ status: 'cancelled', statusOn: chinaToday() });
    note(`${legacy.certificateNo} (stored without department, holder, revision) cancelled by approver.amr: public check cancelled; approver.housing: 403`);

    // The public register (art. 40): the item's licences newest first, over pages, each in its state today; an enterprise by its name.
    const firm = await freshEnterprise('济宁味之源餐饮有限公司');
    const firmLicence = await licensed(firm.username, FOOD);
    expect(await publicCheck(firmLicence.certificateNo)).toMatchObject({ status: 'valid', holder: '济宁味之源餐饮有限公司' });
    const food = await register(`centerId=center-demo&itemCode=${FOOD}`, 2);
    expect(food.pages).toBeGreaterThanOrEqual(2);
    const numbers = food.entries.map((e) => e.certificateNo as string);
    expect(new Set(numbers).size).toBe(numbers.length);
    const days = food.entries.map((e) => e.issuedOn as string);
    expect(days).toEqual([...days].sort().reverse());
    expect(food.entries.every((e) => e.itemCode === FOOD)).toBe(true);
    for (const e of food.entries) for (const k of Object.keys(e)) expect(registerKeys).toContain(k);
    const entry = (no: string) => food.entries.find((e) => e.certificateNo === no);
    expect(entry(firmLicence.certificateNo)).toEqual({
      certificateNo: firmLicence.certificateNo, status: 'valid', itemCode: FOOD, itemName: '食品经营许可', departmentName: expect.any(String),
      holder: '济宁味之源餐饮有限公司', issuedOn: chinaToday(), validUntil: fiveYearsFrom(chinaToday()),
    });
    expect(entry(first.certificateNo)).toMatchObject({ status: 'revoked', statusOn: chinaToday(), holder: '钱*多' });
    expect(entry(second.certificateNo)).toMatchObject({ status: 'superseded', statusOn: chinaToday(), holder: '钱*多' });
    expect(entry(legacy.certificateNo)).toMatchObject({ status: 'cancelled', statusOn: chinaToday() });
    // Newest first: the enterprise's licence, issued last, comes before the citizen's first one.
    expect(numbers.indexOf(firmLicence.certificateNo)).toBeLessThan(numbers.indexOf(first.certificateNo));
    const shownText = JSON.stringify(food.entries);
    for (const hidden of [first.caseNo, firmLicence.caseNo, '钱多多', '欺骗']) expect(shownText).not.toContain(hidden);
    expect(entry(renewed.certificateNo)).toBeUndefined();
    expect((await register(`itemCode=${FOOD_RENEWAL}`, 100)).entries.find((e) => e.certificateNo === renewed.certificateNo)).toMatchObject({ status: 'valid', holder: '钱*多' });
    // A page's token is bound to its center and item: with another item it is refused.
    const firstPage = await call('GET', `/public/licences?itemCode=${FOOD}&limit=1`);
    const foreign = await call('GET', `/public/licences?itemCode=${FOOD_RENEWAL}&limit=1&nextToken=${firstPage.body.nextToken as string}`);
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(400);
    note(`register of ${FOOD}: ${food.entries.length} licences over ${food.pages} pages, newest first; ${firmLicence.certificateNo} held by 济宁味之源餐饮有限公司, ${first.certificateNo} revoked (钱*多); another item's token: 400`);

    console.log(`The certificate's life:\n${timeline.map((l) => `  ${l}`).join('\n')}`);
  }, 240_000);
});
