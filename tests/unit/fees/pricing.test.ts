/**
 * Pricing a charge (核价) and the fee schedule's rules: fixed, per-unit and
 * tiered fees against amounts computed by hand, the faults of bad quantities
 * and unknown fees, waivers that never exceed the charge, and the versions
 * published before fees had ids and kinds.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Fee } from '#schemas/api/catalog';
import { assessCharge, tieredAmount, waiverAmount } from '../../../functions/fees/rules.ts';
import { feeScheduleErrors, paymentTermsOf, type Tier } from '../../../functions/fees/schedule.ts';
import { waiverCategoriesOf, waiverSettingsErrors } from '../../../functions/fees/settings.ts';
import { demoItems } from '../../../local/seed/items.ts';

const common = { currency: 'CNY', basis: '《城市道路管理条例》第三十七条' } as const;
const permit: Fee = { ...common, feeId: 'permit', name: '证照工本费', kind: 'fixed', amountFen: 1000, unit: '每件' };
const occupation: Fee = { ...common, feeId: 'occupation', name: '城市道路占用费', kind: 'per_unit', amountFen: 100, unit: '每平方米·日', minQuantity: 1, maxQuantity: 50_000 };
/** 1–100 m² at 3.50 元, 101–500 at 2.80 元, above 500 at 2.00 元. */
const excavation: Fee = {
  ...common, feeId: 'excavation', name: '挖掘修复费', kind: 'tiered', unit: '每平方米',
  tiers: [{ upTo: 100, amountFen: 350 }, { upTo: 500, amountFen: 280 }, { amountFen: 200 }],
};
/** Capped: at most 20 copies. */
const copies: Fee = { ...common, feeId: 'copies', name: '副本费', kind: 'tiered', unit: '每份', tiers: [{ upTo: 2, amountFen: 0 }, { upTo: 20, amountFen: 500 }] };
const fees = [permit, occupation, excavation, copies];

const ok = (a: ReturnType<typeof assessCharge>) => {
  if (!a.ok) throw new Error(JSON.stringify(a.faults));
  return a;
};
const faultsOf = (a: ReturnType<typeof assessCharge>) => (a.ok ? [] : a.faults.map((f) => [f.path, f.code]));

describe('assessCharge: hand-computed charges', () => {
  it('a fixed fee is its amount, once', () => {
    const a = ok(assessCharge(fees, [{ feeId: 'permit' }]));
    expect(a.lines).toEqual([expect.objectContaining({ feeId: 'permit', kind: 'fixed', quantity: 1, amountFen: 1000, basis: common.basis })]);
    expect([a.grossFen, a.waiverFen, a.dueFen]).toEqual([1000, 0, 1000]);
  });

  it('a per-unit fee is units × price: 120 m² for 15 days = 1 800 m²·日 at 1.00 元 = 1 800.00 元', () => {
    const a = ok(assessCharge(fees, [{ feeId: 'occupation', quantity: 1800 }]));
    expect(a.lines[0]).toMatchObject({ unitFen: 100, quantity: 1800, amountFen: 180_000 });
  });

  it.each([
    [1, 350],
    [100, 35_000],
    [101, 35_000 + 280],
    [500, 35_000 + 400 * 280],
    [501, 35_000 + 112_000 + 200],
    [1234, 35_000 + 112_000 + 734 * 200],
  ])('a tiered fee at the margin: %i m² = %i fen', (quantity, expected) => {
    expect(ok(assessCharge(fees, [{ feeId: 'excavation', quantity }])).grossFen).toBe(expected);
  });

  it('a free first tier, and a capped last tier refuses more', () => {
    expect(ok(assessCharge(fees, [{ feeId: 'copies', quantity: 2 }])).grossFen).toBe(0);
    expect(ok(assessCharge(fees, [{ feeId: 'copies', quantity: 20 }])).grossFen).toBe(18 * 500);
    expect(faultsOf(assessCharge(fees, [{ feeId: 'copies', quantity: 21 }]))).toEqual([['/body/lines/0/quantity', 'above_maximum']]);
  });

  it('sums several lines', () => {
    const a = ok(assessCharge(fees, [{ feeId: 'permit' }, { feeId: 'occupation', quantity: 30 }, { feeId: 'excavation', quantity: 120 }]));
    expect(a.lines.map((l) => l.amountFen)).toEqual([1000, 3000, 35_000 + 20 * 280]);
    expect(a.grossFen).toBe(1000 + 3000 + 40_600);
  });
});

