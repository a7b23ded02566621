/**
 * The EventBridge Pipe, emulated: polls the DynamoDB Local stream of the pipe's
 * source table, keeps the records its FilterCriteria match, renders the target
 * parameters (Source, DetailType, InputTemplate) and puts each as an event on
 * the local bus. A record that cannot be delivered is retried with backoff up to
 * MaximumRetryAttempts, then written to the pipe's dead-letter queue; records
 * behind it wait, as a shard is processed in order.
 *
 * The position in each shard is checkpointed in <dataDir>/pipes/<pipe>.json, so
 * a restart resumes where it stopped instead of skipping to LATEST. The file is
 * written at most once a second and at stop (rewriting it after every batch
 * was a tenth of the local cloud's main-thread CPU under the tests): a crash
 * replays at most that second's records, which the Pipe's at-least-once
 * delivery allows and every consumer already absorbs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compilePattern } from './bus/matcher.ts';
import { jsonPath, RuleLoadError, type LocalBus, type PutEventsEntry } from './bus/bus.ts';
import type { DlqStore } from './bus/dlq.ts';
import type { PipeModel } from './template.ts';
import { dynamoWireClient } from './emulators/dynamodb.ts';
import { resourceArn } from './intrinsics.ts';

export interface PipeStats {
  records: number;
  filteredOut: number;
  published: number;
  failedAttempts: number;
  deadLettered: number;
}

interface Checkpoint {
  streamArn: string;
  shards: Record<string, string>;
}

type ShardIteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';

/**
 * A stream record as DynamoDB Streams answers GetRecords, which is already
 * the record Pipes (and Lambda) see: times in epoch seconds, binary values in
 * base64.
 */
