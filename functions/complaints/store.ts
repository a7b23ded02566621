/**
 * DynamoDB keys, reads and transactions of complaints: the only module that
 * knows them. Other domains are read through their public modules (a case's
 * lead department, a window's or a staff member's departments, the
 * applicant's profile), the center's profile and calendar through the shared
 * kernel (shared/center.ts).
 *
 *   complaint     PK CENTER#<c>#COMPLAINT#<complaintId>  SK COMPLAINT
 *                 GSI1 CENTER#<c>#COMPLAINTS#<state> / <filedAt>#<id>            (the supervisors' lists by state)
 *                 GSI2 CENTER#<c>#COMPLAINT#DEPT#<d> / <replyDue>#<id>           (while assigned: the department's queue)
 *                 GSI3 COMPLAINT#SWEEP#<shard 0-7> / <due>#<c>#<id>                (replied or unsatisfied: the sweeper closes it after rateDue or reviewDue)
 *                 GSI4 CENTER#<c>#COMPLAINT#APPLICANT#<sub> / <filedAt>#<id>     (an applicant's own, filed online)
 *                 GSI5 COMPLAINTWATCH#<shard 0-7> / <wakeAt>#<c>#<id>            (assigned: when the watcher looks at the reply's clock next)
 *   threshold     PK CENTER#<c>#COMPLAINT#<complaintId>  SK THRESHOLD#<clock>#<level>  (a level of its clock published once)
 *   its events    PK CENTER#<c>#COMPLAINT#<complaintId>  SK EVENT#<ulid>         (the outbox; also its history)
 *   staff count   PK CENTER#<c>#COMPLAINT#STAFF#<username>  SK <yyyy>            (substantiated complaints against a person in a year)
 *   its events    PK CENTER#<c>#COMPLAINT#STAFF#<username>  SK EVENT#<ulid>      (StaffRemovalSuggested)
 *   suggestion    PK CENTER#<c>#COMPLAINT#REMOVALS  SK <yyyy>#<username>          (the removal suggested, for the center admin's list)
 *   settings      PK CENTER#<c>#COMPLAINT#SETTINGS  SK SETTINGS                   (the center's own limits, `rev`; none: the defaults)
 *   its events    PK CENTER#<c>#COMPLAINT#SETTINGS  SK EVENT#<ulid>             (ComplaintSettingsChanged)
 *
 * Every change replaces the complaint conditioned on the version read, with
 * its event, the month's figures (figures-store.ts), the staff count (conditioned on the count read) when a reply
 * names someone at fault, and the Idempotency-Key's outcome, in one transaction.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, TransactWriteCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ComplaintSettingsBody, ComplaintState, ComplaintSubject } from '#schemas/api/complaints';
import { msg } from '#schemas/api/problems';
import { readCenterContext } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { putRevisioned } from '#shared/revisioned';
import { awake, moveWakeUp, publishedLevels, publishLevel, wakeUpAt, withdrawLevel } from '#shared/wake-index';
import type { FigureChange } from './figures.ts';
import { figureUpdates } from './figures-store.ts';
import { preconditionFailed } from '#shared/errors';
import { outboxItem } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { applicantKeys, applicantOf } from '../applicants/public.ts';
import { caseKey, toRecord as caseOf } from '../cases/public.ts';
import { orgEntryKeys, staffDepartments } from '../org/public.ts';
import type { ComplaintEvent, SettingsEvent, StaffRemovalEvent, ThresholdEvent } from './events.ts';
import { isClockWatched } from './clock.ts';
import { awaitsDepartment, type ComplaintRecord } from './lifecycle.ts';
import type { StaffCount } from './rules.ts';

const complaintPk = (c: string, id: string) => `CENTER#${c}#COMPLAINT#${id}`;
export const complaintKey = (c: string, id: string): ItemKey => ({ PK: complaintPk(c, id), SK: 'COMPLAINT' });
export const settingsKey = (c: string): ItemKey => ({ PK: `CENTER#${c}#COMPLAINT#SETTINGS`, SK: 'SETTINGS' });
const staffCountPk = (c: string, username: string) => `CENTER#${c}#COMPLAINT#STAFF#${username}`;
export const staffCountKey = (c: string, username: string, year: number): ItemKey => ({ PK: staffCountPk(c, username), SK: String(year) });
const suggestionsPk = (c: string) => `CENTER#${c}#COMPLAINT#REMOVALS`;

/** The removals suggested in a year (the count reached the threshold), by username: one Query. */
export async function removalSuggestionsOf(centerId: string, year: number): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :y)',
    ExpressionAttributeValues: { ':pk': suggestionsPk(centerId), ':y': `${year}#` },
  });
}
const statePk = (c: string, state: ComplaintState) => `CENTER#${c}#COMPLAINTS#${state}`;
const departmentPk = (c: string, d: string) => `CENTER#${c}#COMPLAINT#DEPT#${d}`;
const applicantPk = (c: string, sub: string) => `CENTER#${c}#COMPLAINT#APPLICANT#${sub}`;
/** Sorts after every date: a reply whose due date is unknown comes last. */
const NO_DATE = '9999-12-31';
/** The sweep index is spread over shards (from the complaint id), as the cases' and evaluations' are: one partition would take every center's. */
const SWEEP_SHARDS = 8;
const sweepPk = (shard: number) => `COMPLAINT#SWEEP#${shard}`;
const sweepShardOf = (id: string) => createHash('sha256').update(id).digest()[0]! % SWEEP_SHARDS;
const watchPk = (shard: number) => `COMPLAINTWATCH#${shard}`;
/** The last day of the period the sweeper ends: rating while replied, asking for a review while unsatisfied. */
const sweepDate = (c: ComplaintRecord) => (c.state === 'replied' ? c.rateDue : c.state === 'unsatisfied' ? c.reviewDue : undefined);

