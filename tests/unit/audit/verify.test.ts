/**
 * The offline verifier against every kind of tampering, on a three-day log:
 * each is detected, named (eventId, chain, position) and nothing else is
 * reported; the untouched export verifies. Unsealed records: unsealed.test.ts.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditDigest } from '#schemas/api/audit';
import { recordHash } from '../../../functions/audit/chain.ts';
import { signedBytes } from '../../../functions/audit/digest.ts';
import { localSigner } from '../../../functions/audit/signer.ts';
import { digestsOf, eventId, exportOf, linesOf, signer, textOf, threeDays, verify } from './fixture.ts';

const { records, caseA, dates } = threeDays();
const clean = exportOf(records, '2026-05-01', '2026-05-03');
let digests: AuditDigest[];
beforeAll(async () => {
  digests = await digestsOf(records, dates);
});

const kinds = (r: ReturnType<typeof verify>) => r.problems.map((p) => p.kind);
/** Index (in the export's lines) of the record with this chain and position. */
const lineOf = (lines: Record<string, any>[], chain: string, seq: number) => lines.findIndex((l) => l.chain === chain && l.seq === seq);
const dayChain = (day: string) => `center#center-test#${day}`;

describe('a clean export', () => {
  it('verifies against its digests, every record sealed, with nothing to report but the embedded key', () => {
    const report = verify(clean, digests);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report).toMatchObject({ verdict: 'verified', sealedRecords: 14, unsealedRecords: 0, unsealedChains: [], unsealedPeriods: [], lastSealedAt: '2026-05-03T16:00:00.000Z' });
    expect(report.summary).toBe('14 records in 5 chains (center-test, 2026-05-01..2026-05-03), 3 digest(s): ' +
      'VERIFIED — all 14 record(s) sealed up to 2026-05-03T16:00:00.000Z: nothing edited, deleted, inserted or reordered; digests intact');
    expect(report.notes).toEqual([expect.stringMatching(/public key embedded in the digests \(sha256:[0-9a-f]{64}\)/)]);
  });

  it('verifies with the signing key pinned', () => {
    const report = verify(clean, digests, signer.publicKeyPem);
    expect(report.ok).toBe(true);
    expect(report.notes).toEqual([expect.stringMatching(/pinned key sha256:/)]);
  });

  it('puts the case chain in one chain across days and each day\'s other records in the center-day chain', () => {
    const lines = linesOf(clean).slice(1);
    expect(lines.filter((l) => l.chain === `case#${caseA.id}`).map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines.filter((l) => l.chain === dayChain('2026-05-01')).map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    // 23:59:59.9 and 00:00:00.1 fall on two days, two chains.
    expect(lines.filter((l) => l.chain === dayChain('2026-05-02')).map((l) => l.seq)).toEqual([1]);
    expect(digests.map((d) => d.chains.length)).toEqual([3, 3, 2]);
    expect(digests[1]!.chains.find((c) => c.chain === `case#${caseA.id}`)).toMatchObject({ firstSeq: 4, lastSeq: 5 });
  });
});

