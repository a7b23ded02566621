/**
 * The archival package of a case (归档信息包, after DA/T 85-2019): its layout,
 * its manifest (case metadata, timeline, decision, every material and
 * document with its digest), the retention class as Object Lock settings, and
 * what a disposition changes. Pure.
 */
import type { ArchiveRecord, RetentionClass } from '#schemas/api/documents';
import type { CaseRecord } from '../cases/lifecycle.ts';
import { extensionOf } from './content-type.ts';
import type { TimelineItem } from '../cases/store.ts';
import type { StoredArchive, StoredDocument, StoredFile } from './store.ts';

export const MANIFEST_FORMAT = 'onestop-archive/1';
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
}

/** Where a package lives in the archive bucket; every path in the manifest is relative to it. */
export const packagePrefix = (centerId: string, caseNo: string) => `archives/${centerId}/${caseNo}/`;
export const materialPath = (f: StoredFile) => `materials/${f.materialId}/${f.fileId}.${extensionOf[f.contentType]}`;
export const documentPath = (d: StoredDocument) => `documents/${d.kind}/${d.documentId}.pdf`;

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

/**
 * The Object Lock parameters of every object of a package: a dated class is a
 * retention in `mode` until its end (COMPLIANCE in production: nobody, root
 * included, deletes it sooner); permanent is a legal hold, which never expires.
 */
export function objectLockOf(retainUntil: string | undefined, mode: 'COMPLIANCE' | 'GOVERNANCE') {
  if (!retainUntil) return { ObjectLockLegalHoldStatus: 'ON' as const };
  return { ObjectLockMode: mode, ObjectLockRetainUntilDate: new Date(`${retainUntil}T00:00:00+08:00`) };
}

/** The case as archived: what it was, not how the service keeps it. */
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
    ...(c.completedAt ? { completedAt: c.completedAt } : {}),
    ...(c.delivery ? { delivery: c.delivery } : {}),
    state: c.state,
  };
}

export function buildManifest(input: {
  record: CaseRecord;
  timeline: readonly TimelineItem[];
  files: readonly StoredFile[];
  documents: readonly StoredDocument[];
  retention: RetentionClass;
  retainUntil?: string;
  createdAt: string;
}): Manifest {
  const { record: c } = input;
  return {
    format: MANIFEST_FORMAT,
    basis: 'DA/T 85-2019 政务服务事项电子文件归档规范 (structure followed in spirit)',
    package: { caseNo: c.caseNo, centerId: c.centerId, createdAt: input.createdAt, retention: { class: input.retention, ...(input.retainUntil ? { retainUntil: input.retainUntil } : {}) } },
    case: caseMetadata(c),
    ...(c.decision ? { decision: c.decision } : {}),
    timeline: input.timeline.map((e) => ({ eventId: e.eventId, type: e.detailType, occurredAt: e.event.occurredAt, actor: e.event.actor, data: e.event.data })),
    materials: input.files
      .filter((f) => f.status === 'received')
      .map((f) => ({
        path: materialPath(f), sha256: f.sha256!, size: f.size!, contentType: f.contentType,
        fileId: f.fileId, materialId: f.materialId, materialName: f.materialName, form: f.form, count: f.count, trustLevel: f.trustLevel,
        uploadedBy: f.uploadedBy, ...(f.verifiedBy ? { verifiedBy: f.verifiedBy, verifiedAt: f.verifiedAt } : {}), checkedAt: f.checkedAt,
      })),
    documents: input.documents.map((d) => ({
      path: documentPath(d), sha256: d.sha256, size: d.size, contentType: d.contentType,
      documentId: d.documentId, kind: d.kind, trustLevel: d.trustLevel, issuedAt: d.issuedAt, ...(d.certificateNo ? { certificateNo: d.certificateNo } : {}),
    })),
  };
}

/** Every object a manifest lists (the manifest itself aside). */
export const manifestObjects = (m: Manifest): PackedObject[] => [...m.materials, ...m.documents].map(({ path, sha256, size, contentType }) => ({ path, sha256, size, contentType }));

export function parseManifest(bytes: Uint8Array): Manifest {
  const m = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  if (m.format !== MANIFEST_FORMAT) throw new Error(`not an archive manifest of format ${MANIFEST_FORMAT}`);
  return m;
}

/** The archive once its proposed disposition is approved: destroyed now, or kept and listed again at its new date. */
export function disposalOutcome(a: StoredArchive, approver: string, now: string): StoredArchive {
  const proposal = a.disposition!;
  const disposition: NonNullable<ArchiveRecord['disposition']> = { ...proposal, approvedBy: approver, approvedAt: now };
  if (proposal.action === 'destroy') return { ...a, disposition, disposedAt: now };
  const [y, rest] = [Number(a.retainUntil!.slice(0, 4)), a.retainUntil!.slice(4)];
  return { ...a, disposition, retainUntil: `${y + proposal.retainYears!}${rest}` };
}
