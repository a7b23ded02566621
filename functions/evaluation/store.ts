/**
 * DynamoDB keys, reads and transactions of evaluations: the only module that
 * knows them. Other domains are read through their owners' exports (the
 * applicant's profile key, the center profile and calendar year keys).
 *
 *   evaluation     PK CENTER#<c>#EVAL#<evaluationId>  SK EVAL
 *                  GSI1 CENTER#<c>#EVAL#DEPT#<d>#TASKS / <next due>#<id>   (bad review in handling)
 *                  GSI2 CENTER#<c>#EVAL#APPEALS / <appealedAt>#<id>         (appeal to decide)
 *                  GSI3 EVAL#SWEEP / <rateBy>#<c>#<id>                      (waiting for its rating)
 *                  GSI4 CENTER#<c>#EVAL#APPLICANT#<applicantId> / <invitedAt>#<id>
 *   its events     PK CENTER#<c>#EVAL#<evaluationId>  SK EVENT#<ulid>       (the outbox; also its history)
 *   inbox          PK CENTER#<c>#EVAL#INBOX#<eventId>  SK INBOX            (an event consumed; TTL 30 days)
 *   counters       PK CENTER#<c>#EVAL#STATS#<yyyy-mm>  SK CENTER | DEPT#<d> | WINDOW#<w> | ITEM#<code>
 *   settings       PK CENTER#<c>#EVAL#SETTINGS  SK SETTINGS
 *   idempotency    PK CENTER#<c>#EVAL#IDEMPOTENCY#<sub>  SK <key>  (TTL 24 h)
 *
 * Every change replaces the evaluation item conditioned on the version read,
 * with its event and its counter deltas, in one transaction.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EvaluationQueue, SettingsBody } from '#schemas/api/evaluation';
import { accountStatusKey } from '#shared/accounts';
import type { CalendarYear } from '#shared/calendar';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { conflict, preconditionFailed } from '#shared/errors';
import { outboxItem } from '#shared/events';
import { IdempotencyRace, idempotencyPut, recordedResponse, type IdempotencyRecord, type IdempotentCreate } from '#shared/idempotency';
import { applicantOf, keys as applicantKeys } from '../applicants/store.ts';
import { itemHeadKey, type StoredHead } from '../catalog/store.ts';
import { calendarYearKey, calendarYearsIn, centerProfileKey, getEntry, type CenterProfile } from '../org/store.ts';
import type { EvaluationEvent } from './events.ts';
import { needsDepartment, type Dimensions, type EvaluationRecord } from './lifecycle.ts';
import { counterNames, nextDueOf, type CountChange, type Counters } from './rules.ts';

type Key = ItemKey;

const evalPk = (c: string, id: string) => `CENTER#${c}#EVAL#${id}`;
const evalKey = (c: string, id: string): Key => ({ PK: evalPk(c, id), SK: 'EVAL' });
const inboxKey = (c: string, eventId: string): Key => ({ PK: `CENTER#${c}#EVAL#INBOX#${eventId}`, SK: 'INBOX' });
const settingsKey = (c: string): Key => ({ PK: `CENTER#${c}#EVAL#SETTINGS`, SK: 'SETTINGS' });
const statsPk = (c: string, month: string) => `CENTER#${c}#EVAL#STATS#${month}`;
const tasksPk = (c: string, d: string) => `CENTER#${c}#EVAL#DEPT#${d}#TASKS`;
const appealsPk = (c: string) => `CENTER#${c}#EVAL#APPEALS`;
const raterPk = (c: string, applicantId: string) => `CENTER#${c}#EVAL#APPLICANT#${applicantId}`;
const idempotencyKey = (c: string, sub: string, key: string): Key => ({ PK: `CENTER#${c}#EVAL#IDEMPOTENCY#${sub}`, SK: key });
/** One partition for every center: the sweeper finds every overdue invitation with one range. */
const SWEEP_PK = 'EVAL#SWEEP';
/** Sorts after every date: tasks whose due date is unknown come last. */
const NO_DATE = '9999-12-31';

const INBOX_TTL_SECONDS = 30 * 24 * 3600;

/** The sort key of an invitation on the sweep index: its last day to rate, or (calendar missing) 1 January of the year it waits for. */
function sweepDate(e: EvaluationRecord): string | undefined {
  if (e.state !== 'invited') return undefined;
  if (e.rateBy) return e.rateBy;
  return e.missingCalendarYear ? `${e.missingCalendarYear}-01-01` : e.invitedAt.slice(0, 10);
}

