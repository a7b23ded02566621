/**
 * s3rver runs in this process (~20 ms to start). The endpoint is given as
 * 127.0.0.1 rather than localhost: the SDK then uses path-style URLs by itself
 * (an IP cannot carry a bucket sub-domain), so handlers need no local-only
 * `forcePathStyle` setting.
 *
 * Object events (for S3 event notifications, local/s3/notifications.ts):
 * s3rver emits `'event'` with its own S3Event model, which has quirks. A
 * middleware inserted before s3rver's router keeps each request's context
 * (AsyncLocalStorage), collects the events the request emits and reports them
 * once the request is done, fixed up from the request and response:
 *   - a multipart completion arrives as `ObjectCreated:Post`: it is
 *     `ObjectCreated:CompleteMultipartUpload` (a POST with an uploadId);
 *   - a copy arrives without eTag: taken from the CopyObject response;
 *   - DeleteObjects emits nothing: one `ObjectRemoved:Delete` per key of the
 *     response's Deleted list, as S3 reports them deleted;
 *   - sequencers come from one monotonic counter (s3rver's are milliseconds),
 *     so later events on a key compare greater, as S3 promises.
 * The record itself (URL-encoded key, ARNs, configuration id) is shaped by
 * the notifier.
 *
 * Request checks s3rver lacks (local/s3/request-checks.ts), hooked right
 * after that middleware: SigV4 signatures of presigned URLs and of the SDK's
 * Authorization headers are verified (403 SignatureDoesNotMatch, expired URLs
 * 403 AccessDenied), and `If-None-Match: *` on PutObject and
 * CompleteMultipartUpload answers 412 PreconditionFailed when the key exists.
 * Given the local cloud's clock, those checks judge request times on
 * emulated time too (request-checks.ts says how).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import S3rver, { type S3rverContext, type S3rverEventRecord } from 's3rver';
import { LOCAL_REGION } from '../intrinsics.ts';
import { conditionalWrites, signatureVerification } from '../s3/request-checks.ts';
import type { LocalClock } from '../lambda/clock.ts';

/** One object-level event of the local S3, with what an S3 notification record needs. */
export interface S3ObjectEvent {
  /** As in notification records, without `s3:`: `ObjectCreated:Put`, `ObjectRemoved:Delete`... */
  readonly eventName: string;
  readonly eventTime: string;
  readonly bucket: string;
  /** The key as stored (not URL-encoded). */
  readonly key: string;
  /** Created objects only, as in S3 records. */
  readonly size?: number;
  readonly eTag?: string;
  readonly sequencer: string;
  readonly sourceIPAddress: string;
  readonly requestId: string;
  readonly hostId: string;
}

export type S3ObjectEventListener = (event: S3ObjectEvent) => void;

export interface S3Emulator {
  readonly endpoint: string;
  /** Subscribes to object events (reported when their request has completed); returns the unsubscribe function. */
  onObjectEvent(listener: S3ObjectEventListener): () => void;
  stop(): Promise<void>;
}

let lastSequence = 0n;
/** Hex, fixed width, strictly increasing in this process: S3's sequencer compares as a string within a key. */
function nextSequencer(): string {
  const now = BigInt(Date.now()) << 16n;
  lastSequence = now > lastSequence ? now : lastSequence + 1n;
  return lastSequence.toString(16).toUpperCase().padStart(16, '0');
}

