/**
 * DynamoDB keys, reads and transactions of evaluations: the only module that
 * knows them. Other domains are read through their public modules (the
 * applicant's profile and card keys, the catalog's item head), the center's
 * profile and calendar through the shared kernel (shared/center.ts).
 *
 *   evaluation     PK CENTER#<c>#EVAL#<evaluationId>  SK EVAL
 *                  GSI1 CENTER#<c>#EVAL#DEPT#<d>#TASKS / <next due>#<id>   (bad review in handling)
 *                  GSI2 CENTER#<c>#EVAL#APPEALS / <appealedAt>#<id>         (appeal to decide)
 *                  GSI3 EVAL#SWEEP#<shard 0-7> / <rateBy>#<c>#<id>          (waiting for its rating)
 *                  GSI4 CENTER#<c>#EVAL#APPLICANT#<applicantId> / <invitedAt>#<id>  (an identified rater's)
 *                  GSI5 EVALWATCH / <wakeAt>#<c>#<id>                       (bad review in handling: when the watcher looks next)
 *   its events     PK CENTER#<c>#EVAL#<evaluationId>  SK EVENT#<ulid>       (the outbox; also its history)
 *   threshold      PK CENTER#<c>#EVAL#<evaluationId>  SK THRESHOLD#<clock>#<level>  (a task's threshold published once)
 *   inbox          PK CENTER#<c>#EVAL#INBOX#<eventId>  SK INBOX            (an event consumed: a case's completion, or an evaluation event counted; TTL 30 days)
 *   counters       PK CENTER#<c>#EVAL#STATS#<yyyy-mm>  SK CENTER | DEPT#<d> | WINDOW#<w> | ITEM#<code> | STAFF#<accountId>
 *   settings       PK CENTER#<c>#EVAL#SETTINGS  SK SETTINGS
 *
 * Every change replaces the evaluation item conditioned on the version read,
 * with its event and, when the client sent an Idempotency-Key, its recorded
 * outcome (shared/idempotency.ts owns that key), in one transaction. The
 * counters are not in it: they are the hottest rows of a center, and a rating
 * must never fail because another evaluation was counted at the same moment.
 * The event carries the deltas; the counting consumer adds them with the
 * event's inbox marker, in a transaction of its own.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EvaluationQueue, SettingsBody } from '#schemas/api/evaluation';
import { msg } from '#schemas/api/problems';
import { dueMonthCounters } from '#schemas/events/evaluation';
import { readCenterContext, type CenterContext } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, writeOnce, type Item, type ItemKey } from '#shared/db';
import { putRevisioned } from '#shared/revisioned';
import { moveWakeUp, wakeUpAt } from '#shared/wake-index';
import { preconditionFailed } from '#shared/errors';
import { outboxItem } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { applicantKeys, applicantOf } from '../applicants/public.ts';
import { itemHeadKey, type StoredHead } from '../catalog/public.ts';
import type { EvaluationEvent, TaskThresholdEvent } from './events.ts';
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
/**
 * The sweep index is spread over shards (from the evaluation id), as the
 * cases' is: one partition would take every center's invitations.
 */
const SWEEP_SHARDS = 8;
const sweepPk = (shard: number) => `EVAL#SWEEP#${shard}`;
const sweepShardOf = (evaluationId: string) => createHash('sha256').update(evaluationId).digest()[0]! % SWEEP_SHARDS;
/** Sorts after every date: tasks whose due date is unknown come last. */
const NO_DATE = '9999-12-31';
/** The watch index's partition for evaluations: bad reviews in handling are few, one partition serves every center. */
const WATCH_PK = 'EVALWATCH';
const thresholdSk = (clock: string, level: string) => `THRESHOLD#${clock}#${level}`;

const INBOX_TTL_SECONDS = 30 * 24 * 3600;

export const evaluationChanged = () => preconditionFailed(msg('评价在您读取后已被修改；请重新读取后再试。', 'The evaluation changed since you read it; read it again and retry.'));
export const settingsChanged = () => preconditionFailed(msg('评价时限设置在您读取后已被修改；请重新读取后再试。', 'The settings changed since you read them; read them again and retry.'));

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
    ...(sweep ? { GSI3PK: sweepPk(sweepShardOf(e.evaluationId)), GSI3SK: `${sweep}#${e.centerId}#${e.evaluationId}` } : {}),
    ...(e.applicantId ? { GSI4PK: raterPk(e.centerId, e.applicantId), GSI4SK: `${e.invitedAt}#${e.evaluationId}` } : {}),
    // Every change of a bad review in handling is looked at by the watcher within a minute: a task done drops its thresholds.
    ...(needsDepartment(e) ? { GSI5PK: WATCH_PK, GSI5SK: wakeUpAt(e.updatedAt, e.centerId, e.evaluationId) } : {}),
  };
}

