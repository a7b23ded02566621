/**
 * The upload check (材料校验), run on every object created under uploads/:
 * what the bytes really are, how many, their SHA-256; the file becomes
 * received or rejected with its reason, exactly once (the slot must still be
 * pending). A rejected object is deleted: nobody downloads what failed. The
 * case itself is never touched here.
 */
import type { S3Event } from 'aws-lambda';
import type { DocumentEventData } from '#schemas/events/documents';
import { logger } from '#shared/logger';
import { sniffContentType } from './content-type.ts';
import { deleteObject, materialsBucket, readObject, sha256Hex } from './objects.ts';
import { caseClosed, uploadRejection } from './rules.ts';
import * as store from './store.ts';

const UPLOAD_KEY = /^uploads\/([^/]+)\/([^/]+)\/([0-9A-HJKMNP-TV-Z]{26})$/;

/** S3 event keys are URL-encoded with spaces as '+'. */
const decodeKey = (key: string) => decodeURIComponent(key.replaceAll('+', ' '));

const systemActor = { id: 'system', role: 'system' as const };

async function checkObject(bucket: string, key: string, eTag: string | undefined): Promise<void> {
  const match = UPLOAD_KEY.exec(key);
  if (!match) {
    logger.warn('object outside the upload layout; left alone', { key });
    return;
  }
  const [, centerId, caseNo, fileId] = match as unknown as [string, string, string, string];
  const { file, caseState } = await store.checkContext(centerId, caseNo, fileId);
  if (!file) {
    // No slot (expired, or never issued): the object has no owner and no check.
    logger.warn('object without an upload slot; deleted', { caseNo, fileId });
    await deleteObject(bucket, key);
    return;
  }
  if (file.status === 'rejected') {
    // Put again through the slot's URL after its rejection: a rejected slot never serves a file.
    await deleteObject(bucket, key);
    return;
  }
  if (file.status !== 'pending') {
    if (eTag && file.eTag && eTag.replaceAll('"', '') !== file.eTag.replaceAll('"', '')) {
      const rejection = { code: 'replaced', reason: 'The object was replaced after it had been checked.' };
      await store.rejectReplaced(file, rejection, draft(file, 'MaterialRejected', { size: file.size!, sha256: file.sha256!, detectedType: file.detectedType!, rejection }));
      await deleteObject(bucket, key);
      logger.warn('received object replaced; rejected', { caseNo, fileId });
    }
    return;
  }

  const { bytes, truncated, eTag: storedTag } = await readObject(bucket, key, file.maxBytes);
  const sniffed = sniffContentType(bytes);
  const observed = { size: truncated ? file.maxBytes + 1 : bytes.length, sha256: sha256Hex(bytes), sniffed };
  const rejection = caseClosed(caseState) ?? uploadRejection({ contentType: file.contentType, size: file.declaredSize, maxBytes: file.maxBytes, ...(file.declaredSha256 ? { sha256: file.declaredSha256 } : {}) }, observed);
  const checkedAt = new Date().toISOString();
  const detectedType = sniffed.kind === 'accepted' ? sniffed.type : sniffed.label;
  const outcome = {
    status: rejection ? ('rejected' as const) : ('received' as const),
    size: observed.size,
    sha256: observed.sha256,
    detectedType,
    checkedAt,
    ...(rejection ? { rejection } : {}),
    ...(storedTag ? { eTag: storedTag } : {}),
    // A clerk's scan is checked against the original at the counter: verified once its bytes passed.
    ...(file.channel === 'window' && !rejection ? { verifiedBy: file.uploadedBy, verifiedAt: checkedAt } : {}),
  };
  const settled = await store.settleUpload(file, outcome, draft(file, rejection ? 'MaterialRejected' : 'MaterialReceived', { size: observed.size, sha256: observed.sha256, detectedType, ...(rejection ? { rejection } : {}) }));
  if (rejection && settled) await deleteObject(bucket, key);
  logger.info('upload checked', { caseNo, fileId, status: outcome.status, code: rejection?.code, size: observed.size, settled });
}

function draft<K extends 'MaterialReceived' | 'MaterialRejected'>(
  file: store.StoredFile,
  detailType: K,
  seen: Pick<DocumentEventData[K], 'size' | 'sha256' | 'detectedType' | 'rejection'>,
): store.DocumentEvent<K> {
  return {
    source: 'onestop.documents',
    detailType,
    centerId: file.centerId,
    occurredAt: new Date().toISOString(),
    actor: systemActor,
    subject: { type: 'case', id: file.caseNo },
    data: { caseNo: file.caseNo, fileId: file.fileId, materialId: file.materialId, declaredType: file.contentType, trustLevel: file.trustLevel, ...seen } as DocumentEventData[K],
  };
}

export async function handler(event: S3Event): Promise<void> {
  const bucket = materialsBucket();
  for (const record of event.Records) {
    if (record.s3.bucket.name !== bucket) throw new Error(`event for bucket ${record.s3.bucket.name}, not the materials bucket`);
    await checkObject(bucket, decodeKey(record.s3.object.key), record.s3.object.eTag);
  }
}
