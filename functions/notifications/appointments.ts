/**
 * Confirmations of appointments (预约): a booking, its cancellation or its move
 * told to whoever booked. The events carry no personal data, so the contact is
 * read here: an applicant who booked online through their profile, as for case
 * messages (channels, language), and always, whatever they chose for case
 * steps; a caller booked by a clerk left a mobile alone, so an SMS in Chinese.
 *
 * The slot comes from the event (a later move does not rewrite an earlier
 * confirmation); the check-in code, which no event carries, from the booking.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { NotificationPreferences } from '#schemas/api/applicants';
import { appointmentEventSchema, type AppointmentEventData } from '#schemas/events/appointments';
import type { DomainEvent } from '#shared/events';
import { InvalidEventError } from '#shared/invalid-event';
import { validationErrors } from '#shared/validate';
import { profileById } from '../applicants/public.ts';
import { appointmentNotice, type AppointmentNotice } from '../queue/public.ts';
import { accountAudience, type Audience } from './audience.ts';
import type { Notification } from './consumer.ts';
import { renderAppointment } from './templates.ts';

interface Profile {
  readonly email?: string;
  readonly phone?: string;
  readonly notifications?: NotificationPreferences;
}

/** Who hears of a booking, how and in which language. */
export function audienceOf(notice: Pick<AppointmentNotice, 'applicantId' | 'mobile'>, profile: Profile | undefined): Audience {
  if (notice.applicantId) return accountAudience(profile);
  // A caller turned no channel off: the e-mail is skipped for want of an address, as the log then says.
  return { language: 'zh-CN', channels: ['sms', 'email'], byDefault: false, contact: notice.mobile ? { phone: notice.mobile } : {} };
}

/** The confirmation of an appointment event and its audience; undefined for the events that have none. */
export async function appointmentNotification(event: EventBridgeEvent<string, unknown>): Promise<Notification | undefined> {
  const detailType = event['detail-type'];
  const errors = validationErrors(appointmentEventSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${detailType}) is not a valid appointment event: ${JSON.stringify(errors)}`);
  const { eventId, centerId, data } = event.detail as DomainEvent<AppointmentEventData>;
  const notice = await appointmentNotice(centerId, data.appointmentId);
  // The booking is written with its event and never deleted: an event without one is not the queue's.
  if (!notice) throw new InvalidEventError(`event ${eventId} (${detailType}) names no booking of center ${centerId}`);
  const audience = audienceOf(notice, notice.applicantId ? await profileById(centerId, notice.applicantId) : undefined);
  const message = renderAppointment(detailType, { date: data.date, start: data.start, end: data.end, itemCode: data.itemCode, bookingCode: notice.bookingCode }, audience.language);
  if (!message) return undefined;
  return { centerId, eventId, eventType: detailType, subject: { type: 'appointment', id: data.appointmentId }, message, ...audience };
}
