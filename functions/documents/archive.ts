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
 * The delivery (CaseDelivered) comes after the completion the package
 * describes: it is written beside the sealed package as a supplement that
 * names the manifest's digest, and recorded on the archive record with
 * ArchiveSupplemented. Every run, whatever its trigger, supplements each
 * delivery in the timeline that the record lacks, so a delivery consumed
 * before the seal (the documents still pending) lands with the seal.
 *
 * Idempotent: a case with an archive record is not packed again (only a
 * delivery it lacks is added), and a supplement is recorded once. Every object is
 * written with If-None-Match: *, so a retry after a crash mid-package keeps
 * what the first attempt wrote (and its lock) and the recorded manifest digest
 * is that of the manifest in the bucket; the manifest describes the case as it
 * completed, so any attempt writes the same bytes anyway.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { caseEventSchema } from '#schemas/events/cases';
import { documentEventSchemas } from '#schemas/events/documents';
import type { DomainEvent } from '#shared/events';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseWithTimeline, type TimelineItem } from '../cases/public.ts';
import {
  DEFAULT_RETENTION, buildManifest, deliveriesToSupplement, deliverySupplement, deliverySupplementPath, documentPath, materialPath, objectLockOf, packagePrefix, packedFiles, retainUntilOf,
} from './archive-package.ts';
import { alreadyThere, archiveBucket, inBatches, lockMode, materialsBucket, putObject, readObject, sha256Hex } from './objects.ts';
import { documentIdOf, documentKindsFor } from './rules.ts';
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

/** `supplemented`: the paths of the supplements this run added. */
export type ArchiveOutcome =
  | { readonly status: 'archived'; readonly archive: store.StoredArchive; readonly supplemented?: readonly string[] }
  | { readonly status: 'already archived'; readonly supplemented?: readonly string[] }
  | { readonly status: 'not completed' | 'documents pending' | 'no such case' };

const SUPPLEMENT_MAX_BYTES = 64 * 1024;

/**
 * Writes a delivery's supplement beside the sealed package (locked like it)
 * and records it on the archive record. A record changed meanwhile (another
 * delivery of the event, a disposition step) is read again: the supplement
 * is there, or the run fails and the consumer retries it.
 */
async function supplement(archive: store.StoredArchive, delivered: TimelineItem, now: string): Promise<store.StoredArchive> {
  const path = deliverySupplementPath(delivered.eventId);
  const key = `${archive.prefix}${path}`;
  let bytes: Uint8Array = new TextEncoder().encode(JSON.stringify(deliverySupplement(archive, delivered), null, 2));
  const put = await putOnce({
    Bucket: archive.bucket,
    Key: key,
    Body: bytes,
    ContentType: 'application/json',
    ChecksumSHA256: Buffer.from(sha256Hex(bytes), 'hex').toString('base64'),
    ...objectLockOf(archive.retainUntil, lockMode(), archive.timeZone),
  });
  if (put === 'there') bytes = (await readObject(archive.bucket, key, SUPPLEMENT_MAX_BYTES)).bytes;
  const sha256 = sha256Hex(bytes);
  const next: store.StoredArchive = {
    ...archive,
    supplements: [...(archive.supplements ?? []), { kind: 'delivery', path, sha256, size: bytes.length, causedBy: delivered.eventId, addedAt: now }],
    rev: archive.rev + 1,
  };
  const written = await store.recordSupplement(next, {
    source: 'onestop.documents',
    detailType: 'ArchiveSupplemented',
    centerId: archive.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: archive.caseNo },
    data: { caseNo: archive.caseNo, kind: 'delivery', path, sha256, size: bytes.length, previousManifestSha256: archive.manifestSha256, causedBy: delivered.eventId },
  });
  if (written) return next;
  const current = await store.getArchive(archive.centerId, archive.caseNo);
  if (!current?.supplements?.some((s) => s.causedBy === delivered.eventId)) throw new Error(`archive of ${archive.caseNo} changed while its supplement ${path} was recorded`);
  return current;
}

/** Supplements every delivery of the timeline that the sealed package does not record yet; the paths added. */
async function supplementDeliveries(archive: store.StoredArchive, timeline: readonly TimelineItem[], now: string): Promise<{ archive: store.StoredArchive; added: string[] }> {
  let current = archive;
  const added: string[] = [];
  for (const delivered of deliveriesToSupplement(archive, timeline)) {
    current = await supplement(current, delivered, now);
    added.push(deliverySupplementPath(delivered.eventId));
  }
  return { archive: current, added };
}

const withAdded = (added: readonly string[]) => (added.length ? { supplemented: added } : {});

export async function archiveCase(centerId: string, caseNo: string, now = new Date().toISOString()): Promise<ArchiveOutcome> {
  const [{ record, events }, files, fileEvents] = await Promise.all([caseWithTimeline(centerId, caseNo), store.caseFiles(centerId, caseNo), store.fileEvents(centerId, caseNo)]);
  // Read consistently: an event about a case that is not there has nothing to archive, and a redrive would not change that.
  if (!record) return { status: 'no such case' };
  if (files.archive) return { status: 'already archived', ...withAdded((await supplementDeliveries(files.archive, events, now)).added) };
  if (!record.completedAt) return { status: 'not completed' };
  const item = await store.itemSettings(centerId, record.item.code, record.item.version);

  const issued = new Set(files.documents.map((d) => d.documentId));
  const pending = events.some((e) =>
    documentKindsFor(e.detailType, { resultType: item.resultType, serviceMode: record.item.serviceMode }).some((kind) => !issued.has(documentIdOf(kind, e.eventId))));
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
  // Sealed by another run meanwhile: that run's timeline may predate a delivery this one saw.
  const sealed = written ? archive : await store.getArchive(centerId, caseNo);
  const { archive: supplemented, added } = await supplementDeliveries(sealed!, events, now);
  return written ? { status: 'archived', archive: supplemented, ...withAdded(added) } : { status: 'already archived', ...withAdded(added) };
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  // Its rule brings case events and DocumentIssued only: their two schemas, not the registry of every domain's (the bundle's size).
  const schema = event.source === 'onestop.cases' ? caseEventSchema : Object.hasOwn(documentEventSchemas, event['detail-type']) ? documentEventSchemas[event['detail-type'] as keyof typeof documentEventSchemas] : undefined;
  const errors = schema ? validationErrors(schema, event.detail, '/detail') : [{ path: '/detail-type', code: 'unknown', message: event['detail-type'] }];
  if (errors.length) throw new Error(`event ${event.id} (${event['detail-type']}) is not a valid event of its type: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<{ caseNo: string }>;
  const started = performance.now();
  const outcome = await archiveCase(detail.centerId, detail.data.caseNo);
  logger.info('archive', {
    caseNo: detail.data.caseNo, trigger: event['detail-type'], status: outcome.status,
    ...(outcome.status === 'archived' ? { objects: outcome.archive.objects, retentionClass: outcome.archive.retentionClass, durationMs: Math.round(performance.now() - started) } : {}),
    ...('supplemented' in outcome ? { supplemented: outcome.supplemented } : {}),
  });
}
