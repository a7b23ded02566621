/**
 * The events the supervision domain consumes, named once: the rule's event
 * pattern (infra/stacks/supervision.ts) and the consumer's own check
 * (consumer.ts) both read it. Delivery thresholds have no row in the card
 * table: the rule does not take them. A withdrawn threshold cancels its card.
 */
import { THRESHOLD_WITHDRAWN, thresholdEventTypes } from '#schemas/events/cases';

export const thresholdTrigger = {
  source: 'onestop.cases',
  detailTypes: [...new Set([thresholdEventTypes.case, thresholdEventTypes.special_procedure, thresholdEventTypes.pre_review].flatMap((l) => Object.values(l))), THRESHOLD_WITHDRAWN],
} as const;

/** A closed case counts in the timeliness figures (按时办结率). */
export const completionTrigger = { source: 'onestop.cases', detailType: 'CaseCompleted' } as const;
