/**
 * DynamoDB keys, reads and transactions of documents: the only module that
 * knows them (docs/data-model.md lists each access pattern).
 *
 *   file          PK CENTER#<c>#CASEFILES#<caseNo>  SK FILE#<fileId>    (TTL while pending)
 *   file count    PK CENTER#<c>#CASEFILES#<caseNo>  SK COUNT  { files }
 *   document      PK CENTER#<c>#CASEFILES#<caseNo>  SK DOC#<documentId>
 *   archive       PK CENTER#<c>#CASEFILES#<caseNo>  SK ARCHIVE
 *                 GSI1 CENTER#<c>#ARCHIVES#RETAIN / <retainUntil>#<caseNo>   (dated retention, until disposed)
 *   events        PK CENTER#<c>#CASEFILES#<caseNo>#EVENTS  SK EVENT#<ulid>  (the outbox; its keys are outbox.ts's, shared with certificate-store.ts)
 *   e-licence     PK CENTER#<c>#CASEFILES#<caseNo>  SK ELICENCE  { closedAt, notIssuedAt?, certificateIssuedAt? }
 *                 GSI5 ELICENCEWATCH / <wakeAt>#<c>#<caseNo>   (an approved case closed without its certificate: the licence watcher's wake-up)
 *
 * Files sit beside the case, not in its partition: the case item is replaced
 * whole on each transition and its timeline is its partition's events.
 * Upload slots, verifications and disposition steps record an
 * Idempotency-Key's outcome in their transaction (shared/idempotency.ts owns
 * that key). Certificates are certificate-store.ts's; a certificate is written
 * here only in its document's transaction.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemContent } from '#schemas/api/catalog';
import type { ArchiveRecord, IssuedDocument, MaterialFile, RetentionClass } from '#schemas/api/documents';
import { msg } from '#schemas/api/problems';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { moveWakeUp, wakeUpAt } from '#shared/wake-index';
import { concurrentRequest, problem } from '#shared/errors';
import { outboxItem } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { itemVersionKey } from '../catalog/public.ts';
import { archiveLocationItem, caseContext, caseKey, toRecord, type CaseRecord } from '../cases/public.ts';
import { certificateChangeItems, certificateItem, type CertificateChange, type StoredCertificate } from './certificate-store.ts';
import { event, eventsPk, filesPk, type DocumentEvent } from './outbox.ts';
import { documentsProblems } from './problems.ts';
import { MAX_FILES_PER_CASE } from './rules.ts';

export type { DocumentEvent } from './outbox.ts';

const fileKey = (centerId: string, caseNo: string, fileId: string): ItemKey => ({ PK: filesPk(centerId, caseNo), SK: `FILE#${fileId}` });
const countKey = (centerId: string, caseNo: string): ItemKey => ({ PK: filesPk(centerId, caseNo), SK: 'COUNT' });
const documentKey = (centerId: string, caseNo: string, documentId: string): ItemKey => ({ PK: filesPk(centerId, caseNo), SK: `DOC#${documentId}` });
const archiveKey = (centerId: string, caseNo: string): ItemKey => ({ PK: filesPk(centerId, caseNo), SK: 'ARCHIVE' });
const retainPk = (centerId: string) => `CENTER#${centerId}#ARCHIVES#RETAIN`;
/** The watch record of a case's e-licence, also read with the case when its certificate is issued (`alsoRead`). */
export const licenceWatchKey = (centerId: string, caseNo: string): ItemKey => ({ PK: filesPk(centerId, caseNo), SK: 'ELICENCE' });
/** The watch index's partition for e-licences: approved cases closed without their certificate are few, one partition serves every center. */
const LICENCE_WATCH_PK = 'ELICENCEWATCH';

/** A file as stored: the API shape (its version computed, not stored) plus where its bytes are and what only the service needs. */
export type StoredFile = Omit<MaterialFile, 'etag'> & {
  readonly centerId: string;
  readonly objectKey: string;
  readonly maxBytes: number;
  readonly declaredSha256?: string;
  /** The S3 ETag of the object the check read: a later replacement has another. */
  readonly eTag?: string;
  readonly expiresAt?: number;
};
export type StoredDocument = Omit<IssuedDocument, 'etag'> & { readonly centerId: string; readonly objectKey: string };
/** `rev` counts the record's changes: every disposition step is conditioned on the one it read. */
export type StoredArchive = ArchiveRecord & { readonly centerId: string; readonly bucket: string; readonly prefix: string; readonly timeZone: string; readonly rev: number };

