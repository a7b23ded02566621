/**
 * The archival package of a case (归档信息包, after DA/T 85-2019): its layout,
 * its manifest (case metadata, timeline, decision, every material and
 * document with its digest), the supplements that record what happened after
 * it was sealed (the delivery), the retention class as Object Lock settings,
 * and what a disposition changes. Pure.
 */
import type { ArchiveRecord, RetentionClass } from '#schemas/api/documents';
import type { CaseRecord, TimelineItem } from '../cases/public.ts';
import { extensionOf } from './content-type.ts';
import type { FileEvent, StoredArchive, StoredDocument, StoredFile } from './store.ts';

export const MANIFEST_FORMAT = 'onestop-archive/1';
export const SUPPLEMENT_FORMAT = 'onestop-archive-supplement/1';
export const DEFAULT_RETENTION: RetentionClass = '30y';

export interface PackedObject {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly contentType: string;
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly basis: string;
  readonly package: { readonly caseNo: string; readonly centerId: string; readonly createdAt: string; readonly retention: { readonly class: RetentionClass; readonly retainUntil?: string } };
  readonly case: Record<string, unknown>;
  readonly decision?: CaseRecord['decision'];
  readonly timeline: readonly { readonly eventId: string; readonly type: string; readonly occurredAt: string; readonly actor: unknown; readonly data: unknown }[];
  readonly materials: readonly (PackedObject & Record<string, unknown>)[];
  readonly documents: readonly (PackedObject & Record<string, unknown>)[];
  /** Uploads refused by their check, with the reason: part of the record of what was handed in. */
  readonly rejectedUploads: readonly Record<string, unknown>[];
  /** The operation record of the files (checks, verifications, documents issued, privileged reads) up to the completion. */
  readonly fileEvents: readonly { readonly eventId: string; readonly type: string; readonly occurredAt: string; readonly actor: unknown; readonly data: unknown }[];
}

/** Where a package lives in the archive bucket; every path in the manifest is relative to it. */
export const packagePrefix = (centerId: string, caseNo: string) => `archives/${centerId}/${caseNo}/`;
export const materialPath = (f: StoredFile) => `materials/${f.materialId}/${f.fileId}.${extensionOf[f.contentType]}`;
export const documentPath = (d: StoredDocument) => `documents/${d.kind}/${d.documentId}.pdf`;
export const deliverySupplementPath = (eventId: string) => `supplements/delivery-${eventId}.json`;

/**
 * The delivery record (送达) of a sealed package: the case event's facts and
 * who delivered, nothing personal the manifest does not already hold, and
 * the manifest's digest, so the supplement chains to the package it
 * completes. Each names the manifest (not an earlier supplement): the bytes
 * depend on nothing but the event and the seal, so any attempt writes the same.
 */
export interface DeliverySupplement {
  readonly format: typeof SUPPLEMENT_FORMAT;
  readonly kind: 'delivery';
  readonly package: { readonly caseNo: string; readonly centerId: string };
  readonly previousManifestSha256: string;
  readonly delivery: {
    readonly eventId: string;
    readonly method: string;
    readonly trackingNo?: string;
    /** YYYY-MM-DD in the center's time zone. */
    readonly deliveredOn: string;
    readonly deliveredAt: string;
    readonly actor: { readonly id: string; readonly role: string };
  };
}

export function deliverySupplement(a: Pick<StoredArchive, 'caseNo' | 'centerId' | 'manifestSha256' | 'timeZone'>, delivered: TimelineItem): DeliverySupplement {
  const { details } = delivered.event.data;
  const at = delivered.event.occurredAt;
  return {
    format: SUPPLEMENT_FORMAT,
    kind: 'delivery',
    package: { caseNo: a.caseNo, centerId: a.centerId },
    previousManifestSha256: a.manifestSha256,
    delivery: {
      eventId: delivered.eventId,
      method: String(details.method),
      ...(typeof details.trackingNo === 'string' ? { trackingNo: details.trackingNo } : {}),
      deliveredOn: new Intl.DateTimeFormat('en-CA', { timeZone: a.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at)),
      deliveredAt: at,
      actor: { id: delivered.event.actor.id, role: delivered.event.actor.role },
    },
  };
}

/** The deliveries of a case that its sealed, not destroyed, package does not record yet. */
export const deliveriesToSupplement = (a: StoredArchive, timeline: readonly TimelineItem[]) =>
  a.disposedAt ? [] : timeline.filter((e) => e.detailType === 'CaseDelivered' && !a.supplements?.some((s) => s.causedBy === e.eventId));

/**
 * Retention counts from 1 January of the year after the file was formed (the
 * archives' rule of 次年1月1日起算): a case completed in 2026 with a 10-year
 * class is kept until 2037-01-01. Permanent has no end.
 */
export function retainUntilOf(retention: RetentionClass, completedAt: string, timeZone: string): string | undefined {
  if (retention === 'permanent') return undefined;
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' }).format(new Date(completedAt)));
  return `${year + 1 + (retention === '10y' ? 10 : 30)}-01-01`;
}

/** Midnight at the start of `date` in `timeZone`, as an instant (Object Lock dates are instants). */
export function startOfDay(date: string, timeZone: string): Date {
  const noonUtc = new Date(`${date}T12:00:00Z`);
  const offset = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(noonUtc).find((p) => p.type === 'timeZoneName')!.value;
  return new Date(`${date}T00:00:00${offset === 'GMT' ? 'Z' : offset.slice(3)}`);
}

/**
 * The Object Lock parameters of every object of a package: a dated class is a
 * retention in `mode` until its end (COMPLIANCE in production: nobody, root
 * included, deletes it sooner); permanent is a legal hold, which never expires.
 */