describe('tampering with records', () => {
  it('an edited field: EDITED, naming the record', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, `case#${caseA.id}`, 2);
    lines[i]!.actor.id = 'someone-else';
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['edited']);
    expect(report.problems[0]).toMatchObject({ eventId: lines[i]!.eventId, chain: `case#${caseA.id}`, seq: 2, line: i + 1 });
    expect(report.problems[0]!.message).toMatch(/was edited: its content hashes to [0-9a-f]{12}…, not to its recorded hash/);
    expect(report.ok).toBe(false);
  });

  it('an edited old value: EDITED', () => {
    const lines = linesOf(clean);
    const i = lines.findIndex((l) => l.oldValue);
    lines[i]!.oldValue = { state: 'other' };
    expect(kinds(verify(textOf(lines), digests))).toEqual(['edited']);
  });

  it('an edited record whose hash was recomputed: its successor no longer chains to it', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, dayChain('2026-05-01'), 2);
    lines[i]!.data.note = 'rewritten';
    lines[i]!.hash = recordHash(lines[i] as never);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['broken_link']);
    expect(report.problems[0]).toMatchObject({ chain: dayChain('2026-05-01'), seq: 3 });
    expect(report.problems[0]!.message).toMatch(/does not chain to position 2 .* rewritten \(edited and re-hashed\) or replaced/);
  });

  it('a whole day\'s chain rewritten consistently: the digest\'s sealed head no longer matches', () => {
    const lines = linesOf(clean);
    let prev: string | undefined;
    for (const l of lines.filter((x) => x.chain === dayChain('2026-05-01'))) {
      if (prev) l.prevHash = prev;
      if (l.seq === 1) l.data.note = 'history rewritten';
      l.hash = recordHash(l as never);
      prev = l.hash;
    }
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['digest_mismatch']);
    expect(report.problems[0]).toMatchObject({ chain: dayChain('2026-05-01'), seq: 4 });
  });

  it('a deleted record in the middle of a chain: DELETED, naming the gap', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, dayChain('2026-05-01'), 2);
    lines.splice(i, 1);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['deleted']);
    expect(report.problems[0]!.message).toMatch(/^chain center#center-test#2026-05-01: position 2 missing between record \S+ \(line \d+\) and record \S+ \(line \d+\): deleted$/);
  });

  it('the deleted last record of a chain: DELETED, found by the digest', () => {
    const lines = linesOf(clean);
    lines.splice(lineOf(lines, dayChain('2026-05-01'), 4), 1); // nothing follows it in its chain
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['deleted']);
    expect(report.problems[0]!.message).toMatch(/^digest center-test\/2026-05-01 \(2026-05-01\.json\) seals chain center#center-test#2026-05-01 positions 1–4; position 4 missing from the export: deleted$/);
    // Without the digest nothing could tell: the chain simply ends earlier, so nothing is claimed verified.
    const unsealed = verify(textOf(lines), []);
    expect(unsealed.problems).toEqual([]);
    expect(unsealed).toMatchObject({ ok: false, verdict: 'unsealed', sealedRecords: 0, unsealedRecords: 13, lastSealedAt: null });
    // The three days, as one stretch no digest seals.
    expect(unsealed.unsealedPeriods).toEqual([{ from: '2026-04-30T16:00:00.000Z', to: '2026-05-03T16:00:00.000Z' }]);
    expect(unsealed.summary).toMatch(/: no record sealed\. NOT PROVEN: 13 unsealed record\(s\) in 5 chain\(s\)/);
  });

  it('the deleted last record of a case\'s day: DELETED, since the case\'s next day links to it', () => {
    const lines = linesOf(clean);
    lines.splice(lineOf(lines, `case#${caseA.id}`, 3), 1);
    for (const d of [digests, []]) {
      const report = verify(textOf(lines), d);
      expect(kinds(report)).toEqual(['deleted']);
      expect(report.problems[0]!.message).toMatch(/^chain case#370982-20260501-00001: position 3 missing between record \S+ \(line \d+\) and record \S+ \(line \d+\): deleted$/);
    }
  });

  it('two records of a chain swapped: REORDERED, and nothing else', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, dayChain('2026-05-01'), 2);
    [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['reordered']);
    expect(report.problems[0]).toMatchObject({ chain: dayChain('2026-05-01'), seq: 2, line: i + 2 });
    expect(report.problems[0]!.message).toMatch(/is out of order: it comes after position 3 \(line \d+\): reordered/);
  });

  it('a forged record in a position already held: INSERTED, the forgery named', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, dayChain('2026-05-01'), 3);
    const forged: Record<string, any> = { ...lines[i]!, eventId: eventId(), actor: { id: 'intruder', role: 'center_admin' }, data: { note: 'forged' } };
    forged.hash = recordHash(forged as never); // self-consistent, linked to position 2
    lines.splice(i, 0, forged);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]).toMatchObject({ eventId: forged.eventId, seq: 3 });
    expect(report.problems[0]!.message).toMatch(/was inserted: position 3 of chain center#center-test#2026-05-01 is held by record/);
  });

  it('a forged record appended after a sealed head: INSERTED, found by the digest', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, dayChain('2026-05-01'), 4);
    const last = lines[i]!;
    // Recorded at 23:59:59.95 in Shanghai: before the day was sealed.
    const forged: Record<string, any> = { ...last, eventId: eventId(), seq: 5, prevHash: last.hash, recordedAt: '2026-05-01T15:59:59.950Z', occurredAt: '2026-05-01T15:59:59.950Z', data: { note: 'appended' } };
    forged.hash = recordHash(forged as never);
    lines.splice(i + 1, 0, forged);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]).toMatchObject({ eventId: forged.eventId, seq: 5 });
    expect(report.problems[0]!.message).toMatch(/lies outside the positions 1–4 that digest center-test\/2026-05-01 .* sealed for 2026-05-01: inserted/);
  });

  it('a forged record appended to a chain no digest has sealed yet, dated back: INSERTED, since a chain never goes back in time', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, `case#${caseA.id}`, 6); // recorded 2026-05-03 08:00, after the last digest used here
    const forged: Record<string, any> = { ...lines[i]!, eventId: eventId(), seq: 7, prevHash: lines[i]!.hash, recordedAt: '2026-05-02T23:30:00.000Z', data: { note: 'back-dated' } };
    forged.hash = recordHash(forged as never);
    lines.splice(i + 1, 0, forged);
    const report = verify(textOf(lines), digests.slice(0, 2));
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]!.message).toMatch(/position 7, .* claims to be recorded at 2026-05-02T23:30:00.000Z, before position 6 .*: forged and inserted/);
  });

  it('a record of another center slipped in: INSERTED', () => {
    const lines = linesOf(clean);
    const forged: Record<string, any> = { ...lines[1]!, centerId: 'center-other', eventId: eventId() };
    forged.hash = recordHash(forged as never);
    lines.push(forged);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]!.message).toMatch(/belongs to center center-other, not to the exported center center-test: inserted/);
  });
});

