/**
 * Materials, issued documents and archives over the local cloud: presigned
 * PUTs through fetch against the S3 server, the upload check on the bucket's
 * notification, audited downloads and who gets them, receipts and
 * certificates as PDFs with Chinese text and a signature poppler's pdfsig
 * verifies, the archive package on completion.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { call, cloud, doc, until } from './api-client.ts';
import { act } from './cases-client.ts';
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
    expect(await objectExists(key)).toBe(false);
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
    const docs = await until('receipt and certificate', async () => {
      const d = await documentsOf(caseNo, who.username);
      return d.length >= 2 ? d : undefined;
    });
    expect(docs.map((d) => d.kind).sort()).toEqual(['acceptance_receipt', 'certificate']);
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
    await act(second.caseNo, 'refuse', 'clerk.amr', second.etag, { reasons: ['申请事项依法不需要取得行政许可'] });

    const textOf = async (caseNo: string, kind: string) => {
      const doc = await until(`${kind} of ${caseNo}`, async () => (await documentsOf(caseNo, who.username)).find((d) => d.kind === kind));
      const got = await call('GET', `/cases/${caseNo}/documents/${doc.documentId}/download`, { as: who.username });
      return pdfText(await download(got.body.url));
    };
    const notice = await textOf(first.body.caseNo, 'supplement_notice');
    for (const expected of ['一次性告知', '未提交经营者身份证明', '缺少经营场所使用证明', '周八']) expect(notice).toContain(expected);
    const refusal = await textOf(second.caseNo, 'refusal_notice');
    for (const expected of ['不予受理', '申请事项依法不需要取得行政许可', '行政复议', '行政诉讼']) expect(refusal).toContain(expected);
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
    await completeCase(caseNo, etag);
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
    expect(manifest.documents.map((d: { kind: string }) => d.kind).sort()).toEqual(['acceptance_receipt', 'certificate']);
    expect(manifest.timeline.map((e: { type: string }) => e.type)).toEqual(['CaseSubmitted', 'CaseAccepted', 'CaseApproved', 'CaseCompleted']);
    expect(objects).toHaveLength(4);
    for (const o of objects as { path: string; sha256: string; url: string }[]) expect(sha256(await download(o.url)), o.path).toBe(o.sha256);
    // A closed case takes no more materials, and its files are no longer re-qualified.
    const late = await call('POST', `/cases/${caseNo}/materials`, { as: who.username, body: { materialId: 'premises', contentType: 'application/pdf', size: 10 } });
    expect([late.status, late.body.type]).toEqual([409, problemType('case-closed-for-materials')]);
    const requalified = await call('POST', `/cases/${caseNo}/materials/${uploaded[0]!.fileId}/verify`, { as: 'clerk.amr' });
    expect([requalified.status, requalified.body.type]).toEqual([409, problemType('case-closed-for-materials')]);
    expect(await until('the retrieval in the audit log', async () => {
      const records = await documentAudit(caseNo);
      return records.find((r) => r.action === 'DocumentRetrieved' && r.actor.role === 'auditor');
    })).toBeDefined();
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
