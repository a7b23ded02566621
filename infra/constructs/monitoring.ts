/**
 * The operations surface of a stage (issue 13, part 5): one SNS alarm topic
 * (encrypted, TLS-only, e-mail subscribers from the stage config), the
 * CloudWatch alarms, each with that topic as alarm and OK action, and one
 * dashboard. Runbook of every alarm: docs/operations.md, "Alarms".
 *
 * What multiplies is found, not listed: an Aspect on the stack visits every
 * construct at synthesis (after every stack file has run, whatever the order
 * of the code) and alarms
 *   - every SQS queue something dead-letters into (a rule target's or a
 *     schedule's DeadLetterConfig, a Lambda on-failure destination or DLQ, a
 *     pipe's or an event source mapping's dead-letter target, a queue's or a
 *     subscription's redrive policy): ApproximateNumberOfMessagesVisible > 0;
 *     a work queue is not a DLQ and gets no depth alarm;
 *   - every Lambda function: Errors and Throttles;
 *   - every function with an asynchronous invocation config (the consumers):
 *     AsyncEventAge;
 *   - every HTTP API: 5xx rate and p99 latency;
 *   - every pipe: failed and timed-out executions.
 * One-off expectations are wired explicitly (`expectDailySuccess`: the audit
 * digest). The dashboard is rendered at synthesis from what the Aspect found.
 */
import { Aspects, CfnResource, Duration, Fn, Lazy, Stack, type IAspect } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { StageConfig } from '../config.ts';

/** The kinds of alarm; each has its runbook section `docs/operations.md#alarm-<kind>`. */
export const alarmKinds = [
  'dlq-depth', 'lambda-errors', 'lambda-throttles', 'consumer-event-age',
  'api-5xx-rate', 'api-latency-p99', 'pipe-failures', 'audit-digest-missing',
] as const;
export type AlarmKind = (typeof alarmKinds)[number];

/** Where the runbook of an alarm kind is (the anchor `<a id="alarm-<kind>">` in docs/operations.md). */
export const runbookAnchor = (kind: AlarmKind) => `docs/operations.md#alarm-${kind}`;

/** The period of every alarm but the daily one: metrics of a minute are noisy, of an hour late. */
const PERIOD = Duration.minutes(5);

export interface MonitoringProps {
  readonly config: StageConfig;
}

export interface DailySuccessProps {
  /** Part of the alarm's name and its runbook section, e.g. `audit-digest-missing`. */
  readonly kind: AlarmKind;
  /** No successful invocation (Invocations − Errors) within this window alarms. */
  readonly window: Duration;
  readonly description: string;
}

