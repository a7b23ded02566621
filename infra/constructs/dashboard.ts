/**
 * The body of a stage's CloudWatch dashboard (issue 13, part 5), rendered at
 * synthesis from what the monitoring Aspect found (infra/constructs/
 * monitoring.ts): every alarm's state; the HTTP API; per domain its
 * functions' errors, throttles and duration; the plumbing from AWS's own
 * metrics (dead-letter sends and depth, work queues, consumers' event age,
 * the pipe, the rules' retries and failures); the business and audit metrics
 * the functions write in EMF (functions/shared/metrics.ts), summed over every
 * center by search expressions, since centers are data, not constructs.
 */
import type { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { cardLevels } from '../../schemas/api/supervision.ts';
import { decisionOutcomes } from '../../functions/cases/metrics.ts';
import { metricDimensions as dim, metricNames, stageMetricsNamespace, type MetricName } from '../../functions/shared/metrics.ts';
import type { StageConfig } from '../config.ts';
import { PERIOD, type Watched, type WatchedApi, type WatchedFunction, type WatchedRule } from './alarms.ts';

/** What the Aspect found, by kind. */
export interface Found {
  readonly functions: readonly WatchedFunction[];
  readonly consumers: readonly Watched[];
  readonly dlqs: readonly Watched[];
  readonly workQueues: readonly Watched[];
  readonly pipes: readonly Watched[];
  readonly rules: readonly WatchedRule[];
  readonly apis: readonly WatchedApi[];
}

const period = PERIOD;
const metric = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic: string, label: string) =>
  new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period, label });

export function renderDashboard(stack: Stack, config: StageConfig, found: Found, alarms: readonly cloudwatch.Alarm[]): string {
  const rows: cloudwatch.IWidget[][] = [
    ...alarmRows(config, alarms),
    ...businessRows(config),
    ...found.apis.map((api) => apiRow(api, config)),
    ...domainRows(found.functions),
    ...plumbingRows(found, config),
  ];
  const column = new cloudwatch.Column(...rows.map((widgets) => new cloudwatch.Row(...widgets)));
  column.position(0, 0);
  return stack.toJsonString({ widgets: column.toJson() });
}

function alarmRows(config: StageConfig, alarms: readonly cloudwatch.Alarm[]): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [[new cloudwatch.TextWidget({
    markdown: `# OneStop ${config.stage}\n${alarms.length} alarms → SNS topic \`onestop-${config.stage}-alarms\`. `
      + 'Runbook: docs/operations.md, "Alarms". Dead letters: `npm run dlq` locally, the redrive loop of the runbook in AWS.',
    width: 24, height: 2,
  })]];
  for (let i = 0; i < alarms.length; i += 50) {
    const chunk = alarms.slice(i, i + 50);
    rows.push([new cloudwatch.AlarmStatusWidget({
      title: `Alarms ${i + 1}–${i + chunk.length}`, alarms: [...chunk], width: 24, height: Math.ceil(chunk.length / 4) + 1,
    })]);
  }
  return rows;
}

/**
 * A metric the functions write, summed over every series that has exactly
 * `dimensions` (and `where`, e.g. one level): one line for the stage.
 */
function emfTotal(config: StageConfig, name: MetricName, dimensions: readonly string[], label: string, where: Record<string, string> = {}) {
  const schema = [`"${stageMetricsNamespace(config.stage)}"`, ...dimensions].join(',');
  const filters = Object.entries(where).map(([k, v]) => ` ${k}="${v}"`).join('');
  return new cloudwatch.MathExpression({
    expression: `SUM(SEARCH('{${schema}} MetricName="${name}"${filters}', 'Sum', ${period.toSeconds()}))`,
    usingMetrics: {}, period, label,
  });
}

