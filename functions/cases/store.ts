/**
 * DynamoDB keys, reads and transactions of cases: the only module that knows
 * them (docs/data-model.md lists each access pattern and its request count).
 *
 *   case            PK CENTER#<c>#CASE#<caseNo>  SK CASE
 *                   GSI5 WATCH#<shard> / <wakeAt>#<c>#<caseNo>               (when the watcher looks next, while open)
 *   case index      PK CENTER#<c>#CASE#<caseNo>  SK INDEX  { centerId, caseNo }: the case's place in the lists
 *                   GSI1 CENTER#<c>#DEPT#<lead>#Q#<queue> / <due>#<caseNo>    (work queue, while open)
 *                   GSI2 CENTER#<c>#DEPT#<lead>#DUE / <due>#<caseNo>          (the limit running now)
 *                   GSI3 SWEEP#<shard 0-7> / <date>#<c>#<caseNo>             (notice, supplement or pledge deadline, for the sweeper)
 *                   GSI4 CENTER#<c>#APPLICANT#<sub>#CASES / <createdAt>#<caseNo>
 *   joint step      PK CENTER#<c>#CASE#<caseNo>  SK STEP#<dept>  GSI1 CENTER#<c>#DEPT#<dept>#Q#joint_opinions (while open)
 *   case events     PK CENTER#<c>#CASE#<caseNo>  SK EVENT#<ulid>  (the outbox; also the timeline)
 *   threshold       PK CENTER#<c>#CASE#<caseNo>  SK THRESHOLD#<clock>#<level>  (a clock's level published once)
 *   archive place   PK CENTER#<c>#CASE#<caseNo>  SK ARCHIVE  { location }  (written by the archive consumer)
 *   case numbers    PK CENTER#<c>#CASENO#<yyyymmdd>  SK COUNTER  { seq }
 *   lookup failures PK CENTER#<c>#LOOKUP#<caseNo>  SK <yyyymmddhh>#<client>  { failures, expiresAt }
 *   provisional     PK CENTER#<c>#PROVISIONAL  SK <caseNo>  { expiresAt }  (an open case whose deadlines
 *                   became provisional; kept, not deleted, until its TTL: the recount skips a case that is
 *                   no longer provisional)
 *
 * Intake and actions record an Idempotency-Key's outcome in their transaction
 * (shared/idempotency.ts owns that key).
 *
 * The case item is replaced whole on every transition, conditioned on the
 * version the caller read; its event, its index item and the joint steps
 * change in the same transaction, so state, lists, timeline and outbox never
 * disagree.
 *
 * The lists index the small index item, not the case (decision 122): the
 * table's indexes project every attribute, and four copies of a 2–3 KB case
 * rewritten on each transition were half of a case's write units. A page of a
 * list is one Query and one BatchGetItem of the cases. Cases last written
 * before carry the list keys themselves and are listed as they are, until
 * their next transition moves the keys to an index item.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { msg } from '#schemas/api/problems';
import type { QueueName } from '#schemas/api/cases';
import { centerContextIn, centerKeys, centerProfileKey, readCenterContext, type CenterContext } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, itemsPointedTo, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { awake, moveWakeUp, publishedLevels, publishLevel, wakeUpAt, withdrawLevel } from '#shared/wake-index';
import { concurrentRequest, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { agencyOf, applicantKeys, applicantOf, creditExcludedOf, type StoredAgency } from '../applicants/public.ts';
import { itemHeadKey, type StoredHead } from '../catalog/public.ts';
import type { CaseEventData } from '#schemas/events/cases';
import type { CaseRecord } from './lifecycle.ts';
import { countTransition } from './metrics.ts';
import { caseSettingsOf, type CaseSettings } from './settings.ts';
import { thresholdDetailTypes } from '#schemas/events/threshold-types';
import type { CaseState } from '#schemas/api/case-clock';

type Key = ItemKey;

const casePk = (centerId: string, caseNo: string) => `CENTER#${centerId}#CASE#${caseNo}`;
const CASE = 'CASE';
/** Other domains read a case (its checklist, its applicant) with this key and `toRecord`. */
export const caseKey = (centerId: string, caseNo: string): Key => ({ PK: casePk(centerId, caseNo), SK: CASE });
const stepKey = (centerId: string, caseNo: string, departmentId: string): Key => ({ PK: casePk(centerId, caseNo), SK: `STEP#${departmentId}` });
const queuePk = (centerId: string, departmentId: string, queue: QueueName) => `CENTER#${centerId}#DEPT#${departmentId}#Q#${queue}`;
const duePk = (centerId: string, departmentId: string) => `CENTER#${centerId}#DEPT#${departmentId}#DUE`;
/** The watch and sweep indexes are spread over shards: one partition would take every center's cases. */
export const INDEX_SHARDS = 8;
const watchPk = (shard: number) => `WATCH#${shard}`;
const sweepPk = (shard: number) => `SWEEP#${shard}`;
const shardOf = (caseNo: string) => createHash('sha256').update(caseNo).digest()[0]! % INDEX_SHARDS;
const applicantPk = (centerId: string, sub: string) => `CENTER#${centerId}#APPLICANT#${sub}#CASES`;
const counterKey = (centerId: string, date: string): Key => ({ PK: `CENTER#${centerId}#CASENO#${date.replaceAll('-', '')}`, SK: 'COUNTER' });
// The client part is a hash: the table keeps no network addresses.
const lookupKey = (centerId: string, caseNo: string, hour: string, client: string): Key => ({
  PK: `CENTER#${centerId}#LOOKUP#${caseNo}`,
  SK: `${hour}#${createHash('sha256').update(client).digest('base64url').slice(0, 22)}`,
});

