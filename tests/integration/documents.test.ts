/**
 * Materials, issued documents and archives over the local cloud: presigned
 * PUTs through fetch against the S3 server, the upload check on the bucket's
 * notification, audited downloads and who gets them, receipts, notices,
 * decisions (art. 38) and certificates as PDFs with Chinese text and a
 * signature poppler's pdfsig verifies, the archive package on completion
 * with the decision, and the delivery's supplement chained to it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { demoItems } from '../../local/seed/items.ts';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { call, centerToday, cloud, doc, freshCreditCode, registerApplicant, until } from './api-client.ts';
import { act, itemByMode, submit } from './cases-client.ts';
import {
  bucketOf,
  completeCase,
  documentsOf,
  fileOf,
  freshApplicant,
  openCase,
  pdfText,
  problemType,
  put,
  requestUpload,
  samples,
  settled,
  sha256,
  subOf,
  upload,
  type Slot,
} from './documents-client.ts';

const s3 = new S3Client({
  endpoint: cloud.endpoints.s3, region: 'us-east-1', forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
});
const materials = bucketOf('MaterialsBucket');

const objectExists = (key: string) => s3.send(new HeadObjectCommand({ Bucket: materials, Key: key })).then(() => true, () => false);
const download = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

/** What pdfsig (poppler-utils; .ci/run installs it) says of a PDF: without the tool this fails with ENOENT rather than skipping. */
function pdfsig(bytes: Uint8Array, name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'onestop-issued-')), `${name}.pdf`);
  writeFileSync(path, bytes);
  return execFileSync('pdfsig', [path], { encoding: 'utf8' });
}

const expectSigned = (bytes: Uint8Array, name: string) => {
  const report = pdfsig(bytes, name);
  console.log(`pdfsig of a ${name} issued through the local cloud:\n${report}`);
  expect(report).toContain('Signature Validation: Signature is Valid.');
  expect(report).toContain('Total document signed');
};

/** The bytes of a case's document of `kind` (waiting for it), downloaded as `as`, checked against its record. */
async function documentBytes(caseNo: string, kind: string, as: string) {
  const d = await until(`${kind} of ${caseNo}`, async () => (await documentsOf(caseNo, as)).find((x) => x.kind === kind));
  const bytes = await download((await call('GET', `/cases/${caseNo}/documents/${d.documentId}/download`, { as })).body.url);
  expect(sha256(bytes)).toBe(d.sha256);
  return bytes;
}

const flat = (s: string) => s.replace(/\s+/g, '');
const flatText = async (bytes: Uint8Array) => flat(await pdfText(bytes));

/** The demo item's legal basis as a decision prints each provision. */
const basisOf = (code: string) => demoItems.find((i) => i.code === code)!.content.legalBasis.map((b) => flat(`${b.title}${b.article ?? ''}`));

/** Sets (or, with undefined, removes) the remedies' bodies on version 1 of a demo item, the version its cases are filed under. */
async function setRemedies(itemCode: string, remedies: { reconsiderationBody: string; court: string } | undefined) {
  await doc.send(new UpdateCommand({
    TableName: cloud.tableName,
    Key: { PK: `CENTER#center-demo#ITEM#${itemCode}`, SK: 'V#000001' },
    ...(remedies
      ? { UpdateExpression: 'SET content.remedies = :r', ExpressionAttributeValues: { ':r': remedies } }
      : { UpdateExpression: 'REMOVE content.remedies' }),
    ConditionExpression: 'attribute_exists(PK)',
  }));
}

