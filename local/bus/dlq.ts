/**
 * Local dead-letter queues: one JSON-lines file per SQS queue of the template,
 * <dataDir>/dlq/<QueueLogicalId>.jsonl. A message holds what AWS would put in
 * the queue (the body and its attributes, in the sender's format), plus the
 * local bookkeeping a redrive and `npm run dlq -- list` need (where it was
 * going, how many attempts, the last error).
 *
 * Four senders, four formats, as in AWS:
 *   rule-target        EventBridge could not DELIVER the event to a rule target (the Invoke
 *                      call failed): the event, with ERROR_CODE/ERROR_MESSAGE/RULE_ARN/... attributes;
 *   lambda-on-failure  the FUNCTION kept failing an asynchronous invocation: Lambda's invocation
 *                      record (EventInvokeConfig DestinationConfig.OnFailure);
 *   lambda-dlq         the same, to the function's own DeadLetterConfig: the event itself, with
 *                      RequestID/ErrorCode/ErrorMessage attributes;
 *   pipe               the pipe gave up on a stream record: the PutEvents entry it could not send;
 *   queue              a work queue's redrive policy moved a message received maxReceiveCount
 *                      times (local/queue/queue.ts): the message as it was.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

interface DlqMessageBase {
  readonly messageId: string;
  readonly queue: string;
  readonly sentAt: string;
  /** Attempts made before giving up (delivery attempts, function invocations or pipe attempts). */
  readonly attempts: number;
  readonly error: { readonly type: string; readonly message: string };
  /** Failed redrives of this message so far. */
  readonly redriveAttempts?: number;
}

/** The SQS message attributes EventBridge sets on a dead-lettered event. */
export interface EventBridgeDlqAttributes {
  readonly ERROR_CODE: string;
  readonly ERROR_MESSAGE: string;
  /** `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`; absent when the error was not retriable. */
  readonly EXHAUSTED_RETRY_CONDITION?: string;
  readonly RETRY_ATTEMPTS: string;
  readonly RULE_ARN: string;
  readonly TARGET_ARN: string;
}

export interface RuleTargetDlqMessage extends DlqMessageBase {
  readonly kind: 'rule-target';
  /** The EventBridge event (the SQS body), before the target's Input/InputPath. */
  readonly event: unknown;
  /** Optional only for messages written by older versions of the local cloud. */
  readonly attributes?: EventBridgeDlqAttributes;
  readonly rule: { readonly name: string; readonly arn: string };
  /** The function of a Lambda target, or the queue of an SQS one. */
  readonly target: { readonly id: string; readonly functionId?: string; readonly queueId?: string };
}

/** Lambda's record of an asynchronous invocation it gave up on (the on-failure destination's body). */
export interface LambdaInvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    /** Qualified: `arn:aws:lambda:...:function:Name:$LATEST`. */
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted' | 'EventAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  /** Absent when the event expired before any invocation. */
  readonly responseContext?: { readonly statusCode: number; readonly executedVersion: string; readonly functionError: string };
  readonly responsePayload?: { readonly errorType: string; readonly errorMessage: string; readonly trace?: readonly string[] };
}

export interface LambdaFunctionRef {
  /** Logical id (the local function name). */
  readonly id: string;
  readonly arn: string;
  readonly qualifier: string;
}

export interface LambdaOnFailureMessage extends DlqMessageBase {
  readonly kind: 'lambda-on-failure';
  readonly record: LambdaInvocationRecord;
  readonly function: LambdaFunctionRef;
}

export interface LambdaDlqMessage extends DlqMessageBase {
  readonly kind: 'lambda-dlq';
  /** The invocation's payload (the SQS body). */
  readonly event: unknown;
  readonly attributes: { readonly RequestID: string; readonly ErrorCode: string; readonly ErrorMessage: string };
  readonly function: LambdaFunctionRef;
}

export interface PipeDlqMessage extends DlqMessageBase {
  readonly kind: 'pipe';
  /** The PutEvents entry the pipe could not deliver. */
  readonly event: unknown;
  readonly pipe: { readonly name: string; readonly record?: unknown };
}

/** A message SQS moved from its source queue (RedrivePolicy): the body and attributes it had there. */
export interface QueueDlqMessage extends DlqMessageBase {
  readonly kind: 'queue';
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The queue it came from (a redrive sends it back there) and its id there. */
  readonly source: { readonly queue: string; readonly messageId: string };
}

export type DlqMessage = RuleTargetDlqMessage | LambdaOnFailureMessage | LambdaDlqMessage | PipeDlqMessage | QueueDlqMessage;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewDlqMessage = DistributiveOmit<DlqMessage, 'messageId' | 'queue' | 'sentAt'>;

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
    const full = { messageId: randomUUID(), queue, sentAt: new Date().toISOString(), ...msg } as DlqMessage;
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
