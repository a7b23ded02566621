/**
 * The events applicants (and callers a clerk booked for, holders of a
 * certificate to renew, complainants) get a message of, by
 * the domain that emits them, named once: the rule's event pattern
 * (infra/stacks/notifications.ts) and the consumer's own check read it. Apart
 * from subscriptions.ts (the staff notices'), so that neither function bundles
 * the other's templates and schemas.
 */
import { confirmedAppointmentEvents } from '#schemas/events/appointments';
import { CERTIFICATE_RENEWAL_DUE } from '#schemas/events/documents';
import { complainantNoticeTypes } from './complaint-notices.ts';
import { notifiedEventTypes } from './templates.ts';

export const applicantNoticeSources: Readonly<Record<string, readonly string[]>> = {
  'onestop.cases': notifiedEventTypes,
  'onestop.queue': confirmedAppointmentEvents,
  'onestop.documents': [CERTIFICATE_RENEWAL_DUE],
  'onestop.complaints': complainantNoticeTypes,
};

/** The rule's pattern takes any pairing of the two lists; the consumer checks the pair. */
export const applicantNoticeTrigger = {
  sources: Object.keys(applicantNoticeSources),
  detailTypes: Object.values(applicantNoticeSources).flat(),
};