/** The audit records of a case from the documents domain (GET /audit/events by subject). */
async function documentAudit(caseNo: string) {
  const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const res = await call('GET', `/audit/events?from=${day}&to=${day}&subjectType=case&subjectId=${encodeURIComponent(caseNo)}&limit=100`, { as: 'auditor' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { action: string; source: string; actor: { id: string; role: string } }[]).filter((r) => r.source === 'onestop.documents');
}

describe('materials: presigned upload and the check', () => {
  it('a valid PDF is received with its size, SHA-256 and trust level C; the applicant downloads the same bytes, audited', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const file = await upload(caseNo, who.username, 'application-form', samples.pdf);
    expect(file).toMatchObject({
      status: 'received', size: samples.pdf.length, sha256: sha256(samples.pdf), detectedType: 'application/pdf', trustLevel: 'C',
      uploadedBy: await subOf(who.username), channel: 'online', form: 'electronic', etag: expect.any(String),
    });

    const got = await call('GET', `/cases/${caseNo}/materials/${file.fileId}/download`, { as: who.username });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(new URL(got.body.url).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(sha256(await download(got.body.url))).toBe(file.sha256);
    const audit = await until('the download in the audit log', async () => {
      const records = await documentAudit(caseNo);
      // Each event reaches the audit log on its own delivery: wait for both.
      return records.some((r) => r.action === 'DocumentRetrieved') && records.some((r) => r.action === 'MaterialReceived') ? records : undefined;
    });
    expect(audit.find((r) => r.action === 'DocumentRetrieved')!.actor.role).toBe('applicant');
    expect(audit.map((r) => r.action)).toContain('MaterialReceived');
  });

  it('a wrong content type is refused at the slot, and a PUT with another type than signed is refused by S3', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const refused = await requestUpload(caseNo, who.username, { materialId: 'application-form', contentType: 'application/x-msdownload', size: 100 }, 400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain('/body/contentType');

    const slot = (await requestUpload(caseNo, who.username, { materialId: 'application-form', contentType: 'application/pdf', size: samples.pdf.length })).body as Slot;
    const res = await put(slot, samples.pdf, { ...slot.upload.headers, 'content-type': 'text/html' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
    expect(await objectExists(`uploads/center-demo/${caseNo}/${slot.file.fileId}`)).toBe(false);
    expect((await fileOf(caseNo, slot.file.fileId, who.username))!.status).toBe('pending');
  });

  it('an oversized file: over the item\'s limit at the slot; a body longer than signed refused by S3', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const big = await requestUpload(caseNo, who.username, { materialId: 'premises', contentType: 'application/pdf', size: 20 * 1024 * 1024 + 1 }, 422);
    expect(big.body.type).toBe(problemType('file-too-large'));
    expect(big.body.errors).toEqual([expect.objectContaining({ path: '/body/size', code: 'too_large' })]);
    const unknown = await requestUpload(caseNo, who.username, { materialId: 'no-such-material', contentType: 'application/pdf', size: 10 }, 422);
    expect(unknown.body.type).toBe(problemType('material-not-on-checklist'));
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: '/body/materialId', code: 'unknown_material' })]);

    const slot = (await requestUpload(caseNo, who.username, { materialId: 'premises', contentType: 'application/pdf', size: samples.pdf.length })).body as Slot;
    const longer = new Uint8Array([...samples.pdf, ...new Uint8Array(1024)]);
    const res = await put(slot, longer);
    expect(res.status).toBe(403);
    expect((await fileOf(caseNo, slot.file.fileId, who.username))!.status).toBe('pending');
  });

  it('a renamed executable is rejected with its reason and deleted; nobody can download it', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const slot = (await requestUpload(caseNo, who.username, { materialId: 'operator-id', contentType: 'application/pdf', size: samples.exe.length, fileName: 'scan.pdf' })).body as Slot;
    expect((await put(slot, samples.exe)).status).toBe(200);
    const file = await settled(caseNo, slot.file.fileId, who.username);
    expect(file).toMatchObject({ status: 'rejected', rejection: { code: 'executable', reason: 'Declared as PDF, the file is a Windows executable (PE).' } });
    const key = `uploads/center-demo/${caseNo}/${file.fileId}`;
    // The rejection is recorded first, then the object deleted: the status can show before the delete has run.
    await until('the executable deleted', async () => ((await objectExists(key)) ? undefined : true));
    // The URL still works for its 15 minutes, but what it puts into a rejected slot is deleted again.
    expect((await put(slot, samples.pdf.subarray(0, samples.exe.length))).status).toBe(200);
    await until('the second put deleted', async () => ((await objectExists(key)) ? undefined : true));
    expect((await fileOf(caseNo, file.fileId, who.username))!.status).toBe('rejected');
    const got = await call('GET', `/cases/${caseNo}/materials/${file.fileId}/download`, { as: who.username });
    expect([got.status, got.body.type]).toEqual([409, problemType('file-not-received')]);
    // The case itself is untouched by a failed upload: same version, same checklist.
    const c = await call('GET', `/cases/${caseNo}`, { as: who.username });
    expect(c.body.version).toBe(1);
  });

  it('a PNG declared as PDF is a type mismatch; a declared SHA-256 that differs is a digest mismatch', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const png = await upload(caseNo, who.username, 'premises', samples.png);
    expect(png.rejection).toEqual({ code: 'type_mismatch', reason: 'Declared as PDF, the file is a PNG.' });
    const slot = (await requestUpload(caseNo, who.username, { materialId: 'premises', contentType: 'application/pdf', size: samples.pdf.length, sha256: '0'.repeat(64) })).body as Slot;
    expect((await put(slot, samples.pdf)).status).toBe(200);
    expect((await settled(caseNo, slot.file.fileId, who.username)).rejection.code).toBe('digest_mismatch');
  });

  it('the same Idempotency-Key returns the same slot with a fresh URL; another body with it is 422; the URL cannot overwrite a received file', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const body = { materialId: 'application-form', contentType: 'application/pdf', size: samples.pdf.length };
    const first = await requestUpload(caseNo, who.username, body, 201, { 'idempotency-key': 'scan-1' });
    expect(first.etag).toBe(`"${first.body.file.etag}"`);
    await new Promise((r) => setTimeout(r, 1_100));
    const again = await requestUpload(caseNo, who.username, body, 201, { 'idempotency-key': 'scan-1' });
    expect(again.body.file).toEqual(first.body.file);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Signed anew (a second later): the recorded URL may have expired by the time a client retries.
    expect(again.body.upload.url).not.toBe(first.body.upload.url);
    expect(new URL(again.body.upload.url).pathname).toBe(new URL(first.body.upload.url).pathname);
    const reused = await requestUpload(caseNo, who.username, { ...body, size: 99 }, 422, { 'idempotency-key': 'scan-1' });
    expect(reused.body.type).toBe(problemType('idempotency-key-reused'));
    // One slot for the key: the retry made none.
    expect((await call('GET', `/cases/${caseNo}/materials`, { as: who.username })).body.files).toHaveLength(1);
    expect((await put(again.body, samples.pdf)).status).toBe(200);
    await settled(caseNo, first.body.file.fileId, who.username);
    expect((await put(first.body, samples.pdf)).status).toBe(412);
    // The key is spent: its slot took a file.
    const closed = await requestUpload(caseNo, who.username, body, 422, { 'idempotency-key': 'scan-1' });
    expect(closed.body.type).toBe(problemType('upload-slot-closed'));
  });

  it('a file name with a lone surrogate is refused before anything is stored (400, never a 500 on its download)', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    // JSON.stringify writes the lone surrogate as the escape \ud800, which JSON.parse reads back as one.
    const res = await call('POST', `/cases/${caseNo}/materials`, {
      as: who.username, rawBody: JSON.stringify({ materialId: 'premises', contentType: 'application/pdf', size: 10, fileName: 'scan\ud800.pdf' }), headers: { 'content-type': 'application/json' },
    });
    expect([res.status, res.body.type]).toEqual([400, problemType('malformed-request')]);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '/body/fileName', code: 'malformed_unicode' })]);
    expect((await call('GET', `/cases/${caseNo}/materials`, { as: who.username })).body.files).toEqual([]);
  });

  it('a file name is stored normalised: NFC, without a right-to-left override disguising its extension', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const slot = await requestUpload(caseNo, who.username, { materialId: 'premises', contentType: 'application/pdf', size: samples.pdf.length, fileName: 'invoice\u202Efdp.exe' });
    expect(slot.body.file.fileName).toBe('invoicefdp.exe');
    const decomposed = await requestUpload(caseNo, who.username, { materialId: 'premises', contentType: 'application/pdf', size: samples.pdf.length, fileName: 'Cafe\u0301.pdf' });
    expect(decomposed.body.file.fileName).toBe('Caf\u00e9.pdf');
    expect((await fileOf(caseNo, slot.body.file.fileId, who.username))!.fileName).toBe('invoicefdp.exe');
  });

  it('a file stored before names were checked (a lone surrogate) and uploaders recorded by account still reads and downloads', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const file = await upload(caseNo, who.username, 'premises', samples.pdf);
    // As such a file was written: the uploader's role in uploadedBy, the account apart, the request's digest.
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: `FILE#${file.fileId}` },
      UpdateExpression: 'SET fileName = :n, uploadedBy = :role, uploaderSub = :sub, fingerprint = :f REMOVE channel',
      ExpressionAttributeValues: { ':n': '\ud800\u202Escan.pdf', ':role': 'applicant', ':sub': file.uploadedBy, ':f': 'digest' },
    }));
    const old = await fileOf(caseNo, file.fileId, who.username);
    expect(old).toMatchObject({ uploadedBy: file.uploadedBy, channel: 'online' });
    expect(old).not.toHaveProperty('uploaderSub');
    expect(old).not.toHaveProperty('fingerprint');
    const got = await call('GET', `/cases/${caseNo}/materials/${file.fileId}/download`, { as: who.username });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const res = await fetch(got.body.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._-]*scan\.pdf$/);
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(file.sha256);
  });

  it('a clerk scanning at the counter uploads with trust level B; an applicant upload is verified to B by a clerk', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const clerk = await subOf('clerk.amr');
    const scanned = await upload(caseNo, 'clerk.amr', 'premises', samples.pdf);
    expect(scanned).toMatchObject({ status: 'received', trustLevel: 'B', uploadedBy: clerk, channel: 'window', verifiedBy: clerk });
    // The applicant sees that staff scanned it, not who.
    expect(await fileOf(caseNo, scanned.fileId, who.username)).toMatchObject({ uploadedBy: 'staff', channel: 'window', verifiedBy: 'staff' });
    const own = await upload(caseNo, who.username, 'application-form', samples.pdf);
    expect(own.trustLevel).toBe('C');
    const verify = (as: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => call('POST', `/cases/${caseNo}/materials/${own.fileId}/verify`, { as, ...opts });
    expect((await verify(who.username)).status).toBe(403);
    expect((await verify('clerk.housing')).status).toBe(403);
    const stale = await verify('clerk.amr', { body: {}, headers: { 'if-match': '"not-the-version"' } });
    expect([stale.status, stale.body.type]).toEqual([412, problemType('precondition-failed')]);
    const verified = await verify('clerk.amr', { body: {}, headers: { 'if-match': `"${own.etag}"` } });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ fileId: own.fileId, trustLevel: 'B', verifiedBy: clerk, uploadedBy: await subOf(who.username) });
    expect(verified.etag).toBe(`"${verified.body.etag}"`);
    expect(verified.body.etag).not.toBe(own.etag);
    // Verified again, without a body: nothing changes, the same version.
    const again = await verify('clerk.amr');
    expect([again.status, again.etag]).toEqual([200, verified.etag]);
    expect((await fileOf(caseNo, own.fileId, who.username))).toMatchObject({ trustLevel: 'B', verifiedBy: 'staff', etag: verified.body.etag });
  });
});