interface Watched {
  /** The construct path below the stack, `/` → `-` (alarm names, labels). */
  readonly label: string;
  /** A token: the physical name the metrics' dimension takes. */
  readonly name: string;
}
interface WatchedFunction extends Watched { readonly domain: string }
interface WatchedRule extends Watched { readonly dimensions: Record<string, string> }

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  /** Every alarm of the stage, in creation order. */
  readonly alarms: cloudwatch.Alarm[] = [];

  private readonly config: StageConfig;
  private readonly stack: Stack;
  private readonly seen = new Set<string>();
  private readonly functions: WatchedFunction[] = [];
  private readonly consumers: Watched[] = [];
  private readonly dlqs: Watched[] = [];
  private readonly pipes: Watched[] = [];
  private readonly rules: WatchedRule[] = [];
  private readonly apis: { label: string; api: HttpApi }[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.config = props.config;
    this.stack = Stack.of(this);
    const { stage, alarms } = props.config;

    let masterKey: kms.IKey;
    if (alarms.topicKey === 'customer-managed') {
      const key = new kms.Key(this, 'AlarmTopicKey', {
        description: `Encrypts the OneStop ${stage} alarm topic; CloudWatch may use it to publish alarms`,
        enableKeyRotation: true,
        removalPolicy: props.config.removalPolicy,
      });
      // Alarms publish to an encrypted topic only when CloudWatch may use its key (the AWS-managed SNS key does not allow it).
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      masterKey = key;
    } else {
      masterKey = kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns');
    }
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: `onestop-${stage}-alarms`,
      displayName: `OneStop ${stage} alarms`,
      masterKey,
      enforceSSL: true,
    });
    // A topic policy replaces the default one: CloudWatch alarms of this account may publish.
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': this.stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${this.stack.partition}:cloudwatch:${this.stack.region}:${this.stack.account}:alarm:*` },
      },
    }));
    for (const email of alarms.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    new cloudwatch.CfnDashboard(this, 'Dashboard', {
      dashboardName: `onestop-${stage}`,
      // Rendered at synthesis, once the Aspect has found everything.
      dashboardBody: Lazy.string({ produce: () => this.renderDashboard() }),
    });

    Aspects.of(this.stack).add(new MonitoringAspect(this));
  }

  /**
   * Alarms when `fn` has not once succeeded within `window` (sliding): for a
   * nightly schedule, a window of a day plus the grace period.
   */
  expectDailySuccess(fn: lambda.IFunction, props: DailySuccessProps): cloudwatch.Alarm {
    const period = props.window;
    const success = new cloudwatch.MathExpression({
      expression: 'FILL(invocations, 0) - FILL(errors, 0)',
      usingMetrics: {
        invocations: fn.metricInvocations({ statistic: cloudwatch.Stats.SUM, period }),
        errors: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period }),
      },
      period,
      label: 'successful runs',
    });
    return this.alarm(props.kind, props.kind, {
      metric: success,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No invocation at all is the failure this alarm is for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: props.description,
    });
  }

  /** Called by the Aspect for every construct of the stack, once each. @internal */
  _visit(node: IConstruct): void {
    if (node === this || Stack.of(node) !== this.stack) return;
    if (node instanceof HttpApi) return this.watchApi(node);
    if (!CfnResource.isCfnResource(node)) return;
    switch (node.cfnResourceType) {
      case 'AWS::Lambda::Function':
        this.watchFunction(node);
        if (node instanceof lambda.CfnFunction) this.deadLettersOf(node.deadLetterConfig);
        return;
      case 'AWS::Lambda::EventInvokeConfig':
        if (node instanceof lambda.CfnEventInvokeConfig) this.watchConsumer(node);
        return;
      case 'AWS::Pipes::Pipe':
        if (node instanceof pipes.CfnPipe) this.watchPipe(node);
        return;
      case 'AWS::Events::Rule':
        if (node instanceof events.CfnRule) this.watchRule(node);
        return;
      case 'AWS::SQS::Queue':
        if (node instanceof sqs.CfnQueue) this.deadLettersOf(node.redrivePolicy);
        return;
      case 'AWS::Lambda::EventSourceMapping':
        if (node instanceof lambda.CfnEventSourceMapping) this.deadLettersOf(node.destinationConfig);
        return;
      case 'AWS::SNS::Subscription':
        if (node instanceof sns.CfnSubscription) this.deadLettersOf(node.redrivePolicy);
        return;
      case 'AWS::Scheduler::Schedule':
        if (node instanceof scheduler.CfnSchedule) this.deadLettersOf(node.target);
        return;
      default:
    }
  }

  // ---- what the Aspect finds -------------------------------------------------

  private watchFunction(fn: CfnResource) {
    if (!this.once(fn)) return;
    const label = this.labelOf(fn);
    const env = fn instanceof lambda.CfnFunction ? this.stack.resolve(fn.environment) as { variables?: Record<string, unknown> } | undefined : undefined;
    const service = env?.variables?.POWERTOOLS_SERVICE_NAME;
    const watched = { label, name: fn.ref, domain: typeof service === 'string' ? service : 'deploy-time handlers' };
    this.functions.push(watched);
    const dimensionsMap = { FunctionName: fn.ref };
    this.alarm('lambda-errors', `lambda-errors-${label}`, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap, statistic: cloudwatch.Stats.SUM, period: PERIOD }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Function ${label} (${watched.domain}) failed at least once in 5 minutes (an exception, a timeout or a crash).`,
    });
    this.alarm('lambda-throttles', `lambda-throttles-${label}`, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', dimensionsMap, statistic: cloudwatch.Stats.SUM, period: PERIOD }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Function ${label} (${watched.domain}) was throttled at least once in 5 minutes: no concurrency left in the account or region.`,
    });
  }

  private watchConsumer(config: lambda.CfnEventInvokeConfig) {
    this.deadLettersOf(config.destinationConfig);
    const fn = this.cfnOf(config.functionName, ['AWS::Lambda::Function']);
    if (!fn || !this.once(config)) return;
    const label = this.labelOf(fn);
    this.consumers.push({ label, name: fn.ref });
    const maxAge = this.config.alarms.consumerEventAge;
    this.alarm('consumer-event-age', `consumer-event-age-${label}`, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'AsyncEventAge', dimensionsMap: { FunctionName: fn.ref }, statistic: cloudwatch.Stats.MAXIMUM, period: PERIOD }),
      threshold: maxAge.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Consumer ${label}: an event has waited more than ${maxAge.toMinutes()} minutes for its invocation (retries after errors or throttling); at ${this.config.maxEventAge.toMinutes()} minutes it goes to the dead-letter queue.`,
    });
  }

  private watchPipe(pipe: pipes.CfnPipe) {
    const params = this.stack.resolve(pipe.sourceParameters) as Record<string, unknown> | undefined;
    this.deadLettersOf(params);
    if (!this.once(pipe)) return;
    const label = this.labelOf(pipe);
    this.pipes.push({ label, name: pipe.ref });
    const metric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/EventBridge/Pipes', metricName, dimensionsMap: { PipeName: pipe.ref }, statistic: cloudwatch.Stats.SUM, period: PERIOD,
    });
    this.alarm('pipe-failures', `pipe-failures-${label}`, {
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: { failed: metric('ExecutionFailed'), timedOut: metric('ExecutionTimeout') },
        period: PERIOD,
        label: 'failed or timed-out executions',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Pipe ${label}: an execution failed or timed out in 5 minutes; the batch is retried, then dead-lettered. Errors are in the pipe's log group.`,
    });
  }

  private watchRule(rule: events.CfnRule) {
    const targets = this.stack.resolve(rule.targets) as unknown;
    this.deadLettersOf(targets);
    if (!this.once(rule)) return;
    // A rule's ARN: …:rule/<name> on the default bus, …:rule/<bus>/<name> on a custom one.
    const parts = Fn.split('/', rule.attrArn);
    const dimensions: Record<string, string> = rule.eventBusName === undefined
      ? { RuleName: Fn.select(1, parts) }
      : { EventBusName: rule.eventBusName, RuleName: Fn.select(2, parts) };
    this.rules.push({ label: this.labelOf(rule), name: rule.ref, dimensions });
  }

  private watchApi(api: HttpApi) {
    if (!this.once(api)) return;
    const label = this.labelOf(api);
    this.apis.push({ label, api });
    const { apiServerErrorPercent, apiMinRequests, apiLatencyP99 } = this.config.alarms;
    const period = PERIOD;
    this.alarm('api-5xx-rate', `api-5xx-rate-${label}`, {
      metric: new cloudwatch.MathExpression({
        expression: `IF(requests >= ${apiMinRequests}, 100 * FILL(errors, 0) / requests, 0)`,
        usingMetrics: {
          requests: api.metricCount({ statistic: cloudwatch.Stats.SUM, period }),
          errors: api.metricServerError({ statistic: cloudwatch.Stats.SUM, period }),
        },
        period,
        label: '5xx % of requests',
      }),
      threshold: apiServerErrorPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `HTTP API ${label}: more than ${apiServerErrorPercent} % of requests answered 5xx in 5 minutes (from ${apiMinRequests} requests).`,
    });
    this.alarm('api-latency-p99', `api-latency-p99-${label}`, {
      metric: api.metricLatency({ statistic: cloudwatch.Stats.p(99), period }),
      threshold: apiLatencyP99.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `HTTP API ${label}: p99 latency above ${apiLatencyP99.toMilliseconds()} ms in 2 of 3 five-minute periods.`,
    });
  }

  /** Finds the queues a dead-letter reference names in (resolved) properties and alarms each once. */
  private deadLettersOf(properties: unknown) {
    for (const arn of deadLetterArns(this.stack.resolve(properties))) {
      const queue = this.cfnOf(arn, ['AWS::SQS::Queue']);
      if (!(queue instanceof sqs.CfnQueue) || !this.once(queue)) continue;
      const label = this.labelOf(queue);
      this.dlqs.push({ label, name: queue.attrQueueName });
      this.alarm('dlq-depth', `dlq-${label}`, {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensionsMap: { QueueName: queue.attrQueueName },
          statistic: cloudwatch.Stats.MAXIMUM, period: PERIOD,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `Dead-letter queue ${label} holds messages: events that exhausted their retries. Find the cause, then redrive.`,
      });
    }
  }

  // ---- helpers ---------------------------------------------------------------

  private alarm(kind: AlarmKind, name: string, props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription' | 'metric'> & { metric: cloudwatch.IMetric; description: string }): cloudwatch.Alarm {
    const { description, ...alarmProps } = props;
    const alarm = new cloudwatch.Alarm(this, `Alarm-${name}`, {
      ...alarmProps,
      alarmName: `onestop-${this.config.stage}-${name}`,
      alarmDescription: `${description} Runbook: ${runbookAnchor(kind)}`,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private once(node: IConstruct): boolean {
    if (this.seen.has(node.node.path)) return false;
    this.seen.add(node.node.path);
    return true;
  }

  /** The construct path below the stack without a trailing `/Resource`, `/` → `-`. */
  private labelOf(node: IConstruct): string {
    const below = node.node.path.slice(this.stack.node.path.length + 1);
    return below.replace(/\/Resource$/, '').replace(/\//g, '-');
  }

  /** The L1 resource of this stack that a resolved reference (`Ref`, `Fn::GetAtt`) names. */
  private cfnOf(reference: unknown, types: readonly string[]): CfnResource | undefined {
    const resolved = this.stack.resolve(reference) as Record<string, unknown> | string | undefined;
    let logicalId: string | undefined;
    if (resolved && typeof resolved === 'object') {
      if (typeof resolved.Ref === 'string') logicalId = resolved.Ref;
      else if (Array.isArray(resolved['Fn::GetAtt'])) logicalId = String(resolved['Fn::GetAtt'][0]);
    }
    if (!logicalId) return undefined;
    for (const node of this.stack.node.findAll()) {
      if (CfnResource.isCfnResource(node) && types.includes(node.cfnResourceType) && Stack.of(node) === this.stack
        && this.stack.resolve(node.logicalId) === logicalId) return node;
    }
    return undefined;
  }

  // ---- the dashboard ---------------------------------------------------------

  private renderDashboard(): string {
    const period = PERIOD;
    const metric = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic: string, label: string) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period, label });
    const rows: cloudwatch.IWidget[][] = [];

    rows.push([new cloudwatch.TextWidget({
      markdown: `# OneStop ${this.config.stage}\n${this.alarms.length} alarms → SNS topic \`onestop-${this.config.stage}-alarms\`. `
        + 'Runbook: docs/operations.md, "Alarms". Dead letters: `npm run dlq` locally, the redrive loop of the runbook in AWS.',
      width: 24, height: 2,
    })]);
    for (let i = 0; i < this.alarms.length; i += 50) {
      const chunk = this.alarms.slice(i, i + 50);
      rows.push([new cloudwatch.AlarmStatusWidget({
        title: `Alarms ${i + 1}–${i + chunk.length}`, alarms: chunk, width: 24, height: Math.ceil(chunk.length / 4) + 1,
      })]);
    }

    for (const { label, api } of this.apis) {
      rows.push([
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
          leftAnnotations: [{ value: this.config.alarms.apiLatencyP99.toMilliseconds(), label: 'p99 alarm' }],
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
          leftAnnotations: [{ value: this.config.alarms.apiServerErrorPercent, label: 'alarm' }],
        }),
      ]);
    }

    const domains = [...new Set(this.functions.map((f) => f.domain))];
    for (const domain of domains) {
      const fns = this.functions.filter((f) => f.domain === domain);
      rows.push([
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
      ]);
    }

    rows.push([
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues: messages visible', width: 12,
        left: this.dlqs.map((q) => metric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: q.name }, cloudwatch.Stats.MAXIMUM, q.label)),
      }),
      new cloudwatch.GraphWidget({
        title: 'Consumers: oldest event waiting (AsyncEventAge, ms)', width: 12,
        left: this.consumers.map((c) => metric('AWS/Lambda', 'AsyncEventAge', { FunctionName: c.name }, cloudwatch.Stats.MAXIMUM, c.label)),
        leftAnnotations: [{ value: this.config.alarms.consumerEventAge.toMilliseconds(), label: 'alarm' }],
      }),
    ]);

    const pipeWidgets = this.pipes.flatMap((p) => {
      const m = (name: string, statistic: string = cloudwatch.Stats.SUM) => metric('AWS/EventBridge/Pipes', name, { PipeName: p.name }, statistic, name);
      return [
        new cloudwatch.GraphWidget({ title: `Pipe ${p.label}: events and failures`, width: 8, left: [m('EventCount')], right: [m('ExecutionFailed'), m('ExecutionTimeout'), m('ExecutionThrottled')] }),
        new cloudwatch.GraphWidget({ title: `Pipe ${p.label}: duration p99 (ms)`, width: 8, left: [m('Duration', cloudwatch.Stats.p(99))] }),
      ];
    });
    rows.push([
      ...pipeWidgets,
      new cloudwatch.GraphWidget({
        title: 'Bus and schedule rules: target invocations', width: 8,
        left: this.rules.map((r) => metric('AWS/Events', 'Invocations', r.dimensions, cloudwatch.Stats.SUM, r.label)),
        legendPosition: cloudwatch.LegendPosition.HIDDEN,
      }),
    ]);
    rows.push([
      new cloudwatch.GraphWidget({
        title: 'Bus and schedule rules: failed deliveries', width: 12,
        left: this.rules.map((r) => metric('AWS/Events', 'FailedInvocations', r.dimensions, cloudwatch.Stats.SUM, r.label)),
      }),
      new cloudwatch.GraphWidget({
        title: 'Bus and schedule rules: events sent to a dead-letter queue', width: 12,
        left: this.rules.map((r) => metric('AWS/Events', 'InvocationsSentToDlq', r.dimensions, cloudwatch.Stats.SUM, r.label)),
      }),
    ]);

    const column = new cloudwatch.Column(...rows.map((widgets) => new cloudwatch.Row(...widgets)));
    column.position(0, 0);
    return this.stack.toJsonString({ widgets: column.toJson() });
  }
}

class MonitoringAspect implements IAspect {
  constructor(private readonly monitoring: Monitoring) {}

  visit(node: IConstruct): void {
    this.monitoring._visit(node);
  }
}

/**
 * Every ARN a dead-letter setting names in resolved properties (camelCase as
 * the L1 constructs hold them, or PascalCase): `deadLetterConfig.arn|targetArn`,
 * `deadLetterTargetArn` (redrive policies), `onFailure.destination`.
 */
export function deadLetterArns(value: unknown): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [key, inner] of Object.entries(v as Record<string, unknown>)) {
      const k = key.toLowerCase();
      if (k === 'deadletterconfig' && inner && typeof inner === 'object') {
        const c = inner as Record<string, unknown>;
        const arn = c.arn ?? c.Arn ?? c.targetArn ?? c.TargetArn;
        if (arn !== undefined) found.push(arn);
      } else if (k === 'deadlettertargetarn') {
        found.push(inner);
      } else if (k === 'onfailure' && inner && typeof inner === 'object') {
        const c = inner as Record<string, unknown>;
        const destination = c.destination ?? c.Destination;
        if (destination !== undefined) found.push(destination);
      } else {
        walk(inner);
      }
    }
  };
  walk(value);
  return found;
}
