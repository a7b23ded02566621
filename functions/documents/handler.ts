/**
 * The documents Lambda (材料与档案): upload slots for a case's materials,
 * their verification, audited downloads of files and issued documents, the
 * public certificate check; archive retrieval and disposition come from
 * archive-api.ts. rules.ts decides who and what, store.ts keeps the records,
 * objects.ts talks to S3.
 */
import { createHash } from 'node:crypto';
import type { IssuedDocument, MaterialFile, UploadRequest } from '#schemas/api/documents';
import { callerOf, type Caller } from '#shared/auth';
import { HttpProblem, conflict, notFound, unprocessable, validationFailed } from '#shared/errors';
import { fingerprintOf } from '#shared/idempotency';
import { newId } from '#shared/ids';
import { httpHandler, idempotencyKeyOf, type Operations } from '#shared/http';
import type { CaseRecord } from '../cases/lifecycle.ts';
import { readsAsApplicant } from '../cases/access.ts';
import { archiveOperations } from './archive-api.ts';
import { extensionOf } from './content-type.ts';
import { actorOf, source } from './events.ts';
import { materialsBucket, presignDownload, presignUpload } from './objects.ts';
import { documentRoutes } from './routes.ts';
import {
  DEFAULT_MAX_BYTES,
  DOWNLOAD_URL_SECONDS,
  UPLOAD_URL_SECONDS,
  assertMayFetch,
  assertMayVerify,
  initialTrustLevel,
  isWellFormedCertificateNo,
  uploaderOf,
} from './rules.ts';
import * as store from './store.ts';

type Ops = Operations<typeof documentRoutes>;

/** What a client sees of a file: the stored record without where it is kept and who exactly uploaded it; applicants see no staff ids. */
export function fileView(f: store.StoredFile, asApplicant = false): MaterialFile {
  const { centerId: _c, objectKey: _o, maxBytes: _m, declaredSha256: _d, uploaderSub: _u, fingerprint: _f, eTag: _e, expiresAt: _x, ...shown } = f;
  return asApplicant && shown.verifiedBy ? { ...shown, verifiedBy: 'staff' } : shown;
}

const documentView = (d: store.StoredDocument): IssuedDocument => {
  const { centerId: _c, objectKey: _o, ...shown } = d;
  return shown;
};

/** A retry's slot id: the same key of the same caller on the same case names the same file (a ULID-shaped digest). */
function slotIdFor(sub: string, caseNo: string, key: string): string {
  const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const digest = createHash('sha256').update(`${sub}\n${caseNo}\n${key}`).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += crockford[digest[i]! % 32];
  return `0${id.slice(1)}`;
}

/** The case (404 when missing) with one of its files or documents, the caller's account checked: one BatchGetItem. */
async function caseFor(req: { account?: { verify(item: Record<string, unknown> | undefined): void } }, caller: Caller, caseNo: string, extra: { fileId?: string; documentId?: string } = {}) {
  const ctx = await store.caseFilesContext({ centerId: caller.centerId, caseNo, sub: caller.userId, ...extra });
  req.account!.verify(ctx.account);
  if (!ctx.record) throw notFound(`No case ${caseNo}.`);
  if (ctx.archive?.disposedAt) throw new HttpProblem(410, 'Gone', `The files of case ${caseNo} were destroyed with its archive on ${ctx.archive.disposedAt.slice(0, 10)}.`);
  return { ...ctx, record: ctx.record };
}

