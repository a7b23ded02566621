/** The event of a case change (the outbox item and the timeline entry): what changed, never personal data. */
import type { CaseRecord, Transition } from './lifecycle.ts';
import type { CaseEvent } from './store.ts';

/** The event of a recount on a changed calendar (recount.ts): not a lifecycle transition, the state stays. */
export const DEADLINES_RECOMPUTED = 'DeadlinesRecomputed';

export function caseEvent(next: CaseRecord, action: string, detailType: string, actor: CaseEvent['actor'], now: string, extra: { fromState?: CaseRecord['state']; clockEffect?: Transition['clock']; details: Record<string, unknown> }): CaseEvent {
  return {
    source: 'onestop.cases',
    detailType,
    centerId: next.centerId,
    occurredAt: now,
    actor,
    subject: { type: 'case', id: next.caseNo },
    data: {
      caseNo: next.caseNo,
      action,
      ...(extra.fromState ? { fromState: extra.fromState } : {}),
      toState: next.state,
      ...(extra.clockEffect ? { clockEffect: extra.clockEffect } : {}),
      deadlines: next.deadlines,
      itemCode: next.item.code,
      itemName: next.item.name,
      departmentId: next.item.departmentId,
      jointDepartments: next.item.jointDepartments,
      serviceMode: next.item.serviceMode,
      applicantId: next.applicant.applicantId,
      caseVersion: next.version,
      details: extra.details,
    },
  };
}

