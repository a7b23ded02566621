/**
 * The daily reconciliation (对账) and revenue (收入) of the fees domain, as
 * pure functions: the provider's statement of a day against the ledger's
 * entries of that day, and a day's figures by item and department. No I/O,
 * no clock.
 *
 * The two sides meet on the provider's own ids: a payment's transaction id
 * (whose applied and unapplied parts the ledger may hold as two entries), a
 * refund's refund id.
 */
import type { LedgerEntry } from '#schemas/api/fees';
import type { ReconciliationDifference, RevenueFigures } from '#schemas/api/fees-finance';
import type { StatementLine } from './provider/protocol.ts';

/** An entry of the day index, with the case it is about. */
export type DayEntry = Pick<LedgerEntry, 'type' | 'amountFen' | 'chargeId' | 'transactionId' | 'outTradeNo' | 'refundId'> & { readonly caseNo: string };

/** A statement line, with the charge its order leads back to when OneStop made the order. */
export type AttributedLine = StatementLine & { readonly caseNo?: string; readonly chargeId?: string };

interface Side {
  lines: number;
  payFen: number;
  refundFen: number;
}

export interface Comparison {
  readonly statement: Side;
  readonly ledger: Side;
  readonly matched: number;
  readonly differences: ReconciliationDifference[];
}

type Movement = { type: 'PAY' | 'REFUND'; providerId: string; amountFen: number; outTradeNo?: string; caseNo: string; chargeId: string };

/** What the provider moved, as the ledger recorded it: one movement per provider id. */
function movementsOf(entries: readonly DayEntry[]): Map<string, Movement> {
  const moved = new Map<string, Movement>();
  for (const e of entries) {
    const providerId = e.type === 'refund' ? e.refundId : e.type === 'payment' || e.type === 'unapplied_payment' ? e.transactionId : undefined;
    if (!providerId) continue;
    const type = e.type === 'refund' ? 'REFUND' : 'PAY';
    const key = `${type}#${providerId}`;
    const seen = moved.get(key);
    if (seen) seen.amountFen += e.amountFen;
    else moved.set(key, { type, providerId, amountFen: e.amountFen, ...(e.outTradeNo ? { outTradeNo: e.outTradeNo } : {}), caseNo: e.caseNo, chargeId: e.chargeId });
  }
  return moved;
}

const sideOf = (items: readonly { type: 'PAY' | 'REFUND'; amountFen: number }[]): Side => ({
  lines: items.length,
  payFen: items.filter((i) => i.type === 'PAY').reduce((s, i) => s + i.amountFen, 0),
  refundFen: items.filter((i) => i.type === 'REFUND').reduce((s, i) => s + i.amountFen, 0),
});

const order: Record<ReconciliationDifference['kind'], number> = { not_in_ledger: 0, not_in_statement: 1, amount_mismatch: 2 };

/** The statement's lines against the ledger's entries of the same day: what agrees, and every line that does not, once. */
export function compare(lines: readonly AttributedLine[], entries: readonly DayEntry[]): Comparison {
  const moved = movementsOf(entries);
  const ledger = sideOf([...moved.values()]);
  const differences: ReconciliationDifference[] = [];
  let matched = 0;
  for (const line of lines) {
    const key = `${line.type}#${line.providerId}`;
    const m = moved.get(key);
    const ref = m ?? line;
    const about = { type: line.type, providerId: line.providerId, outTradeNo: line.outTradeNo, ...(ref.caseNo ? { caseNo: ref.caseNo } : {}), ...(ref.chargeId ? { chargeId: ref.chargeId } : {}) };
    if (!m) differences.push({ kind: 'not_in_ledger', ...about, statementFen: line.amountFen });
    else if (m.amountFen !== line.amountFen) differences.push({ kind: 'amount_mismatch', ...about, statementFen: line.amountFen, ledgerFen: m.amountFen });
    else matched++;
    moved.delete(key);
  }
  for (const m of moved.values()) {
    differences.push({ kind: 'not_in_statement', type: m.type, providerId: m.providerId, ...(m.outTradeNo ? { outTradeNo: m.outTradeNo } : {}), caseNo: m.caseNo, chargeId: m.chargeId, ledgerFen: m.amountFen });
  }
  differences.sort((a, b) => order[a.kind] - order[b.kind] || a.providerId.localeCompare(b.providerId));
  return { statement: sideOf(lines), ledger, matched, differences };
}

/** The key of a day's figures: the item and its department, as the charge was assessed. */
export const revenueKeyOf = (itemCode: string, departmentId: string) => `${itemCode}|${departmentId}`;

const zero = (): RevenueFigures => ({ revenueFen: 0, receivedFen: 0, refundedFen: 0, payments: 0 });

/**
 * A day's figures by item and department, from the day's entries: revenue
 * is what the treasury keeps (payments applied, less refunds approved),
 * received every payment taken, refunded every refund made. An entry whose
 * charge is unknown counts under `unknown|unknown` rather than vanish.
 */
export function dayRevenue(entries: readonly DayEntry[], itemOf: (chargeId: string) => { code: string; departmentId: string } | undefined): Record<string, RevenueFigures> {
  const figures: Record<string, RevenueFigures> = {};
  const counted = new Set<string>();
  for (const e of entries) {
    const item = itemOf(e.chargeId);
    const key = revenueKeyOf(item?.code ?? 'unknown', item?.departmentId ?? 'unknown');
    const f = (figures[key] ??= zero());
    if (e.type === 'payment') f.revenueFen += e.amountFen;
    if (e.type === 'refund_approved') f.revenueFen -= e.amountFen;
    if (e.type === 'payment' || e.type === 'unapplied_payment') {
      f.receivedFen += e.amountFen;
      if (e.transactionId && !counted.has(e.transactionId)) {
        counted.add(e.transactionId);
        f.payments++;
      }
    }
    if (e.type === 'refund') f.refundedFen += e.amountFen;
  }
  return figures;
}

const add = (a: RevenueFigures, b: RevenueFigures): RevenueFigures => ({
  revenueFen: a.revenueFen + b.revenueFen, receivedFen: a.receivedFen + b.receivedFen, refundedFen: a.refundedFen + b.refundedFen, payments: a.payments + b.payments,
});

/** A month's figures from its days': the total, by item, by department (each sorted by its key). */
export function monthRevenue(days: Readonly<Record<string, Readonly<Record<string, RevenueFigures>>>>) {
  const byKey = new Map<string, RevenueFigures>();
  for (const day of Object.values(days)) for (const [key, f] of Object.entries(day)) byKey.set(key, add(byKey.get(key) ?? zero(), f));
  const byItem = [...byKey].map(([key, f]) => {
    const [itemCode = '', departmentId = ''] = key.split('|');
    return { itemCode, departmentId, ...f };
  }).sort((a, b) => a.itemCode.localeCompare(b.itemCode) || a.departmentId.localeCompare(b.departmentId));
  const byDepartmentMap = new Map<string, RevenueFigures>();
  for (const i of byItem) byDepartmentMap.set(i.departmentId, add(byDepartmentMap.get(i.departmentId) ?? zero(), i));
  const byDepartment = [...byDepartmentMap].map(([departmentId, f]) => ({ departmentId, ...f })).sort((a, b) => a.departmentId.localeCompare(b.departmentId));
  const total = byItem.reduce<RevenueFigures>((t, i) => add(t, i), zero());
  return { days: Object.keys(days).sort(), total, byItem, byDepartment };
}
