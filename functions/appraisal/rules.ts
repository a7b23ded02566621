/**
 * Scoring a month (pure): each subject's counts by the indicator table, the
 * ranking per kind, and the table's own checks. A rate indicator gives
 * `numerator / denominator × weight` once the denominator reaches its
 * minimum; a deduction indicator gives its weight less the points per
 * counted card or complaint, floored at 0. A subject is scored on the
 * indicators it has data for, out of their weights scaled to 100: one
 * without enough data on any indicator is not ranked (never first).
 */
import type { Indicator, IndicatorTableBody, SubjectScore } from '#schemas/api/appraisal';
import { msg } from '#schemas/api/problems';
import type { AppraisalCountRow, AppraisalCounts, AppraisalSubjectKind } from '#shared/appraisal-counts';
import { fault, type FieldFault } from '#shared/errors';

/** Every count of the contract (functions/shared/appraisal-counts.ts) a rule may name. */
export const countNames = [
  'rated', 'good', 'proactiveGood', 'badDue', 'badFixedOnTime', 'warningCards', 'yellowCards', 'redCards',
  'casesCompleted', 'casesOnTime', 'substantiatedComplaints', 'visitsServed',
] as const satisfies readonly (keyof AppraisalCounts)[];
type CountName = (typeof countNames)[number];
const isCount = (n: string): n is CountName => (countNames as readonly string[]).includes(n);

/** Why a table cannot be used, field by field (none: it can). */
export function tableFaults(body: IndicatorTableBody): FieldFault[] {
  const faults: FieldFault[] = [];
  const total = body.indicators.reduce((s, i) => s + i.weight, 0);
  if (total !== 100) faults.push(fault('/indicators', 'weights-sum', msg(`权重之和应为 100，现为 ${total}`, `weights must sum to 100, not ${total}`)));
  const seen = new Set<string>();
  body.indicators.forEach((ind, i) => {
    if (seen.has(ind.id)) faults.push(fault(`/indicators/${i}/id`, 'duplicate', msg(`指标 ${ind.id} 重复`, `indicator ${ind.id} is listed twice`)));
    seen.add(ind.id);
    const named = ind.rule.kind === 'rate'
      ? [['numerator', ind.rule.numerator], ['denominator', ind.rule.denominator]]
      : Object.keys(ind.rule.pointsPer).map((k) => [`pointsPer/${k}`, k]);
    for (const [field, name] of named) {
      if (!isCount(name!)) faults.push(fault(`/indicators/${i}/rule/${field}`, 'unknown-count', msg(`没有计数 ${name}`, `no count named ${name}`)));
    }
    if (ind.rule.kind === 'deduction' && named.length === 0) faults.push(fault(`/indicators/${i}/rule/pointsPer`, 'empty', msg('至少扣分一项', 'name at least one count')));
  });
  return faults;
}

