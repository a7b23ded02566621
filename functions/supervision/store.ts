/**
 * DynamoDB keys, reads and transactions of supervision: the only module that
 * knows them (docs/data-model.md lists each access pattern).
 *
 *   card       PK CENTER#<c>#SUPV#CASE#<caseNo>  SK CARD#<clock>#<level>   (one per clock and level: the issue is a conditional Put)
 *              or PK CENTER#<c>#SUPV#COMPLAINT#<complaintId> (a complaint's clock: accept, reply)
 *              GSI1 CENTER#<c>#CARDS#<open|closed> / <issuedAt>#<cardId>          (the center's cards, newest first)
 *              GSI2 CENTER#<c>#DEPT#<d>#CARDS#<open|closed> / <issuedAt>#<cardId> (a department's)
 *   card event PK CENTER#<c>#SUPV#CASE#<caseNo>  SK EVENT#<ulid>             (the outbox; with the cards, a case's supervision history)
 *   completion PK CENTER#<c>#SUPV#CASE#<caseNo>  SK COMPLETION               (the case is counted in the timeliness figures: once)
 *   order      PK CENTER#<c>#SUPV#ORDER#<orderId>  SK ORDER
 *              GSI1 CENTER#<c>#ORDERS#<state> / <issuedAt>#<orderId>; GSI2 CENTER#<c>#DEPT#<d>#ORDERS#<state> / same
 *              GSI5 ORDERWATCH / <overdueAt>#<c>#<orderId>   (while open and not carded: the order watcher's wake-up)
 *   order event PK CENTER#<c>#SUPV#ORDER#<orderId>  SK EVENT#<ulid>
 *   figures    PK CENTER#<c>#SUPV#FIGURES  SK <yyyy-mm>#ALL | <yyyy-mm>#DEPT#<d> | <yyyy-mm>#STAFF#<userId> | <yyyy-mm-dd>#ALL   { counters }
 *   settings   PK CENTER#<c>  SK SUPERVISION#THRESHOLDS  (public.ts: the cases watcher reads it)
 *
 * Counters change in the transaction of the card change they count, so a
 * retried event or a lost race never counts twice.
 */
import { QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ThresholdSettingsBody } from '#schemas/api/supervision';
import { msg } from '#schemas/api/problems';
import { readCenterContext } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { wakeUpAt } from '#shared/wake-index';
import { preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { isOpenCard, parseCardId, subjectOf, type CardRecord, type CardSubject, type Counts } from './cards.ts';
import { countIssuedCard } from './metrics.ts';
import type { OrderRecord } from './orders.ts';
import { thresholdSettingsKey } from './public.ts';

const supervisionPk = (centerId: string, caseNo: string) => `CENTER#${centerId}#SUPV#CASE#${caseNo}`;
/** A card's partition: its case's (with the case's completion and history), or its complaint's. */
const subjectPk = (centerId: string, s: CardSubject) => (s.type === 'case' ? supervisionPk(centerId, s.id) : `CENTER#${centerId}#SUPV#COMPLAINT#${s.id}`);
const cardPk = (c: Pick<CardRecord, 'centerId' | 'caseNo' | 'complaintId'>) => subjectPk(c.centerId, subjectOf(c));
const cardSk = (clock: string, level: string) => `CARD#${clock}#${level}`;
/** The marker of a closed case counted in the timeliness figures. */
const COMPLETION = 'COMPLETION';
export const cardKey = (centerId: string, cardId: string): ItemKey => {
  const { subject, clock, level } = parseCardId(cardId);
  return { PK: subjectPk(centerId, subject), SK: cardSk(clock, level) };
};
const openness = (c: CardRecord) => (isOpenCard(c.state) ? 'open' : 'closed');
const centerCardsPk = (centerId: string, group: string) => `CENTER#${centerId}#CARDS#${group}`;
const departmentCardsPk = (centerId: string, departmentId: string, group: string) => `CENTER#${centerId}#DEPT#${departmentId}#CARDS#${group}`;
const figuresPk = (centerId: string) => `CENTER#${centerId}#SUPV#FIGURES`;

function cardItem(c: CardRecord): Item {
  const sk = `${c.issuedAt}#${c.cardId}`;
  return {
    ...cardKey(c.centerId, c.cardId),
    kind: 'card',
    ...c,
    GSI1PK: centerCardsPk(c.centerId, openness(c)),
    GSI1SK: sk,
    GSI2PK: departmentCardsPk(c.centerId, c.departmentId, openness(c)),
    GSI2SK: sk,
  };
}

export function toCard(item: Item): CardRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, ...rest } = item;
  return rest as unknown as CardRecord;
}

