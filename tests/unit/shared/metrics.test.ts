/**
 * functions/shared/metrics.ts writes CloudWatch's embedded metric format: the
 * document CloudWatch Logs turns into a metric (namespace, dimension set,
 * unit, value). And the domains' emitters count what the brief asks, read
 * from the lifecycle table and the card table themselves: an acceptance is a
 * transition that starts the clock, a decision one that enters approved or
 * denied, a case overdue the case clock's red card.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cardLevels, clockKinds, type ThresholdReached } from '#schemas/api/supervision';
import type { CaseEventData } from '#schemas/events/cases';
import type { EventDraft } from '#shared/events';
import { emfLine, metricNames, metricsNamespace, putMetric, stageMetricsNamespace } from '#shared/metrics';
import { transitions } from '../../../functions/cases/lifecycle.ts';
import { countTransition } from '../../../functions/cases/metrics.ts';
import { countIssuedCard } from '../../../functions/supervision/metrics.ts';
import { startDynamo, LOCAL_CREDENTIALS, LOCAL_REGION, type DynamoEmulator } from '../../../local/emulators/dynamodb.ts';

const namespace = process.env.METRICS_NAMESPACE;
afterEach(() => {
  if (namespace === undefined) delete process.env.METRICS_NAMESPACE;
  else process.env.METRICS_NAMESPACE = namespace;
  vi.restoreAllMocks();
});

function parsed(chunks: readonly string[]): Record<string, any>[] {
  const text = chunks.join('');
  if (text && !text.endsWith('\n')) throw new Error(`a line without its newline: ${text}`);
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** The lines written on stdout while `run` runs, each parsed. */
function written(run: () => void): Record<string, any>[] {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (chunks.push(String(text)), true));
  run();
  vi.restoreAllMocks();
  return parsed(chunks);
}

/** What `run` resolves to (or its error) and the EMF lines written on stdout meanwhile. */
async function writtenDuring<T>(run: () => Promise<T>): Promise<{ outcome: T | Error; lines: Record<string, any>[] }> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (String(text).includes('"_aws"') && chunks.push(String(text)), true));
  try {
    return { outcome: await run(), lines: parsed(chunks) };
  } catch (err) {
    return { outcome: err as Error, lines: parsed(chunks) };
  } finally {
    vi.restoreAllMocks();
  }
}

/** What CloudWatch makes of an EMF document: one data point per metric of its directive. */
function pointsOf(doc: Record<string, any>) {
  return (doc._aws.CloudWatchMetrics as any[]).flatMap((d) => d.Metrics.map((m: { Name: string; Unit: string }) => ({
    namespace: d.Namespace as string,
    name: m.Name,
    unit: m.Unit,
    value: doc[m.Name],
    dimensions: Object.fromEntries((d.Dimensions as string[][])[0]!.map((k) => [k, doc[k]])),
  })));
}

describe('the EMF document', () => {
  it('names the stage namespace, one dimension set with its values at the top level, the unit and the value', () => {
    process.env.METRICS_NAMESPACE = stageMetricsNamespace('prod');
    const doc = JSON.parse(emfLine(metricNames.casesAccepted, 1, 'Count', { DepartmentId: 'd-1', CenterId: 'c-1' }, 1_767_225_600_000));
    expect(doc).toEqual({
      _aws: {
        Timestamp: 1_767_225_600_000,
        CloudWatchMetrics: [{ Namespace: 'OneStop/prod', Dimensions: [['CenterId', 'DepartmentId']], Metrics: [{ Name: 'CasesAccepted', Unit: 'Count' }] }],
      },
      CenterId: 'c-1',
      DepartmentId: 'd-1',
      CasesAccepted: 1,
    });
    expect(pointsOf(doc)).toEqual([{ namespace: 'OneStop/prod', name: 'CasesAccepted', unit: 'Count', value: 1, dimensions: { CenterId: 'c-1', DepartmentId: 'd-1' } }]);
  });

  it("falls back to the local stage's namespace outside a deployed function", () => {
    delete process.env.METRICS_NAMESPACE;
    expect(metricsNamespace()).toBe('OneStop/local');
    const [doc] = written(() => putMetric(metricNames.auditLagMs, 250, 'Milliseconds'));
    expect(pointsOf(doc!)).toEqual([{ namespace: 'OneStop/local', name: 'AuditLag', unit: 'Milliseconds', value: 250, dimensions: {} }]);
    expect(doc!._aws.Timestamp).toBeGreaterThan(Date.now() - 60_000);
  });

  it('writes one line per data point on stdout, and nothing for a value that is not a number', () => {
    const lines = written(() => {
      putMetric(metricNames.auditRecords, 3, 'Count', { CenterId: 'c-1' });
      putMetric(metricNames.auditLagMs, Number.NaN, 'Milliseconds');
      putMetric(metricNames.auditLagMs, Number.POSITIVE_INFINITY, 'Milliseconds');
      putMetric(metricNames.auditRecords, 0, 'Count', { CenterId: 'c-1' });
    });
    expect(lines.map((l) => l.AuditRecords)).toEqual([3, 0]);
  });
});

