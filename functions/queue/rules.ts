/**
 * The queue's pure rules: the order tickets are called in, how they are
 * numbered, how many wait ahead, the estimated wait, and the day's figures.
 * No I/O here: the store reads, these decide.
 */
import { createHash, randomInt } from 'node:crypto';
import type { BoardWindow, CategoryFigures, DayFigures, Priority, WindowFigures } from '#schemas/api/queue';
import { localDate, workCalendar } from '#shared/calendar';
import { secretsEqual } from '#shared/secrets';
import type { TicketRecord } from './lifecycle.ts';

/** Appointments first, then 绿色通道, then everyone else; within a rank, by arrival. */
const rank: Readonly<Record<Priority, number>> = { appointment: 0, green: 1, normal: 2 };
export const rankOf = (p: Priority) => rank[p];

/** What the calling order needs of a waiting ticket. */
export interface WaitingEntry {
  readonly ticketId: string;
  readonly categoryCode: string;
  readonly priority: Priority;
  readonly takenAt: string;
  readonly version: number;
  /** Transferred to one window: only that window calls it. */
  readonly targetWindowId?: string;
}

/** The calling order: priority, then arrival, then the ticket id (two at the same millisecond). */
export function callingOrder(a: Pick<WaitingEntry, 'priority' | 'takenAt' | 'ticketId'>, b: Pick<WaitingEntry, 'priority' | 'takenAt' | 'ticketId'>): number {
  return rankOf(a.priority) - rankOf(b.priority) || a.takenAt.localeCompare(b.takenAt) || a.ticketId.localeCompare(b.ticketId);
}

/**
 * The tickets a window may call, in the order it calls them: those of the
 * categories it serves, and those transferred to it; a ticket transferred to
 * another window is that window's alone.
 */
export function callableAt<T extends WaitingEntry>(windowId: string, servedCategories: ReadonlySet<string>, waiting: readonly T[]): T[] {
  return waiting
    .filter((t) => (t.targetWindowId ? t.targetWindowId === windowId : servedCategories.has(t.categoryCode)))
    .sort(callingOrder);
}

/** The tickets of the same category that are called before `mine`. */
export const aheadOf = (mine: Pick<WaitingEntry, 'categoryCode' | 'priority' | 'takenAt' | 'ticketId'>, waiting: readonly WaitingEntry[]) =>
  waiting.filter((t) => t.ticketId !== mine.ticketId && t.categoryCode === mine.categoryCode && callingOrder(t, mine) < 0).length;

/** The n-th ticket of a category's day: A001 … A999, then A1000. */
export const ticketNoOf = (categoryCode: string, n: number) => `${categoryCode}${String(n).padStart(3, '0')}`;

/** The 6-digit code printed on the slip. */
export const newTicketCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** What is kept of the code: its hash, bound to the ticket (a code alone proves nothing). */
export const codeHashOf = (ticketId: string, code: string) => createHash('sha256').update(`${ticketId}:${code}`).digest('base64url');

/**
 * Whether the slip's ticket id and code are those of `codeHash`, compared in
 * constant time; with no hash (nothing to prove) it takes as long and says no.
 */
export const slipMatches = (codeHash: string | undefined, ticketId: string, code: string): boolean => secretsEqual(codeHashOf(ticketId, code), codeHash);

/** The waiting count of every category, after a change: known categories first (zero included), in code order. */
export function waitingCounts(categoryCodes: readonly string[], waiting: readonly Pick<WaitingEntry, 'categoryCode'>[]): { categoryCode: string; count: number }[] {
  const counts = new Map<string, number>(categoryCodes.map((c) => [c, 0]));
  for (const t of waiting) counts.set(t.categoryCode, (counts.get(t.categoryCode) ?? 0) + 1);
  return [...counts].map(([categoryCode, count]) => ({ categoryCode, count })).sort((a, b) => a.categoryCode.localeCompare(b.categoryCode));
}