export const settingsChanged = () => preconditionFailed(msg('投诉时限设置在您读取后已被修改；请重新读取后再试。', 'The settings changed since you read them; read them again and retry.'));
export const complaintChanged = () => preconditionFailed(msg('投诉在您读取后已被修改；请重新读取后再试。', 'The complaint changed since you read it; read it again and retry.'));

function complaintItem(c: ComplaintRecord): Item {
  const sweep = sweepDate(c);
  return {
    ...complaintKey(c.centerId, c.complaintId),
    kind: 'complaint',
    ...c,
    GSI1PK: statePk(c.centerId, c.state),
    GSI1SK: `${c.filedAt}#${c.complaintId}`,
    ...(awaitsDepartment(c) && c.departmentId ? { GSI2PK: departmentPk(c.centerId, c.departmentId), GSI2SK: `${c.replyDue ?? NO_DATE}#${c.complaintId}` } : {}),
    ...(sweep ? { GSI3PK: sweepPk(sweepShardOf(c.complaintId)), GSI3SK: `${sweep}#${c.centerId}#${c.complaintId}` } : {}),
    ...(c.complainantSub ? { GSI4PK: applicantPk(c.centerId, c.complainantSub), GSI4SK: `${c.filedAt}#${c.complaintId}` } : {}),
    // Every change puts the clock back on the watch from its instant: the watcher recomputes it as it now is.
    ...(isClockWatched(c) ? { GSI5PK: watchPk(sweepShardOf(c.complaintId)), GSI5SK: wakeUpAt(c.updatedAt, c.centerId, c.complaintId) } : {}),
  };
}

export function toRecord(item: Item): ComplaintRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, GSI4PK: _g, GSI4SK: _h, GSI5PK: _i, GSI5SK: _j, ...rest } = item;
  return rest as unknown as ComplaintRecord;
}

// ---------------------------------------------------------------------------
// Reads

/** The key of what a subject names, read at intake for the department complained about; none for the center. */
function subjectKey(centerId: string, s: ComplaintSubject): ItemKey | undefined {
  if (s.type === 'case') return caseKey(centerId, s.caseNo!);
  if (s.type === 'window') return orgEntryKeys.window(centerId, s.windowId!);
  if (s.type === 'staff') return orgEntryKeys.staff(centerId, s.username!);
  if (s.type === 'department') return orgEntryKeys.department(centerId, s.departmentId!);
  return undefined;
}

