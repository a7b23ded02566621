import { describe, expect, it } from 'vitest';
import type { IndicatorTableBody } from '#schemas/api/appraisal';
import type { AppraisalCountRow } from '#shared/appraisal-counts';
import { defaultTable } from '../../../functions/appraisal/indicators.ts';
import { monthIsOver, previousMonth } from '../../../functions/appraisal/months.ts';
import { rank, scoreMonth, scoreOf, tableFaults } from '../../../functions/appraisal/rules.ts';

const staff = (id: string, counts: AppraisalCountRow['counts']): AppraisalCountRow => ({ subject: { kind: 'staff', id }, counts });

/**
 * A month of one center over the default table (好评率 40 good/rated min 5;
 * 按时办结率 25 casesOnTime/casesCompleted min 5; 差评整改率 15
 * badFixedOnTime/badDue min 1; 监察与投诉 20 less 2/5/10/5 per warning,
 * yellow, red card and substantiated complaint), as three sources would give it.
 */
const evaluation: AppraisalCountRow[] = [
  staff('alice', { rated: 10, good: 9, badDue: 1, badFixedOnTime: 1 }),
  staff('bob', { rated: 20, good: 20 }),
  staff('carol', { rated: 4, good: 4 }),
  staff('frank', { rated: 3, good: 3 }),
  staff('frank', { rated: 2, good: 2 }),
  { subject: { kind: 'department', id: 'amr' }, counts: { rated: 100, good: 80, badDue: 4, badFixedOnTime: 2 } },
  { subject: { kind: 'department', id: 'tax' }, counts: { rated: 2, good: 2 } },
  { subject: { kind: 'window', id: 'w1' }, counts: { rated: 10, good: 10 } },
];
const cases: AppraisalCountRow[] = [
  staff('alice', { casesCompleted: 10, casesOnTime: 10 }),
  staff('bob', { casesCompleted: 4, casesOnTime: 4 }),
  staff('carol', { casesCompleted: 8, casesOnTime: 6 }),
  staff('frank', { casesCompleted: 5, casesOnTime: 5 }),
  { subject: { kind: 'department', id: 'amr' }, counts: { casesCompleted: 50, casesOnTime: 45 } },
];
const supervisionAndMore: AppraisalCountRow[] = [
  staff('alice', { yellowCards: 1 }),
  staff('carol', { redCards: 1, substantiatedComplaints: 2 }),
  staff('frank', { warningCards: 0 }),
  staff('dave', { visitsServed: 30 }),
  { subject: { kind: 'department', id: 'amr' }, counts: { yellowCards: 2 } },
];
const directory = {
  staff: new Map<string, readonly string[]>([['alice', ['amr']], ['bob', ['amr']], ['carol', ['tax']], ['dave', ['tax']], ['erin', ['amr']], ['frank', ['tax']]]),
  windows: new Map<string, readonly string[]>([['w1', ['amr']], ['w9', ['amr', 'tax']]]),
};

