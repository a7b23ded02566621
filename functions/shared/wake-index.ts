/**
 * The wake-up index of the watched clocks (GSI5, decision 62): an item waits in
 * its domain's partition under `<instant>#<centerId>#<id>`; a schedule takes
 * those whose instant has come, then moves each to its next instant or off the
 * index. The domains own their partitions and items; the conditional move is
 * the same for all of them, so it is here.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConcurrentChange, queryAll, tableName, type Item, type ItemKey } from './db.ts';
import { logger } from './logger.ts';

/** The items of a watch partition whose wake-up has come by `now` (one Query, every page), with the attributes `projection` names. */
export const awake = (pk: string, now: string, projection: string): Promise<Item[]> =>
  queryAll({ IndexName: 'GSI5', KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :to', ExpressionAttributeValues: { ':pk': pk, ':to': `${now}~` }, ProjectionExpression: projection });

/** The sort key an item waits under. */
export const wakeUpAt = (instant: string, centerId: string, id: string) => `${instant}#${centerId}#${id}`;

/**
 * Moves the item's wake-up to `next`, or off the index, unless it moved since
 * `seen` was read: a change meanwhile put it back on the watch, to be looked at
 * again as it now is.
 */
export async function moveWakeUp(key: ItemKey, seen: string, next: string | undefined, centerId: string, id: string): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        ...(next
          ? { UpdateExpression: 'SET GSI5SK = :next', ExpressionAttributeValues: { ':seen': seen, ':next': wakeUpAt(next, centerId, id) } }
          : { UpdateExpression: 'REMOVE GSI5PK, GSI5SK', ExpressionAttributeValues: { ':seen': seen } }),
        ConditionExpression: 'GSI5SK = :seen',
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
  }
}

// ---------------------------------------------------------------------------
// The levels a watcher published: a marker per clock and level in the
// subject's own partition, written with the level's event (an outbox item).

const thresholdSk = (clock: string, level: string) => `THRESHOLD#${clock}#${level}`;
/** Only the marker's condition failing means "already done"; a conflict is retried on the next run. */
const markerConditionFailed = (err: unknown) => (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

/** The `<clock>#<level>`s of the subject already published: one Query. */
export async function publishedLevels(pk: string): Promise<Set<string>> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)',
    ExpressionAttributeValues: { ':pk': pk, ':t': 'THRESHOLD#' },
    ProjectionExpression: 'SK',
  });
  return new Set(items.map((i) => (i.SK as string).slice('THRESHOLD#'.length)));
}

/** Publishes a reached level once: its marker and its event in one transaction; false when already published. */
export async function publishLevel(pk: string, clock: string, level: string, at: string, eventItem: Item): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { PK: pk, SK: thresholdSk(clock, level), kind: 'threshold', at }, ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: tableName(), Item: eventItem } },
      ],
    }));
    return true;
  } catch (err) {
    if (markerConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Withdraws a published level the clock no longer reaches (its limit moved
 * later): its marker goes, so it is published again if the new instant comes,
 * and its event tells supervision. False when another run withdrew it first.
 */
export async function withdrawLevel(pk: string, clock: string, level: string, eventItem: Item): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: { PK: pk, SK: thresholdSk(clock, level) }, ConditionExpression: 'attribute_exists(PK)' } },
        { Put: { TableName: tableName(), Item: eventItem } },
      ],
    }));
    return true;
  } catch (err) {
    if (markerConditionFailed(err)) return false;
    throw err;
  }
}

/**
 * Looks at each awake entry, `concurrency` at a time, with `look` (the number of events it published). One
 * that fails is logged and stays on the index for the next run; the others go on.
 */
export async function watchEach<E>(
  name: string,
  due: readonly E[],
  look: (entry: E) => Promise<number>,
  idOf: (entry: E) => Record<string, string>,
  concurrency = 1,
): Promise<{ looked: number; published: number; failed: number }> {
  let published = 0;
  let failed = 0;
  let i = 0;
  const worker = async () => {
    while (i < due.length) {
      const entry = due[i++]!;
      try {
        published += await look(entry);
      } catch (err) {
        failed++;
        logger.error(`${name} failed`, { ...idOf(entry), error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  logger.info(name, { looked: due.length, published, failed });
  return { looked: due.length, published, failed };
}
