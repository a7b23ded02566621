/**
 * The documents Lambda (材料与档案): upload slots for a case's materials,
 * their verification, audited downloads of files and issued documents;
 * certificates (the public check, the register of licences granted,
 * revocation, cancellation) come from certificate-api.ts, archive retrieval and disposition from archive-api.ts.
 * rules.ts decides who and what, store.ts keeps the records, objects.ts
 * talks to S3 (loaded with the first upload or download), views.ts says what clients see.
 */
import type { Upload, UploadRequest } from '#schemas/api/documents';
import { msg } from '#schemas/api/problems';
import { callerOf, type Caller } from '#shared/auth';
import { cleanFileName } from '#shared/edge';
import { gone, notFound, preconditionFailed, problem } from '#shared/errors';
import type { RecordedResult } from '#shared/idempotency';
import { newId } from '#shared/ids';
import { lazyImport } from '#shared/lazy-import';
import { etag, httpHandler, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { readsAsApplicant, standsForApplicant, type CaseRecord } from '../cases/public.ts';
import { certificateOperations } from './certificate-api.ts';
import { extensionOf } from './content-type.ts';
import { actorOf, source } from './events.ts';
import { documentsProblems } from './problems.ts';
import { documentRoutes } from './routes.ts';
import {
  DEFAULT_MAX_BYTES,
  DOWNLOAD_URL_SECONDS,
  UPLOAD_URL_SECONDS,
  assertMayFetch,
  assertMayVerify,
  initialTrustLevel,
  uploadChannel,
} from './rules.ts';
import * as store from './store.ts';
import { documentView, fileTag, fileView } from './views.ts';

type Ops = Operations<typeof documentRoutes>;

/**
 * S3's client and presigner (~130 KB), which only uploads and downloads need:
 * loaded with the first of them, not at every cold start (decision 69), as
 * the files list, the checks and the certificates' routes never touch S3.
 */
const loadObjects = lazyImport(() => import('./objects.ts'));

/**
 * The case (404 when missing) with one of its files or documents, the
 * request's checks settled: one BatchGetItem. Files destroyed with the
 * archive are gone (410).
 */
async function caseFor(req: Pick<HttpRequest, 'checks'>, caller: Caller, caseNo: string, extra: { fileId?: string; documentId?: string } = {}) {
  const ctx = await store.caseFilesContext({ centerId: caller.centerId, caseNo, ...extra, alsoRead: req.checks!.keys });
  req.checks!.settle(ctx.found);
  if (!ctx.record) throw notFound(msg(`没有办件 ${caseNo}。`, `No case ${caseNo}.`));
  if (ctx.archive?.disposedAt) {
    const on = ctx.archive.disposedAt.slice(0, 10);
    throw gone(msg(`办件 ${caseNo} 的材料已于 ${on} 随档案销毁。`, `The files of case ${caseNo} were destroyed with its archive on ${on}.`));
  }
  // Whether the caller stands for the applicant (owner or authorized agent): read once, for the rules below.
  return { ...ctx, record: ctx.record, forApplicant: await standsForApplicant(caller, ctx.record) };
}

const noSuchFile = (caseNo: string, fileId: string) => notFound(msg(`办件 ${caseNo} 没有文件 ${fileId}。`, `No file ${fileId} on case ${caseNo}.`));

/** 412 when the client names a version of the file (If-Match) that is no longer current. */
function assertVersion(req: Pick<HttpRequest, 'headers'>, file: store.StoredFile): void {
  const named = ifMatch(req);
  if (named !== undefined && named !== fileTag(file)) {
    throw preconditionFailed(msg('文件在您读取后已有变化；请重新读取后再试。', 'The file changed since you read it; read it again and retry.'));
  }
}

/** The answer for a slot: the file and a fresh presigned PUT. */
async function slotResult(file: store.StoredFile, status: number, headers: Readonly<Record<string, string>> = {}): Promise<HttpResult> {
  const { url, headers: signed } = await (await loadObjects()).presignUpload({
    key: file.objectKey,
    contentType: file.contentType,
    size: file.declaredSize,
    ...(file.declaredSha256 ? { sha256: file.declaredSha256 } : {}),
    expiresIn: UPLOAD_URL_SECONDS,
  });
  const body: Upload = { file: fileView(file), upload: { method: 'PUT', url, headers: signed, expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString() } };
  return { status, body, headers: { ...headers, location: `/cases/${file.caseNo}/materials/${file.fileId}/download`, etag: etag(fileTag(file)) } };
}

function newSlot(caller: Caller, channel: 'online' | 'window', c: CaseRecord, body: UploadRequest, maxBytes: number, now: string): store.StoredFile {
  const entry = c.materials.find((m) => m.materialId === body.materialId)!;
  const fileId = newId();
  const fileName = body.fileName === undefined ? '' : cleanFileName(body.fileName);
  return {
    fileId,
    caseNo: c.caseNo,
    centerId: c.centerId,
    materialId: body.materialId,
    materialName: entry.name,
    status: 'pending',
    contentType: body.contentType,
    declaredSize: body.size,
    ...(fileName ? { fileName } : {}),
    form: body.form ?? 'electronic',
    count: body.count ?? 1,
    trustLevel: initialTrustLevel(channel, entry.status),
    uploadedBy: caller.userId,
    channel,
    createdAt: now,
    objectKey: `uploads/${c.centerId}/${c.caseNo}/${fileId}`,
    maxBytes,
    ...(body.sha256 ? { declaredSha256: body.sha256 } : {}),
    // A slot never used disappears a day after its URL expired.
    expiresAt: Math.floor(Date.parse(now) / 1000) + UPLOAD_URL_SECONDS + 86_400,
  };
}

/**
 * A repeated Idempotency-Key: the slot the first request created, with a
 * fresh URL (the recorded one may have expired), while it still waits for
 * its file.
 */
async function repeatedSlot(c: CaseRecord, previous: RecordedResult): Promise<HttpResult> {
  const { fileId } = (previous.body as Upload).file;
  const slot = await store.getFile(c.centerId, c.caseNo, fileId);
  if (slot?.status !== 'pending') {
    throw problem(documentsProblems['upload-slot-closed'], slot
      ? msg(`此 Idempotency-Key 的上传已${slot.status === 'received' ? '接收' : '被拒收'}；新的上传请使用新的键。`, `The upload of this Idempotency-Key was ${slot.status}; use a new key for a new upload.`)
      : msg('此 Idempotency-Key 的上传地址已失效；新的上传请使用新的键。', 'The upload slot of this Idempotency-Key expired; use a new key for a new upload.'));
  }
  return slotResult(slot, previous.status, previous.headers);
}

const uploadMaterial: Ops['uploadMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const { record: c, forApplicant } = await caseFor(req, caller, req.params.caseNo);
  const channel = uploadChannel(caller, c, forApplicant);
  const previous = req.idempotency?.previous;
  if (previous) return repeatedSlot(c, previous);
  if (!c.materials.some((m) => m.materialId === req.body.materialId)) {
    const listed = c.materials.map((m) => m.materialId).join(', ');
    throw problem(documentsProblems['material-not-on-checklist'], msg(`材料 ${req.body.materialId} 不在本办件的材料清单中。`, `Material ${req.body.materialId} is not on this case's checklist.`), [
      { path: '/body/materialId', code: 'unknown_material', message: msg(`不在本办件的材料清单中（${listed}）`, `is not on this case's checklist (${listed})`) },
    ]);
  }
  const maxBytes = (await store.itemSettings(c.centerId, c.item.code, c.item.version)).materialMaxBytes ?? DEFAULT_MAX_BYTES;
  if (req.body.size > maxBytes) {
    throw problem(documentsProblems['file-too-large'], msg(`文件不能超过 ${maxBytes} 字节。`, `A file of this item may have at most ${maxBytes} bytes.`), [
      { path: '/body/size', code: 'too_large', message: msg(`${req.body.size} 字节超过本事项的上限（${maxBytes}）`, `${req.body.size} bytes is more than this item takes (${maxBytes})`) },
    ]);
  }
  const slot = newSlot(caller, channel, c, req.body, maxBytes, new Date().toISOString());
  const result = await slotResult(slot, 201);
  await store.createSlot(slot, req.idempotency?.record(result));
  return result;
};

const listCaseFiles: Ops['listCaseFiles'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, forApplicant } = await caseFor(req, caller, req.params.caseNo);
  assertMayFetch(caller, record, forApplicant);
  const { files, documents } = await store.caseFiles(caller.centerId, req.params.caseNo);
  const asApplicant = readsAsApplicant(caller);
  return { status: 200, body: { files: files.map((f) => fileView(f, asApplicant)), documents: documents.map(documentView) } };
};

