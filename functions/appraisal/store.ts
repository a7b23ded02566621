/**
 * DynamoDB keys, reads and transactions of the appraisal domain: the only
 * module that knows them. The staff directory is read through org's public
 * module, the center's profile and calendar through the shared kernel.
 *
 *   indicator table  PK CENTER#<c>#APPRAISAL  SK INDICATORS              (the center's own, `rev`; none: the default)
 *   its events       PK CENTER#<c>#APPRAISAL  SK EVENT#<ulid>            (AppraisalIndicatorsChanged)
 *   score set        PK CENTER#<c>#APPRAISAL#<yyyy-mm>  SK SCORES        (the month's scores: also the month's close marker; `version`)
 *   appeal           PK CENTER#<c>#APPRAISAL#<yyyy-mm>  SK APPEAL#<username>
 *   its events       PK CENTER#<c>#APPRAISAL#<yyyy-mm>  SK EVENT#<ulid>  (AppraisalMonthClosed, AppraisalAppealFiled, AppraisalAppealDecided)
 *
 * The score set is put only where none is (`attribute_not_exists(PK)`): a
 * month closed twice, by the schedule and a center admin at once, keeps the
 * first set, and the second close reads it back.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Appeal, IndicatorTableBody, ScoreSet } from '#schemas/api/appraisal';
import { msg } from '#schemas/api/problems';
import { readCenterContext } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, tableName, type Item, type ItemKey } from '#shared/db';
import { putRevisioned } from '#shared/revisioned';
import { alreadyExists, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { staffAndWindowsOf, staffDepartments } from '../org/public.ts';

const tablePk = (c: string) => `CENTER#${c}#APPRAISAL`;
const tableKey = (c: string): ItemKey => ({ PK: tablePk(c), SK: 'INDICATORS' });
const monthPk = (c: string, month: string) => `CENTER#${c}#APPRAISAL#${month}`;
const scoresKey = (c: string, month: string): ItemKey => ({ PK: monthPk(c, month), SK: 'SCORES' });
const appealKey = (c: string, month: string, username: string): ItemKey => ({ PK: monthPk(c, month), SK: `APPEAL#${username}` });

export const tableChanged = () => preconditionFailed(msg('考核指标在您读取后已被修改；请重新读取后再试。', 'The indicator table changed since you read it; read it again and retry.'));
export const scoresChanged = () => preconditionFailed(msg('考核结果在您读取后已被修改；请重新读取后再试。', 'The scores changed since you read them; read them again and retry.'));

export interface StoredScoreSet extends ScoreSet {
  readonly version: number;
}

const strip = ({ PK: _p, SK: _s, kind: _k, ...rest }: Item) => rest;
const scoreSetOf = (item: Item | undefined) => (item ? (strip(item) as unknown as StoredScoreSet) : undefined);
const appealOf = (item: Item | undefined) => (item ? (strip(item) as unknown as Appeal) : undefined);

const put = (Item: Item, ConditionExpression?: string, values?: Record<string, unknown>, names?: Record<string, string>) => ({
  Put: {
    TableName: tableName(),
    Item,
    ...(ConditionExpression ? { ConditionExpression } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
    ...(names ? { ExpressionAttributeNames: names } : {}),
  },
});

// ---------------------------------------------------------------------------
// Reads

/** The center's indicator table item, with the request's checks, in one BatchGetItem. */
export async function tableContext(centerId: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([tableKey(centerId), ...alsoRead]);
  return { item: itemAt(found, tableKey(centerId)), found };
}

/**
 * What a month's reads and actions need, in one BatchGetItem: the center's
 * context (today, the calendar), the indicator table, the month's score set,
 * a staff member's appeal, and the request's checks.
 */
export async function monthContext(centerId: string, month: string, now: string, alsoRead: readonly ItemKey[], appealOfUser?: string) {
  const appealAt = appealOfUser ? appealKey(centerId, month, appealOfUser) : undefined;
  const { center, found } = await readCenterContext(centerId, now, [tableKey(centerId), scoresKey(centerId, month), ...(appealAt ? [appealAt] : []), ...alsoRead]);
  return {
    center,
    found,
    tableItem: itemAt(found, tableKey(centerId)),
    scores: scoreSetOf(itemAt(found, scoresKey(centerId, month))),
    appeal: appealAt ? appealOf(itemAt(found, appealAt)) : undefined,
  };
}