const unquote = (etag: unknown) => (typeof etag === 'string' ? etag.replace(/"/g, '') : undefined);

/** The event as S3 would report it, from s3rver's record and the request that caused it. */
function fromRecord(rec: S3rverEventRecord, ctx: S3rverContext | undefined): S3ObjectEvent {
  let eventName = rec.eventName;
  let eTag = rec.s3.object.eTag;
  if (ctx && eventName === 'ObjectCreated:Post' && ctx.query.uploadId !== undefined) eventName = 'ObjectCreated:CompleteMultipartUpload';
  if (ctx && eventName === 'ObjectCreated:Copy' && eTag === undefined) {
    eTag = unquote((ctx.body as { CopyObjectResult?: { ETag?: unknown } } | undefined)?.CopyObjectResult?.ETag);
  }
  const created = eventName.startsWith('ObjectCreated:');
  return {
    eventName,
    eventTime: rec.eventTime,
    bucket: rec.s3.bucket.name,
    key: rec.s3.object.key,
    ...(created && rec.s3.object.size !== undefined ? { size: Number(rec.s3.object.size) } : {}),
    ...(created && eTag !== undefined ? { eTag: unquote(eTag) } : {}),
    sequencer: nextSequencer(),
    sourceIPAddress: rec.requestParameters.sourceIPAddress.replace(/^::ffff:/, ''),
    requestId: rec.responseElements['x-amz-request-id'],
    hostId: rec.responseElements['x-amz-id-2'],
  };
}

/** DeleteObjects: s3rver emits nothing; S3 sends ObjectRemoved:Delete for each key it reports deleted. */
function multiDeleteEvents(ctx: S3rverContext, sample: () => { requestId: string; hostId: string }): S3ObjectEvent[] {
  if (ctx.method !== 'POST' || ctx.query.delete === undefined || ctx.status !== 200) return [];
  const bucket = ctx.path.split('/')[1];
  const deleted = (ctx.body as { DeleteResult?: { Deleted?: { Key: string }[] } } | undefined)?.DeleteResult?.Deleted ?? [];
  if (!bucket) return [];
  const { requestId, hostId } = sample();
  const eventTime = new Date().toISOString();
  return deleted.map((d) => ({
    eventName: 'ObjectRemoved:Delete',
    eventTime,
    bucket: decodeURIComponent(bucket),
    key: d.Key,
    sequencer: nextSequencer(),
    sourceIPAddress: ctx.ip.replace(/^::ffff:/, ''),
    requestId,
    hostId,
  }));
}

export async function startS3(opts: { port: number; dir: string; log: (line: string) => void; clock?: LocalClock }): Promise<S3Emulator> {
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ port: opts.port, address: '127.0.0.1', directory: opts.dir, silent: true, allowMismatchedSignatures: false });

  const listeners = new Set<S3ObjectEventListener>();
  const report = (events: S3ObjectEvent[]) => {
    for (const e of events) {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          // A notification bug must never fail the S3 request that caused it.
          opts.log(`s3: object event listener failed for ${e.eventName} ${e.bucket}/${e.key}: ${(err as Error).stack ?? String(err)}`);
        }
      }
    }
  };
  const requests = new AsyncLocalStorage<{ ctx: S3rverContext; records: S3rverEventRecord[] }>();
  // Right before s3rver's router (before run() composes the stack): every controller runs inside
  // its request's store, and the response body is seen before s3rver turns it into XML.
  const router = server.middleware.findIndex((m) => 'router' in m);
  if (router < 0) throw new Error('s3rver: its router middleware was not found; the object event hook needs s3rver 3.7');
  server.middleware.splice(router, 0, async (ctx, next) => {
    const state = { ctx, records: [] as S3rverEventRecord[] };
    try {
      await requests.run(state, next);
    } finally {
      // The store changed even if the request failed afterwards: report what s3rver emitted.
      const events = state.records.map((rec) => fromRecord(rec, ctx));
      if (!state.records.length) events.push(...multiDeleteEvents(ctx, () => ({ requestId: randomBytes(8).toString('hex').toUpperCase(), hostId: randomBytes(32).toString('base64') })));
      report(events);
    }
  });
  // Then, still before the router: SigV4 verification and If-None-Match on writes, which s3rver lacks
  // (local/s3/request-checks.ts): a refused request reaches no controller, so emits no event.
  server.middleware.splice(router + 1, 0, signatureVerification({ region: LOCAL_REGION, log: opts.log, clock: opts.clock }), conditionalWrites({ log: opts.log }));
  server.on('event', (event) => {
    const state = requests.getStore();
    if (state) state.records.push(...event.Records);
    else report(event.Records.map((rec) => fromRecord(rec, undefined)));
  });

  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  opts.log(`s3rver on ${endpoint}`);
  return {
    endpoint,
    onObjectEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => server.close(),
  };
}
