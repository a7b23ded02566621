/**
 * Pricing a charge (核价): the lines of the fees a clerk names, in integer fen,
 * and what a waiver (减免) takes off. Pure: no I/O, no clock.
 *
 * Quantities are whole units (the pricing document's unit: a square metre, a
 * day, a copy); a fractional, negative or unbounded count is refused with the
 * field at fault, never rounded, because rounding someone's fee is the
 * pricing document's decision, not this code's.
 */
import { MAX_FEE_QUANTITY, type Fee } from '#schemas/api/catalog';
import type { ChargeLine } from '#schemas/api/fees';
import type { FeeWaiverCategory } from '#schemas/api/org';
import { msg } from '#schemas/api/problems';
import type { FieldFault } from '#shared/errors';
import { feeIdOf, feeRuleOf, type FeeRule, type Tier } from './schedule.ts';

/** One fee a clerk charges: its id and, for a per-unit or tiered fee, the units counted. */
export interface QuantityLine {
  readonly feeId: string;
  readonly quantity?: number;
}

export type WaiverTerms = Pick<FeeWaiverCategory, 'kind' | 'percent'>;

export type Assessment =
  | { readonly ok: true; readonly lines: readonly ChargeLine[]; readonly grossFen: number; readonly waiverFen: number; readonly dueFen: number }
  | { readonly ok: false; readonly faults: readonly FieldFault[] };

/**
 * A tiered fee at the margin: each tier prices the units between the previous
 * tier's `upTo` and its own, so the amount grows with every unit and never
 * jumps at a tier's edge. Units above a capped last tier are the caller's
 * fault to catch (`assessCharge` does).
 */
export function tieredAmount(tiers: readonly Tier[], quantity: number): number {
  let amount = 0;
  let below = 0;
  for (const tier of tiers) {
    const top = tier.upTo === undefined ? quantity : Math.min(quantity, tier.upTo);
    if (top > below) amount += (top - below) * tier.amountFen;
    if (tier.upTo === undefined || quantity <= tier.upTo) break;
    below = tier.upTo;
  }
  return amount;
}

/** What a waiver takes off a charge: all of it, or its share rounded down to the fen, so it never exceeds the charge. */
export function waiverAmount(grossFen: number, terms: WaiverTerms): number {
  if (terms.kind === 'full') return grossFen;
  const percent = Math.min(Math.max(Math.trunc(terms.percent ?? 0), 0), 100);
  // gross × percent can pass 2⁵³ for the largest charges: split off the whole hundreds, exactly.
  const hundreds = Math.floor(grossFen / 100);
  return hundreds * percent + Math.floor(((grossFen - hundreds * 100) * percent) / 100);
}

const countFault = (path: string, code: string, zh: string, en: string): FieldFault => ({ path, code, message: msg(zh, en) });

/** Why `quantity` cannot be counted for `rule` (undefined: it can), and the units to price. */
function countOf(rule: FeeRule, quantity: unknown, path: string): { units: number } | { fault: FieldFault } {
  if (rule.kind === 'fixed') {
    if (quantity === undefined || quantity === 1) return { units: 1 };
    return { fault: countFault(path, 'not_counted', '定额收费不计数量', `${rule.feeId} is a fixed fee: no quantity`) };
  }
  if (quantity === undefined) return { fault: countFault(path, 'required', '请填写计费数量', `${rule.feeId} is charged by the unit: give the quantity`) };
  if (typeof quantity !== 'number' || !Number.isFinite(quantity)) return { fault: countFault(path, 'not_a_number', '计费数量须为数字', 'the quantity must be a number') };
  if (quantity < 0) return { fault: countFault(path, 'negative', '计费数量不能为负数', 'the quantity cannot be negative') };
  if (!Number.isInteger(quantity)) return { fault: countFault(path, 'not_integer', `计费数量须为整数（${rule.fee.unit}）`, `the quantity is a whole number of units (${rule.fee.unit})`) };
  const min = rule.kind === 'per_unit' ? rule.minQuantity : 1;
  const last = rule.kind === 'tiered' ? rule.tiers[rule.tiers.length - 1]!.upTo : undefined;
  const max = Math.min(rule.kind === 'per_unit' ? (rule.maxQuantity ?? MAX_FEE_QUANTITY) : (last ?? MAX_FEE_QUANTITY), MAX_FEE_QUANTITY);
  if (quantity < min) return { fault: countFault(path, 'below_minimum', `计费数量至少为 ${min}`, `the quantity is at least ${min}`) };
  if (quantity > max) return { fault: countFault(path, 'above_maximum', `计费数量至多为 ${max}`, `the quantity is at most ${max}`) };
  return { units: quantity };
}

function lineOf(rule: FeeRule, units: number): ChargeLine {
  const { fee } = rule;
  const common = { feeId: rule.feeId, name: fee.name, kind: rule.kind, unit: fee.unit, basis: fee.basis, quantity: units };
  switch (rule.kind) {
    case 'fixed':
      return { ...common, amountFen: rule.amountFen };
    case 'per_unit':
      return { ...common, unitFen: rule.amountFen, amountFen: units * rule.amountFen };
    case 'tiered':
      return { ...common, tiers: rule.tiers.map((t) => ({ ...t })), amountFen: tieredAmount(rule.tiers, units) };
  }
}

/**
 * The charge for `quantities` under an item version's `fees`, and what the
 * waiver (if any) takes off: every line in integer fen, or every field at
 * fault (paths under `at`, the request's `/body/lines`). A fee is charged
 * once per charge; a fee not named is not charged.
 */
export function assessCharge(fees: readonly Fee[], quantities: readonly QuantityLine[], waiver?: WaiverTerms, at = '/body/lines'): Assessment {
  const rules = new Map<string, { rule: FeeRule } | { faults: FieldFault[] }>();
  fees.forEach((fee, i) => {
    const read = feeRuleOf(fee, i);
    rules.set(feeIdOf(fee, i), read);
  });
  const faults: FieldFault[] = [];
  const lines: ChargeLine[] = [];
  if (quantities.length === 0) faults.push({ path: at, code: 'required', message: msg('请至少列明一项收费', 'name at least one fee to charge') });
  const named = new Set<string>();
  quantities.forEach((q, i) => {
    const path = `${at}/${i}`;
    if (named.has(q.feeId)) {
      faults.push({ path: `${path}/feeId`, code: 'duplicate', message: msg(`收费 ${q.feeId} 重复列明`, `${q.feeId} is named twice`) });
      return;
    }
    named.add(q.feeId);
    const read = rules.get(q.feeId);
    if (!read) {
      faults.push({ path: `${path}/feeId`, code: 'unknown_fee', message: msg(`本事项没有编号为 ${q.feeId} 的收费`, `the item version has no fee ${q.feeId}`) });
      return;
    }
    if ('faults' in read) {
      faults.push({ path: `${path}/feeId`, code: 'fee_malformed', message: msg(`收费 ${q.feeId} 的标准不完整，无法核价`, `fee ${q.feeId} has incomplete terms and cannot be priced`) });
      return;
    }
    const count = countOf(read.rule, q.quantity, `${path}/quantity`);
    if ('fault' in count) faults.push(count.fault);
    else lines.push(lineOf(read.rule, count.units));
  });
  if (faults.length) return { ok: false, faults };
  const grossFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
  const waiverFen = waiver ? waiverAmount(grossFen, waiver) : 0;
  return { ok: true, lines, grossFen, waiverFen, dueFen: grossFen - waiverFen };
}