function evaluationItem(e: EvaluationRecord): Item {
  const sweep = sweepDate(e);
  return {
    ...evalKey(e.centerId, e.evaluationId),
    kind: 'evaluation',
    ...e,
    ...(needsDepartment(e) ? { GSI1PK: tasksPk(e.centerId, e.departmentId), GSI1SK: `${nextDueOf(e) ?? NO_DATE}#${e.evaluationId}` } : {}),
    ...(e.state === 'appealed' && e.appeal ? { GSI2PK: appealsPk(e.centerId), GSI2SK: `${e.appeal.at}#${e.evaluationId}` } : {}),
    ...(sweep ? { GSI3PK: SWEEP_PK, GSI3SK: `${sweep}#${e.centerId}#${e.evaluationId}` } : {}),
    GSI4PK: raterPk(e.centerId, e.applicantId),
    GSI4SK: `${e.invitedAt}#${e.evaluationId}`,
  };
}

export function toRecord(item: Item): EvaluationRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, GSI4PK: _g, GSI4SK: _h, ...rest } = item;
  return rest as unknown as EvaluationRecord;
}


// ---------------------------------------------------------------------------
// Reads

export interface CallerContext {
  readonly account?: Item;
  readonly record?: EvaluationRecord;
  /** The caller's applicant profile (absent for staff): applicant id and real name. */
  readonly applicant?: ReturnType<typeof applicantOf>;
  readonly settingsItem?: Item;
  readonly calendar: CalendarYear[];
}

/**
 * An evaluation with what deciding on it needs, in one BatchGetItem: the
 * caller's account status and applicant profile (the owner check and the
 * rater's real name), the center's settings and the calendar years.
 */
export async function callerContext(centerId: string, evaluationId: string, sub: string, years: readonly number[] = []): Promise<CallerContext> {
  const keyList = [evalKey(centerId, evaluationId), accountStatusKey(sub), applicantKeys.profile(centerId, sub), settingsKey(centerId), ...years.map((y) => calendarYearKey(centerId, y))];
  const found = await batchGetItems(keyList);
  const item = itemAt(found, evalKey(centerId, evaluationId));
  const applicant = applicantOf(itemAt(found, applicantKeys.profile(centerId, sub)));
  const settingsItem = itemAt(found, settingsKey(centerId));
  return {
    account: itemAt(found, accountStatusKey(sub)),
    ...(item ? { record: toRecord(item) } : {}),
    ...(applicant ? { applicant } : {}),
    ...(settingsItem ? { settingsItem } : {}),
    calendar: calendarYearsIn(found, centerId, years),
  };
}

/** The caller's account status and applicant profile (the own list). */
export async function applicantContext(centerId: string, sub: string) {
  const found = await batchGetItems([accountStatusKey(sub), applicantKeys.profile(centerId, sub)]);
  return { account: itemAt(found, accountStatusKey(sub)), applicant: applicantOf(itemAt(found, applicantKeys.profile(centerId, sub))) };
}

export interface CenterContext {
  readonly settingsItem?: Item;
  readonly center?: CenterProfile;
  readonly calendar: CalendarYear[];
  readonly account?: Item;
  /** The applicant a visit names (by their card). */
  readonly applicant?: ReturnType<typeof applicantOf>;
  /** The item a visit names (catalog's head item). */
  readonly item?: StoredHead;
  readonly replay?: IdempotencyRecord;
}

/** A center's settings, profile (time zone) and calendar years, and what opening a visit needs besides, in one BatchGetItem. */
export async function centerContext(
  centerId: string,
  years: readonly number[],
  visit?: { sub: string; applicantId: string; itemCode?: string; idempotencyKey?: string },
): Promise<CenterContext> {
  const idem = visit?.idempotencyKey ? idempotencyKey(centerId, visit.sub, visit.idempotencyKey) : undefined;
  const itemKey = visit?.itemCode ? itemHeadKey(centerId, visit.itemCode) : undefined;
  const found = await batchGetItems([
    settingsKey(centerId),
    centerProfileKey(centerId),
    ...years.map((y) => calendarYearKey(centerId, y)),
    ...(visit ? [accountStatusKey(visit.sub), applicantKeys.card(centerId, visit.applicantId)] : []),
    ...(itemKey ? [itemKey] : []),
    ...(idem ? [idem] : []),
  ]);
  const item = itemKey ? (itemAt(found, itemKey) as StoredHead | undefined) : undefined;
  const settingsItem = itemAt(found, settingsKey(centerId));
  const replay = idem ? itemAt(found, idem) : undefined;
  const applicant = visit ? applicantOf(itemAt(found, applicantKeys.card(centerId, visit.applicantId))) : undefined;
  return {
    ...(settingsItem ? { settingsItem } : {}),
    center: itemAt(found, centerProfileKey(centerId)) as CenterProfile | undefined,
    calendar: calendarYearsIn(found, centerId, years),
    ...(visit ? { account: itemAt(found, accountStatusKey(visit.sub)) } : {}),
    ...(applicant ? { applicant } : {}),
    ...(item ? { item } : {}),
    ...(replay ? { replay: replay as unknown as IdempotencyRecord } : {}),
  };
}