/** The month's score set alone (strongly consistent: read after a lost close). */
export async function scoreSet(centerId: string, month: string) {
  return scoreSetOf(itemAt(await batchGetItems([scoresKey(centerId, month)]), scoresKey(centerId, month)));
}

/** Who is appraised besides what the sources count, each with their departments: staff by username, windows by id. */
export interface Directory {
  readonly staff: ReadonlyMap<string, readonly string[]>;
  readonly windows: ReadonlyMap<string, readonly string[]>;
}

/** The center's staff and windows and their departments when the month closes (org's directory: one Query, paged). */
export async function directory(centerId: string): Promise<Directory> {
  const { staff, windows } = await staffAndWindowsOf<{ username: string; departmentId?: string; departmentIds?: string[] }, { windowId: string; departmentIds: string[] }>(centerId);
  return { staff: new Map(staff.map((s) => [s.username, staffDepartments(s)])), windows: new Map(windows.map((w) => [w.windowId, w.departmentIds])) };
}

/** The month's appeals (one Query). */
export async function appealsOfMonth(centerId: string, month: string): Promise<Appeal[]> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
    ExpressionAttributeValues: { ':pk': monthPk(centerId, month), ':a': 'APPEAL#' },
  }));
  return (out.Items ?? []).map((i) => appealOf(i)!);
}

// ---------------------------------------------------------------------------
// Writes

/** Creates (`expectedRev` undefined) or replaces the center's table, with its event and the recorded outcome, in one transaction. */
export function putTable(
  centerId: string,
  body: IndicatorTableBody,
  meta: { by: string; at: string; rev: number },
  expectedRev: number | undefined,
  event: EventDraft<unknown>,
  idempotency?: IdempotencyPut,
) {
  return putRevisioned({
    key: tableKey(centerId), kind: 'appraisalIndicators', centerId, body, meta, expectedRev, event, idempotency,
    createdMeanwhile: msg('考核指标刚被他人创建；请重新读取后带 If-Match 重试。', 'The table was created at the same moment; read it and retry with If-Match.'),
    changed: tableChanged,
  });
}

/** The month's score set and its event, where no score set is yet: `duplicate` when the month was closed meanwhile. */
export async function putScoreSet(set: StoredScoreSet, event: EventDraft<unknown>, idempotency?: IdempotencyPut): Promise<'written' | 'duplicate'> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        put({ ...scoresKey(set.centerId, set.month), kind: 'appraisalScores', ...set }, 'attribute_not_exists(PK)'),
        put(outboxItem(monthPk(set.centerId, set.month), event).item),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
    return 'written';
  } catch (err) {
    if (isConcurrentChange(err)) return 'duplicate';
    throw err;
  }
}

/** A staff member's appeal and its event, once per month (409 when they already appealed). */
export async function fileAppeal(centerId: string, appeal: Appeal, event: EventDraft<unknown>, idempotency?: IdempotencyPut) {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        put({ ...appealKey(centerId, appeal.month, appeal.username), kind: 'appraisalAppeal', ...appeal }, 'attribute_not_exists(PK)'),
        put(outboxItem(monthPk(centerId, appeal.month), event).item),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw alreadyExists(msg('您已就本月考核提出申诉。', 'You already appealed this month\'s score.'));
    throw err;
  }
}

/**
 * The decided appeal (while still pending) and, when upheld, the score set
 * with the adjusted score (while at the version read), with the event, in
 * one transaction.
 */
export async function decideAppeal(centerId: string, appeal: Appeal, next: StoredScoreSet | undefined, event: EventDraft<unknown>, idempotency?: IdempotencyPut) {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        put({ ...appealKey(centerId, appeal.month, appeal.username), kind: 'appraisalAppeal', ...appeal }, '#s = :pending', { ':pending': 'pending' }, { '#s': 'state' }),
        ...(next ? [put({ ...scoresKey(centerId, next.month), kind: 'appraisalScores', ...next }, 'version = :v', { ':v': next.version - 1 })] : []),
        put(outboxItem(monthPk(centerId, appeal.month), event).item),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw scoresChanged();
    throw err;
  }
}
