/**
 * A batch of audit events from the queue, planned for appending (pure: no I/O).
 *
 * The consumer receives up to a hundred events at once. Each chain is appended
 * to by one transaction per group of its events (store.ts), so the batch is
 * grouped by center and chain, in arrival order. An event delivered twice in
 * one batch (SQS and EventBridge deliver at least once) is appended once; every
 * message carrying it shares its fate.
 *
 * A group's records are written in chunks that fit one TransactWriteItems:
 * at most 100 items (a record and its event marker each, plus the head) and
 * 4 MB, with room to spare for the keys the store adds.
 */
import type { AuditRecord } from '#schemas/api/audit';
import type { RecordInput } from './chain.ts';

/** One queue message whose event is valid and placed in its chain. */
export interface Placed {
  readonly messageId: string;
  readonly chain: string;
  readonly input: RecordInput;
}

/** The events of one chain in a batch, each once, with the messages that carried it. */
export interface ChainGroup {
  readonly centerId: string;
  readonly chain: string;
  readonly events: { readonly input: RecordInput; readonly messageIds: string[] }[];
}

export function groupByChain(placed: readonly Placed[]): ChainGroup[] {
  const groups = new Map<string, ChainGroup>();
  const byEvent = new Map<string, { messageIds: string[] }>();
  for (const p of placed) {
    const seen = byEvent.get(p.input.eventId);
    if (seen) {
      seen.messageIds.push(p.messageId);
      continue;
    }
    const key = `${p.input.centerId}\n${p.chain}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { centerId: p.input.centerId, chain: p.chain, events: [] }));
    const event = { input: p.input, messageIds: [p.messageId] };
    group.events.push(event);
    byEvent.set(p.input.eventId, event);
  }
  return [...groups.values()];
}

/** Records per transaction: two items each (marker, record) and the head make at most 99 of the 100 allowed. */
export const MAX_RECORDS_PER_TRANSACTION = 49;
/** Bytes of records per transaction, below the 4 MB limit with the markers, keys and index attributes added. */
export const MAX_BYTES_PER_TRANSACTION = 3_000_000;

/** Consecutive runs of a chain's records, each small enough for one transaction (a single oversized record stands alone). */
export function chunksOf(records: readonly AuditRecord[], maxRecords = MAX_RECORDS_PER_TRANSACTION, maxBytes = MAX_BYTES_PER_TRANSACTION): AuditRecord[][] {
  const chunks: AuditRecord[][] = [];
  let current: AuditRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = Buffer.byteLength(JSON.stringify(r));
    if (current.length && (current.length === maxRecords || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += size;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** What happened to each event of a group: appended, already in the log, or to be delivered again. */
export interface GroupOutcome {
  readonly recorded: readonly AuditRecord[];
  readonly duplicates: readonly string[];
  /** Events not appended now (a lost race for the head, a conflict, an error): their messages fail and SQS redelivers them. */
  readonly retry: readonly string[];
  readonly reason?: string;
}
