/**
 * Appointments (预约) in the hall: the center's booking settings, the slots of
 * a category per working day, bookings by an applicant online or by a clerk
 * for a caller, and check-in at the kiosk, which turns a booking into a
 * priority ticket. Personal data (the caller's name, ID number, mobile) is
 * stored on the booking only and shown masked to staff.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, text, ApplicantId, CenterId, ItemCode, CategoryCode as QueueCategoryCode } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', maxLength: 5, description: 'HH:MM, the center\'s wall-clock time' });

export { QueueCategoryCode };
export const AppointmentId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', minLength: 26, maxLength: 26, description: 'ULID' });
export const BookingCode = Type.String({ pattern: '^[0-9]{6,8}$', maxLength: 8, description: 'The code of the booking\'s confirmation, asked at the kiosk\'s check-in' });

export const SlotMode = StringEnum(['halfDay', '30min'] as const, 'halfDay: one slot per opening period (morning, afternoon); 30min: each period cut into 30-minute slots');
export type SlotMode = Static<typeof SlotMode>;

export const OpeningPeriod = Type.Object({ from: ClockTime, to: ClockTime }, closed);
export type OpeningPeriod = Static<typeof OpeningPeriod>;

export const AppointmentSettingsBody = Type.Object(
  {
    slotMode: SlotMode,
    openingHours: Type.Array(OpeningPeriod, { minItems: 1, maxItems: 4, description: 'The periods the hall takes bookings in, in order, not overlapping: e.g. 09:00–12:00 and 13:30–17:00' }),
    capacity: Type.Integer({ minimum: 1, maximum: 500, description: 'Bookings per slot of a category (default 20)' }),
    capacityByCategory: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z]$', maxLength: 1 }), Type.Integer({ minimum: 0, maximum: 500 }), { maxProperties: 26, description: 'A category\'s own capacity per slot (0: not bookable)' })),
    daysAhead: Type.Integer({ minimum: 0, maximum: 60, description: 'Bookable from today to this many calendar days ahead (default 7)' }),
    missesToBlock: Type.Integer({ minimum: 1, maximum: 20, description: 'Missed bookings within 30 days that block booking (default 3)' }),
    blockDays: Type.Integer({ minimum: 1, maximum: 365, description: 'How long such a block lasts, in calendar days (default 30)' }),
  },
  closed,
);
export type AppointmentSettingsBody = Static<typeof AppointmentSettingsBody>;

export const AppointmentSettings = Type.Object(
  {
    ...AppointmentSettingsBody.properties,
    source: StringEnum(['default', 'center'] as const, 'default: the defaults, the center has set none; center: set by the center admin'),
    updatedAt: Type.Optional(Instant),
    updatedBy: Type.Optional(Type.String()),
  },
  closed,
);
export type AppointmentSettings = Static<typeof AppointmentSettings>;

export const HallPath = Type.Object({ centerId: CenterId }, closed);

export const SlotsQuery = Type.Object(
  {
    categoryCode: Type.Optional(QueueCategoryCode),
    itemCode: Type.Optional(ItemCode),
    from: Type.Optional(LocalDate),
    to: Type.Optional(LocalDate),
  },
  { ...closed, description: 'categoryCode or itemCode (its category); from and to default to today and the last bookable day' },
);

export const Slot = Type.Object(
  {
    start: ClockTime,
    end: ClockTime,
    startsAt: Instant,
    endsAt: Instant,
    capacity: Type.Integer({ minimum: 0 }),
    left: Type.Integer({ minimum: 0 }),
  },
  closed,
);
export type Slot = Static<typeof Slot>;

export const SlotDay = Type.Object({ date: LocalDate, slots: Type.Array(Slot) }, closed);
export type SlotDay = Static<typeof SlotDay>;

export const Slots = Type.Object(
  { centerId: CenterId, categoryCode: QueueCategoryCode, days: Type.Array(SlotDay, { description: 'Working days only; slots already ended are left out' }) },
  closed,
);
export type Slots = Static<typeof Slots>;

const slotChoice = { itemCode: ItemCode, date: LocalDate, start: ClockTime };

export const BookingBody = Type.Object(slotChoice, { ...closed, description: 'The item to be served for and the slot (its date and start)' });
export type BookingBody = Static<typeof BookingBody>;

const Mobile = Type.String({ pattern: '^(\\+?86)?1[3-9][0-9]{9}$', maxLength: 14, description: 'A mainland mobile number: the confirmation goes there by SMS' });

export const CallerBookingBody = Type.Object(
  { ...slotChoice, name: text(50, 'The caller\'s name'), idNumber: Type.String({ pattern: '^[0-9]{17}[0-9Xx]$', maxLength: 18, description: 'The caller\'s resident ID number' }), mobile: Mobile },
  { ...closed, description: 'A clerk books for a caller (phone or counter): the personal data stays on the booking' },
);
export type CallerBookingBody = Static<typeof CallerBookingBody>;

export const RescheduleBody = Type.Object({ date: LocalDate, start: ClockTime }, closed);
export type RescheduleBody = Static<typeof RescheduleBody>;

export const AppointmentPath = Type.Object({ appointmentId: AppointmentId }, closed);
export const CheckInPath = Type.Object({ centerId: CenterId, appointmentId: AppointmentId }, closed);
export const CheckInBody = Type.Object({ code: BookingCode }, closed);

export const AppointmentStatus = StringEnum(['booked', 'cancelled', 'checkedIn', 'missed'] as const, 'Clients must tolerate values they do not know.');
export type AppointmentStatus = Static<typeof AppointmentStatus>;

export const Appointment = Type.Object(
  {
    appointmentId: AppointmentId,
    centerId: CenterId,
    categoryCode: QueueCategoryCode,
    itemCode: ItemCode,
    date: LocalDate,
    start: ClockTime,
    end: ClockTime,
    startsAt: Instant,
    endsAt: Instant,
    status: AppointmentStatus,
    bookedBy: StringEnum(['applicant', 'clerk'] as const),
    applicantId: Type.Optional(ApplicantId),
    name: Type.String({ description: 'The applicant\'s or caller\'s name; masked (张*) in staff lists' }),
    bookingCode: Type.Optional(Type.String({ description: 'To the applicant and to the clerk who booked; never in staff lists' })),
    createdAt: Instant,
    updatedAt: Instant,
    checkedInAt: Type.Optional(Instant),
  },
  closed,
);
export type Appointment = Static<typeof Appointment>;

export const AppointmentList = Type.Object({ items: Type.Array(Appointment) }, closed);

export const StaffAppointmentsQuery = Type.Object({ date: LocalDate, categoryCode: Type.Optional(QueueCategoryCode) }, closed);

export const CheckedIn = Type.Object(
  {
    appointment: Appointment,
    ticket: Type.Object(
      {
        ticketId: Type.String(),
        ticketNo: Type.String(),
        categoryCode: QueueCategoryCode,
        date: LocalDate,
        priority: Type.String(),
        status: Type.String(),
        takenAt: Instant,
        code: Type.String({ description: 'The ticket\'s own code, printed on the slip' }),
        ahead: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: true },
    ),
  },
  closed,
);
