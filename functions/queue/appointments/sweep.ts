/**
 * The missed-booking sweep (schedule, every 5 minutes in AWS): a booking not
 * checked in by its slot's end is `missed` (AppointmentMissed). The miss is
 * counted under the ID number's key for 30 days; the miss that makes the
 * center's `missesToBlock` within 30 days blocks booking for `blockDays`.
 * Bookings wait on the sweep index under their slot's end, so runs missed for
 * however long are caught up; a booking changed meanwhile (checked in at the
 * last moment, cancelled) fails its condition and is left as it is.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { readCenterContext } from '#shared/center';
import { itemAt } from '#shared/db';
import { logger } from '#shared/logger';
import { eventOf } from './booking.ts';
import { blockAfterMiss, effectiveSettings, missWindowStart } from './rules.ts';
import * as store from './store.ts';

const system = { id: 'system', role: 'system' as const };

/** Marks one due booking missed, counting the miss and blocking when it makes N; false when it changed meanwhile. */
export async function sweepBooking(centerId: string, appointmentId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const booking = await store.bookingById(centerId, appointmentId);
  if (!booking || booking.status !== 'booked' || booking.endsAt > at) return false;
  const [{ center, found }, misses] = await Promise.all([
    readCenterContext(centerId, at, [store.keys.settings(centerId)]),
    store.missesSince(centerId, booking.idKey, missWindowStart(at)),
  ]);
  const blockedUntil = blockAfterMiss(misses + 1, effectiveSettings(itemAt(found, store.keys.settings(centerId))), center.today);
  const next: store.Booking = { ...booking, status: 'missed', updatedAt: at, rev: booking.rev + 1 };
  const draft = eventOf(next, 'AppointmentMissed', system, at, blockedUntil ? { blockedUntil } : {});
  return (await store.markMissed(booking, next, at, blockedUntil, draft)) === undefined;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; missed: number }> {
  const now = new Date();
  let looked = 0;
  let missed = 0;
  for (const { centerId, appointmentId } of await store.dueForSweep(now.toISOString())) {
    looked++;
    if (await sweepBooking(centerId, appointmentId, now)) missed++;
  }
  logger.info('appointment sweep', { looked, missed });
  return { looked, missed };
}
