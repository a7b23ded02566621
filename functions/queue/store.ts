/**
 * Keys, reads and transactions of the queue: the only module that knows them.
 * The org domain's windows and staff are read through its public module, the
 * center's profile through the shared kernel.
 *
 *   category         PK CENTER#<c>  SK QUEUE#CATEGORY#<code>   { code, name, itemCodes, windowIds, callsBeforeMissed, rev }
 *   item's category  PK CENTER#<c>  SK QUEUE#ITEM#<itemCode>   { categoryCode } (no categoryCode once released)
 *   day counter      PK CENTER#<c>#QUEUE#<date>  SK COUNTER#<code>  { last, serviceSeconds[] }
 *   ticket           PK CENTER#<c>#QUEUE#<date>  SK TICKET#<ticketId>
 *                    GSI1 while waiting: CENTER#<c>#QUEUE#<date>#WAITING / <code>#<rank>#<takenAt>#<ticketId>
 *                    GSI2 once called:   CENTER#<c>#QUEUE#<date>#CALLS / <calledAt>#<ticketId>
 *                    GSI3 while called or serving: CENTER#<c>#QUEUE#<date>#AT_WINDOWS / <windowId>#<calledAt>#<ticketId>
 *   visit            PK CENTER#<c>#QUEUE#<date>  SK VISIT#<visitId>
 *   events (outbox)  the ticket's day partition, a category's center partition: SK EVENT#<ulid>
 *
 * Domain functions may not delete: a ticket leaves the waiting list by losing
 * its GSI1 keys in the same conditional update that calls it, so two windows
 * never call one ticket (the loser's condition fails and it takes the next).
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Category, CategoryBody } from '#schemas/api/queue';
import { DEFAULT_CALLS_BEFORE_MISSED } from '#schemas/api/queue-defaults';
import { msg } from '#schemas/api/problems';
import { centerPk, centerProfileKey, DEFAULT_TIME_ZONE } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { concurrentRequest, fault, preconditionFailed, problem } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { orgEntryKeys } from '../org/public.ts';
import type { TicketRecord } from './lifecycle.ts';
import { queueProblems } from './problems.ts';
import { rankOf } from './rules.ts';

/** A TransactWriteItem in lib-dynamodb's shape. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CATEGORY = 'QUEUE#CATEGORY#';
const categoryKey = (c: string, code: string): ItemKey => ({ PK: centerPk(c), SK: `${CATEGORY}${code}` });
const claimKey = (c: string, itemCode: string): ItemKey => ({ PK: centerPk(c), SK: `QUEUE#ITEM#${itemCode}` });
const dayPk = (c: string, date: string) => `CENTER#${c}#QUEUE#${date}`;
const counterKey = (c: string, date: string, code: string): ItemKey => ({ PK: dayPk(c, date), SK: `COUNTER#${code}` });
/** The ticket id starts with its day (YYYYMMDD): its partition is known from the id alone. */
export const dateOfTicket = (ticketId: string) => `${ticketId.slice(0, 4)}-${ticketId.slice(4, 6)}-${ticketId.slice(6, 8)}`;
const ticketKey = (c: string, ticketId: string): ItemKey => ({ PK: dayPk(c, dateOfTicket(ticketId)), SK: `TICKET#${ticketId}` });
const waitingPk = (c: string, date: string) => `${dayPk(c, date)}#WAITING`;
const callsPk = (c: string, date: string) => `${dayPk(c, date)}#CALLS`;
const atWindowsPk = (c: string, date: string) => `${dayPk(c, date)}#AT_WINDOWS`;

export type StoredCategory = Category & { readonly rev: number };

function categoryOf(item: Item): StoredCategory {
  const { PK: _p, SK: _s, kind: _k, centerId: _c, ...rest } = item;
  // A category written before the setting existed takes the default.
  return { callsBeforeMissed: DEFAULT_CALLS_BEFORE_MISSED, ...rest } as StoredCategory;
}

export async function getCategory(centerId: string, code: string): Promise<StoredCategory | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: categoryKey(centerId, code), ConsistentRead: true }));
  return out.Item ? categoryOf(out.Item) : undefined;
}

/** Every category of the center, by code (at most 26). */
export async function listCategories(centerId: string): Promise<StoredCategory[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': CATEGORY },
    ConsistentRead: true,
  });
  return items.map(categoryOf);
}

