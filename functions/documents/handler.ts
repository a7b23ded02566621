/**
 * The documents Lambda (材料与档案): upload slots for a case's materials,
 * their verification, audited downloads of files and issued documents, the
 * public certificate check, archive retrieval and disposition. rules.ts
 * decides who and what, store.ts keeps the records, objects.ts talks to S3.
 */
import { createHash } from 'node:crypto';
import type { IssuedDocument, MaterialFile, UploadRequest } from '#schemas/api/documents';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { conflict, forbidden, notFound, unprocessable, validationFailed } from '#shared/errors';
import { fingerprintOf } from '#shared/idempotency';
import { newId } from '#shared/ids';
import { httpHandler, idempotencyKeyOf, type Operations } from '#shared/http';
import type { CaseRecord } from '../cases/lifecycle.ts';
import { disposalOutcome, manifestObjects, parseManifest } from './archive-package.ts';
import { extensionOf } from './content-type.ts';
import { archiveBucket, deleteObject, materialsBucket, presignDownload, presignUpload, readObject } from './objects.ts';
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
const source = 'onestop.documents' as const;

const actorOf = (caller: Caller, roles: readonly Caller['roles'][number][]) => ({
  id: caller.userId,
  role: actingRole(caller, roles as Caller['roles']),
  ...(caller.departmentId ? { departmentId: caller.departmentId } : {}),
});

