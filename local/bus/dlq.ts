/**
 * Local dead-letter queues: one JSON-lines file per SQS queue of the template,
 * <dataDir>/dlq/<QueueLogicalId>.jsonl. A message keeps what a redrive needs
 * (the event, where it was going) and why it failed (the last error).
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

export interface DlqMessage {
  readonly messageId: string;
  readonly queue: string;
  readonly sentAt: string;
  /** `rule-target`: EventBridge gave up on a target; `pipe`: the pipe gave up on a stream record. */
  readonly kind: 'rule-target' | 'pipe';
  /** The EventBridge event (rule-target) or the PutEvents entry the pipe could not deliver (pipe). */
  readonly event: unknown;
  readonly rule?: { readonly name: string; readonly arn: string };
  readonly target?: { readonly id: string; readonly functionId: string };
  readonly pipe?: { readonly name: string; readonly record?: unknown };
  readonly attempts: number;
  readonly error: { readonly type: string; readonly message: string };
  readonly redriveAttempts?: number;
}

export type NewDlqMessage = Omit<DlqMessage, 'messageId' | 'queue' | 'sentAt'>;

export class DlqStore {
  private readonly dir: string;
  /** Serializes file access per queue (append vs. rewrite during redrive). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(dataDir: string, readonly queues: readonly string[]) {
    this.dir = path.join(dataDir, 'dlq');
  }

  private file(queue: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(queue)) throw new Error(`invalid queue name ${queue}`);
    return path.join(this.dir, `${queue}.jsonl`);
  }

  private locked<T>(queue: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(queue) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(queue, next.catch(() => {}));
    return next;
  }

  async send(queue: string, msg: NewDlqMessage): Promise<DlqMessage> {
    const full: DlqMessage = { messageId: randomUUID(), queue, sentAt: new Date().toISOString(), ...msg };
    await this.locked(queue, async () => {
      await mkdir(this.dir, { recursive: true });
      await appendFile(this.file(queue), `${JSON.stringify(full)}\n`);
    });
    return full;
  }

  async read(queue: string): Promise<DlqMessage[]> {
    const f = this.file(queue);
    if (!existsSync(f)) return [];
    const text = await readFile(f, 'utf8');
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as DlqMessage);
  }

  async list(): Promise<{ queue: string; count: number; messages: DlqMessage[] }[]> {
    return Promise.all(this.queues.map(async (queue) => {
      const messages = await this.read(queue);
      return { queue, count: messages.length, messages };
    }));
  }

  /** Applies `update` to the queue's messages atomically: return the messages to keep. */
  async rewrite(queue: string, update: (messages: DlqMessage[]) => Promise<DlqMessage[]>): Promise<void> {
    await this.locked(queue, async () => {
      const kept = await update(await this.read(queue));
      await mkdir(this.dir, { recursive: true });
      await writeFile(this.file(queue), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    });
  }
}
