/**
 * The cost meter of the local cloud, off unless asked for
 * (`startLocalCloud({ meter })`, bench/cost.ts): it counts what AWS bills by
 * request, so a run can be priced (bench/prices.json).
 *
 *  - DynamoDB and S3: the functions get the endpoint of a small proxy in front
 *    of the emulator instead of the emulator's own. The DynamoDB proxy asks
 *    every request for `ReturnConsumedCapacity: INDEXES` (DynamoDB Local
 *    answers it, GSIs and the doubled units of transactions included) and sums
 *    the units per table and index; the S3 proxy counts requests by price tier
 *    and the bytes each way. The cloud's own readers (the pipe's stream reads,
 *    the S3 notifier) keep the emulators' endpoints: AWS does not bill those as
 *    the functions' requests.
 *  - Lambda: each invocation's handler time, with the function's memory size.
 *
 * Tests never pay for it: without a meter the endpoints and the runtime are
 * the unmetered ones.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapacityUse {
  readUnits: number;
  writeUnits: number;
}

export interface MeterReading {
  dynamodb: {
    /** Requests by operation (GetItem, TransactWriteItems…). */
    requests: Record<string, number>;
    /** Units by table, and by `table/index` for GSIs. */
    capacity: Record<string, CapacityUse>;
    /**
     * Write units by the kind of key written (`CASE#*|AUDIT#*`: ids masked),
     * table and GSI apart. A request that writes several kinds (a transaction)
     * splits its units evenly among its items: a guide to where writes go, not
     * a bill.
     */
    writesByKeyKind: Record<string, { items: number; tableUnits: number; indexUnits: number }>;
  };
  s3: {
    /** Requests by price tier: `write` (PUT, COPY, POST, LIST), `read` (GET, HEAD…), `free` (DELETE). */
    requests: { write: number; read: number; free: number };
    bytesIn: number;
    bytesOut: number;
  };
  /** By function logical id: invocations, configured memory and the summed handler time. */
  lambda: Record<string, { invocations: number; memoryMb: number; durationMs: number }>;
}

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }>;
}

/** Operations that answer ReturnConsumedCapacity; the write ones bill write units. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export const emptyReading = (): MeterReading => ({
  dynamodb: { requests: {}, capacity: {}, writesByKeyKind: {} },
  s3: { requests: { write: 0, read: 0, free: 0 }, bytesIn: 0, bytesOut: 0 },
  lambda: {},
});

/** `CASE#370982-20261204-00001` → `CASE#*`: a key with its ids masked. */
const keyKind = (key: string) => key.split('#').map((part) => (/\d/.test(part) ? '*' : part)).join('#');

type AttributeMap = Record<string, { S?: string }>;
/** The keys of the items a write request touches. */
function writtenKeys(op: string, body: Record<string, any>): AttributeMap[] {
  if (op === 'PutItem') return [body.Item];
  if (op === 'UpdateItem' || op === 'DeleteItem') return [body.Key];
  if (op === 'BatchWriteItem') return Object.values(body.RequestItems ?? {}).flat().map((r: any) => r.PutRequest?.Item ?? r.DeleteRequest?.Key);
  if (op === 'TransactWriteItems') return (body.TransactItems ?? []).map((t: any) => t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key ?? t.ConditionCheck?.Key);
  return [];
}

export class Meter {
  private reading = emptyReading();
  private readonly kindsOf = new WeakMap<http.IncomingMessage, string[]>();

  /** A copy of the counts so far. */
  read(): MeterReading {
    return structuredClone(this.reading);
  }

  lambdaInvoked(functionId: string, memoryMb: number, durationMs: number): void {
    const f = (this.reading.lambda[functionId] ??= { invocations: 0, memoryMb, durationMs: 0 });
    f.invocations++;
    f.durationMs += durationMs;
  }