const notReceived = (file: store.StoredFile, what: 'verified' | 'downloaded') =>
  problem(documentsProblems['file-not-received'], msg(
    `文件${file.status === 'pending' ? '尚未上传完成' : '已被拒收'}：只有已接收的文件可以${what === 'verified' ? '核验' : '下载'}。`,
    `The file is ${file.status}: only a received file is ${what}.`,
  ));

const verifyMaterial: Ops['verifyMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, file, forApplicant } = await caseFor(req, caller, req.params.caseNo, { fileId: req.params.fileId });
  assertMayVerify(caller, record, forApplicant);
  if (!file) throw noSuchFile(req.params.caseNo, req.params.fileId);
  assertVersion(req, file);
  if (file.status !== 'received') throw notReceived(file, 'verified');
  const answer = (f: store.StoredFile): HttpResult => ({ status: 200, body: fileView(f), headers: { etag: etag(fileTag(f)) } });
  if (file.trustLevel === 'B') {
    const result = answer(file);
    await store.recordUnchanged(req.idempotency?.record(result));
    return result;
  }
  const now = new Date().toISOString();
  const verified: store.StoredFile = { ...file, trustLevel: 'B', verifiedBy: caller.userId, verifiedAt: now };
  const result = answer(verified);
  await store.markVerified(file, caller.userId, now, {
    source, detailType: 'MaterialVerified', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['clerk'], [record.item.departmentId]),
    subject: { type: 'case', id: file.caseNo },
    data: { caseNo: file.caseNo, fileId: file.fileId, materialId: file.materialId, trustLevel: 'B' },
  }, req.idempotency?.record(result));
  return result;
};