const strip = <T>(item: Item | undefined): T | undefined => {
  if (!item) return undefined;
  const { PK: _p, SK: _s, kind: _k, GSI1PK: _a, GSI1SK: _b, ...rest } = item;
  return rest as T;
};

/**
 * A file item. Files written before uploads recorded the uploader's account
 * kept the uploader's role in `uploadedBy`, the account in `uploaderSub` and
 * the upload request's digest in `fingerprint` (for retries, now
 * shared/idempotency.ts's): they read as the current shape.
 */
function toFile(item: Item | undefined): StoredFile | undefined {
  const f = strip<StoredFile & { uploaderSub?: string; fingerprint?: string }>(item);
  if (!f || f.channel) return f;
  const { uploaderSub, fingerprint: _f, ...rest } = f;
  return { ...rest, uploadedBy: uploaderSub ?? f.uploadedBy, channel: f.uploadedBy === 'staff' ? 'window' : 'online' };
}

// `kind` marks an item's type in the table; a document's own kind is kept beside it.
const documentItem = (doc: StoredDocument): Item => ({ ...documentKey(doc.centerId, doc.caseNo, doc.documentId), ...doc, kind: 'document', documentKind: doc.kind });
const toDocument = (item: Item | undefined): StoredDocument | undefined => {
  if (!item) return undefined;
  const { documentKind, ...rest } = item;
  return { ...strip<Omit<StoredDocument, 'kind'>>(rest)!, kind: documentKind } as StoredDocument;
};

// ---------------------------------------------------------------------------
// Reads

export interface CaseFilesContext {
  readonly record?: CaseRecord;
  readonly file?: StoredFile;
  readonly document?: StoredDocument;
  readonly archive?: StoredArchive;
  /** Everything read, for the request's own checks (`alsoRead`). */
  readonly found: Map<string, Item>;
}

/**
 * The case, its archive record (a destroyed archive takes its files with it),
 * optionally one of its files or documents, and the request's checks
 * (`alsoRead`): one BatchGetItem.
 */
export async function caseFilesContext(input: { centerId: string; caseNo: string; fileId?: string; documentId?: string; alsoRead: readonly ItemKey[] }): Promise<CaseFilesContext> {
  const { centerId, caseNo } = input;
  const keys = [
    caseKey(centerId, caseNo),
    archiveKey(centerId, caseNo),
    ...(input.fileId ? [fileKey(centerId, caseNo, input.fileId)] : []),
    ...(input.documentId ? [documentKey(centerId, caseNo, input.documentId)] : []),
    ...input.alsoRead,
  ];
  const found = await batchGetItems(keys);
  const caseItem = itemAt(found, caseKey(centerId, caseNo));
  const file = input.fileId ? toFile(itemAt(found, fileKey(centerId, caseNo, input.fileId))) : undefined;
  const document = input.documentId ? toDocument(itemAt(found, documentKey(centerId, caseNo, input.documentId))) : undefined;
  const archive = strip<StoredArchive>(itemAt(found, archiveKey(centerId, caseNo)));
  return {
    ...(caseItem ? { record: toRecord(caseItem) } : {}),
    ...(file ? { file } : {}),
    ...(document ? { document } : {}),
    ...(archive ? { archive } : {}),
    found,
  };
}

export interface ItemSettings {
  readonly materialMaxBytes?: number;
  readonly retentionClass?: RetentionClass;
  readonly resultType?: string;
  readonly resultName?: string;
  readonly validityYears?: number;
  readonly renewalApplyDays?: number;
  readonly variant?: string;
  readonly legalBasis?: ItemContent['legalBasis'];
  readonly remedies?: ItemContent['remedies'];
}

/** What the item version a case was filed under sets for its files: upload limit, retention class, result (type, name, validity, renewal reminder), variant, what its decisions cite (legal basis, remedies). */
export async function itemSettings(centerId: string, itemCode: string, version: number): Promise<ItemSettings> {
  const out = await db.send(new GetCommand({
    TableName: tableName(),
    Key: itemVersionKey(centerId, itemCode, version),
    ProjectionExpression: 'content.materialMaxBytes, content.retentionClass, content.resultType, content.resultName, content.validityYears, content.renewalApplyDays, content.#variant, content.legalBasis, content.remedies',
    ExpressionAttributeNames: { '#variant': 'variant' },
  }));
  return (out.Item as { content?: ItemSettings } | undefined)?.content ?? {};
}

