/**
 * Keys of the audit log — the only module that knows them.
 *
 *   record        PK CENTER#<c>#AUDIT#DAY#<day>       SK <chain>#<seq, 10 digits>
 *                 GSI1 CENTER#<c>#AUDIT / <occurredAt UTC>#<eventId>                 by time
 *                 GSI2 CENTER#<c>#AUDIT#<subjectType>#<subjectId> / same            by subject (a case: subject case/<caseNo>)
 *                 GSI3 CENTER#<c>#AUDIT#ACTOR#<actorId> / same                      by actor
 *                 GSI4 CENTER#<c>#AUDIT#TYPE#<detail-type> / same                   by event type
 *   chain head    PK CENTER#<c>#AUDIT#CHAIN#<chain>   SK HEAD    { seq, hash, recordedAt, day }
 *   event marker  PK AUDIT#EVENT#<eventId>            SK EVENT   { chain, seq, day }: the eventId was recorded
 *   active day    PK CENTER#<c>#AUDIT#DAYS            SK <day>   GSI1 AUDIT#ACTIVE#<day> / <c>
 *   digest        PK CENTER#<c>#AUDIT#DIGEST          SK <date>  { sha256, body }: the day's signed digest, claimed here
 *                                                                before it is published to the audit bucket
 *   digest head   PK AUDIT#DIGESTS                    SK <c>     { date, sha256 }: the center's last digest
 *
 * `<day>` is the record's recording day (center time). A day's records lie in
 * one partition in chain order, so an export is a walk over day partitions and a
 * digest one Query per center-day.
 *
 * Appending is one GetItem of the chain head (strongly consistent) and one
 * TransactWriteItems: Put marker (attribute_not_exists: a redelivered event
 * writes nothing), Put record (attribute_not_exists), Put head (conditioned on
 * the seq read), and Put the active-day item when the record opens the chain's
 * day. A lost race re-reads nothing: the cancelled head condition returns the
 * current head (ReturnValuesOnConditionCheckFailure), and the append retries.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#schemas/api/audit';
import { db, queryAll, tableName } from '#shared/db';
import { centerChainDay, centerDay, chainOf, nextRecord, type ChainHead, type RecordInput } from './chain.ts';

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

/**
 * Bounded retries of a lost race for a chain head, each one TransactWriteItems
 * after a jittered, growing pause (≤ 200 ms): some 25 writers racing for one
 * head all land within the function's timeout; beyond, Lambda's retry takes over.
 */
export const MAX_APPEND_ATTEMPTS = 30;
const backoffMs = (attempt: number) => Math.random() * Math.min(200, 5 * 2 ** attempt);

export class ChainContentionError extends Error {
  override readonly name = 'ChainContentionError';
}

interface StoredHead extends ChainHead {
  readonly day: string;
}

const headOf = (item: Record<string, unknown> | undefined): StoredHead | undefined =>
  item ? { seq: item.seq as number, hash: item.hash as string, recordedAt: item.recordedAt as string, day: item.day as string } : undefined;

function recordItem(record: AuditRecord, day: string) {
  // Sort keys compare as text: every instant in UTC with milliseconds, whatever offset the producer wrote.
  const sortKey = `${new Date(record.occurredAt).toISOString()}#${record.eventId}`;
  return {
    PK: dayPk(record.centerId, day),
    SK: recordSk(record.chain, record.seq),
    kind: 'auditRecord',
    GSI1PK: timePk(record.centerId),
    GSI1SK: sortKey,
    GSI2PK: subjectPk(record.centerId, record.subject.type, record.subject.id),
    GSI2SK: sortKey,
    GSI3PK: actorPk(record.centerId, record.actor.id),
    GSI3SK: sortKey,
    GSI4PK: typePk(record.centerId, record.action),
    GSI4SK: sortKey,
    ...record,
  };
}

