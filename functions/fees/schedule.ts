/**
 * The fee schedule of an item version (收费标准): its fee entries read as
 * pricing rules, and the rules across fields a JSON Schema cannot say. Pure.
 *
 * Versions published before fees had ids and kinds stay as they are (a
 * published version never changes): their fees are fixed, and each is known
 * by its position, `fee-1`, `fee-2`…, which cannot move in an immutable
 * version. Every version written now names its fees (`feeScheduleErrors`).
 */
import type { Fee, ItemContent } from '#schemas/api/catalog';
import { msg } from '#schemas/api/problems';
import type { FieldFault } from '#shared/errors';

/** How long a payment notice stays payable when the item says nothing (working days). */
export const DEFAULT_UNPAID_EXPIRY_WORKING_DAYS = 15;

export interface Tier {
  /** Inclusive; absent on an open last tier. */
  readonly upTo?: number;
  readonly amountFen: number;
}

/** A fee as a pricing rule: one shape per kind, every field it needs present. */
export type FeeRule =
  | { readonly feeId: string; readonly kind: 'fixed'; readonly amountFen: number; readonly fee: Fee }
  | { readonly feeId: string; readonly kind: 'per_unit'; readonly amountFen: number; readonly minQuantity: number; readonly maxQuantity?: number; readonly fee: Fee }
  | { readonly feeId: string; readonly kind: 'tiered'; readonly tiers: readonly Tier[]; readonly fee: Fee };

export const feeIdOf = (fee: Pick<Fee, 'feeId'>, index: number): string => fee.feeId ?? `fee-${index + 1}`;

/** What is wrong with one fee's terms for its kind (empty: a usable rule). */
function termFaults(fee: Fee, path: string): FieldFault[] {
  const faults: FieldFault[] = [];
  const kind = fee.kind ?? 'fixed';
  const unwanted = (field: keyof Fee, zh: string) => {
    if (fee[field] !== undefined) faults.push({ path: `${path}/${field}`, code: 'not_of_kind', message: msg(`${zh}不适用于此类收费`, `${field} does not apply to a ${kind} fee`) });
  };
  const needed = (field: keyof Fee, zh: string) => {
    if (fee[field] === undefined) faults.push({ path: `${path}/${field}`, code: 'required', message: msg(`此类收费须写明${zh}`, `a ${kind} fee needs ${field}`) });
  };
  if (kind === 'fixed') {
    needed('amountFen', '金额');
    unwanted('minQuantity', '最少计量');
    unwanted('maxQuantity', '最多计量');
    unwanted('tiers', '阶梯');
  } else if (kind === 'per_unit') {
    needed('amountFen', '单价');
    unwanted('tiers', '阶梯');
    if (fee.minQuantity !== undefined && fee.maxQuantity !== undefined && fee.minQuantity > fee.maxQuantity) {
      faults.push({ path: `${path}/maxQuantity`, code: 'below_minimum', message: msg('最多计量不能小于最少计量', 'maxQuantity is below minQuantity') });
    }
  } else {
    needed('tiers', '阶梯');
    unwanted('amountFen', '统一单价');
    unwanted('minQuantity', '最少计量');
    unwanted('maxQuantity', '最多计量');
    const tiers = fee.tiers ?? [];
    tiers.forEach((t, i) => {
      const at = `${path}/tiers/${i}/upTo`;
      const last = i === tiers.length - 1;
      if (t.upTo === undefined && !last) faults.push({ path: at, code: 'required', message: msg('只有最后一档可以不设上限', 'only the last tier may be open-ended') });
      const before = i > 0 ? tiers[i - 1]!.upTo : undefined;
      if (t.upTo !== undefined && before !== undefined && t.upTo <= before) faults.push({ path: at, code: 'not_ascending', message: msg('各档上限须逐档递增', 'tiers go by ascending upTo') });
    });
  }
  return faults;
}

/** The fee as a pricing rule, or the faults that keep it from being one (a version written before these rules were checked). */
export function feeRuleOf(fee: Fee, index: number, path = `/fees/${index}`): { readonly rule: FeeRule } | { readonly faults: FieldFault[] } {
  const faults = termFaults(fee, path);
  if (faults.length) return { faults };
  const feeId = feeIdOf(fee, index);
  switch (fee.kind ?? 'fixed') {
    case 'fixed':
      return { rule: { feeId, kind: 'fixed', amountFen: fee.amountFen!, fee } };
    case 'per_unit':
      return { rule: { feeId, kind: 'per_unit', amountFen: fee.amountFen!, minQuantity: fee.minQuantity ?? 1, ...(fee.maxQuantity !== undefined ? { maxQuantity: fee.maxQuantity } : {}), fee } };
    case 'tiered':
      return { rule: { feeId, kind: 'tiered', tiers: fee.tiers!, fee } };
  }
}

/**
 * The fee rules of an item version being written (paths under `at`, the
 * catalog's `/body/content`): every fee has its own id and terms that fit its
 * kind; an item with fees says when they are paid, one without says nothing of payment.
 */
export function feeScheduleErrors(content: Pick<ItemContent, 'fees' | 'paymentStage' | 'unpaidExpiryWorkingDays'>, at = '/body/content'): FieldFault[] {
  const faults: FieldFault[] = [];
  const seen = new Set<string>();
  content.fees.forEach((fee, i) => {
    const path = `${at}/fees/${i}`;
    if (fee.feeId === undefined) faults.push({ path: `${path}/feeId`, code: 'required', message: msg('每项收费须有编号', 'every fee needs its feeId') });
    else if (seen.has(fee.feeId)) faults.push({ path: `${path}/feeId`, code: 'duplicate', message: msg(`收费编号 ${fee.feeId} 重复`, `feeId ${fee.feeId} is used twice`) });
    if (fee.feeId !== undefined) seen.add(fee.feeId);
    faults.push(...termFaults(fee, path));
  });
  const charged = content.fees.length > 0;
  if (charged && content.paymentStage === undefined) {
    faults.push({ path: `${at}/paymentStage`, code: 'required', message: msg('收费事项须写明缴费环节（受理前或送达前）', 'an item with fees says when they are paid (paymentStage)') });
  }
  if (!charged && content.paymentStage !== undefined) {
    faults.push({ path: `${at}/paymentStage`, code: 'no_fees', message: msg('不收费的事项没有缴费环节', 'an item without fees has no paymentStage') });
  }
  if (!charged && content.unpaidExpiryWorkingDays !== undefined) {
    faults.push({ path: `${at}/unpaidExpiryWorkingDays`, code: 'no_fees', message: msg('不收费的事项没有缴费期限', 'an item without fees has no unpaidExpiryWorkingDays') });
  }
  return faults;
}

export type PaymentStage = NonNullable<ItemContent['paymentStage']>;

/**
 * When an item version's fees are paid and for how long a notice stays
 * payable; undefined for an item without fees. A version published before
 * payment stages existed is paid before delivery: its cases were accepted
 * without payment, so the later gate is the one that never stops them.
 */
export function paymentTermsOf(content: Pick<ItemContent, 'fees' | 'paymentStage' | 'unpaidExpiryWorkingDays'>): { readonly stage: PaymentStage; readonly unpaidExpiryWorkingDays: number } | undefined {
  if (content.fees.length === 0) return undefined;
  return { stage: content.paymentStage ?? 'before_delivery', unpaidExpiryWorkingDays: content.unpaidExpiryWorkingDays ?? DEFAULT_UNPAID_EXPIRY_WORKING_DAYS };
}