export function objectLockOf(retainUntil: string | undefined, mode: 'COMPLIANCE' | 'GOVERNANCE', timeZone: string) {
  if (!retainUntil) return { ObjectLockLegalHoldStatus: 'ON' as const };
  return { ObjectLockMode: mode, ObjectLockRetainUntilDate: startOfDay(retainUntil, timeZone) };
}

/**
 * The case as it was when it completed: what it was, not how the service
 * keeps it, and nothing that happened after (a delivery), so every run of the
 * archive writes the same manifest.
 */
function caseMetadata(c: CaseRecord): Record<string, unknown> {
  return {
    caseNo: c.caseNo,
    item: c.item,
    applicant: c.applicant,
    channel: c.channel,
    fields: c.fields,
    checklist: c.materials,
    receivedAt: c.receivedAt,
    ...(c.acceptedAt ? { acceptedAt: c.acceptedAt } : {}),
    ...(c.deemedAccepted ? { deemedAccepted: true } : {}),
    ...(c.refusal ? { refusal: c.refusal } : {}),
    ...(c.supplementNotice ? { supplementNotice: c.supplementNotice } : {}),
    ...(c.extension ? { extension: c.extension } : {}),
    reviews: c.reviews,
    jointSteps: c.jointSteps,
    deadlines: c.deadlines,
    completedAt: c.completedAt,
    state: 'completed',
  };
}

/** The timeline up to and including the completion. */
export function timelineToCompletion<T extends { detailType: string }>(events: readonly T[]): T[] {
  const end = events.findIndex((e) => e.detailType === 'CaseCompleted');
  return end < 0 ? [...events] : events.slice(0, end + 1);
}

/** The files of the package: received, and checked before the case completed (a later check never changes a sealed package). */
export const packedFiles = (files: readonly StoredFile[], completedAt: string) => files.filter((f) => f.status === 'received' && f.checkedAt! <= completedAt);

export function buildManifest(input: {
  record: CaseRecord;
  timeline: readonly TimelineItem[];
  files: readonly StoredFile[];
  documents: readonly StoredDocument[];
  fileEvents: readonly FileEvent[];
  retention: RetentionClass;
  retainUntil?: string;
  createdAt: string;
}): Manifest {
  const { record: c } = input;
  const completedAt = c.completedAt!;
  return {
    format: MANIFEST_FORMAT,
    basis: 'DA/T 85-2019 政务服务事项电子文件归档规范 (structure followed in spirit)',
    package: { caseNo: c.caseNo, centerId: c.centerId, createdAt: input.createdAt, retention: { class: input.retention, ...(input.retainUntil ? { retainUntil: input.retainUntil } : {}) } },
    case: caseMetadata(c),
    ...(c.decision ? { decision: c.decision } : {}),
    timeline: timelineToCompletion(input.timeline).map((e) => ({ eventId: e.eventId, type: e.detailType, occurredAt: e.event.occurredAt, actor: e.event.actor, data: e.event.data })),
    materials: packedFiles(input.files, completedAt)
      .map((f) => ({
        path: materialPath(f), sha256: f.sha256!, size: f.size!, contentType: f.contentType,
        fileId: f.fileId, materialId: f.materialId, materialName: f.materialName, form: f.form, count: f.count, trustLevel: f.trustLevel,
        uploadedBy: f.uploadedBy, channel: f.channel, ...(f.verifiedBy ? { verifiedBy: f.verifiedBy, verifiedAt: f.verifiedAt } : {}), checkedAt: f.checkedAt,
      })),
    documents: input.documents.map((d) => ({
      path: documentPath(d), sha256: d.sha256, size: d.size, contentType: d.contentType,
      documentId: d.documentId, kind: d.kind, trustLevel: d.trustLevel, issuedAt: d.issuedAt, ...(d.certificateNo ? { certificateNo: d.certificateNo } : {}),
    })),
    rejectedUploads: input.files
      .filter((f) => f.status === 'rejected' && f.checkedAt! <= completedAt)
      .map((f) => ({ fileId: f.fileId, materialId: f.materialId, declaredType: f.contentType, detectedType: f.detectedType, size: f.size, sha256: f.sha256, rejection: f.rejection, checkedAt: f.checkedAt })),
    fileEvents: input.fileEvents
      .filter((e) => e.event.occurredAt <= completedAt)
      .map((e) => ({ eventId: e.eventId, type: e.detailType, occurredAt: e.event.occurredAt, actor: e.event.actor, data: e.event.data })),
  };
}

/** Every object a manifest lists (the manifest itself aside). */
export const manifestObjects = (m: Manifest): PackedObject[] => [...m.materials, ...m.documents].map(({ path, sha256, size, contentType }) => ({ path, sha256, size, contentType }));

export function parseManifest(bytes: Uint8Array): Manifest {
  const m = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  if (m.format !== MANIFEST_FORMAT) throw new Error(`not an archive manifest of format ${MANIFEST_FORMAT}`);
  return m;
}

/**
 * The archive once its proposed disposition is approved: to be destroyed
 * (`disposedAt` follows once its objects are gone), or kept and listed again
 * at its new date.
 */
export function approvedDisposition(a: StoredArchive, approver: string, now: string): StoredArchive {
  const proposal = a.disposition!;
  const disposition: NonNullable<ArchiveRecord['disposition']> = { ...proposal, approvedBy: approver, approvedAt: now };
  if (proposal.action === 'destroy') return { ...a, disposition };
  return { ...a, disposition, retainUntil: extendedRetention(a) };
}

/** The new end of an archive kept longer (retain): its end moved by the proposal's years. */
export function extendedRetention(a: StoredArchive): string {
  return `${Number(a.retainUntil!.slice(0, 4)) + a.disposition!.retainYears!}${a.retainUntil!.slice(4)}`;
}
