/**
 * The archive consumer (归档): once a case has completed and every document
 * its events call for is issued, its package — every received material and
 * issued document, checked against its recorded digest, and the manifest — is
 * written to the Object-Locked archive bucket with the item's retention class;
 * then the archive record, the case's archive location and CaseArchived are
 * written in one transaction.
 *
 * It listens to CaseCompleted and DocumentIssued: whichever of the two comes
 * last finds the case ready (both are published only after their writes), so
 * no timing between the issuing and the archive consumers loses a package, and
 * a package is never sealed incomplete.
 *
 * Idempotent: a case with an archive record is skipped; a retry after a crash
 * mid-package writes the same keys with the same bytes and the same lock
 * (retention dates come from the completion, not the clock of the attempt).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { eventSchemaOf } from '#schemas/events/registry';
import { requiredEnv } from '#shared/db';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseWithTimeline } from '../cases/store.ts';
import { DEFAULT_RETENTION, buildManifest, documentPath, materialPath, objectLockOf, packagePrefix, retainUntilOf } from './archive-package.ts';
import { archiveBucket, materialsBucket, putObject, readObject, sha256Hex } from './objects.ts';
import { documentIdOf, documentKindFor } from './rules.ts';
import * as store from './store.ts';

const COPIES_IN_FLIGHT = 4;

const lockMode = () => (requiredEnv('ARCHIVE_LOCK_MODE') === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE');

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/** Copies one stored object into the package after checking it is still the one recorded. */
async function pack(source: { key: string; sha256: string; size: number; contentType: string }, target: { key: string; lock: ReturnType<typeof objectLockOf> }) {
  const { bytes } = await readObject(materialsBucket(), source.key, source.size);
  const digest = sha256Hex(bytes);
  if (digest !== source.sha256) throw new Error(`integrity: ${source.key} hashes to ${digest}, not to its recorded ${source.sha256}`);
  await putObject({
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
  const [{ record, events }, files] = await Promise.all([caseWithTimeline(centerId, caseNo), store.caseFiles(centerId, caseNo)]);
  // Read consistently: an event about a case that is not there has nothing to archive, and a redrive would not change that.
  if (!record) return { status: 'no such case' };
  if (files.archive) return { status: 'already archived' };
  if (!record.completedAt) return { status: 'not completed' };
  const item = await store.itemSettings(centerId, record.item.code);

  const issued = new Set(files.documents.map((d) => d.documentId));
  const pending = events.some((e) => {
    const kind = documentKindFor(e.detailType, item.resultType);
    return kind !== undefined && !issued.has(documentIdOf(kind, e.eventId));
  });
  // The DocumentIssued of the last one brings the consumer back.
  if (pending) return { status: 'documents pending' };

  const retention = item.retentionClass ?? DEFAULT_RETENTION;
  const retainUntil = retainUntilOf(retention, record.completedAt, record.timeZone);
  const lock = objectLockOf(retainUntil, lockMode());
  const prefix = packagePrefix(centerId, caseNo);
  const received = files.files.filter((f) => f.status === 'received');

  await inBatches(received, COPIES_IN_FLIGHT, (f) => pack({ key: f.objectKey, sha256: f.sha256!, size: f.size!, contentType: f.contentType }, { key: `${prefix}${materialPath(f)}`, lock }));
  await inBatches(files.documents, COPIES_IN_FLIGHT, (d) => pack({ key: d.objectKey, sha256: d.sha256, size: d.size, contentType: d.contentType }, { key: `${prefix}${documentPath(d)}`, lock }));

  const manifest = buildManifest({ record, timeline: events, files: received, documents: files.documents, retention, ...(retainUntil ? { retainUntil } : {}), createdAt: record.completedAt });
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  const manifestSha256 = sha256Hex(manifestBytes);
  await putObject({
    Bucket: archiveBucket(),
    Key: `${prefix}manifest.json`,
    Body: manifestBytes,
    ContentType: 'application/json',
    ChecksumSHA256: Buffer.from(manifestSha256, 'hex').toString('base64'),
    ...lock,
  });

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
  };
  const written = await store.recordArchive(archive, {
    source: 'onestop.documents',
    detailType: 'CaseArchived',
    centerId,
    occurredAt: now,
    actor: { id: 'archive', role: 'system' },
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
