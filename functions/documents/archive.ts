/**
 * The archive consumer (归档): once a case has completed and every document
 * its events call for is issued, its package — every material received before
 * the completion and every issued document, checked against its recorded
 * digest, and the manifest — is
 * written to the Object-Locked archive bucket with the item's retention class;
 * then the archive record, the case's archive location and CaseArchived are
 * written in one transaction.
 *
 * It listens to CaseCompleted and DocumentIssued: whichever of the two comes
 * last finds the case ready (both are published only after their writes), so
 * no timing between the issuing and the archive consumers loses a package, and
 * a package is never sealed incomplete.
 *
 * Idempotent: a case with an archive record is skipped. Every object is
 * written with If-None-Match: *, so a retry after a crash mid-package keeps
 * what the first attempt wrote (and its lock) and the recorded manifest digest
 * is that of the manifest in the bucket; the manifest describes the case as it
 * completed, so any attempt writes the same bytes anyway.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { eventSchemaOf } from '#schemas/events/registry';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseWithTimeline } from '../cases/public.ts';
import { DEFAULT_RETENTION, buildManifest, documentPath, materialPath, objectLockOf, packagePrefix, packedFiles, retainUntilOf } from './archive-package.ts';
import { alreadyThere, archiveBucket, inBatches, lockMode, materialsBucket, putObject, readObject, sha256Hex } from './objects.ts';
import { documentIdOf, documentKindFor } from './rules.ts';
import * as store from './store.ts';

const COPIES_IN_FLIGHT = 4;

/** Writes one object of the package unless an earlier attempt did (then that one, with its lock, stays). */
async function putOnce(input: Parameters<typeof putObject>[0]): Promise<'written' | 'there'> {
  try {
    await putObject({ ...input, IfNoneMatch: '*' });
    return 'written';
  } catch (err) {
    if (alreadyThere(err)) return 'there';
    throw err;
  }
}

/** Copies one stored object into the package after checking it is still the one recorded. */
async function pack(source: { key: string; sha256: string; size: number; contentType: string }, target: { key: string; lock: ReturnType<typeof objectLockOf> }) {
  const { bytes } = await readObject(materialsBucket(), source.key, source.size);
  const digest = sha256Hex(bytes);
  if (digest !== source.sha256) throw new Error(`integrity: ${source.key} hashes to ${digest}, not to its recorded ${source.sha256}`);
  await putOnce({
    Bucket: archiveBucket(),
    Key: target.key,
    Body: bytes,
    ContentType: source.contentType,
    ChecksumSHA256: Buffer.from(digest, 'hex').toString('base64'),
    ...target.lock,
  });
}

export type ArchiveOutcome = { readonly status: 'archived'; readonly archive: store.StoredArchive } | { readonly status: 'already archived' | 'not completed' | 'documents pending' | 'no such case' };

export async function archiveCase(centerId: string, caseNo: string, now = new Date().toISOString()): Promise<ArchiveOutcome> {
  const [{ record, events }, files, fileEvents] = await Promise.all([caseWithTimeline(centerId, caseNo), store.caseFiles(centerId, caseNo), store.fileEvents(centerId, caseNo)]);
  // Read consistently: an event about a case that is not there has nothing to archive, and a redrive would not change that.
  if (!record) return { status: 'no such case' };
  if (files.archive) return { status: 'already archived' };
  if (!record.completedAt) return { status: 'not completed' };
  const item = await store.itemSettings(centerId, record.item.code, record.item.version);

  const issued = new Set(files.documents.map((d) => d.documentId));
  const pending = events.some((e) => {
    const kind = documentKindFor(e.detailType, { resultType: item.resultType, serviceMode: record.item.serviceMode });
    return kind !== undefined && !issued.has(documentIdOf(kind, e.eventId));
  });
  // The DocumentIssued of the last one brings the consumer back.
  if (pending) return { status: 'documents pending' };

  const retention = item.retentionClass ?? DEFAULT_RETENTION;
  const retainUntil = retainUntilOf(retention, record.completedAt, record.timeZone);
  const lock = objectLockOf(retainUntil, lockMode(), record.timeZone);
  const prefix = packagePrefix(centerId, caseNo);
  const received = packedFiles(files.files, record.completedAt);

  await inBatches(received, COPIES_IN_FLIGHT, (f) => pack({ key: f.objectKey, sha256: f.sha256!, size: f.size!, contentType: f.contentType }, { key: `${prefix}${materialPath(f)}`, lock }));
  await inBatches(files.documents, COPIES_IN_FLIGHT, (d) => pack({ key: d.objectKey, sha256: d.sha256, size: d.size, contentType: d.contentType }, { key: `${prefix}${documentPath(d)}`, lock }));

  const manifest = buildManifest({ record, timeline: events, files: files.files, documents: files.documents, fileEvents, retention, ...(retainUntil ? { retainUntil } : {}), createdAt: record.completedAt });
  const manifestKey = `${prefix}manifest.json`;
  let manifestBytes: Uint8Array = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  const put = await putOnce({
    Bucket: archiveBucket(),
    Key: manifestKey,
    Body: manifestBytes,
    ContentType: 'application/json',
    ChecksumSHA256: Buffer.from(sha256Hex(manifestBytes), 'hex').toString('base64'),
    ...lock,
  });
  // An earlier attempt sealed it: the record describes the manifest that is there.
  if (put === 'there') manifestBytes = (await readObject(archiveBucket(), manifestKey, 50 * 1024 * 1024)).bytes;
  const manifestSha256 = sha256Hex(manifestBytes);

  const archive: store.StoredArchive = {
    caseNo,
    centerId,
    bucket: archiveBucket(),
    prefix,
    location: `s3://${archiveBucket()}/${prefix}`,
    manifestSha256,
    retentionClass: retention,
    ...(retainUntil ? { retainUntil } : {}),
    archivedAt: now,
    objects: received.length + files.documents.length + 1,
    timeZone: record.timeZone,
    rev: 1,
  };
  const written = await store.recordArchive(archive, {
    source: 'onestop.documents',
    detailType: 'CaseArchived',
    centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: caseNo },
    data: { caseNo, location: archive.location, manifestSha256, retentionClass: retention, ...(retainUntil ? { retainUntil } : {}), objects: archive.objects },
  });
  return written ? { status: 'archived', archive } : { status: 'already archived' };
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const { schema, known } = eventSchemaOf(event.source, event['detail-type']);
  const errors = known ? validationErrors(schema, event.detail, '/detail') : [{ path: '/detail-type', code: 'unknown', message: event['detail-type'] }];
  if (errors.length) throw new Error(`event ${event.id} (${event['detail-type']}) is not a valid event of its type: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<{ caseNo: string }>;
  const started = performance.now();
  const outcome = await archiveCase(detail.centerId, detail.data.caseNo);
  logger.info('archive', {
    caseNo: detail.data.caseNo, trigger: event['detail-type'], status: outcome.status,
    ...(outcome.status === 'archived' ? { objects: outcome.archive.objects, retentionClass: outcome.archive.retentionClass, durationMs: Math.round(performance.now() - started) } : {}),
  });
}
