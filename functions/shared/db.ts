/**
 * The DynamoDB document client, created once per container. The endpoint comes
 * from the SDK's standard AWS_ENDPOINT_URL_DYNAMODB in the local cloud.
 *
 * Without its own timeouts the SDK waits on a stalled connection until Lambda
 * kills the function, and the client gets the runtime's bare 500. Each attempt
 * is cut short instead (DynamoDB answers in milliseconds; a transaction in tens),
 * so three attempts end well inside the function's timeout and the HTTP stack
 * answers 503/504 itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/** Per stage (infra/config.ts); 2.5 s when unset. */
const attemptTimeoutMs = Number(process.env.DYNAMODB_ATTEMPT_TIMEOUT_MS ?? 2_500);

export const db = DynamoDBDocumentClient.from(new DynamoDBClient({
  maxAttempts: 3,
  // Without throwOnRequestTimeout the SDK only logs a warning when an attempt runs over, and goes on waiting.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: attemptTimeoutMs, throwOnRequestTimeout: true },
}), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

let invocationSignal: AbortSignal | undefined;

/**
 * The HTTP stack hands in each invocation's abort signal. Once the request has
 * been answered (the early timeout's "outcome unknown"), no new attempt
 * starts: a retry of the client must not race a write still being tried here.
 */
export const bindInvocationSignal = (signal: AbortSignal | undefined) => {
  invocationSignal = signal;
};

db.middlewareStack.add(
  (next) => async (args) => {
    if (invocationSignal?.aborted) throw Object.assign(new Error('the request was already answered; no new attempt'), { name: 'AbortError' });
    return next(args);
  },
  // Inside the retry middleware (finalizeRequest, high): checked before every attempt.
  { step: 'finalizeRequest', priority: 'low', name: 'noAttemptAfterAnswer' },
);

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The single table every domain's store writes to. */
export const tableName = () => requiredEnv('TABLE_NAME');

/**
 * True when a conditional write or transaction lost to another writer: a
 * condition failed, or DynamoDB cancelled the transaction because another
 * transaction was changing the same item at the same moment.
 */
export function isConcurrentChange(err: unknown): boolean {
  if ((err as { name?: string }).name === 'ConditionalCheckFailedException' || isTransactionConflict(err)) return true;
  return cancellationCodes(err).includes('ConditionalCheckFailed');
}

/** Another transaction held one of the items (a retry may succeed), whether the call or one of its items says so. */
export function isTransactionConflict(err: unknown): boolean {
  return (err as { name?: string }).name === 'TransactionConflictException' || cancellationCodes(err).includes('TransactionConflict');
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * A consumer's write applied once per event: `marker` (an inbox item, put only
 * where none is) first, then `changes`, in one transaction. A marker already
 * there means the event was applied (`duplicate`). A conflict with another
 * transaction (counters many events add to) is retried after a random pause
 * growing from `pauseMs`, `attempts` times in all, then thrown for the
 * consumer's own retries.
 */
export async function writeOnce(marker: TransactItem, changes: readonly TransactItem[], retry: { attempts: number; pauseMs: number }): Promise<'written' | 'duplicate'> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: [marker, ...changes] }));
      return 'written';
    } catch (err) {
      if (cancellationCodes(err)[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (!isTransactionConflict(err) || attempt === retry.attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * retry.pauseMs * 2 ** attempt));
    }
  }
}

const cancellationCodes = (err: unknown): (string | undefined)[] =>
  (err as { name?: string }).name === 'TransactionCanceledException' ? ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code) : [];

export type ItemKey = { PK: string; SK: string };
export type Item = Record<string, unknown>;

/**
 * Many keys in one BatchGetItem (strongly consistent; duplicates sent once),
 * retrying what DynamoDB leaves unprocessed. Read the result with `itemAt`.
 */
export async function batchGetItems(keyList: readonly ItemKey[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  let pending: ItemKey[] = [...new Map(keyList.map((k) => [`${k.PK}|${k.SK}`, k])).values()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 5) throw new Error('BatchGetItem left keys unprocessed after 5 retries');
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true } } }));
    for (const item of out.Responses?.[tableName()] ?? []) found.set(`${item.PK}|${item.SK}`, item);
    pending = (out.UnprocessedKeys?.[tableName()]?.Keys ?? []) as ItemKey[];
  }
  return found;
}

export const itemAt = (found: Map<string, Item>, k: ItemKey): Item | undefined => found.get(`${k.PK}|${k.SK}`);

/**
 * The items a page of index entries points to, in the page's order, with one
 * BatchGetItem (a page holds at most 100): `pointsTo` gives the key an entry
 * points to, or undefined for an entry that is the item itself (one written
 * before its domain moved the index keys to a small entry: decisions 121–122).
 * An entry is written in its item's transaction, so a missing item is a broken
 * table, not an empty page.
 */
export async function itemsPointedTo(entries: readonly Item[], pointsTo: (entry: Item) => ItemKey | undefined): Promise<Item[]> {
  const keys = entries.map(pointsTo);
  const pointed = keys.filter((k): k is ItemKey => k !== undefined);
  const found = pointed.length ? await batchGetItems(pointed) : new Map<string, Item>();
  return entries.map((entry, i) => {
    const key = keys[i];
    if (!key) return entry;
    const item = itemAt(found, key);
    if (!item) throw new Error(`index entry ${String(entry.PK)} ${String(entry.SK)} points to no item (${key.PK} ${key.SK})`);
    return item;
  });
}

/**
 * Every item a Query matches, page after page, on this table: for key ranges
 * that are small by design (a case's partition, a day's records, a center's
 * departments). Lists shown to clients page with a cursor instead.
 */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, TableName: tableName(), ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
