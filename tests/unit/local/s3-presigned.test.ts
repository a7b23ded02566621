/**
 * The local S3 (s3rver + local/s3/request-checks.ts) verifies SigV4 as S3
 * does: presigned PUTs whose signature fixes content-type, content-length and
 * if-none-match refuse any other body; presigned GETs refuse tampering and
 * expiry; `If-None-Match: *` refuses to overwrite. The SDK's own calls
 * (header-signed, streaming, multipart, copy) keep working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startS3, type S3Emulator } from '../../../local/emulators/s3.ts';

const BUCKET = 'materials';
const ORIGIN = 'http://localhost:5173';
const PDF = 'application/pdf';
const SIGNED = new Set(['content-type', 'content-length', 'if-none-match']);

let dir: string;
let s3emu: S3Emulator;
let client: S3Client;
const logs: string[] = [];

const clientConfig = (over: Partial<S3ClientConfig> = {}): S3ClientConfig => ({
  endpoint: s3emu.endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  ...over,
});

/** A presigned PUT as the product hands it to browsers. */
function presignPut(key: string, body: Uint8Array | string, opts: { contentType?: string; expiresIn?: number; signer?: S3Client } = {}) {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return getSignedUrl(
    opts.signer ?? client,
    new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: opts.contentType ?? PDF, ContentLength: length, IfNoneMatch: '*' }),
    { expiresIn: opts.expiresIn ?? 300, signableHeaders: SIGNED },
  );
}

const upload = (url: string, body: Uint8Array | string, headers: Record<string, string> = { 'content-type': PDF, 'if-none-match': '*' }) =>
  fetch(url, { method: 'PUT', body, headers });

/** The error's Code and Message from S3's XML. */
async function s3Error(res: Response) {
  const xml = await res.text();
  const text = (s: string | undefined) => s?.replace(/&(apos|quot|lt|gt|amp);/g, (_, e: string) => ({ apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[e]!);
  return { code: text(/<Code>([^<]*)<\/Code>/.exec(xml)?.[1]), message: text(/<Message>([^<]*)<\/Message>/.exec(xml)?.[1]), xml };
}

async function stored(key: string): Promise<string | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await out.Body!.transformToString();
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

async function sdkError(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    return err as S3ServiceException;
  }
  throw new Error('the call succeeded');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 's3-presigned-'));
  s3emu = await startS3({ port: 0, dir, log: (l) => logs.push(l) });
  client = new S3Client(clientConfig());
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutBucketCorsCommand({
    Bucket: BUCKET,
    CORSConfiguration: { CORSRules: [{ AllowedOrigins: [ORIGIN], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
  }));
});

