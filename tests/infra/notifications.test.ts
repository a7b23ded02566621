/** CDK assertions on notifications: the applicant's consumer is invoked only for the case, appointment, renewal and complaint events that have a message; staff notices only for the thresholds they mail. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { confirmedAppointmentEvents } from '#schemas/events/appointments';
import { CERTIFICATE_RENEWAL_DUE } from '#schemas/events/documents';
import { complainantNoticeTypes } from '../../functions/notifications/complaint-notices.ts';
import { notifiedEventTypes } from '../../functions/notifications/templates.ts';
import { logicalIdByPath, resourcesOf, synthTemplate } from './synth.ts';

let dev: Template;
beforeAll(() => {
  dev = synthTemplate('dev');
});

describe('notifications consumer', () => {
  it('its rule lists the event types that have a template, so internal steps, check-ins and clock thresholds never invoke it', () => {
    const rule = Object.values(resourcesOf(dev, 'AWS::Events::Rule'))
      .find((r) => (r.Properties!.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn).includes(logicalIdByPath(dev, 'NotificationsFunction'))))!.Properties!;
    expect(rule.EventPattern).toEqual({
      source: ['onestop.cases', 'onestop.queue', 'onestop.documents', 'onestop.complaints'],
      'detail-type': [...notifiedEventTypes, ...confirmedAppointmentEvents, CERTIFICATE_RENEWAL_DUE, ...complainantNoticeTypes],
    });
    expect(rule.EventPattern['detail-type']).toEqual(expect.arrayContaining(['AppointmentBooked', 'AppointmentCancelled', 'AppointmentRescheduled', 'CertificateRenewalDue']));
    for (const silent of ['CaseReviewed', 'CaseDueSoon', 'AppointmentCheckedIn', 'AppointmentMissed', 'TicketCalled', 'CertificateNotIssued', 'ComplaintRated', 'StaffRemovalSuggested']) {
      expect(rule.EventPattern['detail-type']).not.toContain(silent);
    }
  });
});

describe('staff notices', () => {
  it("its rule takes the clock thresholds but a case's due-soon warning, which the due_soon queue lists instead (decision 125)", () => {
    const rule = Object.values(resourcesOf(dev, 'AWS::Events::Rule'))
      .find((r) => (r.Properties!.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn).includes(logicalIdByPath(dev, 'StaffNoticesFunction'))))!.Properties!;
    expect(rule.EventPattern.source).toEqual(['onestop.cases', 'onestop.evaluation', 'onestop.documents']);
    const types = rule.EventPattern['detail-type'] as string[];
    expect(types).toEqual(expect.arrayContaining(['CasePromisedLimitPassed', 'CaseStatutoryLimitPassed', 'SpecialProcedureDueSoon', 'SupplementNoticeDue', 'CallBackDue', 'CertificateNotIssued']));
    expect(types).not.toContain('CaseDueSoon');
    expect(types).not.toContain('ThresholdWithdrawn');
  });
});
