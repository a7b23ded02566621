/**
 * The events the supervision domain consumes, named once: the rule's event
 * pattern (infra/stacks/supervision.ts) and the consumer's own check
 * (consumer.ts) both read it. Delivery thresholds have no row in the card
 * table: the rule does not take them. A withdrawn threshold cancels its card.
 */
import { complaintThresholdDetailTypes } from '#schemas/events/complaints';
import { CERTIFICATE_NOT_ISSUED } from '#schemas/events/documents';
import { THRESHOLD_WITHDRAWN, thresholdEventTypes } from '#schemas/events/threshold-types';

/** The carded thresholds by the domain that owns the clock; all have the one data shape (ThresholdReached). */
const thresholdsBySource: Readonly<Record<string, readonly string[]>> = {
  'onestop.cases': [...new Set([thresholdEventTypes.case, thresholdEventTypes.special_procedure, thresholdEventTypes.pre_review].flatMap((l) => Object.values(l))), THRESHOLD_WITHDRAWN],
  'onestop.documents': [CERTIFICATE_NOT_ISSUED],
  'onestop.complaints': complaintThresholdDetailTypes,
};

export const thresholdTrigger = {
  sources: Object.keys(thresholdsBySource),
  detailTypes: Object.values(thresholdsBySource).flat(),
  /** Whether an event is one of them: its detail-type from its own source (the rule's pattern takes any pairing of the two lists). */
  accepts: (source: string, detailType: string) => thresholdsBySource[source]?.includes(detailType) ?? false,
};

/** A closed case counts in the timeliness figures (按时办结率). */
export const completionTrigger = { source: 'onestop.cases', detailType: 'CaseCompleted' } as const;
