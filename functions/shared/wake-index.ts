/**
 * The wake-up index of the watched clocks (GSI5, decision 62): an item waits in
 * its domain's partition under `<instant>#<centerId>#<id>`; a schedule takes
 * those whose instant has come, then moves each to its next instant or off the
 * index. The domains own their partitions and items; the conditional move is
 * the same for all of them, so it is here.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConcurrentChange, queryAll, tableName, type Item, type ItemKey } from './db.ts';

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
