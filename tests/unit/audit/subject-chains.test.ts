/**
 * The verifier on the per-subject layout (a chain per subject, across days:
 * `item#ITEM-1`, `staff#li.si`, `case#…`): every tampering verify.test.ts
 * catches on center-day chains is caught here too, named by chain and
 * position; a subject chain begun before the export is anchored by the digest
 * that sealed its head; and a log that switched layouts mid-way verifies, with
 * the old chains still held to their day.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditDigest, AuditRecord } from '#schemas/api/audit';
import { centerDay, recordHash } from '../../../functions/audit/chain.ts';
import { appendAll, CENTER, digestsOf, eventId, exportOf, linesOf, textOf, threeDays, verify } from './fixture.ts';

const { records, caseA, item, staff, dates } = threeDays('subject');
const clean = exportOf(records, '2026-05-01', '2026-05-03');
const itemChain = `item#${item.id}`;
const staffChain = `staff#${staff.id}`;
let digests: AuditDigest[];
beforeAll(async () => {
  digests = await digestsOf(records, dates);
});

const kinds = (r: ReturnType<typeof verify>) => r.problems.map((p) => p.kind);
const lineOf = (lines: Record<string, any>[], chain: string, seq: number) => lines.findIndex((l) => l.chain === chain && l.seq === seq);

describe('a clean export of per-subject chains', () => {
  it('verifies against its digests, each subject one chain across days, each day sealing the heads it touched', () => {
    const report = verify(clean, digests);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, verdict: 'verified', sealedRecords: 14, unsealedRecords: 0 });
    expect(report.summary).toMatch(/^14 records in 4 chains /);
    const lines = linesOf(clean).slice(1);
    expect(lines.filter((l) => l.chain === itemChain).map((l) => [centerDay(l.recordedAt), l.seq])).toEqual([['2026-05-01', 1], ['2026-05-01', 2], ['2026-05-03', 3]]);
    expect(lines.filter((l) => l.chain === staffChain).map((l) => [centerDay(l.recordedAt), l.seq])).toEqual([['2026-05-01', 1], ['2026-05-01', 2], ['2026-05-02', 3]]);
    expect(digests.map((d) => d.chains.map((c) => `${c.chain} ${c.firstSeq}-${c.lastSeq}`))).toEqual([
      [`case#${caseA.id}`, 'case#370982-20260501-00002', `${itemChain}`, `${staffChain}`].map((c, i) => `${c} ${['1-3', '1-1', '1-2', '1-2'][i]}`),
      [`case#${caseA.id} 4-5`, 'case#370982-20260501-00002 2-2', `${staffChain} 3-3`],
      [`case#${caseA.id} 6-6`, `${itemChain} 3-3`],
    ]);
  });

  it('an export of one day anchors a chain begun earlier on the digest that sealed its head', () => {
    const day3 = exportOf(records.filter((r) => centerDay(r.recordedAt) === '2026-05-03'), '2026-05-03', '2026-05-03');
    const report = verify(day3, digests);
    expect(report.problems).toEqual([]);
    expect(report.verdict).toBe('verified');
    const lines = linesOf(day3);
    lines[lineOf(lines, itemChain, 3)]!.prevHash = 'a'.repeat(64);
    lines[lineOf(lines, itemChain, 3)]!.hash = recordHash(lines[lineOf(lines, itemChain, 3)] as never);
    const forged = verify(textOf(lines), digests);
    expect(kinds(forged)).toEqual(['broken_link', 'digest_mismatch']);
    expect(forged.problems[0]).toMatchObject({ kind: 'broken_link', chain: itemChain, seq: 3 });
    expect(forged.problems[0]!.message).toMatch(/does not chain to position 2 as digest center-test\/2026-05-01 .* sealed it/);
  });
});

describe('tampering with per-subject chains', () => {
  it('an edited field: EDITED, naming the record', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, staffChain, 2);
    lines[i]!.actor.id = 'someone-else';
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['edited']);
    expect(report.problems[0]).toMatchObject({ chain: staffChain, seq: 2, line: i + 1 });
  });

  it('an edited record whose hash was recomputed: its successor no longer chains to it', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, itemChain, 1);
    lines[i]!.data.note = 'rewritten';
    lines[i]!.hash = recordHash(lines[i] as never);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['broken_link']);
    expect(report.problems[0]).toMatchObject({ chain: itemChain, seq: 2 });
  });

  it('a whole chain rewritten consistently: every digest that sealed one of its heads disagrees', () => {
    const lines = linesOf(clean);
    let prev: string | undefined;
    for (const l of lines.filter((x) => x.chain === itemChain)) {
      if (prev) l.prevHash = prev;
      if (l.seq === 1) l.data.note = 'history rewritten';
      l.hash = recordHash(l as never);
      prev = l.hash;
    }
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['digest_mismatch', 'digest_mismatch']);
    expect(report.problems.map((p) => [p.chain, p.seq])).toEqual([[itemChain, 2], [itemChain, 3]]);
  });

  it('a deleted record in the middle of a chain, or the last of its day with the chain going on the next day: DELETED, naming the gap', () => {
    for (const [chain, seq] of [[itemChain, 2], [staffChain, 2]] as const) {
      const lines = linesOf(clean);
      lines.splice(lineOf(lines, chain, seq), 1);
      for (const d of [digests, []]) {
        const report = verify(textOf(lines), d);
        expect(kinds(report), chain).toEqual(['deleted']);
        expect(report.problems[0]!.message).toMatch(new RegExp(`^chain ${chain}: position ${seq} missing between record \\S+ \\(line \\d+\\) and record \\S+ \\(line \\d+\\): deleted$`));
      }
    }
  });

  it('the deleted last record of a chain: DELETED, found by the digest only', () => {
    const lines = linesOf(clean);
    lines.splice(lineOf(lines, itemChain, 3), 1);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['deleted']);
    expect(report.problems[0]!.message).toMatch(/^digest center-test\/2026-05-03 \(2026-05-03\.json\) seals chain item#ITEM-1 position 3; position 3 missing from the export: deleted$/);
    const unsealed = verify(textOf(lines), []);
    expect(unsealed.problems).toEqual([]);
    expect(unsealed).toMatchObject({ ok: false, verdict: 'unsealed' });
  });

  it('two records of a chain swapped: REORDERED', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, staffChain, 1);
    expect(lineOf(lines, staffChain, 2)).toBe(i + 1);
    [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['reordered']);
    expect(report.problems[0]).toMatchObject({ chain: staffChain, seq: 1 });
  });

  it('a forged record in a position already held: INSERTED, the forgery named', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, itemChain, 2);
    const forged: Record<string, any> = { ...lines[i]!, eventId: eventId(), actor: { id: 'intruder', role: 'center_admin' }, data: { note: 'forged' } };
    forged.hash = recordHash(forged as never);
    lines.splice(i, 0, forged);
    const report = verify(textOf(lines), digests);
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]).toMatchObject({ eventId: forged.eventId, chain: itemChain, seq: 2 });
  });

  it('a forged record appended after a sealed head, or dated back before its predecessor: INSERTED', () => {
    const lines = linesOf(clean);
    const i = lineOf(lines, staffChain, 3); // recorded 2026-05-02 00:00:00.1, sealed by that day's digest
    const last = lines[i]!;
    const appended: Record<string, any> = { ...last, eventId: eventId(), seq: 4, prevHash: last.hash, recordedAt: '2026-05-02T10:00:00.000Z', data: { note: 'appended' } };
    appended.hash = recordHash(appended as never);
    const sealed = [...lines.slice(0, i + 1), appended, ...lines.slice(i + 1)];
    const report = verify(textOf(sealed), digests);
    expect(kinds(report)).toEqual(['inserted']);
    expect(report.problems[0]!.message).toMatch(/lies outside the position 3 that digest center-test\/2026-05-02 .* sealed for 2026-05-02: inserted/);

    const backDated: Record<string, any> = { ...appended, recordedAt: '2026-05-01T15:00:00.000Z' };
    backDated.hash = recordHash(backDated as never);
    const unsealed = verify(textOf([...lines.slice(0, i + 1), backDated, ...lines.slice(i + 1)]), []);
    expect(kinds(unsealed)).toEqual(['inserted']);
    expect(unsealed.problems[0]!.message).toMatch(/before position 3 .*: forged and inserted/);
  });
});

describe('a log that switched from center-day chains to per-subject chains', () => {
  const happenings = [
    { at: '2026-05-01T09:00:00+08:00', subject: { type: 'staff', id: 'li.si' } },
    { at: '2026-05-01T10:00:00+08:00', subject: { type: 'item', id: 'ITEM-1' } },
    { at: '2026-05-01T11:00:00+08:00', subject: { type: 'staff', id: 'li.si' } },
  ];
  const later = [
    { at: '2026-05-02T09:00:00+08:00', subject: { type: 'staff', id: 'li.si' } },
    { at: '2026-05-02T10:00:00+08:00', subject: { type: 'item', id: 'ITEM-1' } },
    { at: '2026-05-02T11:00:00+08:00', subject: { type: 'staff', id: 'li.si' } },
  ];
  const mixed: AuditRecord[] = [...appendAll(happenings, CENTER, 'centerDay'), ...appendAll(later, CENTER, 'subject')];
  const text = exportOf(mixed, '2026-05-01', '2026-05-02');

  it('verifies: the old day chain and the new subject chains, all sealed', async () => {
    const d = await digestsOf(mixed, ['2026-05-01', '2026-05-02']);
    expect(d.map((x) => x.chains.map((c) => c.chain))).toEqual([['center#center-test#2026-05-01'], ['item#ITEM-1', 'staff#li.si']]);
    const report = verify(text, d);
    expect(report.problems).toEqual([]);
    expect(report.verdict).toBe('verified');
  });

  it('still holds the old chain to its day: its first positions missing are DELETED, with or without a digest', () => {
    const lines = linesOf(text);
    lines.splice(lineOf(lines, 'center#center-test#2026-05-01', 1), 1);
    const report = verify(textOf(lines), []);
    expect(kinds(report)).toEqual(['deleted']);
    expect(report.problems[0]!.message).toMatch(/^chain center#center-test#2026-05-01: position 1 missing before record/);
  });
});
