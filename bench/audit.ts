/**
 * Audit appends per second at 1, 8, 16 and 32 concurrent writers, on DynamoDB
 * Local (`npx tsx bench/audit.ts`; reported, not asserted; its data directory
 * is removed at the end). Figures go to bench/results/audit.json.
 *
 *   before  the append before the queue-fed consumer: one record per call, every
 *           non-case subject of a center-day in one chain, 30 attempts with
 *           backoff, then ChainContentionError ("gave up", the events the DLQ
 *           received). Measured once (2026-12-04), while the tree still held
 *           that code; kept from bench/results/audit.json for comparison;
 *   after   the queue-fed consumer (functions/audit/consumer.ts) behind the local
 *           queue and event source mapping with `writers` pollers, batches of up
 *           to 100, the audit queue's maxReceiveCount and a 61-second visibility
 *           timeout scaled to 61 ms; two loads: one center's mix of 20 subjects
 *           (the chains the old layout put in one), and one single chain.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { DlqStore } from '../local/bus/dlq.ts';
import { startDynamo } from '../local/emulators/dynamodb.ts';
import { portOrFree } from '../local/emulators/ports.ts';
import { SqsEventSource } from '../local/queue/event-source.ts';
import { LocalQueue } from '../local/queue/queue.ts';
import { AUDIT_MAX_RECEIVE_COUNT } from '../infra/stacks/audit.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const WRITERS = [1, 8, 16, 32];
const EVENTS = 160;
const TABLE = 'AuditBench';

const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-audit-bench-'));
const resultsFile = path.join(repoRoot, 'bench', 'results', 'audit.json');

interface BeforeRow { writers: number; appended: number; seconds: number; appendsPerSecond: number; gaveUp: number; dlq: number }

/** The earlier layout's figures, as first measured (its code is no longer in the tree). */
function recordedBefore(): { measuredAt: string; rows: BeforeRow[] } {
  const previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as { measuredAt: string; before: BeforeRow[]; beforeMeasuredAt?: string };
  return { measuredAt: previous.beforeMeasuredAt ?? previous.measuredAt, rows: previous.before };
}

async function main() {
  const dynamo = await startDynamo({ port: await portOrFree(0), dir: path.join(dataDir, 'dynamodb'), log: () => {} });
  try {
    Object.assign(process.env, {
      TABLE_NAME: TABLE, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    await createTable(dynamo.endpoint);
    const before = recordedBefore();
    const results = { measuredAt: new Date().toISOString(), events: EVENTS, machine: '2 CPUs, DynamoDB Local 3.3.0 on disk', beforeMeasuredAt: before.measuredAt, before: before.rows, after: await after() };
    mkdirSync(path.dirname(resultsFile), { recursive: true });
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    console.table([...results.before.map((r) => ({ kind: 'before: center-day chain', ...r })), ...results.after.map(({ load, ...r }) => ({ kind: `after: ${load}`, ...r }))]);
  } finally {
    await dynamo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createTable(endpoint: string) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const gsis = [1, 2, 3, 4].map((n) => ({
    IndexName: `GSI${n}`, KeySchema: [{ AttributeName: `GSI${n}PK`, KeyType: 'HASH' as const }, { AttributeName: `GSI${n}SK`, KeyType: 'RANGE' as const }], Projection: { ProjectionType: 'ALL' as const },
  }));
  await client.send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
    AttributeDefinitions: ['PK', 'SK', ...gsis.flatMap((g) => [`${g.IndexName}PK`, `${g.IndexName}SK`])].map((a) => ({ AttributeName: a, AttributeType: 'S' as const })),
    GlobalSecondaryIndexes: gsis,
  }));
  client.destroy();
}

const detail = (centerId: string, subject: { type: string; id: string }, n: number) => ({
  eventId: ulid(), centerId, occurredAt: new Date().toISOString(), actor: { id: 'bench', role: 'system' as const }, subject, version: 1 as const, data: { n },
});

async function after() {
  const handler = (await import('../functions/audit/consumer.ts')).handler as (e: SQSEvent) => Promise<SQSBatchResponse>;
  const rows = [];
  for (const load of ['center mix (20 subjects)', 'one chain'] as const) {
    for (const writers of WRITERS) {
      const center = `bench-after-${writers}-${ulid()}`;
      const dlq = new DlqStore(path.join(dataDir, `dlq-${writers}-${load.length}`), ['Dlq']);
      const queue = new LocalQueue({ logicalId: 'AuditQueue', name: 'AuditQueue', visibilityTimeoutSeconds: 61, redrive: { deadLetterQueue: 'Dlq', maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT } }, { dlq, msPerSecond: 1, log: () => {} });
      const source = new SqsEventSource(
        { logicalId: 'Esm', functionId: 'AuditConsumer', queueId: 'AuditQueue', batchSize: 100, maximumBatchingWindowSeconds: 0.1, maximumConcurrency: writers, reportBatchItemFailures: true, enabled: true },
        queue, (_id, e) => handler(e), () => {},
      );
      for (let i = 0; i < EVENTS; i++) {
        const subject = load === 'one chain' ? { type: 'evaluation', id: 'E0' } : { type: 'evaluation', id: `E${i % 20}` };
        queue.send(JSON.stringify({ version: '0', id: `b-${i}`, 'detail-type': 'BenchProbe', source: 'onestop.bench', detail: detail(center, subject, i) }));
      }
      const started = Date.now();
      source.start();
      while (queue.stats().deleted + queue.stats().deadLettered < EVENTS) await new Promise((r) => setTimeout(r, 20));
      const s = (Date.now() - started) / 1000;
      source.stop();
      queue.stop();
      const q = queue.stats();
      const e = source.stats();
      rows.push({ load, writers, appended: q.deleted, seconds: round(s), appendsPerSecond: round(q.deleted / s), dlq: q.deadLettered, invocations: e.invocations, redeliveries: q.returned, peakConcurrency: e.peakConcurrency });
      console.log(`after, ${load}, ${writers} writer(s): ${JSON.stringify(rows.at(-1))}`);
    }
  }
  return rows;
}

const round = (n: number) => Math.round(n * 10) / 10;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
