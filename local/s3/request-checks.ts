/**
 * What the local S3 checks before s3rver handles a request, where s3rver 3.7
 * does less than S3 (both hooked right before its router by
 * local/emulators/s3.ts, after its vhost rewrite):
 *
 *   - signatureVerification: SigV4 signatures, of presigned URLs and of
 *     Authorization headers (./sigv4.ts says what is and is not verified);
 *     mismatches answer 403 SignatureDoesNotMatch, expired URLs 403
 *     AccessDenied "Request has expired", as S3 does. CORS preflights
 *     (OPTIONS) are never signed and pass. On emulated time
 *     (local/lambda/clock.ts), presigned URLs expire on the emulated clock,
 *     and a header-signed request may be dated by either clock (see
 *     datedForS3rver).
 *   - conditionalWrites: `If-None-Match: *` on PutObject and
 *     CompleteMultipartUpload, which s3rver ignores (it overwrites): 412
 *     PreconditionFailed when the key exists. Conditional writes to one key
 *     are serialized, so of two racing uploads exactly one wins, as in S3.
 *     Any other If-None-Match value on a write is 501 NotImplemented, as in
 *     S3. Not emulated: If-Match on writes, and conditions on CopyObject
 *     (s3rver ignores them).
 *
 * Refusals are s3rver's own S3Error (same XML and headers as its other
 * errors) and carry the bucket's CORS headers when its CORS rules match the
 * Origin, as S3's do, so a browser can read the 403/412.
 */
import type { S3rverContext, S3rverMiddleware } from 's3rver';
import corsMiddleware from 's3rver/lib/middleware/cors.js';
import AWSAccount from 's3rver/lib/models/account.js';
import S3Error from 's3rver/lib/models/error.js';
import type { LocalClock } from '../lambda/clock.ts';
import { amzDate, amzDateMs, verifySigV4 } from './sigv4.ts';

const cors = corsMiddleware();

/** Query parameters that make s3rver's router treat a request on a key as something else than Put/Get/Delete Object (routes.js). */
const SUBRESOURCES = new Set([
  'acl', 'analytics', 'cors', 'delete', 'encryption', 'inventory', 'legal-hold', 'lifecycle', 'location', 'metrics', 'notification',
  'object-lock', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'retention', 'select', 'tagging',
  'torrent', 'uploadId', 'uploads', 'versions', 'website',
]);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Bucket and key of a path-style path (ctx.path, raw), decoded as s3rver's router decodes them. */
export function pathTarget(path: string): { bucket?: string; key?: string } {
  const m = /^\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (!m) return {};
  return { bucket: decode(m[1]!), ...(m[2] ? { key: decode(m[2]) } : {}) };
}

const header = (ctx: S3rverContext, name: string) => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** Sets the bucket's CORS response headers (s3rver's own rule matching), then throws the error. */
async function refuse(ctx: S3rverContext, err: S3Error): Promise<never> {
  const { bucket } = pathTarget(ctx.path);
  if (bucket !== undefined) {
    try {
      ctx.params = { ...ctx.params, bucket };
      await cors(ctx, async () => {});
    } catch {
      // No CORS headers then: the error itself matters more.
    }
  }
  throw err;
}

/** The secret s3rver knows for an access key (its only account: S3RVER/S3RVER). */
const secretFor = (accessKeyId: string) => AWSAccount.registry.get(accessKeyId)?.accessKeys.get(accessKeyId);

/** S3's RequestTimeTooSkewed window, which s3rver applies to header-signed requests. */
const MAX_SKEW_MS = 900_000;

/**
 * s3rver refuses a header-signed request dated more than 15 minutes from its
 * clock, the real one. Functions sign on the emulated clock, the test process
 * on the real one: a request dated near the emulated now is handed to s3rver
 * dated by the real clock, as it would be with no offset. s3rver reads the
 * date for that check only, and the signature over the original date has
 * been verified already.
 */
function datedForS3rver(ctx: S3rverContext, clock: LocalClock): void {
  const offset = clock.offsetMs;
  const date = header(ctx, 'x-amz-date');
  const ms = date === undefined ? NaN : amzDateMs(date);
  if (offset !== 0 && Math.abs(ms - clock.now().getTime()) <= MAX_SKEW_MS) ctx.headers['x-amz-date'] = amzDate(ms - offset);
}

export function signatureVerification(opts: { region: string; log(line: string): void; clock?: LocalClock }): S3rverMiddleware {
  return async (ctx, next) => {
    // CORS preflights carry the presigned URL's query but are never signed (nor checked by S3).
    if (ctx.method === 'OPTIONS') return next();
    // A presigned URL's lifetime runs on the clock of the functions that sign it.
    const outcome = verifySigV4({ method: ctx.method, url: ctx.originalUrl, headers: ctx.headers }, { region: opts.region, secretFor, now: opts.clock?.now().getTime() });
    if (outcome.kind === 'refused') {
      const err = new S3Error(outcome.code, outcome.message, outcome.detail);
      const how = outcome.mechanism === 'query' ? 'presigned URL' : 'Authorization header';
      opts.log(`s3: ${err.status} ${outcome.code} for ${ctx.method} ${ctx.path} (${how}): ${outcome.reason}`);
      await refuse(ctx, err);
    }
    if (opts.clock && outcome.kind === 'verified' && outcome.mechanism === 'header') datedForS3rver(ctx, opts.clock);
    return next();
  };
}

/** PutObject and CompleteMultipartUpload, as s3rver routes them; undefined for any other request. */
function objectWrite(ctx: S3rverContext): 'PutObject' | 'CompleteMultipartUpload' | undefined {
  const params = Object.keys(ctx.query);
  if (ctx.method === 'PUT' && header(ctx, 'x-amz-copy-source') === undefined && !params.some((p) => SUBRESOURCES.has(p))) return 'PutObject';
  if (ctx.method === 'POST' && params.includes('uploadId')) return 'CompleteMultipartUpload';
  return undefined;
}

/** Runs one task at a time per key. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((r) => (release = r)));
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export function conditionalWrites(opts: { log(line: string): void }): S3rverMiddleware {
  const lock = new KeyedLock();
  return async (ctx, next) => {
    const ifNoneMatch = header(ctx, 'if-none-match');
    const write = ifNoneMatch === undefined ? undefined : objectWrite(ctx);
    const { bucket, key } = pathTarget(ctx.path);
    if (ifNoneMatch === undefined || !write || bucket === undefined || key === undefined) return next();
    if (ifNoneMatch.trim() !== '*') {
      await refuse(ctx, new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'If-None-Match' }));
    }
    // From the existence check to the object written (s3rver's controller has read the whole body): one write per key.
    await lock.run(`${bucket}/${key}`, async () => {
      if (await ctx.store.existsObject(bucket, key)) {
        opts.log(`s3: 412 PreconditionFailed for ${write} ${bucket}/${key}: If-None-Match: * and the key exists`);
        await refuse(ctx, new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'If-None-Match' }));
      }
      await next();
    });
  };
}
