/**
 * The monthly figures (好差评统计) from a month's counter rows, and the window
 * ranking (窗口排名) they publish. Pure.
 */
import type { Figures } from '#schemas/api/evaluation';
import type { CounterName, Counters } from './rules.ts';

/** Rates to four decimals; absent when nothing was counted. */
export function figuresOf(c: Partial<Counters>): Figures {
  const n = (k: CounterName) => c[k] ?? 0;
  const total = n('total');
  const rate = (x: number) => Math.round((x / total) * 10_000) / 10_000;
  return {
    total,
    proactive: n('proactive'),
    good: n('good'),
    bad: n('bad'),
    proactiveGood: n('proactiveGood'),
    defaulted: n('defaulted'),
    excluded: n('excluded'),
    byRating: { 1: n('r1'), 2: n('r2'), 3: n('r3'), 4: n('r4'), 5: n('r5') },
    fixRated: n('fixRated'),
    fixGood: n('fixGood'),
    ...(total > 0 ? { goodRate: rate(n('good')), proactiveGoodRate: rate(n('proactiveGood')), notRatedRate: rate(n('defaulted')) } : {}),
  };
}

/**
 * The monthly window ranking (窗口排名): good-review rate, then evaluations
 * counted, then window id. A window with nothing counted (no rating, or its
 * only ones excluded on appeal) is not ranked: no rank, listed after the
 * ranked ones, never first.
 */
export function ranked<T extends { windowId: string; figures: Figures }>(rows: readonly T[]): (T & { rank?: number })[] {
  const rated = rows.filter((r) => r.figures.total > 0)
    .sort((a, b) => b.figures.goodRate! - a.figures.goodRate! || b.figures.total - a.figures.total || a.windowId.localeCompare(b.windowId));
  const notRanked = rows.filter((r) => r.figures.total === 0).sort((a, b) => a.windowId.localeCompare(b.windowId));
  return [...rated.map((r, i) => ({ ...r, rank: i + 1 })), ...notRanked];
}
