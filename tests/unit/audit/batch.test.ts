/**
 * Planning a batch of audit events: grouped by center and chain in arrival
 * order, an event delivered twice appended once (all its messages share its
 * fate), and each group cut into transactions under DynamoDB's limits.
 */
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '#schemas/api/audit';
import { chunksOf, groupByChain, MAX_RECORDS_PER_TRANSACTION, type Placed } from '../../../functions/audit/batch.ts';
import { chainOf, nextRecord, type RecordInput } from '../../../functions/audit/chain.ts';

const input = (eventId: string, centerId: string, subject: { type: string; id: string }, data: Record<string, unknown> = {}): RecordInput => ({
  eventId, centerId, occurredAt: '2026-05-01T01:00:00.000Z', source: 'onestop.test', action: 'ThingHappened', result: 'success',
  actor: { id: 'u1', role: 'clerk' }, subject, data,
});
const placed = (messageId: string, i: RecordInput): Placed => ({ messageId, chain: chainOf(i.subject), input: i });

describe('grouping a batch by chain', () => {
  it('keeps arrival order within a chain, one group per center and chain, in order of first arrival', () => {
    const caseA = { type: 'case', id: 'A' };
    const staff = { type: 'staff', id: 'li' };
    const groups = groupByChain([
      placed('m1', input('e1', 'c1', caseA)),
      placed('m2', input('e2', 'c1', staff)),
      placed('m3', input('e3', 'c1', caseA)),
      placed('m4', input('e4', 'c2', staff)),
      placed('m5', input('e5', 'c1', staff)),
    ]);
    expect(groups.map((g) => [g.centerId, g.chain, g.events.map((e) => e.input.eventId)])).toEqual([
      ['c1', 'case#A', ['e1', 'e3']],
      ['c1', 'staff#li', ['e2', 'e5']],
      ['c2', 'staff#li', ['e4']],
    ]);
  });

  it('appends an event delivered twice in one batch once, with both its messages', () => {
    const e = input('e1', 'c1', { type: 'case', id: 'A' });
    const groups = groupByChain([placed('m1', e), placed('m2', input('e2', 'c1', { type: 'case', id: 'A' })), placed('m3', e)]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.events.map((x) => [x.input.eventId, x.messageIds])).toEqual([['e1', ['m1', 'm3']], ['e2', ['m2']]]);
  });
});

describe('cutting a chain\'s records into transactions', () => {
  const chainRecords = (n: number, data: (i: number) => Record<string, unknown> = () => ({})) => {
    const out: AuditRecord[] = [];
    for (let i = 0; i < n; i++) out.push(nextRecord(input(`e${i}`, 'c1', { type: 'case', id: 'A' }, data(i)), 'case#A', out[i - 1], Date.parse('2026-05-01T02:00:00Z')));
    return out;
  };

  it('puts at most 49 records in one transaction (two items each, plus the head: 99 of 100)', () => {
    expect(MAX_RECORDS_PER_TRANSACTION * 2 + 1).toBeLessThanOrEqual(100);
    const chunks = chunksOf(chainRecords(100));
    expect(chunks.map((c) => c.length)).toEqual([49, 49, 2]);
    expect(chunks.flat().map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(chunksOf(chainRecords(3)).map((c) => c.length)).toEqual([3]);
    expect(chunksOf([])).toEqual([]);
  });

  it('cuts by size too, so big records never make a transaction over 4 MB; one oversized record stands alone', () => {
    const big = chainRecords(10, () => ({ blob: 'x'.repeat(200_000) }));
    const chunks = chunksOf(big, 49, 1_000_000);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
    for (const c of chunks) expect(c.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0)).toBeLessThanOrEqual(1_000_000);
    expect(chunksOf(chainRecords(2, () => ({ blob: 'x'.repeat(2_000) })), 49, 1_000).map((c) => c.length)).toEqual([1, 1]);
  });
});
