/**
 * The local cloud's work queues: every SQS queue a rule targets or an event
 * source mapping reads, each a LocalQueue, and the mappings polling them.
 * Their dead-letter queues stay in the DLQ store (bus/dlq.ts), where `npm run
 * dlq` and the redrive find them.
 */
import type { SQSEvent } from 'aws-lambda';
import { Activity, DeliveryError } from '../bus/lambda-async.ts';
import type { DlqStore } from '../bus/dlq.ts';
import type { LocalModel } from '../template.ts';
import { SqsEventSource, type EventSourceStats } from './event-source.ts';
import { LocalQueue, type QueueStats } from './queue.ts';

export interface WorkQueueOptions {
  readonly dlq: DlqStore;
  invoke(functionId: string, event: SQSEvent): Promise<unknown>;
  /** Milliseconds standing for a second of visibility timeout (see queue.ts). */
  readonly msPerSecond?: number;
  log(line: string): void;
}

export class WorkQueues {
  private readonly queues = new Map<string, LocalQueue>();
  private readonly sources: SqsEventSource[] = [];
  /** Messages sent to a consumed queue and not yet deleted or dead-lettered. */
  private readonly activity = new Activity();

  constructor(model: Pick<LocalModel, 'queues' | 'rules' | 'eventSourceMappings'>, opts: WorkQueueOptions) {
    const consumed = new Set(model.eventSourceMappings.map((m) => m.queueId));
    const targeted = model.rules.flatMap((r) => r.targets.flatMap((t) => ('queueId' in t ? [t.queueId] : [])));
    for (const id of new Set([...consumed, ...targeted])) {
      const queue = model.queues.find((q) => q.logicalId === id)!;
      this.queues.set(id, new LocalQueue(queue, { dlq: opts.dlq, msPerSecond: opts.msPerSecond, log: opts.log, ...(consumed.has(id) ? { activity: this.activity } : {}) }));
    }
    for (const m of model.eventSourceMappings) {
      this.sources.push(new SqsEventSource(m, this.queues.get(m.queueId)!, opts.invoke, opts.log));
      opts.log(`event source mapping: ${m.queueId} → ${m.functionId} (batch ${m.batchSize}, window ${m.maximumBatchingWindowSeconds} s, concurrency ${m.maximumConcurrency ?? 'default'}${m.reportBatchItemFailures ? ', ReportBatchItemFailures' : ''})`);
    }
  }

  /** SendMessage; a queue that is not a work queue of the stack refuses, as a missing queue would. */
  send(queueId: string, body: string): string {
    const queue = this.queues.get(queueId);
    if (!queue) throw new DeliveryError('NO_RESOURCE', 'ResourceNotFoundException', `queue ${queueId} is not a work queue of the local cloud`, false);
    return queue.send(body);
  }

  start(): void {
    for (const s of this.sources) s.start();
  }

  /** Messages of consumed queues still waiting, in flight or due back. */
  get pending(): number {
    return this.activity.count;
  }

  idle(): Promise<void> {
    return this.activity.idle();
  }

  stats(): { queues: Record<string, QueueStats & { visible: number; inFlight: number }>; eventSources: Record<string, EventSourceStats> } {
    return {
      queues: Object.fromEntries([...this.queues].map(([id, q]) => [id, q.stats()])),
      eventSources: Object.fromEntries(this.sources.map((s) => [s.model.logicalId, s.stats()])),
    };
  }

  stop(): void {
    for (const s of this.sources) s.stop();
    for (const q of this.queues.values()) q.stop();
    this.activity.release();
  }
}