afterAll(async () => {
  client?.destroy();
  await s3emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('presigned PUT (content-type, content-length and if-none-match signed)', () => {
  it('stores the object when the request carries exactly the signed headers', async () => {
    const url = await presignPut('uploads/exact.pdf', '%PDF-1.7 exact');
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match');
    const res = await upload(url, '%PDF-1.7 exact');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/exact.pdf' }));
    expect(head.ContentType).toBe(PDF);
    expect(await stored('uploads/exact.pdf')).toBe('%PDF-1.7 exact');
  });

  it('refuses another content type with 403 SignatureDoesNotMatch and stores nothing', async () => {
    const url = await presignPut('uploads/type.pdf', 'body');
    const res = await upload(url, 'body', { 'content-type': 'text/html', 'if-none-match': '*' });
    expect(res.status).toBe(403);
    const err = await s3Error(res);
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.message).toBe('The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    // As S3's: what was computed, to debug with.
    expect(err.xml).toContain('<CanonicalRequest>PUT\n/materials/uploads/type.pdf\n');
    expect(err.xml).toContain('content-type:text/html\n');
    expect(err.xml).toContain('<AWSAccessKeyId>S3RVER</AWSAccessKeyId>');
    expect(await stored('uploads/type.pdf')).toBeUndefined();
    expect(logs.some((l) => l.includes('403 SignatureDoesNotMatch for PUT /materials/uploads/type.pdf (presigned URL)'))).toBe(true);
  });

  it('refuses a longer or a shorter body than signed', async () => {
    const url = await presignPut('uploads/length.pdf', '12345');
    for (const body of ['123456', '1234', '']) {
      const res = await upload(url, body);
      expect(res.status, `body of ${body.length} bytes`).toBe(403);
      expect((await s3Error(res)).code).toBe('SignatureDoesNotMatch');
    }
    expect(await stored('uploads/length.pdf')).toBeUndefined();
    expect((await upload(url, '12345')).status).toBe(200);
  });

  it('refuses a request without a signed header (If-None-Match left out)', async () => {
    const url = await presignPut('uploads/no-condition.pdf', 'x');
    const res = await upload(url, 'x', { 'content-type': PDF });
    expect(res.status).toBe(403);
    expect((await s3Error(res)).code).toBe('SignatureDoesNotMatch');
    expect(logs.some((l) => l.includes('signed header(s) missing from the request: if-none-match'))).toBe(true);
    expect(await stored('uploads/no-condition.pdf')).toBeUndefined();
  });

  it('answers 412 PreconditionFailed to a second upload to the same key, leaving the first', async () => {
    expect((await upload(await presignPut('uploads/once.pdf', 'first'), 'first')).status).toBe(200);
    const res = await upload(await presignPut('uploads/once.pdf', 'second'), 'second');
    expect(res.status).toBe(412);
    const err = await s3Error(res);
    expect(err.code).toBe('PreconditionFailed');
    expect(err.message).toBe('At least one of the pre-conditions you specified did not hold');
    expect(err.xml).toContain('<Condition>If-None-Match</Condition>');
    expect(await stored('uploads/once.pdf')).toBe('first');
  });

  it('lets exactly one of two racing uploads to a new key win', async () => {
    const bodies = ['racer-a', 'racer-b'];
    const urls = await Promise.all(bodies.map((b) => presignPut('uploads/race.pdf', b)));
    const statuses = await Promise.all(urls.map((u, i) => upload(u, bodies[i]!).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 412]);
    expect(bodies).toContain(await stored('uploads/race.pdf'));
  });

  it('refuses a tampered signature, and a tampered signed parameter', async () => {
    const url = new URL(await presignPut('uploads/tampered.pdf', 'x'));
    const sig = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    let res = await upload(url.toString(), 'x');
    expect(res.status).toBe(403);
    expect((await s3Error(res)).code).toBe('SignatureDoesNotMatch');

    const longer = new URL(await presignPut('uploads/tampered.pdf', 'x', { expiresIn: 60 }));
    longer.searchParams.set('X-Amz-Expires', '3600');
    res = await upload(longer.toString(), 'x');
    expect(res.status).toBe(403);
    expect(await stored('uploads/tampered.pdf')).toBeUndefined();
  });

  it('refuses a URL signed with another secret, region, or a lifetime over 7 days', async () => {
    const wrongSecret = new S3Client(clientConfig({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' } }));
    let res = await upload(await presignPut('uploads/other.pdf', 'x', { signer: wrongSecret }), 'x');
    expect(res.status).toBe(403);
    expect((await s3Error(res)).code).toBe('SignatureDoesNotMatch');

    const wrongRegion = new S3Client(clientConfig({ region: 'eu-west-1' }));
    res = await upload(await presignPut('uploads/other.pdf', 'x', { signer: wrongRegion }), 'x');
    expect(res.status).toBe(400);
    const err = await s3Error(res);
    expect(err.code).toBe('AuthorizationQueryParametersError');
    expect(err.message).toBe("Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'");

    const unknownKey = new S3Client(clientConfig({ credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'S3RVER' } }));
    res = await upload(await presignPut('uploads/other.pdf', 'x', { signer: unknownKey }), 'x');
    expect(res.status).toBe(403);
    expect((await s3Error(res)).code).toBe('InvalidAccessKeyId');

    const week = new URL(await presignPut('uploads/other.pdf', 'x'));
    week.searchParams.set('X-Amz-Expires', '604801');
    res = await upload(week.toString(), 'x');
    expect(res.status).toBe(400);
    expect((await s3Error(res)).message).toMatch(/^X-Amz-Expires must be less than a week/);
    expect(await stored('uploads/other.pdf')).toBeUndefined();
    wrongSecret.destroy();
    wrongRegion.destroy();
    unknownKey.destroy();
  });

  it('gives a refusal the bucket CORS headers, and lets the preflight through', async () => {
    const url = await presignPut('uploads/cors.pdf', 'x');
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,if-none-match' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const res = await upload(url, 'x', { origin: ORIGIN, 'content-type': 'image/png', 'if-none-match': '*' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('content-type')).toBe('application/xml');
  });

  it('expires: 403 AccessDenied "Request has expired"', async () => {
    const url = await presignPut('uploads/late.pdf', 'x', { expiresIn: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    const res = await upload(url, 'x');
    expect(res.status).toBe(403);
    const err = await s3Error(res);
    expect(err).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    expect(err.xml).toContain('<X-Amz-Expires>1</X-Amz-Expires>');
    expect(await stored('uploads/late.pdf')).toBeUndefined();
  });
});

describe('presigned GET', () => {
  const key = 'downloads/report.pdf';
  const disposition = `attachment; filename*=UTF-8''${encodeURIComponent('受理回执 (1).pdf')}`;
  const presignGet = (expiresIn = 300) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseContentDisposition: disposition }), { expiresIn });

  beforeAll(async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]), ContentType: PDF }));
  });

  it('answers 200 with the bytes and the signed response-content-disposition', async () => {
    const res = await fetch(await presignGet());
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]));
    expect(res.headers.get('content-disposition')).toBe(disposition);
  });

  it('refuses another response-content-disposition than signed', async () => {
    const url = new URL(await presignGet());
    url.searchParams.set('response-content-disposition', 'inline');
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect((await s3Error(res)).code).toBe('SignatureDoesNotMatch');
  });

  it('refuses an expired URL with 403', async () => {
    const url = await presignGet(1);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await s3Error(res)).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
  });
});