/**
 * The department a subject belongs to: a case's lead department, a staff
 * member's (primary) department, a window's when it serves one department
 * (a general window serves several: the supervisor names one at acceptance).
 */
function departmentOfSubject(s: ComplaintSubject, item: Item): string | undefined {
  if (s.type === 'case') return caseOf(item).item.departmentId;
  if (s.type === 'staff') return staffDepartments(item as { departmentId?: string; departmentIds?: string[] })[0];
  if (s.type === 'window') {
    const ids = (item.departmentIds as string[] | undefined) ?? [];
    return ids.length === 1 ? ids[0] : undefined;
  }
  return s.type === 'department' ? s.departmentId : undefined;
}

/**
 * What intake needs, in one BatchGetItem: the center's context and settings,
 * the applicant's profile (online: their name), what the subject names (it
 * exists; its department), and the request's checks (`alsoRead`).
 */
export async function intakeContext(centerId: string, sub: string | undefined, subject: ComplaintSubject, now: string, alsoRead: readonly ItemKey[]) {
  const named = subjectKey(centerId, subject);
  const profileKey = sub ? applicantKeys.profile(centerId, sub) : undefined;
  const { center, found } = await readCenterContext(centerId, now, [settingsKey(centerId), ...(named ? [named] : []), ...(profileKey ? [profileKey] : []), ...alsoRead]);
  const subjectItem = named ? itemAt(found, named) : undefined;
  return {
    center,
    found,
    settingsItem: itemAt(found, settingsKey(centerId)),
    applicant: profileKey ? applicantOf(itemAt(found, profileKey)) : undefined,
    /** False when the subject names something the center does not have. */
    subjectExists: named === undefined || subjectItem !== undefined,
    respondentDepartmentId: subjectItem ? departmentOfSubject(subject, subjectItem) : undefined,
  };
}

/** What an action may name besides the complaint: the department it is assigned to, the staff member at fault. */
export interface Named {
  readonly departmentId?: string;
  readonly staffAtFault?: string;
}

/**
 * The calendar years a reply made now can be counted in: the center's year
 * is one of them whatever its time zone (they differ only around New Year).
 */
const yearsNow = (now: string) => [...new Set([-12, 14].map((h) => new Date(Date.parse(now) + h * 3600_000).getUTCFullYear()))];

/**
 * A complaint with what deciding on it needs, in one BatchGetItem: the
 * center's context and settings, what the action's body names (a staff
 * member at fault: their entry and their counts of the years it may count
 * in), and the request's checks (`alsoRead`).
 */
export async function complaintContext(centerId: string, complaintId: string, now: string, alsoRead: readonly ItemKey[], named: Named = {}) {
  const department = named.departmentId ? orgEntryKeys.department(centerId, named.departmentId) : undefined;
  const staff = named.staffAtFault ? orgEntryKeys.staff(centerId, named.staffAtFault) : undefined;
  const years = named.staffAtFault ? yearsNow(now) : [];
  const counts = years.map((y) => staffCountKey(centerId, named.staffAtFault!, y));
  const { center, found } = await readCenterContext(centerId, now, [
    complaintKey(centerId, complaintId), settingsKey(centerId), ...[department, staff].filter((k) => k !== undefined), ...counts, ...alsoRead,
  ]);
  const item = itemAt(found, complaintKey(centerId, complaintId));
  const year = Number(center.today.slice(0, 4));
  const count = staff ? itemAt(found, staffCountKey(centerId, named.staffAtFault!, year)) : undefined;
  return {
    ...(item ? { record: toRecord(item) } : {}),
    center,
    found,
    settingsItem: itemAt(found, settingsKey(centerId)),
    /** What the rules check of the body's names; a staff member's count is of the center's year today. */
    facts: {
      ...(department ? { departmentExists: itemAt(found, department) !== undefined } : {}),
      ...(staff ? { staffAtFault: { exists: itemAt(found, staff) !== undefined, counted: Number(count?.substantiated ?? 0) } } : {}),
    },
  };
}