/** A file and the state of its case, for the upload check: one BatchGetItem. */
export async function checkContext(centerId: string, caseNo: string, fileId: string): Promise<{ file?: StoredFile; caseState?: string }> {
  const found = await batchGetItems([fileKey(centerId, caseNo, fileId), caseKey(centerId, caseNo)]);
  const file = toFile(itemAt(found, fileKey(centerId, caseNo, fileId)));
  const caseItem = itemAt(found, caseKey(centerId, caseNo));
  return { ...(file ? { file } : {}), ...(caseItem ? { caseState: caseItem.state as string } : {}) };
}

export async function getFile(centerId: string, caseNo: string, fileId: string): Promise<StoredFile | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: fileKey(centerId, caseNo, fileId), ConsistentRead: true }));
  return toFile(out.Item);
}

export interface CaseFiles {
  readonly files: StoredFile[];
  readonly documents: StoredDocument[];
  readonly archive?: StoredArchive;
}

/** Every file, document and the archive record of a case: one Query (paged through). */
export async function caseFiles(centerId: string, caseNo: string): Promise<CaseFiles> {
  const files: StoredFile[] = [];
  const documents: StoredDocument[] = [];
  let archive: StoredArchive | undefined;
  for (const item of await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': filesPk(centerId, caseNo) }, ConsistentRead: true })) {
    const sk = String(item.SK);
    if (sk.startsWith('FILE#')) files.push(toFile(item)!);
    else if (sk.startsWith('DOC#')) documents.push(toDocument(item)!);
    else if (sk === 'ARCHIVE') archive = strip<StoredArchive>(item);
  }
  return { files, documents, ...(archive ? { archive } : {}) };
}

export interface FileEvent {
  readonly eventId: string;
  readonly detailType: string;
  readonly event: { occurredAt: string; actor: unknown; data: unknown };
}

/** The documents domain's events of a case (checks, verifications, issues, retrievals): its operation record for the archive. */
export async function fileEvents(centerId: string, caseNo: string): Promise<FileEvent[]> {
  return (await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': eventsPk(centerId, caseNo) }, ConsistentRead: true })).map((item) => ({
    eventId: String(item.SK).slice('EVENT#'.length),
    detailType: item.detailType as string,
    event: JSON.parse(item.detail as string),
  }));
}

/** An archive record with the request's checks (`alsoRead`): one BatchGetItem. */
export async function archiveContext(centerId: string, caseNo: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([archiveKey(centerId, caseNo), ...alsoRead]);
  return { archive: strip<StoredArchive>(itemAt(found, archiveKey(centerId, caseNo))), found };
}

export async function archivesDue(centerId: string, dueBy: string, limit: number, startKey: Item | undefined) {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
    ExpressionAttributeValues: { ':pk': retainPk(centerId), ':until': `${dueBy}#~` },
    Limit: limit,
    ExclusiveStartKey: startKey,
  }));
  return { items: (out.Items ?? []).map((i) => strip<StoredArchive>(i)!), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

// ---------------------------------------------------------------------------
// Writes

const inProgress = () => concurrentRequest(msg('同一请求正在处理，或有人同时修改了此文件；请重试。', 'The same request is in progress, or the file changed at the same moment; retry it.'));

/**
 * A new upload slot, counted against the case's limit, with the request's
 * recorded outcome when the client sent an Idempotency-Key: one transaction.
 */
export async function createSlot(file: StoredFile, idempotency?: IdempotencyPut): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: countKey(file.centerId, file.caseNo),
            UpdateExpression: 'ADD files :one SET kind = :kind',
            ConditionExpression: 'attribute_not_exists(files) OR files < :max',
            ExpressionAttributeValues: { ':one': 1, ':max': MAX_FILES_PER_CASE, ':kind': 'fileCount' },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: { ...fileKey(file.centerId, file.caseNo, file.fileId), kind: 'file', ...file },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') {
      throw problem(documentsProblems['too-many-files'], msg(
        `本办件已有 ${MAX_FILES_PER_CASE} 个上传文件，不能再上传；如仍缺材料，请到窗口办理。`,
        `This case holds ${MAX_FILES_PER_CASE} uploads, as many as it may; ask the window to help with what is missing.`,
      ));
    }
    // The Idempotency-Key recorded by a concurrent request with it (the HTTP stack answers with that outcome).
    if (isConcurrentChange(err)) throw inProgress();
    throw err;
  }
}