// Open cases counted on a provisional year, for the recount when the year is entered (recount.ts).
const provisionalPk = (centerId: string) => `CENTER#${centerId}#PROVISIONAL`;
/** Long enough for any year's schedule to be published and entered. */
const PROVISIONAL_TTL_SECONDS = 400 * 86_400;
const awaitsRecount = (c: CaseRecord | undefined) => !!c?.deadlines.provisional && queueOfState[c.state] !== undefined;

/** The marker a case gets when its deadlines become provisional while it is open; nothing otherwise. */
function provisionalMarker(previous: CaseRecord | undefined, next: CaseRecord, nowMs = Date.now()) {
  if (!awaitsRecount(next) || awaitsRecount(previous)) return [];
  const item = { PK: provisionalPk(next.centerId), SK: next.caseNo, kind: 'provisionalCase', expiresAt: Math.floor(nowMs / 1000) + PROVISIONAL_TTL_SECONDS };
  return [{ Put: { TableName: tableName(), Item: item } }];
}

/** Sorts after every date: cases whose limit is unknown come last in a queue. */
const NO_DATE = '9999-12-31';

/** The work queue a state puts a case in (none once it has ended). */
const queueOfState: Partial<Record<CaseState, QueueName>> = {
  submitted: 'to_accept',
  supplement_requested: 'to_supplement',
  accepted: 'in_review',
  under_review: 'in_review',
  suspended: 'suspended',
  escalated: 'suspended',
  approved: 'to_deliver',
  denied: 'to_deliver',
  completed: 'to_deliver',
  to_pay: 'to_pay',
};

/** The limit running now, which orders the case in its queue and in due-soon/overdue. */
function runningDue(c: CaseRecord): string | undefined {
  if (c.state === 'submitted') return c.noticeDue;
  if (c.state === 'accepted' || c.state === 'under_review') return c.deadlines.promisedDue;
  if (c.state === 'approved' || c.state === 'denied' || c.state === 'completed') return c.deadlines.deliveryDue;
  // The applicant's last day to pay orders the queue; it is no limit of the agency's (not in due-soon/overdue).
  if (c.state === 'to_pay') return c.payment?.payBy;
  return undefined;
}

/** The date the sweeper must look at the case: the end of the notice period, the last day to supplement, or the pledge deadline. */
function sweepDate(c: CaseRecord): string | undefined {
  if (c.state === 'submitted') return c.noticeDue;
  if (c.state === 'supplement_requested') return c.supplementNotice?.due;
  if (c.tolerance && !c.tolerance.completedAt && ['accepted', 'under_review', 'suspended', 'escalated'].includes(c.state)) return c.tolerance.due;
  return undefined;
}

const indexKey = (centerId: string, caseNo: string): Key => ({ PK: casePk(centerId, caseNo), SK: 'INDEX' });

function caseItem(c: CaseRecord): Item {
  return {
    ...caseKey(c.centerId, c.caseNo),
    kind: 'case',
    ...c,
    // Every change is looked at by the watcher within a minute: it moves or drops the pending thresholds.
    ...(queueOfState[c.state] ? { GSI5PK: watchPk(shardOf(c.caseNo)), GSI5SK: wakeUpAt(c.updatedAt, c.centerId, c.caseNo) } : {}),
  };
}

