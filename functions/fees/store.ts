/**
 * DynamoDB keys, reads and transactions of charges and their ledgers: the
 * only module that knows them.
 *
 *   charge          PK CENTER#<c>#FEES#<caseNo>  SK CHARGE#<chargeId>        (version: every change, and every append to its ledger)
 *                   GSI5 FEEWATCH#<shard 0-7> / <wakeAt>#<c>#<caseNo>#<chargeId>
 *                   (when the fees watch looks next: watching.ts; keys only, spread over shards)
 *   ledger entry    PK CENTER#<c>#FEES#<caseNo>  SK LEDGER#<entryId ulid>    (append-only: put where none is, never updated or deleted)
 *                   GSI1 CENTER#<c>#FEES#DAY#<yyyy-mm-dd, China time> / <transactionId | refundId | approved-<outRefundNo>>#<entryId>
 *                   (what the provider took or refunded, and the refunds approved: the day's reconciliation and revenue, one Query)
 *   transaction     PK CENTER#<c>#FEES#<caseNo>  SK TXN#<transactionId>      (a provider's payment recorded, with its entries' ids: exactly once)
 *   refund          PK CENTER#<c>#FEES#<caseNo>  SK REFUND#<outRefundNo>     (a provider's refund recorded: exactly once)
 *   payment order   PK PAYORDER#<outTradeNo>     SK ORDER                    (a notification's way back to its charge)
 *   events          PK CENTER#<c>#FEES#<caseNo>#EVENTS  SK EVENT#<ulid>      (the outbox, apart from the ledger so a case's charges read in one short Query)
 *
 * A case's charges, entries and markers share its partition: one Query reads
 * them all, and a charge's balance is derived from its entries on every read,
 * never stored. Every write is one transaction: the charge conditioned on the
 * version read (appends to one ledger are serialized by it, so no two writers
 * compute from the same stale balance), its new entries, the marker of the
 * provider's transaction or refund, and what the caller adds (its event, its
 * Idempotency-Key record). A marker already there means the notification was
 * recorded: the transaction is cancelled and nothing is written.
 */
import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { newId } from '#shared/ids';
import type { LedgerEntry } from '#schemas/api/fees';
import type { FeeEventData } from '#schemas/events/fees';
import { outboxItem, type EventDraft } from '#shared/events';
import type { EntryDraft } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';
import { awake, moveWakeUp, wakeUpAt } from '#shared/wake-index';
import { nextLook } from './watching.ts';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const feesPk = (centerId: string, caseNo: string) => `CENTER#${centerId}#FEES#${caseNo}`;
export const chargeKey = (centerId: string, caseNo: string, chargeId: string): ItemKey => ({ PK: feesPk(centerId, caseNo), SK: `CHARGE#${chargeId}` });
const entryKey = (centerId: string, caseNo: string, entryId: string): ItemKey => ({ PK: feesPk(centerId, caseNo), SK: `LEDGER#${entryId}` });
const transactionKey = (centerId: string, caseNo: string, transactionId: string): ItemKey => ({ PK: feesPk(centerId, caseNo), SK: `TXN#${transactionId}` });
const refundKey = (centerId: string, caseNo: string, outRefundNo: string): ItemKey => ({ PK: feesPk(centerId, caseNo), SK: `REFUND#${outRefundNo}` });
export const orderKey = (outTradeNo: string): ItemKey => ({ PK: `PAYORDER#${outTradeNo}`, SK: 'ORDER' });

export type FeeEvent<K extends keyof FeeEventData> = EventDraft<FeeEventData[K]> & { readonly detailType: K };

/** The Put of a fees event into its case's fees outbox, for a charge's transaction (`alsoWrite`). */
export const feeEvent = <K extends keyof FeeEventData>(centerId: string, caseNo: string, draft: FeeEvent<K>): TransactItem => ({
  Put: { TableName: tableName(), Item: outboxItem(`${feesPk(centerId, caseNo)}#EVENTS`, draft).item },
});

/** Providers settle and state their days in China time (UTC+8, no daylight saving), whatever the center's own zone. */
export const statementDay = (instant: string) => new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * The day index of the entries that move money: what the provider took or
 * refunded (the reconciliation against its statement) and the refunds
 * approved (revenue given back); none for the center's other entries.
 */
function reconciliationIndex(centerId: string, e: LedgerEntry): Item {
  const id = e.type === 'refund' ? e.refundId : e.type === 'payment' || e.type === 'unapplied_payment' ? e.transactionId : e.type === 'refund_approved' ? `approved-${e.outRefundNo}` : undefined;
  return id ? { GSI1PK: `CENTER#${centerId}#FEES#DAY#${statementDay(e.at)}`, GSI1SK: `${id}#${e.entryId}` } : {};
}

/** What a provider's notification names (its merchant order number) leads back to. */
export interface OrderPointer {
  readonly centerId: string;
  readonly caseNo: string;
  readonly chargeId: string;
}

export interface StoredCharge {
  readonly record: ChargeRecord;
  /** Its ledger, oldest entry first. */
  readonly entries: readonly LedgerEntry[];
}

function toRecord(item: Item): ChargeRecord {
  const { PK: _pk, SK: _sk, kind: _k, GSI5PK: _w, GSI5SK: _v, ...rest } = item;
  return rest as unknown as ChargeRecord;
}

function toEntry(item: Item): LedgerEntry {
  const { PK: _pk, SK: _sk, kind: _k, centerId: _c, caseNo: _n, GSI1PK: _g, GSI1SK: _h, ...rest } = item;
  return rest as unknown as LedgerEntry;
}