const downloadRoles = ['applicant', 'clerk', 'approver', 'dept_admin'] as const;

/** The audit record first, then the URL: no download without its record. */
async function auditedDownload(caller: Caller, departments: readonly string[], what: { caseNo: string; kind: 'material' | 'document'; id: string; sha256: string; key: string; fileName: string; fallbackName: string; contentType: string; size: number }): Promise<HttpResult> {
  const now = new Date().toISOString();
  await store.recordRetrieval(caller.centerId, what.caseNo, {
    source, detailType: 'DocumentRetrieved', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, downloadRoles, departments),
    subject: { type: 'case', id: what.caseNo },
    data: { caseNo: what.caseNo, what: what.kind, id: what.id, sha256: what.sha256 },
  });
  const objects = await loadObjects();
  const url = await objects.presignDownload({ bucket: objects.materialsBucket(), key: what.key, disposition: objects.contentDisposition(what.fileName, what.fallbackName), expiresIn: DOWNLOAD_URL_SECONDS });
  return {
    status: 200,
    body: { url, expiresAt: new Date(Date.parse(now) + DOWNLOAD_URL_SECONDS * 1000).toISOString(), contentType: what.contentType, size: what.size, sha256: what.sha256 },
    headers: { 'cache-control': 'no-store' },
  };
}

const downloadMaterial: Ops['downloadMaterial'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, file, forApplicant } = await caseFor(req, caller, req.params.caseNo, { fileId: req.params.fileId });
  assertMayFetch(caller, record, forApplicant);
  if (!file) throw noSuchFile(req.params.caseNo, req.params.fileId);
  if (file.status !== 'received') throw notReceived(file, 'downloaded');
  const defaultName = `${file.materialId}.${extensionOf[file.contentType]}`;
  return auditedDownload(caller, [record.item.departmentId, ...record.item.jointDepartments], {
    caseNo: file.caseNo, kind: 'material', id: file.fileId, sha256: file.sha256!, key: file.objectKey,
    fileName: file.fileName ?? defaultName, fallbackName: defaultName, contentType: file.contentType, size: file.size!,
  });
};

const downloadDocument: Ops['downloadDocument'] = async (req) => {
  const caller = callerOf(req.event);
  const { record, document: doc, forApplicant } = await caseFor(req, caller, req.params.caseNo, { documentId: req.params.documentId });
  assertMayFetch(caller, record, forApplicant);
  if (!doc) throw notFound(msg(`办件 ${req.params.caseNo} 没有文书 ${req.params.documentId}。`, `No document ${req.params.documentId} on case ${req.params.caseNo}.`));
  const name = `${doc.caseNo}-${doc.kind}.pdf`;
  return auditedDownload(caller, [record.item.departmentId, ...record.item.jointDepartments], {
    caseNo: doc.caseNo, kind: 'document', id: doc.documentId, sha256: doc.sha256, key: doc.objectKey,
    fileName: name, fallbackName: name, contentType: doc.contentType, size: doc.size,
  });
};

/** Archive retrieval and disposition: the archive-api module and S3's, loaded with the first such request. */
const archiveApi = lazyImport(() => import('./archive-api.ts'));
const archiveOperations: Pick<Ops, 'retrieveArchive' | 'listArchivesDue' | 'proposeDisposition' | 'approveDisposition'> = {
  retrieveArchive: async (req) => (await archiveApi()).archiveOperations.retrieveArchive(req),
  listArchivesDue: async (req) => (await archiveApi()).archiveOperations.listArchivesDue(req),
  proposeDisposition: async (req) => (await archiveApi()).archiveOperations.proposeDisposition(req),
  approveDisposition: async (req) => (await archiveApi()).archiveOperations.approveDisposition(req),
};

export const handler = httpHandler(documentRoutes, {
  ...archiveOperations,
  ...certificateOperations,
  uploadMaterial,
  listCaseFiles,
  verifyMaterial,
  downloadMaterial,
  downloadDocument,
});
