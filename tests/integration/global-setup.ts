/**
 * Starts ONE local cloud for all integration and e2e tests: free ports, a fresh
 * temporary data directory, the demo center seeded through the API. Tests read
 * where it runs with `inject('localCloud')` and mint tokens over HTTP
 * (POST <apiUrl>/local/token), since this process's objects do not reach them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud, type LocalCloud } from '../../local/cloud.ts';
import { emulatorEnv } from '../../local/lambda/runtime.ts';
import { mainTableName, seedDemoCenter } from '../../local/seed/index.ts';

export interface ProvidedLocalCloud {
  readonly apiUrl: string;
  /** The WebSocket API (the hall displays): `ws://localhost:<port>/<stage>`. */
  readonly socketUrl: string;
  readonly issuerUrl: string;
  readonly endpoints: { dynamodb: string; s3: string; ses: string; events: string };
  /** logical id → name */
  readonly tables: Record<string, string>;
  readonly buckets: Record<string, string>;
  /** The single table's name. */
  readonly tableName: string;
  readonly dataDir: string;
  /** The cloud assembly this run synthesized (its own, never the repository's cdk.out). */
  readonly cdkOut: string;
  /** The issuer's audience (app client id) and the demo users, for tests that forge or mint tokens. */
  readonly clientId: string;
  readonly users: { username: string; roles: readonly string[]; centerId: string; departmentId?: string; sub: string }[];
  readonly seeded: { published: string[]; skipped: string[] };
  /** The API's functions as the local runtime runs them: the bundled module and the environment it gets (tests that run a handler in this process use both). */
  readonly functions: { logicalId: string; module: string; handlerExport: string; env: Record<string, string> }[];
  /** The API's routes (route key → function), as API Gateway's routes of the template. */
  readonly routes: { routeKey: string; functionId: string; authorized: boolean }[];
  /** The template's rules as the local bus runs them (targets, retry policies, DLQs). */
  readonly rules: { logicalId: string; busName: string; targets: { id: string; functionId?: string; queueId?: string; maxRetryAttempts: number; maxEventAgeSeconds: number; deadLetterQueue?: string }[] }[];
}

declare module 'vitest' {
  interface ProvidedContext {
    localCloud: ProvidedLocalCloud;
  }
}

let cloud: LocalCloud | undefined;
let dataDir: string | undefined;

/**
 * The integration project and the emulated-time project (which runs after it, moving the
 * cloud's clock) share the cloud: vitest loads this module once per project, so the
 * started cloud is kept on globalThis and stopped when the last project is done.
 */
interface Shared { provided?: ProvidedLocalCloud; users: number; stop?: () => Promise<void> }
const shared: Shared = ((globalThis as { __onestopCloud?: Shared }).__onestopCloud ??= { users: 0 });

export async function setup(project: TestProject): Promise<void> {
  shared.users++;
  if (shared.provided) {
    project.provide('localCloud', shared.provided);
    return;
  }
  const started = Date.now();
  dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-it-'));
  cloud = await startLocalCloud({
    port: 0,
    dataDir,
    cdkOut: path.join(dataDir, 'cdk.out'),
    quiet: true,
    throwawayDynamo: true,
    sandboxIdleMs: Infinity,
    // Retries 10 ms, 20 ms, … up to 200 ms: a retry policy of 10 attempts ends in ~1.5 s.
    retryBaseMs: 10,
    // A minute per 6 s: the per-minute schedules (sweepers, watchers, the digest, staff notices: 8
    // invocations of 20–60 ms of CPU each, and their queries) took ~40 s of CPU a run at a minute per
    // 3 s, and their bursts kept the emulated-time files waiting for a quiet cloud; at a minute per
    // 10 s the files that wait on a schedule ran 50 s longer, on the run's critical path.
    scheduleSpeedup: 10,
  });
  let seeded: ProvidedLocalCloud['seeded'];
  try {
    seeded = await seedDemoCenter(cloud);
  } catch (err) {
    await stopCloud();
    throw new Error(`global setup: seeding the demo center failed: ${(err as Error).message}`);
  }
  const clientId = cloud.model.api?.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? 'local-client';
  shared.provided = {
    apiUrl: cloud.apiUrl,
    socketUrl: cloud.socketUrl ?? '',
    issuerUrl: cloud.issuerUrl,
    endpoints: cloud.endpoints,
    tables: cloud.tables,
    buckets: cloud.buckets,
    tableName: mainTableName(cloud),
    dataDir,
    cdkOut: path.join(dataDir, 'cdk.out'),
    clientId,
    users: cloud.users().map((u) => ({ ...u, roles: [...u.roles] })),
    seeded,
    functions: cloud.model.functions.filter((f) => f.assetDir && f.handlerFile).map((f) => ({
      logicalId: f.logicalId,
      module: path.join(f.assetDir!, f.handlerFile!),
      handlerExport: f.handlerExport,
      env: { ...emulatorEnv(cloud!.endpoints), ...f.environment },
    })),
    routes: (cloud.model.api?.routes ?? []).map((r) => ({ routeKey: r.routeKey, functionId: r.functionId, authorized: r.authorizer !== undefined })),
    rules: cloud.model.rules.map((r) => ({ logicalId: r.logicalId, busName: r.busName, targets: r.targets.map((t) => ({ ...t })) })),
  };
  shared.stop = stopCloud;
  project.provide('localCloud', shared.provided);
  console.log(`local cloud for integration tests up and seeded in ${((Date.now() - started) / 1000).toFixed(1)} s (${dataDir})`);
}

export async function teardown(): Promise<void> {
  shared.users--;
  if (shared.users > 0) return;
  await shared.stop?.();
  shared.provided = undefined;
}

async function stopCloud(): Promise<void> {
  if (cloud) {
    const functions = Object.values(cloud.stats().functions);
    const sum = (k: 'invocations' | 'coldStarts') => functions.reduce((n, f) => n + f[k], 0);
    console.log(`local cloud: ${sum('invocations')} invocations, ${sum('coldStarts')} cold starts`);
  }
  await cloud?.stop();
  cloud = undefined;
  // Keep the data (logs included) when asked, to look at a failed run.
  if (dataDir && !process.env.KEEP_LOCAL_CLOUD) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
}
