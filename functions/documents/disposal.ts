/**
 * What an archive's disposition does to the stored objects (鉴定处置): reading
 * its manifest (checked against the recorded digest), destroying the package
 * and the case's working copies, or keeping it longer under Object Lock. Every
 * step can be repeated: a destruction interrupted halfway is finished by the
 * next attempt, a retention already moved is moved again to the same date.
 */
import { manifestObjects, parseManifest, startOfDay, type Manifest } from './archive-package.ts';
import { deleteObject, extendRetention, inBatches, lockMode, materialsBucket, missing, readObject, sha256Hex } from './objects.ts';
import type { CaseFiles, StoredArchive } from './store.ts';

const MANIFEST_MAX_BYTES = 50 * 1024 * 1024;
const DELETES_IN_FLIGHT = 10;

export const manifestKey = (a: StoredArchive) => `${a.prefix}manifest.json`;

/** The manifest as sealed: its bytes must hash to the digest the archive record holds. */
export async function sealedManifest(a: StoredArchive): Promise<Manifest> {
  const { bytes } = await readObject(a.bucket, manifestKey(a), MANIFEST_MAX_BYTES);
  const digest = sha256Hex(bytes);
  if (digest !== a.manifestSha256) throw new Error(`integrity: the manifest of ${a.caseNo} hashes to ${digest}, not to its recorded ${a.manifestSha256}`);
  return parseManifest(bytes);
}

/** Every object of the package, by path: what the manifest lists, then the supplements added since (each chained to it). */
export const packageObjects = (a: StoredArchive, m: Manifest): { readonly path: string; readonly sha256: string }[] => [...manifestObjects(m), ...(a.supplements ?? [])];

/** Every key of the package, the manifest last (it lists the others, so it goes last). */
export const packageKeys = (a: StoredArchive, m: Manifest) => [...packageObjects(a, m).map((o) => `${a.prefix}${o.path}`), manifestKey(a)];

/**
 * Deletes the package and the case's working copies (uploads, issued PDFs).
 * Once the manifest is gone the package is gone: a repeat deletes what is left
 * of the working copies only.
 */
export async function destroyObjects(a: StoredArchive, files: CaseFiles): Promise<void> {
  const manifest = await sealedManifest(a).catch((err: unknown) => {
    if (missing(err)) return undefined;
    throw err;
  });
  const working = [...files.files.map((f) => f.objectKey), ...files.documents.map((d) => d.objectKey)];
  await inBatches(working, DELETES_IN_FLIGHT, (key) => deleteObject(materialsBucket(), key));
  if (!manifest) return;
  const keys = packageKeys(a, manifest);
  await inBatches(keys.slice(0, -1), DELETES_IN_FLIGHT, (key) => deleteObject(a.bucket, key));
  await deleteObject(a.bucket, keys[keys.length - 1]!);
}

/** Moves the retention of every object of the package to `until` (retain): the lock keeps protecting what is kept. */
export async function keepLocked(a: StoredArchive, until: string): Promise<void> {
  const date = startOfDay(until, a.timeZone);
  const mode = lockMode();
  await inBatches(packageKeys(a, await sealedManifest(a)), DELETES_IN_FLIGHT, async (key) => {
    try {
      await extendRetention(a.bucket, key, mode, date);
    } catch (err) {
      // s3rver (the local cloud) has no Object Lock and refuses the call (405); S3 answers neither to PutObjectRetention on a lock-enabled bucket.
      if (!['NotImplemented', 'MethodNotAllowed'].includes((err as { name?: string }).name ?? '')) throw err;
    }
  });
}
