/**
 * Opaque pagination tokens (DESIGN §11): DynamoDB's LastEvaluatedKey sealed
 * with AES-256-GCM, so a client can neither read the key layout nor forge a
 * start key. The token is bound to the route, the caller's center and the
 * filters of the first page (the additional authenticated data), and expires:
 * a token from another list, another center, other filters or an earlier day
 * is refused with 400 before any read.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { genericProblems } from '#schemas/api/problems';
import { HttpProblem } from './errors.ts';
import { requiredEnv } from './db.ts';

type Key = Record<string, unknown>;

/** Where a token may be used: the route key (`GET /cases`) and the caller's center (`public` for public routes). */
export interface CursorScope {
  readonly route: string;
  readonly centerId: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Long enough to page through an export at leisure, short enough that a leaked token soon stops working. */
export const CURSOR_TTL_SECONDS = 24 * 3600;

let derived: { secret: string; key: Buffer } | undefined;
/** The cipher key, derived once per container from the deployment's secret. */
function cipherKey(): Buffer {
  const secret = requiredEnv('CURSOR_KEY');
  if (derived?.secret !== secret) derived = { secret, key: Buffer.from(hkdfSync('sha256', secret, 'onestop', 'pagination-cursor/v1', 32)) };
  return derived.key;
}

/** Filters with their keys sorted: the same filters always bind the same way. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Key).sort(([a], [b]) => (a < b ? -1 : 1))) : v);

const boundTo = (scope: CursorScope, filters: Key) => Buffer.from(`v${VERSION}\n${scope.route}\n${scope.centerId}\n${canonical(filters)}`);

export function encodeCursor(scope: CursorScope, lastKey: Key | undefined, filters: Key, nowMs = Date.now()): string | undefined {
  if (!lastKey) return undefined;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cipherKey(), iv);
  cipher.setAAD(boundTo(scope, filters));
  const plain = Buffer.from(JSON.stringify({ k: lastKey, e: Math.floor(nowMs / 1000) + CURSOR_TTL_SECONDS }));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

const refused = (code: 'invalid' | 'expired') =>
  new HttpProblem(
    genericProblems['invalid-cursor'],
    code === 'expired'
      ? { zh: '分页令牌已过期，请从第一页重新开始。', en: 'nextToken has expired; start again from the first page.' }
      : { zh: '分页令牌无效，或属于其他查询。', en: 'nextToken is invalid or belongs to another query.' },
    [{ path: '/query/nextToken', code, message: code === 'expired' ? { zh: '已过期', en: 'has expired' } : { zh: '不是本查询签发的令牌', en: 'is not a token this query issued' } }],
  );

/** The start key of the next page, or 400 when the token is not one this scope and these filters issued. */
export function decodeCursor(scope: CursorScope, token: string | undefined, filters: Key, nowMs = Date.now()): Key | undefined {
  if (token === undefined) return undefined;
  const raw = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
  if (raw.length < 1 + IV_BYTES + TAG_BYTES + 1 || raw[0] !== VERSION) throw refused('invalid');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cipherKey(), raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(boundTo(scope, filters));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw refused('invalid');
  }
  const { k, e } = JSON.parse(plain.toString('utf8')) as { k: Key; e: number };
  if (e * 1000 <= nowMs) throw refused('expired');
  return k;
}

/** A list response: the page's items and, when more may follow, the token of the next page. */
export function pageOf<T>(scope: CursorScope, page: { items: T[]; lastKey?: Key }, filters: Key): { items: T[]; nextToken?: string } {
  const nextToken = encodeCursor(scope, page.lastKey, filters);
  return { items: page.items, ...(nextToken ? { nextToken } : {}) };
}

/** The cursor operations of one request, bound to its route and center by the HTTP stack. */
export interface Pager {
  /** The page size asked for (default 25). */
  readonly limit: number;
  /** The start key carried by the request's nextToken (none on the first page). */
  start(filters: Key): Key | undefined;
  /** The response of a page. */
  page<T>(page: { items: T[]; lastKey?: Key }, filters: Key): { items: T[]; nextToken?: string };
  /** A token for an arbitrary position (lists that page over more than one key range). */
  token(position: Key | undefined, filters: Key): string | undefined;
}

export const DEFAULT_PAGE_SIZE = 25;

export function pagerFor(scope: CursorScope, query: { readonly limit?: unknown; readonly nextToken?: unknown }): Pager {
  const token = typeof query.nextToken === 'string' ? query.nextToken : undefined;
  return {
    limit: typeof query.limit === 'number' ? query.limit : DEFAULT_PAGE_SIZE,
    start: (filters) => decodeCursor(scope, token, filters),
    page: (page, filters) => pageOf(scope, page, filters),
    token: (position, filters) => encodeCursor(scope, position, filters),
  };
}
