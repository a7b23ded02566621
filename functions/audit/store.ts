/**
 * Keys of the audit log — the only module that knows them.
 *
 *   record        PK CENTER#<c>#AUDIT#DAY#<day>       SK <chain>#<seq, 10 digits>
 *   chain head    PK CENTER#<c>#AUDIT#CHAIN#<chain>   SK HEAD    { seq, hash, recordedAt, day }
 *   event marker  PK AUDIT#EVENT#<eventId>            SK EVENT   { chain, seq, day }: the eventId was recorded,
 *                 and where its record is; the auditors' indexes:
 *                 GSI1 CENTER#<c>#AUDIT / <occurredAt UTC>#<eventId>                 by time
 *                 GSI2 CENTER#<c>#AUDIT#<subjectType>#<subjectId> / same            by subject (a case: subject case/<caseNo>)
 *                 GSI3 CENTER#<c>#AUDIT#ACTOR#<actorId> / same                      by actor
 *                 GSI4 CENTER#<c>#AUDIT#TYPE#<detail-type> / same                   by event type
 *   active day    PK CENTER#<c>#AUDIT#DAYS            SK <day>   GSI1 AUDIT#ACTIVE#<day> / <c>
 *   digest        PK CENTER#<c>#AUDIT#DIGEST          SK <date>  { sha256, body }: the day's signed digest, claimed here
 *                                                                before it is published to the audit bucket
 *   digest head   PK AUDIT#DIGESTS                    SK <c>     { date, sha256 }: the center's last digest
 *
 * `<day>` is the record's recording day (center time). A day's records lie in
 * one partition in chain order, so an export is a walk over day partitions and a
 * digest one Query per center-day.
 *
 * The indexes hold the small marker, not the record (decision 121): the
 * tables' indexes project every attribute, and four copies of a ~1.4 KB record
 * were a third of a case's write units; a page of an index is one Query and
 * one BatchGetItem of the records it points to. Records written before carry
 * the index keys themselves and are listed as they are.
 *
 * `<chain>` is the record's subject (`case#<caseNo>`, `evaluation#<id>`…;
 * records written before per-subject chains: `center#<c>#<day>`).
 *
 * Appending a batch's records of one chain is one GetItem of the chain head
 * (strongly consistent) and one TransactWriteItems per chunk of up to 49
 * records: Put head (conditioned on the seq read), and per record Put marker
 * (attribute_not_exists: a redelivered event writes nothing) and Put record
 * (attribute_not_exists). The active-day item is put on its own, before the
 * first record of a chain's day. A lost race is not retried here: the events
 * go back to the queue.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#schemas/api/audit';
import { db, isTransactionConflict, itemsPointedTo, queryAll, tableName } from '#shared/db';
import { chunksOf, type GroupOutcome } from './batch.ts';
import { centerDay, nextRecord, type ChainHead, type RecordInput } from './chain.ts';

type Key = Record<string, unknown>;

const dayPk = (centerId: string, day: string) => `CENTER#${centerId}#AUDIT#DAY#${day}`;
const recordSk = (chain: string, seq: number) => `${chain}#${String(seq).padStart(10, '0')}`;
const headKey = (centerId: string, chain: string) => ({ PK: `CENTER#${centerId}#AUDIT#CHAIN#${chain}`, SK: 'HEAD' });
const markerKey = (eventId: string) => ({ PK: `AUDIT#EVENT#${eventId}`, SK: 'EVENT' });
const daysPk = (centerId: string) => `CENTER#${centerId}#AUDIT#DAYS`;
const activePk = (day: string) => `AUDIT#ACTIVE#${day}`;
const DIGESTS_PK = 'AUDIT#DIGESTS';

const timePk = (centerId: string) => `CENTER#${centerId}#AUDIT`;
const subjectPk = (centerId: string, type: string, id: string) => `CENTER#${centerId}#AUDIT#${type}#${id}`;
const actorPk = (centerId: string, actorId: string) => `CENTER#${centerId}#AUDIT#ACTOR#${actorId}`;
const typePk = (centerId: string, type: string) => `CENTER#${centerId}#AUDIT#TYPE#${type}`;

interface StoredHead extends ChainHead {
  readonly day: string;
}

const headOf = (item: Record<string, unknown> | undefined): StoredHead | undefined =>
  item ? { seq: item.seq as number, hash: item.hash as string, recordedAt: item.recordedAt as string, day: item.day as string } : undefined;

const recordKey = (centerId: string, day: string, chain: string, seq: number) => ({ PK: dayPk(centerId, day), SK: recordSk(chain, seq) });

const recordItem = (record: AuditRecord, day: string) => ({ ...recordKey(record.centerId, day, record.chain, record.seq), kind: 'auditRecord', ...record });

/** The event's marker: it was recorded, where its record lies, and the record's place in each auditors' index. */
function markerItem(record: AuditRecord, day: string) {
  // Sort keys compare as text: every instant in UTC with milliseconds, whatever offset the producer wrote.
  const sortKey = `${new Date(record.occurredAt).toISOString()}#${record.eventId}`;
  const { centerId, eventId, chain, seq, action, source } = record;
  return {
    ...markerKey(eventId),
    kind: 'auditEvent',
    eventId, centerId, chain, seq, day, action, source,
    GSI1PK: timePk(centerId),
    GSI1SK: sortKey,
    GSI2PK: subjectPk(centerId, record.subject.type, record.subject.id),
    GSI2SK: sortKey,
    GSI3PK: actorPk(centerId, record.actor.id),
    GSI3SK: sortKey,
    GSI4PK: typePk(centerId, action),
    GSI4SK: sortKey,
  };
}