/** A case's charges with their ledgers: one Query of the case's fees partition (strongly consistent: reads that precede a write). */
export async function chargesOf(centerId: string, caseNo: string): Promise<Map<string, StoredCharge>> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': feesPk(centerId, caseNo) }, ConsistentRead: true });
  const charges = new Map<string, { record: ChargeRecord; entries: LedgerEntry[] }>();
  for (const item of items) if (String(item.SK).startsWith('CHARGE#')) charges.set(String(item.chargeId), { record: toRecord(item), entries: [] });
  // Sort keys are ULIDs: the entries come in the order they were appended, to the writers' clocks (no figure depends on the order).
  for (const item of items) if (String(item.SK).startsWith('LEDGER#')) charges.get(String(item.chargeId))?.entries.push(toEntry(item));
  return charges;
}

/** Where a notification's order belongs; undefined for an order OneStop never created. */
export async function orderPointer(outTradeNo: string): Promise<OrderPointer | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: orderKey(outTradeNo), ConsistentRead: true }));
  return out.Item ? { centerId: String(out.Item.centerId), caseNo: String(out.Item.caseNo), chargeId: String(out.Item.chargeId) } : undefined;
}

export interface ChargeWrite {
  /** The charge as it is after the change. */
  readonly next: ChargeRecord;
  /** The ledger as read, before `entries` (none: a charge being created): with them, when the watch looks at the charge next. */
  readonly ledger?: readonly EntryDraft[];
  /** The instant of the change; absent: now. */
  readonly at?: string;
  /** The version read; undefined for a charge being created. */
  readonly readVersion?: number;
  /** Entries to append, in order. */
  readonly entries?: readonly EntryDraft[];
  /** The provider's transaction or refund this write records: its marker makes a repeat a duplicate. */
  readonly records?: { readonly transactionId: string } | { readonly outRefundNo: string };
  /** A provider order created for the charge: notifications find the charge through it. */
  readonly order?: { readonly outTradeNo: string };
  /** Items of the same transaction (the change's event, the Idempotency-Key's record). */
  readonly alsoWrite?: readonly TransactItem[];
}

export type WriteOutcome = { readonly kind: 'written'; readonly entries: readonly LedgerEntry[] } | { readonly kind: 'duplicate' } | { readonly kind: 'stale' };

/**
 * One change of a charge, in one TransactWriteItems: the charge (created, or
 * conditioned on the version read), each entry (put where none is), the
 * marker of what the provider notified, the order pointer. `duplicate`: the
 * provider's transaction or refund was recorded before; `stale`: the charge
 * changed since it was read (read it again and decide again). Nothing is
 * written in either case.
 */
export async function writeCharge(w: ChargeWrite): Promise<WriteOutcome> {
  const { centerId, caseNo, chargeId } = w.next;
  const entries: LedgerEntry[] = (w.entries ?? []).map((d) => ({ ...d, entryId: newId() }));
  const putNew = (Item: Item): TransactItem => ({ Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(PK)' } });
  const marker = w.records && ('transactionId' in w.records ? transactionKey(centerId, caseNo, w.records.transactionId) : refundKey(centerId, caseNo, w.records.outRefundNo));
  const wakeAt = nextLook(w.next, [...(w.ledger ?? []), ...entries], w.at ?? new Date().toISOString());
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...chargeKey(centerId, caseNo, chargeId), kind: 'charge', ...w.next, ...(wakeAt ? { GSI5PK: watchPk(shardOf(chargeId)), GSI5SK: wakeUpAt(wakeAt, centerId, `${caseNo}#${chargeId}`) } : {}) },
        ...(w.readVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': w.readVersion } }),
      },
    },
    ...(marker ? [putNew({ ...marker, kind: 'providerRecord', chargeId, entryIds: entries.map((e) => e.entryId) })] : []),
    ...entries.map((e) => putNew({ ...entryKey(centerId, caseNo, e.entryId), kind: 'ledgerEntry', centerId, caseNo, ...e, ...reconciliationIndex(centerId, e) })),
    ...(w.order ? [putNew({ ...orderKey(w.order.outTradeNo), kind: 'paymentOrder', centerId, caseNo, chargeId })] : []),
    ...(w.alsoWrite ?? []),
  ];
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return { kind: 'written', entries };
  } catch (err) {
    const reasons = (err as { name?: string; CancellationReasons?: { Code?: string }[] }).name === 'TransactionCanceledException'
      ? ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code)
      : [];
    if (marker && reasons[1] === 'ConditionalCheckFailed') return { kind: 'duplicate' };
    if (reasons[0] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict')) return { kind: 'stale' };
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The fees watch (watch.ts)

/** The watch index is spread over shards: one partition would take every center's open charges. */
export const WATCH_SHARDS = 8;
const watchPk = (shard: number) => `FEEWATCH#${shard}`;
const shardOf = (chargeId: string) => createHash('sha256').update(chargeId).digest()[0]! % WATCH_SHARDS;

export interface WatchEntry extends OrderPointer {
  /** The index key as read: the wake-up is moved only if no change came since. */
  readonly watchKey: string;
}

/** The charges of one shard whose wake-up has come by `now` (keys only). */
export async function watchDue(shard: number, now: string): Promise<WatchEntry[]> {
  return (await awake(watchPk(shard), now, 'GSI5SK')).map((i) => {
    const watchKey = i.GSI5SK as string;
    const [, centerId, caseNo, chargeId] = watchKey.split('#');
    return { centerId: centerId!, caseNo: caseNo!, chargeId: chargeId!, watchKey };
  });
}

/** Moves the charge's wake-up to `next` (or off the index), unless a write came since it was read (the write set its own). */
export const rewatch = (e: WatchEntry, next: string | undefined) => moveWakeUp(chargeKey(e.centerId, e.caseNo, e.chargeId), e.watchKey, next, e.centerId, `${e.caseNo}#${e.chargeId}`);
