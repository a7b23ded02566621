/**
 * A local Lambda event source mapping from an SQS queue (AWS::Lambda::
 * EventSourceMapping), polling the way Lambda does:
 *  - up to ScalingConfig.MaximumConcurrency pollers (5 without it, Lambda's
 *    starting fleet), each receiving 10 messages per call and gathering a
 *    batch of up to BatchSize within MaximumBatchingWindowInSeconds, then
 *    invoking the function synchronously with the SQS event;
 *  - a function error leaves the whole batch to come back after its
 *    visibility timeout; with FunctionResponseTypes ReportBatchItemFailures,
 *    only the messages named in `batchItemFailures` come back, and a response
 *    naming a message not in the batch fails the whole batch, as in AWS;
 *  - the rest is deleted. Retries, receive counts and the dead-letter queue are
 *    the queue's (queue.ts), not the mapping's.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION, resourceArn } from '../intrinsics.ts';
import { MAX_RECEIVE, type LocalQueue, type QueueMessage } from './queue.ts';

export interface EventSourceMappingModel {
  readonly logicalId: string;
  readonly functionId: string;
  /** The source queue's logical id. */
  readonly queueId: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  /** ScalingConfig.MaximumConcurrency; undefined = not set. */
  readonly maximumConcurrency?: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
}

/** Pollers without a MaximumConcurrency: Lambda starts an SQS mapping with five. */
export const DEFAULT_POLLERS = 5;

export interface EventSourceStats {
  invocations: number;
  functionErrors: number;
  /** Messages a function reported as failed (batchItemFailures). */
  itemFailures: number;
  /** Largest batch handed to the function, and the most invocations running at once. */
  largestBatch: number;
  peakConcurrency: number;
}

export class SqsEventSource {
  private readonly counters: EventSourceStats = { invocations: 0, functionErrors: 0, itemFailures: 0, largestBatch: 0, peakConcurrency: 0 };
  private running = 0;
  private stopped = false;

  constructor(
    readonly model: EventSourceMappingModel,
    private readonly queue: LocalQueue,
    private readonly invoke: (functionId: string, event: SQSEvent) => Promise<unknown>,
    private readonly log: (line: string) => void,
  ) {}

  stats(): EventSourceStats {
    return { ...this.counters };
  }

  start(): void {
    if (!this.model.enabled) return;
    const n = this.model.maximumConcurrency ?? DEFAULT_POLLERS;
    for (let i = 0; i < n; i++) void this.poll().catch((err: unknown) => this.log(`esm ${this.model.logicalId}: poller stopped: ${String(err)}`));
  }

  /** No new receive; an invocation running ends on its own (the runtime stops it). */
  stop(): void {
    this.stopped = true;
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      if (!(await this.queue.waitForMessage())) continue;
      const batch = await this.gather();
      if (!batch.length || this.stopped) continue;
      await this.deliver(batch);
    }
  }

  /** Receives up to BatchSize messages, waiting at most the batching window for more once the first arrived. */
  private async gather(): Promise<QueueMessage[]> {
    const { batchSize, maximumBatchingWindowSeconds } = this.model;
    const batch = await this.queue.receive(Math.min(MAX_RECEIVE, batchSize));
    if (!batch.length) return batch;
    const deadline = Date.now() + maximumBatchingWindowSeconds * 1000;
    while (batch.length < batchSize && !this.stopped) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (!(await this.queue.waitForMessage(left))) break;
      batch.push(...(await this.queue.receive(Math.min(MAX_RECEIVE, batchSize - batch.length))));
      // Let the other pollers receive too, as concurrent ReceiveMessage calls do.
      await new Promise((r) => setImmediate(r));
    }
    return batch;
  }

  private async deliver(batch: QueueMessage[]): Promise<void> {
    this.counters.invocations++;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    this.running++;
    this.counters.peakConcurrency = Math.max(this.counters.peakConcurrency, this.running);
    let failed: Set<string>;
    let why: string;
    try {
      const response = await this.invoke(this.model.functionId, this.eventOf(batch));
      ({ failed, why } = this.failuresOf(response, batch));
    } catch (err) {
      this.counters.functionErrors++;
      const e = err as Error & { error?: { errorType?: string; errorMessage?: string } };
      why = `function error: ${e.error?.errorType ?? e.name}: ${e.error?.errorMessage ?? e.message}`;
      failed = new Set(batch.map((m) => m.messageId));
    } finally {
      this.running--;
    }
    this.counters.itemFailures += failed.size;
    for (const m of batch) {
      if (failed.has(m.messageId)) this.queue.giveBack(m.receiptHandle!, why);
      else this.queue.delete(m.receiptHandle!);
    }
    if (failed.size) this.log(`esm ${this.model.logicalId}: ${failed.size} of ${batch.length} message(s) back to ${this.model.queueId} (${why})`);
  }

  /** The messages that failed, by Lambda's rules for the function's response. */
  private failuresOf(response: unknown, batch: readonly QueueMessage[]): { failed: Set<string>; why: string } {
    const none = { failed: new Set<string>(), why: '' };
    if (!this.model.reportBatchItemFailures) return none;
    const items = (response as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (items === undefined || items === null) return none;
    const all = { failed: new Set(batch.map((m) => m.messageId)), why: 'the function\'s batchItemFailures is invalid: the whole batch failed' };
    if (!Array.isArray(items)) return all;
    const ids = new Set(batch.map((m) => m.messageId));
    const failed = new Set<string>();
    for (const i of items) {
      const id = (i as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !ids.has(id)) return all;
      failed.add(id);
    }
    return { failed, why: 'reported as a batch item failure' };
  }

  private eventOf(batch: readonly QueueMessage[]): SQSEvent {
    const arn = resourceArn(this.model.queueId, 'AWS::SQS::Queue');
    return {
      Records: batch.map((m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle!,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: LOCAL_ACCOUNT,
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.receivedAt),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(m.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: LOCAL_REGION,
      })),
    };
  }
}