/** What a client sees of a file: the stored record without where it is kept and who exactly uploaded it. */
export function fileView(f: store.StoredFile): MaterialFile {
  const { centerId: _c, objectKey: _o, maxBytes: _m, declaredSha256: _d, uploaderSub: _u, fingerprint: _f, eTag: _e, expiresAt: _x, ...shown } = f;
  return shown;
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

function newSlot(caller: Caller, c: CaseRecord, body: UploadRequest, fileId: string, maxBytes: number, now: string): store.StoredFile {
  const uploadedBy = uploaderOf(caller, c);
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
    ...(uploadedBy === 'staff' ? { verifiedBy: caller.userId, verifiedAt: now } : {}),
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

const uploadMaterial: Ops['uploadMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const key = idempotencyKeyOf(req);
  const ctx = await caseFor(req, caller, req.params.caseNo);
  const c = ctx.record;
  uploaderOf(caller, c);
  if (!c.materials.some((m) => m.materialId === req.body.materialId)) {
    throw validationFailed([{ path: '/body/materialId', code: 'unknown_material', message: `is not on this case's checklist (${c.materials.map((m) => m.materialId).join(', ')})` }]);
  }
  const maxBytes = (await store.itemSettings(c.centerId, c.item.code)).materialMaxBytes ?? DEFAULT_MAX_BYTES;
  if (req.body.size > maxBytes) {
    throw validationFailed([{ path: '/body/size', code: 'too_large', message: `${req.body.size} bytes is more than this item takes (${maxBytes})` }]);
  }
  const now = new Date().toISOString();
  const slot = newSlot(caller, c, req.body, key ? slotIdFor(caller.userId, c.caseNo, key) : newId(), maxBytes, now);
  try {
    await store.createSlot(slot);
  } catch (err) {
    if (err instanceof store.FileLimitReached) throw conflict('This case has as many uploads as it may hold; ask the window to help.');
    if (!(err instanceof store.SlotExists)) throw err;
    const first = await store.getFile(c.centerId, c.caseNo, slot.fileId);
    if (!first || first.fingerprint !== slot.fingerprint) throw unprocessable('This Idempotency-Key was used for another upload.');
    if (first.status !== 'pending') throw conflict(`This upload is already ${first.status}.`);
    return uploadResponse(first, 201, true);
  }
  return uploadResponse(slot, 201, false);
};

const listCaseFiles: Ops['listCaseFiles'] = async (req) => {
  const caller = callerOf(req.event);
  const ctx = await caseFor(req, caller, req.params.caseNo);
  assertMayFetch(caller, ctx.record);
  const { files, documents } = await store.caseFiles(caller.centerId, req.params.caseNo);
  return { status: 200, body: { files: files.map(fileView), documents: documents.map(documentView) } };
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

// ---------------------------------------------------------------------------
// Archive

function allow(caller: Caller, action: 'archive.read' | 'archive.disposition.propose' | 'archive.disposition.approve') {
  const why = denial(caller, action, { centerId: caller.centerId, departmentIds: [] });
  if (why) throw forbidden(why);
}

const archiveView = (a: store.StoredArchive) => {
  const { centerId: _c, bucket: _b, prefix: _p, ...shown } = a;
  return shown;
};

async function archiveFor(caller: Caller, caseNo: string, account: { verify(item: Record<string, unknown> | undefined): void }) {
  const { archive, account: status } = await store.archiveContext(caller.centerId, caseNo, caller.userId);
  account.verify(status);
  if (!archive) throw notFound(`Case ${caseNo} has no archive.`);
  return archive;
}

const retrieveArchive: Ops['retrieveArchive'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  if (archive.disposedAt) throw conflict(`This archive was destroyed on ${archive.disposedAt.slice(0, 10)} after its retention ended.`);
  const now = new Date().toISOString();
  await store.recordRetrieval(caller.centerId, archive.caseNo, {
    source, detailType: 'DocumentRetrieved', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin', 'supervisor', 'auditor']),
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, what: 'archive', id: archive.location, sha256: archive.manifestSha256 },
  });
  const { bytes } = await readObject(archive.bucket, `${archive.prefix}manifest.json`, 50 * 1024 * 1024);
  const manifest = parseManifest(bytes);
  const objects = await Promise.all(manifestObjects(manifest).map(async (o) => ({
    path: o.path,
    sha256: o.sha256,
    url: await presignDownload({ bucket: archive.bucket, key: `${archive.prefix}${o.path}`, fileName: o.path.split('/').pop()!, expiresIn: DOWNLOAD_URL_SECONDS }),
  })));
  return {
    status: 200,
    body: { archive: archiveView(archive), manifest, objects, expiresAt: new Date(Date.parse(now) + DOWNLOAD_URL_SECONDS * 1000).toISOString() },
    headers: { 'cache-control': 'no-store' },
  };
};

const listArchivesDue: Ops['listArchivesDue'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.read');
  const filters = { dueBy: req.query.dueBy };
  const page = await store.archivesDue(caller.centerId, req.query.dueBy, pageLimit(req.query.limit), decodeCursor(req.query.nextToken, filters));
  return { status: 200, body: pageOf({ items: page.items.map(archiveView), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const today = () => new Date().toISOString().slice(0, 10);

const proposeDisposition: Ops['proposeDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.propose');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  if (!archive.retainUntil) throw conflict('A permanent archive (永久) is never disposed.');
  if (archive.disposedAt) throw conflict('This archive was destroyed already.');
  if (archive.retainUntil > today()) throw conflict(`The retention runs until ${archive.retainUntil}; disposition comes after.`);
  if (archive.disposition && !archive.disposition.approvedAt) throw conflict('A disposition is already proposed and waiting for approval.');
  if (req.body.action === 'retain' && !req.body.retainYears) throw validationFailed([{ path: '/body/retainYears', code: 'required', message: 'is required to keep the archive longer' }]);
  const now = new Date().toISOString();
  const next: store.StoredArchive = {
    ...archive,
    disposition: { action: req.body.action, reason: req.body.reason, ...(req.body.retainYears ? { retainYears: req.body.retainYears } : {}), proposedBy: caller.userId, proposedAt: now },
  };
  await store.updateArchive(archive, next, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['center_admin']),
    subject: { type: 'case', id: archive.caseNo }, data: { caseNo: archive.caseNo, action: req.body.action, step: 'proposed' },
  });
  return { status: 200, body: archiveView(next) };
};

const approveDisposition: Ops['approveDisposition'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'archive.disposition.approve');
  const archive = await archiveFor(caller, req.params.caseNo, req.account!);
  const proposal = archive.disposition;
  if (!proposal || proposal.approvedAt) throw conflict('No disposition is waiting for approval.');
  if (proposal.proposedBy === caller.userId) throw forbidden('A disposition is approved by someone other than its proposer.');
  const now = new Date().toISOString();
  const next = disposalOutcome(archive, caller.userId, now);
  if (proposal.action === 'destroy') {
    const { bytes } = await readObject(archive.bucket, `${archive.prefix}manifest.json`, 50 * 1024 * 1024);
    for (const o of manifestObjects(parseManifest(bytes))) await deleteObject(archive.bucket, `${archive.prefix}${o.path}`);
    await deleteObject(archive.bucket, `${archive.prefix}manifest.json`);
  }
  await store.updateArchive(archive, next, {
    source, detailType: 'ArchiveDisposition', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['supervisor']),
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, action: proposal.action, step: 'approved', ...(next.retainUntil ? { retainUntil: next.retainUntil } : {}) },
  });
  return { status: 200, body: archiveView(next) };
};

export const handler = httpHandler(documentRoutes, {
  uploadMaterial,
  listCaseFiles,
  verifyMaterial,
  downloadMaterial,
  downloadDocument,
  checkCertificate,
  retrieveArchive,
  listArchivesDue,
  proposeDisposition,
  approveDisposition,
});