/** Points on one indicator, or undefined when the subject has no data for it. */
function pointsOn(ind: Indicator, c: AppraisalCounts): number | undefined {
  const r = ind.rule;
  if (r.kind === 'rate') {
    const den = c[r.denominator as CountName];
    if (den === undefined || den < r.minDenominator) return undefined;
    return (Math.min(c[r.numerator as CountName] ?? 0, den) / den) * ind.weight;
  }
  const named = Object.entries(r.pointsPer).filter(([k]) => c[k as CountName] !== undefined);
  if (named.length === 0) return undefined;
  return Math.max(0, ind.weight - named.reduce((s, [k, p]) => s + (c[k as CountName] ?? 0) * p, 0));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * One subject's score: scored (ranked) when some indicator has data. Then a
 * deduction indicator without any count recorded gives its full weight (no
 * card is no card); a rate indicator without enough data is left out.
 */
export function scoreOf(indicators: readonly Indicator[], counts: AppraisalCounts): { score?: number; points: Record<string, number> } {
  const own = indicators.map((ind) => [ind, pointsOn(ind, counts)] as const);
  if (own.every(([, p]) => p === undefined)) return { points: {} };
  const scored = own.flatMap(([ind, p]) => (p !== undefined ? [[ind, p] as const] : ind.rule.kind === 'deduction' ? [[ind, ind.weight] as const] : []));
  const weights = scored.reduce((s, [ind]) => s + ind.weight, 0);
  const earned = scored.reduce((s, [, p]) => s + p, 0);
  return { score: round1((earned / weights) * 100), points: Object.fromEntries(scored.map(([ind, p]) => [ind.id, round1(p)])) };
}

/** The rows of every source merged per subject (a count given twice adds up). */
export function mergeRows(sources: readonly (readonly AppraisalCountRow[])[]): Map<string, { kind: AppraisalSubjectKind; id: string; counts: Record<string, number> }> {
  const merged = new Map<string, { kind: AppraisalSubjectKind; id: string; counts: Record<string, number> }>();
  for (const row of sources.flat()) {
    const key = `${row.subject.kind}#${row.subject.id}`;
    const m = merged.get(key) ?? { kind: row.subject.kind, id: row.subject.id, counts: {} };
    for (const [k, v] of Object.entries(row.counts)) if (typeof v === 'number') m.counts[k] = (m.counts[k] ?? 0) + v;
    merged.set(key, m);
  }
  return merged;
}

/** Ranks per kind, highest score first; equal scores share a rank (1, 1, 3); not ranked: no rank. */
export function rank(subjects: readonly Omit<SubjectScore, 'rank'>[]): SubjectScore[] {
  const byKind = new Map<string, Omit<SubjectScore, 'rank'>[]>();
  for (const s of subjects) if (s.ranked) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s]);
  const ranks = new Map<Omit<SubjectScore, 'rank'>, number>();
  for (const list of byKind.values()) {
    const sorted = [...list].sort((a, b) => b.score! - a.score! || a.id.localeCompare(b.id));
    sorted.forEach((s, i) => ranks.set(s, i > 0 && sorted[i - 1]!.score === s.score ? ranks.get(sorted[i - 1]!)! : i + 1));
  }
  const order = (s: SubjectScore) => ['department', 'window', 'staff'].indexOf(s.kind);
  return subjects
    .map((s): SubjectScore => ({ ...s, ...(ranks.has(s) ? { rank: ranks.get(s)! } : {}) }))
    .sort((a, b) => order(a) - order(b) || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.id.localeCompare(b.id));
}

/**
 * Scores every subject the sources name, and every staff member and window of
 * the directory too (with no data: not ranked, so none vanishes from the
 * month), ranked per kind. Staff and windows carry their departments: a
 * department's view of the month is itself, its people and its windows.
 */
export function scoreMonth(
  indicators: readonly Indicator[],
  sources: readonly (readonly AppraisalCountRow[])[],
  directory: { readonly staff: ReadonlyMap<string, readonly string[]>; readonly windows: ReadonlyMap<string, readonly string[]> },
): SubjectScore[] {
  const merged = mergeRows(sources);
  const listed = { staff: directory.staff, window: directory.windows } as const;
  for (const [kind, entries] of Object.entries(listed) as [keyof typeof listed, ReadonlyMap<string, readonly string[]>][]) {
    for (const id of entries.keys()) if (!merged.has(`${kind}#${id}`)) merged.set(`${kind}#${id}`, { kind, id, counts: {} });
  }
  return rank([...merged.values()].map(({ kind, id, counts }) => {
    const { score, points } = scoreOf(indicators, counts);
    const departmentIds = kind === 'department' ? undefined : listed[kind].get(id);
    return { kind, id, ...(departmentIds ? { departmentIds: [...departmentIds] } : {}), ranked: score !== undefined, ...(score !== undefined ? { score } : {}), points };
  }));
}

/** The public summary's bands, on staff scores. */
export const bands = [['90-100', 90], ['80-89', 80], ['70-79', 70], ['60-69', 60], ['0-59', 0]] as const;
export const bandOf = (score: number) => bands.find(([, min]) => score >= min)![0];
