/**
 * The operations surface (issue 13, part 5; infra/constructs/monitoring.ts):
 * the alarm topic, an alarm on every dead-letter queue, function, consumer,
 * HTTP API and pipe of the stack, the audit digest's deadline, the dashboard,
 * and a runbook section for every kind of alarm. Coverage is checked against
 * the template itself (what dead-letters where, which functions exist), so a
 * consumer or function added later without its alarms fails here. The stage
 * templates come from the project's global setup (no synthesis of the app
 * here); one tiny stack is synthesized to check the Aspect on its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageConfig, stageNames, type StageName } from '../../infra/config.ts';
import { repoRoot } from '../../infra/constructs/bundles.ts';
import { alarmKinds, Monitoring } from '../../infra/constructs/monitoring.ts';
import { logicalIdByPath, newApp, resourcesOf, synthTemplate, withNestedInlined } from './synth.ts';

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };
interface AlarmMetric { namespace: string; name: string; dimensions: Record<string, unknown>; stat: string; period: number }

const ALARM = 'AWS::CloudWatch::Alarm';
const templates = {} as Record<StageName, Template>;

beforeAll(() => {
  for (const stage of stageNames) templates[stage] = synthTemplate(stage);
});

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const ref = (id: string) => ({ Ref: id });

/** The metrics an alarm reads: its own metric, or the metrics of its math expression. */
function metricsOf(alarm: Resource): AlarmMetric[] {
  const p = alarm.Properties!;
  const dims = (list: { Name: string; Value: unknown }[] = []) => Object.fromEntries(list.map((d) => [d.Name, d.Value]));
  if (p.MetricName) {
    return [{ namespace: p.Namespace, name: p.MetricName, dimensions: dims(p.Dimensions), stat: p.Statistic ?? p.ExtendedStatistic, period: p.Period }];
  }
  return (p.Metrics as any[] ?? []).filter((m) => m.MetricStat).map((m) => ({
    namespace: m.MetricStat.Metric.Namespace, name: m.MetricStat.Metric.MetricName, dimensions: dims(m.MetricStat.Metric.Dimensions), stat: m.MetricStat.Stat, period: m.MetricStat.Period,
  }));
}

/** The alarms that read `namespace/name` with dimension `dimension` = `value`. */
function alarmsOn(t: Template, namespace: string, name: string, dimension: string, value: unknown): Resource[] {
  return Object.values(resourcesOf(t, ALARM)).filter((a) =>
    metricsOf(a).some((m) => m.namespace === namespace && m.name === name && same(m.dimensions[dimension], value)));
}

/** Logical ids of the queues something dead-letters into, read from the template. */
function deadLetterQueueIds(t: Template): string[] {
  const resources = t.toJSON().Resources as Record<string, Resource>;
  const ids = new Set<string>();
  const add = (arn: unknown) => {
    const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    if (getAtt && getAtt[1] === 'Arn' && resources[getAtt[0]]?.Type === 'AWS::SQS::Queue') ids.add(getAtt[0]);
  };
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Events::Rule') for (const target of p.Targets ?? []) add(target.DeadLetterConfig?.Arn);
    if (r.Type === 'AWS::Lambda::EventInvokeConfig') add(p.DestinationConfig?.OnFailure?.Destination);
    if (r.Type === 'AWS::Lambda::Function') add(p.DeadLetterConfig?.TargetArn);
    if (r.Type === 'AWS::Lambda::EventSourceMapping') add(p.DestinationConfig?.OnFailure?.Destination);
    if (r.Type === 'AWS::Pipes::Pipe') for (const source of Object.values(p.SourceParameters ?? {})) add((source as any)?.DeadLetterConfig?.Arn);
    if (r.Type === 'AWS::SQS::Queue') add(p.RedrivePolicy?.deadLetterTargetArn);
  }
  return [...ids].sort();
}

