/**
 * Appointment confirmations, without the cloud: who hears of a booking and
 * how (the applicant's preferences, or the caller's mobile), which events the
 * consumer takes, the events it refuses before reading anything, and the
 * NotificationSent shape naming a case or an appointment.
 */
import { describe, expect, it } from 'vitest';
import { appointmentEventTypes, confirmedAppointmentEvents } from '#schemas/events/appointments';
import { NotificationSentData } from '#schemas/events/notifications';
import { eventSchemaOf } from '#schemas/events/registry';
import { InvalidEventError } from '#shared/invalid-event';
import { validationErrors } from '#shared/validate';
import { audienceOf } from '../../../functions/notifications/appointments.ts';
import { handler } from '../../../functions/notifications/consumer.ts';
import { applicantNoticeSources, applicantNoticeTrigger } from '../../../functions/notifications/applicant-notices.ts';
import { renderAppointment } from '../../../functions/notifications/templates.ts';

const applicantId = '01J0000000000000000000000A';
const appointmentId = '01J0000000000000000000000B';

describe('who hears of an appointment', () => {
  it("an online booking reaches the applicant on the channels and in the language they chose, whatever they chose for case steps", () => {
    const profile = { email: 'li@example.com', phone: '13912345678', notifications: { channels: ['email'] as ('sms' | 'email')[], language: 'en' as const, events: 'milestones' as const } };
    expect(audienceOf({ applicantId }, profile)).toEqual({ language: 'en', channels: ['email'], byDefault: false, contact: { email: 'li@example.com', phone: '13912345678' } });
  });

  it('an applicant who never chose gets the default channel (SMS to a mobile) in Chinese; one without a profile has no address to reach', () => {
    expect(audienceOf({ applicantId }, { email: 'li@example.com', phone: '13912345678' })).toEqual({ language: 'zh-CN', channels: ['sms'], byDefault: true, contact: { email: 'li@example.com', phone: '13912345678' } });
    expect(audienceOf({ applicantId }, undefined)).toMatchObject({ language: 'zh-CN', channels: ['email'], contact: { email: undefined, phone: undefined } });
  });

  it('a caller booked by a clerk is reached at the mobile on the booking alone, in Chinese', () => {
    const audience = audienceOf({ mobile: '13812345678' }, undefined);
    expect(audience).toEqual({ language: 'zh-CN', channels: ['sms', 'email'], byDefault: false, contact: { phone: '13812345678' } });
    expect(audience.contact).not.toHaveProperty('email');
  });
});

describe('the events the consumer takes', () => {
  it('the appointment events with a confirmation, each rendered in both languages; check-ins and misses are not told', () => {
    expect(applicantNoticeSources['onestop.queue']).toEqual(['AppointmentBooked', 'AppointmentCancelled', 'AppointmentRescheduled']);
    expect(applicantNoticeTrigger.sources).toEqual(['onestop.cases', 'onestop.queue', 'onestop.documents', 'onestop.complaints']);
    expect(applicantNoticeSources['onestop.documents']).toEqual(['CertificateRenewalDue']);
    const n = { date: '2026-12-01', start: '09:00', end: '09:30', itemCode: 'IT-1', bookingCode: '042042' };
    for (const type of appointmentEventTypes) {
      const told = confirmedAppointmentEvents.includes(type);
      for (const lang of ['zh-CN', 'en'] as const) expect(renderAppointment(type, n, lang) !== undefined, `${type} ${lang}`).toBe(told);
    }
  });

  const event = (source: string, detailType: string, detail: unknown) => ({ id: 'e-1', source, 'detail-type': detailType, detail }) as Parameters<typeof handler>[0];

  it('refuses a pairing the rule lets through but no domain emits, and an event of another source, before reading anything', async () => {
    await expect(handler(event('onestop.queue', 'CaseAccepted', {}))).rejects.toThrow(InvalidEventError);
    await expect(handler(event('onestop.cases', 'AppointmentBooked', {}))).rejects.toThrow(/is not one this consumer takes/);
    await expect(handler(event('onestop.queue', 'AppointmentCheckedIn', {}))).rejects.toThrow(/is not one this consumer takes/);
  });

  it('refuses an appointment event that does not match its schema, with the reason but not the value', async () => {
    const detail = { eventId: '01J0000000000000000000000C', centerId: 'c', occurredAt: '2026-12-01T01:00:00.000Z', actor: { id: 'u', role: 'applicant' }, subject: { type: 'appointment', id: appointmentId }, version: 1, data: { appointmentId, mobile: '13812345678' } };
    const refused = await handler(event('onestop.queue', 'AppointmentBooked', detail)).then(() => undefined, (err: Error) => err);
    expect(refused).toBeInstanceOf(InvalidEventError);
    expect(refused!.message).toMatch(/not a valid appointment event.*\/detail\/data\/mobile.*unknown_field/);
    expect(refused!.message).not.toContain('13812345678');
  });
});

describe('NotificationSent', () => {
  const about = { aboutEventId: '01J0000000000000000000000C', aboutEventType: 'AppointmentBooked', channels: [{ channel: 'sms', status: 'sent', to: '+86138****5678', messageId: 'm-1' }] };

  it('names the case or the appointment the message was about', () => {
    expect(validationErrors(NotificationSentData, { appointmentId, ...about })).toEqual([]);
    expect(validationErrors(NotificationSentData, { caseNo: '370982-20261127-00042', ...about, aboutEventType: 'CaseAccepted' })).toEqual([]);
  });

  it('as the audit log checks it: an appointment confirmation\'s event, subject `appointment`', async () => {
    const { schema, known } = await eventSchemaOf('onestop.notifications', 'NotificationSent');
    const detail = { eventId: '01J0000000000000000000000D', centerId: 'center-demo', occurredAt: '2026-12-01T01:00:00.000Z', actor: { id: 'system', role: 'system' }, subject: { type: 'appointment', id: appointmentId }, version: 1, data: { appointmentId, ...about } };
    expect(known).toBe(true);
    expect(validationErrors(schema, detail)).toEqual([]);
  });

  it('names exactly one of them', () => {
    expect(validationErrors(NotificationSentData, about)).not.toEqual([]);
    expect(validationErrors(NotificationSentData, { caseNo: '370982-20261127-00042', appointmentId, ...about })).not.toEqual([]);
  });
});
