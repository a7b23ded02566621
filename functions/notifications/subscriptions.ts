/**
 * The clock thresholds the staff notices consume, by the domain that owns the
 * clock, named once: the rule's event pattern (infra/stacks/notifications.ts)
 * and the consumer's own check (staff-notices.ts) both read it. Each source's
 * events share one data shape.
 */
import type { TSchema } from '@sinclair/typebox';
import { thresholdEventSchema } from '#schemas/events/cases';
import { CERTIFICATE_NOT_ISSUED } from '#schemas/events/documents';
import { taskThresholdDetailTypes, taskThresholdEventSchema } from '#schemas/events/evaluation';
import { reachedDetailTypes, thresholdEventTypes } from '#schemas/events/threshold-types';

/**
 * A case's due-soon warning is listed, not mailed: the department's `due_soon`
 * queue shows the case from the warning's day on, and supervision records it
 * (decision 125). An item promised in 1–2 working days is due soon from its
 * acceptance, so mailing it would tell every case's clerk what the acceptance
 * notice just said.
 */
const listedNotMailed: readonly string[] = [thresholdEventTypes.case.warning];

export const staffNoticeSources: Readonly<Record<string, { readonly detailTypes: readonly string[]; readonly schema: TSchema }>> = {
  'onestop.cases': { detailTypes: reachedDetailTypes.filter((t) => !listedNotMailed.includes(t)), schema: thresholdEventSchema },
  'onestop.evaluation': { detailTypes: taskThresholdDetailTypes, schema: taskThresholdEventSchema },
  'onestop.documents': { detailTypes: [CERTIFICATE_NOT_ISSUED], schema: thresholdEventSchema },
};

/** The rule's pattern takes any pairing of the two lists; the consumer checks the pair. */
export const staffNoticeTrigger = {
  sources: Object.keys(staffNoticeSources),
  detailTypes: Object.values(staffNoticeSources).flatMap((s) => s.detailTypes),
};