describe('a checked file replaced in the bucket', () => {
  it('is rejected as replaced and removed: what was checked is no longer what is stored', async () => {
    const who = await freshApplicant();
    const { caseNo } = await openCase(who.username);
    const file = await upload(caseNo, who.username, 'application-form', samples.pdf);
    const key = `uploads/center-demo/${caseNo}/${file.fileId}`;
    await s3.send(new PutObjectCommand({ Bucket: materials, Key: key, Body: samples.exe, ContentType: 'application/pdf' }));
    const replaced = await until('the replacement rejected', async () => {
      const f = await fileOf(caseNo, file.fileId, who.username);
      return f?.status === 'rejected' ? f : undefined;
    });
    expect(replaced.rejection).toEqual({ code: 'replaced', reason: 'The object was replaced after it had been checked.' });
    expect(replaced.etag).not.toBe(file.etag);
    const got = await call('GET', `/cases/${caseNo}/materials/${file.fileId}/download`, { as: who.username });
    expect([got.status, got.body.type]).toEqual([409, problemType('file-not-received')]);
  });
});

describe('who gets a file', () => {
  it('another applicant gets 404, another department and supervision 403, the handling clerk the file; an expired URL nothing', async () => {
    const who = await freshApplicant();
    const other = await freshApplicant('钱八');
    const { caseNo } = await openCase(who.username);
    const file = await upload(caseNo, who.username, 'application-form', samples.pdf);
    const path = `/cases/${caseNo}/materials/${file.fileId}/download`;
    expect((await call('GET', path, { as: other.username })).status).toBe(404);
    expect((await call('GET', `/cases/${caseNo}/materials`, { as: other.username })).status).toBe(404);
    expect((await call('POST', `/cases/${caseNo}/materials`, { as: other.username, body: { materialId: 'premises', contentType: 'application/pdf', size: 10 } })).status).toBe(404);
    expect((await call('GET', path, { as: 'clerk.housing' })).status).toBe(403);
    expect((await call('GET', path, { as: 'supervisor' })).status).toBe(403);
    expect((await call('POST', `/cases/${caseNo}/materials`, { as: 'clerk.housing', body: { materialId: 'premises', contentType: 'application/pdf', size: 10 } })).status).toBe(403);
    const clerk = await call('GET', path, { as: 'clerk.amr' });
    expect(clerk.status).toBe(200);
    expect(sha256(await download(clerk.body.url))).toBe(file.sha256);

    // A URL past its expiry: the S3 server answers 403 and no bytes (signed here 10 s ago for 1 s, as the API signs for 300 s).
    const key = new URL(clerk.body.url).pathname.split('/').slice(2).map(decodeURIComponent).join('/');
    const signedAt = new Date(Date.now() - 10_000);
    const short = await getSignedUrl(s3, new GetObjectCommand({ Bucket: materials, Key: key }), { expiresIn: 1, signingDate: signedAt });
    // The same signing instant with a longer life still reads: the refusal below is the expiry's.
    const long = await getSignedUrl(s3, new GetObjectCommand({ Bucket: materials, Key: key }), { expiresIn: 60, signingDate: signedAt });
    expect(sha256(Buffer.from(await (await fetch(long)).arrayBuffer()))).toBe(file.sha256);
    const expired = await fetch(short);
    expect(expired.status).toBe(403);
    expect(await expired.text()).not.toContain('%PDF');
  });
});

