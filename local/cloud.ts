/**
 * The local cloud: the synthesized stack running on this machine. It reads the
 * template, starts the emulators (DynamoDB Local, s3rver, the SES sink), creates
 * tables and buckets, runs the functions in worker threads behind the HTTP API,
 * the JWT authorizer (with a Cognito user pool emulator over the same users), the bus with its rules and schedules, the pipe,
 * and S3 event notifications to functions (s3/notifications.ts). The static web
 * pages (the API reference at /docs/) share the API's port (web.ts); the
 * WebSocket API (the hall displays) has a port of its own (websocket/server.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { loadModel, type LocalModel } from './template.ts';
import { startDynamo, LOCAL_CREDENTIALS, LOCAL_REGION, type DynamoEmulator } from './emulators/dynamodb.ts';
import { startS3, type S3Emulator } from './emulators/s3.ts';
import { startSes, type SesEmulator } from './emulators/ses.ts';
import { portOrFree } from './emulators/ports.ts';
import { provisionBuckets, provisionTables } from './emulators/provision.ts';
import { LambdaRuntime, emulatorEnv, type LocalPayments } from './lambda/runtime.ts';
import { startApiServer, type ApiServer } from './api/server.ts';
import { LocalIssuer, type LocalUser } from './auth/issuer.ts';
import { LocalAuthorizer } from './auth/authorizer.ts';
import { LocalBus, type BusStats } from './bus/bus.ts';
import { DlqStore, type DlqMessage } from './bus/dlq.ts';
import { Scheduler } from './bus/scheduler.ts';
import { LocalClock } from './lambda/clock.ts';
import { startBusEndpoint, type BusEndpoint } from './bus/endpoint.ts';
import { StreamPipe, type PipeStats } from './pipe.ts';
import { S3Notifier, type S3NotificationStats } from './s3/notifications.ts';
import { WorkQueues } from './queue/queues.ts';
import { SmsSink } from './sns/sms-sink.ts';
import { localEndpoints } from './local-endpoints.ts';
import { IdentitySimulator, type SimulatedIdentity } from './identity/simulator.ts';
import { PREFIX as PAYMENTS_PREFIX, PaymentSimulator } from './payments/simulator.ts';
import type { Meter } from './meter.ts';
import { webPages } from './web.ts';
import { pointAtLocalSocket, startSocketServer, type SocketServer, type SocketStats } from './websocket/server.ts';
import { siteFiles } from '../web/site.ts';

export interface LocalCloudOptions {
  /** HTTP API port (default 3000; 0 = a free port). */
  port?: number;
  /** Ports of the bus endpoint, the WebSocket API and the emulators; 0 or undefined = a free port. */
  busPort?: number;
  socketPort?: number;
  sesPort?: number;
  dynamoPort?: number;
  s3Port?: number;
  /** Interface the HTTP API listens on (default 127.0.0.1). */
  host?: string;
  dataDir: string;
  /** Wipe dataDir first. */
  reset?: boolean;
  /**
   * DynamoDB Local without its database file and with its full JIT (test runs): the data is gone when
   * the cloud stops, and the JVM takes more memory for less CPU (STACK.md has the small-memory flags
   * `npm start` keeps).
   */
  throwawayDynamo?: boolean;
  /** Use the cdk.out already there instead of running `cdk synth`. */
  skipSynth?: boolean;
  /** Where to synthesize (default `<repo>/cdk.out`): test runs use their own, so parallel runs never share one. */
  cdkOut?: string;
  /** Schedule rules' clock speed: 60 = a minute passes each second. Default 1. */
  scheduleSpeedup?: number;
  /**
   * Scaled-down retry delays (ms): the first retry of a bus delivery and of the pipe (doubled per
   * attempt, capped at 2 s), and Lambda's wait before retrying a function error (AWS: 1 min, then 2).
   */
  retryBaseMs?: number;
  /** Sandboxes (worker threads) per function at most; more concurrent invocations queue. Default 4. */
  maxConcurrency?: number;
  /**
   * How long a sandbox may sit idle before it is freed (one stays warm per
   * function); default a minute, to keep `npm start` small. A test run passes
   * Infinity: there CPU is short, not memory, and each cold start costs a
   * worker's bootstrap and the bundle's compile again.
   */
  sandboxIdleMs?: number;
  quiet?: boolean;
  /** Counts billable requests (local/meter.ts): the cost bench only. */
  meter?: Meter;
  log?: (line: string) => void;
}