/** A window of the center (org's reader): one GetItem. */
export const windowOf = (centerId: string, windowId: string) => getEntry<{ departmentIds: string[]; name: string }>(centerId, 'window', windowId);

/** The settings item of a center (strongly consistent: read to be changed). */
export async function settingsItem(centerId: string): Promise<Item | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: settingsKey(centerId), ConsistentRead: true }));
  return out.Item;
}

/** An evaluation and the calendar years, for the sweeper. */
export async function sweepContext(centerId: string, evaluationId: string, years: readonly number[]) {
  const found = await batchGetItems([evalKey(centerId, evaluationId), ...years.map((y) => calendarYearKey(centerId, y))]);
  const item = itemAt(found, evalKey(centerId, evaluationId));
  return { ...(item ? { record: toRecord(item) } : {}), calendar: calendarYearsIn(found, centerId, years) };
}

export interface Page {
  readonly items: EvaluationRecord[];
  readonly lastKey?: Item;
}

async function queryPage(input: Omit<QueryCommandInput, 'TableName'>, limit: number, startKey: Item | undefined): Promise<Page> {
  const out = await db.send(new QueryCommand({ TableName: tableName(), ...input, Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []).map(toRecord), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** A rater's evaluations, newest first. */
export const raterPage = (centerId: string, applicantId: string, limit: number, startKey: Item | undefined) =>
  queryPage({ IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :pk', ExpressionAttributeValues: { ':pk': raterPk(centerId, applicantId) }, ScanIndexForward: false }, limit, startKey);

/** A department's bad reviews in handling (earliest due first), or the center's appeals (oldest first). */
export function queuePage(centerId: string, queue: EvaluationQueue, departmentId: string | undefined, limit: number, startKey: Item | undefined): Promise<Page> {
  if (queue === 'appeals') {
    return queryPage({ IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': appealsPk(centerId) } }, limit, startKey);
  }
  return queryPage({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': tasksPk(centerId, departmentId!) } }, limit, startKey);
}

/** Invitations whose last day to rate is before `date` (every center), for the sweeper. */
export async function invitationsDueBefore(date: string): Promise<{ centerId: string; evaluationId: string }[]> {
  const items = await queryAll({
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :before',
    ExpressionAttributeValues: { ':pk': SWEEP_PK, ':before': date },
    ProjectionExpression: 'centerId, evaluationId',
  });
  return items.map((item) => ({ centerId: item.centerId as string, evaluationId: item.evaluationId as string }));
}

export type DimensionRow = { dimension: 'center' | 'department' | 'window' | 'item'; id: string; counters: Partial<Counters> };

/** Every counter row of a center's month (center, departments, windows, items): one Query. */
export async function monthCounters(centerId: string, month: string, consistent = false): Promise<DimensionRow[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': statsPk(centerId, month) }, ConsistentRead: consistent });
  return items.map((item) => ({
    dimension: item.dimension as DimensionRow['dimension'],
    id: item.dimensionId as string,
    counters: Object.fromEntries(counterNames.map((n) => [n, Number(item[n] ?? 0)])) as Partial<Counters>,
  }));
}

// ---------------------------------------------------------------------------
// Writes

const put = (Item: Item, ConditionExpression?: string, values?: Record<string, unknown>, names?: Record<string, string>) => ({
  Put: {
    TableName: tableName(),
    Item,
    ...(ConditionExpression ? { ConditionExpression } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
    ...(names ? { ExpressionAttributeNames: names } : {}),
  },
});

/** One ADD per counter row the change touches: the center, the department, the window and the item. */
function counterUpdates(centerId: string, change: CountChange) {
  const entries = Object.entries(change.delta).filter(([, v]) => v !== 0) as [string, number][];
  if (entries.length === 0) return [];
  const d: Dimensions = change.dimensions;
  const rows: [DimensionRow['dimension'], string, string][] = [
    ['center', centerId, 'CENTER'],
    ['department', d.departmentId, `DEPT#${d.departmentId}`],
    ...(d.windowId ? [['window', d.windowId, `WINDOW#${d.windowId}`] as [DimensionRow['dimension'], string, string]] : []),
    ...(d.itemCode ? [['item', d.itemCode, `ITEM#${d.itemCode}`] as [DimensionRow['dimension'], string, string]] : []),
  ];
  return rows.map(([dimension, id, sk]) => ({
    Update: {
      TableName: tableName(),
      Key: { PK: statsPk(centerId, change.month), SK: sk },
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')} SET #kind = :kind, #dim = :dim, #dimId = :dimId, #month = :month`,
      ExpressionAttributeNames: {
        ...Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        '#kind': 'kind', '#dim': 'dimension', '#dimId': 'dimensionId', '#month': 'month',
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(entries.map(([, v], i) => [`:c${i}`, v])),
        ':kind': 'evaluationCounters', ':dim': dimension, ':dimId': id, ':month': change.month,
      },
    },
  }));
}

export type InviteOutcome = 'applied' | 'duplicate' | 'alreadyInvited';

/**
 * The invitation, its event and the consumed event's inbox marker, in one
 * transaction: a redelivered event (same eventId) or a second invitation of
 * the same case writes nothing.
 */
export async function createInvitation(e: EvaluationRecord, event: EvaluationEvent, consumed: { eventId: string; detailType: string; nowMs: number }): Promise<InviteOutcome> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(
            { ...inboxKey(e.centerId, consumed.eventId), kind: 'evaluationInbox', detailType: consumed.detailType, evaluationId: e.evaluationId, expiresAt: Math.floor(consumed.nowMs / 1000) + INBOX_TTL_SECONDS },
            'attribute_not_exists(PK)',
          ),
          put(evaluationItem(e), 'attribute_not_exists(PK)'),
          put(outboxItem(evalPk(e.centerId, e.evaluationId), event).item),
        ],
      }),
    );
    return 'applied';
  } catch (err) {
    const reasons = (err as { name?: string; CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if ((err as { name?: string }).name === 'TransactionCanceledException') {
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'alreadyInvited';
    }
    throw err;
  }
}

/** A window visit's evaluation, its event and, with a key, the recorded response. */
export async function createVisit(e: EvaluationRecord, event: EvaluationEvent, idempotency?: IdempotentCreate) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(evaluationItem(e), 'attribute_not_exists(PK)'),
          put(outboxItem(evalPk(e.centerId, e.evaluationId), event).item),
          ...(idempotency ? [idempotencyPut(idempotencyKey(e.centerId, idempotency.sub, idempotency.key), idempotency)] : []),
        ],
      }),
    );
  } catch (err) {
    if (idempotency && isConcurrentChange(err)) throw new IdempotencyRace();
    throw err;
  }
}

