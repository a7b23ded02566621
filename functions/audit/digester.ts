/**
 * The daily digest run (schedule: after midnight, center time). For every
 * center that recorded anything lately or has digests already, it seals each
 * day it still owes, oldest first — yesterday on a normal night, a few days
 * after an outage, an empty digest on a quiet day so the digest chain has no
 * holes — and writes `digests/<centerId>/<date>.json` to the Object-Locked
 * audit bucket, then moves the center's digest head.
 *
 * Safe to run twice, or twice at once: a day already sealed is skipped; each
 * day's digest is claimed in the table (the copy the auditors' API serves)
 * before it is published to the bucket (If-None-Match: *), so every run
 * publishes the same bytes, and one left half-done is finished, never replaced. Invoked by hand (or by a test) with
 * `{ "date": "YYYY-MM-DD", "centerId"?: "..." }` it seals through that date;
 * a digest of the current day seals what was recorded until a few seconds ago.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AuditDigest } from '#schemas/api/audit';
import { requiredEnv } from '#shared/db';
import { logger } from '#shared/logger';
import { centerDay, DAY_MS } from './chain.ts';
import { buildDigest, digestKey, digestSha256, owedDays, yesterdayOf } from './digest.ts';
import { signerFromEnv, type Signer } from './signer.ts';
import { advanceDigestHead, centersActiveOn, claimDigest, daySeals, digestCopy, digestHead, digestHeads, type DigestHead } from './store.ts';

const s3 = new S3Client({});
let signer: Signer | undefined;

/** Days sealed per center per run: a long outage is caught up over several nights. */
export const MAX_DAYS_PER_RUN = 7;
/** How far back a run looks for centers that recorded something but have no digest yet. */
export const LOOKBACK_DAYS = 7;

export interface DigestRunInput {
  readonly date?: string;
  readonly centerId?: string;
}

export interface Sealed {
  readonly centerId: string;
  readonly date: string;
  readonly sha256: string;
  readonly chains: number;
  readonly records: number;
  readonly adopted: boolean;
}

function manualInput(event: unknown): DigestRunInput {
  const e = (event ?? {}) as Record<string, unknown>;
  if (e.source === 'aws.events') return {};
  const date = e.date;
  const centerId = e.centerId;
  if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) throw new Error('date must be YYYY-MM-DD');
  if (centerId !== undefined && (typeof centerId !== 'string' || centerId === '')) throw new Error('centerId must be a non-empty string');
  return { ...(date ? { date: date as string } : {}), ...(centerId ? { centerId: centerId as string } : {}) };
}

/** Publishes a digest to the audit bucket once; a copy already there must be the same bytes. */
async function publish(key: string, body: string): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({
      Bucket: requiredEnv('AUDIT_BUCKET'),
      Key: key,
      Body: body,
      ContentType: 'application/json',
      // Object Lock buckets require an integrity header on every put.
      ContentMD5: createHash('md5').update(body).digest('base64'),
      IfNoneMatch: '*',
    }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== 'PreconditionFailed' && name !== 'ConditionalRequestConflict') throw err;
    const out = await s3.send(new GetObjectCommand({ Bucket: requiredEnv('AUDIT_BUCKET'), Key: key }));
    if ((await out.Body!.transformToString('utf8')) !== body) throw new Error(`the audit bucket holds another ${key}`);
  }
}

/**
 * Seals one day of one center. The digest is claimed in the table first (a
 * conditional put of its copy), so concurrent or repeated runs agree on one
 * digest per day; the bucket then receives exactly those bytes, and the head
 * moves last. A run that dies anywhere is completed by the next one.
 */
async function seal(centerId: string, date: string, head: DigestHead | undefined, nowMs: number): Promise<Sealed> {
  const previous = head ? { date: head.date, sha256: head.sha256 } : null;
  let body = await digestCopy(centerId, date, true);
  let adopted = body !== undefined;
  if (body === undefined) {
    signer ??= signerFromEnv();
    const fresh = await buildDigest({ centerId, date, nowMs, records: await daySeals(centerId, date), previous, signer });
    const text = `${JSON.stringify(fresh, null, 2)}\n`;
    if (await claimDigest(centerId, date, digestSha256(fresh), text)) body = text;
    else {
      body = await digestCopy(centerId, date, true);
      adopted = true;
      if (body === undefined) throw new Error(`the digest of ${centerId}/${date} vanished`);
    }
  }
  const digest = JSON.parse(body) as AuditDigest;
  if (JSON.stringify(digest.previous) !== JSON.stringify(previous)) {
    throw new Error(`the digest of ${centerId}/${date} chains to ${JSON.stringify(digest.previous)}, not to ${JSON.stringify(previous)}`);
  }
  const sha256 = digestSha256(digest);
  await publish(digestKey(centerId, date), body);
  if (!(await advanceDigestHead({ centerId, date, sha256 }, head))) {
    const now = await digestHead(centerId);
    if (now?.date !== date || now.sha256 !== sha256) throw new Error(`the digest head of ${centerId} moved while sealing ${date}`);
    adopted = true; // a concurrent run finished the same digest
  }
  return { centerId, date, sha256, chains: digest.chains.length, records: digest.recordCount, adopted };
}

export async function handler(event: unknown): Promise<{ sealed: Sealed[] }> {
  const input = manualInput(event);
  const nowMs = Date.now();
  const today = centerDay(nowMs);
  const through = input.date ?? yesterdayOf(nowMs);
  if (through > today) throw new Error(`cannot seal ${through}: it has not begun`);

  const heads = new Map((await digestHeads()).map((h) => [h.centerId, h]));
  // Centers that recorded something lately, with the first such day (where a new center's digests start).
  const firstActive = new Map<string, string>();
  for (let i = LOOKBACK_DAYS - 1; i >= 0; i--) {
    const day = centerDay(Date.parse(`${through}T12:00:00+08:00`) - i * DAY_MS);
    for (const c of await centersActiveOn(day)) if (!firstActive.has(c)) firstActive.set(c, day);
  }
  const centers = input.centerId ? [input.centerId] : [...new Set([...heads.keys(), ...firstActive.keys()])].sort();

  const sealed: Sealed[] = [];
  const failed: string[] = [];
  for (const centerId of centers) {
    let head = heads.get(centerId);
    const start = firstActive.get(centerId);
    if (!head && !start) continue; // nothing recorded lately, no digests yet
    try {
      for (const date of owedDays(head?.date, start ?? through, through, MAX_DAYS_PER_RUN)) {
        const s = await seal(centerId, date, head, nowMs);
        sealed.push(s);
        head = { centerId, date, sha256: s.sha256 };
        logger.info('audit digest', { ...s });
      }
    } catch (err) {
      // One center's failure does not hold the others back; the run still fails, so it is retried.
      logger.error('audit digest failed', { centerId, error: err as Error });
      failed.push(centerId);
    }
  }
  if (failed.length) throw new Error(`sealing failed for ${failed.join(', ')}`);
  return { sealed };
}
