/**
 * functions/shared/metrics.ts writes CloudWatch's embedded metric format: the
 * document CloudWatch Logs turns into a metric (namespace, dimension set,
 * unit, value). And the domains' emitters count what the brief asks, read
 * from the lifecycle table and the card table themselves: an acceptance is a
 * transition that starts the clock, a decision one that enters approved or
 * denied, a case overdue the case clock's red card. (That a card's write
 * counts once, against DynamoDB: tests/integration/metrics.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardLevels, clockKinds } from '#schemas/api/supervision';
import type { CaseEventData } from '#schemas/events/cases';
import type { EventDraft } from '#shared/events';
import { emfLine, metricNames, metricsNamespace, putMetric, stageMetricsNamespace } from '#shared/metrics';
import { transitions } from '../../../functions/cases/lifecycle.ts';
import { countTransition } from '../../../functions/cases/metrics.ts';
import { countIssuedCard } from '../../../functions/supervision/metrics.ts';

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
