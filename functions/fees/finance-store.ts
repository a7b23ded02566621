/**
 * Keys of the fees domain's finance views (财务), and the only module that
 * knows them:
 *
 *   reconciliation  PK CENTER#<c>#FEES#RECON      SK <yyyy-mm-dd>   (a center's report of a day; revision: each run)
 *   unattributed    PK FEES#RECON                 SK <yyyy-mm-dd>   (statement lines of orders OneStop never made: the merchant's)
 *   revenue         PK CENTER#<c>#FEES#REVENUE    SK <yyyy-mm>      (day#<yyyy-mm-dd>: that day's figures by item and department)
 *   events          PK CENTER#<c>#FEES#RECON#EVENTS  SK EVENT#<ulid>
 *
 * A run writes a center's report, its day's revenue figures and its event in
 * one transaction, on the revision it read: two runs racing write one after
 * the other, never half of each. The day's figures are a map attribute per
 * day, so a run again replaces that day's and leaves the others.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ReconciliationDifference, ReconciliationReport, RevenueFigures } from '#schemas/api/fees-finance';
import type { ReconciliationCompletedData } from '#schemas/events/fees-finance';
import { msg } from '#schemas/api/problems';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import type { DayEntry } from './reconciliation.ts';
import { chargeKey, orderKey, type OrderPointer } from './store.ts';

export const reportKey = (centerId: string, date: string): ItemKey => ({ PK: `CENTER#${centerId}#FEES#RECON`, SK: date });
export const unattributedKey = (date: string): ItemKey => ({ PK: 'FEES#RECON', SK: date });
export const revenueKey = (centerId: string, month: string): ItemKey => ({ PK: `CENTER#${centerId}#FEES#REVENUE`, SK: month });
const DAY_PREFIX = 'day#';

export type StoredReport = Omit<ReconciliationReport, 'unattributed'>;

const strip = ({ PK: _p, SK: _s, kind: _k, ...rest }: Item) => rest;
export const reportOf = (found: Map<string, Item>, centerId: string, date: string) => {
  const item = itemAt(found, reportKey(centerId, date));
  return item ? (strip(item) as unknown as StoredReport) : undefined;
};
export const unattributedOf = (found: Map<string, Item>, date: string) => (itemAt(found, unattributedKey(date))?.lines as ReconciliationDifference[] | undefined) ?? [];
/** The days of a month's revenue item, by date. */
export const revenueDaysOf = (found: Map<string, Item>, centerId: string, month: string): Record<string, Record<string, RevenueFigures>> =>
  Object.fromEntries(Object.entries(itemAt(found, revenueKey(centerId, month)) ?? {}).filter(([k]) => k.startsWith(DAY_PREFIX)).map(([k, v]) => [k.slice(DAY_PREFIX.length), v as Record<string, RevenueFigures>]));

/** The entries of a day index (one Query, every page). */
export async function dayEntries(centerId: string, date: string): Promise<DayEntry[]> {
  const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#FEES#DAY#${date}` } });
  return items as unknown as DayEntry[];
}

const BATCH = 100;
/** Items by key, a BatchGetItem per hundred keys. */
export async function readKeys(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += BATCH) for (const [k, v] of await batchGetItems(keys.slice(i, i + BATCH))) found.set(k, v);
  return found;
}

/** The order pointers of statement lines, to read with `readKeys`. */
export const pointerKeys = (outTradeNos: readonly string[]) => [...new Set(outTradeNos)].map(orderKey);

/** Where each order read leads back to, for those OneStop made. */
export function pointersIn(found: Map<string, Item>, outTradeNos: readonly string[]): Map<string, OrderPointer> {
  const pointers = new Map<string, OrderPointer>();
  for (const no of outTradeNos) {
    const p = itemAt(found, orderKey(no));
    if (p) pointers.set(no, { centerId: String(p.centerId), caseNo: String(p.caseNo), chargeId: String(p.chargeId) });
  }
  return pointers;
}

/** The charges of a day's entries, to read with `readKeys`: the item each was assessed under. */
export const chargeKeysOf = (centerId: string, entries: readonly DayEntry[]) => [...new Map(entries.map((e) => [e.chargeId, chargeKey(centerId, e.caseNo, e.chargeId)])).values()];

/** The item (and its department) each charge read was assessed under. */
export function chargeItemsIn(found: Map<string, Item>, centerId: string, entries: readonly DayEntry[]): Map<string, { code: string; departmentId: string }> {
  const items = new Map<string, { code: string; departmentId: string }>();
  for (const e of entries) {
    const item = itemAt(found, chargeKey(centerId, e.caseNo, e.chargeId))?.item as { code: string; departmentId: string } | undefined;
    if (item) items.set(e.chargeId, { code: item.code, departmentId: item.departmentId });
  }
  return items;
}

export const reportChanged = () => preconditionFailed(msg('该日对账正由另一次运行写入；请重新读取。', 'Another run reconciled the day meanwhile; read the report again.'));

/**
 * A center's report of a day, the day's revenue figures and the event, on
 * the revision read (`report.revision - 1`, 0 for none); the merchant's
 * unattributed lines beside them when there are any.
 */
export async function putReconciliation(report: StoredReport, figures: Record<string, RevenueFigures>, unattributed: readonly ReconciliationDifference[], event: EventDraft<ReconciliationCompletedData>, idempotency?: IdempotencyPut): Promise<void> {
  const { centerId, date } = report;
  const read = report.revision - 1;
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(), Item: { ...reportKey(centerId, date), kind: 'reconciliation', ...report },
            ...(read === 0 ? { ConditionExpression: 'attribute_not_exists(PK)' } : { ConditionExpression: 'revision = :read', ExpressionAttributeValues: { ':read': read } }),
          },
        },
        {
          Update: {
            TableName: tableName(), Key: revenueKey(centerId, date.slice(0, 7)),
            UpdateExpression: 'SET #day = :figures, kind = :kind, centerId = :c', ExpressionAttributeNames: { '#day': `${DAY_PREFIX}${date}` },
            ExpressionAttributeValues: { ':figures': figures, ':kind': 'revenue', ':c': centerId },
          },
        },
        ...(unattributed.length ? [{ Put: { TableName: tableName(), Item: { ...unattributedKey(date), kind: 'reconciliationUnattributed', lines: unattributed } } }] : []),
        { Put: { TableName: tableName(), Item: outboxItem(`${reportKey(centerId, date).PK}#EVENTS`, event).item } },
        ...(idempotency ? [idempotency] : []),
      ],
    }));
  } catch (err) {
    if (isConcurrentChange(err)) throw reportChanged();
    throw err;
  }
}