/** The center's settings item, with the request's checks (`alsoRead`), in one strongly consistent BatchGetItem: read to be changed. */
export async function settingsContext(centerId: string, alsoRead: readonly ItemKey[]): Promise<{ item?: Item; found: Map<string, Item> }> {
  const found = await batchGetItems([settingsKey(centerId), ...alsoRead]);
  const item = itemAt(found, settingsKey(centerId));
  return { ...(item ? { item } : {}), found };
}

/** The center's context and settings for lists, with the request's checks (`alsoRead`). */
export const listContext = (centerId: string, now: string, alsoRead: readonly ItemKey[]) => readCenterContext(centerId, now, alsoRead);

export interface Page {
  readonly items: ComplaintRecord[];
  readonly lastKey?: Item;
}

async function queryPage(input: Omit<QueryCommandInput, 'TableName'>, limit: number, startKey: Item | undefined): Promise<Page> {
  const out = await db.send(new QueryCommand({ TableName: tableName(), ...input, Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []).map(toRecord), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** The center's complaints in a state, oldest first. */
export const statePage = (centerId: string, state: ComplaintState, limit: number, startKey: Item | undefined) =>
  queryPage({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': statePk(centerId, state) } }, limit, startKey);

/** A department's assigned complaints, earliest reply due first. */
export const departmentPage = (centerId: string, departmentId: string, limit: number, startKey: Item | undefined) =>
  queryPage({ IndexName: 'GSI2', KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': departmentPk(centerId, departmentId) } }, limit, startKey);

/** An applicant's own complaints, newest first. */
export const applicantPage = (centerId: string, sub: string, limit: number, startKey: Item | undefined) =>
  queryPage({ IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :pk', ExpressionAttributeValues: { ':pk': applicantPk(centerId, sub) }, ScanIndexForward: false }, limit, startKey);

/** Complaints whose rating or review period ended before `date` (every center; one ranged Query per shard), for the sweeper. */
export async function periodsEndedBefore(date: string): Promise<{ centerId: string; complaintId: string }[]> {
  const shards = await Promise.all(Array.from({ length: SWEEP_SHARDS }, (_, shard) => queryAll({
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :before',
    ExpressionAttributeValues: { ':pk': sweepPk(shard), ':before': date },
    ProjectionExpression: 'centerId, complaintId',
  })));
  return shards.flat().map((i) => ({ centerId: i.centerId as string, complaintId: i.complaintId as string }));
}

/** A complaint whose clock's wake-up has come, as the watch index holds it. */
export interface ComplaintWatchEntry {
  readonly centerId: string;
  readonly complaintId: string;
  readonly watchKey: string;
}

/** The complaints whose wake-up has come by `now`: one Query per shard. */
export async function complaintsToWatch(now: string): Promise<ComplaintWatchEntry[]> {
  const shards = await Promise.all(Array.from({ length: SWEEP_SHARDS }, (_, shard) => awake(watchPk(shard), now, 'centerId, GSI5SK')));
  return shards.flat().map((i) => {
    const watchKey = i.GSI5SK as string;
    return { centerId: i.centerId as string, complaintId: watchKey.slice(watchKey.lastIndexOf('#') + 1), watchKey };
  });
}

/** The levels of the complaint's clock already published. */
export const publishedThresholds = (centerId: string, complaintId: string) => publishedLevels(complaintPk(centerId, complaintId));

/** Publishes a reached level once, with its event; false when already published. */
export const publishThreshold = (centerId: string, complaintId: string, clock: string, level: string, at: string, event: ThresholdEvent) =>
  publishLevel(complaintPk(centerId, complaintId), clock, level, at, outboxItem(complaintPk(centerId, complaintId), event).item);

/** Withdraws a published level the clock no longer reaches (an extension moved the reply's due date). */
export const withdrawThreshold = (centerId: string, complaintId: string, clock: string, level: string, event: ThresholdEvent) =>
  withdrawLevel(complaintPk(centerId, complaintId), clock, level, outboxItem(complaintPk(centerId, complaintId), event).item);

/** Moves the complaint's wake-up to `next` (or off the index), unless a change came since it was read. */
export const rewatch = (entry: ComplaintWatchEntry, next: string | undefined) =>
  moveWakeUp(complaintKey(entry.centerId, entry.complaintId), entry.watchKey, next, entry.centerId, entry.complaintId);

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

/** The new complaint, its event and the recorded outcome, in one transaction. */
export async function create(c: ComplaintRecord, event: ComplaintEvent, figures: FigureChange | undefined, idempotency?: IdempotencyPut) {
  await db.send(new TransactWriteCommand({
    TransactItems: [
      put(complaintItem(c), 'attribute_not_exists(PK)'),
      put(outboxItem(complaintPk(c.centerId, c.complaintId), event).item),
      ...figureUpdates(c.centerId, figures),
      ...(idempotency ? [idempotency] : []),
    ],
  }));
}

/**
 * One more substantiated complaint on the person's year, written only while
 * the count is still the one read: two replies counting the same person at
 * once cannot both see the count below the threshold.
 */
function countUpdate(centerId: string, count: StaffCount, complaintId: string) {
  return {
    Update: {
      TableName: tableName(),
      Key: staffCountKey(centerId, count.username, count.year),
      UpdateExpression: 'SET #n = :next, #ids = list_append(if_not_exists(#ids, :none), :id), #kind = :kind, #u = :u, #y = :y',
      ConditionExpression: count.counted === 0 ? 'attribute_not_exists(PK)' : '#n = :read',
      ExpressionAttributeNames: { '#n': 'substantiated', '#ids': 'complaintIds', '#kind': 'kind', '#u': 'username', '#y': 'year' },
      ExpressionAttributeValues: {
        ':next': count.counted + 1, ':none': [], ':id': [complaintId], ':kind': 'complaintStaffCount', ':u': count.username, ':y': count.year,
        ...(count.counted === 0 ? {} : { ':read': count.counted }),
      },
    },
  };
}

/**
 * Replaces the complaint if it is still at `expectedVersion`, with its event,
 * the staff count and its removal suggestion when the reply brings a person to
 * the threshold, and the recorded outcome, in one transaction. A lost race
 * (on the complaint or the count) is a 412: read again and retry.
 */
export async function transition(
  next: ComplaintRecord,
  expectedVersion: number,
  event: ComplaintEvent,
  figures: FigureChange | undefined,
  staff?: { count: StaffCount; removal?: StaffRemovalEvent },
  idempotency?: IdempotencyPut,
) {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        put(complaintItem(next), '#v = :expected', { ':expected': expectedVersion }, { '#v': 'version' }),
        put(outboxItem(complaintPk(next.centerId, next.complaintId), event).item),
        ...figureUpdates(next.centerId, figures),
        ...(staff ? [countUpdate(next.centerId, staff.count, next.complaintId)] : []),
        ...(staff?.removal ? [
          put(outboxItem(staffCountPk(next.centerId, staff.count.username), staff.removal).item),
          put({ PK: suggestionsPk(next.centerId), SK: `${staff.count.year}#${staff.count.username}`, kind: 'removalSuggestion', ...staff.removal.data, suggestedAt: staff.removal.occurredAt }),
        ] : []),
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw complaintChanged();
    throw err;
  }
}

/** Creates (`expectedRev` undefined) or replaces the center's settings, with the event and the recorded outcome, in one transaction. */
export function putSettings(
  centerId: string,
  settings: ComplaintSettingsBody,
  meta: { by: string; at: string; rev: number },
  expectedRev: number | undefined,
  event: SettingsEvent,
  idempotency?: IdempotencyPut,
) {
  return putRevisioned({
    key: settingsKey(centerId), kind: 'complaintSettings', centerId, body: settings, meta, expectedRev, event, idempotency,
    createdMeanwhile: msg('投诉时限设置刚被他人创建；请重新读取后带 If-Match 重试。', 'The settings were created at the same moment; read them and retry with If-Match.'),
    changed: settingsChanged,
  });
}
