/**
 * The local bus in isolation, with fake target functions: routing by pattern,
 * asynchronous delivery, the two failure domains of EventBridge → Lambda (the
 * rule target's RetryPolicy/DLQ for delivery; the function's EventInvokeConfig
 * for its own errors), the redrive of every kind of DLQ message, the PutEvents
 * endpoint, schedules, and the refusal of rules it cannot evaluate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalBus, RuleLoadError, type EventEnvelope } from '../../../local/bus/bus.ts';
import { DlqStore, type DlqMessage, type LambdaDlqMessage, type LambdaOnFailureMessage, type RuleTargetDlqMessage } from '../../../local/bus/dlq.ts';
import { DeliveryError } from '../../../local/bus/lambda-async.ts';
import { startBusEndpoint } from '../../../local/bus/endpoint.ts';
import { Scheduler } from '../../../local/bus/scheduler.ts';
import { LocalClock } from '../../../local/lambda/clock.ts';
import type { AsyncInvokeConfig, FunctionModel, RuleModel } from '../../../local/template.ts';

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Consumer';

const rule = (over: Partial<RuleModel> = {}): RuleModel => ({
  logicalId: 'AuditRule',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/AuditRule',
  busName: 'Bus',
  eventPattern: { source: [{ prefix: 'onestop.' }] },
  enabled: true,
  // Like infra/constructs/consumer.ts: delivery retries and the function's failures share one queue.
  targets: [{ id: 'Target0', functionId: 'Consumer', maxRetryAttempts: 3, maxEventAgeSeconds: 3600, deadLetterQueue: 'ConsumerDlq' }],
  ...over,
});

const eic = (over: Partial<AsyncInvokeConfig> = {}): AsyncInvokeConfig => ({ qualifier: '$LATEST', maxRetryAttempts: 2, maxEventAgeSeconds: 3600, onFailure: 'ConsumerDlq', ...over });

const fn = (over: Partial<FunctionModel> = {}): FunctionModel => ({
  logicalId: 'Consumer', name: 'Consumer', arn: FN_ARN, handlerExport: 'handler', environment: {}, timeoutSeconds: 3, memoryMb: 128,
  asyncInvoke: [eic()],
  ...over,
});

const entry = (source = 'onestop.catalog', detail: unknown = { eventId: 'e1' }) => ({
  EventBusName: 'Bus', Source: source, DetailType: 'ItemPublished', Detail: JSON.stringify(detail),
});

let dir: string;
let calls: { functionId: string; event: EventEnvelope }[];
/** The fake function throws this many more times (Infinity: always). */
let failuresLeft: number;
/** Events the fake function applied (its successful invocations). */
let applied: unknown[];
let logs: string[];

function newBus(rules: RuleModel[] = [rule()], functions: FunctionModel[] = [fn()]) {
  const dlq = new DlqStore(dir, ['ConsumerDlq', 'FnDlq']);
  const bus = new LocalBus({
    rules, buses: ['default', 'Bus'], functions, dlq, log: (l) => logs.push(l), retryBaseMs: 1,
    invoke: async (functionId, event) => {
      calls.push({ functionId, event: event as EventEnvelope });
      if (failuresLeft > 0) {
        failuresLeft--;
        throw Object.assign(new Error('Consumer: Boom: consumer down'), { error: { errorType: 'Boom', errorMessage: 'consumer down', trace: ['Boom: consumer down', '    at handler'] } });
      }
      applied.push(event);
      return { ok: true };
    },
  });
  return { bus, dlq };
}

/** What the local cloud's redrive does to one queue: keep only what the bus refused. */
async function redriveQueue(bus: LocalBus, dlq: DlqStore, queue = 'ConsumerDlq') {
  const outcome: boolean[] = [];
  await dlq.rewrite(queue, async (ms) => {
    const keep: DlqMessage[] = [];
    for (const m of ms) {
      const ok = await bus.redrive(m);
      outcome.push(ok);
      if (!ok) keep.push({ ...m, redriveAttempts: (m.redriveAttempts ?? 0) + 1 });
    }
    return keep;
  });
  return outcome;
}