/** The case's place in its department's queue and due list, the sweeper's dates and its applicant's list. */
function indexItem(c: CaseRecord): Item {
  const queue = queueOfState[c.state];
  const due = runningDue(c);
  const sweep = sweepDate(c);
  const dueWatched = due !== undefined && c.state !== 'submitted' && c.state !== 'to_pay';
  return {
    ...indexKey(c.centerId, c.caseNo),
    kind: 'caseIndex',
    centerId: c.centerId,
    caseNo: c.caseNo,
    ...(queue ? { GSI1PK: queuePk(c.centerId, c.item.departmentId, queue), GSI1SK: `${due ?? NO_DATE}#${c.caseNo}` } : {}),
    ...(dueWatched ? { GSI2PK: duePk(c.centerId, c.item.departmentId), GSI2SK: `${due}#${c.caseNo}` } : {}),
    ...(sweep ? { GSI3PK: sweepPk(shardOf(c.caseNo)), GSI3SK: `${sweep}#${c.centerId}#${c.caseNo}` } : {}),
    GSI4PK: applicantPk(c.centerId, c.applicantSub),
    GSI4SK: `${c.createdAt}#${c.caseNo}`,
  };
}

function stepItem(c: CaseRecord, step: CaseRecord['jointSteps'][number]): Item {
  const open = step.status === 'open' && queueOfState[c.state] !== undefined;
  return {
    ...stepKey(c.centerId, c.caseNo, step.departmentId),
    kind: 'caseStep',
    caseNo: c.caseNo,
    ...step,
    ...(open ? { GSI1PK: queuePk(c.centerId, step.departmentId, 'joint_opinions'), GSI1SK: `${c.deadlines.promisedDue ?? NO_DATE}#${c.caseNo}` } : {}),
  };
}

export function toRecord(item: Item): CaseRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI3PK: _e, GSI3SK: _f, GSI4PK: _g, GSI4SK: _h, GSI5PK: _i, GSI5SK: _j, ...rest } = item;
  return rest as unknown as CaseRecord;
}

export type CaseEvent = EventDraft<CaseEventData>;


export interface IntakeContext {
  readonly head?: StoredHead;
  readonly center: CenterContext;
  /** From the applicant's profile (online) or card (at the counter, or the principal's when an agent files). */
  readonly applicant?: ReturnType<typeof applicantOf>;
  /** An agent filing: the agent's own profile, and the mirror of the principal's authorization (none: never authorized). */
  readonly agent?: ReturnType<typeof applicantOf>;
  readonly agency?: StoredAgency;
  /** The applicant's bad-credit flag (失信), on the profile or the card read: the answer's next actions agree with 容缺受理's guard. */
  readonly creditExcluded: boolean;
  /** Everything read, for the request's own checks (`alsoRead`). */
  readonly found: Map<string, Item>;
}

/**
 * Everything intake needs, in one BatchGetItem, with the request's checks
 * (`alsoRead`). An agent filing (`agent`: their account, and the principal's
 * id, which keys both the principal's card and the agency) adds their own
 * profile and their agency to the batch.
 */
export async function intakeContext(input: {
  centerId: string;
  itemCode: string;
  applicant: { bySub: string } | { byId: string };
  agent?: { sub: string; principalId: string };
  now: string;
  alsoRead: readonly ItemKey[];
}): Promise<IntakeContext> {
  const { centerId, agent } = input;
  const applicantKey = 'bySub' in input.applicant ? applicantKeys.profile(centerId, input.applicant.bySub) : applicantKeys.card(centerId, input.applicant.byId);
  const agentKeys = agent ? [applicantKeys.profile(centerId, agent.sub), applicantKeys.agency(centerId, agent.sub, agent.principalId)] as const : undefined;
  const found = await batchGetItems([itemHeadKey(centerId, input.itemCode), applicantKey, ...(agentKeys ?? []), ...centerKeys(centerId, input.now), ...input.alsoRead]);
  return {
    head: itemAt(found, itemHeadKey(centerId, input.itemCode)) as StoredHead | undefined,
    center: centerContextIn(found, centerId, input.now),
    applicant: applicantOf(itemAt(found, applicantKey)),
    creditExcluded: creditExcludedOf(itemAt(found, applicantKey)),
    ...(agentKeys ? { agent: applicantOf(itemAt(found, agentKeys[0])), agency: agencyOf(itemAt(found, agentKeys[1])) } : {}),
    found,
  };
}

