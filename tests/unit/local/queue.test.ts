/**
 * The local SQS work queue and the event source mapping that feeds a function
 * from it, with fake functions: receives of at most 10, the visibility timeout
 * (scaled) and ApproximateReceiveCount, the redrive policy to the DLQ store,
 * batches gathered within the batching window by up to MaximumConcurrency
 * pollers, ReportBatchItemFailures by Lambda's rules, a rule's SQS target, the
 * redrive of a dead letter to its source queue, and the template's mappings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../../local/bus/bus.ts';
import { DlqStore, type QueueDlqMessage } from '../../../local/bus/dlq.ts';
import { Activity } from '../../../local/bus/lambda-async.ts';
import type { CfnTemplate } from '../../../local/intrinsics.ts';
import { SqsEventSource, type EventSourceMappingModel } from '../../../local/queue/event-source.ts';
import { LocalQueue } from '../../../local/queue/queue.ts';
import { WorkQueues } from '../../../local/queue/queues.ts';
import { extractModel, type QueueModel, type RuleModel } from '../../../local/template.ts';

let dir: string;
let dlq: DlqStore;
let logs: string[];
const stops: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onestop-queue-'));
  dlq = new DlqStore(dir, ['WorkDlq']);
  logs = [];
});
afterEach(() => {
  stops.splice(0).forEach((s) => s());
  rmSync(dir, { recursive: true, force: true });
});

const queueModel = (over: Partial<QueueModel> = {}): QueueModel => ({ logicalId: 'Work', name: 'Work', visibilityTimeoutSeconds: 30, redrive: { deadLetterQueue: 'WorkDlq', maxReceiveCount: 3 }, ...over });
/** A queue whose 30-second visibility timeout lasts 30 ms. */
function newQueue(over: Partial<QueueModel> = {}, activity?: Activity) {
  const q = new LocalQueue(queueModel(over), { dlq, msPerSecond: 1, log: (l) => logs.push(l), ...(activity ? { activity } : {}) });
  stops.push(() => q.stop());
  return q;
}
const esmModel = (over: Partial<EventSourceMappingModel> = {}): EventSourceMappingModel => ({
  logicalId: 'Esm', functionId: 'Consumer', queueId: 'Work', batchSize: 100, maximumBatchingWindowSeconds: 0.05, maximumConcurrency: 2, reportBatchItemFailures: true, enabled: true, ...over,
});
function newSource(queue: LocalQueue, fn: (event: SQSEvent) => Promise<unknown>, over: Partial<EventSourceMappingModel> = {}) {
  const batches: SQSEvent[] = [];
  const source = new SqsEventSource(esmModel(over), queue, async (_id, event) => {
    batches.push(event);
    return fn(event);
  }, (l) => logs.push(l));
  source.start();
  stops.push(() => source.stop());
  return { source, batches };
}
const until = async <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 5_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the queue', () => {
  it('receives at most 10 per call; an undeleted message comes back after its visibility timeout with its receive count', async () => {
    const q = newQueue();
    for (let i = 0; i < 12; i++) q.send(`m${i}`);
    // Before the receive: its visibility timeout runs from the receive.
    const started = Date.now();
    const first = await q.receive(100);
    expect(first.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect((await q.receive(100)).map((m) => m.body)).toEqual(['m10', 'm11']);
    expect(await q.receive(10)).toEqual([]);
    q.giveBack(first[0]!.receiptHandle!, 'failed');
    for (const m of first.slice(1)) q.delete(m.receiptHandle!);
    expect(await q.receive(10)).toEqual([]);
    expect(await q.waitForMessage(2_000)).toBe(true);
    // Visible again no sooner than 30 "seconds" (30 ms) after it was received.
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const again = await q.receive(10);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([['m0', 2]]);
    expect(q.stats()).toMatchObject({ sent: 12, received: 13, deleted: 9, returned: 1, inFlight: 3 });
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue on its next receive, as it was', async () => {
    const activity = new Activity();
    const q = newQueue({ redrive: { deadLetterQueue: 'WorkDlq', maxReceiveCount: 2 } }, activity);
    const id = q.send('{"hello":1}');
    expect(activity.count).toBe(1);
    for (let i = 1; i <= 2; i++) {
      await q.waitForMessage(1_000);
      const [m] = await q.receive(1);
      expect(m!.receiveCount).toBe(i);
      q.giveBack(m!.receiptHandle!, `attempt ${i} failed`);
    }
    await q.waitForMessage(1_000);
    expect(await q.receive(10)).toEqual([]);
    const [dead] = (await dlq.read('WorkDlq')) as QueueDlqMessage[];
    expect(dead).toMatchObject({ kind: 'queue', body: '{"hello":1}', source: { queue: 'Work', messageId: id }, attempts: 2, attributes: { ApproximateReceiveCount: '2' } });
    expect(dead!.error).toEqual({ type: 'MaxReceiveCountExceeded', message: 'received 2 time(s) (maxReceiveCount 2) without being deleted; last: attempt 2 failed' });
    expect(activity.count).toBe(0);
  });
});