export function toRecord(item: Item): EvaluationRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, GSI4PK: _g, GSI4SK: _h, GSI5PK: _i, GSI5SK: _j, ...rest } = item;
  return rest as unknown as EvaluationRecord;
}

// ---------------------------------------------------------------------------
// Reads

export interface CallerContext {
  readonly record?: EvaluationRecord;
  /** The caller's applicant profile (absent for staff): applicant id and real name. */
  readonly applicant?: ReturnType<typeof applicantOf>;
  readonly settingsItem?: Item;
  readonly center: CenterContext;
  /** Everything read, for the request's own checks (`alsoRead`). */
  readonly found: Map<string, Item>;
}

/**
 * An evaluation with what deciding on it needs, in one BatchGetItem: the
 * caller's applicant profile (the owner check and the rater's real name), the
 * center's settings and context, and the request's checks (`alsoRead`).
 */
export async function callerContext(centerId: string, evaluationId: string, sub: string, now: string, alsoRead: readonly ItemKey[]): Promise<CallerContext> {
  const { center, found } = await readCenterContext(centerId, now, [evalKey(centerId, evaluationId), applicantKeys.profile(centerId, sub), settingsKey(centerId), ...alsoRead]);
  const item = itemAt(found, evalKey(centerId, evaluationId));
  const applicant = applicantOf(itemAt(found, applicantKeys.profile(centerId, sub)));
  const settingsItem = itemAt(found, settingsKey(centerId));
  return {
    ...(item ? { record: toRecord(item) } : {}),
    ...(applicant ? { applicant } : {}),
    ...(settingsItem ? { settingsItem } : {}),
    center,
    found,
  };
}

/** The caller's applicant profile (the own list) and the center's context, with the request's checks (`alsoRead`). */
export async function applicantContext(centerId: string, sub: string, now: string, alsoRead: readonly ItemKey[]) {
  const { center, found } = await readCenterContext(centerId, now, [applicantKeys.profile(centerId, sub), ...alsoRead]);
  return { center, found, applicant: applicantOf(itemAt(found, applicantKeys.profile(centerId, sub))) };
}

/** The center's context for list reads, with the request's checks (`alsoRead`). */
export const listContext = (centerId: string, now: string, alsoRead: readonly ItemKey[]) => readCenterContext(centerId, now, alsoRead);

export interface OpeningContext {
  readonly settingsItem?: Item;
  readonly center: CenterContext;
  /** The applicant a visit names (by their card). */
  readonly applicant?: ReturnType<typeof applicantOf>;
  /** The item a visit names (catalog's head item). */
  readonly item?: StoredHead;
  /** Everything read, for the request's own checks (`alsoRead`). */
  readonly found: Map<string, Item>;
}

/**
 * What opening an evaluation needs, in one BatchGetItem: the center's
 * settings and context (`now`: the instant its dates count from) and, for a
 * window visit, the applicant and the item it names, with the request's
 * checks (`alsoRead`).
 */
export async function openingContext(centerId: string, now: string, visit?: { applicantId?: string; itemCode?: string }, alsoRead: readonly ItemKey[] = []): Promise<OpeningContext> {
  const cardKey = visit?.applicantId ? applicantKeys.card(centerId, visit.applicantId) : undefined;
  const itemKey = visit?.itemCode ? itemHeadKey(centerId, visit.itemCode) : undefined;
  const { center, found } = await readCenterContext(centerId, now, [settingsKey(centerId), ...(cardKey ? [cardKey] : []), ...(itemKey ? [itemKey] : []), ...alsoRead]);
  const item = itemKey ? (itemAt(found, itemKey) as StoredHead | undefined) : undefined;
  const settingsItem = itemAt(found, settingsKey(centerId));
  const applicant = cardKey ? applicantOf(itemAt(found, cardKey)) : undefined;
  return {
    ...(settingsItem ? { settingsItem } : {}),
    center,
    ...(applicant ? { applicant } : {}),
    ...(item ? { item } : {}),
    found,
  };
}

/** The settings item of a center, with the request's checks (`alsoRead`), in one strongly consistent BatchGetItem: read to be changed. */
export async function settingsContext(centerId: string, alsoRead: readonly ItemKey[]): Promise<{ item?: Item; found: Map<string, Item> }> {
  const found = await batchGetItems([settingsKey(centerId), ...alsoRead]);
  const item = itemAt(found, settingsKey(centerId));
  return { ...(item ? { item } : {}), found };
}

