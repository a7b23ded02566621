/**
 * What the hall's displays are told, from the queue events (pure): a call or
 * recall shows its ticket at its window, and every ticket event carries the
 * center's waiting counts after the change. Messages are built field by field
 * from the event, so nothing else an event may carry ever reaches a screen.
 * A window terminal (connected with its windowId) hears the calls to its own
 * window only; a hall display hears them all.
 */
import type { CalledMessage, HallMessage, WaitingMessage } from '#schemas/api/hall';
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

/** The messages of one event, in the order a screen shows them: the call, then the counts. */
export function messagesOf(event: HallEvent): HallMessage[] {
  const waiting: WaitingMessage = { type: 'waiting', waiting: event.data.waiting.map(({ categoryCode, count }) => ({ categoryCode, count })) };
  if (event.detailType !== 'TicketCalled' && event.detailType !== 'TicketRecalled') return [waiting];
  const { ticketNo, windowId, windowName, calledAt, calls } = event.data;
  const called: CalledMessage = { type: 'called', ticketNo, windowId, windowName, calledAt, calls };
  return [called, waiting];
}

/** Whether a display is told a message: a window terminal only its own window's calls. */
export const hears = (display: Display, message: HallMessage) =>
  message.type !== 'called' || display.windowId === undefined || display.windowId === message.windowId;
