/**
 * The queue's own events the monthly counters are made of, named once: the
 * counting rule's pattern (infra/stacks/queue.ts) and the consumer's check
 * (counting.ts) both read them.
 */
export const countingTrigger = {
  source: 'onestop.queue',
  detailTypes: ['TicketIssued', 'TicketCalled', 'TicketMissed', 'TicketTransferred', 'VisitEnded'],
} as const;

export type CountedEventType = (typeof countingTrigger.detailTypes)[number];