const throttled = () => new DeliveryError('THROTTLING', 'TooManyRequestsException', 'Rate Exceeded.', true);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bus-test-'));
  calls = [];
  failuresLeft = 0;
  applied = [];
  logs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalBus', () => {
  it('builds the EventBridge envelope and delivers matching events to the rule target', async () => {
    const { bus } = newBus();
    const out = bus.putEvents([entry(), entry('other.app')]);
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toHaveLength(2);
    await bus.idle();
    expect(calls).toHaveLength(1);
    const ev = calls[0]!.event;
    expect(ev).toEqual({
      version: '0', id: (out.Entries[0] as { EventId: string }).EventId, 'detail-type': 'ItemPublished', source: 'onestop.catalog',
      account: '000000000000', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), region: 'us-east-1', resources: [], detail: { eventId: 'e1' },
    });
    expect(bus.stats()).toMatchObject({ putEntries: 2, matched: 1, delivered: 1, invocations: 1, succeeded: 1, functionErrors: 0, retries: 0, deadLettered: 0, inFlight: 0 });
  });

  it('reports invalid entries per entry instead of dropping them silently', () => {
    const { bus } = newBus();
    const out = bus.putEvents([entry(), { ...entry(), Detail: 'not json' }, { ...entry(), Source: '' }]);
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    expect(() => bus.putEvents([{ ...entry(), EventBusName: 'Nope' }])).toThrow(/Event bus Nope does not exist/);
  });

  it('ignores disabled rules and rules of other buses', async () => {
    const { bus } = newBus([rule({ enabled: false }), rule({ logicalId: 'Other', busName: 'default' })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toEqual([]);
  });

  it('stops start-up on a pattern the matcher does not implement, naming the rule', () => {
    expect(() => newBus([rule({ logicalId: 'FancyRule', eventPattern: { source: [{ 'frobnicate': 'x' }] } })])).toThrow(RuleLoadError);
    expect(() => newBus([rule({ logicalId: 'FancyRule', eventPattern: { source: [{ 'frobnicate': 'x' }] } })])).toThrow(/rule FancyRule: .*frobnicate/);
  });
});