/** Logical ids of the queues a function consumes through an event source mapping (work queues). */
function workQueueIds(t: Template): string[] {
  const resources = t.toJSON().Resources as Record<string, Resource>;
  const ids = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map((r) => (r.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0])
    .filter((id): id is string => !!id && resources[id]?.Type === 'AWS::SQS::Queue');
  return [...new Set(ids)].sort();
}

/**
 * The dashboard's widgets, parsed: its body is a Fn::Join of JSON text and
 * references, each reference standing in the text as «i» (its index in `refs`).
 */
function dashboardOf(t: Template) {
  const dashboards = Object.values(resourcesOf(t, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties!.DashboardBody;
  const parts = (typeof body === 'string' ? [body] : body['Fn::Join'][1]) as unknown[];
  const refs: unknown[] = [];
  const text = parts.map((p) => (typeof p === 'string' ? p : `«${refs.push(p) - 1}»`)).join('');
  const widgets = JSON.parse(text).widgets as { type: string; properties: { title?: string; metrics?: unknown[][]; markdown?: string } }[];
  const titled = (title: string) => {
    const found = widgets.filter((w) => w.properties.title === title);
    expect(found, title).toHaveLength(1);
    return found[0]!.properties;
  };
  const refOf = (value: string) => (/^«(\d+)»$/.test(value) ? refs[Number(value.slice(1, -1))] : value);
  /** The plain metrics of a widget: namespace, name, and dimensions with the references their values stand for. */
  const metricsIn = (title: string) => (titled(title).metrics ?? []).filter((m) => typeof m[0] === 'string').map((m) => {
    // [namespace, name, dimension, value, dimension, value, …, options]
    const dims = m.slice(2).filter((x): x is string => typeof x === 'string');
    return { namespace: m[0], name: m[1], dimensions: Object.fromEntries(dims.flatMap((k, i) => (i % 2 ? [] : [[k, refOf(dims[i + 1]!)]]))) };
  });
  /** The expressions of a widget's lines. */
  const expressionsIn = (title: string) => (titled(title).metrics ?? []).map((m) => (m[0] as { expression?: string }).expression).filter(Boolean);
  return { widgets, refs, text, titled, metricsIn, expressionsIn };
}

const pathOf = (r: Resource) => String(r.Metadata?.['aws:cdk:path'] ?? '');

describe.each(stageNames)('alarm topic, stage %s', (stage) => {
  const config = stageConfig(stage);

  it('is one SNS topic, KMS-encrypted, publishing over TLS only, and CloudWatch of this account may publish', () => {
    const t = templates[stage];
    const topics = resourcesOf(t, 'AWS::SNS::Topic');
    expect(Object.keys(topics)).toEqual([logicalIdByPath(t, 'Monitoring/AlarmTopic')]);
    const [topicId, topic] = Object.entries(topics)[0]!;
    expect(topic.Properties!.TopicName).toBe(`onestop-${stage}-alarms`);
    if (config.alarms.topicKey === 'customer-managed') {
      const keyId = logicalIdByPath(t, 'Monitoring/AlarmTopicKey');
      expect(topic.Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      const key = t.toJSON().Resources[keyId].Properties;
      expect(key.EnableKeyRotation).toBe(true);
      expect(key.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }));
    } else {
      // The local cloud creates no KMS key; its template is never deployed.
      expect(stage).toBe('local');
      expect(JSON.stringify(topic.Properties!.KmsMasterKeyId)).toMatch(/:alias\/aws\/sns"\]\]\}$/);
    }
    const policies = Object.values(resourcesOf(t, 'AWS::SNS::TopicPolicy')).filter((p) => same(p.Properties!.Topics, [ref(topicId)]));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties!.PolicyDocument.Statement as any[];
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
      Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } }),
    }));
  });

  it('has the e-mail subscriptions of the stage config', () => {
    const t = templates[stage];
    const topicId = logicalIdByPath(t, 'Monitoring/AlarmTopic');
    const emails = Object.values(resourcesOf(t, 'AWS::SNS::Subscription'))
      .filter((s) => same(s.Properties!.TopicArn, ref(topicId)))
      .map((s) => [s.Properties!.Protocol, s.Properties!.Endpoint]);
    expect(emails).toEqual(config.alarms.emails.map((e) => ['email', e]));
  });

  it('is the alarm action and the OK action of every alarm', () => {
    const t = templates[stage];
    const topic = ref(logicalIdByPath(t, 'Monitoring/AlarmTopic'));
    const alarms = Object.values(resourcesOf(t, ALARM));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties!.AlarmActions, alarm.Properties!.AlarmName).toEqual([topic]);
      expect(alarm.Properties!.OKActions, alarm.Properties!.AlarmName).toEqual([topic]);
      expect(alarm.Properties!.AlarmName).toMatch(new RegExp(`^onestop-${stage}-`));
    }
    expect(stageConfig('prod').alarms.emails).toEqual(['ops@onestop.example.gov.cn']);
  });
});

