/**
 * The event types of the clock thresholds (source `onestop.cases`), apart from
 * their schemas (events/cases.ts): a module that routes or names them builds no
 * schema.
 */
import type { CardLevel, ClockKind } from '../api/supervision.ts';

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