describe('scoring a month (the default table)', () => {
  // Worked by hand: points per indicator; the score is earned / the weights scored × 100, one decimal.
  const expected = [
    // amr: 40×80/100 = 32; 25×45/50 = 22.5; 15×2/4 = 7.5; 20 − 2×5 = 10 → 72 of 100.
    { kind: 'department', id: 'amr', score: 72, rank: 1 },
    // tax: 2 rated < 5, nothing else → no data on any indicator.
    { kind: 'department', id: 'tax', score: undefined, rank: undefined },
    // w1: 40 of 40, discipline (no card recorded) 20 of 20 → 100.
    { kind: 'window', id: 'w1', score: 100, rank: 1 },
    // w9: in the directory only. Not ranked, after the ranked windows.
    { kind: 'window', id: 'w9', score: undefined, rank: undefined },
    // bob: 40 of 40; 4 completed < 5 (left out); discipline 20 → 60/60 = 100.
    { kind: 'staff', id: 'bob', score: 100, rank: 1 },
    // frank: rated 3 + 2 from two rows = 5 → 40; 25; warnings 0 → 20: 85/85 = 100, sharing rank 1.
    { kind: 'staff', id: 'frank', score: 100, rank: 1 },
    // alice: 36 + 25 + 15 + (20 − 5) = 91.
    { kind: 'staff', id: 'alice', score: 91, rank: 3 },
    // carol: 4 rated < 5 (left out); 25×6/8 = 18.75; 20 − 10 − 2×5 = 0 → 18.75/45 = 41.67 → 41.7.
    { kind: 'staff', id: 'carol', score: 41.7, rank: 4 },
    // dave: visits only, which no indicator scores; erin: in the directory only. Not ranked, listed last.
    { kind: 'staff', id: 'dave', score: undefined, rank: undefined },
    { kind: 'staff', id: 'erin', score: undefined, rank: undefined },
  ];

  const scored = scoreMonth(defaultTable.indicators, [evaluation, cases, supervisionAndMore], directory);

  it('scores and ranks every subject as worked by hand, in order (departments, windows, staff; by rank)', () => {
    expect(scored.map((s) => ({ kind: s.kind, id: s.id, score: s.score, rank: s.rank }))).toEqual(expected);
  });

  it('a subject with no data on any indicator is not ranked, never first', () => {
    for (const id of ['dave', 'erin', 'w9']) expect(scored.find((s) => s.id === id)).toMatchObject({ ranked: false, points: {} });
    expect(scored.find((s) => s.id === 'tax')!.ranked).toBe(false);
  });

  it('records the points per indicator, the staff member\'s departments and those a window serves', () => {
    expect(scored.find((s) => s.id === 'alice')).toMatchObject({ points: { satisfaction: 36, onTime: 25, rectification: 15, discipline: 15 }, departmentIds: ['amr'] });
    expect(scored.find((s) => s.id === 'w9')).toMatchObject({ ranked: false, points: {}, departmentIds: ['amr', 'tax'] });
    expect(scored.find((s) => s.id === 'amr')!.departmentIds).toBeUndefined();
    expect(scored.find((s) => s.id === 'carol')!.points).toEqual({ onTime: 18.8, discipline: 0 });
  });

  it('a deduction is floored at 0', () => {
    expect(scoreOf(defaultTable.indicators, { rated: 10, good: 10, redCards: 5 })).toEqual({ score: 66.7, points: { satisfaction: 40, discipline: 0 } });
  });

  it('ranks again after an adjustment (ties share a rank)', () => {
    const again = rank(scored.map(({ rank: _r, ...s }) => (s.id === 'carol' ? { ...s, score: 100 } : s)));
    expect(again.filter((s) => s.kind === 'staff' && s.ranked).map((s) => [s.id, s.rank])).toEqual([['bob', 1], ['carol', 1], ['frank', 1], ['alice', 4]]);
  });
});

describe('the indicator table\'s checks', () => {
  it('the default table passes', () => {
    expect(tableFaults(defaultTable)).toEqual([]);
  });

  it('weights not summing to 100, a duplicate id and unknown counts, field by field', () => {
    const bad: IndicatorTableBody = {
      appealWorkingDays: 5,
      indicators: [
        { id: 'a', name: 'A', weight: 50, rule: { kind: 'rate', numerator: 'good', denominator: 'ratings', minDenominator: 1 } },
        { id: 'a', name: 'B', weight: 30, rule: { kind: 'deduction', pointsPer: { yellowCards: 5, blueCards: 1 } } },
      ],
    };
    expect(tableFaults(bad).map((f) => [f.path, f.code])).toEqual([
      ['/indicators', 'weights-sum'],
      ['/indicators/0/rule/denominator', 'unknown-count'],
      ['/indicators/1/id', 'duplicate'],
      ['/indicators/1/rule/pointsPer/blueCards', 'unknown-count'],
    ]);
  });

  it('a deduction naming no count', () => {
    const faults = tableFaults({ appealWorkingDays: 5, indicators: [{ id: 'a', name: 'A', weight: 100, rule: { kind: 'deduction', pointsPer: {} } }] });
    expect(faults.map((f) => [f.path, f.code])).toEqual([['/indicators/0/rule/pointsPer', 'empty']]);
  });
});

describe('months in the center\'s zone', () => {
  it('the month before today\'s, across a year', () => {
    expect(previousMonth('2026-01-01')).toBe('2025-12');
    expect(previousMonth('2026-11-30')).toBe('2026-10');
  });
  it('a month is over once today is in a later one', () => {
    expect(monthIsOver('2026-10', '2026-11-01')).toBe(true);
    expect(monthIsOver('2026-11', '2026-11-30')).toBe(false);
  });
});
