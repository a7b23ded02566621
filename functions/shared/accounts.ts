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

const disabled = () => new HttpProblem(401, 'Unauthorized', 'This account is disabled.');

/**
 * The account check of a route that reads the status item in its own batch
 * (RouteSpec.accountCheck = 'inline'): the operation calls `verify` with what
 * it read before it acts on anything.
 */
export class InlineAccountCheck {
  verified = false;
  constructor(readonly sub: string) {}
  get key() {
    return accountStatusKey(this.sub);
  }
  verify(item: Record<string, unknown> | undefined): void {
    if (item?.status === 'disabled') throw disabled();
    this.verified = true;
  }
}

export async function assertAccountActive(sub: string): Promise<void> {
  const out = await db.send(
    // Strongly consistent: the request right after a disable must already be refused.
    new GetCommand({ TableName: tableName(), Key: accountStatusKey(sub), ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'status' } }),
  );
  if (out.Item?.status === 'disabled') throw disabled();
}