describe('assessCharge: refusals, with the field at fault', () => {
  it.each([
    ['negative', -3, 'negative'],
    ['fractional', 12.5, 'not_integer'],
    ['zero', 0, 'below_minimum'],
    ['above the bound', 50_001, 'above_maximum'],
    ['not a number', Number.NaN, 'not_a_number'],
    ['missing', undefined, 'required'],
  ])('a %s quantity', (_name, quantity, code) => {
    expect(faultsOf(assessCharge(fees, [{ feeId: 'occupation', ...(quantity === undefined ? {} : { quantity }) }]))).toEqual([['/body/lines/0/quantity', code]]);
  });

  it('an unknown fee, a fee named twice, a quantity on a fixed fee, and no fee at all', () => {
    expect(faultsOf(assessCharge(fees, [{ feeId: 'permit' }, { feeId: 'nope' }, { feeId: 'permit' }, { feeId: 'occupation', quantity: 2 }]))).toEqual([
      ['/body/lines/1/feeId', 'unknown_fee'],
      ['/body/lines/2/feeId', 'duplicate'],
    ]);
    expect(faultsOf(assessCharge(fees, [{ feeId: 'permit', quantity: 3 }]))).toEqual([['/body/lines/0/quantity', 'not_counted']]);
    expect(faultsOf(assessCharge(fees, []))).toEqual([['/body/lines', 'required']]);
  });

  it('a fee whose terms do not fit its kind cannot be priced', () => {
    const broken: Fee = { ...common, feeId: 'broken', name: '缺单价', kind: 'per_unit', unit: '每件' };
    expect(faultsOf(assessCharge([broken], [{ feeId: 'broken', quantity: 1 }]))).toEqual([['/body/lines/0/feeId', 'fee_malformed']]);
  });
});

describe('waivers', () => {
  it('full waives everything; percent its share rounded down to the fen', () => {
    expect(waiverAmount(35_001, { kind: 'full' })).toBe(35_001);
    expect(waiverAmount(35_001, { kind: 'percent', percent: 50 })).toBe(17_500);
    const a = ok(assessCharge(fees, [{ feeId: 'permit' }, { feeId: 'occupation', quantity: 333 }], { kind: 'percent', percent: 30 }));
    expect([a.grossFen, a.waiverFen, a.dueFen]).toEqual([34_300, 10_290, 24_010]);
  });

  it('property: a waiver is never negative, never above the charge, and exact to the fen (rounded down) for any safe amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.oneof(fc.constant({ kind: 'full' as const }), fc.integer({ min: 1, max: 99 }).map((percent) => ({ kind: 'percent' as const, percent }))), (gross, terms) => {
        const w = waiverAmount(gross, terms);
        expect(Number.isSafeInteger(w)).toBe(true);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThanOrEqual(gross);
        if (terms.kind === 'percent') expect(BigInt(w)).toBe((BigInt(gross) * BigInt(terms.percent)) / 100n);
      }),
      { numRuns: 300 },
    );
  });

  it('the center\'s categories: unique ids, a percent only with percent kind; broken ones are not granted', () => {
    const small = { categoryId: 'small-micro', name: '小型微型企业', basis: '财税〔2014〕101号', kind: 'full' } as const;
    const half = { categoryId: 'half', name: '减半', basis: '示例', kind: 'percent', percent: 50 } as const;
    expect(waiverSettingsErrors([small, half, { ...half }, { ...half, categoryId: 'x', percent: undefined }, { ...small, categoryId: 'y', percent: 10 }]).map((f) => [f.path, f.code])).toEqual([
      ['/body/feeWaivers/2/categoryId', 'duplicate'],
      ['/body/feeWaivers/3/percent', 'required'],
      ['/body/feeWaivers/4/percent', 'not_of_kind'],
    ]);
    expect(waiverCategoriesOf({ feeWaivers: [small, { ...half, percent: undefined }, half, { ...small, name: 'again' }] }).map((c) => c.categoryId)).toEqual(['small-micro', 'half']);
    expect(waiverCategoriesOf(undefined)).toEqual([]);
  });
});

