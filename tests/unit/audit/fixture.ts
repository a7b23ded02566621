/**
 * A small audit log built the way the consumer and the digest build it, in
 * memory: records appended to their chains, an NDJSON export ordered as the
 * API writes it (day, chain, position), and signed digests chained day by day.
 * Chains follow either layout: per subject (what the consumer writes), or the
 * earlier one (a case's chain, else the center's chain of the recording day),
 * which logs written before the change still hold.
 */
import type { AuditDigest, AuditRecord } from '#schemas/api/audit';
import { centerDay, chainOf, nextRecord, type ChainHead } from '../../../functions/audit/chain.ts';
import { buildDigest, digestSha256 } from '../../../functions/audit/digest.ts';
import { EXPORT_FORMAT, ndjsonLine } from '../../../functions/audit/export.ts';
import { localSigner, type Signer } from '../../../functions/audit/signer.ts';
import { parseExport, verifyAudit, type DigestFile } from '../../../functions/audit/verify.ts';

export const CENTER = 'center-test';
export const signer: Signer = localSigner('unit-test-seed');

let serial = 0;
/** A ULID-shaped, increasing event id. */
export const eventId = () => `01JTEST${String(serial++).padStart(19, '0')}`;

export interface Happening {
  readonly at: string; // ISO instant: when the log records it
  readonly subject: { type: string; id: string };
  readonly action?: string;
  readonly actor?: string;
}

export type Layout = 'subject' | 'centerDay';

const chainIn = (layout: Layout, subject: { type: string; id: string }, centerId: string, at: number) =>
  layout === 'subject' || subject.type === 'case' ? chainOf(subject) : `center#${centerId}#${centerDay(at)}`;

/** Appends each happening to its chain, as the consumer would (recordedAt = `at`). */
export function appendAll(happenings: readonly Happening[], centerId = CENTER, layout: Layout = 'centerDay'): AuditRecord[] {
  const heads = new Map<string, ChainHead>();
  return happenings.map((h) => {
    const at = Date.parse(h.at);
    const chain = chainIn(layout, h.subject, centerId, at);
    const action = h.action ?? 'ThingHappened';
    const record = nextRecord({
      eventId: eventId(), centerId, occurredAt: h.at, source: 'onestop.test', action, result: 'success',
      actor: { id: h.actor ?? 'user-1', role: 'clerk' }, subject: h.subject,
      ...(action === 'StateChanged' ? { oldValue: { state: 'a' }, newValue: { state: 'b' } } : {}),
      data: { note: `${action} of ${h.subject.id}`, n: serial },
    }, chain, heads.get(chain), at);
    heads.set(chain, record);
    return record;
  });
}

/** The NDJSON an export of [from, to] made at `exportedAt` writes: header, then by day, chain, position. */
export function exportOf(records: readonly AuditRecord[], from: string, to: string, centerId = CENTER, exportedAt = '2026-05-04T01:00:00.000Z'): string {
  const key = (r: AuditRecord) => `${centerDay(r.recordedAt)}|${r.chain}#${String(r.seq).padStart(10, '0')}`;
  const sorted = [...records].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return ndjsonLine({ format: EXPORT_FORMAT, centerId, from, to, exportedAt }) + sorted.map(ndjsonLine).join('');
}

/** The digests of each day in order, chained, each made at 00:15 the next day. */
export async function digestsOf(records: readonly AuditRecord[], dates: readonly string[], centerId = CENTER, by: Signer = signer): Promise<AuditDigest[]> {
  const out: AuditDigest[] = [];
  let previous: { date: string; sha256: string } | null = null;
  for (const date of dates) {
    const nowMs = Date.parse(`${date}T00:15:00+08:00`) + 86_400_000;
    const digest: AuditDigest = await buildDigest({ centerId, date, nowMs, records: records.filter((r) => centerDay(r.recordedAt) === date), previous, signer: by });
    out.push(digest);
    previous = { date, sha256: digestSha256(digest) };
  }
  return out;
}

