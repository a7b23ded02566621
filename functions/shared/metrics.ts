/**
 * Business and plumbing metrics in CloudWatch's embedded metric format (EMF):
 * one JSON line on stdout per call, which CloudWatch Logs turns into metrics
 * as it ingests the function's log — no PutMetricData call, no latency, no
 * permission beyond writing the log. The namespace is the stage's
 * (`METRICS_NAMESPACE`, set by DomainFunction); without it (unit tests, the
 * local cloud's functions run outside Lambda) the line is still written, under
 * `OneStop/local`.
 *
 * Dimensions are low-cardinality by rule: a center, a department, an event
 * type, a level — never a case number, an applicant or a staff member, which
 * would make one metric per person (and a bill to match).
 */

export type MetricUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

/** Metric names in use, so a dashboard and its emitters cannot drift apart silently. */
export const metricNames = {
  casesAccepted: 'CasesAccepted', // 受理
  casesDecided: 'CasesDecided', // 办结 (approved or refused)
  casesOverdue: 'CasesOverdue', // 超期: red threshold reached
  cardsIssued: 'CardsIssued', // 亮牌
  consumerRetries: 'ConsumerRetries',
  auditLagMs: 'AuditLag',
  auditRecords: 'AuditRecords',
} as const;
export type MetricName = (typeof metricNames)[keyof typeof metricNames];

export const metricsNamespace = (): string => process.env.METRICS_NAMESPACE || 'OneStop/local';

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
