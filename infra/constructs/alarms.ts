/**
 * What each kind of alarm watches and when it fires (issue 13, part 5): one
 * function per kind, from what the monitoring Aspect found
 * (infra/constructs/monitoring.ts) to the alarm's settings. The Monitoring
 * construct creates them, with the stage's topic as alarm and OK action.
 * Runbook of every kind: docs/operations.md, "Alarms".
 */
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { StageConfig } from '../config.ts';

/** The kinds of alarm; each has its runbook section `docs/operations.md#alarm-<kind>`. */
export const alarmKinds = [
  'dlq-depth', 'work-queue-age', 'lambda-errors', 'lambda-throttles', 'consumer-event-age',
  'api-5xx-rate', 'api-latency-p99', 'pipe-failures', 'audit-digest-missing',
] as const;
export type AlarmKind = (typeof alarmKinds)[number];

/** Where the runbook of an alarm kind is (the anchor `<a id="alarm-<kind>">` in docs/operations.md). */
export const runbookAnchor = (kind: AlarmKind) => `docs/operations.md#alarm-${kind}`;

/** The period of every alarm but the daily one: metrics of a minute are noisy, of an hour late. */
export const PERIOD = Duration.minutes(5);

/** Something the Aspect found. */
export interface Watched {
  /** The construct path below the stack, `/` → `-` (alarm names, labels). */
  readonly label: string;
  /** A token: the physical name the metrics' dimension takes. */
  readonly name: string;
}
export interface WatchedFunction extends Watched { readonly domain: string }
export interface WatchedRule extends Watched { readonly dimensions: Record<string, string> }
export interface WatchedApi { readonly label: string; readonly api: HttpApi }

/** One alarm to create: its kind, its name after `onestop-<stage>-`, what it says, and when it fires. */
export interface AlarmSpec {
  readonly kind: AlarmKind;
  readonly name: string;
  readonly description: string;
  readonly props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription'>;
}

export interface DailySuccessProps {
  /** Part of the alarm's name and its runbook section, e.g. `audit-digest-missing`. */
  readonly kind: AlarmKind;
  /** No successful invocation (Invocations − Errors) within this window alarms. */
  readonly window: Duration;
  readonly description: string;
}

const metricOf = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic: string) =>
  new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: PERIOD });

/** A count that should stay zero: at the first one in 5 minutes; no data is no trouble. */
const atTheFirst = {
  threshold: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} as const;

/** A maximum above `threshold` in one 5-minute period; no data (nothing waiting) is no trouble. */
const above = (threshold: number) => ({
  threshold,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
});

export function functionAlarms(f: WatchedFunction): AlarmSpec[] {
  const dims = { FunctionName: f.name };
  return [
    {
      kind: 'lambda-errors', name: `lambda-errors-${f.label}`,
      description: `Function ${f.label} (${f.domain}) failed at least once in 5 minutes (an exception, a timeout or a crash).`,
      props: { metric: metricOf('AWS/Lambda', 'Errors', dims, cloudwatch.Stats.SUM), ...atTheFirst },
    },
    {
      kind: 'lambda-throttles', name: `lambda-throttles-${f.label}`,
      description: `Function ${f.label} (${f.domain}) was throttled at least once in 5 minutes: no concurrency left in the account or region.`,
      props: { metric: metricOf('AWS/Lambda', 'Throttles', dims, cloudwatch.Stats.SUM), ...atTheFirst },
    },
  ];
}

export function consumerEventAgeAlarm(c: Watched, config: StageConfig): AlarmSpec {
  const maxAge = config.alarms.consumerEventAge;
  return {
    kind: 'consumer-event-age', name: `consumer-event-age-${c.label}`,
    description: `Consumer ${c.label}: an event has waited more than ${maxAge.toMinutes()} minutes for its invocation (retries after errors or throttling); at ${config.maxEventAge.toMinutes()} minutes it goes to the dead-letter queue.`,
    props: { metric: metricOf('AWS/Lambda', 'AsyncEventAge', { FunctionName: c.name }, cloudwatch.Stats.MAXIMUM), ...above(maxAge.toMilliseconds()) },
  };
}