/**
 * The authorization of an applicant (account `agentSub`) by the applicant of
 * a case (`principalId`), as it stands now: one consistent GetItem, made only
 * when an applicant reads a case not their own, so a revocation is felt at once.
 */
export async function agencyFor(centerId: string, agentSub: string, principalId: string): Promise<StoredAgency | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: applicantKeys.agency(centerId, agentSub, principalId), ConsistentRead: true }));
  return agencyOf(out.Item);
}

/**
 * Whether the case's applicant is flagged for bad credit (失信) now: one
 * GetItem of the profile, made only when a clerk accepts with pledged
 * materials (容缺受理), the one action the flag bars.
 */
export async function creditExcluded(centerId: string, applicantSub: string): Promise<boolean> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: applicantKeys.profile(centerId, applicantSub), ConsistentRead: true, ProjectionExpression: 'credit' }));
  return creditExcludedOf(out.Item);
}

/** The next number of the day's sequence: an atomic counter, so concurrent intakes never share one. */
export async function nextSequence(centerId: string, date: string): Promise<number> {
  const out = await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: counterKey(centerId, date),
      UpdateExpression: 'ADD #seq :one SET #kind = :kind',
      ExpressionAttributeNames: { '#seq': 'seq', '#kind': 'kind' },
      ExpressionAttributeValues: { ':one': 1, ':kind': 'caseCounter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return out.Attributes?.seq as number;
}

/**
 * The new case, its first event and, when the client sent a key, its recorded
 * outcome, in one transaction.
 */
export async function createCase(c: CaseRecord, event: CaseEvent, idempotency?: IdempotencyPut) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: caseItem(c), ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: tableName(), Item: indexItem(c) } },
          { Put: { TableName: tableName(), Item: outboxItem(casePk(c.centerId, c.caseNo), event).item } },
          ...provisionalMarker(undefined, c),
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw concurrentRequest(msg(`办件编号 ${c.caseNo} 已被占用，或同一请求正在处理；请重试。`, `Case number ${c.caseNo} is taken, or the same request is in progress; retry the intake.`));
    throw err;
  }
}

const archiveLocationKey = (centerId: string, caseNo: string): Key => ({ PK: casePk(centerId, caseNo), SK: 'ARCHIVE' });

/**
 * Where the archived case file is: written once, in the documents domain's
 * archive transaction, beside the case item (which every transition replaces
 * whole) and read with it.
 */
export const archiveLocationItem = (centerId: string, caseNo: string, location: string): Item => ({ ...archiveLocationKey(centerId, caseNo), kind: 'caseArchiveLocation', location });

export interface CaseContext {
  readonly record?: CaseRecord;
  readonly center: CenterContext;
  readonly archiveLocation?: string;
  /** The center's settings of the case rules (on its profile, read with the context). */
  readonly settings: CaseSettings;
  /** Everything read, for the request's own checks (`alsoRead`). */
  readonly found: Map<string, Item>;
}

/** A case, its archive location and its center's context, with the request's checks (`alsoRead`), in one BatchGetItem. */
export async function caseContext(centerId: string, caseNo: string, now: string, alsoRead: readonly ItemKey[] = []): Promise<CaseContext> {
  const { center, found } = await readCenterContext(centerId, now, [caseKey(centerId, caseNo), archiveLocationKey(centerId, caseNo), ...alsoRead]);
  const item = itemAt(found, caseKey(centerId, caseNo));
  const archived = itemAt(found, archiveLocationKey(centerId, caseNo));
  return {
    ...(item ? { record: toRecord(item) } : {}),
    ...(archived ? { archiveLocation: archived.location as string } : {}),
    center,
    settings: caseSettingsOf(itemAt(found, centerProfileKey(centerId))),
    found,
  };
}

/** The center's context for list reads, with the request's checks (`alsoRead`). */
export const listContext = (centerId: string, now: string, alsoRead: readonly ItemKey[] = []) => readCenterContext(centerId, now, alsoRead);

/** The center's context and an agent's authorization by one principal, for the agent's list of that principal's cases, with the request's checks (`alsoRead`). */
export async function principalListContext(centerId: string, agentSub: string, principalId: string, now: string, alsoRead: readonly ItemKey[] = []) {
  const key = applicantKeys.agency(centerId, agentSub, principalId);
  const { center, found } = await readCenterContext(centerId, now, [key, ...alsoRead]);
  return { center, agency: agencyOf(itemAt(found, key)), found };
}

