/**
 * Opaque pagination tokens: DynamoDB's LastEvaluatedKey plus the filters of the
 * first page, signed with HMAC-SHA256 so a client can neither forge a start key
 * nor reuse a token with other filters.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors.ts';
import { requiredEnv } from './db.ts';

type Key = Record<string, unknown>;

const sign = (payload: string) => createHmac('sha256', requiredEnv('CURSOR_KEY')).update(payload).digest('base64url');

export function encodeCursor(lastKey: Key | undefined, filters: Record<string, unknown>): string | undefined {
  if (!lastKey) return undefined;
  const payload = Buffer.from(JSON.stringify({ k: lastKey, f: filters })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The start key for the next page, or 400 when the token was altered or its filters differ. */
export function decodeCursor(token: string | undefined, filters: Record<string, unknown>): Key | undefined {
  if (token === undefined) return undefined;
  const [payload, mac] = token.split('.');
  const invalid = () => badRequest('nextToken is invalid or belongs to another query', [
    { path: '/query/nextToken', code: 'invalid', message: 'is not a token this query issued' },
  ]);
  if (!payload || !mac) throw invalid();
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  const { k, f } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: Key; f: Record<string, unknown> };
  if (JSON.stringify(f) !== JSON.stringify(filters)) throw invalid();
  return k;
}

export const pageLimit = (raw: string | undefined) => (raw === undefined ? 25 : Number(raw));

/** A list response: the page's items and, when more may follow, the signed token for the next page. */
export function pageOf<T>(page: { items: T[]; lastKey?: Key }, filters: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const nextToken = encodeCursor(page.lastKey, filters);
  return { items: page.items, ...(nextToken ? { nextToken } : {}) };
}
