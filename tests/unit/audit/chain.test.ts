/**
 * The hash chains: canonical JSON, record hashes, chain ids and the order of a
 * chain, with property-based tampering on random logs (any deleted, edited or
 * swapped record of a random log is detected, a clean log verifies, and the
 * records past the supplied digests are counted unsealed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson, centerChainDay, centerDay, chainOf, changeOf, GENESIS_HASH, nextRecord, recordHash, sha256Hex,
} from '../../../functions/audit/chain.ts';
import { appendAll, digestsOf, exportOf, linesOf, textOf, verify } from './fixture.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ s: '引号"\n' })).toBe('{"s":"引号\\"\\n"}');
    expect(canonicalJson(null)).toBe('null');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/cannot hash/);
  });

  it('is the same for any key order (property)', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
    }), { numRuns: 500 });
  });
});

describe('records and chains', () => {
  const input = {
    eventId: '01JTESTAAAAAAAAAAAAAAAAAAA', centerId: 'c1', occurredAt: '2026-05-01T01:00:00.000Z', source: 'onestop.cases', action: 'CaseAccepted',
    result: 'success' as const, actor: { id: 'u1', role: 'clerk' as const }, subject: { type: 'case', id: 'X-20260501-00001' }, data: { a: 1 },
  };

  it('chains every subject on its own: a case by its number, anything else by its type and id', () => {
    expect(chainOf({ type: 'case', id: 'X-1' })).toBe('case#X-1');
    expect(chainOf({ type: 'staff', id: 'li' })).toBe('staff#li');
    expect(chainOf({ type: 'evaluation', id: '01JEVAL' })).toBe('evaluation#01JEVAL');
    expect(chainOf({ type: 'center', id: 'c1' })).toBe('center#c1');
    expect(centerChainDay(chainOf({ type: 'center', id: 'c1' }))).toBeUndefined();
    expect(centerDay('2026-04-30T16:00:00.000Z')).toBe('2026-05-01');
    expect(centerDay('2026-04-30T15:59:59.999Z')).toBe('2026-04-30');
  });

  it('still knows the day of a center-day chain of the earlier layout, and never names one for a subject', () => {
    expect(centerChainDay('center#c1#2026-05-01')).toBe('2026-05-01');
    expect(centerChainDay('case#X-1')).toBeUndefined();
    expect(centerChainDay('staff#li')).toBeUndefined();
    expect(() => chainOf({ type: 'center', id: 'c1#2026-05-01' })).toThrow(/would name a center-day chain \(center#c1#2026-05-01\)/);
  });

  it('hashes the previous hash and the canonical content without the hash', () => {
    const first = nextRecord(input, 'case#X-20260501-00001', undefined, Date.parse('2026-05-01T01:00:01Z'));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, recordedAt: '2026-05-01T01:00:01.000Z' });
    const { hash, ...content } = first;
    expect(hash).toBe(sha256Hex(GENESIS_HASH + canonicalJson(content)));
    expect(recordHash(first)).toBe(hash);
    const second = nextRecord({ ...input, eventId: '01JTESTBBBBBBBBBBBBBBBBBBB' }, first.chain, first, Date.parse('2026-05-01T01:00:02Z'));
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(recordHash({ ...second, data: { a: 2 } })).not.toBe(second.hash);
  });

  it('never records a chain\'s next record earlier than its head (a writer whose clock lags)', () => {
    const head = nextRecord(input, 'case#X', undefined, Date.parse('2026-05-01T01:00:05Z'));
    const next = nextRecord({ ...input, eventId: '01JTESTCCCCCCCCCCCCCCCCCCC' }, 'case#X', head, Date.parse('2026-05-01T01:00:04Z'));
    expect(next.recordedAt).toBe(head.recordedAt);
  });

  it('takes old and new values from the changes events carry', () => {
    expect(changeOf('DepartmentChanged', { before: { name: 'a' }, after: { name: 'b' } })).toEqual({ oldValue: { name: 'a' }, newValue: { name: 'b' } });
    expect(changeOf('DepartmentChanged', { after: { name: 'b' } })).toEqual({ newValue: { name: 'b' } });
    // A recount keeps the state: its change is the deadlines.
    const recount = { fromState: 'accepted', toState: 'accepted', deadlines: { statutoryDue: '2027-02-23' }, details: { previous: { statutoryDue: '2027-02-19', provisional: true } } };
    expect(changeOf('DeadlinesRecomputed', recount)).toEqual({ oldValue: { deadlines: { statutoryDue: '2027-02-19', provisional: true } }, newValue: { deadlines: { statutoryDue: '2027-02-23' } } });
    expect(changeOf('CaseAccepted', { fromState: 'submitted', toState: 'accepted' })).toEqual({ oldValue: { state: 'submitted' }, newValue: { state: 'accepted' } });
    expect(changeOf('CaseSubmitted', { toState: 'submitted' })).toEqual({ newValue: { state: 'submitted' } });
    expect(changeOf('ItemPublished', { fromStatus: 'approved', toStatus: 'published' })).toEqual({ oldValue: { status: 'approved' }, newValue: { status: 'published' } });
    expect(changeOf('ApplicantAccountStatusChanged', { status: 'disabled' })).toEqual({ newValue: { status: 'disabled' } });
    expect(changeOf('PersonalDataRevealed', { applicantId: 'a', fields: ['phone'] })).toEqual({});
  });
});

describe('random logs (property)', () => {
  const subjects = [{ type: 'case', id: 'A-20260501-00001' }, { type: 'case', id: 'A-20260501-00002' }, { type: 'item', id: 'I1' }, { type: 'staff', id: 's1' }];
  const start = Date.parse('2026-05-01T00:00:00+08:00');
  // Up to 30 events 1 ms – 90 min apart (at most ~2 days), in recording order.
  const log = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 90 * 60_000 })), { minLength: 2, maxLength: 30 }).map((steps) => {
    let t = start;
    return appendAll(steps.map(([s, dt]) => {
      t += dt;
      return { at: new Date(t).toISOString(), subject: subjects[s]! };
    }));
  });
  const text = (records: ReturnType<typeof appendAll>) => exportOf(records, '2026-05-01', '2026-05-03');

  it('a clean log verifies', () => {
    fc.assert(fc.property(log, (records) => {
      expect(verify(text(records), []).problems).toEqual([]);
    }), { numRuns: 200 });
  });

  it('any edited record is detected as edited', () => {
    fc.assert(fc.property(log, fc.nat(), (records, pick) => {
      const lines = linesOf(text(records));
      const i = 1 + (pick % records.length);
      lines[i]!.data = { tampered: true };
      const report = verify(textOf(lines), []);
      expect(report.problems.map((p) => p.kind)).toEqual(['edited']);
      expect(report.problems[0]!.eventId).toBe(lines[i]!.eventId);
    }), { numRuns: 200 });
  });

  it('any deleted record is detected as deleted: by its chain, or by the digest that sealed it', async () => {
    await fc.assert(fc.asyncProperty(log, fc.nat(), async (records, pick) => {
      const digests = await digestsOf(records, ['2026-05-01', '2026-05-02', '2026-05-03']);
      const lines = linesOf(text(records));
      const i = 1 + (pick % records.length);
      const [gone] = lines.splice(i, 1);
      const report = verify(textOf(lines), digests);
      expect(report.problems.map((p) => p.kind)).toEqual(['deleted']);
      expect(report.problems[0]!.message).toContain(gone!.chain);
    }), { numRuns: 100 });
  });

  it('with the digests of the first days only, exactly the later days\' records are unsealed and the export is never VERIFIED whole', async () => {
    const days = ['2026-05-01', '2026-05-02', '2026-05-03'];
    await fc.assert(fc.asyncProperty(log, fc.integer({ min: 0, max: 3 }), async (records, k) => {
      const report = verify(text(records), await digestsOf(records, days.slice(0, k)));
      const later = records.filter((r) => k === 0 || centerDay(r.recordedAt) > days[k - 1]!);
      expect(report.problems).toEqual([]);
      expect(report.unsealedRecords).toBe(later.length);
      expect(report.sealedRecords).toBe(records.length - later.length);
      expect(report.verdict).toBe(k === 3 ? 'verified' : 'unsealed');
      expect(report.summary.includes('VERIFIED —')).toBe(k === 3);
    }), { numRuns: 100 });
  });

  it('any two records of one chain swapped are detected as reordered', () => {
    fc.assert(fc.property(log, fc.nat(), (records, pick) => {
      const lines = linesOf(text(records));
      const pairs = lines.map((l, i) => ({ l, i })).filter(({ l, i }) => i > 0 && lines[i + 1]?.chain === l.chain);
      fc.pre(pairs.length > 0);
      const { i } = pairs[pick % pairs.length]!;
      [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      expect(verify(textOf(lines), []).problems.map((p) => p.kind)).toEqual(['reordered']);
    }), { numRuns: 200 });
  });
});
