/**
 * The daily digest of one center (pure), modelled on CloudTrail's digest
 * files: the day's chain heads, chained to the center's previous digest and
 * signed. What is signed is the canonical JSON of the digest without its
 * `signature`; what the next digest chains to is the SHA-256 of the canonical
 * JSON of the whole digest, signature included.
 */
import type { AuditDigest, DigestChain } from '#schemas/api/audit';
import { canonicalJson, centerDay, dayStart, DAY_MS, nextDay, sha256Hex } from './chain.ts';
import { SIGNING_ALGORITHM, type Signer } from './signer.ts';

export const DIGEST_FORMAT = 'onestop-audit-digest/1' as const;

/**
 * How long after a record's recordedAt its append may still be landing (the
 * consumer's 10-second timeout plus clock skew): a digest made on its own day
 * (in tests) seals only what was recorded before now − this.
 */
export const SEAL_GRACE_MS = 15_000;

/** Where a digest lives in the audit bucket. */
export const digestKey = (centerId: string, date: string) => `digests/${centerId}/${date}.json`;

/** The instant before which a digest made at `nowMs` may seal the records of `date`. */
export function sealedBeforeOf(date: string, nowMs: number): number {
  return Math.min(dayStart(nextDay(date)), nowMs - SEAL_GRACE_MS);
}

/**
 * The chains of a day from its records (in any order): for each chain, the
 * first and last position recorded before `sealedBefore`, and the last hash.
 */
export function chainHeads(records: readonly { chain: string; seq: number; hash: string; recordedAt: string }[], sealedBeforeMs: number) {
  const byChain = new Map<string, DigestChain>();
  let count = 0;
  for (const r of records) {
    if (Date.parse(r.recordedAt) >= sealedBeforeMs) continue;
    count++;
    const c = byChain.get(r.chain);
    if (!c) byChain.set(r.chain, { chain: r.chain, firstSeq: r.seq, lastSeq: r.seq, lastHash: r.hash });
    else byChain.set(r.chain, { ...c, firstSeq: Math.min(c.firstSeq, r.seq), ...(r.seq > c.lastSeq ? { lastSeq: r.seq, lastHash: r.hash } : {}) });
  }
  const chains = [...byChain.values()].sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
  return { chains, recordCount: count };
}

export type UnsignedDigest = Omit<AuditDigest, 'signature'>;

/** The bytes a digest's signature covers. */
export const signedBytes = (digest: UnsignedDigest | AuditDigest): Buffer => {
  const { signature: _s, ...unsigned } = digest as AuditDigest;
  return Buffer.from(canonicalJson(unsigned));
};

/** What the next digest names as its previous: SHA-256 of the whole digest's canonical JSON. */
export const digestSha256 = (digest: AuditDigest): string => sha256Hex(canonicalJson(digest));

export async function buildDigest(input: {
  centerId: string;
  date: string;
  nowMs: number;
  records: readonly { chain: string; seq: number; hash: string; recordedAt: string }[];
  previous: { date: string; sha256: string } | null;
  signer: Signer;
}): Promise<AuditDigest> {
  const sealedBefore = sealedBeforeOf(input.date, input.nowMs);
  if (sealedBefore <= dayStart(input.date)) throw new Error(`the day ${input.date} cannot be sealed yet`);
  const { chains, recordCount } = chainHeads(input.records, sealedBefore);
  const unsigned: UnsignedDigest = {
    format: DIGEST_FORMAT,
    centerId: input.centerId,
    date: input.date,
    sealedBefore: new Date(sealedBefore).toISOString(),
    createdAt: new Date(input.nowMs).toISOString(),
    recordCount,
    chains,
    previous: input.previous,
    signing: { algorithm: SIGNING_ALGORITHM, keyId: input.signer.keyId, ...(input.signer.publicKeyPem ? { publicKey: input.signer.publicKeyPem } : {}) },
  };
  const signature = await input.signer.sign(signedBytes(unsigned));
  return { ...unsigned, signature: signature.toString('base64') };
}

/** The days a center's digests still owe, oldest first: after its last digest (or from `firstDay`) through `through`. */
export function owedDays(lastDigested: string | undefined, firstDay: string, through: string, max: number): string[] {
  const days: string[] = [];
  for (let d = lastDigested ? nextDay(lastDigested) : firstDay; d <= through && days.length < max; d = nextDay(d)) days.push(d);
  return days;
}

/** Yesterday in center time: what the daily run seals. */
export const yesterdayOf = (nowMs: number) => centerDay(nowMs - DAY_MS);
