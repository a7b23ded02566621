/**
 * What clients see of files, documents and archives, and their versions
 * (ETags). A file's or document's version is a digest of what it says, so
 * every change (its check, a verification, a rejection) gives another one
 * without a counter in the record; an archive counts its changes (`rev`).
 */
import { createHash } from 'node:crypto';
import type { ArchiveRecord, CertificateCheck, CertificateRecord, IssuedDocument, LicenceEntry, MaterialFile } from '#schemas/api/documents';
import { statusOn } from './certificates.ts';
import type { StoredCertificate } from './certificate-store.ts';
import type { StoredArchive, StoredDocument, StoredFile } from './store.ts';

/** JSON with every object's keys sorted: the same content always hashes the same, whatever order the table returns. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v);

const versionOf = (shown: object) => createHash('sha256').update(canonical(shown)).digest('base64url').slice(0, 22);

const fileShown = (f: StoredFile) => {
  const { centerId: _c, objectKey: _o, maxBytes: _m, declaredSha256: _d, eTag: _e, expiresAt: _x, ...shown } = f;
  return shown;
};

/** The version of a file, whoever reads it (If-Match names it). */
export const fileTag = (f: StoredFile) => versionOf(fileShown(f));

/** A file as a client sees it; applicants see no staff ids. */
export function fileView(f: StoredFile, asApplicant = false): MaterialFile {
  const shown = { ...fileShown(f), etag: fileTag(f) };
  if (!asApplicant) return shown;
  return {
    ...shown,
    ...(shown.channel === 'window' ? { uploadedBy: 'staff' } : {}),
    ...(shown.verifiedBy ? { verifiedBy: 'staff' } : {}),
  };
}

export function documentView(d: StoredDocument): IssuedDocument {
  const { centerId: _c, objectKey: _o, ...shown } = d;
  return { ...shown, etag: versionOf(shown) };
}

export function archiveView(a: StoredArchive): ArchiveRecord {
  const { centerId: _c, bucket: _b, prefix: _p, timeZone: _t, rev: _r, ...shown } = a;
  return shown;
}

export const archiveTag = (a: StoredArchive) => String(a.rev);

/** A certificate's version (If-Match names it): its revision. */
export const certificateTag = (c: StoredCertificate) => String(c.rev ?? 0);

/** The public check on `today`: the certificate's facts and state, the holder masked, never why or by whom it ended. */
export function certificateCheckView(c: StoredCertificate, today: string): CertificateCheck {
  const { certificateNo, itemCode, itemName, departmentName, centerName, holder, issuedOn, validUntil, statusOn: on, supersedes, supersededBy, sha256 } = c;
  return {
    certificateNo, status: statusOn(c, today), itemCode, itemName, departmentName, centerName, holder, issuedOn, sha256,
    ...(validUntil ? { validUntil } : {}),
    ...(on ? { statusOn: on } : {}),
    ...(supersedes ? { supersedes } : {}),
    ...(supersededBy ? { supersededBy } : {}),
  };
}

/** An entry of the public register on `today`: the check's facts and state, less the digest and the chain of renewals. */
export function licenceEntryView(c: StoredCertificate, today: string): LicenceEntry {
  const { certificateNo, itemCode, itemName, departmentName, holder, issuedOn, validUntil, statusOn: on } = c;
  return {
    certificateNo, status: statusOn(c, today), itemCode, itemName, departmentName, holder, issuedOn,
    ...(validUntil ? { validUntil } : {}),
    ...(on ? { statusOn: on } : {}),
  };
}

/** The certificate as the issuing department's staff read it. */
export function certificateRecordView(c: StoredCertificate, today: string): CertificateRecord {
  return { ...certificateCheckView(c, today), caseNo: c.caseNo, ...(c.ended ? { ended: c.ended } : {}), etag: certificateTag(c) };
}
