/**
 * Business and plumbing metrics in CloudWatch's embedded metric format (EMF):
 * one JSON line on stdout per call, which CloudWatch Logs turns into metrics
 * as it ingests the function's log — no PutMetricData call, no latency, no
 * permission beyond writing the log. The namespace is the stage's
 * (`METRICS_NAMESPACE`, set by DomainFunction); without it (unit tests, the
 * local cloud's functions run outside Lambda) the line is still written, under
 * `OneStop/local`.
 *
 * Dimensions are low-cardinality by rule: a center, an outcome, a level,
 * since every combination of values is one more billed custom metric; never a
 * department (9 000 metrics across a province), a case number, an applicant or
 * a staff member.
 */

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

/**
 * Metric names in use, so the dashboard (infra/constructs/dashboard.ts) and
 * the emitters cannot drift apart silently. The plumbing's retries and dead
 * letters are AWS's own metrics (AWS/Events, AWS/Lambda, AWS/SQS), not these.
 */
export const metricNames = {
  casesAccepted: 'CasesAccepted', // 受理 (by a clerk, with a pledge, or deemed)
  casesDecided: 'CasesDecided', // 准予 / 不予许可: the decision that stops the clock
  casesOverdue: 'CasesOverdue', // 超期: the case clock's red threshold reached
  cardsIssued: 'CardsIssued', // 亮牌: warning, yellow or red
  auditLagMs: 'AuditLag',
  auditRecords: 'AuditRecords',
} as const;
export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** Dimension names in use. A business metric is always written with the same set of them: the dashboard's search names that set. */
export const metricDimensions = {
  center: 'CenterId',
  outcome: 'Outcome',
  level: 'Level',
} as const;

/** The namespace of a stage's metrics; DomainFunction passes it to every function as METRICS_NAMESPACE. */
export const stageMetricsNamespace = (stage: string): string => `OneStop/${stage}`;

export const metricsNamespace = (): string => process.env.METRICS_NAMESPACE || stageMetricsNamespace('local');

/** The EMF document of one data point (exported for tests: what CloudWatch reads). */
export function emfLine(name: MetricName, value: number, unit: MetricUnit, dimensions: Readonly<Record<string, string>>, at = Date.now()): string {
  const keys = Object.keys(dimensions).sort();
  return JSON.stringify({
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [{ Namespace: metricsNamespace(), Dimensions: [keys], Metrics: [{ Name: name, Unit: unit }] }],
    },
    ...dimensions,
    [name]: value,
  });
}

/** Writes one data point. Never throws: a metric is not worth failing the work it measures. */
export function putMetric(name: MetricName, value: number, unit: MetricUnit, dimensions: Readonly<Record<string, string>> = {}): void {
  if (!Number.isFinite(value)) return;
  process.stdout.write(`${emfLine(name, value, unit, dimensions)}\n`);
}