export interface StreamRecord {
  readonly eventID?: string;
  readonly dynamodb?: { readonly SequenceNumber?: string; readonly ApproximateCreationDateTime?: number; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

interface Shard {
  readonly ShardId: string;
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
}

/** A stream record as Pipes see it: the record with its stream's ARN. */
export const toPipeRecord = (r: StreamRecord, streamArn: string): Record<string, unknown> => ({ ...r, eventSourceARN: streamArn });

/** Pipes input templates: `<$.json.path>` inserts the value (strings raw, objects as JSON), plus a few reserved variables. */
export function renderTemplate(template: string, record: unknown, vars: Record<string, string> = {}): string {
  return template.replace(/<(\$(?:\.[^<>]*)?|aws\.pipes\.[a-z.-]+)>/g, (_m, expr: string) => {
    if (expr in vars) return vars[expr]!;
    if (expr === 'aws.pipes.event.json') return JSON.stringify(record);
    if (!expr.startsWith('$')) throw new Error(`input template variable <${expr}> is not supported locally`);
    const v = jsonPath(record, expr);
    if (v === undefined || v === null) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

const param = (spec: string | undefined, record: unknown) =>
  spec === undefined ? undefined : spec.startsWith('$.') ? (jsonPath(record, spec) as string | undefined) : spec;

const CHECKPOINT_EVERY_MS = 1000;

export class StreamPipe {
  private readonly filters: ((event: unknown) => boolean)[];
  private readonly dynamo: ReturnType<typeof dynamoWireClient>;
  private readonly checkpointFile: string;
  private readonly counters: PipeStats = { records: 0, filteredOut: 0, published: 0, failedAttempts: 0, deadLettered: 0 };
  private iterators = new Map<string, string>();
  private known = new Set<string>();
  private checkpoint: Checkpoint = { streamArn: '', shards: {} };
  private checkpointSavedAt = 0;
  private checkpointDirty = false;
  private saving?: Promise<void>;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly pipe: PipeModel,
    private readonly tableName: string,
    dynamodbEndpoint: string,
    private readonly bus: LocalBus,
    private readonly dlq: DlqStore,
    dataDir: string,
    private readonly log: (line: string) => void,
    private readonly opts: { pollMs?: number; retryBaseMs?: number; retryMaxMs?: number } = {},
  ) {
    this.filters = pipe.filterPatterns.map((p, i) => {
      try {
        return compilePattern(p);
      } catch (err) {
        throw new RuleLoadError(`pipe ${pipe.logicalId}: filter ${i} ${p} cannot be evaluated locally: ${(err as Error).message}`);
      }
    });
    this.dynamo = dynamoWireClient(dynamodbEndpoint);
    mkdirSync(path.join(dataDir, 'pipes'), { recursive: true });
    this.checkpointFile = path.join(dataDir, 'pipes', `${pipe.logicalId}.json`);
  }

  stats(): PipeStats {
    return { ...this.counters };
  }

  /** Positions the pipe (LATEST, or its checkpoint) before returning, so writes made after start() are seen. */
  async start(): Promise<void> {
    const { Table } = await this.dynamo.call<{ Table?: { LatestStreamArn?: string } }>('DynamoDB_20120810.DescribeTable', { TableName: this.tableName });
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`pipe ${this.pipe.logicalId}: table ${this.tableName} has no stream`);
    if (existsSync(this.checkpointFile)) {
      const saved = JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as Checkpoint;
      if (saved.streamArn === streamArn) this.checkpoint = saved;
    }
    const resuming = this.checkpoint.streamArn === streamArn;
    this.checkpoint.streamArn = streamArn;
    await this.discoverShards(resuming ? 'TRIM_HORIZON' : (this.pipe.startingPosition as ShardIteratorType), true);
    this.running = true;
    this.loop = this.run();
  }

  private async shardIterator(shardId: string, type: ShardIteratorType, seq?: string): Promise<string | undefined> {
    const out = await this.dynamo.call<{ ShardIterator?: string }>('DynamoDBStreams_20120810.GetShardIterator', {
      StreamArn: this.checkpoint.streamArn, ShardId: shardId, ShardIteratorType: type, ...(seq ? { SequenceNumber: seq } : {}),
    });
    return out.ShardIterator;
  }

  /** Finds shards not seen yet; at start-up closed ones are skipped unless checkpointed (LATEST semantics). */
  private async discoverShards(newShardPosition: ShardIteratorType, initial: boolean): Promise<void> {
    let start: string | undefined;
    do {
      const out = await this.dynamo.call<{ StreamDescription?: { Shards?: Shard[]; LastEvaluatedShardId?: string } }>('DynamoDBStreams_20120810.DescribeStream', {
        StreamArn: this.checkpoint.streamArn, ...(start ? { ExclusiveStartShardId: start } : {}),
      });
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (this.known.has(id)) continue;
        this.known.add(id);
        const seq = this.checkpoint.shards[id];
        const closed = Boolean(shard.SequenceNumberRange?.EndingSequenceNumber);
        if (initial && closed && !seq && newShardPosition === 'LATEST') continue;
        const it = seq
          ? await this.shardIterator(id, 'AFTER_SEQUENCE_NUMBER', seq).catch(() => this.shardIterator(id, 'TRIM_HORIZON'))
          : await this.shardIterator(id, initial ? newShardPosition : 'TRIM_HORIZON');
        if (it) this.iterators.set(id, it);
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  private async run(): Promise<void> {
    let lastDiscovery = Date.now();
    while (this.running) {
      let got = 0;
      try {
        if (this.iterators.size === 0 || Date.now() - lastDiscovery > 5_000) {
          await this.discoverShards('TRIM_HORIZON', false);
          lastDiscovery = Date.now();
        }
        for (const [shardId, iterator] of [...this.iterators]) {
          if (!this.running) break;
          got += await this.pollShard(shardId, iterator);
        }
      } catch (err) {
        this.log(`pipe ${this.pipe.logicalId}: ${(err as Error).name}: ${(err as Error).message}`);
        await this.sleep(1000);
      }
      if (this.checkpointDirty && Date.now() - this.checkpointSavedAt >= CHECKPOINT_EVERY_MS) this.saveCheckpoint();
      if (got === 0) await this.sleep(this.opts.pollMs ?? 100);
    }
    await this.saving;
    if (this.checkpointDirty) writeFileSync(this.checkpointFile, JSON.stringify(this.checkpoint));
  }

  /** In the background, one write at a time: a synchronous write stalls the emulator's event loop, which every request to the cloud waits on. */
  private saveCheckpoint(): void {
    if (this.saving) return;
    this.checkpointSavedAt = Date.now();
    this.checkpointDirty = false;
    this.saving = writeFile(this.checkpointFile, JSON.stringify(this.checkpoint))
      .catch((err: Error) => {
        this.checkpointDirty = true;
        this.log(`pipe ${this.pipe.logicalId}: checkpoint not saved: ${err.message}`);
      })
      .finally(() => (this.saving = undefined));
  }

  private async pollShard(shardId: string, iterator: string): Promise<number> {
    let out;
    try {
      out = await this.dynamo.call<{ Records?: StreamRecord[]; NextShardIterator?: string }>('DynamoDBStreams_20120810.GetRecords', { ShardIterator: iterator, Limit: Math.min(1000, this.pipe.batchSize) });
    } catch (err) {
      const name = (err as Error).name;
      const seq = this.checkpoint.shards[shardId];
      if (name === 'ExpiredIteratorException') {
        const it = seq ? await this.shardIterator(shardId, 'AFTER_SEQUENCE_NUMBER', seq) : await this.shardIterator(shardId, 'LATEST');
        if (it) this.iterators.set(shardId, it);
        return 0;
      }
      if (name === 'TrimmedDataAccessException') {
        const it = await this.shardIterator(shardId, 'TRIM_HORIZON');
        if (it) this.iterators.set(shardId, it);
        return 0;
      }
      if (name === 'ResourceNotFoundException') {
        // The shard (or the whole stream) is gone: forget it; discovery finds what replaced it.
        this.iterators.delete(shardId);
        return 0;
      }
      throw err;
    }
    const records = out.Records ?? [];
    for (const r of records) {
      if (!this.running) return records.length;
      await this.process(r);
      this.checkpoint.shards[shardId] = r.dynamodb!.SequenceNumber!;
    }
    if (records.length) this.checkpointDirty = true;
    if (out.NextShardIterator) this.iterators.set(shardId, out.NextShardIterator);
    else this.iterators.delete(shardId); // closed shard fully read; its children are discovered next
    return records.length;
  }

  private async process(r: StreamRecord): Promise<void> {
    this.counters.records++;
    const record = toPipeRecord(r, this.checkpoint.streamArn);
    if (this.filters.length && !this.filters.some((f) => f(record))) {
      this.counters.filteredOut++;
      return;
    }
    const maxRetries = this.pipe.maxRetryAttempts < 0 ? Infinity : this.pipe.maxRetryAttempts;
    let lastError = '';
    let entry: PutEventsEntry | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt <= maxRetries && this.running; attempt++) {
      if (attempt > 0) {
        const base = this.opts.retryBaseMs ?? 100;
        await this.sleep(Math.min(this.opts.retryMaxMs ?? base * 20, base * 2 ** (attempt - 1)));
      }
      const created = Number(record.dynamodb && (record.dynamodb as { ApproximateCreationDateTime?: number }).ApproximateCreationDateTime);
      // Locally the creation time is cut to the minute (STACK.md), so allow that much slack.
      if (this.pipe.maxRecordAgeSeconds >= 0 && created && Date.now() / 1000 - created > this.pipe.maxRecordAgeSeconds + 60) {
        lastError = `record older than MaximumRecordAgeInSeconds ${this.pipe.maxRecordAgeSeconds}`;
        break;
      }
      attempts++;
      try {
        entry = this.toEntry(record);
        const res = this.bus.putEvents([entry]);
        const first = res.Entries[0];
        if (res.FailedEntryCount === 0) {
          this.counters.published++;
          return;
        }
        lastError = first && 'ErrorCode' in first ? `${first.ErrorCode}: ${first.ErrorMessage}` : 'PutEvents failed';
      } catch (err) {
        lastError = `${(err as Error).name}: ${(err as Error).message}`;
      }
      this.counters.failedAttempts++;
    }
    if (!this.running) return;
    this.log(`pipe ${this.pipe.logicalId}: record ${String(record.eventID)} not delivered: ${lastError}`);
    if (this.pipe.deadLetterQueue) {
      await this.dlq.send(this.pipe.deadLetterQueue, {
        kind: 'pipe',
        event: entry ?? null,
        pipe: { name: this.pipe.logicalId, record },
        attempts,
        error: { type: 'PipeTargetFailure', message: lastError },
      });
      this.counters.deadLettered++;
    }
  }

  private toEntry(record: Record<string, unknown>): PutEventsEntry {
    const vars = {
      'aws.pipes.pipe-name': this.pipe.logicalId,
      'aws.pipes.pipe-arn': resourceArn(this.pipe.logicalId, 'AWS::Pipes::Pipe'),
      'aws.pipes.source-arn': this.checkpoint.streamArn,
      'aws.pipes.event.ingestion-time': new Date().toISOString(),
    };
    return {
      EventBusName: this.pipe.targetBus,
      Source: param(this.pipe.source, record),
      DetailType: param(this.pipe.detailType, record),
      Resources: this.pipe.resources?.map((r) => String(param(r, record) ?? '')),
      Detail: this.pipe.inputTemplate === undefined ? JSON.stringify(record) : renderTemplate(this.pipe.inputTemplate, record, vars),
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop?.catch(() => {});
    this.dynamo.close();
  }
}