describe('issued documents and certificates', () => {
  it('acceptance issues the 受理通知书 as a PDF with Chinese text; approval a certificate checked at the public route', async () => {
    const who = await freshApplicant('孙悟空');
    const { caseNo, etag } = await openCase(who.username);
    await completeCase(caseNo, etag);
    const docs = await until('receipt, decision and certificate', async () => {
      const d = await documentsOf(caseNo, who.username);
      return d.length >= 3 ? d : undefined;
    });
    expect(docs.map((d) => d.kind).sort()).toEqual(['acceptance_receipt', 'certificate', 'grant_decision']);
    for (const d of docs) expect(d).toMatchObject({ etag: expect.any(String) });

    const receipt = docs.find((d) => d.kind === 'acceptance_receipt')!;
    const got = await call('GET', `/cases/${caseNo}/documents/${receipt.documentId}/download`, { as: who.username });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const bytes = await download(got.body.url);
    expect(sha256(bytes)).toBe(receipt.sha256);
    const text = await pdfText(bytes);
    for (const expected of ['受理通知书', caseNo, '孙悟空', '个体工商户']) expect(text).toContain(expected);

    const cert = docs.find((d) => d.kind === 'certificate')!;
    const check = await call('GET', `/public/certificates/${cert.certificateNo}`);
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    expect(check.body).toMatchObject({ certificateNo: cert.certificateNo, status: 'valid', holder: '孙*空', sha256: cert.sha256 });
    const certText = await pdfText(await download((await call('GET', `/cases/${caseNo}/documents/${cert.documentId}/download`, { as: 'clerk.amr' })).body.url));
    expect(certText).toContain(cert.certificateNo!);
    const mistyped = `${cert.certificateNo!.slice(0, -1)}${cert.certificateNo!.endsWith('0') ? '1' : '0'}`;
    expect((await call('GET', `/public/certificates/${mistyped}`)).status).toBe(404);

    // The grant decision (art. 38) beside it: the item version's legal basis, the certificate it issues, the remedies (the defaults: the item names no bodies).
    const grant = await documentBytes(caseNo, 'grant_decision', who.username);
    expectSigned(grant, 'grant decision');
    const grantText = await flatText(grant);
    for (const expected of ['准予行政许可决定书', caseNo, '孙悟空', '决定准予行政许可', ...basisOf('370982-AMR-XK-003'), cert.certificateNo!, '60日内向本级人民政府申请行政复议', '6个月内向本机关所在地的基层人民法院提起行政诉讼']) {
      expect(grantText, expected).toContain(flat(expected));
    }
  });

  it('a denial issues the 不予行政许可决定书: reasons, legal basis, the bodies the item names; no certificate; the archive holds the decision', async () => {
    const item = '370982-AMR-XK-003';
    const who = await freshApplicant('沙悟净');
    const { caseNo, etag } = await openCase(who.username);
    await setRemedies(item, { reconsiderationBody: '示范县人民政府', court: '示范县人民法院' });
    try {
      const accepted = await act(caseNo, 'accept', 'clerk.amr', etag, {});
      const reasons = ['经营场所位于居民住宅楼内，不符合《个体工商户登记管理办法》规定的经营场所条件', '经营者身份证明与申请人不一致'];
      const denied = await act(caseNo, 'deny', 'clerk.amr', accepted.etag, { reasons });
      const text = await flatText(await documentBytes(caseNo, 'denial_decision', who.username));
      for (const expected of ['不予行政许可决定书', caseNo, '决定不予行政许可，理由如下', ...reasons, ...basisOf(item), '60日内向示范县人民政府申请行政复议', '6个月内向示范县人民法院提起行政诉讼']) {
        expect(text, expected).toContain(flat(expected));
      }
      await act(caseNo, 'complete', 'clerk.amr', denied.etag, {});
    } finally {
      await setRemedies(item, undefined);
    }
    const archived = await until('the archive', async () => {
      const res = await call('GET', `/archives/${caseNo}`, { as: 'auditor' });
      return res.status === 200 ? res.body : undefined;
    });
    expect(archived.manifest.documents.map((d: { kind: string }) => d.kind).sort()).toEqual(['acceptance_receipt', 'denial_decision']);
    expect(archived.manifest.decision).toMatchObject({ outcome: 'denied' });
    expect((await documentsOf(caseNo, who.username)).map((d) => d.kind)).not.toContain('certificate');
  });

  it('an escalated item (上报件): the county issues the 转报结果告知书 with the upper authority\'s decision, and neither a decision nor a certificate of its own', async () => {
    const item = itemByMode('escalated', 'health');
    const username = `ent.fwd.${Date.now().toString(36)}`;
    const reg = await registerApplicant({ kind: 'enterprise', username, name: '示范县人民医院有限公司', email: `${username}@example.com`, phone: '0538-7654321', creditCode: freshCreditCode(), legalRepresentative: '唐三藏' });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const filed = await submit(item.code, { as: username });
    const caseNo = filed.body.caseNo as string;
    const accepted = await act(caseNo, 'accept', 'clerk.health', filed.etag, {});
    const reviewed = await act(caseNo, 'review', 'clerk.health', accepted.etag, { opinion: '初审材料齐全，拟上报省卫生健康委' });
    const escalated = await act(caseNo, 'escalate', 'approver.health', reviewed.etag, { authority: '山东省卫生健康委员会', reason: '放射治疗项目由省级卫生健康部门审批' });
    const upperDecision = { authority: '山东省卫生健康委员会', documentNo: '鲁卫放证字〔2026〕18号', decidedOn: centerToday(), outcome: 'granted', certificateNo: '鲁卫放证370000-0018' };
    const back = await act(caseNo, 'returnFromEscalation', 'clerk.health', escalated.etag, { outcome: '省卫生健康委准予许可', upperDecision });
    await act(caseNo, 'approve', 'approver.health', back.etag, {});
    const notice = await documentBytes(caseNo, 'forwarding_notice', username);
    expectSigned(notice, 'forwarding notice');
    const text = await flatText(notice);
    for (const expected of ['转报结果告知书', caseNo, '决定机关：山东省卫生健康委员会', '决定文号：鲁卫放证字〔2026〕18号', '决定结果：准予行政许可', '许可证件编号：鲁卫放证370000-0018', '不是本机关的行政许可决定']) {
      expect(text, expected).toContain(flat(expected));
    }
    expect((await documentsOf(caseNo, username)).map((d) => d.kind).sort()).toEqual(['acceptance_receipt', 'forwarding_notice']);
  });

  it('an issued document is signed by the center\'s development key: pdfsig finds the whole file signed and the signature valid', async () => {
    const who = await freshApplicant('猪八戒');
    const { caseNo, etag } = await openCase(who.username);
    await act(caseNo, 'accept', 'clerk.amr', etag, {});
    const receipt = await until('the receipt', async () => (await documentsOf(caseNo, who.username)).find((d) => d.kind === 'acceptance_receipt'));
    const bytes = await download((await call('GET', `/cases/${caseNo}/documents/${receipt.documentId}/download`, { as: who.username })).body.url);
    expect(sha256(bytes)).toBe(receipt.sha256);
    const path = join(mkdtempSync(join(tmpdir(), 'onestop-issued-')), 'receipt.pdf');
    writeFileSync(path, bytes);
    // pdfsig is poppler-utils' (.ci/run installs it); without it this fails with ENOENT rather than skipping.
    const report = execFileSync('pdfsig', [path], { encoding: 'utf8' });
    console.log(`pdfsig of a receipt issued through the local cloud:\n${report}`);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Total document signed');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain('Signer Certificate Common Name: 示范县政务服务中心');
  });
});