// Records written before decision 121 carry the index keys themselves.
const RECORD_KEYS = new Set(['PK', 'SK', 'kind', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK']);
export const recordOf = (item: Record<string, unknown>): AuditRecord =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !RECORD_KEYS.has(k))) as AuditRecord;

type Cancellation = { Code?: string; Item?: Record<string, AttributeValue> };
const cancellationsOf = (err: unknown): Cancellation[] | undefined =>
  (err as { name?: string }).name === 'TransactionCanceledException' ? ((err as { CancellationReasons?: Cancellation[] }).CancellationReasons ?? []) : undefined;

/**
 * Marks a day active for a center (the digest run finds the centers to seal
 * by it). A plain idempotent put, outside the append transactions: the item is
 * shared by every chain of the center, and in a transaction it would make
 * appends to different chains conflict.
 */
export async function markActiveDay(centerId: string, day: string): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName(), Item: { PK: daysPk(centerId), SK: day, kind: 'auditDay', centerId, day, GSI1PK: activePk(day), GSI1SK: centerId } }));
}

/** One chunk's transaction: the head (conditioned on the position it was read at), then each record's event marker and record. */
function appendTransaction(centerId: string, chain: string, chunk: readonly AuditRecord[], head: StoredHead | undefined, day: string) {
  const last = chunk[chunk.length - 1]!;
  return new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: tableName(),
          Item: { ...headKey(centerId, chain), kind: 'auditChainHead', centerId, chain, seq: last.seq, hash: last.hash, recordedAt: last.recordedAt, day },
          ...(head
            ? { ConditionExpression: '#seq = :seq', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':seq': head.seq } }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...chunk.flatMap((r) => [
        { Put: { TableName: tableName(), Item: markerItem(r, day), ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName: tableName(), Item: recordItem(r, day), ConditionExpression: 'attribute_not_exists(PK)' } },
      ]),
    ],
  });
}

/** A head item as a cancelled transaction returns it (raw attribute values). */
const rawHeadOf = (item: Record<string, AttributeValue>): StoredHead =>
  ({ seq: Number(item.seq?.N), hash: item.hash?.S ?? '', recordedAt: item.recordedAt?.S ?? '', day: item.day?.S ?? '' });

/**
 * Immediate replans of a chain's group after a lost race, each from the head
 * the cancellation returned, after a short jittered pause (≤ 20, 40, 80 ms).
 * Failing fast on the first loss dead-lettered 17 of 320 events with 16
 * consumers on two chains (each round only one batch per chain wins, and a
 * loser waits a visibility timeout); a few replans inside the invocation let
 * the losers follow the winner within milliseconds. Past them, the queue retries.
 */
export const LOST_RACE_REPLANS = 3;
const pauseMs = (replan: number) => Math.random() * 10 * 2 ** replan;

