/**
 * The event registry the audit consumer validates with: each source's schemas
 * are loaded with its first event, and are exactly the domains' own (the same
 * objects), every detail-type of every source; anything else is checked
 * against the envelope.
 */
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { applicantEventSchemas } from '#schemas/events/applicants';
import { appointmentEventSchemas } from '#schemas/events/appointments';
import { appraisalEventSchemas } from '#schemas/events/appraisal';
import { caseEventSchema, thresholdEventSchema } from '#schemas/events/cases';
import { catalogEventSchemas } from '#schemas/events/catalog';
import { complaintEventSchemas } from '#schemas/events/complaints';
import { documentEventSchemas } from '#schemas/events/documents';
import { AnyEvent } from '#schemas/events/envelope';
import { evaluationEventSchemas } from '#schemas/events/evaluation';
import { feeEventSchemas } from '#schemas/events/fees';
import { feeFinanceEventSchemas } from '#schemas/events/fees-finance';
import { notificationEventSchema } from '#schemas/events/notifications';
import { orgEventSchemas, staffAbsenceEventSchemas, staffRemovalEventSchemas } from '#schemas/events/org';
import { queueEventSchemas } from '#schemas/events/queue';
import { eventSchemaOf } from '#schemas/events/registry';
import { supervisionEventSchemas } from '#schemas/events/supervision';
import { thresholdDetailTypes } from '#schemas/events/threshold-types';

const expected: Record<string, Record<string, TSchema>> = {
  'onestop.cases': { CaseAccepted: caseEventSchema, CaseSubmitted: caseEventSchema, ...Object.fromEntries(thresholdDetailTypes.map((t) => [t, thresholdEventSchema])) },
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
  'onestop.queue': { ...queueEventSchemas, ...appointmentEventSchemas },
};

describe('the event registry', () => {
  it.each(Object.keys(expected))('%s: every detail-type gets its domain\'s schema', async (source) => {
    const types = Object.entries(expected[source]!);
    expect(types.length).toBeGreaterThan(0);
    for (const [detailType, schema] of types) {
      const found = await eventSchemaOf(source, detailType);
      expect(found.known, detailType).toBe(true);
      expect(found.schema, detailType).toBe(schema);
    }
  });

  it('checks an unknown source, or an unknown detail-type of a known one, against the envelope', async () => {
    expect(await eventSchemaOf('onestop.nowhere', 'Anything')).toEqual({ schema: AnyEvent, known: false });
    expect(await eventSchemaOf('onestop.catalog', 'NotAnEvent')).toEqual({ schema: AnyEvent, known: false });
    expect(await eventSchemaOf('onestop.catalog', 'toString')).toEqual({ schema: AnyEvent, known: false });
  });
});