export interface LocalCloudStats {
  bus: BusStats;
  pipes: Record<string, PipeStats>;
  functions: ReturnType<LambdaRuntime['stats']>;
  /** Fault-injection rules in force and the faults they injected. */
  faults: ReturnType<LambdaRuntime['faultStats']>;
  schedulesFired: number;
  /** S3 event notifications: object events seen, notifications handed to functions (their invocations count in `bus`). */
  s3Notifications: S3NotificationStats;
  /** Work queues (sent, received, returned, dead-lettered) and the event source mappings reading them. */
  queues: ReturnType<WorkQueues['stats']>;
  /** The WebSocket API: connections admitted and refused, messages in, posts out, posts to gone connections. */
  sockets?: SocketStats;
}

export interface LocalCloud {
  readonly apiUrl: string;
  /** The WebSocket API's URL (`ws://localhost:<port>/<stage>`), when the template has one. */
  readonly socketUrl?: string;
  readonly issuerUrl: string;
  readonly jwksUrl: string;
  /**
   * `cognito`: the Cognito Identity Provider emulator, `<apiUrl>/local/cognito`; `sns`: SMS sent through SNS Publish, `<apiUrl>/local/sns` (read back at GET /local/sms);
   * `identity`: the identity provider simulator, `<apiUrl>/local/identity`; `payments`: the payment provider simulator (`<apiUrl>/local/payments`), its merchant and keys.
   */
  readonly endpoints: { dynamodb: string; s3: string; ses: string; events: string; cognito: string; sns: string; identity: string; payments: LocalPayments };
  /** logical id → local table name (= the logical id). */
  readonly tables: Record<string, string>;
  /** logical id → local bucket name (= the logical id lowercased). */
  readonly buckets: Record<string, string>;
  readonly model: LocalModel;
  users(): readonly LocalUser[];
  mintToken(username: string): string;
  /** A one-time real-name verification ticket for an identity, as POST /local/identity/tickets issues it. */
  identityTicket(identity: SimulatedIdentity): string;
  /** The payment provider simulator (`<apiUrl>/local/payments/`), its merchant the local stage's. */
  readonly payments: PaymentSimulator;
  stats(): LocalCloudStats;
  /** Emulated time: what the functions and schedules take for now (POST /local/clock moves it forward). */
  readonly clock: LocalClock;
  /** Resolves once the bus has no delivery, function invocation or retry running or waiting (S3 notifications included). */
  idle(): Promise<void>;
  readonly dlq: {
    list(): Promise<{ queue: string; count: number; messages: DlqMessage[] }[]>;
    redrive(queue?: string, messageIds?: readonly string[]): Promise<{ redriven: number; failed: number }>;
    /** Deletes messages (all of the queue when no ids are given); returns how many. */
    remove(queue: string, messageIds?: string[]): Promise<number>;
  };
  stop(): Promise<void>;
}

