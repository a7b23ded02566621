/**
 * Events of appointments (source `onestop.queue`, subject `appointment` /
 * appointmentId). No personal data: never the name, ID number (nor its keyed
 * hash) or mobile of whoever booked; an applicant who booked online is named
 * by applicantId, so the notification consumer can reach them, and a caller
 * booked by a clerk by the booking alone (its mobile is read from the store).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { AppointmentId, AppointmentSettingsBody, AppointmentStatus, QueueCategoryCode } from '../api/appointments.ts';
import { StringEnum, closed, ApplicantId, ItemCode } from '../api/common.ts';
import { envelope } from './envelope.ts';

const LocalDate = Type.String({ format: 'date' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

const SlotRef = Type.Object({ date: LocalDate, start: ClockTime, end: ClockTime }, closed);

export const AppointmentEventData = Type.Object(
  {
    appointmentId: AppointmentId,
    categoryCode: QueueCategoryCode,
    itemCode: ItemCode,
    ...SlotRef.properties,
    status: AppointmentStatus,
    bookedBy: StringEnum(['applicant', 'clerk'] as const),
    applicantId: Type.Optional(ApplicantId),
    previous: Type.Optional(Type.Object({ ...SlotRef.properties }, { ...closed, description: 'AppointmentRescheduled: the slot given up' })),
    blockedUntil: Type.Optional(Type.String({ format: 'date', description: 'AppointmentMissed: this miss blocks booking until this date (exclusive)' })),
  },
  closed,
);
export type AppointmentEventData = Static<typeof AppointmentEventData>;

export const AppointmentSettingsChangedData = Type.Object({ before: Type.Optional(AppointmentSettingsBody), after: AppointmentSettingsBody }, closed);
export type AppointmentSettingsChangedData = Static<typeof AppointmentSettingsChangedData>;

export const appointmentEventTypes = ['AppointmentBooked', 'AppointmentCancelled', 'AppointmentRescheduled', 'AppointmentCheckedIn', 'AppointmentMissed'] as const;
export type AppointmentEventType = (typeof appointmentEventTypes)[number];

/** The appointment events whose applicant or caller gets a confirmation (SMS, email). */
export const confirmedAppointmentEvents: readonly AppointmentEventType[] = ['AppointmentBooked', 'AppointmentCancelled', 'AppointmentRescheduled'];

export const appointmentEventSchemas = {
  ...Object.fromEntries(appointmentEventTypes.map((t) => [t, envelope(AppointmentEventData)])),
  AppointmentSettingsChanged: envelope(AppointmentSettingsChangedData),
} as Readonly<Record<AppointmentEventType | 'AppointmentSettingsChanged', ReturnType<typeof envelope>>>;

export const appointmentEventSchema = envelope(AppointmentEventData);