/**
 * The outcome of an upload's check, written once: the slot must still be
 * pending (a redelivered S3 event finds it settled and changes nothing).
 * Returns false when another delivery settled it first.
 */
export async function settleUpload(file: StoredFile, outcome: Pick<StoredFile, 'status' | 'size' | 'sha256' | 'detectedType' | 'rejection' | 'checkedAt' | 'eTag' | 'verifiedBy' | 'verifiedAt'>, draft: DocumentEvent<'MaterialReceived' | 'MaterialRejected'>): Promise<boolean> {
  const settled: Item = { ...fileKey(file.centerId, file.caseNo, file.fileId), kind: 'file', ...file, ...outcome };
  delete settled.expiresAt;
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: settled, ConditionExpression: '#s = :pending', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':pending': 'pending' } } },
        event(file.centerId, file.caseNo, draft),
      ],
    }));
    return true;
  } catch (err) {
    // Settled by another delivery only if the file says so; any other cancellation is retried.
    if (isConcurrentChange(err) && (await getFile(file.centerId, file.caseNo, file.fileId))?.status !== 'pending') return false;
    throw err;
  }
}

/** A received file whose object was replaced after its check: rejected, whatever it was. */
export async function rejectReplaced(file: StoredFile, rejection: { code: string; reason: string }, draft: DocumentEvent<'MaterialRejected'>): Promise<void> {
  await db.send(new TransactWriteCommand({
    TransactItems: [
      {
        Update: {
          TableName: tableName(),
          Key: fileKey(file.centerId, file.caseNo, file.fileId),
          UpdateExpression: 'SET #s = :rejected, rejection = :r',
          ConditionExpression: '#s = :received',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':rejected': 'rejected', ':received': 'received', ':r': rejection },
        },
      },
      event(file.centerId, file.caseNo, draft),
    ],
  }));
}

/** A clerk confirmed the file against the original: trust level B, with the request's recorded outcome. */
export async function markVerified(file: StoredFile, by: string, at: string, draft: DocumentEvent<'MaterialVerified'>, idempotency?: IdempotencyPut): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: fileKey(file.centerId, file.caseNo, file.fileId),
            UpdateExpression: 'SET trustLevel = :b, verifiedBy = :by, verifiedAt = :at',
            ConditionExpression: '#s = :received AND trustLevel = :was',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':b': 'B', ':by': by, ':at': at, ':received': 'received', ':was': file.trustLevel },
          },
        },
        event(file.centerId, file.caseNo, draft),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw inProgress();
    throw err;
  }
}

/** The outcome of a request that changed nothing (a file verified before), recorded for its Idempotency-Key. */
export async function recordUnchanged(idempotency: IdempotencyPut | undefined): Promise<void> {
  if (!idempotency) return;
  try {
    await db.send(new PutCommand(idempotency.Put));
  } catch (err) {
    if (isConcurrentChange(err)) throw inProgress();
    throw err;
  }
}

/** The audit record of a privileged read, in the outbox before the presigned URL is answered. */
export async function recordRetrieval(centerId: string, caseNo: string, draft: DocumentEvent<'DocumentRetrieved'>): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName(), Item: outboxItem(eventsPk(centerId, caseNo), draft).item }));
}

export async function getDocument(centerId: string, caseNo: string, documentId: string): Promise<StoredDocument | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: documentKey(centerId, caseNo, documentId), ConsistentRead: true }));
  return toDocument(out.Item);
}

/**
 * An issued document (and its certificate), once: a document id is derived
 * from the case event it answers, so a redelivered event finds it written.
 * `actedOn`: the certificate the case renews, changes or cancels, superseded
 * or cancelled in the same transaction. Returns false when it was already there.
 */
