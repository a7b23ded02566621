/** The event of a card change (the outbox item and the case's supervision history): what changed, never personal data. */
import type { CardEventData } from '#schemas/events/supervision';
import type { EventDraft } from '#shared/events';
import type { CardRecord } from './cards.ts';

export function cardEvent(
  card: CardRecord,
  action: string,
  detailType: string,
  actor: EventDraft<CardEventData>['actor'],
  now: string,
  extra: { fromState?: CardRecord['state']; details: Record<string, unknown> },
): EventDraft<CardEventData> {
  return {
    source: 'onestop.supervision',
    detailType,
    centerId: card.centerId,
    occurredAt: now,
    actor,
    subject: { type: 'card', id: card.cardId },
    data: {
      cardId: card.cardId,
      caseNo: card.caseNo,
      departmentId: card.departmentId,
      clock: card.clock,
      clockKind: card.clockKind,
      level: card.level,
      action,
      ...(extra.fromState ? { fromState: extra.fromState } : {}),
      toState: card.state,
      thresholdAt: card.thresholdAt,
      cardVersion: card.version,
      details: extra.details,
    },
  };
}