export const files = (digests: readonly AuditDigest[]): DigestFile[] => digests.map((d) => ({ digest: d, file: `${d.date}.json` }));

export function verify(text: string, digests: readonly AuditDigest[], publicKeyPem?: string) {
  return verifyAudit({ export: parseExport(text), digests: files(digests), ...(publicKeyPem ? { publicKeyPem } : {}) });
}

/** The export's lines as objects (line 0 is the header), and back. */
export const linesOf = (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
export const textOf = (lines: readonly unknown[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

/** A three-day log of one center: a case chain over two days and a center chain each day (or, per subject, an item's and a staff member's chains across days). */
export function threeDays(layout: Layout = 'centerDay') {
  const caseA = { type: 'case', id: '370982-20260501-00001' };
  const caseB = { type: 'case', id: '370982-20260501-00002' };
  const item = { type: 'item', id: 'ITEM-1' };
  const staff = { type: 'staff', id: 'li.si' };
  const records = appendAll([
    { at: '2026-05-01T09:00:00+08:00', subject: caseA, action: 'CaseSubmitted' },
    { at: '2026-05-01T09:05:00+08:00', subject: item, action: 'ItemPublished', actor: 'admin-1' },
    { at: '2026-05-01T09:10:00+08:00', subject: caseA, action: 'CaseAccepted' },
    { at: '2026-05-01T10:00:00+08:00', subject: staff, action: 'StaffChanged', actor: 'admin-1' },
    { at: '2026-05-01T11:00:00+08:00', subject: caseB, action: 'CaseSubmitted' },
    { at: '2026-05-01T15:00:00+08:00', subject: caseA, action: 'StateChanged' },
    { at: '2026-05-01T16:00:00+08:00', subject: item, action: 'ItemRetired', actor: 'admin-1' },
    { at: '2026-05-01T23:59:59.900+08:00', subject: staff, action: 'StaffChanged', actor: 'admin-1' },
    { at: '2026-05-02T00:00:00.100+08:00', subject: staff, action: 'StaffChanged', actor: 'admin-1' },
    { at: '2026-05-02T09:00:00+08:00', subject: caseA, action: 'CaseApproved', actor: 'approver-1' },
    { at: '2026-05-02T09:30:00+08:00', subject: caseA, action: 'CaseCompleted' },
    { at: '2026-05-02T10:00:00+08:00', subject: caseB, action: 'CaseAccepted' },
    { at: '2026-05-03T08:00:00+08:00', subject: caseA, action: 'CaseDelivered' },
    { at: '2026-05-03T08:30:00+08:00', subject: item, action: 'ItemPublished', actor: 'admin-1' },
  ], CENTER, layout);
  return { records, caseA, caseB, item, staff, dates: ['2026-05-01', '2026-05-02', '2026-05-03'] };
}

/**
 * A morning no digest has sealed yet (2026-05-03, exported at 10:00 Shanghai):
 * two case chains — one a single record — and the center's chain of the day.
 */
export function today() {
  const caseC = { type: 'case', id: '370982-20260503-00001' };
  const caseD = { type: 'case', id: '370982-20260503-00002' };
  const records = appendAll([
    { at: '2026-05-03T08:00:00+08:00', subject: caseC, action: 'CaseSubmitted' },
    { at: '2026-05-03T08:10:00+08:00', subject: { type: 'staff', id: 'li.si' }, action: 'StaffChanged', actor: 'admin-1' },
    { at: '2026-05-03T08:20:00+08:00', subject: caseC, action: 'CaseAccepted' },
    { at: '2026-05-03T09:00:00+08:00', subject: { type: 'item', id: 'ITEM-1' }, action: 'ItemPublished', actor: 'admin-1' },
    { at: '2026-05-03T09:30:00+08:00', subject: caseD, action: 'CaseSubmitted' },
  ]);
  const exportedAt = '2026-05-03T02:00:00.000Z'; // 10:00 in Shanghai
  return { records, caseC, caseD, day: '2026-05-03', exportedAt, text: exportOf(records, '2026-05-03', '2026-05-03', CENTER, exportedAt) };
}