/** The figures rows a change counts in: the month's center, department and handlers' rows, and the day's center row. */
function figuresRowsOf(month: string, departmentId: string, handlerIds: readonly string[] | undefined, day?: string): string[] {
  return [`${month}#ALL`, `${month}#DEPT#${departmentId}`, ...(handlerIds ?? []).map((id) => `${month}#STAFF#${id}`), ...(day ? [`${day}#ALL`] : [])];
}

/** One ADD per figures row a change touches. */
function counterUpdates(centerId: string, rows: readonly string[], counts: Counts) {
  const entries = Object.entries(counts).filter(([, v]) => v !== 0);
  if (entries.length === 0) return [];
  const names = Object.fromEntries(entries.map(([k], i) => [`#n${i}`, k]));
  const values = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  const expression = `ADD ${entries.map((_, i) => `#n${i} :v${i}`).join(', ')}`;
  return rows.map((SK) => ({
    Update: {
      TableName: tableName(),
      Key: { PK: figuresPk(centerId), SK },
      UpdateExpression: `${expression} SET kind = :kind`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':kind': 'supervisionFigures' },
    },
  }));
}

/** Issues a card once: false when the clock's level has its card already (a retried or repeated event). */
export async function issueCard(card: CardRecord, event: EventDraft<unknown>, counts: Counts, day: string, alsoWrite: readonly object[] = []): Promise<boolean> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: cardItem(card), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: tableName(), Item: outboxItem(cardPk(card), event).item } },
          ...counterUpdates(card.centerId, figuresRowsOf(card.month, card.departmentId, card.handlerIds, day), counts),
          ...alsoWrite,
        ],
      }),
    );
    // Both issuers (the threshold consumer, the order watcher) pass here, and only once the card is new.
    countIssuedCard(card);
    return true;
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

/** Replaces the card if it is still the version read, with its event and its figures, in one transaction. */
export async function changeCard(next: CardRecord, expectedVersion: number, event: EventDraft<unknown>, counts: Counts, day: string, idempotency?: IdempotencyPut) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: cardItem(next),
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': expectedVersion },
            },
          },
          { Put: { TableName: tableName(), Item: outboxItem(cardPk(next), event).item } },
          ...counterUpdates(next.centerId, figuresRowsOf(next.month, next.departmentId, next.handlerIds, day), counts),
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw preconditionFailed(msg('此牌在您读取后已被修改；请重新读取后再试。', 'The card changed since you read it; read it again and retry.'));
    throw err;
  }
}

/** Counts a closed case once: false when its completion is counted already (a redelivered event). */
export async function countCompletion(centerId: string, caseNo: string, at: { month: string; departmentId: string; handlerIds?: readonly string[] }, counts: Counts): Promise<boolean> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { PK: supervisionPk(centerId, caseNo), SK: COMPLETION, kind: 'completionCounted', month: at.month }, ConditionExpression: 'attribute_not_exists(PK)' } },
          ...counterUpdates(centerId, figuresRowsOf(at.month, at.departmentId, at.handlerIds), counts),
        ],
      }),
    );
    return true;
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

/** A card and its center's context (calendar, time zone) in one batch read. */
export async function cardContext(centerId: string, cardId: string, now: string, alsoRead: readonly ItemKey[] = []) {
  const { center, found } = await readCenterContext(centerId, now, [cardKey(centerId, cardId), ...alsoRead]);
  const item = itemAt(found, cardKey(centerId, cardId));
  return { ...(item ? { card: toCard(item) } : {}), center, found };
}