/** The recorded response of a key (after losing a race to it). */
export const idempotencyRecord = (centerId: string, sub: string, key: string) => recordedResponse(idempotencyKey(centerId, sub, key));

/**
 * Replaces the evaluation if it is still at `expectedVersion`, with its event
 * and its counter deltas, in one transaction. A lost race is a 412.
 */
export async function transition(next: EvaluationRecord, expectedVersion: number, event: EvaluationEvent, counts?: CountChange) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(evaluationItem(next), '#v = :expected', { ':expected': expectedVersion }, { '#v': 'version' }),
          put(outboxItem(evalPk(next.centerId, next.evaluationId), event).item),
          ...(counts ? counterUpdates(next.centerId, counts) : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw preconditionFailed('The evaluation changed since you read it; read it again and retry.');
    throw err;
  }
}

/** Creates (`expectedRev` undefined) or replaces the center's settings, with the event, in one transaction. */
export async function putSettings(centerId: string, settings: SettingsBody, meta: { by: string; at: string; rev: number }, expectedRev: number | undefined, event: Parameters<typeof outboxItem>[1]) {
  const condition = expectedRev === undefined ? 'attribute_not_exists(PK)' : 'rev = :rev';
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({ ...settingsKey(centerId), kind: 'evaluationSettings', centerId, ...settings, updatedAt: meta.at, updatedBy: meta.by, rev: meta.rev }, condition, expectedRev === undefined ? undefined : { ':rev': expectedRev }),
          put(outboxItem(settingsKey(centerId).PK, event).item),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw expectedRev === undefined ? conflict('The settings were created at the same moment; read them and retry with If-Match.') : preconditionFailed('The settings changed since you read them; read them again and retry.');
  }
}