/**
 * Appends a chain's events of one batch, in order and each exactly once: one
 * consistent GetItem of the head, then one TransactWriteItems per chunk
 * (batch.ts) — head put conditioned on the position read, markers and records
 * put only if absent. A lost race for the head or a transaction conflict is
 * replanned at most LOST_RACE_REPLANS times, then the chunk and the rest of
 * the group are left to be delivered again (`retry`). Events whose marker
 * exists are `duplicates` (already recorded); when only they cancelled a
 * chunk, it is planned once more without them from the same head.
 */
export async function appendToChain(
  centerId: string,
  chain: string,
  inputs: readonly RecordInput[],
  opensDay: (day: string) => Promise<void>,
  clock: () => number = Date.now,
): Promise<GroupOutcome> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: headKey(centerId, chain), ConsistentRead: true }));
  let head = headOf(out.Item);
  const recorded: AuditRecord[] = [];
  const duplicates: string[] = [];
  let pending = [...inputs];
  let replanned = false;
  let races = 0;
  const nowMs = clock();
  while (pending.length) {
    const records: AuditRecord[] = [];
    for (const input of pending) records.push(nextRecord(input, chain, records[records.length - 1] ?? head, nowMs));
    const chunk = chunksOf(records)[0]!;
    const day = centerDay(chunk[0]!.recordedAt);
    if (!head || head.day !== day) await opensDay(day);
    try {
      await db.send(appendTransaction(centerId, chain, chunk, head, day));
    } catch (err) {
      const reasons = cancellationsOf(err);
      const name = (err as { name?: string }).name;
      const conflict = isTransactionConflict(err);
      if (!reasons && !conflict) return { recorded, duplicates, retry: pending.map((i) => i.eventId), reason: `${name}: ${(err as Error).message}` };
      // Items: the head, then marker and record of each record of the chunk.
      const dup = new Set(chunk.filter((_, i) => reasons?.[1 + 2 * i]?.Code === 'ConditionalCheckFailed').map((r) => r.eventId));
      duplicates.push(...dup);
      pending = pending.filter((i) => !dup.has(i.eventId));
      const headLost = reasons?.[0]?.Code === 'ConditionalCheckFailed';
      if (dup.size && !headLost && !conflict && !replanned) {
        replanned = true;
        continue;
      }
      if ((headLost || conflict) && races < LOST_RACE_REPLANS) {
        await new Promise((r) => setTimeout(r, pauseMs(++races)));
        const moved = reasons?.[0]?.Item;
        head = headLost && moved ? rawHeadOf(moved) : headOf((await db.send(new GetCommand({ TableName: tableName(), Key: headKey(centerId, chain), ConsistentRead: true }))).Item);
        continue;
      }
      const why = headLost ? 'another writer moved the chain head' : conflict ? 'a concurrent transaction on the same items' : dup.size ? 'duplicates cancelled the replanned chunk' : `cancelled: ${JSON.stringify(reasons)}`;
      return { recorded, duplicates, retry: pending.map((i) => i.eventId), reason: why };
    }
    recorded.push(...chunk);
    const last = chunk[chunk.length - 1]!;
    head = { seq: last.seq, hash: last.hash, recordedAt: last.recordedAt, day };
    pending = pending.slice(chunk.length);
  }
  return { recorded, duplicates, retry: [] };
}

// ---------------------------------------------------------------------------
// Reads for the auditors' API

export type RecordFilter =
  | { readonly by: 'center' }
  | { readonly by: 'subject'; readonly type: string; readonly id: string }
  | { readonly by: 'actor'; readonly id: string }
  | { readonly by: 'type'; readonly type: string };

const indexOf = (centerId: string, f: RecordFilter): [index: string, pk: string] => {
  switch (f.by) {
    case 'center': return ['GSI1', timePk(centerId)];
    case 'subject': return ['GSI2', subjectPk(centerId, f.type, f.id)];
    case 'actor': return ['GSI3', actorPk(centerId, f.id)];
    case 'type': return ['GSI4', typePk(centerId, f.type)];
  }
};

/**
 * Records of a center, oldest first by occurredAt: one Query on the filter's index, optionally within an
 * instant range, and one BatchGetItem of the records its markers point to (a page holds at most 100).
 */
