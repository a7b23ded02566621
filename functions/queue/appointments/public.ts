/**
 * What other domains may read of a booking: the notification consumer, to
 * confirm a booking, cancellation or reschedule to whoever booked (the events
 * carry no personal data: a caller booked by a clerk is reached at the mobile
 * stored on the booking, an applicant through their profile).
 */
import { bookingById } from './store.ts';

export interface AppointmentNotice {
  readonly appointmentId: string;
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly itemCode: string;
  readonly bookingCode: string;
  /** An applicant's own booking: reach them through their profile and preferences. */
  readonly applicantId?: string;
  /** A caller booked by a clerk: the only contact there is. */
  readonly mobile?: string;
}

export async function appointmentNotice(centerId: string, appointmentId: string): Promise<AppointmentNotice | undefined> {
  const b = await bookingById(centerId, appointmentId);
  if (!b) return undefined;
  return {
    appointmentId, date: b.date, start: b.start, end: b.end, itemCode: b.itemCode, bookingCode: b.bookingCode,
    ...(b.applicantId ? { applicantId: b.applicantId } : {}), ...(b.mobile ? { mobile: b.mobile } : {}),
  };
}