  /** Starts the proxies; the endpoints they answer on go to the functions instead of the emulators'. */
  async attach(emulators: { dynamodb: string; s3: string }): Promise<{ dynamodb: string; s3: string; stop(): Promise<void> }> {
    const dynamodb = await proxy(emulators.dynamodb, (req, body) => this.dynamoRequest(req, body), (req, _status, body) => this.dynamoResponse(req, body));
    const s3 = await proxy(emulators.s3, (req, body) => this.s3Request(req, body), (_req, _status, body) => {
      this.reading.s3.bytesOut += body.length;
    });
    return { dynamodb: dynamodb.endpoint, s3: s3.endpoint, stop: async () => void (await Promise.all([dynamodb.stop(), s3.stop()])) };
  }

  private dynamoRequest(req: http.IncomingMessage, body: Buffer): Buffer {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    this.reading.dynamodb.requests[op] = (this.reading.dynamodb.requests[op] ?? 0) + 1;
    if (!READS.has(op) && !WRITES.has(op)) return body;
    const parsed = JSON.parse(body.toString('utf8'));
    if (WRITES.has(op)) this.kindsOf.set(req, writtenKeys(op, parsed).filter(Boolean).map((k) => `${keyKind(k.PK?.S ?? '')}|${keyKind(k.SK?.S ?? '')}`));
    return Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'INDEXES' }));
  }

  private dynamoResponse(req: http.IncomingMessage, body: Buffer): void {
    const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (!READS.has(op) && !WRITES.has(op)) return;
    let consumed: ConsumedCapacity | ConsumedCapacity[] | undefined;
    try {
      consumed = (JSON.parse(body.toString('utf8')) as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
    } catch {
      return;
    }
    const kind = WRITES.has(op) ? 'writeUnits' : 'readUnits';
    const add = (key: string, units: number | undefined) => {
      if (!units) return;
      const use = (this.reading.dynamodb.capacity[key] ??= { readUnits: 0, writeUnits: 0 });
      use[kind] += units;
    };
    let tableUnits = 0;
    let indexUnits = 0;
    for (const c of [consumed ?? []].flat()) {
      const table = c.TableName ?? 'unknown';
      const own = c.Table?.CapacityUnits ?? (c.GlobalSecondaryIndexes ? undefined : c.CapacityUnits);
      add(table, own);
      tableUnits += own ?? 0;
      for (const [index, use] of Object.entries({ ...c.GlobalSecondaryIndexes, ...c.LocalSecondaryIndexes })) {
        add(`${table}/${index}`, use.CapacityUnits);
        indexUnits += use.CapacityUnits ?? 0;
      }
    }
    const kinds = this.kindsOf.get(req);
    if (kind !== 'writeUnits' || !kinds?.length) return;
    for (const k of kinds) {
      const use = (this.reading.dynamodb.writesByKeyKind[k] ??= { items: 0, tableUnits: 0, indexUnits: 0 });
      use.items++;
      use.tableUnits += tableUnits / kinds.length;
      use.indexUnits += indexUnits / kinds.length;
    }
  }

  private s3Request(req: http.IncomingMessage, body: Buffer): Buffer {
    const url = new URL(req.url ?? '/', 'http://s3');
    const bucketLevel = url.pathname.split('/').filter(Boolean).length <= 1;
    const tier = req.method === 'DELETE' ? 'free' : req.method === 'PUT' || req.method === 'POST' || (req.method === 'GET' && bucketLevel) ? 'write' : 'read';
    this.reading.s3.requests[tier]++;
    this.reading.s3.bytesIn += body.length;
    return body;
  }
}

/** A buffering HTTP proxy to `target` that lets the meter see (and, for a request, rewrite) each body. */
async function proxy(
  target: string,
  onRequest: (req: http.IncomingMessage, body: Buffer) => Buffer,
  onResponse: (req: http.IncomingMessage, status: number, body: Buffer) => void,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = onRequest(req, Buffer.concat(chunks));
      // The Host header stays the proxy's: presigned S3 URLs and SigV4 headers were signed for it.
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (up) => {
        const answer: Buffer[] = [];
        up.on('data', (c: Buffer) => answer.push(c));
        up.on('end', () => {
          const bytes = Buffer.concat(answer);
          onResponse(req, up.statusCode ?? 0, bytes);
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(bytes);
        });
      });
      out.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`meter proxy: ${err.message}`);
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
