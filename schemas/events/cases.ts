/**
 * Events of the cases domain (source `onestop.cases`): one per lifecycle
 * transition, named by the transition table (functions/cases/lifecycle.ts),
 * plus CaseSubmitted at intake. They share one data shape: what changed, the
 * clock effect and the deadlines after it. No personal data: the applicant is
 * named by id only. No query code: an acceptance and a reissue
 * (QueryCodeReissued, not a transition: the state stays) name its generation
 * (`details.queryCodeGeneration`), from which the receipt's issuer and the
 * notification consumer derive the code.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { ApplicantId } from '../api/applicants.ts';
import { CaseNo, CaseState, ClockEffect, Deadlines } from '../api/cases.ts';
import { DepartmentId, ItemCode, ServiceMode } from '../api/catalog.ts';
import { ThresholdReached, type CardLevel, type ClockKind } from '../api/supervision.ts';
import { envelope } from './envelope.ts';

export const CaseEventData = Type.Object(
  {
    caseNo: CaseNo,
    action: Type.String({ description: 'The lifecycle action, or `submit` for intake' }),
    fromState: Type.Optional(CaseState),
    toState: CaseState,
    clockEffect: Type.Optional(ClockEffect),
    deadlines: Deadlines,
    itemCode: ItemCode,
    itemName: Type.String(),
    departmentId: DepartmentId,
    jointDepartments: Type.Array(DepartmentId),
    serviceMode: ServiceMode,
    applicantId: ApplicantId,
    caseVersion: Type.Integer({ minimum: 1 }),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input (reasons, notice items, opinion…) and what it set' }),
  },
  { additionalProperties: false },
);
export type CaseEventData = Static<typeof CaseEventData>;

export const caseEventSchema = envelope(CaseEventData);

/**
 * The clock thresholds the case watcher publishes (functions/cases/watch.ts),
 * by clock and level: supervision cards them, staff notices tell the department.
 */
export const thresholdEventTypes = {
  case: { warning: 'CaseDueSoon', yellow: 'CasePromisedLimitPassed', red: 'CaseStatutoryLimitPassed' },
  special_procedure: { warning: 'SpecialProcedureDueSoon', yellow: 'SpecialProcedureOverdue', red: 'SpecialProcedureOverdue' },
  pre_review: { warning: 'PreReviewOverdue', yellow: 'PreReviewOverdue', red: 'PreReviewOverdue' },
  notice: { warning: 'SupplementNoticeDue' },
  delivery: { yellow: 'DeliveryOverdue' },
} as const satisfies Partial<Record<ClockKind, Partial<Record<CardLevel, string>>>>;

/** A published threshold the clock no longer reaches: its limit moved later (a recount on the official calendar). */
export const THRESHOLD_WITHDRAWN = 'ThresholdWithdrawn';

/** The events of a threshold reached. */
export const reachedDetailTypes: readonly string[] = [...new Set(Object.values(thresholdEventTypes).flatMap((levels) => Object.values(levels)))];
/** Every event of the watcher (one data shape). */
export const thresholdDetailTypes: readonly string[] = [...reachedDetailTypes, THRESHOLD_WITHDRAWN];

export const thresholdEventSchema = envelope(ThresholdReached);
