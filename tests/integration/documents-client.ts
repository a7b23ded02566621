/** Helpers for document tests: a case of the immediate demo item, uploads through presigned PUTs, PDF text. */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { call, cloud, freshIdNumber, registerApplicant, tokenOf, until } from './api-client.ts';
import { act, materialsOf } from './cases-client.ts';

/** 个体工商户登记 (amr): immediate, so one clerk takes it from intake to completion; its result is a licence. */
export const immediateItem = '370982-AMR-XK-003';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes that are what they claim: a small PDF, PNG and JPEG; and a Windows executable. */
export const samples = {
  pdf: new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'),
  png: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  jpeg: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]),
  exe: Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]),
};

let n = 0;
/** A fresh citizen with an account: tests never share an applicant. */
export async function freshApplicant(name = '赵六') {
  const username = `doc.${Date.now().toString(36)}${(n++).toString(36)}`;
  const reg = await registerApplicant({ kind: 'citizen', username, name, email: `${username}@example.com`, idNumber: freshIdNumber(), phone: `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` });
  expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  return { username, applicantId: reg.body.applicantId as string };
}

/** The account id (sub) of a user: what actor fields (uploadedBy, verifiedBy, proposedBy…) hold. */
export async function subOf(username: string): Promise<string> {
  const payload = (await tokenOf(username)).split('.')[1]!;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

/** The problem type URI of a rule. */
export const problemType = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;

/** A case of the immediate item, applied for online with every material. */
export async function openCase(username: string) {
  const res = await call('POST', '/cases', { as: username, body: { itemCode: immediateItem, materials: materialsOf(immediateItem) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { caseNo: res.body.caseNo as string, etag: res.etag };
}

/** Accept, approve, complete: the case's path to its archive. */
export async function completeCase(caseNo: string, etag: string) {
  const accepted = await act(caseNo, 'accept', 'clerk.amr', etag, {});
  const approved = await act(caseNo, 'approve', 'clerk.amr', accepted.etag, {});
  return act(caseNo, 'complete', 'clerk.amr', approved.etag, {});
}

export interface Slot {
  file: { fileId: string; status: string; trustLevel: string };
  upload: { url: string; headers: Record<string, string>; expiresAt: string };
}

/** POST /cases/{caseNo}/materials; asserts the status. */
export async function requestUpload(caseNo: string, as: string, body: Record<string, unknown>, status = 201, headers: Record<string, string> = {}) {
  const res = await call('POST', `/cases/${caseNo}/materials`, { as, body, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res;
}

/** PUT the bytes to the presigned URL with the given headers (the slot's by default). */
export async function put(slot: Slot, bytes: Uint8Array, headers: Record<string, string> = slot.upload.headers) {
  const { 'content-length': _len, ...sent } = headers;
  return fetch(slot.upload.url, { method: 'PUT', body: bytes, headers: sent });
}

export async function fileOf(caseNo: string, fileId: string, as: string) {
  const res = await call('GET', `/cases/${caseNo}/materials`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.files as { fileId: string; status: string }[]).find((f) => f.fileId === fileId) as Record<string, any> | undefined;
}

/** Waits until the upload check settled the file. */
export const settled = (caseNo: string, fileId: string, as: string) =>
  until(`file ${fileId} checked`, async () => {
    const f = await fileOf(caseNo, fileId, as);
    return f && f.status !== 'pending' ? f : undefined;
  });

/** Uploads `bytes` as `materialId` and waits for the check. */
export async function upload(caseNo: string, as: string, materialId: string, bytes: Uint8Array, contentType = 'application/pdf') {
  const slot = (await requestUpload(caseNo, as, { materialId, contentType, size: bytes.length, fileName: `${materialId}.pdf` })).body as Slot;
  const res = await put(slot, bytes);
  expect(res.status, await res.text()).toBe(200);
  return settled(caseNo, slot.file.fileId, as);
}

/** The documents issued for a case so far. */
export async function documentsOf(caseNo: string, as: string) {
  const res = await call('GET', `/cases/${caseNo}/materials`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.documents as { documentId: string; kind: string; sha256: string; size: number; certificateNo?: string }[];
}

/** The text of every page of a PDF (pdf.js, as a reader would extract it). */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await pdfjs.getDocument({ data: bytes.slice(), useSystemFonts: false, verbosity: 0 }).promise;
  let text = '';
  for (let p = 1; p <= pdf.numPages; p++) {
    const content = await (await pdf.getPage(p)).getTextContent();
    text += content.items.map((i) => ('str' in i ? i.str : '')).join('');
  }
  await pdf.cleanup();
  return text;
}

export const bucketOf = (prefix: string) => Object.entries(cloud.buckets).find(([id]) => id.startsWith(prefix))![1];