export interface WrittenWith {
  /** The certificate the document is. */
  readonly certificate?: StoredCertificate;
  /** The case is on the e-licence watch, which the certificate ends. */
  readonly licenceWatched?: boolean;
  /** The certificate a renewal, change or cancellation acts on. */
  readonly actedOn?: CertificateChange;
  /** Other records the document comes with (a receipt's: receipt-store.ts). */
  readonly alsoWrite?: readonly NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number][];
}

export async function recordDocument(doc: StoredDocument, draft: DocumentEvent<'DocumentIssued'>, { certificate, licenceWatched = false, actedOn, alsoWrite = [] }: WrittenWith = {}): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: documentItem(doc), ConditionExpression: 'attribute_not_exists(PK)' } },
        ...alsoWrite,
        ...(certificate ? [{ Put: { TableName: tableName(), Item: certificateItem(certificate), ConditionExpression: 'attribute_not_exists(PK)' } }] : []),
        // The certificate a renewal, change or cancellation acts on ends with the approval's document, or neither is written.
        ...(actedOn ? certificateChangeItems(actedOn) : []),
        event(doc.centerId, doc.caseNo, draft),
        // The certificate ends the e-licence watch: a watcher that read the case before publishes nothing (its condition fails).
        ...(certificate && licenceWatched ? [{
          Update: {
            TableName: tableName(),
            Key: licenceWatchKey(doc.centerId, doc.caseNo),
            UpdateExpression: 'REMOVE GSI5PK, GSI5SK SET certificateIssuedAt = :at',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':at': doc.issuedAt },
          },
        }] : []),
      ],
    }));
    return true;
  } catch (err) {
    // A duplicate only if the document is there: a certificate number held by another case, or a conflict, is retried and then dead-lettered.
    if (isConcurrentChange(err) && (await getDocument(doc.centerId, doc.caseNo, doc.documentId))) return false;
    throw err;
  }
}

const retainIndex = (a: StoredArchive) =>
  a.retainUntil && !a.disposedAt ? { GSI1PK: retainPk(a.centerId), GSI1SK: `${a.retainUntil}#${a.caseNo}` } : {};

/** The archive record of a case and its location on the case, once. Returns false when the case was archived before. */
export async function recordArchive(archive: StoredArchive, draft: DocumentEvent<'CaseArchived'>): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { ...archiveKey(archive.centerId, archive.caseNo), kind: 'archive', ...archive, ...retainIndex(archive) }, ConditionExpression: 'attribute_not_exists(PK)' } },
        // The case's own record of where its file is (read with the case; the case item itself is not touched).
        { Put: { TableName: tableName(), Item: archiveLocationItem(archive.centerId, archive.caseNo, archive.location), ConditionExpression: 'attribute_not_exists(PK)' } },
        event(archive.centerId, archive.caseNo, draft),
      ],
    }));
    return true;
  } catch (err) {
    if (isConcurrentChange(err) && (await getArchive(archive.centerId, archive.caseNo))) return false;
    throw err;
  }
}

export async function getArchive(centerId: string, caseNo: string): Promise<StoredArchive | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: archiveKey(centerId, caseNo), ConsistentRead: true }));
  return strip<StoredArchive>(out.Item);
}

/**
 * A disposition step on an archive: `next` is the revision after the one the
 * caller read (the write is conditioned on that one), with the request's
 * recorded outcome when it is the request's last step.
 */
export async function updateArchive(next: StoredArchive, draft: DocumentEvent<'ArchiveDisposition'>, idempotency?: IdempotencyPut): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...archiveKey(next.centerId, next.caseNo), kind: 'archive', ...next, ...retainIndex(next) },
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': next.rev - 1 },
          },
        },
        event(next.centerId, next.caseNo, draft),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw concurrentRequest(msg('档案的处置在此期间已有变化；请重新读取后再试。', 'The archive\'s disposition changed at the same moment; read it again and retry.'));
    throw err;
  }
}

/**
 * A supplement recorded on a sealed package (the delivery): the archive
 * record's next revision, conditioned on the one read like a disposition step
 * (so neither overwrites the other), with ArchiveSupplemented. False when the
 * record changed meanwhile: the caller reads it again.
 */
