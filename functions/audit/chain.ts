/**
 * The hash chains of the audit log (pure: no I/O). Shared by the consumer that
 * appends, the digest that seals each day, and the offline verifier.
 *
 *  - Every record belongs to one chain: the chain of its subject
 *    (`<subjectType>#<subjectId>`, `case#<caseNo>` for a case). Writers of
 *    different chains never wait for each other. Records written before this
 *    layout chained every non-case subject of a center and recording day
 *    (`center#<centerId>#<YYYY-MM-DD>`, Asia/Shanghai); those chains are still
 *    verified, with their day rule.
 *  - A record's position in its chain is `seq` (1, 2, …); it carries the hash of
 *    the record before it (`prevHash`, 64 zeros for the first) and its own `hash`
 *    = SHA-256(prevHash + canonical JSON of the record without `hash`).
 *  - A record's day is the day it was recorded (`recordedAt`, center time), not
 *    the day its event occurred: a day's chains are then closed when the day ends,
 *    and the daily digest can seal them.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from '#schemas/api/audit';
import { addCalendarDays } from '#shared/calendar';

export const GENESIS_HASH = '0'.repeat(64);

/** The center's fixed offset: Asia/Shanghai has no daylight saving time. */
const CENTER_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The center-local calendar day (YYYY-MM-DD) of an instant. */
export const centerDay = (instant: number | string): string =>
  new Date((typeof instant === 'string' ? Date.parse(instant) : instant) + CENTER_OFFSET_MS).toISOString().slice(0, 10);

/** The first instant (ms) of a center-local day. */
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00+08:00`);

/** The next calendar day. */
export const nextDay = (day: string): string => addCalendarDays(day, 1);

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785), no
 * whitespace, `undefined` members left out: the bytes every hash is taken over.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`cannot hash the number ${value}`);
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export const sha256Hex = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/**
 * The chain a record joins: one per subject, `<subjectType>#<subjectId>` (a
 * case's is `case#<caseNo>`), so writers about different subjects never race
 * for one head. A subject whose chain would read as a center-day chain of the
 * earlier layout is refused: the verifier holds those to their day.
 */
export function chainOf(subject: { type: string; id: string }): string {
  const chain = `${subject.type}#${subject.id}`;
  if (centerChainDay(chain) !== undefined) throw new RangeError(`subject ${subject.type} ${subject.id} would name a center-day chain (${chain})`);
  return chain;
}

/**
 * The day in the id of a center-day chain (`center#<centerId>#<day>`: every
 * non-case subject of a center and day, the layout before per-subject chains,
 * still verified but never appended to), or undefined.
 */
export function centerChainDay(chain: string): string | undefined {
  return /^center#.+#(\d{4}-\d{2}-\d{2})$/.exec(chain)?.[1];
}

export type RecordContent = Omit<AuditRecord, 'hash'>;

/** SHA-256 of a record: over its predecessor's hash and its own content (everything but `hash`). */
export function recordHash(record: RecordContent | AuditRecord): string {
  const { hash: _hash, ...content } = record as AuditRecord;
  return sha256Hex(content.prevHash + canonicalJson(content));
}

/** What an event says before it is placed in a chain. */
export type RecordInput = Omit<RecordContent, 'chain' | 'seq' | 'prevHash' | 'recordedAt'>;

/** The head of a chain: its last record's position, hash and recording time. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
  readonly recordedAt: string;
}

/**
 * The next record of a chain. Its recording time never goes back within a
 * chain (another writer's clock may be slightly ahead), so a day's records of
 * one chain are always one contiguous run of positions.
 */
export function nextRecord(input: RecordInput, chain: string, head: ChainHead | undefined, nowMs: number): AuditRecord {
  const recordedMs = Math.max(nowMs, head ? Date.parse(head.recordedAt) : 0);
  const content: RecordContent = {
    ...input,
    chain,
    seq: (head?.seq ?? 0) + 1,
    prevHash: head?.hash ?? GENESIS_HASH,
    recordedAt: new Date(recordedMs).toISOString(),
  };
  return { ...content, hash: recordHash(content) };
}

/**
 * Old and new values of a change, where the event's data carries them: the
 * before/after of directory and profile changes, the states of a case, the
 * statuses of a catalog item or an account.
 */
export function changeOf(action: string, data: Record<string, unknown>): { oldValue?: unknown; newValue?: unknown } {
  if ('before' in data || 'after' in data) return { ...(data.before !== undefined ? { oldValue: data.before } : {}), ...(data.after !== undefined ? { newValue: data.after } : {}) };
  // A recount changes the dates, not the state: its old and new values are the deadlines.
  if (action === 'DeadlinesRecomputed') return { oldValue: { deadlines: (data.details as Record<string, unknown> | undefined)?.previous }, newValue: { deadlines: data.deadlines } };
  if ('toState' in data) return { ...(data.fromState !== undefined ? { oldValue: { state: data.fromState } } : {}), newValue: { state: data.toState } };
  if ('toStatus' in data) return { ...(data.fromStatus !== undefined ? { oldValue: { status: data.fromStatus } } : {}), newValue: { status: data.toStatus } };
  if (action === 'ApplicantAccountStatusChanged' && 'status' in data) return { newValue: { status: data.status } };
  return {};
}
