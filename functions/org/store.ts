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
import type { CalendarYear } from '#shared/calendar';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OrgChangeData } from '#schemas/events/org';
import { db as defaultDb, isConcurrentChange, queryAll, tableName } from '#shared/db';
import { conflict, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';

/** The center's partition: org entries, and other domains' center-wide items (applicants, their events). */
export const centerPk = (centerId: string) => `CENTER#${centerId}`;

export type EntryKind = 'center' | 'department' | 'window' | 'calendar' | 'staff';
// The center's own profile is the one entry of its kind: its id is empty.
const prefixes: Record<EntryKind, string> = { center: 'PROFILE', department: 'DEPT#', window: 'WINDOW#', calendar: 'CALENDAR#', staff: 'STAFF#' };

const entryKey = (centerId: string, kind: EntryKind, id: string) => ({ PK: centerPk(centerId), SK: `${prefixes[kind]}${id}` });

/** Other domains check that a center exists (e.g. at registration) with this key. */
export const centerProfileKey = (centerId: string) => entryKey(centerId, 'center', '');

/** Cases read the calendar years their time limits run through with this key, and this reading of the item. */
export const calendarYearKey = (centerId: string, year: number) => entryKey(centerId, 'calendar', String(year));
const calendarYearOf = (item: Record<string, unknown>, year: number): CalendarYear => ({
  year,
  holidays: item.holidays as string[],
  workdays: item.workdays as string[],
});

/** The calendar years found in another domain's batch read (read with `calendarYearKey`). */
export function calendarYearsIn(found: Map<string, Record<string, unknown>>, centerId: string, years: readonly number[]): CalendarYear[] {
  return years.flatMap((year) => {
    const k = calendarYearKey(centerId, year);
    const item = found.get(`${k.PK}|${k.SK}`);
    return item ? [calendarYearOf(item, year)] : [];
  });
}

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

/** Every entry of a kind in the center, in key order (a center has tens of departments and windows, not thousands). */
export async function listEntries<T>(centerId: string, kind: EntryKind): Promise<Stored<T>[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': prefixes[kind] } });
  return items.map((i) => strip<T>(i));
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
          { Put: { TableName: tableName(), Item: { ...entryKey(centerId, kind, id), kind, centerId, ...entry }, ...condition } },
          { Put: { TableName: tableName(), Item: outboxItem(centerPk(centerId), event).item } },
          ...alsoPut.map((Item) => ({ Put: { TableName: tableName(), Item } })),
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
  readonly code?: string;
}

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
        updatedAt: new Date().toISOString(), updatedBy: 'operator', rev: 1,
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

/** Every center of the deployment (a handful: one Query). */
export async function listCenters(): Promise<string[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'CENTERS' } });
  return items.map((item) => item.centerId as string);
}
