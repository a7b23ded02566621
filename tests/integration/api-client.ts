/** A small HTTP client for integration tests against the local cloud of the global setup. */
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { residentIdCheckCharacter, unifiedSocialCreditCheckCharacter } from '#shared/identifiers';

export const cloud = inject('localCloud');
export const api = cloud.apiUrl;

export const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
);

const tokens = new Map<string, Promise<string>>();
export function tokenOf(username: string): Promise<string> {
  let t = tokens.get(username);
  if (!t) {
    t = fetch(`${api}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) })
      .then(async (res) => {
        if (res.status !== 200) throw new Error(`no token for ${username}: ${res.status}`);
        return ((await res.json()) as { token: string }).token;
      });
    tokens.set(username, t);
  }
  return t;
}

export interface Reply<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly etag: string;
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: { as?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.as) headers.authorization = `Bearer ${await tokenOf(opts.as)}`;
  if (opts.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(`${api}${path}`, {
    method,
    headers,
    ...(opts.rawBody !== undefined ? { body: opts.rawBody } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T, etag: res.headers.get('etag') ?? '' };
}

/**
 * Polls until `probe` yields a value. The default deadline is long because the
 * cloud is shared: while fault-injection.test.ts floods the consumers, an event
 * can wait tens of seconds in a function's queue (4 sandboxes per function).
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // 25 ms at first, then half as long again each time up to 400 ms: quick answers stay quick, and a
  // long wait does not flood the shared cloud (each probe is a request through a function).
  for (let pause = 25; ; pause = Math.min(400, pause * 1.5)) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** The local cloud's clock (emulated time: only tests move it, forward, for the whole cloud). */
export async function cloudNow(): Promise<number> {
  return Date.parse(((await (await fetch(`${api}/local/clock`)).json()) as { now: string }).now);
}
/** Moves the cloud's clock to `ms` and answers how far it moved: 0 for an instant already past (the clock never goes back). */
export async function moveCloudClock(ms: number): Promise<number> {
  const now = await cloudNow();
  if (ms <= now) return 0;
  const res = await fetch(`${api}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(ms).toISOString() }) });
  if (res.status !== 200) throw new Error(`the cloud's clock was not moved: ${res.status} ${await res.text()}`);
  return ms - now;
}

/** Today in the center's time zone (Asia/Shanghai). */
/** The center's (China's) date at an instant. */
export const centerDayAt = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
export const centerToday = () => centerDayAt(Date.now());

let counter = 0;
/** A fresh item code per test, so tests never share state. */
export const freshCode = (prefix = 'IT') => `${prefix}-${Date.now().toString(36).toUpperCase()}-${(counter++).toString(36).toUpperCase()}`;

let identitySerial = 0;
/** A valid resident ID number (GB 11643), different on every call: sequence and birth date vary. */
export function freshIdNumber(): string {
  const n = Date.now() + identitySerial++ * 7919 + Math.floor(Math.random() * 1e6);
  const day = String((n % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0');
  const year = 1950 + (Math.floor(n / 336) % 50);
  const seq = String(Math.floor(n / 16800) % 1000).padStart(3, '0');
  const first17 = `110105${year}${month}${day}${seq}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** A valid unified social credit code (GB 32100), different on every call. */
export function freshCreditCode(): string {
  const org = (Date.now() * 1000 + identitySerial++ * 31 + Math.floor(Math.random() * 1000)).toString(10).slice(-9);
  const first17 = `91350100${org}`;
  return `${first17}${unifiedSocialCreditCheckCharacter(first17)}`;
}

/** An identity as the local identity provider simulator verifies it (`ttlSeconds: 0`: a ticket already expired). */
export interface TestIdentity {
  readonly kind: string;
  readonly name: string;
  readonly idNumber?: string;
  readonly creditCode?: string;
  readonly legalRepresentative?: string;
  readonly level?: 'real-name' | 'real-person';
}

/** A one-time verification ticket from the local cloud's identity provider simulator. */
export async function verificationTicket(identity: TestIdentity, ttlSeconds?: number): Promise<string> {
  const res = await fetch(`${api}/local/identity/tickets`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...identity, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) }),
  });
  if (res.status !== 201) throw new Error(`no identity ticket: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { ticket: string }).ticket;
}

/**
 * Registers as an applicant would: verifies the identity with the simulator,
 * registers with its ticket and, once the registration is received (202),
 * answers the profile as the new applicant reads it (200, with its ETag).
 * Any other answer of the registration is returned as it is.
 */
export async function registerApplicant(body: TestIdentity & { username: string; email: string; phone: string; centerId?: string }): Promise<Reply> {
  const { kind: _k, name: _n, idNumber: _i, creditCode: _c, legalRepresentative: _l, level: _v, ...account } = body;
  const res = await call('POST', '/public/applicants', { body: { ...account, verificationTicket: await verificationTicket(body) } });
  return res.status === 202 ? call('GET', '/applicants/me', { as: body.username }) : res;
}

/** The applicant's notification preferences set on their profile (PUT /applicants/me), e.g. both channels: the default is one. */
export async function chooseNotifications(username: string, notifications: { channels?: ('sms' | 'email')[]; language: 'zh-CN' | 'en'; events?: 'milestones' | 'all' }): Promise<void> {
  const me = await call('GET', '/applicants/me', { as: username });
  const put = await call('PUT', '/applicants/me', {
    as: username,
    headers: { 'if-match': me.etag },
    body: { name: me.body.name, email: me.body.email, phone: me.body.phone, notifications },
  });
  if (put.status !== 200) throw new Error(`preferences of ${username}: ${put.status} ${JSON.stringify(put.body)}`);
}
