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
 *   org events       PK CENTER#<c>  SK EVENT#<ulid>
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrgChangeData } from '#schemas/events/org';
import { db as defaultDb, isConcurrentChange, requiredEnv } from '#shared/db';
import { conflict, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';

const table = () => requiredEnv('TABLE_NAME');
const centerPk = (centerId: string) => `CENTER#${centerId}`;

export type EntryKind = 'department' | 'window' | 'calendar' | 'staff';
const prefixes: Record<EntryKind, string> = { department: 'DEPT#', window: 'WINDOW#', calendar: 'CALENDAR#', staff: 'STAFF#' };

const entryKey = (centerId: string, kind: EntryKind, id: string) => ({ PK: centerPk(centerId), SK: `${prefixes[kind]}${id}` });

/** An entry as stored: its fields plus the revision its ETag names. */
export type Stored<T> = T & { readonly rev: number };

function strip<T>(item: Record<string, unknown>): Stored<T> {
  const { PK: _pk, SK: _sk, kind: _kind, centerId: _c, ...rest } = item;
  return rest as Stored<T>;
}

/** Strongly consistent: entries are read to be changed, or to hand out an ETag. */
export async function getEntry<T>(centerId: string, kind: EntryKind, id: string): Promise<Stored<T> | undefined> {
  const out = await defaultDb.send(new GetCommand({ TableName: table(), Key: entryKey(centerId, kind, id), ConsistentRead: true }));
  return out.Item ? strip<T>(out.Item) : undefined;
}

/** Every entry of a kind in the center, in key order (a center has tens of departments and windows, not thousands). */
export async function listEntries<T>(centerId: string, kind: EntryKind): Promise<Stored<T>[]> {
  const items: Stored<T>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await defaultDb.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': prefixes[kind] },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(out.Items ?? []).map((i) => strip<T>(i)));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Creates (`expectedRev` undefined: the entry must not exist) or replaces (the
 * stored revision must be `expectedRev`) an entry, with its event, in one transaction.
 */
export async function putEntry<T extends object>(
  centerId: string,
  kind: EntryKind,
  id: string,
  entry: Stored<T>,
  expectedRev: number | undefined,
  event: EventDraft<OrgChangeData>,
  /** Items that change with the entry, e.g. an account's status. */
  alsoPut: readonly Record<string, unknown>[] = [],
): Promise<void> {
  const condition =
    expectedRev === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } };
  try {
    await defaultDb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: { ...entryKey(centerId, kind, id), kind, centerId, ...entry }, ...condition } },
          { Put: { TableName: table(), Item: outboxItem(centerPk(centerId), event).item } },
          ...alsoPut.map((Item) => ({ Put: { TableName: table(), Item } })),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw expectedRev === undefined
      ? conflict(`The ${kind} ${id} was created at the same moment; read it and retry with If-Match.`)
      : preconditionFailed(`The ${kind} ${id} changed since you read it; read it again and retry.`);
  }
}

export interface CenterProfile {
  readonly centerId: string;
  readonly name: string;
  readonly timeZone: string;
}

/** Centers are set up by the platform's operators (no API yet): the local seed writes the demo center's profile. */
export async function putCenterProfile(client: DynamoDBDocumentClient, tableName: string, profile: CenterProfile): Promise<void> {
  await client.send(new PutCommand({ TableName: tableName, Item: { PK: centerPk(profile.centerId), SK: 'PROFILE', kind: 'center', ...profile } }));
}
