/**
 * Records no digest has sealed yet: the verifier counts them per chain, names
 * the time no digest covers, and never calls them VERIFIED — removing the
 * newest records or a whole new chain leaves no trace until the next digest,
 * which then finds it. Tampering in the sealed part is still TAMPERED.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditDigest } from '#schemas/api/audit';
import { recordHash } from '../../../functions/audit/chain.ts';
import { buildDigest } from '../../../functions/audit/digest.ts';
import { CENTER, digestsOf, exportOf, linesOf, signer, textOf, threeDays, today, verify } from './fixture.ts';

const kinds = (r: ReturnType<typeof verify>) => r.problems.map((p) => p.kind);
const without = (text: string, chain: string, seq?: number) => textOf(linesOf(text).filter((l) => l.chain !== chain || (seq !== undefined && l.seq !== seq)));
const NOT_DETECTABLE = '— a removal of the newest records or of a whole new chain, or their rewriting with recomputed hashes, cannot be detected until the next digest.';

describe('an export of today, which no digest has sealed', () => {
  const t = today();
  const caseC = `case#${t.caseC.id}`;
  const caseD = `case#${t.caseD.id}`;
  const dayChain = `center#${CENTER}#${t.day}`;
  const morning = { from: '2026-05-02T16:00:00.000Z', to: t.exportedAt }; // 00:00–10:00 in Shanghai

  it('whole: NOT PROVEN, every record counted unsealed in its chain, the morning named as unsealed', () => {
    const report = verify(t.text, []);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: false, verdict: 'unsealed', sealedRecords: 0, lastSealedAt: null, unsealedRecords: 5, unsealedPeriods: [morning] });
    expect(report.unsealedChains).toEqual([
      { chain: caseC, records: 2, firstSeq: 1, lastSeq: 2, from: '2026-05-03T00:00:00.000Z', to: '2026-05-03T00:20:00.000Z' },
      { chain: caseD, records: 1, firstSeq: 1, lastSeq: 1, from: '2026-05-03T01:30:00.000Z', to: '2026-05-03T01:30:00.000Z' },
      { chain: dayChain, records: 2, firstSeq: 1, lastSeq: 2, from: '2026-05-03T00:10:00.000Z', to: '2026-05-03T01:00:00.000Z' },
    ]);
    expect(report.summary).toBe('5 records in 3 chains (center-test, 2026-05-03..2026-05-03), 0 digest(s): no record sealed. ' +
      'NOT PROVEN: 5 unsealed record(s) in 3 chain(s), recorded 2026-05-03T00:00:00.000Z – 2026-05-03T01:30:00.000Z; ' +
      `no digest seals 2026-05-02T16:00:00.000Z – 2026-05-03T02:00:00.000Z ${NOT_DETECTABLE}`);
    expect(report.summary).not.toMatch(/VERIFIED/);
  });

  it('a chain\'s last record removed: nothing can tell, so it is reported as not proven, not as verified', () => {
    const report = verify(without(t.text, caseC, 2), []);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: false, verdict: 'unsealed', unsealedRecords: 4, unsealedPeriods: [morning] });
    expect(report.unsealedChains.find((c) => c.chain === caseC)).toMatchObject({ records: 1, lastSeq: 1 });
    expect(report.summary).toMatch(/: no record sealed\. NOT PROVEN: 4 unsealed record\(s\) in 3 chain\(s\), /);
    expect(report.summary).toContain(NOT_DETECTABLE);
    expect(report.summary).not.toMatch(/VERIFIED/);
  });

  it('a whole chain removed: nothing can tell, so it is reported as not proven, not as verified', () => {
    const report = verify(without(t.text, caseD), []);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: false, verdict: 'unsealed', unsealedRecords: 4, unsealedPeriods: [morning] });
    expect(report.unsealedChains.map((c) => c.chain)).toEqual([caseC, dayChain]);
    expect(report.summary).toMatch(/: no record sealed\. NOT PROVEN: 4 unsealed record\(s\) in 2 chain\(s\), /);
    expect(report.summary).not.toMatch(/VERIFIED/);
  });

  it('the same removals are DELETED once the day is sealed', async () => {
    const [sealed] = await digestsOf(t.records, [t.day]) as [AuditDigest];
    const tomorrow = (text: string) => text.replace(`"exportedAt":"${t.exportedAt}"`, '"exportedAt":"2026-05-04T01:00:00.000Z"');
    expect(verify(tomorrow(t.text), [sealed])).toMatchObject({ ok: true, verdict: 'verified', sealedRecords: 5, unsealedRecords: 0, unsealedPeriods: [] });
    const cut = verify(tomorrow(without(t.text, caseC, 2)), [sealed]);
    expect(kinds(cut)).toEqual(['deleted']);
    expect(cut.problems[0]!.message).toMatch(new RegExp(`seals chain ${caseC} positions 1–2; position 2 missing from the export: deleted$`));
    const gone = verify(tomorrow(without(t.text, caseD)), [sealed]);
    expect(kinds(gone)).toEqual(['deleted']);
    expect(gone.problems[0]!.message).toMatch(new RegExp(`seals chain ${caseD} position 1; position 1 missing from the export: deleted$`));
  });

  describe('sealed by a digest made during the day', () => {
    let midday: AuditDigest;
    beforeAll(async () => {
      // Made at 09:10: it seals what was recorded before 09:09:45, not case D (09:30).
      midday = await buildDigest({ centerId: CENTER, date: t.day, nowMs: Date.parse('2026-05-03T09:10:00+08:00'), records: t.records, previous: null, signer });
    });
    const afterSeal = { from: '2026-05-03T01:09:45.000Z', to: t.exportedAt };

    it('verifies what it sealed and leaves the rest, and the time since, not proven', () => {
      const report = verify(t.text, [midday]);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: false, verdict: 'unsealed', sealedRecords: 4, lastSealedAt: '2026-05-03T01:09:45.000Z', unsealedRecords: 1, unsealedPeriods: [afterSeal] });
      expect(report.unsealedChains).toEqual([{ chain: caseD, records: 1, firstSeq: 1, lastSeq: 1, from: '2026-05-03T01:30:00.000Z', to: '2026-05-03T01:30:00.000Z' }]);
      expect(report.summary).toBe('5 records in 3 chains (center-test, 2026-05-03..2026-05-03), 1 digest(s): ' +
        'VERIFIED up to 2026-05-03T01:09:45.000Z: 4 sealed record(s), nothing edited, deleted, inserted or reordered among them. ' +
        'NOT PROVEN: 1 unsealed record(s) in 1 chain(s), recorded 2026-05-03T01:30:00.000Z – 2026-05-03T01:30:00.000Z; ' +
        `no digest seals 2026-05-03T01:09:45.000Z – 2026-05-03T02:00:00.000Z ${NOT_DETECTABLE}`);
    });

    it('with the new chain removed, no record is unsealed but the time after the seal is still not proven', () => {
      const report = verify(without(t.text, caseD), [midday]);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: false, verdict: 'unsealed', sealedRecords: 4, unsealedRecords: 0, unsealedChains: [], unsealedPeriods: [afterSeal] });
      expect(report.summary).toMatch(/: VERIFIED up to 2026-05-03T01:09:45\.000Z: 4 sealed record\(s\), .*\. NOT PROVEN: no unsealed record; no digest seals 2026-05-03T01:09:45\.000Z – 2026-05-03T02:00:00\.000Z — /);
    });

    it('covers the whole export when made after it', async () => {
      const later = await buildDigest({ centerId: CENTER, date: t.day, nowMs: Date.parse('2026-05-03T10:05:00+08:00'), records: t.records, previous: null, signer });
      expect(verify(t.text, [later])).toMatchObject({ ok: true, verdict: 'verified', sealedRecords: 5, unsealedPeriods: [] });
    });
  });
});

describe('a sealed export with an unsealed tail', () => {
  // Days 1–2 sealed, day 3 exported at 10:00 that morning: case A's position 6 and the item's record of day 3 are the tail.
  const { records, caseA } = threeDays();
  const text = exportOf(records, '2026-05-01', '2026-05-03', CENTER, '2026-05-03T02:00:00.000Z');
  const chainA = `case#${caseA.id}`;
  let digests: AuditDigest[];
  beforeAll(async () => {
    digests = await digestsOf(records, ['2026-05-01', '2026-05-02']);
  });

  it('verifies the sealed part up to the last digest and counts the tail per chain', () => {
    const report = verify(text, digests);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: false, verdict: 'unsealed', sealedRecords: 12, lastSealedAt: '2026-05-02T16:00:00.000Z', unsealedRecords: 2 });
    expect(report.unsealedChains).toEqual([
      { chain: chainA, records: 1, firstSeq: 6, lastSeq: 6, sealedSeq: 5, from: '2026-05-03T00:00:00.000Z', to: '2026-05-03T00:00:00.000Z' },
      { chain: `center#${CENTER}#2026-05-03`, records: 1, firstSeq: 1, lastSeq: 1, from: '2026-05-03T00:30:00.000Z', to: '2026-05-03T00:30:00.000Z' },
    ]);
    expect(report.unsealedPeriods).toEqual([{ from: '2026-05-02T16:00:00.000Z', to: '2026-05-03T02:00:00.000Z' }]);
    expect(report.summary).toBe('14 records in 5 chains (center-test, 2026-05-01..2026-05-03), 2 digest(s): ' +
      'VERIFIED up to 2026-05-02T16:00:00.000Z: 12 sealed record(s), nothing edited, deleted, inserted or reordered among them. ' +
      'NOT PROVEN: 2 unsealed record(s) in 2 chain(s), recorded 2026-05-03T00:00:00.000Z – 2026-05-03T00:30:00.000Z; ' +
      `no digest seals 2026-05-02T16:00:00.000Z – 2026-05-03T02:00:00.000Z ${NOT_DETECTABLE}`);
  });

  it('an edit in the sealed part: TAMPERED, and the tail still reported with its count', () => {
    const lines = linesOf(text);
    lines.find((l) => l.chain === chainA && l.seq === 2)!.actor.id = 'someone-else';
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['edited']);
    expect(report).toMatchObject({ ok: false, verdict: 'tampered', sealedRecords: 12, unsealedRecords: 2 });
    expect(report.summary).toMatch(/: TAMPERED — 1 problem\(s\)\. NOT PROVEN: 2 unsealed record\(s\) in 2 chain\(s\), /);
  });

  it('a sealed chain\'s last record deleted: TAMPERED, found by the digest', () => {
    const report = verify(without(text, `center#${CENTER}#2026-05-01`, 4), digests);
    expect(kinds(report)).toEqual(['deleted']);
    expect(report).toMatchObject({ verdict: 'tampered', sealedRecords: 11, unsealedRecords: 2 });
  });

  it('the newest record removed, or rewritten with its hash recomputed: nothing can tell, the tail only shrinks or stays', () => {
    const cut = verify(without(text, chainA, 6), digests);
    expect(cut.problems).toEqual([]);
    expect(cut).toMatchObject({ verdict: 'unsealed', sealedRecords: 12, unsealedRecords: 1 });
    expect(cut.summary).toMatch(/NOT PROVEN: 1 unsealed record\(s\) in 1 chain\(s\), /);

    const lines = linesOf(text);
    const newest = lines.find((l) => l.chain === chainA && l.seq === 6)!;
    newest.data.note = 'rewritten';
    newest.hash = recordHash(newest as never);
    const rewritten = verify(textOf(lines), digests);
    expect(rewritten.problems).toEqual([]);
    expect(rewritten).toMatchObject({ verdict: 'unsealed', unsealedRecords: 2 });
  });
});