describe.each(['dev', 'prod'] as const)('alarms, stage %s', (stage) => {
  const config = stageConfig(stage);
  const t = () => templates[stage];
  const resources = () => t().toJSON().Resources as Record<string, Resource>;

  it('every dead-letter queue has a depth alarm: ApproximateNumberOfMessagesVisible > 0', () => {
    const dlqs = deadLetterQueueIds(t());
    // What dead-letters where, as the template says it: every consumer's Dlq and the pipe's.
    const consumerDlqs = Object.entries(resourcesOf(t(), 'AWS::SQS::Queue')).filter(([, q]) => pathOf(q).endsWith('/Dlq/Resource')).map(([id]) => id);
    expect(consumerDlqs.length).toBeGreaterThanOrEqual(17);
    expect(dlqs).toEqual(expect.arrayContaining([...consumerDlqs, logicalIdByPath(t(), 'OutboxPipeDlq')]));
    for (const id of dlqs) {
      const alarms = alarmsOn(t(), 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [id, 'QueueName'] });
      expect(alarms, id).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, Statistic: 'Maximum', Period: 300, EvaluationPeriods: 1 });
    }
  });

  it('every work queue (a queue a function consumes through an event source mapping) has an age alarm, and no depth alarm unless something dead-letters into it', () => {
    const dlqs = new Set(deadLetterQueueIds(t()));
    for (const id of workQueueIds(t())) {
      const alarms = alarmsOn(t(), 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', { 'Fn::GetAtt': [id, 'QueueName'] });
      expect(alarms, id).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({
        ComparisonOperator: 'GreaterThanThreshold', Threshold: config.alarms.workQueueAge.toSeconds(), Statistic: 'Maximum', Period: 300, TreatMissingData: 'notBreaching',
      });
      if (!dlqs.has(id)) expect(alarmsOn(t(), 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', { 'Fn::GetAtt': [id, 'QueueName'] }), id).toEqual([]);
    }
    // An age alarm on a queue that is no work queue would be noise.
    const aged = Object.values(resourcesOf(t(), ALARM)).flatMap((a) => metricsOf(a)).filter((m) => m.name === 'ApproximateAgeOfOldestMessage');
    expect(aged.map((m) => (m.dimensions.QueueName as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).sort()).toEqual(workQueueIds(t()));
  });

  it('every function has an Errors and a Throttles alarm (at the first one in 5 minutes)', () => {
    const functions = Object.keys(resourcesOf(t(), 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(26);
    for (const id of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        // (The audit digest's deadline alarm reads its Errors too, in an expression.)
        const alarms = alarmsOn(t(), 'AWS/Lambda', metric, 'FunctionName', ref(id)).filter((a) => metricsOf(a).length === 1);
        expect(alarms, `${id} ${metric}`).toHaveLength(1);
        expect(alarms[0]!.Properties).toMatchObject({
          ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, Statistic: 'Sum', Period: 300, TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('every consumer (a function with an async invocation config) has an AsyncEventAge alarm below its maximum event age', () => {
    const configs = Object.values(resourcesOf(t(), 'AWS::Lambda::EventInvokeConfig'));
    expect(configs.length).toBeGreaterThanOrEqual(17);
    for (const c of configs) {
      const fn = c.Properties!.FunctionName;
      const alarms = alarmsOn(t(), 'AWS/Lambda', 'AsyncEventAge', 'FunctionName', fn);
      expect(alarms, JSON.stringify(fn)).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: config.alarms.consumerEventAge.toMilliseconds(), Statistic: 'Maximum' });
      expect(config.alarms.consumerEventAge.toSeconds()).toBeLessThan(c.Properties!.MaximumEventAgeInSeconds);
    }
  });

  it('the HTTP API has a 5xx-rate alarm and a p99 latency alarm', () => {
    const apiId = ref(logicalIdByPath(t(), 'Api/HttpApi'));
    const [rate, ...moreRates] = alarmsOn(t(), 'AWS/ApiGateway', '5xx', 'ApiId', apiId);
    expect(moreRates).toEqual([]);
    expect(metricsOf(rate!).map((m) => [m.name, m.stat, m.period])).toEqual([['Count', 'Sum', 300], ['5xx', 'Sum', 300]]);
    const expression = (rate!.Properties!.Metrics as any[]).find((m) => m.Expression).Expression;
    expect(expression).toBe(`IF(requests >= ${config.alarms.apiMinRequests}, 100 * FILL(errors, 0) / requests, 0)`);
    expect(rate!.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: config.alarms.apiServerErrorPercent });

    const latency = alarmsOn(t(), 'AWS/ApiGateway', 'Latency', 'ApiId', apiId);
    expect(latency).toHaveLength(1);
    expect(latency[0]!.Properties).toMatchObject({
      ExtendedStatistic: 'p99', Period: 300, Threshold: config.alarms.apiLatencyP99.toMilliseconds(), EvaluationPeriods: 3, DatapointsToAlarm: 2,
    });
  });

  it('the outbox pipe logs errors (without event data) to its own log group and has a failure alarm', () => {
    const pipeId = logicalIdByPath(t(), 'OutboxPipe');
    const logsId = logicalIdByPath(t(), 'OutboxPipeLogs');
    const pipe = resources()[pipeId]!.Properties!;
    expect(pipe.LogConfiguration).toEqual({ Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': [logsId, 'Arn'] } } });
    expect(resources()[logsId]!.Properties!.RetentionInDays).toBe(stage === 'prod' ? 365 : 14);
    const roleId = logicalIdByPath(t(), 'OutboxPipeRole');
    const statements = Object.values(resourcesOf(t(), 'AWS::IAM::Policy'))
      .filter((p) => same(p.Properties!.Roles, [ref(roleId)]))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as any[]);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['logs:CreateLogStream', 'logs:PutLogEvents']), Resource: { 'Fn::GetAtt': [logsId, 'Arn'] },
    }));
    const alarms = alarmsOn(t(), 'AWS/EventBridge/Pipes', 'ExecutionFailed', 'PipeName', ref(pipeId));
    expect(alarms).toHaveLength(1);
    expect(metricsOf(alarms[0]!).map((m) => m.name)).toEqual(['ExecutionFailed', 'ExecutionTimeout']);
    expect(alarms[0]!.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1 });
  });

  it('the audit digest alarms when no run has succeeded by 01:00 center time', () => {
    const digestFn = ref(logicalIdByPath(t(), 'AuditDigestFunction'));
    const alarms = alarmsOn(t(), 'AWS/Lambda', 'Invocations', 'FunctionName', digestFn);
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]!;
    const window = config.alarms.auditDigestWindow.toSeconds();
    expect(metricsOf(alarm).map((m) => [m.name, m.stat, m.period])).toEqual([['Invocations', 'Sum', window], ['Errors', 'Sum', window]]);
    expect(alarm.Properties).toMatchObject({
      AlarmName: `onestop-${stage}-audit-digest-missing`, ComparisonOperator: 'LessThanThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'breaching',
    });
    // Runs at 16:15 UTC = 00:15 Asia/Shanghai; a day plus the window's excess after that run is 01:00 there.
    const [, minute, hour] = /^cron\((\d+) (\d+) /.exec(config.auditDigestSchedule)!;
    const deadline = new Date(Date.UTC(2026, 0, 1, Number(hour), Number(minute)) + (window - 86_400) * 1000);
    expect(deadline.toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' })).toBe('01:00');
    // CloudWatch's limit: an evaluation range of at most 7 days for periods of an hour or more.
    expect(window).toBeGreaterThanOrEqual(3600);
    expect(window % 60).toBe(0);
  });

  it('has no other alarms than these', () => {
    const count = (type: string) => Object.keys(resourcesOf(t(), type)).length;
    const expected = deadLetterQueueIds(t()).length + workQueueIds(t()).length + 2 * count('AWS::Lambda::Function') + count('AWS::Lambda::EventInvokeConfig')
      + 2 /* API */ + count('AWS::Pipes::Pipe') + 1 /* audit digest */;
    expect(count(ALARM)).toBe(expected);
  });

  it('every alarm names its runbook section, and docs/operations.md has one per kind of alarm', () => {
    const runbook = readFileSync(path.join(repoRoot, 'docs/operations.md'), 'utf8');
    for (const kind of alarmKinds) expect(runbook, kind).toContain(`<a id="alarm-${kind}"></a>`);
    for (const alarm of Object.values(resourcesOf(t(), ALARM))) {
      const anchor = /Runbook: docs\/operations\.md#(alarm-[a-z0-9-]+)$/.exec(alarm.Properties!.AlarmDescription)?.[1];
      expect(anchor, alarm.Properties!.AlarmName).toBeDefined();
      expect(runbook).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('one dashboard shows the API, every function by domain, every DLQ, the consumers, the pipe and the rules', () => {
    const dashboards = Object.values(resourcesOf(t(), 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const { DashboardName, DashboardBody } = dashboards[0]!.Properties!;
    expect(DashboardName).toBe(`onestop-${stage}`);
    // The body is a Fn::Join of JSON text and references.
    const parts = DashboardBody['Fn::Join'][1] as unknown[];
    const text = parts.filter((p): p is string => typeof p === 'string').join('');
    const refs = parts.filter((p) => typeof p !== 'string');
    const shown = (reference: unknown) => refs.some((r) => same(r, reference));
    expect(shown(ref(logicalIdByPath(t(), 'Api/HttpApi')))).toBe(true);
    for (const id of Object.keys(resourcesOf(t(), 'AWS::Lambda::Function'))) expect(shown(ref(id)), id).toBe(true);
    for (const id of deadLetterQueueIds(t())) expect(shown({ 'Fn::GetAtt': [id, 'QueueName'] }), id).toBe(true);
    expect(shown(ref(logicalIdByPath(t(), 'OutboxPipe')))).toBe(true);
    for (const id of Object.keys(resourcesOf(t(), 'AWS::Events::Rule'))) {
      expect(refs.some((r) => JSON.stringify(r).includes(`"${id}","Arn"`)), id).toBe(true);
    }
    const domains = new Set(Object.values(resourcesOf(t(), 'AWS::Lambda::Function')).map((f) => f.Properties!.Environment?.Variables?.POWERTOOLS_SERVICE_NAME).filter(Boolean));
    for (const domain of domains) {
      expect(text).toContain(`"title":"${domain}: errors and throttles"`);
      expect(text).toContain(`"title":"${domain}: duration p99 (ms)"`);
    }
    for (const title of ['Dead-letter queues: messages visible', 'Consumers: oldest event waiting', 'Pipe OutboxPipe: events and failures', 'Bus and schedule rules: failed deliveries']) {
      expect(text).toContain(title);
    }
    expect(text).toContain('"type":"alarm"');
  });

  it('the dashboard charts the plumbing from AWS metrics: DLQ sends, work queues, rule retries', () => {
    const d = dashboardOf(t());
    const queueName = (id: string) => ({ 'Fn::GetAtt': [id, 'QueueName'] });
    const sent = d.metricsIn('Dead-letter queues: messages sent (NumberOfMessagesSent)');
    expect(sent.every((m) => m.namespace === 'AWS/SQS' && m.name === 'NumberOfMessagesSent')).toBe(true);
    expect(sent.map((m) => m.dimensions.QueueName)).toEqual(expect.arrayContaining(deadLetterQueueIds(t()).map(queueName)));
    expect(sent).toHaveLength(deadLetterQueueIds(t()).length);
    const aged = d.metricsIn('Work queues: oldest message (s)');
    expect(aged.map((m) => m.dimensions.QueueName)).toEqual(workQueueIds(t()).map(queueName));
    const retries = d.metricsIn('Bus and schedule rules: delivery retries (RetryInvocationAttempts)');
    expect(retries.every((m) => m.namespace === 'AWS/Events' && m.name === 'RetryInvocationAttempts')).toBe(true);
    expect(retries).toHaveLength(Object.keys(resourcesOf(t(), 'AWS::Events::Rule')).length);
    expect(d.metricsIn('Consumers: oldest event waiting (AsyncEventAge, ms)')).toHaveLength(Object.keys(resourcesOf(t(), 'AWS::Lambda::EventInvokeConfig')).length);
  });

  it("the dashboard sums the business and audit metrics the functions write, under the stage's namespace", () => {
    const d = dashboardOf(t());
    const ns = `OneStop/${stage}`;
    expect(d.expressionsIn('Cases accepted (受理) and decided (准予 / 不予许可), all centers')).toEqual([
      `SUM(SEARCH('{"${ns}",CenterId} MetricName="CasesAccepted"', 'Sum', 300))`,
      `SUM(SEARCH('{"${ns}",CenterId,Outcome} MetricName="CasesDecided" Outcome="approved"', 'Sum', 300))`,
      `SUM(SEARCH('{"${ns}",CenterId,Outcome} MetricName="CasesDecided" Outcome="denied"', 'Sum', 300))`,
    ]);
    expect(d.expressionsIn('Cases overdue (red) and cards issued by level, all centers')).toEqual([
      `SUM(SEARCH('{"${ns}",CenterId} MetricName="CasesOverdue"', 'Sum', 300))`,
      ...['warning', 'yellow', 'red'].map((level) => `SUM(SEARCH('{"${ns}",CenterId,Level} MetricName="CardsIssued" Level="${level}"', 'Sum', 300))`),
    ]);
    expect(d.expressionsIn('Audit log: records appended, lag (ms)')).toEqual([
      `SUM(SEARCH('Namespace="${ns}" MetricName="AuditRecords"', 'Sum', 300))`,
      `MAX(SEARCH('Namespace="${ns}" MetricName="AuditLag"', 'Maximum', 300))`,
    ]);
    // The functions write under the namespace the dashboard searches.
    for (const fn of Object.values(resourcesOf(t(), 'AWS::Lambda::Function')).filter((f) => f.Properties!.Environment?.Variables?.POWERTOOLS_SERVICE_NAME)) {
      expect(fn.Properties!.Environment.Variables.METRICS_NAMESPACE, pathOf(fn)).toBe(ns);
    }
  });
});

describe('the monitoring Aspect', () => {
  it('finds what is added after it, and tells dead-letter queues from work queues', () => {
    const { app, outdir } = newApp('dev');
    try {
      const stack = new Stack(app, 'Probe');
      new Monitoring(stack, 'Monitoring', { config: stageConfig('dev') });
      // Everything below is created after the Monitoring construct.
      const redrive = new sqs.Queue(stack, 'RedriveDlq');
      new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: redrive, maxReceiveCount: 3 } });
      const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
      const onFailure = new sqs.Queue(stack, 'OnFailure');
      fn.configureAsyncInvoke({ onFailure: new SqsDestination(onFailure) });
      const t = Template.fromJSON(withNestedInlined(stack));
      const queue = (id: string) => ({ 'Fn::GetAtt': [logicalIdByPath(t, id), 'QueueName'] });
      const depth = (id: string) => alarmsOn(t, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue(id)).length;
      expect([depth('RedriveDlq'), depth('OnFailure'), depth('Work')]).toEqual([1, 1, 0]);
      const fnRef = ref(logicalIdByPath(t, 'Fn'));
      for (const metric of ['Errors', 'Throttles', 'AsyncEventAge']) expect(alarmsOn(t, 'AWS/Lambda', metric, 'FunctionName', fnRef), metric).toHaveLength(1);
      expect(Object.keys(resourcesOf(t, ALARM))).toHaveLength(5);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('alarms a work queue (an event source of a function) by the age of its oldest message, and its redrive DLQ by depth', () => {
    const { app, outdir } = newApp('dev');
    try {
      const stack = new Stack(app, 'Probe');
      const config = stageConfig('dev');
      new Monitoring(stack, 'Monitoring', { config });
      const code = lambda.Code.fromInline('exports.handler = async () => {}');
      const dlq = new sqs.Queue(stack, 'AuditLogDlq', { fifo: true });
      const work = new sqs.Queue(stack, 'AuditLog', { fifo: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
      const consumer = new lambda.Function(stack, 'Consumer', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
      consumer.addEventSource(new SqsEventSource(work, { batchSize: 10, reportBatchItemFailures: true }));
      // A redrive function reading the DLQ makes it a work queue too: it keeps its depth alarm and gets an age alarm.
      const redrive = new lambda.Function(stack, 'Redrive', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code });
      redrive.addEventSource(new SqsEventSource(dlq, { enabled: false }));
      const t = Template.fromJSON(withNestedInlined(stack));
      const queue = (id: string) => ({ 'Fn::GetAtt': [logicalIdByPath(t, id), 'QueueName'] });
      const alarmsOf = (id: string) => ({
        depth: alarmsOn(t, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue(id)).length,
        age: alarmsOn(t, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', queue(id)),
      });
      const onWork = alarmsOf('AuditLog');
      expect(onWork.depth).toBe(0);
      expect(onWork.age).toHaveLength(1);
      expect(onWork.age[0]!.Properties).toMatchObject({
        AlarmName: 'onestop-dev-work-queue-age-AuditLog', Threshold: config.alarms.workQueueAge.toSeconds(),
        ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum', Period: 300,
        AlarmDescription: expect.stringMatching(/Runbook: docs\/operations\.md#alarm-work-queue-age$/),
      });
      const onDlq = alarmsOf('AuditLogDlq');
      expect([onDlq.depth, onDlq.age.length]).toEqual([1, 1]);
      // Two functions × (errors, throttles) + the two queues' three.
      expect(Object.keys(resourcesOf(t, ALARM))).toHaveLength(7);

      const d = dashboardOf(t);
      expect(d.metricsIn('Work queues: oldest message (s)').map((m) => m.dimensions.QueueName)).toEqual([queue('AuditLog'), queue('AuditLogDlq')]);
      expect(d.metricsIn('Dead-letter queues: messages sent (NumberOfMessagesSent)').map((m) => m.dimensions.QueueName)).toEqual([queue('AuditLogDlq')]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
