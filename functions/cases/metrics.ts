/**
 * The cases domain's business metrics (EMF, shared/metrics.ts), read from the
 * event of a transition once its write has succeeded (store.transition):
 *  - an acceptance (受理: by a clerk, with a pledge, or deemed by the
 *    sweeper) is the transition that starts the clock;
 *  - a decision (准予 / 不予许可) is the one that enters `approved` or
 *    `denied`, its outcome. 不予受理 (refused) is an intake answer, not one.
 * That write is conditional on the case's version, so a transition is never
 * written, nor counted, twice; an HTTP retry with its Idempotency-Key replays
 * the recorded answer without writing. A process that dies between the write
 * and the metric line loses one point: a count can fall short, never double.
 *
 * By center only: a department dimension would bill one custom metric per
 * department and outcome (~$0.30 a month each, some 9 000 across a province);
 * per-department figures are the supervision domain's (GET /supervision/figures).
 */
import { metricDimensions as d, metricNames, putMetric } from '#shared/metrics';
import type { CaseEventData } from '#schemas/events/cases';
import type { EventDraft } from '#shared/events';

/** The outcomes of a decision: the states it enters (the dashboard draws one line each). */
export const decisionOutcomes: readonly string[] = ['approved', 'denied'];

/** Counts the transition whose event this is, if it accepts or decides a case. */
export function countTransition({ centerId, data }: EventDraft<CaseEventData>): void {
  const where = { [d.center]: centerId };
  if (data.clockEffect === 'start') putMetric(metricNames.casesAccepted, 1, 'Count', where);
  if (decisionOutcomes.includes(data.toState) && data.fromState !== data.toState) {
    putMetric(metricNames.casesDecided, 1, 'Count', { ...where, [d.outcome]: data.toState });
  }
}