export const centerContext = (centerId: string, now: string, alsoRead: readonly ItemKey[] = []) => readCenterContext(centerId, now, alsoRead);

/** The cards of a case, in clock and level order. */
export async function casesCards(centerId: string, caseNo: string): Promise<CardRecord[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)',
    ExpressionAttributeValues: { ':pk': supervisionPk(centerId, caseNo), ':c': 'CARD#' },
  });
  return items.map(toCard);
}

export interface CardFilter {
  readonly departmentId?: string;
  readonly level?: string;
  /** `open` (issued, pending, escalated), or one state. */
  readonly state: string;
  /** The cards of cases this staff member handles. */
  readonly staffId?: string;
  /** As `staffId`, plus the cards of cases nobody has taken yet (a handler's own view). */
  readonly handledBy?: string;
}

/**
 * A page of cards, newest first: the center's or a department's open or
 * closed partition, the level, a single state and the handling staff applied
 * as filters (a page may hold fewer than `limit` then; the token goes on).
 */
export async function cardPage(centerId: string, filter: CardFilter, limit: number, startKey: Item | undefined): Promise<{ items: CardRecord[]; lastKey?: Item }> {
  const group = filter.state === 'open' || isOpenCard(filter.state as CardRecord['state']) ? 'open' : 'closed';
  const [index, pk] = filter.departmentId
    ? ['GSI2', departmentCardsPk(centerId, filter.departmentId, group)]
    : ['GSI1', centerCardsPk(centerId, group)];
  const conditions: string[] = [];
  const values: Record<string, unknown> = { ':pk': pk };
  const names: Record<string, string> = {};
  if (filter.level) {
    conditions.push('#level = :level');
    values[':level'] = filter.level;
    names['#level'] = 'level';
  }
  if (filter.state !== 'open') {
    conditions.push('#state = :state');
    values[':state'] = filter.state;
    names['#state'] = 'state';
  }
  if (filter.staffId) {
    conditions.push('contains(handlerIds, :staff)');
    values[':staff'] = filter.staffId;
  }
  if (filter.handledBy) {
    conditions.push('(contains(handlerIds, :handler) OR attribute_not_exists(handlerIds))');
    values[':handler'] = filter.handledBy;
  }
  const input: Omit<QueryCommandInput, 'TableName'> = {
    IndexName: index,
    KeyConditionExpression: `${index}PK = :pk`,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
  };
  const out = await db.send(new QueryCommand({ TableName: tableName(), ...input, Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []).map(toCard), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** The figures rows of a month (center and departments), or of a day (center). */
export async function figuresRows(centerId: string, period: string): Promise<{ sk: string; counters: Record<string, number> }[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
    ExpressionAttributeValues: { ':pk': figuresPk(centerId), ':p': `${period}#` },
  });
  return items.map(({ PK: _pk, SK, kind: _k, ...counters }) => ({ sk: SK as string, counters: counters as Record<string, number> }));
}

// ---------------------------------------------------------------------------
// Settings

export async function settingsContext(centerId: string, alsoRead: readonly ItemKey[] = []) {
  const found = await batchGetItems([thresholdSettingsKey(centerId), ...alsoRead]);
  const item = itemAt(found, thresholdSettingsKey(centerId));
  return { ...(item ? { item } : {}), found };
}

export async function putSettings(
  centerId: string,
  settings: ThresholdSettingsBody,
  meta: { by: string; at: string; version: number },
  expectedVersion: number,
  event: EventDraft<unknown>,
  idempotency?: IdempotencyPut,
) {
  const key = thresholdSettingsKey(centerId);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...key, kind: 'thresholdSettings', centerId, ...settings, updatedAt: meta.at, updatedBy: meta.by, version: meta.version },
              ...(expectedVersion === 0
                ? { ConditionExpression: 'attribute_not_exists(PK)' }
                : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
            },
          },
          { Put: { TableName: tableName(), Item: outboxItem(key.PK, event).item } },
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw settingsChanged();
    throw err;
  }
}