describe('the event source mapping', () => {
  it('gathers a batch within the window, from 10-message receives, and deletes what the function applied', async () => {
    const q = newQueue();
    const { source, batches } = newSource(q, async () => ({ batchItemFailures: [] }), { maximumConcurrency: 1, maximumBatchingWindowSeconds: 0.2 });
    for (let i = 0; i < 25; i++) q.send(JSON.stringify({ n: i }));
    await until('the batch', () => q.stats().deleted === 25);
    expect(batches.map((b) => b.Records.length)).toEqual([25]);
    const r = batches[0]!.Records[0]!;
    expect(r).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:Work', body: '{"n":0}', attributes: { ApproximateReceiveCount: '1' } });
    expect(source.stats()).toMatchObject({ invocations: 1, largestBatch: 25, peakConcurrency: 1 });
  });

  it('never hands more than BatchSize to one invocation, and runs up to MaximumConcurrency invocations at once', async () => {
    const q = newQueue();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { source, batches } = newSource(q, async () => {
      await gate;
      return {};
    }, { batchSize: 20, maximumConcurrency: 3, maximumBatchingWindowSeconds: 0.05 });
    for (let i = 0; i < 100; i++) q.send(`m${i}`);
    await until('three invocations at once', () => batches.length === 3);
    expect(source.stats().peakConcurrency).toBe(3);
    release();
    await until('all applied', () => q.stats().deleted === 100);
    expect(Math.max(...batches.map((b) => b.Records.length))).toBeLessThanOrEqual(20);
    expect(batches.flatMap((b) => b.Records.map((x) => x.body)).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`).sort());
  });

  it('with ReportBatchItemFailures redelivers only the messages named; a function error or an unknown identifier fails the whole batch', async () => {
    const q = newQueue({ redrive: { deadLetterQueue: 'WorkDlq', maxReceiveCount: 10 } });
    const seen = new Map<string, number>();
    let mode: 'items' | 'throw' | 'bogus' = 'items';
    newSource(q, async (event) => {
      for (const r of event.Records) seen.set(r.body, Number(r.attributes.ApproximateReceiveCount));
      if (mode === 'throw') throw new Error('boom');
      if (mode === 'bogus') return { batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] };
      return { batchItemFailures: event.Records.filter((r) => r.body === 'odd' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })) };
    }, { maximumConcurrency: 1 });
    q.send('even');
    q.send('odd');
    await until('both applied', () => q.stats().deleted === 2);
    expect(Object.fromEntries(seen)).toEqual({ even: 1, odd: 2 });

    for (const m of ['throw', 'bogus'] as const) {
      mode = m;
      seen.clear();
      q.send(`a-${m}`);
      q.send(`b-${m}`);
      await until(`${m}: both back`, () => seen.get(`a-${m}`) === 2 && seen.get(`b-${m}`) === 2);
      mode = 'items';
      await until(`${m}: applied`, () => q.stats().inFlight === 0 && q.stats().visible === 0);
    }
    expect(logs.some((l) => l.includes('function error: Error: boom'))).toBe(true);
    expect(logs.some((l) => l.includes('batchItemFailures is invalid'))).toBe(true);
  });

  it('without ReportBatchItemFailures, a successful invocation deletes the whole batch whatever it answers', async () => {
    const q = newQueue();
    const { batches } = newSource(q, async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }), { reportBatchItemFailures: false });
    q.send('x');
    await until('deleted', () => q.stats().deleted === 1);
    expect(batches).toHaveLength(1);
  });
});

describe('wired into the cloud', () => {
  const rule: RuleModel = {
    logicalId: 'AuditRule', arn: 'arn:aws:events:us-east-1:000000000000:rule/AuditRule', busName: 'Bus', eventPattern: { source: [{ prefix: 'onestop.' }] }, enabled: true,
    targets: [{ id: 'Target0', queueId: 'Work', maxRetryAttempts: 3, maxEventAgeSeconds: 3600, deadLetterQueue: 'WorkDlq' }],
  };

  it('a rule\'s SQS target sends the event as the body; a dead letter redriven goes back to its source queue', async () => {
    const received: SQSEvent[] = [];
    let fail = true;
    const queues = new WorkQueues({ queues: [queueModel({ redrive: { deadLetterQueue: 'WorkDlq', maxReceiveCount: 1 } })], rules: [rule], eventSourceMappings: [esmModel()] }, {
      dlq, msPerSecond: 1, log: (l) => logs.push(l),
      invoke: async (_id, event) => {
        received.push(event);
        return fail ? { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) } : {};
      },
    });
    stops.push(() => queues.stop());
    const bus = new LocalBus({ rules: [rule], buses: ['default', 'Bus'], functions: [], invoke: async () => ({}), queues, dlq, log: (l) => logs.push(l), retryBaseMs: 1 });
    stops.push(() => bus.stop());
    queues.start();
    const out = bus.putEvents([{ EventBusName: 'Bus', Source: 'onestop.cases', DetailType: 'CaseAccepted', Detail: JSON.stringify({ eventId: 'e1' }) }]);
    expect(out.FailedEntryCount).toBe(0);
    await until('the dead letter', async () => (await dlq.read('WorkDlq')).length === 1 || undefined);
    await queues.idle();
    const body = JSON.parse(received[0]!.Records[0]!.body);
    expect(body).toMatchObject({ source: 'onestop.cases', 'detail-type': 'CaseAccepted', detail: { eventId: 'e1' } });
    expect(bus.stats()).toMatchObject({ delivered: 1, deadLettered: 0 });

    fail = false;
    const [dead] = await dlq.read('WorkDlq');
    expect(await bus.redrive(dead!)).toBe(true);
    await until('applied after the redrive', () => queues.stats().queues.Work!.deleted === 1);
    expect(JSON.parse(received.at(-1)!.Records[0]!.body)).toEqual(body);
    expect(received.at(-1)!.Records[0]!.attributes.ApproximateReceiveCount).toBe('1');
  });

  it('reads queues, redrive policies, SQS rule targets and event source mappings from the template', () => {
    const template: CfnTemplate = {
      Resources: {
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Timeout: 10 } },
        Dlq: { Type: 'AWS::SQS::Queue', Properties: {} },
        Work: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 61, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 20 } } },
        Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['x'] }, Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['Work', 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } }, RetryPolicy: { MaximumRetryAttempts: 10 } }] } },
        Esm: {
          Type: 'AWS::Lambda::EventSourceMapping',
          Properties: { EventSourceArn: { 'Fn::GetAtt': ['Work', 'Arn'] }, FunctionName: { Ref: 'Fn' }, BatchSize: 100, MaximumBatchingWindowInSeconds: 1, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 5 } },
        },
      },
    };
    const model = extractModel(template, '/tmp/cdk.out', () => 'secret');
    expect(model.queues).toEqual([{ logicalId: 'Dlq', name: 'Dlq', visibilityTimeoutSeconds: 30 }, { logicalId: 'Work', name: 'Work', visibilityTimeoutSeconds: 61, redrive: { deadLetterQueue: 'Dlq', maxReceiveCount: 20 } }]);
    expect(model.rules[0]!.targets[0]).toMatchObject({ id: 'T', queueId: 'Work', maxRetryAttempts: 10, deadLetterQueue: 'Dlq' });
    expect(model.eventSourceMappings).toEqual([{ logicalId: 'Esm', functionId: 'Fn', queueId: 'Work', batchSize: 100, maximumBatchingWindowSeconds: 1, maximumConcurrency: 5, reportBatchItemFailures: true, enabled: true }]);
    const filtered = structuredClone(template);
    filtered.Resources.Esm!.Properties!.FilterCriteria = { Filters: [] };
    expect(() => extractModel(filtered, '/tmp/cdk.out', () => 'secret')).toThrow(/Esm\.FilterCriteria: event filtering is not supported/);
  });
});