describe('property: tiered and per-unit amounts', () => {
  const tiersArb: fc.Arbitrary<Tier[]> = fc
    .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 0, maxLength: 5 })
    .chain((edges) => {
      const sorted = [...edges].sort((a, b) => a - b);
      return fc.tuple(fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: sorted.length + 1, maxLength: sorted.length + 1 })).map(([prices]) => [
        ...sorted.map((upTo, i) => ({ upTo, amountFen: prices[i]! })),
        { amountFen: prices[sorted.length]! },
      ]);
    });

  it('equals the sum of each unit\'s own tier price, and never falls as the quantity grows', () => {
    fc.assert(
      fc.property(tiersArb, fc.integer({ min: 1, max: 20_000 }), (tiers, quantity) => {
        let byUnit = 0;
        for (let u = 1; u <= quantity; u++) byUnit += tiers.find((t) => t.upTo === undefined || u <= t.upTo)!.amountFen;
        expect(tieredAmount(tiers, quantity)).toBe(byUnit);
        expect(tieredAmount(tiers, quantity + 1)).toBeGreaterThanOrEqual(byUnit);
      }),
      { numRuns: 150 },
    );
  });

  it('per unit is units × price, a safe integer up to the largest price and quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (price, quantity) => {
        const fee: Fee = { ...common, feeId: 'u', name: 'u', kind: 'per_unit', amountFen: price, unit: '件' };
        const a = ok(assessCharge([fee], [{ feeId: 'u', quantity }]));
        expect(a.grossFen).toBe(price * quantity);
        expect(Number.isSafeInteger(a.grossFen)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the fee schedule of an item version', () => {
  const content = { fees, paymentStage: 'before_delivery' as const };
  it('accepts well-formed fees of every kind', () => {
    expect(feeScheduleErrors(content)).toEqual([]);
  });

  it('names every fee, once, with terms that fit its kind', () => {
    const faults = feeScheduleErrors({
      paymentStage: 'before_acceptance',
      fees: [
        { ...permit, feeId: undefined },
        { ...occupation, feeId: 'permit' },
        { ...occupation, feeId: 'dup' },
        { ...occupation, feeId: 'dup', minQuantity: 10, maxQuantity: 5, tiers: [{ amountFen: 1 }] },
        { ...excavation, amountFen: 5, tiers: [{ amountFen: 1 }, { upTo: 3, amountFen: 2 }] },
        { ...excavation, feeId: 'desc', tiers: [{ upTo: 10, amountFen: 1 }, { upTo: 10, amountFen: 2 }] },
        { ...permit, feeId: 'fixed-bad', amountFen: undefined, maxQuantity: 3 },
      ],
    });
    expect(faults.map((f) => [f.path, f.code])).toEqual([
      ['/body/content/fees/0/feeId', 'required'],
      ['/body/content/fees/3/feeId', 'duplicate'],
      ['/body/content/fees/3/tiers', 'not_of_kind'],
      ['/body/content/fees/3/maxQuantity', 'below_minimum'],
      ['/body/content/fees/4/amountFen', 'not_of_kind'],
      ['/body/content/fees/4/tiers/0/upTo', 'required'],
      ['/body/content/fees/5/tiers/1/upTo', 'not_ascending'],
      ['/body/content/fees/6/amountFen', 'required'],
      ['/body/content/fees/6/maxQuantity', 'not_of_kind'],
    ]);
  });

  it('an item with fees says when they are paid; one without says nothing of payment', () => {
    expect(feeScheduleErrors({ fees }).map((f) => [f.path, f.code])).toEqual([['/body/content/paymentStage', 'required']]);
    expect(feeScheduleErrors({ fees: [], paymentStage: 'before_delivery', unpaidExpiryWorkingDays: 5 }).map((f) => f.code)).toEqual(['no_fees', 'no_fees']);
    expect(paymentTermsOf({ fees: [] })).toBeUndefined();
    expect(paymentTermsOf({ fees, paymentStage: 'before_acceptance', unpaidExpiryWorkingDays: 7 })).toEqual({ stage: 'before_acceptance', unpaidExpiryWorkingDays: 7 });
  });

  it('a version published before fee ids and kinds: fixed fees known as fee-1, fee-2…, paid before delivery within 15 working days', () => {
    const legacy: Fee[] = [
      { name: '城市道路占用费', amountFen: 100, currency: 'CNY', unit: '每平方米·日', basis: common.basis },
      { name: '城市道路挖掘修复费', amountFen: 35_000, currency: 'CNY', unit: '每平方米', basis: common.basis },
    ];
    const a = ok(assessCharge(legacy, [{ feeId: 'fee-2' }]));
    expect(a.lines).toEqual([expect.objectContaining({ feeId: 'fee-2', kind: 'fixed', amountFen: 35_000 })]);
    expect(paymentTermsOf({ fees: legacy })).toEqual({ stage: 'before_delivery', unpaidExpiryWorkingDays: 15 });
  });

  it('the seeded road item (370982-ZJ-XK-004) follows the rules and prices an occupation and an excavation', () => {
    const road = demoItems.find((i) => i.code === '370982-ZJ-XK-004')!.content;
    expect(feeScheduleErrors(road)).toEqual([]);
    for (const item of demoItems) expect(feeScheduleErrors(item.content), item.code).toEqual([]);
    const a = ok(assessCharge(road.fees, road.fees.map((f) => ({ feeId: f.feeId!, quantity: 120 }))));
    expect(a.lines.map((l) => l.kind)).toEqual(road.fees.map((f) => f.kind));
    expect(a.grossFen).toBeGreaterThan(0);
  });
});
