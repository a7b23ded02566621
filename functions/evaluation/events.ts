/**
 * The events of an evaluation (the outbox items and the evaluation's history):
 * a change — what changed, the rater by id only, what it adds to the figures —
 * or a task's threshold reached.
 */
import { taskThresholdEventTypes, type EvaluationEventData, type TaskThresholdReached } from '#schemas/events/evaluation';
import type { TaskThreshold } from '#shared/clock-rules';
import type { EventDraft } from '#shared/events';
import type { EvaluationRecord } from './lifecycle.ts';
import type { CountChange } from './rules.ts';

export type EvaluationEvent = EventDraft<EvaluationEventData>;
export type TaskThresholdEvent = EventDraft<TaskThresholdReached>;

/** A bad review's task reached a threshold (the watcher, as the system); no personal data. */
export function taskThresholdEvent(e: EvaluationRecord, t: TaskThreshold, now: string): TaskThresholdEvent {
  return {
    source: 'onestop.evaluation',
    detailType: taskThresholdEventTypes[t.clock][t.level],
    centerId: e.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'evaluation', id: e.evaluationId },
    data: {
      evaluationId: e.evaluationId,
      type: e.type,
      departmentId: e.departmentId,
      ...(e.caseNo ? { caseNo: e.caseNo } : {}),
      ...(e.windowId ? { windowId: e.windowId } : {}),
      clock: t.clock,
      level: t.level,
      thresholdAt: t.at,
      due: t.due,
    },
  };
}

export function evaluationEvent(
  next: EvaluationRecord,
  action: string,
  detailType: string,
  actor: EvaluationEvent['actor'],
  now: string,
  extra: { fromState?: EvaluationRecord['state']; details: Record<string, unknown>; counts?: CountChange },
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
      ...(next.applicantId ? { applicantId: next.applicantId } : {}),
      evaluationVersion: next.version,
      ...(next.rateBy ? { rateBy: next.rateBy } : {}),
      ...(next.rating
        ? { rating: next.rating.rating, indicators: next.rating.indicators, proactive: next.rating.proactive, badReview: next.rating.rating <= 2 }
        : {}),
      ...(next.tasks?.callBack.due ? { callBackDue: next.tasks.callBack.due } : {}),
      ...(next.tasks?.rectification.due ? { rectificationDue: next.tasks.rectification.due } : {}),
      details: extra.details,
      ...(extra.counts ? { counts: extra.counts } : {}),
    },
  };
}