/** An evaluation with the center's settings and context, in one BatchGetItem: an anonymous visitor's rating. */
export async function slipContext(centerId: string, evaluationId: string, now: string) {
  const { center, found } = await readCenterContext(centerId, now, [evalKey(centerId, evaluationId), settingsKey(centerId)]);
  const item = itemAt(found, evalKey(centerId, evaluationId));
  const settingsItem = itemAt(found, settingsKey(centerId));
  return { ...(item ? { record: toRecord(item) } : {}), ...(settingsItem ? { settingsItem } : {}), center };
}

/** An evaluation and its center's context, for the sweeper and the watcher. */
export async function sweepContext(centerId: string, evaluationId: string, now: string) {
  const { center, found } = await readCenterContext(centerId, now, [evalKey(centerId, evaluationId)]);
  const item = itemAt(found, evalKey(centerId, evaluationId));
  return { ...(item ? { record: toRecord(item) } : {}), center };
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

/** Invitations whose last day to rate is before `date` (every center; one ranged Query per shard), for the sweeper. */
export async function invitationsDueBefore(date: string): Promise<{ centerId: string; evaluationId: string }[]> {
  const shards = await Promise.all(Array.from({ length: SWEEP_SHARDS }, (_, shard) => queryAll({
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :before',
    ExpressionAttributeValues: { ':pk': sweepPk(shard), ':before': date },
    ProjectionExpression: 'centerId, evaluationId',
  })));
  return shards.flat().map((item) => ({ centerId: item.centerId as string, evaluationId: item.evaluationId as string }));
}

export type DimensionRow = { dimension: 'center' | 'department' | 'window' | 'item' | 'staff'; id: string; counters: Partial<Counters> };

/** Every counter row of a center's month (center, departments, windows, items, staff): one Query. */
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

/**
 * One ADD per counter row the change touches: the center, the department, the
 * window, the item and each staff member, in the month the rating counted in,
 * and (a bad review's rectification counters) in the month it falls due.
 */
function counterUpdates(centerId: string, change: CountChange) {
  const d: Dimensions = change.dimensions;
  const rows: [DimensionRow['dimension'], string, string][] = [
    ['center', centerId, 'CENTER'],
    ['department', d.departmentId, `DEPT#${d.departmentId}`],
    ...(d.windowId ? [['window', d.windowId, `WINDOW#${d.windowId}`] as [DimensionRow['dimension'], string, string]] : []),
    ...(d.itemCode ? [['item', d.itemCode, `ITEM#${d.itemCode}`] as [DimensionRow['dimension'], string, string]] : []),
    ...(d.staffIds ?? []).map((id) => ['staff', id, `STAFF#${id}`] as [DimensionRow['dimension'], string, string]),
  ];
  const entries = Object.entries(change.delta).filter(([, v]) => v !== 0) as [string, number][];
  const dueLater = (name: string) => change.dueMonth !== undefined && (dueMonthCounters as readonly string[]).includes(name);
  const byMonth: [string, [string, number][]][] = [
    [change.month, entries.filter(([name]) => !dueLater(name))],
    ...(change.dueMonth ? [[change.dueMonth, entries.filter(([name]) => dueLater(name))] as [string, [string, number][]]] : []),
  ];
  // A rating due the month it counted in adds both sets to one row: one ADD per row and month.
  const merged = new Map<string, [string, number][]>();
  for (const [month, list] of byMonth) if (list.length) merged.set(month, [...(merged.get(month) ?? []), ...list]);
  return [...merged].flatMap(([month, list]) => rows.map(([dimension, id, sk]) => ({
    Update: {
      TableName: tableName(),
      Key: { PK: statsPk(centerId, month), SK: sk },
      UpdateExpression: `ADD ${list.map((_, i) => `#c${i} :c${i}`).join(', ')} SET #kind = :kind, #dim = :dim, #dimId = :dimId, #month = :month`,
      ExpressionAttributeNames: {
        ...Object.fromEntries(list.map(([name], i) => [`#c${i}`, name])),
        '#kind': 'kind', '#dim': 'dimension', '#dimId': 'dimensionId', '#month': 'month',
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(list.map(([, v], i) => [`:c${i}`, v])),
        ':kind': 'evaluationCounters', ':dim': dimension, ':dimId': id, ':month': month,
      },
    },
  })));
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

/** Attempts of one count when another count holds the same counter rows (TransactionConflict). */
const COUNT_ATTEMPTS = 4;

/**
 * Adds an evaluation event's counter deltas once: the event's inbox marker and
 * the ADDs in one transaction, so a redelivered event counts nothing
 * (`duplicate`). Concurrent counts of one center and month contend for its
 * rows; a conflict is retried a few times after a short random pause, then
 * left to the consumer's retries.
 */
export async function countOnce(centerId: string, consumed: { eventId: string; detailType: string; nowMs: number }, counts: CountChange): Promise<'counted' | 'duplicate'> {
  const marker = put(
    { ...inboxKey(centerId, consumed.eventId), kind: 'evaluationInbox', detailType: consumed.detailType, expiresAt: Math.floor(consumed.nowMs / 1000) + INBOX_TTL_SECONDS },
    'attribute_not_exists(PK)',
  );
  const outcome = await writeOnce(marker, counterUpdates(centerId, counts), { attempts: COUNT_ATTEMPTS, pauseMs: 50 });
  return outcome === 'written' ? 'counted' : 'duplicate';
}

/**
 * Replaces the evaluation if it is still at `expectedVersion`, with its event
 * and the recorded outcome, in one transaction. A lost race is a 412: only a
 * change of this evaluation can cause it.
 */
export async function transition(next: EvaluationRecord, expectedVersion: number, event: EvaluationEvent, idempotency?: IdempotencyPut) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(evaluationItem(next), '#v = :expected', { ':expected': expectedVersion }, { '#v': 'version' }),
          put(outboxItem(evalPk(next.centerId, next.evaluationId), event).item),
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw evaluationChanged();
    throw err;
  }
}