/**
 * Replaces the case if it is still the version read (`current`), with its
 * event and its joint steps, in one transaction. A lost race is a 412: the
 * caller read a version that is no longer current.
 */
export async function transition(next: CaseRecord, current: CaseRecord, event: CaseEvent, changedSteps: readonly CaseRecord['jointSteps'][number][], idempotency?: IdempotencyPut) {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: caseItem(next),
              ConditionExpression: '#v = :expected',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':expected': current.version },
            },
          },
          // Rewritten whole on each transition: a case of the earlier layout gets its index item at its first one.
          { Put: { TableName: tableName(), Item: indexItem(next) } },
          { Put: { TableName: tableName(), Item: outboxItem(casePk(next.centerId, next.caseNo), event).item } },
          ...changedSteps.map((s) => ({ Put: { TableName: tableName(), Item: stepItem(next, s) } })),
          ...provisionalMarker(current, next),
          ...(idempotency ? [idempotency] : []),
        ],
      }),
    );
  } catch (err) {
    if (isConcurrentChange(err)) throw preconditionFailed(msg('办件在您读取后已被修改；请重新读取后再试。', 'The case changed since you read it; read it again and retry.'));
    throw err;
  }
  // Every writer of a transition (the API, the sweeper) passes here, and only once its write succeeded.
  countTransition(event);
}

export interface TimelineItem {
  readonly eventId: string;
  readonly detailType: string;
  readonly event: { occurredAt: string; actor: { id: string; role: string; departmentId?: string }; data: CaseEventData };
}

/** The case and its whole timeline in one Query on its partition (events sort before the case item); clock thresholds left out. */
export async function caseWithTimeline(centerId: string, caseNo: string): Promise<{ record?: CaseRecord; events: TimelineItem[] }> {
  const events: TimelineItem[] = [];
  let record: CaseRecord | undefined;
  for (const item of await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': casePk(centerId, caseNo) }, ConsistentRead: true })) {
    if (item.SK === CASE) record = toRecord(item);
    // The clock thresholds share the outbox but are no step of the case: the supervision history shows them.
    else if (typeof item.SK === 'string' && item.SK.startsWith('EVENT#') && !thresholdDetailTypes.includes(item.detailType as string)) {
      events.push({ eventId: item.SK.slice('EVENT#'.length), detailType: item.detailType as string, event: JSON.parse(item.detail as string) });
    }
  }
  return { ...(record ? { record } : {}), events };
}

export interface Page {
  readonly items: CaseRecord[];
  readonly lastKey?: Item;
}