export async function categoryOfItem(centerId: string, itemCode: string): Promise<StoredCategory | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: claimKey(centerId, itemCode), ConsistentRead: true }));
  const code = out.Item?.categoryCode as string | undefined;
  return code ? getCategory(centerId, code) : undefined;
}

/** What changing a category is checked against, in one read: the category, its items' categories now, its windows. */
export async function categoryContext(centerId: string, code: string, body: CategoryBody) {
  const found = await batchGetItems([
    categoryKey(centerId, code),
    ...body.itemCodes.map((i) => claimKey(centerId, i)),
    ...body.windowIds.map((w) => orgEntryKeys.window(centerId, w)),
  ]);
  const current = itemAt(found, categoryKey(centerId, code));
  return {
    current: current ? categoryOf(current) : undefined,
    categoryOfItem: (itemCode: string) => itemAt(found, claimKey(centerId, itemCode))?.categoryCode as string | undefined,
    windowExists: (windowId: string) => itemAt(found, orgEntryKeys.window(centerId, windowId)) !== undefined,
  };
}

/**
 * Writes a category with its event, claims its items (none may be another
 * category's) and releases those it no longer takes, in one transaction.
 */
export async function putCategory(centerId: string, entry: StoredCategory, expectedRev: number | undefined, released: readonly string[], event: EventDraft<unknown>, idempotency: IdempotencyPut | undefined): Promise<void> {
  const table = tableName();
  const mine = { ':code': entry.code };
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table, Item: { ...categoryKey(centerId, entry.code), kind: 'queueCategory', centerId, ...entry },
        ...(expectedRev === undefined ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
      },
    },
    ...entry.itemCodes.map((i): TransactItem => ({
      Put: { TableName: table, Item: { ...claimKey(centerId, i), kind: 'queueItemCategory', categoryCode: entry.code }, ConditionExpression: 'attribute_not_exists(categoryCode) OR categoryCode = :code', ExpressionAttributeValues: mine },
    })),
    ...released.map((i): TransactItem => ({
      Put: { TableName: table, Item: { ...claimKey(centerId, i), kind: 'queueItemCategory' }, ConditionExpression: 'categoryCode = :code', ExpressionAttributeValues: mine },
    })),
    { Put: { TableName: table, Item: outboxItem(centerPk(centerId), event).item } },
    ...(idempotency ? [idempotency] : []),
  ];
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    const reasons = ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
    const lostItems = entry.itemCodes.flatMap((itemCode, i) => (reasons[i + 1] === 'ConditionalCheckFailed' ? [fault(`/body/itemCodes/${i}`, 'in_other_category', msg(`${itemCode} 刚被归入其他类别`, `${itemCode} was just put in another category`))] : []));
    if (lostItems.length) throw problem(queueProblems['category-conflict'], msg('事项刚被归入其他类别，见 errors。', 'Items were just put in another category; see errors.'), lostItems);
    throw expectedRev === undefined
      ? concurrentRequest(msg(`类别 ${entry.code} 刚被同时创建；请读取后带 If-Match 重试。`, `Category ${entry.code} was created at the same moment; read it and retry with If-Match.`))
      : preconditionFailed(msg(`类别 ${entry.code} 在您读取后已被修改；请重新读取后再试。`, `Category ${entry.code} changed since you read it; read it again and retry.`));
  } finally {
    forgetHall(centerId);
  }
}

// ---------------------------------------------------------------------------
// The hall's configuration, as takes and displays read it

/** How long a warm function answers takes and displays from the configuration it read (a category change shows within this). */
const HALL_TTL_MS = 10_000;
const MAX_HALLS = 100;

export interface Hall {
  readonly centerId: string;
  /** The center has a profile: it exists. */
  readonly exists: boolean;
  readonly timeZone: string;
  readonly categories: readonly StoredCategory[];
}

const halls = new Map<string, { readonly at: number; readonly hall: Promise<Hall> }>();
const forgetHall = (centerId: string) => halls.delete(centerId);

/**
 * The center's time zone and categories, from this function's memory while
 * fresh (a failed read is not kept); `reread` when what the memory holds did
 * not have what a request names (a category created a moment ago elsewhere).
 */
