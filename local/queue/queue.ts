/**
 * A local SQS standard queue (a work queue: a rule target or an event source
 * mapping's source; dead-letter queues stay files in bus/dlq.ts).
 *
 * What it keeps of SQS:
 *  - a received message is invisible for the queue's VisibilityTimeout and
 *    comes back if it is not deleted by then, with ApproximateReceiveCount
 *    counting every receive;
 *  - its RedrivePolicy: a message received maxReceiveCount times and still not
 *    deleted moves to the dead-letter queue on its next receive, as SQS does;
 *  - ReceiveMessage returns at most 10 messages per call.
 * What is scaled down: the visibility timeout (`msPerSecond`, like the other
 * retry delays of the local cloud). A message held by an invocation never
 * reappears before that invocation ends — in AWS a visibility timeout at least
 * the function's timeout guarantees the same.
 */
import { randomUUID } from 'node:crypto';
import type { Activity } from '../bus/lambda-async.ts';
import type { DlqStore } from '../bus/dlq.ts';
import type { QueueModel } from '../template.ts';

/** SQS's limit per ReceiveMessage call. */
export const MAX_RECEIVE = 10;

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receivedAt?: number;
  receiptHandle?: string;
  /** Why its last receive did not end in a delete (the local DLQ message carries it). */
  lastFailure?: string;
}

export interface QueueStats {
  sent: number;
  received: number;
  deleted: number;
  /** Receives that ended without a delete: the message became visible again. */
  returned: number;
  deadLettered: number;
}

export interface LocalQueueOptions {
  readonly dlq: DlqStore;
  /** Milliseconds standing for one second of visibility timeout. Default 1000 (real time). */
  readonly msPerSecond?: number;
  /** Counts messages not yet deleted or dead-lettered, when something consumes the queue (idle() waits for them). */
  readonly activity?: Activity;
  log(line: string): void;
}

export class LocalQueue {
  private readonly visible: QueueMessage[] = [];
  private readonly inFlight = new Map<string, QueueMessage>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private readonly counters: QueueStats = { sent: 0, received: 0, deleted: 0, returned: 0, deadLettered: 0 };
  private stopped = false;

  constructor(readonly model: QueueModel, private readonly opts: LocalQueueOptions) {}

  stats(): QueueStats & { visible: number; inFlight: number } {
    return { ...this.counters, visible: this.visible.length, inFlight: this.inFlight.size };
  }

  /** SendMessage: the message is visible at once. */
  send(body: string): string {
    const msg: QueueMessage = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 };
    this.counters.sent++;
    this.opts.activity?.begin();
    this.makeVisible(msg);
    return msg.messageId;
  }

  /** ReceiveMessage (up to 10): each message received becomes invisible until deleted or returned. */
  async receive(max: number): Promise<QueueMessage[]> {
    const out: QueueMessage[] = [];
    const redrive = this.model.redrive;
    while (out.length < Math.min(max, MAX_RECEIVE) && this.visible.length) {
      const msg = this.visible.shift()!;
      if (redrive && msg.receiveCount >= redrive.maxReceiveCount) {
        await this.deadLetter(msg, redrive.deadLetterQueue, redrive.maxReceiveCount);
        continue;
      }
      const now = Date.now();
      msg.receiveCount++;
      msg.firstReceivedAt ??= now;
      msg.receivedAt = now;
      msg.receiptHandle = randomUUID();
      this.inFlight.set(msg.receiptHandle, msg);
      this.counters.received++;
      out.push(msg);
    }
    return out;
  }

  /** DeleteMessage. */
  delete(receiptHandle: string): void {
    if (!this.inFlight.delete(receiptHandle)) return;
    this.counters.deleted++;
    this.opts.activity?.end();
  }

  /** The receive ended without a delete: the message comes back when its visibility timeout (from its receive) has passed. */
  giveBack(receiptHandle: string, why: string): void {
    const msg = this.inFlight.get(receiptHandle);
    if (!msg || this.stopped) return;
    this.inFlight.delete(receiptHandle);
    msg.lastFailure = why;
    this.counters.returned++;
    const scale = this.opts.msPerSecond ?? 1000;
    const wait = Math.max(0, msg.receivedAt! + this.model.visibilityTimeoutSeconds * scale - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.makeVisible(msg);
    }, wait);
    this.timers.add(timer);
  }

  /** Resolves true once a message is visible (at once if one is), false after `timeoutMs` or on stop. */
  waitForMessage(timeoutMs = Infinity): Promise<boolean> {
    if (this.visible.length) return Promise.resolve(true);
    if (this.stopped || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timer) clearTimeout(timer);
        resolve(!this.stopped);
      };
      this.waiters.push(wake);
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wakeAll();
  }

  private makeVisible(msg: QueueMessage): void {
    if (this.stopped) return;
    this.visible.push(msg);
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** SQS moves the message as it is: the body, and the receive count that exhausted it. */
  private async deadLetter(msg: QueueMessage, queue: string, maxReceiveCount: number): Promise<void> {
    try {
      await this.opts.dlq.send(queue, {
        kind: 'queue',
        body: msg.body,
        attributes: { ApproximateReceiveCount: String(msg.receiveCount), SentTimestamp: String(msg.sentAt), ...(msg.firstReceivedAt ? { ApproximateFirstReceiveTimestamp: String(msg.firstReceivedAt) } : {}) },
        source: { queue: this.model.logicalId, messageId: msg.messageId },
        attempts: msg.receiveCount,
        error: { type: 'MaxReceiveCountExceeded', message: `received ${msg.receiveCount} time(s) (maxReceiveCount ${maxReceiveCount}) without being deleted; last: ${msg.lastFailure ?? 'unknown'}` },
      });
      this.counters.deadLettered++;
      this.opts.log(`queue ${this.model.logicalId}: message ${msg.messageId} received ${msg.receiveCount} time(s) → DLQ ${queue} (${msg.lastFailure ?? 'unknown'})`);
    } finally {
      this.opts.activity?.end();
    }
  }
}