/** An audit metric whatever its dimensions (the audit consumer chooses them): every series of that name. */
function emfAny(config: StageConfig, name: MetricName, statistic: 'Sum' | 'Maximum', label: string) {
  const combine = statistic === 'Sum' ? 'SUM' : 'MAX';
  return new cloudwatch.MathExpression({
    expression: `${combine}(SEARCH('Namespace="${stageMetricsNamespace(config.stage)}" MetricName="${name}"', '${statistic}', ${period.toSeconds()}))`,
    usingMetrics: {}, period, label,
  });
}

function businessRows(config: StageConfig): cloudwatch.IWidget[][] {
  const where = [dim.center];
  return [[
    new cloudwatch.GraphWidget({
      title: 'Cases accepted (受理) and decided (准予 / 不予许可), all centers', width: 8,
      left: [
        emfTotal(config, metricNames.casesAccepted, where, 'accepted'),
        ...decisionOutcomes.map((outcome) => emfTotal(config, metricNames.casesDecided, [...where, dim.outcome], outcome, { [dim.outcome]: outcome })),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Cases overdue (red) and cards issued by level, all centers', width: 8,
      left: [
        emfTotal(config, metricNames.casesOverdue, where, 'cases overdue'),
        ...cardLevels.map((level) =>
          emfTotal(config, metricNames.cardsIssued, [dim.center, dim.level], `${level} cards`, { [dim.level]: level })),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Audit log: records appended, lag (ms)', width: 8,
      left: [emfAny(config, metricNames.auditRecords, 'Sum', 'records')],
      right: [emfAny(config, metricNames.auditLagMs, 'Maximum', 'lag max (ms)')],
    }),
  ]];
}

function apiRow({ label, api }: WatchedApi, config: StageConfig): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: `API ${label}: requests, 4xx, 5xx`, width: 8,
      left: [
        api.metricCount({ statistic: cloudwatch.Stats.SUM, period, label: 'requests' }),
        api.metricClientError({ statistic: cloudwatch.Stats.SUM, period, label: '4xx' }),
        api.metricServerError({ statistic: cloudwatch.Stats.SUM, period, label: '5xx' }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: `API ${label}: latency (ms)`, width: 8,
      left: [
        api.metricLatency({ statistic: cloudwatch.Stats.p(50), period, label: 'p50' }),
        api.metricLatency({ statistic: cloudwatch.Stats.p(99), period, label: 'p99' }),
        api.metricIntegrationLatency({ statistic: cloudwatch.Stats.p(99), period, label: 'integration p99' }),
      ],
      leftAnnotations: [{ value: config.alarms.apiLatencyP99.toMilliseconds(), label: 'p99 alarm' }],
    }),
    new cloudwatch.GraphWidget({
      title: `API ${label}: 5xx % of requests`, width: 8,
      left: [new cloudwatch.MathExpression({
        expression: '100 * FILL(errors, 0) / requests',
        usingMetrics: {
          requests: api.metricCount({ statistic: cloudwatch.Stats.SUM, period }),
          errors: api.metricServerError({ statistic: cloudwatch.Stats.SUM, period }),
        },
        period, label: '5xx %',
      })],
      leftAnnotations: [{ value: config.alarms.apiServerErrorPercent, label: 'alarm' }],
    }),
  ];
}