/** The local stage's merchant at the payment simulator: not a secret, the simulator is only on this machine. */
export const LOCAL_MERCHANT = { merchantId: 'onestop-local', apiKey: 'local-merchant-key' } as const;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startLocalCloud(opts: LocalCloudOptions): Promise<LocalCloud> {
  const started = Date.now();
  // Lambda runs in UTC (TZ=:UTC). The time zone is process-wide in Node (worker threads
  // cannot have their own), so the process hosting the functions runs in UTC too.
  process.env.TZ = 'UTC';
  const dataDir = path.resolve(opts.dataDir);
  if (opts.reset) await rm(dataDir, { recursive: true, force: true });
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const cloudLog = path.join(dataDir, 'logs', 'cloud.log');
  const sink = opts.quiet ? undefined : (opts.log ?? ((line: string) => console.log(line)));
  const log = (line: string) => {
    appendFileSync(cloudLog, `${new Date().toISOString()} ${line}\n`);
    sink?.(line);
  };

  // Everything started so far, stopped in reverse order on failure or stop().
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await Promise.resolve()
        .then(stop)
        .catch((err: unknown) => log(`stop: ${String(err)}`));
    }
  };

  try {
    // Synth (~5 s) and the emulators (~2 s) are independent: start them together.
    const [dynamoPort, s3Port, sesPort] = await Promise.all([portOrFree(opts.dynamoPort), portOrFree(opts.s3Port), portOrFree(opts.sesPort)]);
    const clock = new LocalClock();
    const identity = new IdentitySimulator(clock);
    const settled = await Promise.allSettled([
      loadModel({ repoRoot, dataDir, skipSynth: opts.skipSynth, ...(opts.cdkOut ? { cdkOut: opts.cdkOut } : {}), log }),
      startDynamo({ port: dynamoPort, log, ...(opts.throwawayDynamo ? { throwaway: true } : { dir: path.join(dataDir, 'dynamodb') }) }),
      startS3({ port: s3Port, dir: path.join(dataDir, 's3'), log, clock }),
      startSes({ port: sesPort, log }),
    ]);
    for (const s of settled.slice(1)) if (s.status === 'fulfilled') stops.push(() => (s.value as { stop(): Promise<void> }).stop());
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const model = (settled[0] as PromiseFulfilledResult<LocalModel>).value;
    const dynamo = (settled[1] as PromiseFulfilledResult<DynamoEmulator>).value;
    const s3 = (settled[2] as PromiseFulfilledResult<S3Emulator>).value;
    const ses = (settled[3] as PromiseFulfilledResult<SesEmulator>).value;

    // Rules, schedules and pipe filters are checked before anything runs: an unsupported one stops start-up.
    let runtime: LambdaRuntime | undefined;
    const invoke = (id: string, event: unknown) => runtime!.invoke(id, event);
    const dlq = new DlqStore(dataDir, model.queues.map((q) => q.name));
    // A visibility timeout is scaled like the retry delays: retryBaseMs stands for a minute.
    const queues = new WorkQueues(model, { dlq, invoke, msPerSecond: (opts.retryBaseMs ?? 100) / 60, log });
    const bus = new LocalBus({ rules: model.rules, buses: model.buses, functions: model.functions, invoke, queues, dlq, log, retryBaseMs: opts.retryBaseMs });
    stops.push(() => bus.stop());
    const scheduler = new Scheduler(model.rules, bus, opts.scheduleSpeedup ?? 1, log, clock);
    stops.push(() => scheduler.stop());
    // S3 → Lambda goes through the same async invoke queue as the bus's targets (retries, DLQs, idle()).
    const notifier = new S3Notifier({ notifications: model.s3Notifications, invokeAsync: (id, payload, qualifier) => bus.lambda.invokeAsync(id, payload, qualifier), log });
    for (const n of model.s3Notifications) {
      const filter = [n.prefix && `prefix ${n.prefix}`, n.suffix && `suffix ${n.suffix}`].filter(Boolean).join(', ');
      log(`s3 notification: ${n.bucket} ${n.events.join(',')}${filter ? ` (${filter})` : ''} → ${n.functionId}`);
    }
    for (const fn of model.functions) {
      if (fn.layers?.length) log(`layers of ${fn.logicalId}: ${fn.layers.map((l) => l.logicalId).join(', ')} (env paths under /opt/ point into them)`);
    }
    const pipes = model.pipes.map((p) => {
      const table = model.tables.find((t) => t.logicalId === p.sourceTable)!;
      return new StreamPipe(p, table.name, dynamo.endpoint, bus, dlq, dataDir, log, { retryBaseMs: opts.retryBaseMs });
    });

    const aws = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const ddb = new DynamoDBClient(aws);
    const s3Client = new S3Client({ ...aws, endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    try {
      await provisionTables(ddb, model.tables, log);
      await provisionBuckets(s3Client, model.buckets, log);
    } finally {
      ddb.destroy();
      s3Client.destroy();
    }

    const api: ApiServer = await startApiServer(opts.port ?? 3000, opts.host ?? '127.0.0.1');
    stops.push(() => api.stop());
    const busEndpoint: BusEndpoint = await startBusEndpoint(bus, await portOrFree(opts.busPort));
    stops.push(() => busEndpoint.stop());
    // The API port is known from here on: the functions get the Cognito emulator's URL in their env.
    const apiUrl = `http://localhost:${api.port}`;
    const metered = opts.meter && (await opts.meter.attach({ dynamodb: dynamo.endpoint, s3: s3.endpoint }));
    if (metered) stops.push(() => metered.stop());
    const payments = new PaymentSimulator(clock, LOCAL_MERCHANT, apiUrl);
    payments.start();
    stops.push(() => payments.stop());
    const endpoints = { dynamodb: metered ? metered.dynamodb : dynamo.endpoint, s3: metered ? metered.s3 : s3.endpoint, ses: ses.endpoint, events: busEndpoint.endpoint, cognito: `${apiUrl}/local/cognito`, sns: `${apiUrl}/local/sns`, identity: `${apiUrl}/local/identity`,
      payments: { url: `${apiUrl}${PAYMENTS_PREFIX}`, ...LOCAL_MERCHANT, publicKeys: payments.publicKeys(), notifyUrl: `${apiUrl}/payments/notify` } };

    // The WebSocket API before the runtime: its functions' management endpoint must name the local server.
    let sockets: SocketServer | undefined;
    if (model.socketApi) {
      sockets = await startSocketServer(model.socketApi, { port: await portOrFree(opts.socketPort), host: opts.host ?? '127.0.0.1', invoke, log });
      const started = sockets;
      stops.push(() => started.stop());
    }
    const functions = sockets && model.socketApi ? pointAtLocalSocket(model.functions, model.socketApi, sockets.endpoint) : model.functions;

    runtime = new LambdaRuntime(functions, {
      baseEnv: emulatorEnv(endpoints),
      logDir: path.join(dataDir, 'logs'),
      // Function output is in logs/<function>.log; the console gets it without DEBUG lines.
      echo: sink && ((line) => !line.includes('"level":"DEBUG"') && sink(line)),
      maxConcurrency: opts.maxConcurrency,
      sandboxIdleMs: opts.sandboxIdleMs,
      clock: clock.buffer,
      ...(opts.meter ? { onInvoked: (fn: { logicalId: string; memoryMb: number }, ms: number) => opts.meter!.lambdaInvoked(fn.logicalId, fn.memoryMb, ms) } : {}),
    });
    const rt = runtime;
    stops.push(() => rt.stop());
    // Likewise the WebSocket API: a display's $disconnect must not start a sandbox on a stopping runtime.
    if (sockets) stops.push(() => sockets.stop());
    // Stop the bus (retry timers, Lambda's async queue) before the runtime, so no retry
    // starts a fresh sandbox on a runtime that is shutting down. stop() is idempotent.
    stops.push(() => bus.stop());

    for (const p of pipes) {
      await p.start();
      stops.push(() => p.stop());
    }
    scheduler.start();
    queues.start();
    stops.push(() => queues.stop());
    stops.push(s3.onObjectEvent((e) => notifier.handle(e)));

    const audience = model.api?.routes.find((r) => r.authorizer)?.authorizer?.audience[0] ?? 'local-client';
    const issuer = new LocalIssuer(dataDir, `${apiUrl}/local`, audience);

    const stats = (): LocalCloudStats => ({
      bus: bus.stats(),
      pipes: Object.fromEntries(pipes.map((p, i) => [model.pipes[i]!.logicalId, p.stats()])),
      functions: rt.stats(),
      faults: rt.faultStats(),
      schedulesFired: scheduler.count,
      s3Notifications: notifier.stats(),
      queues: queues.stats(),
      ...(sockets ? { sockets: sockets.stats() } : {}),
    });
    // A message leaves its queue only when its sender accepted it again (see LocalBus.redrive);
    // a refused one stays, with the failed redrive counted.
    const redrive = async (queue?: string, messageIds?: readonly string[]) => {
      const queues = queue ? [queue] : dlq.queues;
      for (const q of queues) if (!dlq.queues.includes(q)) throw new Error(`no queue ${q}; queues: ${dlq.queues.join(', ')}`);
      let redriven = 0;
      let failedCount = 0;
      for (const q of queues) {
        await dlq.rewrite(q, async (messages) => {
          const keep: DlqMessage[] = [];
          for (const m of messages) {
            if (messageIds && !messageIds.includes(m.messageId)) keep.push(m);
            else if (await bus.redrive(m)) redriven++;
            else {
              failedCount++;
              keep.push({ ...m, redriveAttempts: (m.redriveAttempts ?? 0) + 1 });
            }
          }
          return keep;
        });
      }
      log(`dlq redrive: ${redriven} handed back, ${failedCount} refused and kept`);
      return { redriven, failed: failedCount };
    };

    const remove = async (queue: string, messageIds?: string[]) => {
      if (!dlq.queues.includes(queue)) throw new Error(`no queue ${queue}; queues: ${dlq.queues.join(', ')}`);
      let deleted = 0;
      await dlq.rewrite(queue, async (messages) => {
        const keep = messages.filter((m) => messageIds !== undefined && !messageIds.includes(m.messageId));
        deleted = messages.length - keep.length;
        return keep;
      });
      return deleted;
    };

    api.attach({
      api: model.api,
      authorizer: new LocalAuthorizer(issuer),
      invoke,
      log,
      local: localEndpoints({ issuer, sms: new SmsSink(), faults: (rule) => rt.setFault(rule), dlq: { list: () => dlq.list(), redrive, remove }, stats, clock, identity, payments, serviceClients: model.serviceClients }),
      web: webPages(() => siteFiles(), { hallSocketUrl: sockets?.url }),
    });

    let stopping: Promise<void> | undefined;
    const cloud: LocalCloud = {
      apiUrl,
      ...(sockets ? { socketUrl: sockets.url } : {}),
      issuerUrl: issuer.issuerUrl,
      jwksUrl: issuer.jwksUrl,
      endpoints,
      tables: Object.fromEntries(model.tables.map((t) => [t.logicalId, t.name])),
      buckets: Object.fromEntries(model.buckets.map((b) => [b.logicalId, b.name])),
      model,
      users: () => issuer.listUsers(),
      mintToken: (username) => issuer.mint(username),
      identityTicket: (who) => identity.issue(who).ticket,
      payments,
      stats,
      clock,
      idle: async () => {
        // A queued event may publish more events, and a delivered one fill a queue: idle when both are.
        do {
          await bus.idle();
          await queues.idle();
        } while (bus.stats().inFlight || queues.pending);
      },
      dlq: { list: () => dlq.list(), redrive, remove },
      stop: () => (stopping ??= stopAll().then(() => log('local cloud stopped'))),
    };
    log(`local cloud up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return cloud;
  } catch (err) {
    await stopAll();
    throw err;
  }
}
