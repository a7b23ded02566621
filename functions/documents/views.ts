/**
 * What clients see of files, documents and archives, and their versions
 * (ETags). A file's or document's version is a digest of what it says, so
 * every change (its check, a verification, a rejection) gives another one
 * without a counter in the record; an archive counts its changes (`rev`).
 */
import { createHash } from 'node:crypto';
import type { ArchiveRecord, IssuedDocument, MaterialFile } from '#schemas/api/documents';
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
