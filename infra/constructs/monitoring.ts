/**
 * The operations surface of a stage (issue 13, part 5): one SNS alarm topic
 * (encrypted, TLS-only, e-mail subscribers from the stage config), the
 * CloudWatch alarms (alarms.ts), each with that topic as alarm and OK action,
 * and one dashboard (dashboard.ts). Runbook of every alarm:
 * docs/operations.md, "Alarms".
 *
 * What multiplies is found, not listed: an Aspect on the stack visits every
 * construct at synthesis (after every stack file has run, whatever the order
 * of the code) and alarms
 *   - every SQS queue something dead-letters into (a rule target's or a
 *     schedule's DeadLetterConfig, a Lambda on-failure destination or DLQ, a
 *     pipe's or an event source mapping's dead-letter target, a queue's or a
 *     subscription's redrive policy): ApproximateNumberOfMessagesVisible > 0;
 *   - every SQS queue a function consumes through an event source mapping (a
 *     work queue, not a DLQ): ApproximateAgeOfOldestMessage above the stage's
 *     threshold;
 *   - every Lambda function: Errors and Throttles;
 *   - every function with an asynchronous invocation config (the consumers):
 *     AsyncEventAge;
 *   - every HTTP API: 5xx rate and p99 latency;
 *   - every pipe: failed and timed-out executions.
 * One-off expectations are wired explicitly (`expectDailySuccess`: the audit
 * digest). The dashboard is rendered at synthesis from what the Aspect found.
 *
 * The alarms live in a nested stack of their own (`Alarms`): one per watched
 * resource, they would take a fifth of the 500 resources CloudFormation allows
 * a stack, and nothing refers to them (decision 76). The topic and the
 * dashboard stay in the watched stack.
 */
import { Aspects, CfnResource, Fn, Lazy, NestedStack, Stack, type IAspect } from 'aws-cdk-lib';
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
import {
  apiAlarms, consumerEventAgeAlarm, dailySuccessAlarm, dlqDepthAlarm, functionAlarms, pipeFailuresAlarm, runbookAnchor, workQueueAgeAlarm,
  type AlarmSpec, type DailySuccessProps, type Watched, type WatchedApi, type WatchedFunction, type WatchedRule,
} from './alarms.ts';
import { renderDashboard, type Found } from './dashboard.ts';

export { alarmKinds, type AlarmKind, type DailySuccessProps } from './alarms.ts';

export interface MonitoringProps {
  readonly config: StageConfig;
}