export function dlqDepthAlarm(q: Watched): AlarmSpec {
  return {
    kind: 'dlq-depth', name: `dlq-${q.label}`,
    description: `Dead-letter queue ${q.label} holds messages: events that exhausted their retries. Find the cause, then redrive.`,
    props: { metric: metricOf('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q.name }, cloudwatch.Stats.MAXIMUM), ...above(0) },
  };
}

export function workQueueAgeAlarm(q: Watched, config: StageConfig): AlarmSpec {
  const maxAge = config.alarms.workQueueAge;
  return {
    kind: 'work-queue-age', name: `work-queue-age-${q.label}`,
    description: `Work queue ${q.label}: its oldest message has waited more than ${maxAge.toMinutes()} minutes for its consumer (stuck, failing or too slow).`,
    props: { metric: metricOf('AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: q.name }, cloudwatch.Stats.MAXIMUM), ...above(maxAge.toSeconds()) },
  };
}

export function pipeFailuresAlarm(p: Watched): AlarmSpec {
  const metric = (name: string) => metricOf('AWS/EventBridge/Pipes', name, { PipeName: p.name }, cloudwatch.Stats.SUM);
  return {
    kind: 'pipe-failures', name: `pipe-failures-${p.label}`,
    description: `Pipe ${p.label}: an execution failed or timed out in 5 minutes; the batch is retried, then dead-lettered. Errors are in the pipe's log group.`,
    props: {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: { failed: metric('ExecutionFailed'), timedOut: metric('ExecutionTimeout') },
        period: PERIOD,
        label: 'failed or timed-out executions',
      }),
      ...atTheFirst,
    },
  };
}

export function apiAlarms({ label, api }: WatchedApi, config: StageConfig): AlarmSpec[] {
  const { apiServerErrorPercent, apiMinRequests, apiLatencyP99 } = config.alarms;
  const period = PERIOD;
  return [
    {
      kind: 'api-5xx-rate', name: `api-5xx-rate-${label}`,
      description: `HTTP API ${label}: more than ${apiServerErrorPercent} % of requests answered 5xx in 5 minutes (from ${apiMinRequests} requests).`,
      props: {
        metric: new cloudwatch.MathExpression({
          expression: `IF(requests >= ${apiMinRequests}, 100 * FILL(errors, 0) / requests, 0)`,
          usingMetrics: {
            requests: api.metricCount({ statistic: cloudwatch.Stats.SUM, period }),
            errors: api.metricServerError({ statistic: cloudwatch.Stats.SUM, period }),
          },
          period,
          label: '5xx % of requests',
        }),
        ...above(apiServerErrorPercent),
      },
    },
    {
      kind: 'api-latency-p99', name: `api-latency-p99-${label}`,
      description: `HTTP API ${label}: p99 latency above ${apiLatencyP99.toMilliseconds()} ms in 2 of 3 five-minute periods.`,
      props: { metric: api.metricLatency({ statistic: cloudwatch.Stats.p(99), period }), ...above(apiLatencyP99.toMilliseconds()), evaluationPeriods: 3, datapointsToAlarm: 2 },
    },
  ];
}

/**
 * `fn` has not once succeeded within `window` (sliding): for a nightly
 * schedule, a window of a day plus the grace period.
 */
export function dailySuccessAlarm(fn: lambda.IFunction, { kind, window: period, description }: DailySuccessProps): AlarmSpec {
  const success = new cloudwatch.MathExpression({
    expression: 'FILL(invocations, 0) - FILL(errors, 0)',
    usingMetrics: {
      invocations: fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period }),
      errors: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period }),
    },
    period,
    label: 'successful runs',
  });
  return {
    kind, name: kind, description,
    props: {
      metric: success,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No invocation at all is the failure this alarm is for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    },
  };
}
