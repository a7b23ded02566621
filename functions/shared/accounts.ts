/**
 * Account status, checked on every authenticated request. API Gateway's JWT
 * authorizer only proves a token was issued and has not expired; a disabled
 * account's token must stop working at once, so the HTTP stack looks the
 * account up (one read of a key by `sub`). Only accounts that were ever
 * disabled have an item; the org domain writes it with the staff change.
 *
 *   account status   PK ACCOUNT#<sub>  SK STATUS   { status: active | disabled }
 */
import { batchGetItems, itemAt, type Item, type ItemKey } from './db.ts';
import { unauthorized } from './errors.ts';
import type { IdempotencyScope } from './idempotency.ts';

export type AccountStatus = 'active' | 'disabled';

export const accountStatusKey = (sub: string): ItemKey => ({ PK: `ACCOUNT#${sub}`, SK: 'STATUS' });

const disabled = () => unauthorized({ zh: '此账号已停用。', en: 'This account is disabled.' });

/**
 * What the HTTP stack reads before an operation acts: the caller's account
 * status and, when the client sent an Idempotency-Key, the key's recorded
 * outcome. On routes with `accountCheck: 'inline'` the operation reads `keys`
 * in its own first batch and hands what it found to `settle` before it acts on
 * anything; otherwise the stack reads them itself (one BatchGetItem).
 */
export class RequestChecks {
  private done = false;
  constructor(readonly sub: string, readonly idempotency?: IdempotencyScope) {}

  get keys(): ItemKey[] {
    return [accountStatusKey(this.sub), ...(this.idempotency ? [this.idempotency.recordKey] : [])];
  }

  /** 401 for a disabled account; the recorded outcome (thrown as `Replayed`) for a repeated key. */
  settle(found: Map<string, Item>): void {
    if (itemAt(found, accountStatusKey(this.sub))?.status === 'disabled') throw disabled();
    this.idempotency?.settle(itemAt(found, this.idempotency.recordKey));
    this.done = true;
  }

  get settled(): boolean {
    return this.done;
  }

  /** The checks in a read of their own (routes that do not read them inline). */
  async run(): Promise<void> {
    // Strongly consistent (batchGetItems): the request right after a disable must already be refused.
    this.settle(await batchGetItems(this.keys));
  }
}
