/**
 * A center's settings-like item (one per center and kind: evaluation and
 * complaint time limits, the appraisal's indicator table) created, or replaced
 * on the revision its writer read (If-Match), with its event and the recorded
 * outcome in one transaction. The domain's store owns the key; this owns the
 * revision rule, so a lost race answers the same way in every domain.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Text } from '#schemas/api/problems';
import { db, isConcurrentChange, tableName, type ItemKey } from './db.ts';
import { concurrentRequest, type HttpProblem } from './errors.ts';
import { outboxItem, type EventDraft } from './events.ts';
import type { IdempotencyPut } from './idempotency.ts';

export interface RevisionedPut {
  readonly key: ItemKey;
  readonly kind: string;
  readonly centerId: string;
  readonly body: object;
  readonly meta: { readonly by: string; readonly at: string; readonly rev: number };
  /** The revision read; undefined: the item is created and must not exist yet. */
  readonly expectedRev: number | undefined;
  readonly event: EventDraft<unknown>;
  readonly idempotency?: IdempotencyPut;
  /** Said when another writer created the item at the same moment (428-style: read it, retry with If-Match). */
  readonly createdMeanwhile: Text;
  /** The 412 of a revision that moved since it was read. */
  readonly changed: () => HttpProblem;
}

export async function putRevisioned(w: RevisionedPut): Promise<void> {
  const { key, meta, expectedRev } = w;
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...key, kind: w.kind, centerId: w.centerId, ...w.body, updatedAt: meta.at, updatedBy: meta.by, rev: meta.rev },
            ...(expectedRev === undefined
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
          },
        },
        { Put: { TableName: tableName(), Item: outboxItem(key.PK as string, w.event).item } },
        ...(w.idempotency ? [w.idempotency] : []),
      ],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw expectedRev === undefined ? concurrentRequest(w.createdMeanwhile) : w.changed();
  }
}
