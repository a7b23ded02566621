/**
 * Keys, reads and writes of the queue's monthly counters: the only module
 * that knows them. The catalog's item heads are read through its public module.
 *
 *   counters  PK CENTER#<c>#QUEUE#STATS#<yyyy-mm>  SK CENTER | CATEGORY#<code> | WINDOW#<w> | STAFF#<userId> | DEPT#<d>
 *   inbox     PK CENTER#<c>#QUEUE#INBOX#<eventId>  SK INBOX   (an event counted; TTL 30 days)
 *
 * The counters are not written in the ticket's transactions: the center's and
 * a category's rows would be hot across every window and kiosk, and a call must
 * never fail because another window's was counted at the same moment. The
 * counting consumer adds an event's change with its inbox marker, in a
 * transaction of its own (as the evaluation figures, decision 70).
 */
import { batchGetItems, itemAt, queryAll, tableName, writeOnce } from '#shared/db';
import { itemHeadKey, type StoredHead } from '../../catalog/public.ts';
import { counterNames, type CountChange, type CounterRow, type Counters, type Dimension } from './rules.ts';

const statsPk = (c: string, month: string) => `CENTER#${c}#QUEUE#STATS#${month}`;
const inboxKey = (c: string, eventId: string) => ({ PK: `CENTER#${c}#QUEUE#INBOX#${eventId}`, SK: 'INBOX' });
const rowSk: Readonly<Record<Dimension, (id: string) => string>> = {
  center: () => 'CENTER', category: (id) => `CATEGORY#${id}`, window: (id) => `WINDOW#${id}`, staff: (id) => `STAFF#${id}`, department: (id) => `DEPT#${id}`,
};

const INBOX_TTL_SECONDS = 30 * 24 * 3600;
/** Attempts of one count when another count holds the same rows (TransactionConflict); then the consumer's retries. */
const COUNT_ATTEMPTS = 6;

/** Every counter row of a center's month: one Query (a center has tens of categories, windows and staff). */
export async function monthRows(centerId: string, month: string): Promise<CounterRow[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': statsPk(centerId, month) } });
  return items.map((item) => ({
    dimension: item.dimension as Dimension,
    id: item.dimensionId as string,
    counters: Object.fromEntries(counterNames.map((n) => [n, Number(item[n] ?? 0)])) as Partial<Counters>,
  }));
}

/** The departments the items belong to (items the catalog does not know are left out): one BatchGetItem. */
export async function departmentsOfItems(centerId: string, itemCodes: readonly string[]): Promise<string[]> {
  if (itemCodes.length === 0) return [];
  const found = await batchGetItems(itemCodes.map((code) => itemHeadKey(centerId, code)));
  return itemCodes.flatMap((code) => {
    const head = itemAt(found, itemHeadKey(centerId, code)) as StoredHead | undefined;
    return head ? [head.departmentId] : [];
  });
}

function rowUpdate(centerId: string, change: CountChange, dimension: Dimension, id: string) {
  const entries = Object.entries(change.delta) as [string, number][];
  return {
    Update: {
      TableName: tableName(),
      Key: { PK: statsPk(centerId, change.month), SK: rowSk[dimension](id) },
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET #kind = :kind, #dim = :dim, #dimId = :dimId, #month = :month`,
      ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])), '#kind': 'kind', '#dim': 'dimension', '#dimId': 'dimensionId', '#month': 'month' },
      ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, v], i) => [`:c${i}`, v])), ':kind': 'queueCounters', ':dim': dimension, ':dimId': id, ':month': change.month },
    },
  };
}

/**
 * Adds an event's change once: its inbox marker and one ADD per row in one
 * transaction, so a redelivered event counts nothing (`duplicate`). Counts
 * of one center and month contend for its rows: a conflict is retried after
 * a short random pause, then left to the consumer's retries.
 */
export async function countOnce(centerId: string, consumed: { eventId: string; detailType: string; nowMs: number }, change: CountChange): Promise<'counted' | 'duplicate'> {
  const marker = {
    Put: {
      TableName: tableName(),
      Item: { ...inboxKey(centerId, consumed.eventId), kind: 'queueInbox', detailType: consumed.detailType, expiresAt: Math.floor(consumed.nowMs / 1000) + INBOX_TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  const rows = [...new Map(change.rows.map((r) => [`${r.dimension}#${r.id}`, r])).values()];
  const outcome = await writeOnce(marker, rows.map((r) => rowUpdate(centerId, change, r.dimension, r.id)), { attempts: COUNT_ATTEMPTS, pauseMs: 25 });
  return outcome === 'written' ? 'counted' : 'duplicate';
}