/** What the Aspect has seen a construct as: a queue can be both a work queue and, for another, a DLQ. */
type Role = 'function' | 'consumer' | 'dlq' | 'work-queue' | 'pipe' | 'rule' | 'api';

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  /** The nested stack that holds the alarms. */
  readonly alarmStack: NestedStack;
  /** Every alarm of the stage, in creation order. */
  readonly alarms: cloudwatch.Alarm[] = [];

  private readonly config: StageConfig;
  private readonly stack: Stack;
  private readonly seen = new Set<string>();
  private readonly found = {
    functions: [] as WatchedFunction[],
    consumers: [] as Watched[],
    dlqs: [] as Watched[],
    workQueues: [] as Watched[],
    pipes: [] as Watched[],
    rules: [] as WatchedRule[],
    apis: [] as WatchedApi[],
  } satisfies Found;

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
      dashboardBody: Lazy.string({ produce: () => renderDashboard(this.stack, this.config, this.found, this.alarms) }),
    });

    this.alarmStack = new NestedStack(this, 'Alarms', { description: `OneStop ${stage}: the CloudWatch alarms of every function, queue, API and pipe` });
    Aspects.of(this.stack).add(new MonitoringAspect(this));
  }

  /**
   * Alarms when `fn` has not once succeeded within `window` (sliding): for a
   * nightly schedule, a window of a day plus the grace period.
   */
  expectDailySuccess(fn: lambda.IFunction, props: DailySuccessProps): cloudwatch.Alarm {
    return this.alarm(dailySuccessAlarm(fn, props));
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
        if (node instanceof lambda.CfnEventSourceMapping) this.watchEventSource(node);
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
    if (!this.once(fn, 'function')) return;
    const env = fn instanceof lambda.CfnFunction ? this.stack.resolve(fn.environment) as { variables?: Record<string, unknown> } | undefined : undefined;
    const service = env?.variables?.POWERTOOLS_SERVICE_NAME;
    const watched = { label: this.labelOf(fn), name: fn.ref, domain: typeof service === 'string' ? service : 'deploy-time handlers' };
    this.found.functions.push(watched);
    for (const spec of functionAlarms(watched)) this.alarm(spec);
  }

  private watchConsumer(config: lambda.CfnEventInvokeConfig) {
    this.deadLettersOf(config.destinationConfig);
    const fn = this.cfnOf(config.functionName, ['AWS::Lambda::Function']);
    if (!fn || !this.once(config, 'consumer')) return;
    const watched = { label: this.labelOf(fn), name: fn.ref };
    this.found.consumers.push(watched);
    this.alarm(consumerEventAgeAlarm(watched, this.config));
  }

  /** An event source mapping: its queue (if it reads one of this stack) is a work queue; its on-failure target a DLQ. */
  private watchEventSource(mapping: lambda.CfnEventSourceMapping) {
    this.deadLettersOf(mapping.destinationConfig);
    const queue = this.cfnOf(mapping.eventSourceArn, ['AWS::SQS::Queue']);
    if (!(queue instanceof sqs.CfnQueue) || !this.once(queue, 'work-queue')) return;
    const watched = { label: this.labelOf(queue), name: queue.attrQueueName };
    this.found.workQueues.push(watched);
    this.alarm(workQueueAgeAlarm(watched, this.config));
  }

  private watchPipe(pipe: pipes.CfnPipe) {
    this.deadLettersOf(this.stack.resolve(pipe.sourceParameters));
    if (!this.once(pipe, 'pipe')) return;
    const watched = { label: this.labelOf(pipe), name: pipe.ref };
    this.found.pipes.push(watched);
    this.alarm(pipeFailuresAlarm(watched));
  }

  private watchRule(rule: events.CfnRule) {
    this.deadLettersOf(this.stack.resolve(rule.targets));
    if (!this.once(rule, 'rule')) return;
    // A rule's ARN: …:rule/<name> on the default bus, …:rule/<bus>/<name> on a custom one.
    const parts = Fn.split('/', rule.attrArn);
    const dimensions: Record<string, string> = rule.eventBusName === undefined
      ? { RuleName: Fn.select(1, parts) }
      : { EventBusName: rule.eventBusName, RuleName: Fn.select(2, parts) };
    this.found.rules.push({ label: this.labelOf(rule), name: rule.ref, dimensions });
  }

  private watchApi(api: HttpApi) {
    if (!this.once(api, 'api')) return;
    const watched = { label: this.labelOf(api), api };
    this.found.apis.push(watched);
    for (const spec of apiAlarms(watched, this.config)) this.alarm(spec);
  }

  /** Finds the queues a dead-letter reference names in (resolved) properties and alarms each once. */
  private deadLettersOf(properties: unknown) {
    for (const arn of deadLetterArns(this.stack.resolve(properties))) {
      const queue = this.cfnOf(arn, ['AWS::SQS::Queue']);
      if (!(queue instanceof sqs.CfnQueue) || !this.once(queue, 'dlq')) continue;
      const watched = { label: this.labelOf(queue), name: queue.attrQueueName };
      this.found.dlqs.push(watched);
      this.alarm(dlqDepthAlarm(watched));
    }
  }

  // ---- helpers ---------------------------------------------------------------

  private alarm({ kind, name, description, props }: AlarmSpec): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this.alarmStack, `Alarm-${name}`, {
      ...props,
      alarmName: `onestop-${this.config.stage}-${name}`,
      alarmDescription: `${description} Runbook: ${runbookAnchor(kind)}`,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }

  private once(node: IConstruct, role: Role): boolean {
    const key = `${role} ${node.node.path}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
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