export async function listRecords(
  centerId: string,
  filter: RecordFilter,
  range: { fromInstant: string; toInstant: string } | undefined,
  limit: number,
  startKey?: Key,
) {
  const [index, pk] = indexOf(centerId, filter);
  const out = await db.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: range ? `${index}PK = :pk AND ${index}SK BETWEEN :from AND :to` : `${index}PK = :pk`,
      // '~' sorts after every ULID character, so the upper bound includes the last instant's records.
      ExpressionAttributeValues: { ':pk': pk, ...(range ? { ':from': range.fromInstant, ':to': `${range.toInstant}~` } : {}) },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  const records = await itemsPointedTo(out.Items ?? [], (e) =>
    e.kind === 'auditEvent' ? recordKey(e.centerId as string, e.day as string, e.chain as string, e.seq as number) : undefined);
  return { items: records.map(recordOf), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** The days in [from, to] on which a center recorded anything (one Query; a range holds at most 92 days). */
export async function activeDays(centerId: string, from: string, to: string): Promise<string[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': daysPk(centerId), ':from': from, ':to': to } });
  return items.map((i) => i.SK as string);
}

/** One page of a day's records, in chain order (chain, then position). */
export async function dayRecords(centerId: string, day: string, limit: number, startKey?: Key) {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': dayPk(centerId, day) },
    Limit: limit,
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  }));
  return { items: (out.Items ?? []).map(recordOf), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

// ---------------------------------------------------------------------------
// The digest's reads and its head

/** Chain, position, hash and recording time of every record of a center-day, in chain order (all pages). */
export async function daySeals(centerId: string, day: string): Promise<{ chain: string; seq: number; hash: string; recordedAt: string }[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ProjectionExpression: '#chain, #seq, #hash, recordedAt',
    // HASH is a reserved word.
    ExpressionAttributeNames: { '#chain': 'chain', '#seq': 'seq', '#hash': 'hash' },
    ExpressionAttributeValues: { ':pk': dayPk(centerId, day) },
    ConsistentRead: true,
  });
  return items as { chain: string; seq: number; hash: string; recordedAt: string }[];
}

/** The centers that recorded anything on a day (GSI1 of the active-day items). */
export async function centersActiveOn(day: string): Promise<string[]> {
  const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': activePk(day) } });
  return items.map((i) => i.GSI1SK as string);
}

export interface DigestHead {
  readonly centerId: string;
  readonly date: string;
  readonly sha256: string;
}

/** Every center's last digest. */
export async function digestHeads(): Promise<DigestHead[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': DIGESTS_PK }, ConsistentRead: true });
  return items.map((i) => ({ centerId: i.SK as string, date: i.date as string, sha256: i.sha256 as string }));
}

/** Moves a center's digest head to `next`, only forward and only from the head the digest chained to. */
export async function advanceDigestHead(next: DigestHead, previous: DigestHead | undefined): Promise<boolean> {
  try {
    await db.send(new PutCommand({
      TableName: tableName(),
      Item: { PK: DIGESTS_PK, SK: next.centerId, kind: 'auditDigestHead', centerId: next.centerId, date: next.date, sha256: next.sha256 },
      ...(previous
        ? { ConditionExpression: '#date = :date AND sha256 = :sha', ExpressionAttributeNames: { '#date': 'date' }, ExpressionAttributeValues: { ':date': previous.date, ':sha': previous.sha256 } }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

const digestItemKey = (centerId: string, date: string) => ({ PK: `CENTER#${centerId}#AUDIT#DIGEST`, SK: date });

/**
 * Claims a center's digest of a day: its copy (the JSON text the bucket gets)
 * put only if none exists. False when another run claimed the day first.
 */
export async function claimDigest(centerId: string, date: string, sha256: string, body: string): Promise<boolean> {
  try {
    await db.send(new PutCommand({
      TableName: tableName(),
      Item: { ...digestItemKey(centerId, date), kind: 'auditDigest', centerId, date, sha256, body },
      ConditionExpression: 'attribute_not_exists(PK)',
    }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** The JSON text of a center's digest of a day, if sealed (the copy of the bucket's object). */
export async function digestCopy(centerId: string, date: string, consistent = false): Promise<string | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: digestItemKey(centerId, date), ConsistentRead: consistent }));
  return out.Item?.body as string | undefined;
}

/** A center's last digest. */
export async function digestHead(centerId: string): Promise<DigestHead | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: { PK: DIGESTS_PK, SK: centerId }, ConsistentRead: true }));
  return out.Item ? { centerId, date: out.Item.date as string, sha256: out.Item.sha256 as string } : undefined;
}