/** Creates (`expectedRev` undefined) or replaces the center's settings, with the event and the recorded outcome, in one transaction. */
export function putSettings(
  centerId: string,
  settings: SettingsBody,
  meta: { by: string; at: string; rev: number },
  expectedRev: number | undefined,
  event: Parameters<typeof outboxItem>[1],
  idempotency?: IdempotencyPut,
) {
  return putRevisioned({
    key: settingsKey(centerId), kind: 'evaluationSettings', centerId, body: settings, meta, expectedRev, event, idempotency,
    createdMeanwhile: msg('评价时限设置刚被他人创建；请重新读取后带 If-Match 重试。', 'The settings were created at the same moment; read them and retry with If-Match.'),
    changed: settingsChanged,
  });
}

// ---------------------------------------------------------------------------
// The watch (watch.ts): each task threshold published once, the next wake-up moved

export interface WatchEntry {
  readonly centerId: string;
  readonly evaluationId: string;
  /** The index key as read: the wake-up is moved only if no change came since. */
  readonly watchKey: string;
}

/** The bad reviews (every center) whose wake-up has come by `now`. */
export async function watchDue(now: string): Promise<WatchEntry[]> {
  const items = await queryAll({
    IndexName: 'GSI5',
    KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :to',
    ExpressionAttributeValues: { ':pk': WATCH_PK, ':to': `${now}~` },
    ProjectionExpression: 'GSI5SK',
  });
  return items.map((i) => {
    const watchKey = i.GSI5SK as string;
    const [, centerId, evaluationId] = watchKey.split('#');
    return { centerId: centerId!, evaluationId: evaluationId!, watchKey };
  });
}

/** The task thresholds of an evaluation already published (`<clock>#<level>`). */
export async function publishedThresholds(centerId: string, evaluationId: string): Promise<Set<string>> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)',
    ExpressionAttributeValues: { ':pk': evalPk(centerId, evaluationId), ':t': 'THRESHOLD#' },
    ProjectionExpression: 'SK',
  });
  return new Set(items.map((i) => (i.SK as string).slice('THRESHOLD#'.length)));
}

/**
 * Publishes a reached task threshold once: its marker and its event in one
 * transaction, only while the evaluation is as read (a task recorded since
 * publishes nothing). `duplicate` when published before, `changed` when the
 * evaluation changed (the change put it back on the watch).
 */
export async function publishThreshold(e: EvaluationRecord, event: TaskThresholdEvent): Promise<'published' | 'duplicate' | 'changed'> {
  const { clock, level, thresholdAt } = event.data;
  const pk = evalPk(e.centerId, e.evaluationId);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({ PK: pk, SK: thresholdSk(clock, level), kind: 'evaluationThreshold', at: thresholdAt }, 'attribute_not_exists(PK)'),
          put(outboxItem(pk, event).item),
          {
            ConditionCheck: {
              TableName: tableName(),
              Key: evalKey(e.centerId, e.evaluationId),
              ConditionExpression: '#v = :read',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':read': e.version },
            },
          },
        ],
      }),
    );
    return 'published';
  } catch (err) {
    // Only the conditions say "published" or "changed"; a conflict is retried on the next run.
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
    if (reasons?.[2]?.Code === 'ConditionalCheckFailed') return 'changed';
    throw err;
  }
}

/** Moves the evaluation's wake-up to `next` (or off the index), unless a change came since it was read. */
export const rewatch = (entry: WatchEntry, next: string | undefined) => moveWakeUp(evalKey(entry.centerId, entry.evaluationId), entry.watchKey, next, entry.centerId, entry.evaluationId);