describe('tampering with digests', () => {
  it('an altered digest: its signature is invalid and the next digest no longer chains to it', () => {
    const altered = structuredClone(digests);
    altered[0]!.chains[0]!.lastHash = 'f'.repeat(64);
    const report = verify(clean, altered);
    expect(kinds(report)).toEqual(['digest_signature', 'digest_chain']);
    expect(report.problems[0]!.message).toMatch(/^digest center-test\/2026-05-01 \(2026-05-01\.json\): signature invalid/);
    expect(report.problems[1]!.message).toMatch(/digest center-test\/2026-05-02 .* chains to 2026-05-01 with sha256 \S+, but that digest hashes to \S+: it was altered or replaced/);
  });

  it('a deleted digest: the digest chain is broken there', () => {
    const report = verify(clean, [digests[0]!, digests[2]!]);
    expect(kinds(report)).toEqual(['digest_chain']);
    expect(report.problems[0]!.message).toMatch(/digest center-test\/2026-05-03 .* chains to the digest of 2026-05-02, which is missing \(deleted\)/);
  });

  it('a digest replaced by one signed with another key: refused once the key is pinned', async () => {
    const other = localSigner('another-seed');
    const forged = await digestsOf(records, dates, 'center-test', other);
    const mixed = [forged[0]!, digests[1]!, digests[2]!];
    // Self-consistent under its own embedded key, but the chain of digests does not accept it…
    expect(kinds(verify(clean, mixed))).toEqual(['digest_chain']);
    // …and the pinned key refuses its signature.
    const pinned = verify(clean, mixed, signer.publicKeyPem);
    expect(kinds(pinned)).toEqual(['digest_signature', 'digest_signature', 'digest_chain']);
    expect(pinned.problems[0]!.message).toMatch(/names another key/);
  });

  it('a KMS-signed digest (no embedded key) needs the public key given; with it, it verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // What KMS's ECDSA_SHA_256 returns: a DER ECDSA P-256 signature over SHA-256 of the message (signer.test.ts checks the request).
    const kmsLike = { keyId: 'arn:aws:kms:cn-north-1:000000000000:key/test', sign: async (m: Buffer) => sign('sha256', m, privateKey) };
    const kmsDigests = await digestsOf(records, dates, 'center-test', kmsLike);
    expect(kmsDigests[0]!.signing).toEqual({ algorithm: 'ECDSA_SHA_256', keyId: 'arn:aws:kms:cn-north-1:000000000000:key/test' });
    const without = verify(clean, kmsDigests);
    expect(kinds(without)).toEqual(['digest_signature', 'digest_signature', 'digest_signature']);
    expect(without.problems[0]!.message).toMatch(/cannot check its signature: it names KMS key .* no public key was given/);
    expect(verify(clean, kmsDigests, publicKey.export({ type: 'spki', format: 'pem' }).toString()).ok).toBe(true);
    // Another key pinned: every signature refused.
    expect(kinds(verify(clean, kmsDigests, signer.publicKeyPem))).toEqual(['digest_signature', 'digest_signature', 'digest_signature']);
  });

  it('signs exactly the digest without its signature', () => {
    const d = digests[0]!;
    expect(JSON.parse(signedBytes(d).toString())).toEqual(Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'signature')));
  });
});