export function hallOf(centerId: string, reread = false): Promise<Hall> {
  const nowMs = Date.now();
  const hit = halls.get(centerId);
  if (hit && !reread && nowMs - hit.at < HALL_TTL_MS) return hit.hall;
  const hall = Promise.all([
    db.send(new GetCommand({ TableName: tableName(), Key: centerProfileKey(centerId) })),
    listCategories(centerId),
  ]).then(([profile, categories]) => ({ centerId, exists: profile.Item !== undefined, timeZone: (profile.Item?.timeZone as string | undefined) ?? DEFAULT_TIME_ZONE, categories }));
  halls.delete(centerId);
  halls.set(centerId, { at: nowMs, hall });
  if (halls.size > MAX_HALLS) halls.delete(halls.keys().next().value!);
  hall.catch(() => {
    if (halls.get(centerId)?.hall === hall) forgetHall(centerId);
  });
  return hall;
}

// ---------------------------------------------------------------------------
// Tickets

/**
 * The next number of a category's day, atomic under any concurrency (ADD on
 * one counter item), with the day's service times of the category for the
 * estimated wait. A ticket whose write then fails leaves its number unused.
 */
export async function nextNumber(centerId: string, date: string, categoryCode: string): Promise<{ n: number; serviceSeconds: number[] }> {
  const out = await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: counterKey(centerId, date, categoryCode),
    UpdateExpression: 'SET kind = :kind ADD #last :one',
    ExpressionAttributeNames: { '#last': 'last' },
    ExpressionAttributeValues: { ':kind': 'queueCounter', ':one': 1 },
    ReturnValues: 'ALL_NEW',
  }));
  return { n: out.Attributes!.last as number, serviceSeconds: (out.Attributes!.serviceSeconds as number[] | undefined) ?? [] };
}

/** A service time of the day, for the estimated wait (outside the end's transaction: the counter is the hottest item of a category). */
export async function recordServiceTime(centerId: string, date: string, categoryCode: string, seconds: number): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: counterKey(centerId, date, categoryCode),
    UpdateExpression: 'SET kind = :kind, serviceSeconds = list_append(if_not_exists(serviceSeconds, :none), :s)',
    ExpressionAttributeValues: { ':kind': 'queueCounter', ':none': [], ':s': [seconds] },
  }));
}

/** The center's waiting tickets of the day (GSI1: eventually consistent, so a ticket taken a moment ago may be missing). */
export async function waitingOf(centerId: string, date: string): Promise<TicketRecord[]> {
  const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': waitingPk(centerId, date) } });
  return items.map(recordOf);
}

/** The category's service times of the day (seconds), for the estimated wait. */
export async function serviceTimesOf(centerId: string, date: string, categoryCode: string): Promise<number[]> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: counterKey(centerId, date, categoryCode) }));
  return (out.Item?.serviceSeconds as number[] | undefined) ?? [];
}

/** The day's last calls, newest first. */
export async function lastCalls(centerId: string, date: string, limit: number): Promise<TicketRecord[]> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(), IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': callsPk(centerId, date) }, ScanIndexForward: false, Limit: limit,
  }));
  return (out.Items ?? []).map(recordOf);
}

/** The tickets called to a window or served there now (GSI3: at most a few per window). */
export async function atWindows(centerId: string, date: string): Promise<TicketRecord[]> {
  const items = await queryAll({ IndexName: 'GSI3', KeyConditionExpression: 'GSI3PK = :pk', ExpressionAttributeValues: { ':pk': atWindowsPk(centerId, date) } });
  return items.map(recordOf);
}

const windowNames = new Map<string, { readonly at: number; readonly names: Promise<ReadonlyMap<string, string>> }>();

/** The names of the center's windows named, from this function's memory while fresh (as the hall's configuration). */
export function windowNamesOf(centerId: string, windowIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const key = `${centerId} ${[...windowIds].sort().join(',')}`;
  const hit = windowNames.get(key);
  if (hit && Date.now() - hit.at < HALL_TTL_MS) return hit.names;
  const names = batchGetItems(windowIds.map((w) => orgEntryKeys.window(centerId, w)))
    .then((found) => new Map(windowIds.map((w) => [w, (itemAt(found, orgEntryKeys.window(centerId, w))?.name as string | undefined) ?? w])));
  windowNames.delete(key);
  windowNames.set(key, { at: Date.now(), names });
  if (windowNames.size > MAX_HALLS) windowNames.delete(windowNames.keys().next().value!);
  names.catch(() => {
    if (windowNames.get(key)?.names === names) windowNames.delete(key);
  });
  return names;
}

