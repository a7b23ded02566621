/**
 * Idempotency-Key on every state-changing operation (DESIGN §11). A client
 * that retries after an ambiguous failure (a timeout, a dropped connection)
 * sends the same key and gets the recorded outcome instead of a second change
 * or a 412.
 *
 * The outcome is recorded in the SAME transaction as the change it describes:
 * the operation builds its response first, then passes `scope.record(result)`
 * into its store's write. So there is never a change without its record, nor a
 * record without its change. A repeat is answered from the record: the HTTP
 * stack looks it up before the operation runs (in the operation's own batch
 * read on routes whose account check is inline), and again when an operation
 * fails on a concurrent change — the same key may have just won.
 *
 *   record   PK CENTER#<c>#IDEMPOTENCY#<sub>  SK <key>  { fingerprint, status, body, headers, expiresAt }  TTL 24 h
 *
 * The fingerprint covers the route, the path parameters and the body: the same
 * key on another operation, resource or body is 422.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { genericProblems, msg } from '#schemas/api/problems';
import { db, isConcurrentChange, tableName, type Item, type ItemKey } from './db.ts';
import { concurrentRequest, HttpProblem, malformed } from './errors.ts';

/** How long a replay is honoured. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface RecordedResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface StoredRecord extends RecordedResult {
  readonly fingerprint: string;
}

export const idempotencyRecordKey = (centerId: string, sub: string, key: string): ItemKey => ({ PK: `CENTER#${centerId}#IDEMPOTENCY#${sub}`, SK: key });

/** The client's Idempotency-Key header (absent → undefined), or 400 when it is malformed. */
export function idempotencyKeyIn(headers: Readonly<Record<string, string>>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw malformed({ zh: 'Idempotency-Key 格式错误。', en: 'Idempotency-Key is malformed.' }, [
      { path: '/headers/idempotency-key', code: 'pattern', message: { zh: '须为 1–64 个 A–Z、a–z、0–9、_ 或 - 字符', en: 'must be 1–64 characters of A–Z, a–z, 0–9, _ and -' } },
    ]);
  }
  return key;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v);

/** The request's fingerprint: a repeat must name the same operation, resource and body. */
export const fingerprintOf = (route: string, params: unknown, body: unknown) =>
  createHash('sha256').update(`${route}\n${canonical(params)}\n${canonical(body)}`).digest('base64url');

/** The Put an operation adds to its transaction to record its outcome. */
export type IdempotencyPut = ReturnType<IdempotencyScope['record']>;

/** Thrown to end a request with the recorded outcome of its key. */
export class Replayed extends Error {
  constructor(readonly result: RecordedResult) {
    super('replayed');
  }
}

const keyReused = () =>
  new HttpProblem(genericProblems['idempotency-key-reused'], {
    zh: '此 Idempotency-Key 已用于另一个请求；新请求请使用新的键。',
    en: 'This Idempotency-Key was used for another request; use a new key for a new request.',
  });

/** The recorded outcome as the answer to a repeat (422 when the key came with another request). */
function replayOf(stored: StoredRecord, fingerprint: string): RecordedResult {
  if (stored.fingerprint !== fingerprint) throw keyReused();
  return { status: stored.status, ...(stored.body !== undefined ? { body: stored.body } : {}), headers: { ...stored.headers, 'idempotent-replayed': 'true' } };
}

/**
 * One request's key: where its record lives, how to recognise a repeat, and
 * the Put an operation adds to its transaction.
 */
export class IdempotencyScope {
  private recorded = false;
  private found: RecordedResult | undefined;
  readonly recordKey: ItemKey;

  /** `replayedBy: 'operation'`: a repeat is not answered here; the operation reads `previous` and answers it. */
  constructor(centerId: string, sub: string, readonly key: string, readonly fingerprint: string, private readonly replayedBy: 'stack' | 'operation' = 'stack') {
    this.recordKey = idempotencyRecordKey(centerId, sub, key);
  }

  /** On routes that answer repeats themselves: the outcome recorded for this key, if any. */
  get previous(): RecordedResult | undefined {
    return this.found;
  }

  /** The Put of the outcome, for the operation's transaction; the transaction fails if the key was taken meanwhile. */
  record(result: RecordedResult, nowMs = Date.now()) {
    this.recorded = true;
    const { status, body, headers } = result;
    return {
      Put: {
        TableName: tableName(),
        Item: {
          ...this.recordKey, kind: 'idempotency', fingerprint: this.fingerprint, status,
          ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}),
          expiresAt: Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  get wasRecorded(): boolean {
    return this.recorded;
  }

  /** The recorded outcome found in a batch read, as a replay (throws `Replayed`), or nothing when the key is new. */
  settle(item: Item | undefined): void {
    if (!item || (item.expiresAt as number) * 1000 <= Date.now()) return;
    const replay = replayOf(item as unknown as StoredRecord, this.fingerprint);
    if (this.replayedBy === 'stack') throw new Replayed(replay);
    this.found = replay;
    // Answering a repeat records nothing new.
    this.recorded = true;
  }

  /** The outcome recorded by now, if any (after a concurrent change: the same key may have won). */
  async recordedOutcome(): Promise<RecordedResult | undefined> {
    const out = await db.send(new GetCommand({ TableName: tableName(), Key: this.recordKey, ConsistentRead: true }));
    return out.Item ? replayOf(out.Item as unknown as StoredRecord, this.fingerprint) : undefined;
  }
}

/**
 * A request that changed nothing (an account set to the status it has, a month
 * already closed) still records its Idempotency-Key's outcome, so a repeat
 * answers alike.
 */
export async function recordUnchanged(idempotency: IdempotencyPut | undefined): Promise<void> {
  if (!idempotency) return;
  try {
    await db.send(new PutCommand(idempotency.Put));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw concurrentRequest(msg('使用同一 Idempotency-Key 的请求正在处理；请重试。', 'A request with this Idempotency-Key is in progress; retry it.'));
  }
}

