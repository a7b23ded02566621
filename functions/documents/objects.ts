/**
 * The documents domain's S3 calls: presigned uploads and downloads, reading
 * an object whole (bounded), writing and removing. The endpoint comes from
 * AWS_ENDPOINT_URL_S3 in the local cloud.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, PutObjectRetentionCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { requiredEnv } from '#shared/db';
import { cleanFileName } from '#shared/edge';

// WHEN_REQUIRED: otherwise presigned PUTs carry the CRC32 of an empty body (STACK.md).
export const s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

export const materialsBucket = () => requiredEnv('MATERIALS_BUCKET');
export const archiveBucket = () => requiredEnv('ARCHIVE_BUCKET');

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A presigned PUT whose signature fixes the content type and length (S3
 * refuses any other body), the SHA-256 when the client declared one, and
 * If-None-Match: * so the URL cannot replace an object already uploaded.
 */
export async function presignUpload(input: { key: string; contentType: string; size: number; sha256?: string; expiresIn: number }) {
  const headers: Record<string, string> = { 'content-type': input.contentType, 'content-length': String(input.size), 'if-none-match': '*' };
  const command = new PutObjectCommand({
    Bucket: materialsBucket(),
    Key: input.key,
    ContentType: input.contentType,
    ContentLength: input.size,
    IfNoneMatch: '*',
    ...(input.sha256 ? { ChecksumSHA256: Buffer.from(input.sha256, 'hex').toString('base64') } : {}),
  });
  if (input.sha256) headers['x-amz-checksum-sha256'] = Buffer.from(input.sha256, 'hex').toString('base64');
  const url = await getSignedUrl(s3, command, { expiresIn: input.expiresIn, signableHeaders: new Set(Object.keys(headers)), unhoistableHeaders: new Set(Object.keys(headers).filter((h) => h.startsWith('x-amz-'))) });
  return { url, headers };
}

// RFC 5987 attr-char leaves these to percent-encoding; encodeURIComponent does not.
const encodeExt = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Content-Disposition of a download (RFC 6266): an ASCII `filename` for old
 * clients and the name itself as RFC 5987 `filename*`. Whatever name a file
 * was stored with (one from before names were cleaned may hold a lone
 * surrogate, on which encodeURIComponent throws), the header is built; an
 * empty name falls back to `fallback`.
 */
export function contentDisposition(fileName: string, fallback: string): string {
  const name = cleanFileName(fileName.toWellFormed()) || fallback;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExt(name)}`;
}

/** A short-lived presigned GET that downloads as an attachment named by `disposition` (contentDisposition). */
export function presignDownload(input: { bucket: string; key: string; disposition: string; expiresIn: number }): Promise<string> {
  return getSignedUrl(s3, new GetObjectCommand({
    Bucket: input.bucket,
    Key: input.key,
    ResponseContentDisposition: input.disposition,
  }), { expiresIn: input.expiresIn });
}

/** The whole object, refusing to read more than `maxBytes` (+1 to tell that it is larger). */
export async function readObject(bucket: string, key: string, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean; eTag?: string }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > maxBytes) {
      truncated = true;
      (out.Body as { destroy?: () => void }).destroy?.();
      break;
    }
  }
  return { bytes: Buffer.concat(chunks), truncated, ...(out.ETag ? { eTag: out.ETag } : {}) };
}

export async function putObject(input: Omit<PutObjectCommandInput, 'Body'> & { Body: Uint8Array }): Promise<void> {
  await s3.send(new PutObjectCommand(input));
}

export async function deleteObject(bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** True when S3 refused a write because the key exists (If-None-Match: *). */
export const alreadyThere = (err: unknown) => (err as { name?: string; $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412;

/** True when the object is not there. */
export const missing = (err: unknown) => (err as { name?: string }).name === 'NoSuchKey';

/** Moves an object's retention to a later date (Object Lock never allows an earlier one). */
export async function extendRetention(bucket: string, key: string, mode: 'COMPLIANCE' | 'GOVERNANCE', until: Date): Promise<void> {
  await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: key, Retention: { Mode: mode, RetainUntilDate: until } }));
}

/** Runs `work` over `items`, `size` at a time. */
export async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

export const lockMode = (): 'COMPLIANCE' | 'GOVERNANCE' => {
  const mode = requiredEnv('ARCHIVE_LOCK_MODE');
  if (mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') throw new Error(`ARCHIVE_LOCK_MODE must be COMPLIANCE or GOVERNANCE, not ${mode}`);
  return mode;
};