/** Every ticket of the center's day (bounded by a day's visitors). */
export async function dayTickets(centerId: string, date: string): Promise<TicketRecord[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)', ExpressionAttributeValues: { ':pk': dayPk(centerId, date), ':t': 'TICKET#' } });
  return items.map(recordOf);
}

function ticketItem(t: TicketRecord): Item {
  return {
    ...ticketKey(t.centerId, t.ticketId),
    kind: 'ticket',
    ...t,
    ...(t.status === 'waiting' ? { GSI1PK: waitingPk(t.centerId, t.date), GSI1SK: `${t.categoryCode}#${rankOf(t.priority)}#${t.takenAt}#${t.ticketId}` } : {}),
    ...(t.calledAt ? { GSI2PK: callsPk(t.centerId, t.date), GSI2SK: `${t.calledAt}#${t.ticketId}` } : {}),
    ...((t.status === 'called' || t.status === 'serving') && t.windowId ? { GSI3PK: atWindowsPk(t.centerId, t.date), GSI3SK: `${t.windowId}#${t.calledAt}#${t.ticketId}` } : {}),
  };
}

function recordOf(item: Item): TicketRecord {
  const { PK: _p, SK: _s, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, ...rest } = item;
  return rest as unknown as TicketRecord;
}

export async function getTicket(centerId: string, ticketId: string): Promise<TicketRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: ticketKey(centerId, ticketId), ConsistentRead: true }));
  return out.Item ? recordOf(out.Item) : undefined;
}

/** A new ticket, its event and whatever the caller writes with it, in one transaction. */
export async function putTicket(t: TicketRecord, event: EventDraft<unknown>, alsoWrite: readonly TransactItem[], idempotency: IdempotencyPut | undefined): Promise<void> {
  await db.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName(), Item: ticketItem(t), ConditionExpression: 'attribute_not_exists(PK)' } },
      { Put: { TableName: tableName(), Item: outboxItem(dayPk(t.centerId, t.date), event).item } },
      ...alsoWrite,
      ...(idempotency ? [idempotency] : []),
    ],
  }));
}

/** Thrown when a ticket changed since it was read (another window called it first). */
export class TicketChanged extends Error {}

/**
 * Replaces a ticket at the version read, with its event, a visit record if
 * any, and the request's outcome, in one transaction; TicketChanged when
 * another request changed it first.
 */
export async function changeTicket(next: TicketRecord, readVersion: number, event: EventDraft<unknown>, visit: Item | undefined, idempotency: IdempotencyPut | undefined): Promise<void> {
  const pk = dayPk(next.centerId, next.date);
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: ticketItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } } },
        { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
        ...(visit ? [{ Put: { TableName: tableName(), Item: { PK: pk, SK: `VISIT#${visit.visitId as string}`, kind: 'visit', centerId: next.centerId, ...visit }, ConditionExpression: 'attribute_not_exists(PK)' } }] : []),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw new TicketChanged(next.ticketId);
    throw err;
  }
}

/** What a window's request is checked against, in one read: the clerk's staff entry, the window, what the clerk covers today (AB角), the ticket, the request's checks. */
export async function windowContext(centerId: string, username: string, windowId: string, ticketId: string | undefined, today: string, checks: readonly ItemKey[]) {
  const coverKey = orgEntryKeys.cover(centerId, today, username);
  const found = await batchGetItems([orgEntryKeys.staff(centerId, username), orgEntryKeys.window(centerId, windowId), coverKey, ...(ticketId ? [ticketKey(centerId, ticketId)] : []), ...checks]);
  const ticket = ticketId ? itemAt(found, ticketKey(centerId, ticketId)) : undefined;
  return {
    found,
    staff: itemAt(found, orgEntryKeys.staff(centerId, username)) as { sub?: string; status?: string; windowIds?: string[] } | undefined,
    window: itemAt(found, orgEntryKeys.window(centerId, windowId)) as { name: string; departmentIds: string[] } | undefined,
    cover: itemAt(found, coverKey) as { windows?: Set<string> } | undefined,
    ticket: ticket ? recordOf(ticket) : undefined,
  };
}
