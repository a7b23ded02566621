/**
 * The audit log under concurrency (issue 13: "under a load that today
 * dead-letters audit events: 0 events in any DLQ, every record chained"):
 *  - 16 consumers at once: the queue emulator's event source mapping with 16
 *    pollers, batches of up to 100, redelivery after the (scaled) visibility
 *    timeout and the audit queue's maxReceiveCount, invoking the real consumer
 *    in this process against the local cloud's DynamoDB, all on the busiest
 *    chains (one case, one other subject): every record chained, no dead letter;
 *  - the whole pipeline of the local cloud: 200 events about a few subjects
 *    put on the bus at once are all recorded, chained, and none dead-lettered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import type { AuditRecord } from '#schemas/api/audit';
import { DlqStore } from '../../local/bus/dlq.ts';
import { SqsEventSource } from '../../local/queue/event-source.ts';
import { LocalQueue } from '../../local/queue/queue.ts';
import { centerDay } from '../../functions/audit/chain.ts';
import { recordOf } from '../../functions/audit/store.ts';
import { verifyAudit } from '../../functions/audit/verify.ts';
import { AUDIT_MAX_RECEIVE_COUNT } from '../../infra/stacks/audit.ts';
import { api, cloud, doc, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';

useLocalTable();

/** An event put on the bus by a domain no other consumer listens to. */
const probe = (centerId: string, subject: { type: string; id: string }, n: number) => ({
  eventId: ulid(), centerId, occurredAt: new Date().toISOString(), actor: { id: 'probe', role: 'system' }, subject, version: 1, data: { n },
});
const busEvent = (detail: ReturnType<typeof probe>) => ({
  version: '0', id: `bus-${detail.eventId}`, 'detail-type': 'AuditProbe', source: 'onestop.audittest', account: '000000000000',
  time: new Date().toISOString(), region: 'us-east-1', resources: [], detail,
});

/** Every record of a center's day partition (today), in chain order. */
async function recordsOf(centerId: string): Promise<AuditRecord[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({
      TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ConsistentRead: true,
      ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#AUDIT#DAY#${centerDay(Date.now())}` }, ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items.map(recordOf);
}

/** Each chain's positions from 1 without a gap, every link and hash verified, each event once. */
function expectChained(records: readonly AuditRecord[], eventIds: readonly string[]) {
  const report = verifyAudit({ export: { records: records.map((record, i) => ({ record, line: i + 1 })), problems: [] }, digests: [] });
  expect(report.problems).toEqual([]);
  const byChain = Map.groupBy(records, (r) => r.chain);
  for (const [chain, rs] of byChain) expect(rs.map((r) => r.seq), chain).toEqual(rs.map((_, i) => i + 1));
  expect(records.map((r) => r.eventId).sort()).toEqual([...eventIds].sort());
}

describe('16 consumers at once on the busiest chains', () => {
  let dir: string;
  let handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'onestop-audit-16-'));
    handler = (await import('../../functions/audit/consumer.ts')).handler;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends every event of one case chain and one subject chain, contiguous and verified, with no dead letter', { timeout: 180_000 }, async () => {
    const center = `audit-16-${ulid()}`;
    const caseSubject = { type: 'case', id: `C-${ulid()}` };
    const evaluation = { type: 'evaluation', id: `E-${ulid()}` };
    const dlq = new DlqStore(dir, ['AuditQueueDlq']);
    // As deployed (infra/stacks/audit.ts), with the 61-second visibility timeout lasting 61 ms and a short batching window.
    const queue = new LocalQueue({ logicalId: 'AuditQueue', name: 'AuditQueue', visibilityTimeoutSeconds: 61, redrive: { deadLetterQueue: 'AuditQueueDlq', maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT } }, { dlq, msPerSecond: 1, log: () => {} });
    const source = new SqsEventSource(
      { logicalId: 'AuditEsm', functionId: 'AuditConsumer', queueId: 'AuditQueue', batchSize: 100, maximumBatchingWindowSeconds: 0.1, maximumConcurrency: 16, reportBatchItemFailures: true, enabled: true },
      queue, (_id, event) => handler(event), () => {},
    );
    const events = Array.from({ length: 160 }, (_, i) => [probe(center, caseSubject, i), probe(center, evaluation, i)]).flat();
    for (const e of events) queue.send(JSON.stringify(busEvent(e)));
    source.start();
    try {
      await until('every message applied or dead-lettered', async () => (queue.stats().deleted + queue.stats().deadLettered === events.length ? true : undefined), 150_000);
    } finally {
      source.stop();
      queue.stop();
    }
    const stats = { ...queue.stats(), ...source.stats() };
    console.log(`16 consumers: ${JSON.stringify(stats)}`);
    expect(stats.peakConcurrency).toBe(16);
    expect(stats.itemFailures).toBeGreaterThan(0); // the batches did race for the heads
    expect(await dlq.read('AuditQueueDlq')).toEqual([]);
    expect(stats.deadLettered).toBe(0);
    const records = await recordsOf(center);
    expectChained(records, events.map((e) => e.eventId));
    expect(new Set(records.map((r) => r.chain))).toEqual(new Set([`case#${caseSubject.id}`, `evaluation#${evaluation.id}`]));
  });
});

describe('the whole pipeline', () => {
  it('200 events about a few subjects, put on the bus at once, are all recorded and chained, none dead-lettered', { timeout: 180_000 }, async () => {
    const center = `audit-burst-${ulid()}`;
    const subjects = [{ type: 'case', id: `C-${ulid()}` }, { type: 'evaluation', id: `E-${ulid()}` }, { type: 'staff', id: `S-${ulid()}` }, { type: 'item', id: `I-${ulid()}` }];
    const events = Array.from({ length: 200 }, (_, i) => probe(center, subjects[i % subjects.length]!, i));
    const busName = cloud.rules.find((r) => r.targets.some((t) => (t as { queueId?: string }).queueId?.startsWith('AuditQueue')))!.busName;
    const eb = new EventBridgeClient({ endpoint: cloud.endpoints.events, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const puts = [];
    for (let i = 0; i < events.length; i += 10) {
      const entries = events.slice(i, i + 10).map((d) => ({ EventBusName: busName, Source: 'onestop.audittest', DetailType: 'AuditProbe', Detail: JSON.stringify(d) }));
      puts.push(eb.send(new PutEventsCommand({ Entries: entries })));
    }
    expect((await Promise.all(puts)).map((r) => r.FailedEntryCount)).toEqual(Array(20).fill(0));
    await until('every event recorded', async () => {
      const marked = await Promise.all(events.map((e) => doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `AUDIT#EVENT#${e.eventId}`, SK: 'EVENT' } }))));
      return marked.every((m) => m.Item) ? true : undefined;
    }, 150_000);
    expectChained(await recordsOf(center), events.map((e) => e.eventId));
    const dlq = ((await (await fetch(`${api}/local/dlq`)).json()) as { queues: { queue: string; messages: { body?: string; event?: unknown }[] }[] }).queues;
    expect(dlq.flatMap((q) => q.messages).filter((m) => (m.body ?? JSON.stringify(m.event ?? '')).includes(center))).toEqual([]);
  });
});