function domainRows(functions: readonly WatchedFunction[]): cloudwatch.IWidget[][] {
  const domains = [...new Set(functions.map((f) => f.domain))];
  return domains.map((domain) => {
    const fns = functions.filter((f) => f.domain === domain);
    return [
      new cloudwatch.GraphWidget({
        title: `${domain}: errors and throttles`, width: 12,
        left: fns.flatMap((f) => [
          metric('AWS/Lambda', 'Errors', { FunctionName: f.name }, cloudwatch.Stats.SUM, `${f.label} errors`),
          metric('AWS/Lambda', 'Throttles', { FunctionName: f.name }, cloudwatch.Stats.SUM, `${f.label} throttles`),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: `${domain}: duration p99 (ms)`, width: 12,
        left: fns.map((f) => metric('AWS/Lambda', 'Duration', { FunctionName: f.name }, cloudwatch.Stats.p(99), f.label)),
      }),
    ];
  });
}

function plumbingRows(found: Found, config: StageConfig): cloudwatch.IWidget[][] {
  const sqs = (q: Watched, name: string, statistic: string) => metric('AWS/SQS', name, { QueueName: q.name }, statistic, q.label);
  const rules = (name: string) => found.rules.map((r) => metric('AWS/Events', name, r.dimensions, cloudwatch.Stats.SUM, r.label));
  const pipeWidgets = found.pipes.flatMap((p) => {
    const m = (name: string, statistic: string = cloudwatch.Stats.SUM) => metric('AWS/EventBridge/Pipes', name, { PipeName: p.name }, statistic, name);
    return [
      new cloudwatch.GraphWidget({ title: `Pipe ${p.label}: events and failures`, width: 8, left: [m('EventCount')], right: [m('ExecutionFailed'), m('ExecutionTimeout'), m('ExecutionThrottled')] }),
      new cloudwatch.GraphWidget({ title: `Pipe ${p.label}: duration p99 (ms)`, width: 8, left: [m('Duration', cloudwatch.Stats.p(99))] }),
    ];
  });
  return [
    [
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues: messages visible', width: 8,
        left: found.dlqs.map((q) => sqs(q, 'ApproximateNumberOfMessagesVisible', cloudwatch.Stats.MAXIMUM)),
      }),
      new cloudwatch.GraphWidget({
        // SQS counts a sender's SendMessage (Lambda, EventBridge, pipes), not its own redrive moves: those show as depth only.
        title: 'Dead-letter queues: messages sent (NumberOfMessagesSent)', width: 8,
        left: found.dlqs.map((q) => sqs(q, 'NumberOfMessagesSent', cloudwatch.Stats.SUM)),
      }),
      new cloudwatch.GraphWidget({
        title: 'Consumers: oldest event waiting (AsyncEventAge, ms)', width: 8,
        left: found.consumers.map((c) => metric('AWS/Lambda', 'AsyncEventAge', { FunctionName: c.name }, cloudwatch.Stats.MAXIMUM, c.label)),
        leftAnnotations: [{ value: config.alarms.consumerEventAge.toMilliseconds(), label: 'alarm' }],
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Work queues: oldest message (s)', width: 12,
        left: found.workQueues.map((q) => sqs(q, 'ApproximateAgeOfOldestMessage', cloudwatch.Stats.MAXIMUM)),
        leftAnnotations: [{ value: config.alarms.workQueueAge.toSeconds(), label: 'alarm' }],
      }),
      new cloudwatch.GraphWidget({
        title: 'Work queues: messages waiting, in flight', width: 12,
        left: found.workQueues.map((q) => sqs(q, 'ApproximateNumberOfMessagesVisible', cloudwatch.Stats.MAXIMUM)),
        right: found.workQueues.map((q) => sqs(q, 'ApproximateNumberOfMessagesNotVisible', cloudwatch.Stats.MAXIMUM)),
      }),
    ],
    [
      ...pipeWidgets,
      new cloudwatch.GraphWidget({
        title: 'Bus and schedule rules: target invocations', width: 8,
        left: rules('Invocations'),
        legendPosition: cloudwatch.LegendPosition.HIDDEN,
      }),
    ],
    [
      new cloudwatch.GraphWidget({ title: 'Bus and schedule rules: delivery retries (RetryInvocationAttempts)', width: 8, left: rules('RetryInvocationAttempts') }),
      new cloudwatch.GraphWidget({ title: 'Bus and schedule rules: failed deliveries', width: 8, left: rules('FailedInvocations') }),
      new cloudwatch.GraphWidget({ title: 'Bus and schedule rules: events sent to a dead-letter queue', width: 8, left: rules('InvocationsSentToDlq') }),
    ],
  ];
}
