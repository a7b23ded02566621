/**
 * Keys of the audit log. One record per event, keyed by its eventId so a
 * redelivered event writes nothing new.
 *
 *   record        PK AUDIT#<eventId>  SK RECORD
 *   by time       GSI1 CENTER#<c>#AUDIT / <occurredAt>#<eventId>
 *   by subject    GSI2 CENTER#<c>#AUDIT#<subjectType>#<subjectId> / <occurredAt>#<eventId>
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#schemas/api/audit';
import { db, tableName } from '#shared/db';

const timePk = (centerId: string) => `CENTER#${centerId}#AUDIT`;
const subjectPk = (centerId: string, type: string, id: string) => `CENTER#${centerId}#AUDIT#${type}#${id}`;

/** Stores the record once; returns false when it was already there. */
export async function putRecord(record: AuditRecord): Promise<boolean> {
  // Sort keys compare as text: every instant in UTC with milliseconds, whatever offset the producer wrote.
  const sortKey = `${new Date(record.occurredAt).toISOString()}#${record.eventId}`;
  try {
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          PK: `AUDIT#${record.eventId}`,
          SK: 'RECORD',
          kind: 'auditRecord',
          GSI1PK: timePk(record.centerId),
          GSI1SK: sortKey,
          GSI2PK: subjectPk(record.centerId, record.subject.type, record.subject.id),
          GSI2SK: sortKey,
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** Records of a center between two instants, oldest first, optionally for one subject. */
export async function listRecords(
  centerId: string,
  range: { fromInstant: string; toInstant: string },
  subject: { type: string; id: string } | undefined,
  limit: number,
  startKey?: Record<string, unknown>,
) {
  const [index, pk] = subject ? ['GSI2', subjectPk(centerId, subject.type, subject.id)] : ['GSI1', timePk(centerId)];
  const out = await db.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: `${index}PK = :pk AND ${index}SK BETWEEN :from AND :to`,
      // '~' sorts after every ULID character, so the upper bound includes the last instant's records.
      ExpressionAttributeValues: { ':pk': pk, ':from': range.fromInstant, ':to': `${range.toInstant}~` },
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  const items = (out.Items ?? []).map((i) => {
    const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, GSI2PK: _e, GSI2SK: _f, kind: _g, ...record } = i;
    return record as AuditRecord;
  });
  return { items, ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}
