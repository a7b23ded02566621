/**
 * The schema of each event on the bus, by source and detail-type, for the
 * consumers that take events of every domain (the audit log). A detail-type
 * not listed here is checked against the envelope alone (its data unchecked):
 * a domain that adds an event adds its schema here.
 */
import type { TSchema } from '@sinclair/typebox';
import { applicantEventSchemas } from './applicants.ts';
import { appointmentEventSchemas } from './appointments.ts';
import { appraisalEventSchemas } from './appraisal.ts';
import { caseEventSchema, thresholdEventSchema } from './cases.ts';
import { catalogEventSchemas } from './catalog.ts';
import { complaintEventSchemas } from './complaints.ts';
import { documentEventSchemas } from './documents.ts';
import { AnyEvent } from './envelope.ts';
import { evaluationEventSchemas } from './evaluation.ts';
import { feeEventSchemas } from './fees.ts';
import { feeFinanceEventSchemas } from './fees-finance.ts';
import { notificationEventSchema } from './notifications.ts';
import { orgEventSchemas, staffAbsenceEventSchemas, staffRemovalEventSchemas } from './org.ts';
import { queueEventSchemas } from './queue.ts';
import { supervisionEventSchemas } from './supervision.ts';
import { thresholdDetailTypes } from './threshold-types.ts';

const bySource: Readonly<Record<string, Readonly<Record<string, TSchema>> | ((detailType: string) => TSchema)>> = {
  // One data shape for every lifecycle transition (functions/cases/lifecycle.ts), another for the clock thresholds.
  'onestop.cases': (detailType) => (thresholdDetailTypes.includes(detailType) ? thresholdEventSchema : caseEventSchema),
  'onestop.catalog': catalogEventSchemas,
  'onestop.org': { ...orgEventSchemas, ...staffRemovalEventSchemas, ...staffAbsenceEventSchemas },
  'onestop.applicants': applicantEventSchemas,
  'onestop.notifications': { NotificationSent: notificationEventSchema },
  'onestop.evaluation': evaluationEventSchemas,
  'onestop.documents': documentEventSchemas,
  'onestop.supervision': supervisionEventSchemas,
  'onestop.complaints': complaintEventSchemas,
  'onestop.fees': { ...feeEventSchemas, ...feeFinanceEventSchemas },
  'onestop.appraisal': appraisalEventSchemas,
  // The queue domain's tickets and its appointments share the source.
  'onestop.queue': { ...queueEventSchemas, ...appointmentEventSchemas },
};

/** The schema an event's detail must match: its detail-type's, else the envelope's. */
export function eventSchemaOf(source: string, detailType: string): { schema: TSchema; known: boolean } {
  const entry = bySource[source];
  const schema = typeof entry === 'function' ? entry(detailType) : Object.hasOwn(entry ?? {}, detailType) ? entry![detailType] : undefined;
  return schema ? { schema, known: true } : { schema: AnyEvent, known: false };
}
