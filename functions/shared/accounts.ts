/**
 * Account status, checked on every authenticated request. API Gateway's JWT
 * authorizer only proves a token was issued and has not expired; a disabled
 * account's token must stop working at once, so the HTTP stack looks the
 * account up (one GetItem on a key by `sub`). Only accounts that were ever
 * disabled have an item; the org domain writes it with the staff change.
 *
 *   account status   PK ACCOUNT#<sub>  SK STATUS   { status: active | disabled }
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from './db.ts';
import { HttpProblem } from './errors.ts';

export type AccountStatus = 'active' | 'disabled';

export const accountStatusKey = (sub: string) => ({ PK: `ACCOUNT#${sub}`, SK: 'STATUS' });

export async function assertAccountActive(sub: string): Promise<void> {
  const out = await db.send(
    // Strongly consistent: the request right after a disable must already be refused.
    new GetCommand({ TableName: tableName(), Key: accountStatusKey(sub), ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }),
  );
  if (out.Item?.status === 'disabled') throw new HttpProblem(401, 'Unauthorized', 'This account is disabled.');
}