async function queryPage(input: Omit<QueryCommandInput, 'TableName'>, limit: number, startKey: Item | undefined): Promise<{ items: Item[]; lastKey?: Item }> {
  const out = await db.send(new QueryCommand({ TableName: tableName(), ...input, Limit: limit, ExclusiveStartKey: startKey }));
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/**
 * A page of a department's work queue. State queues are one partition of GSI1
 * each, oldest limit first; due-soon and overdue are ranges of GSI2 (the limit
 * running now). A page is one Query and one BatchGetItem of the cases its entries point to.
 */
export async function queuePage(
  centerId: string,
  departmentId: string,
  queue: QueueName,
  range: { today: string; soonUntil: string },
  limit: number,
  startKey: Item | undefined,
): Promise<Page> {
  let page: { items: Item[]; lastKey?: Item };
  if (queue === 'due_soon' || queue === 'overdue') {
    const condition = queue === 'overdue' ? 'GSI2PK = :pk AND GSI2SK < :to' : 'GSI2PK = :pk AND GSI2SK BETWEEN :from AND :to';
    page = await queryPage(
      {
        IndexName: 'GSI2',
        KeyConditionExpression: condition,
        ExpressionAttributeValues: {
          ':pk': duePk(centerId, departmentId),
          ...(queue === 'overdue' ? { ':to': range.today } : { ':from': range.today, ':to': `${range.soonUntil}#\uffff` }),
        },
      },
      limit,
      startKey,
    );
  } else {
    page = await queryPage(
      { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': queuePk(centerId, departmentId, queue) } },
      limit,
      startKey,
    );
  }
  return { items: await casesOf(centerId, page.items), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}

/**
 * The cases a page of a list points to, in its order: index items and joint steps carry the case number;
 * cases of the earlier layout are their own entries.
 */
async function casesOf(centerId: string, entries: readonly Item[]): Promise<CaseRecord[]> {
  return (await itemsPointedTo(entries, (e) => (e.kind === 'case' ? undefined : caseKey(centerId, e.caseNo as string)))).map(toRecord);
}

/** An applicant's own cases, newest first. */
export async function applicantCases(centerId: string, sub: string, limit: number, startKey: Item | undefined): Promise<Page> {
  const page = await queryPage(
    { IndexName: 'GSI4', KeyConditionExpression: 'GSI4PK = :pk', ExpressionAttributeValues: { ':pk': applicantPk(centerId, sub) }, ScanIndexForward: false },
    limit,
    startKey,
  );
  return { items: await casesOf(centerId, page.items), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}

/** The cases whose notice period, time to supplement or pledge deadline ended on `date` or before (every center; one Query per shard). */
export async function sweepDue(date: string): Promise<{ centerId: string; caseNo: string }[]> {
  const shards = await Promise.all(Array.from({ length: INDEX_SHARDS }, (_, shard) => queryAll({
    IndexName: 'GSI3',
    KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK < :to',
    ExpressionAttributeValues: { ':pk': sweepPk(shard), ':to': `${date}~` },
    ProjectionExpression: 'centerId, caseNo',
  })));
  return shards.flat().map((item) => ({ centerId: item.centerId as string, caseNo: item.caseNo as string }));
}

/** A case for the public lookup, with this hour's failed attempts on its number from this client. */
export async function lookupContext(centerId: string, caseNo: string, hour: string, client: string) {
  const found = await batchGetItems([caseKey(centerId, caseNo), lookupKey(centerId, caseNo, hour, client)]);
  const item = itemAt(found, caseKey(centerId, caseNo));
  return { ...(item ? { record: toRecord(item) } : {}), failures: (itemAt(found, lookupKey(centerId, caseNo, hour, client))?.failures as number | undefined) ?? 0 };
}

/** Counts a failed lookup on a case number from a client; the item expires after two hours. */
export async function countLookupFailure(centerId: string, caseNo: string, hour: string, client: string, nowMs: number): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: lookupKey(centerId, caseNo, hour, client),
      UpdateExpression: 'ADD failures :one SET expiresAt = :exp, #kind = :kind',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':one': 1, ':exp': Math.floor(nowMs / 1000) + 7200, ':kind': 'lookupFailures' },
    }),
  );
}

/** The open cases of a center whose deadlines were counted on a provisional year (and some since settled). */
export async function provisionalCases(centerId: string): Promise<string[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': provisionalPk(centerId) }, ProjectionExpression: 'SK' });
  return items.map((i) => i.SK as string);
}

// ---------------------------------------------------------------------------
// The watch (watch.ts): thresholds published once, the next wake-up moved

export interface WatchEntry {
  readonly centerId: string;
  readonly caseNo: string;
  /** The index key as read: the wake-up is moved only if no change came since. */
  readonly watchKey: string;
}

/** The cases of one shard whose wake-up has come by `now`. */
export async function watchDue(shard: number, now: string): Promise<WatchEntry[]> {
  const items = await awake(watchPk(shard), now, 'centerId, caseNo, GSI5SK');
  return items.map((i) => ({ centerId: i.centerId as string, caseNo: i.caseNo as string, watchKey: i.GSI5SK as string }));
}

/** The clock levels of a case already published. */
export const publishedThresholds = (centerId: string, caseNo: string) => publishedLevels(casePk(centerId, caseNo));

/** Publishes a reached threshold once: its marker and its event in one transaction; false when already published. */
export const publishThreshold = (centerId: string, caseNo: string, clock: string, level: string, event: CaseEvent, at: string) =>
  publishLevel(casePk(centerId, caseNo), clock, level, at, outboxItem(casePk(centerId, caseNo), event).item);

/** Withdraws a published threshold the clock no longer reaches (an official year replaced a provisional one). */
export const withdrawThreshold = (centerId: string, caseNo: string, clock: string, level: string, event: CaseEvent) =>
  withdrawLevel(casePk(centerId, caseNo), clock, level, outboxItem(casePk(centerId, caseNo), event).item);

/** Moves the case's wake-up to `next` (or out of the index), unless a change came since it was read. */
export const rewatch = (entry: WatchEntry, next: string | undefined) => moveWakeUp(caseKey(entry.centerId, entry.caseNo), entry.watchKey, next, entry.centerId, entry.caseNo);
