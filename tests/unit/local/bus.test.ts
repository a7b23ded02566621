/**
 * The local bus in isolation, with fake target functions: routing by pattern,
 * asynchronous delivery, retries within the RetryPolicy, the dead-letter queue
 * and its redrive, the PutEvents endpoint, schedules, and the refusal of rules
 * it cannot evaluate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalBus, RuleLoadError, type EventEnvelope } from '../../../local/bus/bus.ts';
import { DlqStore } from '../../../local/bus/dlq.ts';
import { startBusEndpoint } from '../../../local/bus/endpoint.ts';
import { Scheduler } from '../../../local/bus/scheduler.ts';
import type { RuleModel } from '../../../local/template.ts';

const rule = (over: Partial<RuleModel> = {}): RuleModel => ({
  logicalId: 'AuditRule',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/AuditRule',
  busName: 'Bus',
  eventPattern: { source: [{ prefix: 'onestop.' }] },
  enabled: true,
  targets: [{ id: 'Target0', functionId: 'Consumer', maxRetryAttempts: 3, maxEventAgeSeconds: 3600, deadLetterQueue: 'ConsumerDlq' }],
  ...over,
});

const entry = (source = 'onestop.catalog', detail: unknown = { eventId: 'e1' }) => ({
  EventBusName: 'Bus', Source: source, DetailType: 'ItemPublished', Detail: JSON.stringify(detail),
});

let dir: string;
let calls: { functionId: string; event: EventEnvelope }[];
let failing: boolean;

function newBus(rules: RuleModel[] = [rule()]) {
  const dlq = new DlqStore(dir, ['ConsumerDlq']);
  const bus = new LocalBus({
    rules, buses: ['default', 'Bus'], dlq, log: () => {}, retryBaseMs: 1,
    invoke: async (functionId, event) => {
      calls.push({ functionId, event: event as EventEnvelope });
      if (failing) throw Object.assign(new Error('Consumer: Boom: consumer down'), { error: { errorType: 'Boom', errorMessage: 'consumer down' } });
      return { ok: true };
    },
  });
  return { bus, dlq };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'bus-test-'));
  calls = [];
  failing = false;
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
    expect(bus.stats()).toMatchObject({ putEntries: 2, matched: 1, delivered: 1, retries: 0, deadLettered: 0 });
  });

  it('reports invalid entries per entry instead of dropping them silently', () => {
    const { bus } = newBus();
    const out = bus.putEvents([entry(), { ...entry(), Detail: 'not json' }, { ...entry(), Source: '' }]);
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries[1]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    expect(() => bus.putEvents([{ ...entry(), EventBusName: 'Nope' }])).toThrow(/Event bus Nope does not exist/);
  });

  it('retries a failing target per its RetryPolicy, then dead-letters the event; redrive delivers and removes it', async () => {
    failing = true;
    const { bus, dlq } = newBus();
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(4); // 1 attempt + MaximumRetryAttempts 3
    expect(bus.stats()).toMatchObject({ delivered: 0, failedAttempts: 4, retries: 3, deadLettered: 1 });

    const file = readFileSync(path.join(dir, 'dlq', 'ConsumerDlq.jsonl'), 'utf8').trim().split('\n');
    expect(file).toHaveLength(1);
    const [msg] = await dlq.read('ConsumerDlq');
    expect(msg).toMatchObject({
      kind: 'rule-target', attempts: 4, rule: { name: 'AuditRule' }, target: { id: 'Target0', functionId: 'Consumer' },
      error: { type: 'Boom', message: 'consumer down' }, event: { source: 'onestop.catalog', detail: { eventId: 'e1' } },
    });

    // Still failing: the message stays, with the redrive attempt counted.
    await dlq.rewrite('ConsumerDlq', async (ms) => {
      const keep = [];
      for (const m of ms) if (!(await bus.redeliver(m))) keep.push({ ...m, redriveAttempts: 1 });
      return keep;
    });
    expect(await dlq.read('ConsumerDlq')).toHaveLength(1);

    failing = false;
    await dlq.rewrite('ConsumerDlq', async (ms) => {
      const keep = [];
      for (const m of ms) if (!(await bus.redeliver(m))) keep.push(m);
      return keep;
    });
    expect(await dlq.read('ConsumerDlq')).toEqual([]);
    expect(calls.at(-1)!.event.detail).toEqual({ eventId: 'e1' });
    expect(bus.stats().redriven).toBe(1);
  });

  it('gives up when the event is older than MaximumEventAgeInSeconds', async () => {
    failing = true;
    const { bus } = newBus([rule({ targets: [{ id: 'T', functionId: 'Consumer', maxRetryAttempts: 185, maxEventAgeSeconds: 0, deadLetterQueue: 'ConsumerDlq' }] })]);
    bus.putEvents([entry()]);
    await bus.idle();
    expect(calls).toHaveLength(1);
    expect(bus.stats().deadLettered).toBe(1);
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

  it('stops start-up on a schedule it cannot evaluate, naming the rule', () => {
    const bad = rule({ logicalId: 'LastDay', eventPattern: undefined, scheduleExpression: 'cron(0 0 L * ? *)' });
    const { bus } = newBus([bad]);
    expect(() => new Scheduler([bad], bus, 1)).toThrow(/rule LastDay: schedule cron\(0 0 L \* \? \*\)/);
  });
});
