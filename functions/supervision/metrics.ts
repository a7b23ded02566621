/**
 * The supervision domain's business metrics (EMF, shared/metrics.ts), counted
 * once a card's write has succeeded (store.issueCard: the threshold consumer
 * and the order watcher): a card issued (亮牌) by level, and a case overdue
 * (超期) when the card is the case clock's red one (past the statutory limit).
 * A card's key is its clock and level, so a redelivered threshold or a rerun
 * watch finds it issued and counts nothing; a process that
 * dies between the write and the metric line loses one point: a count can
 * fall short, never double. A card cancelled later (its threshold withdrawn)
 * stays counted: these count what happened, the monthly figures what stands.
 */
import { metricDimensions as d, metricNames, putMetric } from '#shared/metrics';
import type { CardRecord } from './cards.ts';

export function countIssuedCard(card: Pick<CardRecord, 'centerId' | 'clockKind' | 'level'>): void {
  putMetric(metricNames.cardsIssued, 1, 'Count', { [d.center]: card.centerId, [d.level]: card.level });
  if (card.clockKind === 'case' && card.level === 'red') {
    putMetric(metricNames.casesOverdue, 1, 'Count', { [d.center]: card.centerId });
  }
}