async function uploadResponse(file: store.StoredFile, status: number, replayed: boolean) {
  const { url, headers } = await presignUpload({
    key: file.objectKey,
    contentType: file.contentType,
    size: file.declaredSize,
    ...(file.declaredSha256 ? { sha256: file.declaredSha256 } : {}),
    expiresIn: UPLOAD_URL_SECONDS,
  });
  return {
    status,
    body: { file: fileView(file), upload: { method: 'PUT' as const, url, headers, expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString() } },
    headers: { location: `/cases/${file.caseNo}/materials/${file.fileId}/download`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
  };
}

function newSlot(caller: Caller, uploadedBy: 'applicant' | 'staff', c: CaseRecord, body: UploadRequest, fileId: string, maxBytes: number, now: string): store.StoredFile {
  const entry = c.materials.find((m) => m.materialId === body.materialId)!;
  return {
    fileId,
    caseNo: c.caseNo,
    centerId: c.centerId,
    materialId: body.materialId,
    materialName: entry.name,
    status: 'pending',
    contentType: body.contentType,
    declaredSize: body.size,
    ...(body.fileName ? { fileName: body.fileName } : {}),
    form: body.form ?? 'electronic',
    count: body.count ?? 1,
    trustLevel: initialTrustLevel(uploadedBy, entry.status),
    uploadedBy,
    createdAt: now,
    objectKey: `uploads/${c.centerId}/${c.caseNo}/${fileId}`,
    maxBytes,
    ...(body.sha256 ? { declaredSha256: body.sha256 } : {}),
    uploaderSub: caller.userId,
    fingerprint: fingerprintOf(body),
    // A slot never used disappears a day after its URL expired.
    expiresAt: Math.floor(Date.parse(now) / 1000) + UPLOAD_URL_SECONDS + 86_400,
  };
}

/** A repeated upload request: the first slot with a fresh URL (another body: 422; a settled slot: 409). */
function replayed(first: store.StoredFile | undefined, fingerprint: string) {
  if (!first || first.fingerprint !== fingerprint) throw unprocessable('This Idempotency-Key was used for another upload.');
  if (first.status !== 'pending') throw conflict(`This upload is already ${first.status}.`);
  return uploadResponse(first, 201, true);
}

const uploadMaterial: Ops['uploadMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const key = idempotencyKeyOf(req);
  const slotId = key ? slotIdFor(caller.userId, req.params.caseNo, key) : newId();
  // A retry's slot is read in the same batch as the case: a replay costs one request.
  const ctx = await caseFor(req, caller, req.params.caseNo, key ? { fileId: slotId } : {});
  const c = ctx.record;
  const uploadedBy = uploaderOf(caller, c);
  if (ctx.file) return replayed(ctx.file, fingerprintOf(req.body));
  if (!c.materials.some((m) => m.materialId === req.body.materialId)) {
    throw validationFailed([{ path: '/body/materialId', code: 'unknown_material', message: `is not on this case's checklist (${c.materials.map((m) => m.materialId).join(', ')})` }]);
  }
  const maxBytes = (await store.itemSettings(c.centerId, c.item.code, c.item.version)).materialMaxBytes ?? DEFAULT_MAX_BYTES;
  if (req.body.size > maxBytes) {
    throw validationFailed([{ path: '/body/size', code: 'too_large', message: `${req.body.size} bytes is more than this item takes (${maxBytes})` }]);
  }
  const slot = newSlot(caller, uploadedBy, c, req.body, slotId, maxBytes, new Date().toISOString());
  try {
    await store.createSlot(slot);
  } catch (err) {
    if (err instanceof store.FileLimitReached) throw conflict('This case has as many uploads as it may hold; ask the window to help.');
    if (!(err instanceof store.SlotExists)) throw err;
    // A concurrent request with the same key created it first.
    return replayed(await store.getFile(c.centerId, c.caseNo, slot.fileId), slot.fingerprint);
  }
  return uploadResponse(slot, 201, false);
};

const listCaseFiles: Ops['listCaseFiles'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await caseFor(req, caller, req.params.caseNo);
  assertMayFetch(caller, ctx.record);
  const { files, documents } = await store.caseFiles(caller.centerId, req.params.caseNo);
  const asApplicant = readsAsApplicant(caller, ctx.record);
  return { status: 200, body: { files: files.map((f) => fileView(f, asApplicant)), documents: documents.map(documentView) } };
};

const verifyMaterial: Ops['verifyMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await caseFor(req, caller, req.params.caseNo, { fileId: req.params.fileId });
  assertMayVerify(caller, ctx.record);
  const file = ctx.file;
  if (!file) throw notFound(`No file ${req.params.fileId} on case ${req.params.caseNo}.`);
  if (file.status !== 'received') throw conflict(`The file is ${file.status}: only a received file is verified.`);
  if (file.trustLevel === 'B') return { status: 200, body: fileView(file) };
  const now = new Date().toISOString();
  const verified = await store.markVerified(file, caller.userId, now, {
    source, detailType: 'MaterialVerified', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['clerk']),
    subject: { type: 'case', id: file.caseNo },
    data: { caseNo: file.caseNo, fileId: file.fileId, materialId: file.materialId, trustLevel: 'B' },
  });
  return { status: 200, body: fileView(verified) };
};

