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
 *   removal decision PK CENTER#<c>  SK REMOVAL#<username>#<yyyy>   (调离窗口: one per person and year)
 *   absence          PK CENTER#<c>  SK ABSENCE#<date>#<username>   (AB角: A away that day; the day's list is one Query)
 *   cover            PK CENTER#<c>  SK COVER#<date>#<username>     (what B works that day for absent colleagues: a string set of <A>#<windowId>)
 *   center index     PK CENTERS     SK <centerId>
 *   org events       PK CENTER#<c>  SK EVENT#<ulid>
 */
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { msg } from '#schemas/api/problems';
import type { Staff, StaffRemovalDecision } from '#schemas/api/org';
import type { OrgChangeData, StaffAbsenceData, StaffRemovalDecidedData } from '#schemas/events/org';
import { centerPk, centerProfileKey, centerSortKeys, type CenterProfile } from '#shared/center';
import { batchGetItems, db as defaultDb, isConcurrentChange, itemAt, queryAll, tableName, type ItemKey } from '#shared/db';
import { concurrentRequest, preconditionFailed } from '#shared/errors';
import type { AbsenceRecord } from './absences.ts';
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
 * The center's staff and windows together (the appraisal's directory): one
 * Query over the sort keys from `STAFF#` to `WINDOW#`, which hold no other
 * kind of entry (the prefix check keeps it so should one ever sort between).
 */
export async function staffAndWindows<S, W>(centerId: string): Promise<{ staff: Stored<S>[]; windows: Stored<W>[] }> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': centerPk(centerId), ':from': prefixes.staff, ':to': `${prefixes.window}\uffff` },
  });
  const of = (prefix: string) => items.filter((i) => String(i.SK).startsWith(prefix));
  return { staff: of(prefixes.staff).map((i) => strip<S>(i)), windows: of(prefixes.window).map((i) => strip<W>(i)) };
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

export const removalDecisionKey = (centerId: string, username: string, year: number) => ({ PK: centerPk(centerId), SK: `REMOVAL#${username}#${year}` });

/** A staff member, whether their removal in `year` was decided, and `alsoRead` (the complaints domain's standing): one BatchGetItem. */
export async function removalContext(centerId: string, username: string, year: number, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([entryKey(centerId, 'staff', username), removalDecisionKey(centerId, username, year), ...alsoRead]);
  const staff = itemAt(found, entryKey(centerId, 'staff', username));
  return { staff: staff ? strip<Staff>(staff) : undefined, decided: itemAt(found, removalDecisionKey(centerId, username, year)) !== undefined, found };
}

/** The decisions taken on these people's removal in `year`, and `alsoRead` (the request's checks): one BatchGetItem. */
export async function removalDecisions(centerId: string, year: number, usernames: readonly string[], alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([...usernames.map((u) => removalDecisionKey(centerId, u, year)), ...alsoRead]);
  const of = new Map<string, StaffRemovalDecision>();
  for (const u of usernames) {
    const item = itemAt(found, removalDecisionKey(centerId, u, year));
    if (item) of.set(u, strip<StaffRemovalDecision>(item));
  }
  return { of, found };
}

/**
 * Records a removal decision once (a second for the person and year meets the
 * first: 409), with the staff entry off its windows when it takes them off
 * (still at the revision read: 412 otherwise), its event and the request's
 * Idempotency-Key record, in one transaction.
 */
