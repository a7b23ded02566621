/** The digest document, the signers behind it and the export formats. */
import { createHash, generateKeyPairSync, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#schemas/api/audit';
import { AuditDigest } from '#schemas/api/audit';
import { validationErrors } from '#shared/validate';
import { buildDigest, chainHeads, digestKey, owedDays, sealedBeforeOf, SEAL_GRACE_MS, signedBytes } from '../../../functions/audit/digest.ts';
import { csvColumns, csvHeader, csvRow, parseCsv } from '../../../functions/audit/export.ts';
import { keyFingerprint, keyFromSeed, kmsSigner, localSigner, signerFromEnv, verifySignature } from '../../../functions/audit/signer.ts';
import { appendAll, signer } from './fixture.ts';

describe('digest', () => {
  const seals = [
    { chain: 'case#B', seq: 3, hash: 'b3'.padEnd(64, '0'), recordedAt: '2026-05-01T02:00:00.000Z' },
    { chain: 'case#B', seq: 2, hash: 'b2'.padEnd(64, '0'), recordedAt: '2026-05-01T01:00:00.000Z' },
    { chain: 'center#c#2026-05-01', seq: 1, hash: 'c1'.padEnd(64, '0'), recordedAt: '2026-05-01T01:30:00.000Z' },
    { chain: 'case#B', seq: 4, hash: 'b4'.padEnd(64, '0'), recordedAt: '2026-05-01T15:59:59.000Z' },
  ];

  it('lists each chain\'s first and last position of the day and the last hash, sorted by chain', () => {
    expect(chainHeads(seals, Date.parse('2026-05-01T16:00:00Z'))).toEqual({
      recordCount: 4,
      chains: [
        { chain: 'case#B', firstSeq: 2, lastSeq: 4, lastHash: seals[3]!.hash },
        { chain: 'center#c#2026-05-01', firstSeq: 1, lastSeq: 1, lastHash: seals[2]!.hash },
      ],
    });
    // Sealed before 02:00 UTC: the records after are left to be covered later.
    expect(chainHeads(seals, Date.parse('2026-05-01T02:00:00Z')).chains[0]).toEqual({ chain: 'case#B', firstSeq: 2, lastSeq: 2, lastHash: seals[1]!.hash });
  });

  it('seals a past day up to its end, the current day up to a grace period ago, a future day not at all', async () => {
    expect(sealedBeforeOf('2026-05-01', Date.parse('2026-05-02T00:15:00+08:00'))).toBe(Date.parse('2026-05-02T00:00:00+08:00'));
    const now = Date.parse('2026-05-01T12:00:00+08:00');
    expect(sealedBeforeOf('2026-05-01', now)).toBe(now - SEAL_GRACE_MS);
    await expect(buildDigest({ centerId: 'c', date: '2026-05-02', nowMs: now, records: [], previous: null, signer })).rejects.toThrow(/cannot be sealed yet/);
  });

  it('is a signed document of the schema, chained to the previous one', async () => {
    const d = await buildDigest({ centerId: 'c', date: '2026-05-01', nowMs: Date.parse('2026-05-02T00:15:00+08:00'), records: seals, previous: { date: '2026-04-30', sha256: 'a'.repeat(64) }, signer });
    expect(validationErrors(AuditDigest, d)).toEqual([]);
    expect(d).toMatchObject({ format: 'onestop-audit-digest/1', centerId: 'c', date: '2026-05-01', recordCount: 4, previous: { date: '2026-04-30' }, sealedBefore: '2026-05-01T16:00:00.000Z' });
    expect(d.signing).toEqual({ algorithm: 'ECDSA_SHA_256', keyId: signer.keyId, publicKey: signer.publicKeyPem });
    expect(verifySignature(signedBytes(d), Buffer.from(d.signature, 'base64'), signer.publicKeyPem!)).toBe(true);
    expect(verifySignature(signedBytes({ ...d, recordCount: 5 }), Buffer.from(d.signature, 'base64'), signer.publicKeyPem!)).toBe(false);
    expect(digestKey('c', '2026-05-01')).toBe('digests/c/2026-05-01.json');
  });

  it('owes every day after the last digest, oldest first, a bounded number per run', () => {
    expect(owedDays('2026-04-28', '2026-05-01', '2026-05-01', 7)).toEqual(['2026-04-29', '2026-04-30', '2026-05-01']);
    expect(owedDays(undefined, '2026-04-30', '2026-05-01', 7)).toEqual(['2026-04-30', '2026-05-01']);
    expect(owedDays('2026-05-01', '2026-05-01', '2026-05-01', 7)).toEqual([]);
    expect(owedDays('2026-01-01', '2026-05-01', '2026-05-01', 3)).toEqual(['2026-01-02', '2026-01-03', '2026-01-04']);
  });
});

describe('signers', () => {
  it('derives the same P-256 key from the same seed, another from another seed', () => {
    const a = localSigner('seed-1');
    expect(localSigner('seed-1').publicKeyPem).toBe(a.publicKeyPem);
    expect(localSigner('seed-2').publicKeyPem).not.toBe(a.publicKeyPem);
    expect(keyFromSeed('seed-1').asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(a.keyId).toBe(`local:${keyFingerprint(a.publicKeyPem!)}`);
  });

  it('signs with a PEM key too, and refuses a key that is not P-256', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const s = localSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const sig = await s.sign(Buffer.from('digest'));
    expect(cryptoVerify('sha256', Buffer.from('digest'), publicKey, sig)).toBe(true);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => localSigner(rsa)).toThrow(/P-256/);
  });

  it('asks KMS to sign the SHA-256 digest with ECDSA_SHA_256 and returns its DER signature', async () => {
    const sent: unknown[] = [];
    const client = { send: async (cmd: { input: unknown }) => { sent.push(cmd.input); return { Signature: new Uint8Array([0x30, 0x01, 0x02]) }; } };
    const s = kmsSigner('arn:aws:kms:cn-north-1:000000000000:key/k', client as never);
    expect(s.publicKeyPem).toBeUndefined();
    expect(await s.sign(Buffer.from('message'))).toEqual(Buffer.from([0x30, 0x01, 0x02]));
    expect(sent).toEqual([{
      KeyId: 'arn:aws:kms:cn-north-1:000000000000:key/k',
      Message: createHash('sha256').update('message').digest(),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    }]);
  });

  it('picks KMS when a key id is configured, else the local key, else refuses', () => {
    expect(signerFromEnv({ AUDIT_SIGNING_KEY_ID: 'arn:aws:kms:x:1:key/k' }).keyId).toBe('arn:aws:kms:x:1:key/k');
    expect(signerFromEnv({ AUDIT_SIGNING_SECRET: 'seed' }).keyId).toMatch(/^local:sha256:[0-9a-f]{64}$/);
    expect(() => signerFromEnv({})).toThrow(/no audit signing key/);
  });
});

describe('CSV export', () => {
  it('writes one row per record with nested values as JSON, quoting what needs it, and reads back', () => {
    const [r] = appendAll([{ at: '2026-05-01T09:00:00+08:00', subject: { type: 'staff', id: 'li,"si"' }, action: 'StateChanged' }]) as [AuditRecord];
    const rows = parseCsv(csvHeader() + csvRow(r));
    expect(rows[0]).toEqual([...csvColumns]);
    const row = Object.fromEntries(csvColumns.map((c, i) => [c, rows[1]![i]]));
    expect(row).toMatchObject({ eventId: r.eventId, chain: r.chain, seq: '1', subjectId: 'li,"si"', actorDepartmentId: '', hash: r.hash });
    expect(JSON.parse(row.data!)).toEqual(r.data);
    expect(JSON.parse(row.oldValue!)).toEqual({ state: 'a' });
  });
});