const RECORD_KEYS = new Set(['PK', 'SK', 'kind', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK']);
export const recordOf = (item: Record<string, unknown>): AuditRecord =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !RECORD_KEYS.has(k))) as AuditRecord;

/** A head item as a cancelled transaction returns it (raw attribute values). */
function rawHeadOf(item: Record<string, AttributeValue> | undefined): StoredHead | undefined {
  if (!item) return undefined;
  return { seq: Number(item.seq?.N), hash: item.hash?.S ?? '', recordedAt: item.recordedAt?.S ?? '', day: item.day?.S ?? '' };
}

type Cancellation = { Code?: string; Item?: Record<string, AttributeValue> };
const cancellationsOf = (err: unknown): Cancellation[] | undefined =>
  (err as { name?: string }).name === 'TransactionCanceledException' ? ((err as { CancellationReasons?: Cancellation[] }).CancellationReasons ?? []) : undefined;

export type AppendOutcome = { readonly status: 'recorded'; readonly record: AuditRecord; readonly attempts: number } | { readonly status: 'duplicate'; readonly attempts: number };

/**
 * Appends the record of one event to its chain, exactly once: a second call
 * with the same eventId changes nothing and answers `duplicate`. Either every
 * item of the append is written or none is.
 */
export async function appendRecord(input: RecordInput, clock: () => number = Date.now): Promise<AppendOutcome> {
  let known: StoredHead | undefined | null = null; // null: not read yet
  let chainRead = '';
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const nowMs = clock();
    const chain = chainOf(input.subject, input.centerId, centerDay(nowMs));
    if (known === null || chain !== chainRead) {
      const out = await db.send(new GetCommand({ TableName: tableName(), Key: headKey(input.centerId, chain), ConsistentRead: true }));
      known = headOf(out.Item);
      chainRead = chain;
    }
    const head = known;
    const record = nextRecord(input, chain, head, nowMs);
    const day = centerDay(record.recordedAt);
    const chainDay = centerChainDay(chain);
    if (chainDay !== undefined && chainDay !== day) throw new Error(`record of ${chain} would fall on ${day}`);
    const opensDay = !head || head.day !== day;
    try {
      await db.send(new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...markerKey(input.eventId), kind: 'auditEvent', eventId: input.eventId, centerId: input.centerId, chain, seq: record.seq, day, action: input.action, source: input.source },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: tableName(), Item: recordItem(record, day), ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              TableName: tableName(),
              Item: { ...headKey(input.centerId, chain), kind: 'auditChainHead', centerId: input.centerId, chain, seq: record.seq, hash: record.hash, recordedAt: record.recordedAt, day },
              ...(head
                ? { ConditionExpression: '#seq = :seq', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':seq': head.seq } }
                : { ConditionExpression: 'attribute_not_exists(PK)' }),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          ...(opensDay
            ? [{ Put: { TableName: tableName(), Item: { PK: daysPk(input.centerId), SK: day, kind: 'auditDay', centerId: input.centerId, day, GSI1PK: activePk(day), GSI1SK: input.centerId } } }]
            : []),
        ],
      }));
      return { status: 'recorded', record, attempts: attempt };
    } catch (err) {
      const reasons = cancellationsOf(err);
      const name = (err as { name?: string }).name;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return { status: 'duplicate', attempts: attempt };
      if (reasons?.[2]?.Code === 'ConditionalCheckFailed') {
        // Another writer moved the head: its current value came back with the cancellation.
        known = rawHeadOf(reasons[2].Item);
      } else if (!(reasons?.some((r) => r.Code === 'TransactionConflict') || name === 'TransactionConflictException')) {
        throw err;
      }
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
  }
  throw new ChainContentionError(`gave up appending event ${input.eventId} after ${MAX_APPEND_ATTEMPTS} attempts: its chain is too busy`);
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

/** Records of a center, oldest first by occurredAt: one Query on the filter's index, optionally within an instant range. */
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
  return { items: (out.Items ?? []).map(recordOf), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
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
