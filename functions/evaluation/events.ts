/** The event of an evaluation change (the outbox item and the evaluation's history): what changed, the rater by id only. */
import type { EvaluationEventData } from '#schemas/events/evaluation';
import type { EventDraft } from '#shared/events';
import type { EvaluationRecord } from './lifecycle.ts';

export type EvaluationEvent = EventDraft<EvaluationEventData>;

export function evaluationEvent(
  next: EvaluationRecord,
  action: string,
  detailType: string,
  actor: EvaluationEvent['actor'],
  now: string,
  extra: { fromState?: EvaluationRecord['state']; details: Record<string, unknown> },
): EvaluationEvent {
  return {
    source: 'onestop.evaluation',
    detailType,
    centerId: next.centerId,
    occurredAt: now,
    actor,
    subject: { type: 'evaluation', id: next.evaluationId },
    data: {
      evaluationId: next.evaluationId,
      type: next.type,
      indicatorSet: next.indicatorSet,
      action,
      ...(extra.fromState ? { fromState: extra.fromState } : {}),
      toState: next.state,
      departmentId: next.departmentId,
      ...(next.caseNo ? { caseNo: next.caseNo } : {}),
      ...(next.itemCode ? { itemCode: next.itemCode } : {}),
      ...(next.windowId ? { windowId: next.windowId } : {}),
      applicantId: next.applicantId,
      evaluationVersion: next.version,
      ...(next.rateBy ? { rateBy: next.rateBy } : {}),
      ...(next.rating
        ? { rating: next.rating.rating, indicators: next.rating.indicators, proactive: next.rating.proactive, badReview: next.rating.rating <= 2 }
        : {}),
      ...(next.tasks?.callBack.due ? { callBackDue: next.tasks.callBack.due } : {}),
      ...(next.tasks?.rectification.due ? { rectificationDue: next.tasks.rectification.due } : {}),
      details: extra.details,
    },
  };
}