export async function writeRemovalDecision(
  centerId: string,
  decision: StaffRemovalDecision,
  staff: { entry: Stored<Staff>; readRev: number } | undefined,
  event: EventDraft<StaffRemovalDecidedData>,
  idempotency: IdempotencyPut | undefined,
): Promise<void> {
  try {
    await defaultDb.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { ...removalDecisionKey(centerId, decision.username, decision.year), kind: 'removalDecision', centerId, ...decision }, ConditionExpression: 'attribute_not_exists(PK)' } },
        ...(staff ? [{ Put: { TableName: tableName(), Item: { ...entryKey(centerId, 'staff', decision.username), kind: 'staff', centerId, ...staff.entry }, ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': staff.readRev } } }] : []),
        { Put: { TableName: tableName(), Item: outboxItem(centerPk(centerId), event).item } },
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw preconditionFailed(msg(`人员 ${decision.username} 或其调离决定刚被同时修改；请重新读取后再试。`, `Staff member ${decision.username} or their removal decision changed at the same moment; read them again and retry.`));
  }
}

export const absenceKey = (centerId: string, date: string, username: string) => ({ PK: centerPk(centerId), SK: `ABSENCE#${date}#${username}` });
export const coverKey = (centerId: string, date: string, username: string) => ({ PK: centerPk(centerId), SK: `COVER#${date}#${username}` });

/** A staff member, their absence on `date` if marked, the center's profile (its time zone) and `alsoRead` (the request's checks): one BatchGetItem. */
export async function absenceContext(centerId: string, username: string, date: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([entryKey(centerId, 'staff', username), absenceKey(centerId, date, username), centerProfileKey(centerId), ...alsoRead]);
  const staff = itemAt(found, entryKey(centerId, 'staff', username));
  const absence = itemAt(found, absenceKey(centerId, date, username));
  return {
    staff: staff ? strip<Staff>(staff) : undefined,
    existing: absence ? strip<AbsenceRecord>(absence) : undefined,
    timeZone: itemAt(found, centerProfileKey(centerId))?.timeZone as string | undefined,
    found,
  };
}

/** A backup's cover entry for one of A's windows (`<A>#<windowId>`): what marking A absent adds to B, and withdrawing it takes back. */
const coverEntries = (a: Pick<AbsenceRecord, 'username' | 'windowIds'>) => a.windowIds.map((w) => `${a.username}#${w}`);
/** The windows a backup works for absent colleagues, from their cover item as read. */
export const coveredWindows = (cover: { windows?: Set<string> } | undefined): string[] => [...(cover?.windows ?? [])].map((e) => e.slice(e.indexOf('#') + 1));

/** The cover entries an absence gives (or, withdrawn, takes from) each backup: one update per backup with windows to cover. */
const coverUpdates = (centerId: string, a: AbsenceRecord, op: 'ADD' | 'DELETE') => {
  const entries = coverEntries(a);
  if (entries.length === 0) return [];
  return a.coveredBy.map((b) => ({
    Update: { TableName: tableName(), Key: coverKey(centerId, a.date, b.username), UpdateExpression: `${op} windows :w`, ExpressionAttributeValues: { ':w': new Set(entries) } },
  }));
};

/**
 * Marks an absence once (a concurrent mark of the same day meets it: 409),
 * gives each backup A's windows for the day, with its event and the request's
 * Idempotency-Key record, in one transaction.
 */
export async function writeAbsence(centerId: string, a: AbsenceRecord, event: EventDraft<StaffAbsenceData>, idempotency: IdempotencyPut | undefined): Promise<void> {
  try {
    await defaultDb.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { ...absenceKey(centerId, a.date, a.username), kind: 'absence', centerId, ...a }, ConditionExpression: 'attribute_not_exists(PK)' } },
        ...coverUpdates(centerId, a, 'ADD'),
        { Put: { TableName: tableName(), Item: outboxItem(centerPk(centerId), event).item } },
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw concurrentRequest(msg(`${a.username} 在 ${a.date} 的缺岗刚被同时登记；请重新读取。`, `The absence of ${a.username} on ${a.date} was marked at the same moment; read it again.`));
  }
}

/** Withdraws an absence as it was read, taking back what it gave the backups, with its event, in one transaction. */
export async function deleteAbsence(centerId: string, a: AbsenceRecord, event: EventDraft<StaffAbsenceData>, idempotency: IdempotencyPut | undefined): Promise<void> {
  try {
    await defaultDb.send(new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: absenceKey(centerId, a.date, a.username), ConditionExpression: 'markedAt = :at', ExpressionAttributeValues: { ':at': a.markedAt } } },
        ...coverUpdates(centerId, a, 'DELETE'),
        { Put: { TableName: tableName(), Item: outboxItem(centerPk(centerId), event).item } },
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw concurrentRequest(msg(`${a.username} 在 ${a.date} 的缺岗刚被同时修改；请重新读取。`, `The absence of ${a.username} on ${a.date} changed at the same moment; read it again.`));
  }
}

/** The absences marked on `from`…`to` (center dates), in date order: one Query. */
export async function absencesBetween(centerId: string, from: string, to: string): Promise<AbsenceRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': centerPk(centerId), ':from': `ABSENCE#${from}#`, ':to': `ABSENCE#${to}#\uffff` },
  });
  return items.map((i) => strip<AbsenceRecord>(i));
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
