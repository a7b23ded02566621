/**
 * The booking rules a request can break, each with its own problem type
 * (schemas/api/problems.ts explains the scheme).
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const appointmentProblems = defineProblems({
  'slot-past': {
    status: 409, title: msg('该时段已过', 'Slot has passed'),
    about: 'The slot\'s date is before today, or the slot has ended: choose one of the slots the slots route offers.',
  },
  'slot-closed': {
    status: 409, title: msg('该时段不开放预约', 'Slot is not open'),
    about: 'The date is not a working day of the center (a holiday, a weekend that is not an adjusted working day), or no slot starts at that time in the center\'s opening hours.',
  },
  'slot-too-far': {
    status: 409, title: msg('超出可预约天数', 'Slot is too far ahead'),
    about: 'The center takes bookings up to its `daysAhead` setting (default 7 calendar days); the detail names the last bookable date.',
  },
  'slot-full': {
    status: 409, title: msg('该时段已约满', 'Slot is full'),
    about: 'Every place of the slot is booked: choose another slot.',
  },
  'already-booked': {
    status: 409, title: msg('当日已有同一事项的预约', 'Already booked that day'),
    about: 'One active booking per ID number, item and day: cancel or reschedule the existing one instead.',
  },
  'booking-blocked': {
    status: 409, title: msg('暂停预约', 'Booking blocked'),
    about: 'Too many bookings were missed (not checked in by the slot\'s end) within 30 days; the detail names the date booking opens again.',
  },
  'not-bookable': {
    status: 409, title: msg('该事项不可预约', 'Item not bookable'),
    about: 'The item belongs to no queue category of the center, or its category takes no bookings (capacity 0).',
  },
  'check-in-closed': {
    status: 409, title: msg('不在签到时间', 'Check-in not open'),
    about: 'Check-in opens 30 minutes before the slot starts and closes when it ends, on the booking\'s day.',
  },
});
