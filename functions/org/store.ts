/**
 * Keys of the org domain: a center's profile, departments, windows and
 * working-day calendar years all live in the center's partition, so the
 * directory of a center is one Query and each entry one GetItem.
 *
 *   center profile   PK CENTER#<c>  SK PROFILE
 *   department       PK CENTER#<c>  SK DEPT#<departmentId>
 *   window           PK CENTER#<c>  SK WINDOW#<windowId>
 *   calendar year    PK CENTER#<c>  SK CALENDAR#<yyyy>
 *   staff member     PK CENTER#<c>  SK STAFF#<username>   (account status: shared/accounts.ts)
 *   center index     PK CENTERS     SK <centerId>
 *   org events       PK CENTER#<c>  SK EVENT#<ulid>
 */
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { msg } from '#schemas/api/problems';
import type { OrgChangeData } from '#schemas/events/org';
import { centerPk, centerProfileKey, centerSortKeys, type CenterProfile } from '#shared/center';
import { db as defaultDb, isConcurrentChange, queryAll, tableName } from '#shared/db';
import { concurrentRequest, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';

export type EntryKind = 'center' | 'department' | 'window' | 'calendar' | 'staff';
// The center's own profile is the one entry of its kind: its id is empty. The profile and
// calendar keys are the shared kernel's (shared/center.ts), which every domain reads.
const prefixes: Record<EntryKind, string> = { center: centerSortKeys.profile, department: 'DEPT#', window: 'WINDOW#', calendar: centerSortKeys.calendarYear, staff: 'STAFF#' };

/** What people call each kind of entry in Chinese (the English messages use the API's names). */
const kindZh: Record<EntryKind, string> = { center: '中心信息', department: '部门', window: '窗口', calendar: '工作日历', staff: '人员' };

export const entryKey = (centerId: string, kind: EntryKind, id: string) => ({ PK: centerPk(centerId), SK: `${prefixes[kind]}${id}` });

/** An entry as stored: its fields plus the revision its ETag names. */
export type Stored<T> = T & { readonly rev: number };

function strip<T>(item: Record<string, unknown>): Stored<T> {
  const { PK: _pk, SK: _sk, kind: _kind, centerId: _c, ...rest } = item;
  return rest as Stored<T>;
}

/** Strongly consistent: entries are read to be changed, or to hand out an ETag. */
export async function getEntry<T>(centerId: string, kind: EntryKind, id: string): Promise<Stored<T> | undefined> {
  const out = await defaultDb.send(new GetCommand({ TableName: tableName(), Key: entryKey(centerId, kind, id), ConsistentRead: true }));
  return out.Item ? strip<T>(out.Item) : undefined;
}

/**
 * Every entry of a kind in the center, in key order (a center has tens of
 * departments and windows and hundreds of staff, not thousands), optionally
 * only those whose `field` holds `value`.
 */
export async function listEntries<T>(centerId: string, kind: EntryKind, where?: { readonly field: string; readonly value: string }): Promise<Stored<T>[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ...(where ? { FilterExpression: '#field = :value', ExpressionAttributeNames: { '#field': where.field } } : {}),
    ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': prefixes[kind], ...(where ? { ':value': where.value } : {}) },
  });
  return items.map((i) => strip<T>(i));
}

/**
 * Creates (`expectedRev` undefined: the entry must not exist) or replaces (the
 * stored revision must be `expectedRev`) an entry, with its event and the
 * record of the request's Idempotency-Key (if any), in one transaction.
 */
export async function putEntry<T extends object>(
  centerId: string,
  kind: EntryKind,
  id: string,
  entry: Stored<T>,
  expectedRev: number | undefined,
  event: EventDraft<OrgChangeData>,
  /** Items that change with the entry, e.g. an account's status. */
  alsoPut: readonly Record<string, unknown>[],
  idempotency: IdempotencyPut | undefined,
): Promise<void> {
  const condition =
    expectedRev === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };
  try {
    await defaultDb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { ...entryKey(centerId, kind, id), kind, centerId, ...entry }, ...condition } },
          { Put: { TableName: tableName(), Item: outboxItem(centerPk(centerId), event).item } },
          ...alsoPut.map((Item) => ({ Put: { TableName: tableName(), Item } })),
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    const what = { zh: `${kindZh[kind]}${id ? ` ${id}` : ''}`, en: id ? `${kind} ${id}` : kind };
    throw expectedRev === undefined
      ? concurrentRequest(msg(`${what.zh}刚被同时创建；请读取后带 If-Match 重试。`, `The ${what.en} was created at the same moment; read it and retry with If-Match.`))
      : preconditionFailed(msg(`${what.zh}在您读取后已被修改；请重新读取后再试。`, `The ${what.en} changed since you read it; read it again and retry.`));
  }
}

export { recordUnchanged } from '#shared/idempotency';

/**
 * A center comes into being when the platform's operators set it up (there is
 * no role above center_admin): the local seed writes the demo center this way.
 * Its admin then maintains the profile through the API.
 */
export async function putCenterProfile(client: DynamoDBDocumentClient, tableName: string, profile: CenterProfile): Promise<void> {
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...centerProfileKey(profile.centerId), kind: 'center', centerId: profile.centerId, name: profile.name, timeZone: profile.timeZone, ...(profile.code ? { code: profile.code } : {}),
        // Set up by the platform, not by a person: the system is its actor.
        updatedAt: new Date().toISOString(), updatedBy: 'system', rev: 1,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  ).catch((err: { name?: string }) => {
    if (err.name !== 'ConditionalCheckFailedException') throw err;
  });
  // The directory of centers, for the jobs that visit every center (staff notices).
  await client.send(new PutCommand({ TableName: tableName, Item: { ...centerIndexKey(profile.centerId), kind: 'centerIndex', centerId: profile.centerId } }));
}

const centerIndexKey = (centerId: string) => ({ PK: 'CENTERS', SK: centerId });

/** Every center's id, from the directory of centers: one Query (a province has a few hundred). */
export async function listCenterIds(): Promise<string[]> {
  return (await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'CENTERS' }, ProjectionExpression: 'SK' })).map((i) => i.SK as string);
}
