/**
 * The monthly queue counters for appraisal (考核), as pure rules: what an
 * event of the queue adds, to which rows, and the figures a month's rows
 * answer. Each fact is counted on the rows its event names:
 *
 *   TicketIssued       taken                               center, category
 *   TicketCalled       wait (first call only: waitSeconds)  center, category, window, staff
 *   TicketMissed       missed                              center, category, window, staff
 *   TicketTransferred  transferred                         center, category and window it left, staff
 *   VisitEnded         served, service (start → end)        center, category, window, staff, departments served
 *
 * The departments served are those of the items served, else the window's
 * first (as the visit's evaluation). The month is that of the ticket's day.
 */
import type { QueueCounts, QueueMonthFigures } from '#schemas/api/queue';
import type { QueueEventData } from '#schemas/events/queue';
import { seconds } from '../rules.ts';
import type { CountedEventType } from './subscriptions.ts';

export const counterNames = ['taken', 'served', 'missed', 'transferred', 'waitSum', 'waitCount', 'serviceSum', 'serviceCount'] as const;
export type Counters = Record<(typeof counterNames)[number], number>;

export type Dimension = 'center' | 'category' | 'window' | 'staff' | 'department';
export interface CountChange {
  /** YYYY-MM of the ticket's day. */
  readonly month: string;
  readonly delta: Partial<Counters>;
  /** The rows the delta is added to (the center's row is always one). */
  readonly rows: readonly { readonly dimension: Dimension; readonly id: string }[];
}

/** What an event of the queue needs to be counted: its type, data and the clerk who acted. */
export type CountedEvent = {
  [T in CountedEventType]: { readonly type: T; readonly centerId: string; readonly actorId: string; readonly data: QueueEventData[T] };
}[CountedEventType];

/**
 * The change an event makes, or undefined when it counts nothing (a recall,
 * a call after a transfer). `departmentsServed`: the departments of a
 * visit's items, read by the caller (none: the window's first counts).
 */
export function countChangeOf(e: CountedEvent, departmentsServed: readonly string[] = []): CountChange | undefined {
  const month = e.data.date.slice(0, 7);
  const center = { dimension: 'center', id: e.centerId } as const;
  const category = { dimension: 'category', id: e.data.categoryCode } as const;
  const staff = { dimension: 'staff', id: e.actorId } as const;
  switch (e.type) {
    case 'TicketIssued':
      return { month, delta: { taken: 1 }, rows: [center, category] };
    case 'TicketCalled':
      if (e.data.waitSeconds === undefined) return undefined;
      return { month, delta: { waitSum: e.data.waitSeconds, waitCount: 1 }, rows: [center, category, { dimension: 'window', id: e.data.windowId }, staff] };
    case 'TicketMissed':
      return { month, delta: { missed: 1 }, rows: [center, category, { dimension: 'window', id: e.data.windowId }, staff] };
    case 'TicketTransferred':
      return { month, delta: { transferred: 1 }, rows: [center, { dimension: 'category', id: e.data.fromCategoryCode }, { dimension: 'window', id: e.data.fromWindowId }, staff] };
    case 'VisitEnded': {
      const departments = departmentsServed.length ? [...new Set(departmentsServed)] : e.data.departmentIds.slice(0, 1);
      return {
        month,
        delta: { served: 1, serviceSum: seconds(e.data.startedAt, e.data.endedAt), serviceCount: 1 },
        rows: [center, category, { dimension: 'window', id: e.data.windowId }, { dimension: 'staff', id: e.data.staffId }, ...departments.map((id) => ({ dimension: 'department', id }) as const)],
      };
    }
  }
}

const spread = (sum: number, count: number) => ({ sum, count, mean: count ? Math.round(sum / count) : null });

/** A row's counters as the API answers them: sums, counts and means (no percentiles: counters cannot give them). */
export function countsOf(c: Partial<Counters>): QueueCounts {
  const n = (k: keyof Counters) => c[k] ?? 0;
  return { taken: n('taken'), served: n('served'), missed: n('missed'), transferred: n('transferred'), waitSeconds: spread(n('waitSum'), n('waitCount')), serviceSeconds: spread(n('serviceSum'), n('serviceCount')) };
}

export interface CounterRow {
  readonly dimension: Dimension;
  readonly id: string;
  readonly counters: Partial<Counters>;
}

/** The month's figures from its rows: the whole center's, or one department's row alone. */
export function monthFigures(centerId: string, month: string, rows: readonly CounterRow[], departmentId?: string): QueueMonthFigures {
  const of = (d: Dimension) => rows.filter((r) => r.dimension === d && (!departmentId || d === 'department')).sort((a, b) => a.id.localeCompare(b.id));
  const center = rows.find((r) => r.dimension === 'center');
  return {
    centerId,
    month,
    ...(departmentId ? {} : { center: countsOf(center?.counters ?? {}) }),
    categories: of('category').map((r) => ({ categoryCode: r.id, counts: countsOf(r.counters) })),
    windows: of('window').map((r) => ({ windowId: r.id, counts: countsOf(r.counters) })),
    staff: of('staff').map((r) => ({ staffId: r.id, counts: countsOf(r.counters) })),
    departments: of('department').filter((r) => !departmentId || r.id === departmentId).map((r) => ({ departmentId: r.id, counts: countsOf(r.counters) })),
  };
}
