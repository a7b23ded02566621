/**
 * What the hall's displays are told, from the queue events (pure): a call or
 * recall shows its ticket at its window; an event that changes what a window
 * is doing tells its new state (calling, serving, idle); every ticket event
 * carries the center's waiting counts after the change. Messages are built
 * field by field from the event, so nothing else an event may carry ever
 * reaches a screen. A window terminal (connected with its windowId) hears
 * its own window's calls and state only; a hall display hears them all.
 */
import type { CalledMessage, HallMessage, WaitingMessage, WindowMessage } from '#schemas/api/hall';
import type { WindowState } from '#schemas/api/queue';
import type { QueueEventData } from '#schemas/events/queue';

/** The queue events the push consumer takes (the rule's pattern and the consumer's own check). */
export const hallTrigger = {
  source: 'onestop.queue',
  detailTypes: ['TicketIssued', 'TicketCalled', 'TicketRecalled', 'TicketMissed', 'TicketTransferred', 'ServiceStarted', 'VisitEnded'],
} as const;

export type HallEventType = (typeof hallTrigger.detailTypes)[number];

export const isHallEvent = (source: string, detailType: string): detailType is HallEventType =>
  source === hallTrigger.source && (hallTrigger.detailTypes as readonly string[]).includes(detailType);

/** A queue event the hall shows, as its detail-type's schema (schemas/events/queue.ts) checked it. */
export type HallEvent = { [T in HallEventType]: { detailType: T; data: QueueEventData[T] } }[HallEventType];

/** A connected display or terminal, as the push reads it. */
export interface Display {
  readonly connectionId: string;
  readonly windowId?: string;
}

/** The window an event changes, its name, its state after it and since when. */
export interface WindowChange {
  readonly windowId: string;
  readonly windowName: string;
  readonly state: WindowState;
  readonly ticketNo?: string;
  readonly since: string;
}

/**
 * A call or recall: the window is calling that ticket; a start: serving it; an end, a miss
 * or a transfer away: idle. A ticket taken changes no window.
 */
export function windowChangeOf(event: HallEvent): WindowChange | undefined {
  switch (event.detailType) {
    case 'TicketCalled':
    case 'TicketRecalled': {
      const { windowId, windowName, ticketNo, calledAt } = event.data;
      return { windowId, windowName, state: 'calling', ticketNo, since: calledAt };
    }
    case 'ServiceStarted':
      return { windowId: event.data.windowId, windowName: event.data.windowName, state: 'serving', ticketNo: event.data.ticketNo, since: event.data.startedAt };
    case 'VisitEnded':
      return { windowId: event.data.windowId, windowName: event.data.windowName, state: 'idle', since: event.data.endedAt };
    case 'TicketMissed':
      return { windowId: event.data.windowId, windowName: event.data.windowName, state: 'idle', since: event.data.missedAt };
    case 'TicketTransferred':
      return { windowId: event.data.fromWindowId, windowName: event.data.fromWindowName, state: 'idle', since: event.data.transferredAt };
    case 'TicketIssued':
      return undefined;
  }
}

/**
 * The messages of one event, in the order a screen shows them: the call, the window's state,
 * then the counts.
 */
export function messagesOf(event: HallEvent): HallMessage[] {
  const messages: HallMessage[] = [];
  if (event.detailType === 'TicketCalled' || event.detailType === 'TicketRecalled') {
    const { ticketNo, windowId, windowName: name, calledAt, calls } = event.data;
    const called: CalledMessage = { type: 'called', ticketNo, windowId, windowName: name, calledAt, calls };
    messages.push(called);
  }
  const change = windowChangeOf(event);
  if (change) {
    const { windowId, windowName, state, ticketNo, since } = change;
    const window: WindowMessage = { type: 'window', windowId, windowName, state, ...(ticketNo ? { ticketNo } : {}), since };
    messages.push(window);
  }
  const waiting: WaitingMessage = { type: 'waiting', waiting: event.data.waiting.map(({ categoryCode, count }) => ({ categoryCode, count })) };
  messages.push(waiting);
  return messages;
}

/** Whether a display is told a message: a window terminal only its own window's calls and state. */
export const hears = (display: Display, message: HallMessage) =>
  display.windowId === undefined || (message.type !== 'called' && message.type !== 'window') || display.windowId === message.windowId;