export const settingsChanged = () => preconditionFailed(msg('监察阈值在您读取后已被修改；请重新读取后再试。', 'The thresholds changed since you read them; read them again and retry.'));

// ---------------------------------------------------------------------------
// 督办 orders

const orderPk = (centerId: string, orderId: string) => `CENTER#${centerId}#SUPV#ORDER#${orderId}`;
export const orderKey = (centerId: string, orderId: string): ItemKey => ({ PK: orderPk(centerId, orderId), SK: 'ORDER' });
const ORDER_WATCH = 'ORDERWATCH';

function orderItem(o: OrderRecord): Item {
  const sk = `${o.issuedAt}#${o.orderId}`;
  return {
    ...orderKey(o.centerId, o.orderId),
    kind: 'order',
    ...o,
    GSI1PK: `CENTER#${o.centerId}#ORDERS#${o.state}`,
    GSI1SK: sk,
    GSI2PK: `CENTER#${o.centerId}#DEPT#${o.departmentId}#ORDERS#${o.state}`,
    GSI2SK: sk,
    ...(o.state === 'open' ? { GSI5PK: ORDER_WATCH, GSI5SK: wakeUpAt(o.overdueAt, o.centerId, o.orderId) } : {}),
  };
}

export function toOrder(item: Item): OrderRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI5PK: _e, GSI5SK: _f, ...rest } = item;
  return rest as unknown as OrderRecord;
}

export async function putOrder(o: OrderRecord, expectedVersion: number | undefined, event: EventDraft<unknown>, idempotency?: IdempotencyPut) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: orderItem(o),
              ...(expectedVersion === undefined
                ? { ConditionExpression: 'attribute_not_exists(PK)' }
                : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
            },
          },
          { Put: { TableName: tableName(), Item: outboxItem(orderPk(o.centerId, o.orderId), event).item } },
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw preconditionFailed(msg('此督办在您读取后已被修改；请重新读取后再试。', 'The order changed since you read it; read it again and retry.'));
    throw err;
  }
}

export async function orderContext(centerId: string, orderId: string, now: string) {
  const { center, found } = await readCenterContext(centerId, now, [orderKey(centerId, orderId)]);
  const item = itemAt(found, orderKey(centerId, orderId));
  return { ...(item ? { order: toOrder(item) } : {}), center };
}

export async function orderPage(centerId: string, filter: { state: string; departmentId?: string }, limit: number, startKey: Item | undefined) {
  const [index, pk] = filter.departmentId
    ? ['GSI2', `CENTER#${centerId}#DEPT#${filter.departmentId}#ORDERS#${filter.state}`]
    : ['GSI1', `CENTER#${centerId}#ORDERS#${filter.state}`];
  const out = await db.send(new QueryCommand({
    TableName: tableName(), IndexName: index, KeyConditionExpression: `${index}PK = :pk`, ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false, Limit: limit, ExclusiveStartKey: startKey,
  }));
  return { items: (out.Items ?? []).map(toOrder), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** Open orders whose reply is overdue by `now`: the order watcher's work. */
export async function ordersOverdue(now: string): Promise<{ centerId: string; orderId: string }[]> {
  const items = await queryAll({
    IndexName: 'GSI5',
    KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :to',
    ExpressionAttributeValues: { ':pk': ORDER_WATCH, ':to': `${now}~` },
    ProjectionExpression: 'GSI5SK',
  });
  return items.map((i) => {
    const [, centerId, orderId] = (i.GSI5SK as string).split('#');
    return { centerId: centerId!, orderId: orderId! };
  });
}

/** The update that takes a carded order off the watch, in the card's transaction: only if still open and unchanged. */
export const unwatchOrder = (o: OrderRecord) => ({
  Update: {
    TableName: tableName(),
    Key: orderKey(o.centerId, o.orderId),
    UpdateExpression: 'REMOVE GSI5PK, GSI5SK',
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': o.version },
  },
});