const downloadRoles = ['applicant', 'clerk', 'approver', 'dept_admin'] as const;

/** The audit record first, then the URL: no download without its record. */
async function auditedDownload(caller: Caller, what: { caseNo: string; kind: 'material' | 'document'; id: string; sha256: string; key: string; bucket: string; fileName: string; contentType: string; size: number }) {
  const now = new Date().toISOString();
  await store.recordRetrieval(caller.centerId, what.caseNo, {
    source, detailType: 'DocumentRetrieved', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, downloadRoles),
    subject: { type: 'case', id: what.caseNo },
    data: { caseNo: what.caseNo, what: what.kind, id: what.id, sha256: what.sha256 },
  });
  const url = await presignDownload({ bucket: what.bucket, key: what.key, fileName: what.fileName, expiresIn: DOWNLOAD_URL_SECONDS });
  return {
    status: 200,
    body: { url, expiresAt: new Date(Date.parse(now) + DOWNLOAD_URL_SECONDS * 1000).toISOString(), contentType: what.contentType, size: what.size, sha256: what.sha256 },
    headers: { 'cache-control': 'no-store' },
  };
}

const downloadMaterial: Ops['downloadMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await caseFor(req, caller, req.params.caseNo, { fileId: req.params.fileId });
  assertMayFetch(caller, ctx.record);
  const file = ctx.file;
  if (!file) throw notFound(`No file ${req.params.fileId} on case ${req.params.caseNo}.`);
  if (file.status !== 'received') throw conflict(`The file is ${file.status}: only received files are downloaded.`);
  return auditedDownload(caller, {
    caseNo: file.caseNo, kind: 'material', id: file.fileId, sha256: file.sha256!, key: file.objectKey, bucket: materialsBucket(),
    fileName: file.fileName ?? `${file.materialId}.${extensionOf[file.contentType]}`, contentType: file.contentType, size: file.size!,
  });
};

const downloadDocument: Ops['downloadDocument'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await caseFor(req, caller, req.params.caseNo, { documentId: req.params.documentId });
  assertMayFetch(caller, ctx.record);
  const doc = ctx.document;
  if (!doc) throw notFound(`No document ${req.params.documentId} on case ${req.params.caseNo}.`);
  return auditedDownload(caller, {
    caseNo: doc.caseNo, kind: 'document', id: doc.documentId, sha256: doc.sha256, key: doc.objectKey, bucket: materialsBucket(),
    fileName: `${doc.caseNo}-${doc.kind}.pdf`, contentType: doc.contentType, size: doc.size,
  });
};

const checkCertificate: Ops['checkCertificate'] = async (req) => {
  const no = req.params.certificateNo;
  const unknown = () => notFound('No such certificate.');
  if (!isWellFormedCertificateNo(no)) throw unknown();
  const cert = await store.getCertificate(no);
  if (!cert) throw unknown();
  const { certificateNo, status, itemCode, itemName, departmentName, centerName, holder, issuedOn, sha256 } = cert;
  return { status: 200, body: { certificateNo, status, itemCode, itemName, departmentName, centerName, holder, issuedOn, sha256 } };
};

export const handler = httpHandler(documentRoutes, {
  ...archiveOperations,
  uploadMaterial,
  listCaseFiles,
  verifyMaterial,
  downloadMaterial,
  downloadDocument,
  checkCertificate,
});