/** Nearest-rank percentile (p in 0–100) of whole seconds; undefined without a sample. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Median service time of the category's ended services today × the tickets
 * ahead ÷ the windows that call the category; null before the day's first
 * ended service (no guess is better than a wrong one).
 */
export function estimatedWaitSeconds(serviceSeconds: readonly number[], ahead: number, windows: number): number | null {
  const median = percentile(serviceSeconds, 50);
  if (median === undefined) return null;
  return Math.round((median * ahead) / Math.max(1, windows));
}

/** Whole seconds from one instant to a later one. */
export const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
const spread = (values: number[]) => (values.length ? { p50: percentile(values, 50)!, p90: percentile(values, 90)! } : null);

/** The ticket's wait: from taking to its first call. */
const waitOf = (t: TicketRecord) => (t.firstCalledAt ? [seconds(t.takenAt, t.firstCalledAt)] : []);
const serviceOf = (t: TicketRecord) => (t.status === 'ended' && t.startedAt && t.endedAt ? [seconds(t.startedAt, t.endedAt)] : []);

/**
 * The day's figures from its tickets: per category (the one a ticket waits or
 * waited in last) taken, served, waiting, missed and the wait and service
 * percentiles; per window (the last that called a ticket) the same, with called.
 */
export function dayFigures(centerId: string, date: string, tickets: readonly TicketRecord[]): DayFigures {
  const group = <K extends string>(key: (t: TicketRecord) => K | undefined) => {
    const by = new Map<K, TicketRecord[]>();
    for (const t of tickets) {
      const k = key(t);
      if (k !== undefined) by.set(k, [...(by.get(k) ?? []), t]);
    }
    return [...by].sort(([a], [b]) => a.localeCompare(b));
  };
  const counts = (ts: TicketRecord[]) => ({
    served: ts.filter((t) => t.status === 'ended').length,
    missed: ts.filter((t) => t.status === 'missed').length,
    waitSeconds: spread(ts.flatMap(waitOf)),
    serviceSeconds: spread(ts.flatMap(serviceOf)),
  });
  const categories: CategoryFigures[] = group((t) => t.categoryCode).map(([code, ts]) => ({
    code, taken: ts.length, waiting: ts.filter((t) => t.status === 'waiting').length, ...counts(ts),
  }));
  const windows: WindowFigures[] = group((t) => t.windowId).map(([windowId, ts]) => ({ windowId, called: ts.length, ...counts(ts) }));
  return { centerId, date, categories, windows };
}

/** The windows that call any of the categories, by id. */
export const windowsOf = (categories: readonly { readonly windowIds: readonly string[] }[]) => [...new Set(categories.flatMap((c) => c.windowIds))].sort();

/**
 * What each window shows on the board: the ticket it called last among those
 * still called or served there (`calling`, `serving`), else `idle`. A clerk may
 * call the next before ending the last: the latest call is the one shown.
 */
export function windowStates(windowIds: readonly string[], names: ReadonlyMap<string, string>, atWindows: readonly Pick<TicketRecord, 'windowId' | 'windowName' | 'status' | 'ticketNo' | 'calledAt'>[]): BoardWindow[] {
  return windowIds.map((windowId) => {
    const latest = atWindows
      .filter((t) => t.windowId === windowId && (t.status === 'called' || t.status === 'serving'))
      .reduce<(typeof atWindows)[number] | undefined>((a, t) => (!a || (t.calledAt ?? '') > (a.calledAt ?? '') ? t : a), undefined);
    const windowName = latest?.windowName ?? names.get(windowId) ?? windowId;
    if (!latest) return { windowId, windowName, state: 'idle' };
    return { windowId, windowName, state: latest.status === 'serving' ? 'serving' : 'calling', ticketNo: latest.ticketNo };
  });
}

/** The calendar date of an instant in the center's time zone: the day a ticket belongs to. */
export const dayIn = (timeZone: string, instant: string) => localDate(workCalendar([], timeZone), instant);