describe('notices', () => {
  it('the one-time supplement notice lists every material noticed; the refusal notice its reasons and the remedies', async () => {
    const who = await freshApplicant('周八');
    const first = await call('POST', '/cases', { as: who.username, body: { itemCode: '370982-AMR-XK-003', materials: [{ materialId: 'application-form', form: 'original', count: 1 }] } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await act(first.body.caseNo, 'requestSupplement', 'clerk.amr', first.etag, {
      items: [
        { materialId: 'operator-id', problem: 'missing', detail: '未提交经营者身份证明' },
        { materialId: 'premises', problem: 'missing', detail: '缺少经营场所使用证明' },
      ],
    });
    const second = await openCase(who.username);
    // Outside this agency's powers (art. 32 para. 1 (2)) names the agency to apply to: a field-level 400 without it.
    const unnamed = await act(second.caseNo, 'refuse', 'clerk.amr', second.etag, { reasons: ['申请事项属于药品零售许可'], ground: 'outside_powers' }, 400);
    expect(unnamed.body.type).toBe(problemType('validation-failed'));
    expect(unnamed.body.errors).toEqual([expect.objectContaining({ path: '/body/competentAgency', code: 'required' })]);
    await act(second.caseNo, 'refuse', 'clerk.amr', second.etag, { reasons: ['申请事项属于药品零售许可'], ground: 'outside_powers', competentAgency: '济宁市市场监督管理局' });
    const third = await openCase(who.username);
    await act(third.caseNo, 'refuse', 'clerk.amr', third.etag, { reasons: ['仅从事农产品初级加工，依法不需要取得行政许可'], ground: 'not_subject_to_licensing' });

    const textOf = async (caseNo: string, kind: string) => {
      const doc = await until(`${kind} of ${caseNo}`, async () => (await documentsOf(caseNo, who.username)).find((d) => d.kind === kind));
      const got = await call('GET', `/cases/${caseNo}/documents/${doc.documentId}/download`, { as: who.username });
      return pdfText(await download(got.body.url));
    };
    const notice = await textOf(first.body.caseNo, 'supplement_notice');
    for (const expected of ['一次性告知', '未提交经营者身份证明', '缺少经营场所使用证明', '周八']) expect(notice).toContain(expected);
    const refusal = flat(await textOf(second.caseNo, 'refusal_notice'));
    for (const expected of ['不予受理', '不属于本机关职权范围', '第三十二条第一款第（二）项', '请向济宁市市场监督管理局提出申请', '60日内向本级人民政府申请行政复议', '6个月内']) expect(refusal, expected).toContain(expected);
    const notSubject = flat(await textOf(third.caseNo, 'refusal_notice'));
    for (const expected of ['依法不需要取得行政许可', '第三十二条第一款第（一）项', '即时告知']) expect(notSubject, expected).toContain(expected);
  });
});

describe('archive', () => {
  it('completion archives the case: every material and document with a matching digest; retrieval audited, staff of a department refused', async () => {
    const who = await freshApplicant();
    const { caseNo, etag } = await openCase(who.username);
    const uploaded = [
      await upload(caseNo, who.username, 'application-form', samples.pdf),
      await upload(caseNo, who.username, 'premises', samples.jpeg, 'image/jpeg'),
    ];
    const completed = await completeCase(caseNo, etag);
    const c = await until('the archive location on the case', async () => {
      const res = await call('GET', `/cases/${caseNo}`, { as: 'clerk.amr' });
      return res.body.archiveLocation ? res.body : undefined;
    });
    expect((await call('GET', `/cases/${caseNo}`, { as: who.username })).body.archiveLocation).toBeUndefined();
    expect(c.archiveLocation).toMatch(new RegExp(`^s3://[a-z0-9-]+/archives/center-demo/${caseNo}/$`));

    expect((await call('GET', `/archives/${caseNo}`, { as: 'clerk.amr' })).status).toBe(403);
    const got = await call('GET', `/archives/${caseNo}`, { as: 'auditor' });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const { manifest, objects, archive } = got.body;
    expect(archive).toMatchObject({ retentionClass: '30y', retainUntil: `${Number(c.completedAt.slice(0, 4)) + 31}-01-01` });
    expect(manifest.materials.map((m: { sha256: string }) => m.sha256).sort()).toEqual(uploaded.map((u) => u.sha256).sort());
    expect(manifest.documents.map((d: { kind: string }) => d.kind).sort()).toEqual(['acceptance_receipt', 'certificate', 'grant_decision']);
    expect(manifest.timeline.map((e: { type: string }) => e.type)).toEqual(['CaseSubmitted', 'CaseAccepted', 'CaseApproved', 'CaseCompleted']);
    expect(objects).toHaveLength(5);
    for (const o of objects as { path: string; sha256: string; url: string }[]) expect(sha256(await download(o.url)), o.path).toBe(o.sha256);
    // A closed case takes no more materials, and its files are no longer re-qualified.
    const late = await call('POST', `/cases/${caseNo}/materials`, { as: who.username, body: { materialId: 'premises', contentType: 'application/pdf', size: 10 } });
    expect([late.status, late.body.type]).toEqual([409, problemType('case-closed-for-materials')]);
    const requalified = await call('POST', `/cases/${caseNo}/materials/${uploaded[0]!.fileId}/verify`, { as: 'clerk.amr' });
    expect([requalified.status, requalified.body.type]).toEqual([409, problemType('case-closed-for-materials')]);

    // The delivery after the seal: a supplement beside the package, Object-Locked like it, naming the manifest's digest.
    await act(caseNo, 'deliver', 'clerk.amr', completed.etag, { method: 'mail', trackingNo: 'SF1234567890' });
    const supplemented = await until('the delivery supplement', async () => {
      const res = await call('GET', `/archives/${caseNo}`, { as: 'auditor' });
      return res.body.archive.supplements?.length ? res.body.archive : undefined;
    });
    expect(supplemented.manifestSha256).toBe(archive.manifestSha256);
    const [entry] = supplemented.supplements;
    expect(entry).toMatchObject({ kind: 'delivery', path: expect.stringMatching(/^supplements\/delivery-[0-9A-Z]{26}\.json$/), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucketOf('ArchiveBucket'), Key: `archives/center-demo/${caseNo}/${entry.path}` }));
    const bytes = await stored.Body!.transformToByteArray();
    expect(sha256(bytes)).toBe(entry.sha256);
    const record = JSON.parse(new TextDecoder().decode(bytes));
    expect(record).toMatchObject({
      format: 'onestop-archive-supplement/1', kind: 'delivery', previousManifestSha256: archive.manifestSha256,
      delivery: { method: 'mail', trackingNo: 'SF1234567890', deliveredOn: centerToday(), actor: { id: await subOf('clerk.amr'), role: 'clerk' } },
    });
    // The manifest as sealed: the supplement did not touch it; the retrieval hands it out with the package.
    const again = (await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).body;
    expect(again.manifest).toEqual(manifest);
    expect(again.objects).toHaveLength(6);
    const handedOut = (again.objects as { path: string; sha256: string; url: string }[]).find((o) => o.path === entry.path)!;
    expect([handedOut.sha256, sha256(await download(handedOut.url))]).toEqual([entry.sha256, entry.sha256]);
    const audited = await until('the retrieval and the supplement in the audit log', async () => {
      const records = await documentAudit(caseNo);
      return records.some((r) => r.action === 'DocumentRetrieved' && r.actor.role === 'auditor') && records.some((r) => r.action === 'ArchiveSupplemented') ? records : undefined;
    });
    expect(audited.filter((r) => r.action === 'ArchiveSupplemented')).toHaveLength(1);
  });

  it('disposition: refused before the retention ends', async () => {
    const who = await freshApplicant();
    const { caseNo, etag } = await openCase(who.username);
    await completeCase(caseNo, etag);
    await until('archived', async () => ((await call('GET', `/archives/${caseNo}`, { as: 'supervisor' })).status === 200 ? true : undefined));
    const res = await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'destroy', reason: '保管期满' }, headers: { 'accept-language': 'en' } });
    expect([res.status, res.body.type]).toEqual([409, problemType('retention-running')]);
    expect(res.body.detail).toMatch(/retention runs until \d{4}-01-01/);
    // In Chinese by default.
    expect((await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'destroy', reason: '保管期满' } })).body.detail).toMatch(/保管期限至 \d{4}-01-01/);
    expect((await call('POST', `/archives/${caseNo}/disposition`, { as: 'supervisor', body: { action: 'destroy', reason: '保管期满' } })).status).toBe(403);
  });

  it('a page token is bound to the caller\'s center: used by a caller of another center it is 400 invalid-cursor, never a 500', async () => {
    const first = await until('a page with a next one', async () => {
      const res = await call('GET', '/archives?dueBy=2100-01-01&limit=1', { as: 'auditor' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.nextToken ? res.body : undefined;
    }, 30_000);
    const token = encodeURIComponent(first.nextToken);
    expect((await call('GET', `/archives?dueBy=2100-01-01&limit=1&nextToken=${token}`, { as: 'auditor' })).status).toBe(200);
    const elsewhere = await call('GET', `/archives?dueBy=2100-01-01&limit=1&nextToken=${token}`, { as: 'center.admin.other' });
    expect([elsewhere.status, elsewhere.body.type]).toEqual([400, problemType('invalid-cursor')]);
    expect(elsewhere.body.errors).toEqual([expect.objectContaining({ path: '/query/nextToken' })]);
    // Other filters, the same center: refused too.
    const otherFilters = await call('GET', `/archives?dueBy=2099-01-01&limit=1&nextToken=${token}`, { as: 'auditor' });
    expect([otherFilters.status, otherFilters.body.type]).toEqual([400, problemType('invalid-cursor')]);
  });

  /** An archived case whose retention ended on 2000-01-01 (the record's date moved back, as if the years had passed). */
  async function expiredArchive() {
    const who = await freshApplicant();
    const { caseNo, etag } = await openCase(who.username);
    const file = await upload(caseNo, who.username, 'application-form', samples.pdf);
    await completeCase(caseNo, etag);
    await until('archived', async () => ((await call('GET', `/archives/${caseNo}`, { as: 'supervisor' })).status === 200 ? true : undefined));
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASEFILES#${caseNo}`, SK: 'ARCHIVE' },
      UpdateExpression: 'SET retainUntil = :d, GSI1SK = :sk',
      ExpressionAttributeValues: { ':d': '2000-01-01', ':sk': `2000-01-01#${caseNo}` },
    }));
    return { who, caseNo, file };
  }

  it('disposition: listed when due, proposed, approved by another person; destroy removes the package and the working copies', async () => {
    const { who, caseNo, file } = await expiredArchive();
    const due = await call('GET', '/archives?dueBy=2000-01-01&limit=100', { as: 'auditor' });
    expect(due.body.items.map((a: { caseNo: string }) => a.caseNo)).toContain(caseNo);
    const { objects } = (await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).body as { objects: { path: string }[] };
    const archiveBucket = bucketOf('ArchiveBucket');
    const inArchive = (path: string) => s3.send(new HeadObjectCommand({ Bucket: archiveBucket, Key: `archives/center-demo/${caseNo}/${path}` })).then(() => true, () => false);
    expect(await inArchive('manifest.json')).toBe(true);

    const read = await call('GET', `/archives/${caseNo}`, { as: 'auditor' });
    const proposed = await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'destroy', reason: '保管期满，经鉴定无继续保存价值' }, headers: { 'if-match': read.etag } });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    // The archive itself, as GET shows it, at its new version.
    expect(Object.keys(proposed.body).sort()).toEqual(Object.keys({ ...read.body.archive, disposition: {} }).sort());
    expect(proposed.body.disposition).toMatchObject({ action: 'destroy', proposedBy: await subOf('center.admin') });
    expect(proposed.body.disposition.approvedAt).toBeUndefined();
    expect(proposed.etag).not.toBe(read.etag);
    expect((await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).body.archive).toEqual(proposed.body);
    const again = await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'destroy', reason: '再次' } });
    expect([again.status, again.body.type]).toEqual([409, problemType('disposition-pending')]);
    expect((await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'center.admin' })).status).toBe(403);
    const stale = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor', headers: { 'if-match': read.etag } });
    expect([stale.status, stale.body.type]).toEqual([412, problemType('precondition-failed')]);
    // Nothing was deleted on the proposal.
    expect(await inArchive('manifest.json')).toBe(true);

    const approved = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor', headers: { 'if-match': proposed.etag } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ disposedAt: expect.any(String), disposition: { approvedBy: await subOf('supervisor') } });
    expect(approved.etag).toMatch(/^"\d+"$/);
    expect(await inArchive('manifest.json')).toBe(false);
    for (const o of objects) expect(await inArchive(o.path), o.path).toBe(false);
    expect(await objectExists(`uploads/center-demo/${caseNo}/${file.fileId}`)).toBe(false);
    const retrieved = await call('GET', `/archives/${caseNo}`, { as: 'auditor' });
    expect([retrieved.status, retrieved.body.type]).toEqual([410, problemType('gone')]);
    expect((await call('GET', `/cases/${caseNo}/materials/${file.fileId}/download`, { as: who.username })).status).toBe(410);
    const twice = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor' });
    expect([twice.status, twice.body.type]).toEqual([409, problemType('archive-destroyed')]);
    const after = await call('GET', '/archives?dueBy=2000-01-01&limit=100', { as: 'auditor' });
    expect(after.body.items.map((a: { caseNo: string }) => a.caseNo)).not.toContain(caseNo);
    const steps = await until('the disposition in the audit log', async () => {
      const records = (await documentAudit(caseNo)).filter((r) => r.action === 'ArchiveDisposition');
      return records.length >= 3 ? records : undefined;
    });
    expect(steps).toHaveLength(3);
  });

  it('disposition: an approved retention moves the end date and keeps the package', async () => {
    const { caseNo } = await expiredArchive();
    const noYears = await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'retain', reason: '仍有查考价值' } });
    expect([noYears.status, noYears.body.type]).toEqual([422, problemType('retain-years-required')]);
    expect(noYears.body.errors).toEqual([expect.objectContaining({ path: '/body/retainYears', code: 'required' })]);
    expect((await call('POST', `/archives/${caseNo}/disposition`, { as: 'center.admin', body: { action: 'retain', reason: '仍有查考价值', retainYears: 10 } })).status).toBe(200);
    const approved = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor', headers: { 'idempotency-key': `approve-${caseNo}` } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ retainUntil: '2010-01-01', disposition: { action: 'retain', retainYears: 10, approvedBy: await subOf('supervisor') } });
    // A retry of the approval gets its recorded answer; nothing is approved twice.
    const retried = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor', headers: { 'idempotency-key': `approve-${caseNo}` } });
    expect([retried.status, retried.body, retried.etag, retried.headers.get('idempotent-replayed')]).toEqual([200, approved.body, approved.etag, 'true']);
    const unproposed = await call('POST', `/archives/${caseNo}/disposition/approve`, { as: 'supervisor' });
    expect([unproposed.status, unproposed.body.type]).toEqual([409, problemType('no-disposition-proposed')]);
    expect(approved.body.disposedAt).toBeUndefined();
    expect((await call('GET', `/archives/${caseNo}`, { as: 'auditor' })).status).toBe(200);
  });
});