describe('keys with spaces and Chinese characters', () => {
  const key = 'uploads/营业执照 副本 (1)+!*.pdf';

  it('work presigned (PUT then GET)', async () => {
    const url = await presignPut(key, 'unicode');
    expect(url).toContain('/uploads/%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC%20%281%29%2B%21%2A.pdf?');
    expect((await upload(url, 'unicode')).status).toBe(200);
    const get = await fetch(await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60 }));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('unicode');
  });

  it('work through the SDK (put, head, copy, list, delete)', async () => {
    const other = 'archive/归档 文件 (2).pdf';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: other, Body: 'sdk unicode', ContentType: PDF }));
    expect(await stored(other)).toBe('sdk unicode');
    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: `${other}.copy`, CopySource: `${BUCKET}/${other.split('/').map(encodeURIComponent).join('/')}` }));
    expect(await stored(`${other}.copy`)).toBe('sdk unicode');
    const list = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'archive/归档' }));
    expect(list.Contents?.map((o) => o.Key)).toEqual([other, `${other}.copy`]);
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${other}.copy` }));
    expect(await stored(`${other}.copy`)).toBeUndefined();
  });
});

describe("the SDK's own (Authorization header) calls", () => {
  it('PutObject, GetObject, HeadObject and CopyObject work', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/a.txt', Body: 'sdk body', ContentType: 'text/plain', Metadata: { case: 'C-1' } }));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sdk/a.txt' }));
    expect(head).toMatchObject({ ContentType: 'text/plain', ContentLength: 8, Metadata: { case: 'C-1' } });
    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'sdk/b.txt', CopySource: `${BUCKET}/sdk/a.txt` }));
    expect(await stored('sdk/b.txt')).toBe('sdk body');
  });

  it('a stream body of known length works', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/stream.bin', Body: Readable.from([Buffer.from('chunk-1 '), Buffer.from('chunk-2')]), ContentLength: 15 }));
    expect(await stored('sdk/stream.bin')).toBe('chunk-1 chunk-2');
  });

  it('a STREAMING (aws-chunked) upload is accepted, its seed signature verified', async () => {
    // Default checksum settings: the SDK sends a stream as aws-chunked with a STREAMING-… payload hash.
    // (s3rver then stores the chunk framing as data — STACK.md; only the signature matters here.)
    const streaming = new S3Client(clientConfig({ requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_SUPPORTED' }));
    const seen: string[] = [];
    streaming.middlewareStack.add((next) => async (args) => {
      const h = (args.request as { headers: Record<string, string> }).headers;
      seen.push(h['x-amz-content-sha256'] ?? '');
      return next(args);
    }, { step: 'finalizeRequest', name: 'seePayloadHash', priority: 'low' });
    await streaming.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/chunked.bin', Body: Readable.from([Buffer.from('abc')]), ContentLength: 3 }));
    expect(seen[0]).toMatch(/^STREAMING-/);
    streaming.destroy();
    // …and is verified: the same upload signed with another secret is refused.
    const wrong = new S3Client(clientConfig({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' }, requestChecksumCalculation: 'WHEN_SUPPORTED', maxAttempts: 1 }));
    const err = await sdkError(wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/chunked-wrong.bin', Body: Readable.from([Buffer.from('abc')]), ContentLength: 3 })));
    expect(err.name).toBe('SignatureDoesNotMatch');
    wrong.destroy();
  });

  it('multipart upload works, and If-None-Match: * on its completion answers 412 when the key exists', async () => {
    const complete = async (key: string, ifNoneMatch?: string) => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'text/plain' }));
      const part1 = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024, 'a') }));
      const part2 = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: 'tail' }));
      return client.send(new CompleteMultipartUploadCommand({
        Bucket: BUCKET, Key: key, UploadId, ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part1.ETag }, { PartNumber: 2, ETag: part2.ETag }] },
      }));
    };
    await complete('sdk/multi.txt', '*');
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sdk/multi.txt' }));
    expect(head.ContentLength).toBe(5 * 1024 * 1024 + 4);
    const err = await sdkError(complete('sdk/multi.txt', '*'));
    expect(err.name).toBe('PreconditionFailed');
    expect(err.$metadata.httpStatusCode).toBe(412);
  });

  it('PutObject with IfNoneMatch "*" answers 412 when the key exists; another value is 501', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/cond.txt', Body: 'one', IfNoneMatch: '*' }));
    const err = await sdkError(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/cond.txt', Body: 'two', IfNoneMatch: '*' })));
    expect(err.name).toBe('PreconditionFailed');
    expect(err.$metadata.httpStatusCode).toBe(412);
    expect(await stored('sdk/cond.txt')).toBe('one');
    const other = await sdkError(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/cond-etag.txt', Body: 'x', IfNoneMatch: '"abc"' })));
    expect(other.$metadata.httpStatusCode).toBe(501);
    // Without the condition, an overwrite is still an overwrite.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/cond.txt', Body: 'three' }));
    expect(await stored('sdk/cond.txt')).toBe('three');
  });

  it('a call signed with the wrong secret is refused with SignatureDoesNotMatch', async () => {
    const wrong = new S3Client(clientConfig({ credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'wrong' }, maxAttempts: 1 }));
    const err = await sdkError(wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sdk/wrong.txt', Body: 'x' })));
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(await stored('sdk/wrong.txt')).toBeUndefined();
    wrong.destroy();
  });
});