describe('cases: accepted and decided, from the lifecycle table', () => {
  /** Every row of the table from each state it leaves, as the event of that transition. */
  const moves = transitions.flatMap((t) => t.from.map((from) => ({
    action: t.action,
    event: {
      source: 'onestop.cases',
      detailType: t.event,
      centerId: 'center-a',
      data: { departmentId: 'dept-x', fromState: from, toState: t.to === 'same' ? from : t.to, ...(t.clock ? { clockEffect: t.clock } : {}) },
    } as unknown as EventDraft<CaseEventData>,
  })));

  it('counts an acceptance for every transition that starts the clock (accept, with a pledge, deemed) and nothing else', () => {
    const accepting = moves.filter((m) => written(() => countTransition(m.event)).some((l) => 'CasesAccepted' in l)).map((m) => m.action);
    expect([...new Set(accepting)].sort()).toEqual(['accept', 'acceptWithTolerance', 'deemAccepted']);
  });

  it('counts a decision, by outcome, for approve and deny only (not 不予受理, not the closing 办结)', () => {
    const decided = moves.flatMap((m) => written(() => countTransition(m.event)).filter((l) => 'CasesDecided' in l).map((l) => `${m.action}→${l.Outcome}`));
    expect([...new Set(decided)].sort()).toEqual(['approve→approved', 'deny→denied']);
    // One point per decision: approve and deny each have two rows (after review, or at the window for 即办件).
    expect(decided).toHaveLength(4);
  });

  it("counts under the case's center only: nothing about the case, a person or a department", () => {
    const accept = moves.find((m) => m.action === 'accept')!;
    const [doc] = written(() => countTransition(accept.event));
    expect(pointsOf(doc!)).toEqual([{ namespace: 'OneStop/local', name: 'CasesAccepted', unit: 'Count', value: 1, dimensions: { CenterId: 'center-a' } }]);
    const approve = moves.find((m) => m.action === 'approve')!;
    expect(written(() => countTransition(approve.event)).flatMap(pointsOf)).toEqual([
      { namespace: 'OneStop/local', name: 'CasesDecided', unit: 'Count', value: 1, dimensions: { CenterId: 'center-a', Outcome: 'approved' } },
    ]);
  });
});

describe('supervision: cards issued by level, cases overdue', () => {
  it('counts every card by center and level, and the case clock red card as a case overdue', () => {
    for (const clockKind of clockKinds) {
      for (const level of cardLevels) {
        const points = written(() => countIssuedCard({ centerId: 'center-a', clockKind, level })).flatMap(pointsOf);
        const expected = [{ namespace: 'OneStop/local', name: 'CardsIssued', unit: 'Count', value: 1, dimensions: { CenterId: 'center-a', Level: level } }];
        if (clockKind === 'case' && level === 'red') {
          expected.push({ namespace: 'OneStop/local', name: 'CasesOverdue', unit: 'Count', value: 1, dimensions: { CenterId: 'center-a' } as any });
        }
        expect(points, `${clockKind} ${level}`).toEqual(expected);
      }
    }
  });
});

describe('supervision: counted where the card is written (store.issueCard against DynamoDB Local)', () => {
  const before = { ...process.env };
  let dynamo: DynamoEmulator | undefined;
  let dir = '';
  const freePort = () => new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-metrics-'));
    dynamo = await startDynamo({ port: await freePort(), dir, log: () => {} });
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await client.send(new CreateTableCommand({
      TableName: 'metrics-probe', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
    }));
    client.destroy();
    Object.assign(process.env, {
      TABLE_NAME: 'metrics-probe', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  }, 60_000);

  afterAll(async () => {
    process.env = { ...before };
    await dynamo?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('counts a new card once, a repeated threshold not again, and nothing when the write fails', async () => {
    const store = await import('../../../functions/supervision/store.ts');
    const { cardOf, issuedCounts } = await import('../../../functions/supervision/cards.ts');
    const { cardEvent } = await import('../../../functions/supervision/events.ts');
    const now = '2026-03-05T02:00:00.000Z';
    const issue = (threshold: ThresholdReached) => {
      const card = cardOf('center-a', threshold, now, '2026-03');
      const draft = cardEvent(card, 'issue', 'CardIssued', { id: 'system', role: 'system' }, now, { details: { sourceEventId: 'event-1' } });
      return writtenDuring(() => store.issueCard(card, draft, issuedCounts(card), '2026-03-05'));
    };
    const red: ThresholdReached = { caseNo: '2026-0305-000001', departmentId: 'dept-x', clock: 'case', clockKind: 'case', level: 'red', thresholdAt: now, due: '2026-03-04' };

    const first = await issue(red);
    expect(first.outcome).toBe(true);
    expect(first.lines.flatMap(pointsOf).map((p) => [p.name, p.dimensions])).toEqual([
      ['CardsIssued', { CenterId: 'center-a', Level: 'red' }],
      ['CasesOverdue', { CenterId: 'center-a' }],
    ]);

    const again = await issue(red);
    expect(again.outcome).toBe(false);
    expect(again.lines).toEqual([]);

    process.env.TABLE_NAME = 'no-such-table';
    const failed = await issue({ ...red, level: 'yellow' });
    expect(failed.outcome).toBeInstanceOf(Error);
    expect(failed.lines).toEqual([]);
    process.env.TABLE_NAME = 'metrics-probe';

    const yellow = await issue({ ...red, level: 'yellow' });
    expect(yellow.outcome).toBe(true);
    expect(yellow.lines.flatMap(pointsOf).map((p) => [p.name, p.dimensions])).toEqual([['CardsIssued', { CenterId: 'center-a', Level: 'yellow' }]]);
  });
});
