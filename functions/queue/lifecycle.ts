/**
 * A ticket's life (取号 → 叫号 → 办理 → 结束), as a table: from which states each
 * action of a window may be taken, where it leads and the event it publishes.
 *
 *   waiting → called (call) → serving (start) → ended (end)
 *   called → called (recall, until the category's calls before missed) | missed (skip)
 *   called | serving → waiting (transfer: another category or window; priority and arrival kept)
 */
import type { Priority, TicketSource, TicketStatus } from '#schemas/api/queue';
import { DEFAULT_CALLS_BEFORE_MISSED } from '#schemas/api/queue-defaults';
import { msg } from '#schemas/api/problems';
import type { QueueEventType } from '#schemas/events/queue';
import { problem, wrongState } from '#shared/errors';
import { queueProblems } from './problems.ts';

export interface TicketRecord {
  readonly ticketId: string;
  readonly ticketNo: string;
  readonly centerId: string;
  readonly date: string;
  /** The category it waits (or waited) in: a transfer may change it. */
  readonly categoryCode: string;
  readonly priority: Priority;
  readonly source: TicketSource;
  readonly takenAt: string;
  readonly codeHash: string;
  readonly status: TicketStatus;
  /** Calls at the current window: 1 on the first call, 2 on the first recall… */
  readonly calls: number;
  readonly version: number;
  readonly applicantId?: string;
  readonly appointmentId?: string;
  /** The window that called it (while called or serving, and after). */
  readonly windowId?: string;
  readonly windowName?: string;
  readonly staffId?: string;
  /** Transferred to one window: only that window calls it. */
  readonly targetWindowId?: string;
  readonly transferredTo?: { readonly categoryCode?: string; readonly windowId?: string };
  readonly firstCalledAt?: string;
  readonly calledAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly missedAt?: string;
  readonly visitId?: string;
}

export type WindowAction = 'call' | 'recall' | 'skip' | 'transfer' | 'start' | 'end';

export const ticketTransitions: Readonly<Record<WindowAction, { readonly from: readonly TicketStatus[]; readonly to: TicketStatus; readonly event: QueueEventType }>> = {
  call: { from: ['waiting'], to: 'called', event: 'TicketCalled' },
  recall: { from: ['called'], to: 'called', event: 'TicketRecalled' },
  skip: { from: ['called'], to: 'missed', event: 'TicketMissed' },
  transfer: { from: ['called', 'serving'], to: 'waiting', event: 'TicketTransferred' },
  start: { from: ['called'], to: 'serving', event: 'ServiceStarted' },
  end: { from: ['serving'], to: 'ended', event: 'VisitEnded' },
};

export interface AtWindow {
  readonly windowId: string;
  readonly windowName: string;
  readonly staffId: string;
  readonly now: string;
  /** The calls the ticket's category gives (`callsBeforeMissed`): then it can only be skipped (过号). */
  readonly callsBeforeMissed?: number;
  /** For `transfer`: where to (checked by the caller against the center's categories and windows). */
  readonly transfer?: { readonly categoryCode?: string; readonly windowId?: string };
  /** For `end`: the visit's id. */
  readonly visitId?: string;
}

/**
 * The ticket after `action` at a window, or the refusal: a state the action
 * does not start from, a ticket called to another window, a recall past the
 * category's calls before missed.
 */
export function actOn(t: TicketRecord, action: WindowAction, at: AtWindow): TicketRecord {
  const rule = ticketTransitions[action];
  if (!rule.from.includes(t.status)) {
    throw wrongState(msg(`${t.ticketNo} 当前为 ${t.status}，不能 ${action}。`, `Ticket ${t.ticketNo} is ${t.status}: ${action} is not possible.`));
  }
  if (action !== 'call' && t.windowId !== at.windowId) {
    throw wrongState(msg(`${t.ticketNo} 不在本窗口办理。`, `Ticket ${t.ticketNo} was called to another window.`));
  }
  const base = { ...t, status: rule.to, version: t.version + 1 };
  switch (action) {
    case 'call': {
      const { targetWindowId: _t, ...rest } = base;
      return { ...rest, calls: 1, windowId: at.windowId, windowName: at.windowName, staffId: at.staffId, calledAt: at.now, firstCalledAt: t.firstCalledAt ?? at.now };
    }
    case 'recall': {
      if (t.calls >= (at.callsBeforeMissed ?? DEFAULT_CALLS_BEFORE_MISSED)) {
        throw problem(queueProblems['calls-used-up'], msg(`${t.ticketNo} 已呼叫 ${t.calls} 次，请过号。`, `Ticket ${t.ticketNo} was called ${t.calls} times: skip it.`));
      }
      return { ...base, calls: t.calls + 1, calledAt: at.now };
    }
    case 'skip':
      return { ...base, missedAt: at.now };
    case 'start':
      return { ...base, startedAt: at.now, staffId: at.staffId };
    case 'end':
      return { ...base, endedAt: at.now, ...(at.visitId ? { visitId: at.visitId } : {}) };
    case 'transfer': {
      const to = at.transfer ?? {};
      const { windowId: _w, windowName: _n, startedAt: _s, calledAt: _c, targetWindowId: _t, ...rest } = base;
      return {
        ...rest,
        calls: 0,
        categoryCode: to.categoryCode ?? t.categoryCode,
        ...(to.windowId ? { targetWindowId: to.windowId } : {}),
        transferredTo: to,
      };
    }
  }
}
