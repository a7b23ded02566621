/**
 * The queue's events as drafts for the outbox: a ticket's number, category
 * and day and the center's waiting counts on every one (schemas/events/queue.ts).
 */
import type { Actor } from '#schemas/events/envelope';
import type { QueueEventData, QueueEventType } from '#schemas/events/queue';
import type { EventDraft } from '#shared/events';
import type { TicketRecord } from './lifecycle.ts';

export type WaitingCounts = QueueEventData['TicketIssued']['waiting'];

type Specific<T extends QueueEventType> = Omit<QueueEventData[T], 'ticketId' | 'ticketNo' | 'categoryCode' | 'date' | 'waiting'>;

export function ticketEvent<T extends Exclude<QueueEventType, 'QueueCategoryChanged'>>(
  type: T, t: TicketRecord, data: Specific<T>, waiting: WaitingCounts, actor: Actor, occurredAt: string,
): EventDraft<QueueEventData[T]> {
  return {
    source: 'onestop.queue',
    detailType: type,
    centerId: t.centerId,
    occurredAt,
    actor,
    subject: { type: 'ticket', id: t.ticketId },
    data: { ticketId: t.ticketId, ticketNo: t.ticketNo, categoryCode: t.categoryCode, date: t.date, waiting, ...data } as QueueEventData[T],
  };
}
