/**
 * The supervision domain's business metrics are counted where the card is
 * written (store.issueCard), against the local cloud's DynamoDB: a new card
 * once, a repeated threshold not again, a failed write not at all. The EMF
 * document itself and the counting rules: tests/unit/shared/metrics.test.ts.
 */
import { ulid } from 'ulid';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ThresholdReached } from '#schemas/api/supervision';
import { cloud } from './api-client.ts';
import { useLocalTable } from './in-process.ts';

const before = { ...process.env };
// issueCard runs in this process, against the local cloud's table.
useLocalTable();
afterAll(() => {
  process.env = { ...before };
});

/** What `run` resolves to (or its error) and the EMF documents written on stdout meanwhile. */
async function writtenDuring<T>(run: () => Promise<T>): Promise<{ outcome: T | Error; lines: Record<string, any>[] }> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (String(text).includes('"_aws"') && chunks.push(String(text)), true));
  try {
    return { outcome: await run(), lines: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  } catch (err) {
    return { outcome: err as Error, lines: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
  } finally {
    vi.restoreAllMocks();
  }
}

/** Metric name and dimensions of each data point of EMF documents. */
const points = (docs: Record<string, any>[]) => docs.flatMap((doc) => (doc._aws.CloudWatchMetrics as any[]).flatMap((d) =>
  d.Metrics.map((m: { Name: string }) => [m.Name, Object.fromEntries((d.Dimensions as string[][])[0]!.map((k) => [k, doc[k]]))])));

describe('supervision: counted where the card is written (store.issueCard)', () => {
  it('counts a new card once, a repeated threshold not again, and nothing when the write fails', async () => {
    const store = await import('../../functions/supervision/store.ts');
    const { cardOf, issuedCounts } = await import('../../functions/supervision/cards.ts');
    const { cardEvent } = await import('../../functions/supervision/events.ts');
    const center = `metrics-${ulid()}`;
    const now = '2026-03-05T02:00:00.000Z';
    const issue = (threshold: ThresholdReached) => {
      const card = cardOf(center, threshold, now, '2026-03');
      const draft = cardEvent(card, 'issue', 'CardIssued', { id: 'system', role: 'system' }, now, { details: { sourceEventId: 'event-1' } });
      return writtenDuring(() => store.issueCard(card, draft, issuedCounts(card), '2026-03-05'));
    };
    const red: ThresholdReached = { caseNo: '2026-0305-000001', departmentId: 'dept-x', clock: 'case', clockKind: 'case', level: 'red', thresholdAt: now, due: '2026-03-04' };

    const first = await issue(red);
    expect(first.outcome).toBe(true);
    expect(points(first.lines)).toEqual([['CardsIssued', { CenterId: center, Level: 'red' }], ['CasesOverdue', { CenterId: center }]]);

    const again = await issue(red);
    expect(again.outcome).toBe(false);
    expect(again.lines).toEqual([]);

    process.env.TABLE_NAME = 'no-such-table';
    const failed = await issue({ ...red, level: 'yellow' });
    process.env.TABLE_NAME = cloud.tableName;
    expect(failed.outcome).toBeInstanceOf(Error);
    expect(failed.lines).toEqual([]);

    const yellow = await issue({ ...red, level: 'yellow' });
    expect(yellow.outcome).toBe(true);
    expect(points(yellow.lines)).toEqual([['CardsIssued', { CenterId: center, Level: 'yellow' }]]);
  });
});
