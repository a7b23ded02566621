/**
 * Idempotency-Key for creating requests (DESIGN §11): the response of the
 * first request is recorded in the same transaction as what it created, keyed
 * by the caller and the key (each domain's store owns that key); a repeat with
 * the same body replays it, with another body is 422. A concurrent repeat loses
 * the transaction (`IdempotencyRace`) and replays the winner's response.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName, type ItemKey } from './db.ts';
import { unprocessable } from './errors.ts';
import type { HttpResult } from './http.ts';

/** How long a replay is honoured. */
const TTL_SECONDS = 24 * 3600;

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly status: number;
  readonly body: unknown;
}

/** What a create records for its key: the caller's account, the key, and the response. */
export interface IdempotentCreate extends IdempotencyRecord {
  readonly sub: string;
  readonly key: string;
  readonly nowMs: number;
}

export class IdempotencyRace extends Error {}

/** The request body's fingerprint: a replay must send the same body. */
export const fingerprintOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('base64url');

/** The Put to add to the create's transaction (`key` built by the domain's store). */
export function idempotencyPut(key: ItemKey, r: IdempotentCreate) {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...key, kind: 'idempotency', fingerprint: r.fingerprint, status: r.status, body: r.body, expiresAt: Math.floor(r.nowMs / 1000) + TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/** The recorded response of a key (after losing a race to it). */
export async function recordedResponse(key: ItemKey): Promise<IdempotencyRecord | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return out.Item as IdempotencyRecord | undefined;
}

/** The recorded response again, or 422 when the key came with another body. */
export function replay(record: IdempotencyRecord, fingerprint: string, what: string, headersOf: (body: any) => Record<string, string>): HttpResult {
  if (record.fingerprint !== fingerprint) throw unprocessable(`This Idempotency-Key was used for a different ${what}; use a new key for a new ${what}.`);
  return { status: record.status, body: record.body, headers: { ...headersOf(record.body), 'idempotent-replayed': 'true' } };
}