describe('function errors: the EventInvokeConfig, not the rule target RetryPolicy', () => {
  it('retries a function that fails twice, then applies the event once (3 invocations, one delivery)', async () => {
    failuresLeft = 2;
    const { bus, dlq } = newBus();
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(3);
    expect(applied).toHaveLength(1);
    expect(calls.every((c) => c.event.id === calls[0]!.event.id)).toBe(true);
    expect(bus.stats()).toMatchObject({ delivered: 1, deliveryFailures: 0, deliveryRetries: 0, invocations: 3, functionErrors: 2, retries: 2, succeeded: 1, onFailure: 0, deadLettered: 0 });
    expect(await dlq.read('ConsumerDlq')).toEqual([]);
  });

  it.each([0, 1, 2])('with MaximumRetryAttempts %i, sends Lambda\'s invocation record to OnFailure after 1 + %i invocations', async (retries) => {
    failuresLeft = Infinity;
    const { bus, dlq } = newBus([rule()], [fn({ asyncInvoke: [eic({ maxRetryAttempts: retries })] })]);
    bus.putEvents([entry()]);
    await bus.idle();
    // The rule target's RetryPolicy (3 retries) plays no part: the delivery itself succeeded.
    expect(calls).toHaveLength(1 + retries);
    expect(bus.stats()).toMatchObject({ delivered: 1, deliveryRetries: 0, deadLettered: 0, invocations: 1 + retries, functionErrors: 1 + retries, retries, onFailure: 1 });

    const lines = readFileSync(path.join(dir, 'dlq', 'ConsumerDlq.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const [msg] = (await dlq.read('ConsumerDlq')) as LambdaOnFailureMessage[];
    expect(msg).toMatchObject({ kind: 'lambda-on-failure', attempts: 1 + retries, function: { id: 'Consumer', arn: FN_ARN, qualifier: '$LATEST' }, error: { type: 'Boom', message: 'consumer down' } });
    expect(msg!.record).toEqual({
      version: '1.0',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), functionArn: `${FN_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 1 + retries },
      requestPayload: calls[0]!.event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Boom', errorMessage: 'consumer down', trace: ['Boom: consumer down', '    at handler'] },
    });
    expect((msg!.record.requestPayload as EventEnvelope).detail).toEqual({ eventId: 'e1' });
  });

  it.each([
    // AWS waits ~1 min before the 2nd attempt and ~2 min before the 3rd; the age counts those waits.
    [90, 2], // 1st retry at ~60 s is within 90 s; the 2nd would be at ~180 s
    [60, 1], // even the 1st retry is past 60 s (the smallest age AWS allows)
  ])('stops retrying once the event is older than MaximumEventAgeInSeconds %i (EventAgeExceeded after %i invocations)', async (age, invocations) => {
    failuresLeft = Infinity;
    const { bus, dlq } = newBus([rule()], [fn({ asyncInvoke: [eic({ maxEventAgeSeconds: age })] })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(invocations);
    expect(bus.stats()).toMatchObject({ invocations, expired: 1, onFailure: 1 });
    const [msg] = (await dlq.read('ConsumerDlq')) as LambdaOnFailureMessage[];
    expect(msg!.record.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: invocations });
    expect(msg!.record.requestPayload).toEqual(calls[0]!.event);
  });

  it('applies Lambda\'s defaults without an EventInvokeConfig, and says loudly that the event is lost', async () => {
    failuresLeft = Infinity;
    const { bus, dlq } = newBus([rule()], [fn({ asyncInvoke: [] })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(3); // 1 + the default 2 retries
    expect(bus.stats()).toMatchObject({ lost: 1, onFailure: 0, deadLettered: 0 });
    expect(await dlq.read('ConsumerDlq')).toEqual([]);
    expect(logs.find((l) => l.includes('EVENT LOST'))).toMatch(/Consumer .*RetriesExhausted.*no EventInvokeConfig/);
  });

  it('sends the event itself to the function\'s DeadLetterConfig, with Lambda\'s attributes, besides the OnFailure record', async () => {
    failuresLeft = Infinity;
    const { bus, dlq } = newBus([rule()], [fn({ asyncInvoke: [eic({ maxRetryAttempts: 0 })], deadLetterQueue: 'FnDlq' })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(bus.stats()).toMatchObject({ onFailure: 1, functionDeadLettered: 1 });
    const [record] = (await dlq.read('ConsumerDlq')) as LambdaOnFailureMessage[];
    const [msg] = (await dlq.read('FnDlq')) as LambdaDlqMessage[];
    expect(msg).toMatchObject({
      kind: 'lambda-dlq', event: calls[0]!.event, function: { id: 'Consumer' },
      attributes: { RequestID: record!.record.requestContext.requestId, ErrorCode: '200', ErrorMessage: 'consumer down' },
    });
  });
});

describe('delivery failures: the rule target RetryPolicy and DeadLetterConfig', () => {
  it('dead-letters an event for a function that does not exist at once, without retries (retrying cannot help)', async () => {
    const { bus, dlq } = newBus([rule({ targets: [{ id: 'Target0', functionId: 'Gone', maxRetryAttempts: 3, maxEventAgeSeconds: 3600, deadLetterQueue: 'ConsumerDlq' }] })]);
    const out = bus.putEvents([entry()]);
    expect(out.FailedEntryCount).toBe(0); // PutEvents itself succeeded: delivery is asynchronous
    await bus.idle();
    expect(calls).toEqual([]);
    expect(bus.stats()).toMatchObject({ delivered: 0, deliveryFailures: 1, deliveryRetries: 0, deadLettered: 1, invocations: 0 });
    const [msg] = (await dlq.read('ConsumerDlq')) as RuleTargetDlqMessage[];
    expect(msg).toMatchObject({
      kind: 'rule-target', attempts: 1, rule: { name: 'AuditRule' }, target: { id: 'Target0', functionId: 'Gone' },
      event: { source: 'onestop.catalog', detail: { eventId: 'e1' } },
      error: { type: 'ResourceNotFoundException', message: expect.stringContaining('function:Gone') },
      attributes: {
        ERROR_CODE: 'NO_RESOURCE', ERROR_MESSAGE: expect.stringContaining('Function not found'), RETRY_ATTEMPTS: '0',
        RULE_ARN: 'arn:aws:events:us-east-1:000000000000:rule/AuditRule', TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:Gone',
      },
    });
    expect(msg!.attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });

  it('retries a throttled delivery within the RetryPolicy, then dead-letters it (MaximumRetryAttempts)', async () => {
    const { bus, dlq } = newBus();
    vi.spyOn(bus.lambda, 'invokeAsync').mockImplementation(() => {
      throw throttled();
    });
    bus.putEvents([entry()]);
    await bus.idle();
    expect(bus.stats()).toMatchObject({ delivered: 0, deliveryFailures: 4, deliveryRetries: 3, deadLettered: 1 });
    const [msg] = (await dlq.read('ConsumerDlq')) as RuleTargetDlqMessage[];
    expect(msg).toMatchObject({ kind: 'rule-target', attempts: 4, attributes: { ERROR_CODE: 'THROTTLING', EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '3' } });
  });

  it('delivers once a throttled delivery is accepted, and the function then runs once', async () => {
    const { bus, dlq } = newBus();
    const original = bus.lambda.invokeAsync.bind(bus.lambda);
    let refusals = 2;
    vi.spyOn(bus.lambda, 'invokeAsync').mockImplementation((...args) => {
      if (refusals-- > 0) throw throttled();
      return original(...args);
    });
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(1);
    expect(bus.stats()).toMatchObject({ delivered: 1, deliveryFailures: 2, deliveryRetries: 2, deadLettered: 0, invocations: 1 });
    expect(await dlq.read('ConsumerDlq')).toEqual([]);
  });

  it('gives up on delivery when the event is older than the RetryPolicy\'s MaximumEventAgeInSeconds', async () => {
    const { bus, dlq } = newBus([rule({ targets: [{ id: 'T', functionId: 'Consumer', maxRetryAttempts: 185, maxEventAgeSeconds: 0, deadLetterQueue: 'ConsumerDlq' }] })]);
    vi.spyOn(bus.lambda, 'invokeAsync').mockImplementation(() => {
      throw throttled();
    });
    bus.putEvents([entry()]);
    await bus.idle();
    expect(bus.stats()).toMatchObject({ deliveryFailures: 1, deadLettered: 1 });
    const [msg] = (await dlq.read('ConsumerDlq')) as RuleTargetDlqMessage[];
    expect(msg!.attributes).toMatchObject({ EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds' });
  });
});

describe('redrive', () => {
  it('re-invokes the function asynchronously with requestPayload for a Lambda on-failure record, with its retries again', async () => {
    failuresLeft = Infinity;
    const { bus, dlq } = newBus();
    bus.putEvents([entry()]);
    await bus.idle();
    const [first] = (await dlq.read('ConsumerDlq')) as LambdaOnFailureMessage[];
    expect(calls).toHaveLength(3);

    // Still failing: the redrive is accepted (the message leaves), the function fails 3 more
    // times and Lambda writes a new record for the same payload.
    expect(await redriveQueue(bus, dlq)).toEqual([true]);
    await bus.idle();
    expect(calls).toHaveLength(6);
    const [second] = (await dlq.read('ConsumerDlq')) as LambdaOnFailureMessage[];
    expect(second!.messageId).not.toBe(first!.messageId);
    expect(second!.record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
    expect(second!.record.requestContext.requestId).not.toBe(first!.record.requestContext.requestId);
    expect(second!.record.requestPayload).toEqual(first!.record.requestPayload);

    // Fixed: one more redrive applies the original event and the queue is empty.
    failuresLeft = 0;
    expect(await redriveQueue(bus, dlq)).toEqual([true]);
    await bus.idle();
    expect(applied).toEqual([first!.record.requestPayload]);
    expect(await dlq.read('ConsumerDlq')).toEqual([]);
    expect(bus.stats().redriven).toBe(2);
  });

  it('re-invokes the function with the event of a function DLQ message', async () => {
    failuresLeft = 1;
    const { bus, dlq } = newBus([rule()], [fn({ asyncInvoke: [eic({ maxRetryAttempts: 0, onFailure: undefined })], deadLetterQueue: 'FnDlq' })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(await redriveQueue(bus, dlq, 'FnDlq')).toEqual([true]);
    await bus.idle();
    expect(applied).toEqual([calls[0]!.event]);
    expect(await dlq.read('FnDlq')).toEqual([]);
  });

  it('keeps an EventBridge DLQ message while its target still cannot be invoked, and delivers it to the rule target once it can', async () => {
    const gone = rule({ targets: [{ id: 'Target0', functionId: 'Consumer', maxRetryAttempts: 3, maxEventAgeSeconds: 3600, deadLetterQueue: 'ConsumerDlq' }] });
    // The function is not deployed yet: delivery fails and the event is dead-lettered.
    const before = newBus([gone], []);
    before.bus.putEvents([entry()]);
    await before.bus.idle();
    expect(await redriveQueue(before.bus, before.dlq)).toEqual([false]);
    const [kept] = (await before.dlq.read('ConsumerDlq')) as RuleTargetDlqMessage[];
    expect(kept).toMatchObject({ kind: 'rule-target', redriveAttempts: 1 });

    // Deployed (the local cloud restarted on the same data directory): the redrive delivers it.
    const after = newBus([gone], [fn()]);
    expect(await redriveQueue(after.bus, after.dlq)).toEqual([true]);
    await after.bus.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.event).toEqual(kept!.event);
    expect(await after.dlq.read('ConsumerDlq')).toEqual([]);
    expect(after.bus.stats()).toMatchObject({ redriven: 1, invocations: 1, succeeded: 1 });
  });

  it('puts a pipe\'s dead-lettered entry on the bus again, and keeps it when the bus still refuses it', async () => {
    const { bus, dlq } = newBus();
    const error = { type: 'PipeTargetFailure', message: 'InvalidArgument' };
    await dlq.send('ConsumerDlq', { kind: 'pipe', event: entry(), pipe: { name: 'OutboxPipe' }, attempts: 11, error });
    await dlq.send('ConsumerDlq', { kind: 'pipe', event: { ...entry(), Detail: 'not json' }, pipe: { name: 'OutboxPipe' }, attempts: 11, error });
    expect(await redriveQueue(bus, dlq)).toEqual([true, false]);
    await bus.idle();
    expect(calls).toHaveLength(1);
    expect(await dlq.read('ConsumerDlq')).toMatchObject([{ kind: 'pipe', event: { Detail: 'not json' } }]);
  });
});

describe('PutEvents endpoint', () => {
  it('answers the AWS SDK (JSON 1.1) with per-entry results and errors', async () => {
    const { bus } = newBus();
    const ep = await startBusEndpoint(bus, 0);
    try {
      const client = new EventBridgeClient({ endpoint: ep.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const out = await client.send(new PutEventsCommand({ Entries: [entry(), { ...entry(), Detail: '[1]' }] }));
      expect(out.FailedEntryCount).toBe(1);
      expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(out.Entries?.[1]?.ErrorCode).toBe('InvalidArgument');
      await expect(client.send(new PutEventsCommand({ Entries: [{ ...entry(), EventBusName: 'Nope' }] }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      await bus.idle();
      expect(calls).toHaveLength(1);
      client.destroy();
    } finally {
      await ep.stop();
    }
  });
});

describe('Scheduler', () => {
  it('fires a rate() rule on the sped-up clock with the Scheduled Event envelope', async () => {
    const sched = rule({ logicalId: 'Sweep', busName: 'default', eventPattern: undefined, scheduleExpression: 'rate(1 minute)' });
    const { bus } = newBus([sched]);
    const scheduler = new Scheduler([sched], bus, 600); // a minute every 100 ms
    scheduler.start();
    await new Promise((r) => setTimeout(r, 450));
    scheduler.stop();
    await bus.idle();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[0]!.event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {}, resources: [sched.arn] });
    // rate() counts from the rule's start, so consecutive firings are one virtual minute apart.
    expect(Date.parse(calls[1]!.event.time) - Date.parse(calls[0]!.event.time)).toBe(60_000);
  });

  it('after the emulated clock jumps a day, a daily cron fires once at its next instant, with that time', async () => {
    const daily = rule({ logicalId: 'Digest', busName: 'default', eventPattern: undefined, scheduleExpression: 'cron(15 16 * * ? *)' });
    const { bus } = newBus([daily]);
    const clock = new LocalClock();
    const scheduler = new Scheduler([daily], bus, 1, () => {}, clock);
    scheduler.start();
    // Half a second before tomorrow's 16:15 UTC (or today's, if still ahead).
    const now = Date.now();
    const next = new Date(now);
    next.setUTCHours(16, 15, 0, 0);
    if (next.getTime() <= now) next.setUTCDate(next.getUTCDate() + 1);
    next.setUTCDate(next.getUTCDate() + 1);
    clock.setTo(new Date(next.getTime() - 500));
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 30_000, interval: 50 });
    scheduler.stop();
    await bus.idle();
    expect(calls[0]!.event.time).toBe(next.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it('stops start-up on a schedule it cannot evaluate, naming the rule', () => {
    const bad = rule({ logicalId: 'LastDay', eventPattern: undefined, scheduleExpression: 'cron(0 0 L * ? *)' });
    const { bus } = newBus([bad]);
    expect(() => new Scheduler([bad], bus, 1)).toThrow(/rule LastDay: schedule cron\(0 0 L \* \? \*\)/);
  });
});
