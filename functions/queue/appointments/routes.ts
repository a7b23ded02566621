import type { RouteSpec } from '#shared/route-spec';
import {
  Appointment,
  AppointmentList,
  AppointmentPath,
  AppointmentSettings,
  AppointmentSettingsBody,
  BookingBody,
  CallerBookingBody,
  CheckInBody,
  CheckInPath,
  CheckedIn,
  HallPath,
  RescheduleBody,
  Slots,
  SlotsQuery,
  StaffAppointmentsQuery,
} from '#schemas/api/appointments';

const idempotencyKey = [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this request, 1–64 characters [A-Za-z0-9_-]: a retry with the same key within 24 hours gets the first response' }];

export const appointmentRoutes = [
  {
    operationId: 'getAppointmentSettings', method: 'GET', path: '/admin/queue/appointment-settings', access: 'jwt', accountCheck: 'inline',
    summary: 'The center\'s appointment settings (预约设置): slot mode, opening hours, capacity per slot, days ahead, misses that block; the defaults until set',
    responses: { 200: AppointmentSettings },
  },
  {
    operationId: 'putAppointmentSettings', method: 'PUT', path: '/admin/queue/appointment-settings', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Set the center\'s appointment settings (If-Match once they exist): they apply to bookings from then on; existing bookings keep their slots',
    body: AppointmentSettingsBody, responses: { 200: AppointmentSettings, 201: AppointmentSettings },
  },
  {
    operationId: 'listAppointmentSlots', method: 'GET', path: '/public/hall/{centerId}/appointment-slots', access: 'public',
    summary: 'The slots of a queue category (or an item\'s) per working day, with the places left: no past slots, no closed days, nothing beyond the days ahead',
    params: HallPath, query: SlotsQuery, responses: { 200: Slots },
  },
  {
    operationId: 'bookAppointment', method: 'POST', path: '/appointments', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Book a slot for an item (网上预约), under the ID number of the caller\'s profile: one active booking per ID number, item and day',
    body: BookingBody, responses: { 201: Appointment },
  },
  {
    operationId: 'listMyAppointments', method: 'GET', path: '/appointments', access: 'jwt',
    summary: 'The caller\'s own bookings, latest date first, with their booking codes', responses: { 200: AppointmentList },
  },
  {
    operationId: 'cancelMyAppointment', method: 'POST', path: '/appointments/{appointmentId}/cancel', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Cancel one\'s own booking before its slot ends: its place is free again', params: AppointmentPath, responses: { 200: Appointment },
  },
  {
    operationId: 'rescheduleMyAppointment', method: 'POST', path: '/appointments/{appointmentId}/reschedule', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Move one\'s own booking to another slot, in one step: the new place is taken and the old one given back, or nothing changes',
    params: AppointmentPath, body: RescheduleBody, responses: { 200: Appointment },
  },
  {
    operationId: 'bookForCaller', method: 'POST', path: '/queue/appointments', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'A clerk books for a caller (phone or counter): name, ID number and mobile stay on the booking; the confirmation goes to the mobile',
    body: CallerBookingBody, responses: { 201: Appointment },
  },
  {
    operationId: 'listDayAppointments', method: 'GET', path: '/queue/appointments', access: 'jwt',
    summary: 'The bookings of a day (of one category), in slot order; names masked, no booking codes', query: StaffAppointmentsQuery, responses: { 200: AppointmentList },
  },
  {
    operationId: 'cancelAppointment', method: 'POST', path: '/queue/appointments/{appointmentId}/cancel', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'A clerk cancels a booking of the center', params: AppointmentPath, responses: { 200: Appointment },
  },
  {
    operationId: 'rescheduleAppointment', method: 'POST', path: '/queue/appointments/{appointmentId}/reschedule', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'A clerk moves a booking of the center to another slot', params: AppointmentPath, body: RescheduleBody, responses: { 200: Appointment },
  },
  {
    operationId: 'checkInAppointment', method: 'POST', path: '/public/hall/{centerId}/appointments/{appointmentId}/check-in', access: 'public', throttle: 'publicLookup',
    summary: 'Check in at the kiosk with the booking code (from 30 minutes before the slot until its end, on its day): the booking becomes a priority ticket',
    description: 'A wrong code answers 404, as an unknown booking does. Public, so no Idempotency-Key: a repeat finds the booking checked in (409).',
    params: CheckInPath, body: CheckInBody, responses: { 201: CheckedIn },
  },
] as const satisfies readonly RouteSpec[];