export async function recordSupplement(next: StoredArchive, draft: DocumentEvent<'ArchiveSupplemented'>): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...archiveKey(next.centerId, next.caseNo), kind: 'archive', ...next, ...retainIndex(next) },
            ConditionExpression: 'rev = :rev',
            ExpressionAttributeValues: { ':rev': next.rev - 1 },
          },
        },
        event(next.centerId, next.caseNo, draft),
      ],
    }));
    return true;
  } catch (err) {
    if (isConcurrentChange(err)) return false;
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The e-licence watch (licence-watch.ts): an approved case closed without its certificate

/** Whether the case's e-licence is on the watch (its wake-up on the index) in what a batch read found. */
export const isLicenceWatched = (found: Map<string, Item>, centerId: string, caseNo: string) => itemAt(found, licenceWatchKey(centerId, caseNo))?.GSI5PK !== undefined;

/** Whether a certificate of the case was issued (its document id starts with its kind: rules.ts documentIdOf). */
export async function hasCertificate(centerId: string, caseNo: string): Promise<boolean> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :doc)',
    ExpressionAttributeValues: { ':pk': filesPk(centerId, caseNo), ':doc': 'DOC#certificate-' },
    ProjectionExpression: 'SK',
    ConsistentRead: true,
    Limit: 1,
  }));
  return (out.Items ?? []).length > 0;
}

/**
 * Puts a closed case's e-licence on the watch, waking at its closure: the
 * watcher counts its limit. Once per case: false when it was watched before.
 */
export async function startLicenceWatch(centerId: string, caseNo: string, closedAt: string): Promise<boolean> {
  try {
    await db.send(new PutCommand({
      TableName: tableName(),
      Item: { ...licenceWatchKey(centerId, caseNo), kind: 'licenceWatch', centerId, caseNo, closedAt, GSI5PK: LICENCE_WATCH_PK, GSI5SK: wakeUpAt(closedAt, centerId, caseNo) },
      ConditionExpression: 'attribute_not_exists(PK)',
    }));
    return true;
  } catch (err) {
    if (isConcurrentChange(err)) return false;
    throw err;
  }
}

export interface LicenceWatchEntry {
  readonly centerId: string;
  readonly caseNo: string;
  /** The index key as read: the watch moves only if nothing changed it since. */
  readonly watchKey: string;
}

/** The e-licences (every center) whose wake-up has come by `now`. */
export async function licencesDue(now: string): Promise<LicenceWatchEntry[]> {
  const items = await queryAll({
    IndexName: 'GSI5',
    KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :to',
    ExpressionAttributeValues: { ':pk': LICENCE_WATCH_PK, ':to': `${now}~` },
    ProjectionExpression: 'centerId, caseNo, GSI5SK',
  });
  return items.map((i) => ({ centerId: i.centerId as string, caseNo: i.caseNo as string, watchKey: i.GSI5SK as string }));
}

/** A watched e-licence with its case and center (and the watcher's own reads, `alsoRead`): one BatchGetItem. */
export async function licenceWatchContext(centerId: string, caseNo: string, now: string, alsoRead: readonly ItemKey[]) {
  const ctx = await caseContext(centerId, caseNo, now, [licenceWatchKey(centerId, caseNo), ...alsoRead]);
  const watch = itemAt(ctx.found, licenceWatchKey(centerId, caseNo));
  return { ...ctx, ...(watch ? { closedAt: watch.closedAt as string } : {}) };
}

/**
 * The e-licence not issued in time: the watch ends with the event, in one
 * transaction, only if nothing moved it since it was read (a retry, a
 * concurrent run or the certificate's issue). False when something had.
 */
export async function publishNotIssued(entry: LicenceWatchEntry, draft: DocumentEvent<'CertificateNotIssued'>): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: licenceWatchKey(entry.centerId, entry.caseNo),
            UpdateExpression: 'REMOVE GSI5PK, GSI5SK SET notIssuedAt = :at',
            ConditionExpression: 'GSI5SK = :seen',
            ExpressionAttributeValues: { ':seen': entry.watchKey, ':at': draft.occurredAt },
          },
        },
        event(entry.centerId, entry.caseNo, draft),
      ],
    }));
    return true;
  } catch (err) {
    if (isConcurrentChange(err)) return false;
    throw err;
  }
}

/** Moves the e-licence's wake-up to `next`, or off the index (its certificate found, or no limit to count), unless it moved since it was read. */
export const rewatchLicence = (entry: LicenceWatchEntry, next: string | undefined) =>
  moveWakeUp(licenceWatchKey(entry.centerId, entry.caseNo), entry.watchKey, next, entry.centerId, entry.caseNo);
