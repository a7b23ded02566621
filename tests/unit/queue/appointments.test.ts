/**
 * Appointment slots on the center's calendar and the booking rules, pure:
 * the 2026 schedule has 劳动节 (1–5 May off) and Saturday 9 May worked (调休).
 */
import { describe, expect, it } from 'vitest';
import type { AppointmentSettingsBody } from '#schemas/api/appointments';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import {
  blockAfterMiss, bookableSlot, capacityOf, checkInRefusal, codesMatch, defaultSettings, effectiveSettings, maskName, missWindowStart, settingsErrors,
} from '../../../functions/queue/appointments/rules.ts';
import { bookableDates, offeredSlots, slotTimes } from '../../../functions/queue/appointments/slots.ts';

const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();
const halfDay: AppointmentSettingsBody = { ...defaultSettings, daysAhead: 10 };
const thirty: AppointmentSettingsBody = { ...halfDay, slotMode: '30min' };
const today = '2026-04-30';

describe('bookable dates', () => {
  it('are the working days from today to daysAhead: no holiday, no Sunday, the 调休 Saturday in', () => {
    expect(bookableDates(cal, today, 10)).toEqual(['2026-04-30', '2026-05-06', '2026-05-07', '2026-05-08', '2026-05-09']);
  });
  it('stop at daysAhead and start no earlier than today, whatever the range asked', () => {
    expect(bookableDates(cal, today, 7)).toEqual(['2026-04-30', '2026-05-06', '2026-05-07']);
    expect(bookableDates(cal, today, 10, '2026-04-01', '2026-05-06')).toEqual(['2026-04-30', '2026-05-06']);
    expect(bookableDates(cal, today, 0)).toEqual(['2026-04-30']);
    expect(bookableDates(cal, '2026-05-01', 2)).toEqual([]);
  });
});

describe('slots of a day', () => {
  it('half-day mode: one slot per opening period, with its instants in the center\'s time', () => {
    expect(slotTimes(halfDay)).toEqual([{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:00' }]);
    const [morning] = offeredSlots(cal, halfDay, '2026-05-09', at(today, '08:00'));
    expect(morning).toEqual({ start: '09:00', end: '12:00', startsAt: '2026-05-09T01:00:00.000Z', endsAt: '2026-05-09T04:00:00.000Z' });
  });
  it('30-minute mode cuts each period; a rest shorter than 30 minutes is not a slot', () => {
    const slots = slotTimes(thirty);
    expect(slots).toHaveLength(6 + 7);
    expect(slots.slice(5, 7)).toEqual([{ start: '11:30', end: '12:00' }, { start: '13:30', end: '14:00' }]);
    expect(slotTimes({ slotMode: '30min', openingHours: [{ from: '09:00', to: '10:45' }] }).map((s) => s.start)).toEqual(['09:00', '09:30', '10:00']);
  });
  it('today, the slots that have ended are gone; one under way is still offered', () => {
    expect(offeredSlots(cal, halfDay, today, at(today, '12:30')).map((s) => s.start)).toEqual(['13:30']);
    const left = offeredSlots(cal, thirty, today, at(today, '10:15'));
    expect(left).toHaveLength(11);
    expect(left[0]!.start).toBe('10:00');
    expect(offeredSlots(cal, thirty, today, at(today, '17:00'))).toEqual([]);
  });
});

describe('booking a slot', () => {
  const now = at(today, '10:15');
  const book = (date: string, start: string, s = halfDay) => bookableSlot(cal, s, date, start, now, today);
  it('takes a slot of a working day within daysAhead, a 调休 Saturday included', () => {
    expect(book('2026-05-09', '13:30')).toEqual({ slot: { start: '13:30', end: '17:00', startsAt: '2026-05-09T05:30:00.000Z', endsAt: '2026-05-09T09:00:00.000Z' } });
    expect('slot' in book(today, '09:00')).toBe(true);
  });
  it('refuses past, closed (holiday, Sunday, off the grid) and too-far slots', () => {
    expect(book('2026-04-29', '09:00')).toEqual({ refused: 'past' });
    expect(book(today, '09:00', thirty)).toEqual({ refused: 'past' });
    expect(book('2026-05-01', '09:00')).toEqual({ refused: 'closed' });
    expect(book('2026-05-10', '09:00')).toEqual({ refused: 'closed' });
    expect(book('2026-05-06', '09:15')).toEqual({ refused: 'closed' });
    expect(book('2026-05-06', '09:30')).toEqual({ refused: 'closed' });
    expect(book('2026-05-06', '09:30', thirty)).toHaveProperty('slot');
    expect(book('2026-05-11', '09:00')).toEqual({ refused: 'too-far' });
  });
  it('a category may have its own capacity', () => {
    expect(capacityOf({ ...halfDay, capacityByCategory: { B: 5, Z: 0 } }, 'B')).toBe(5);
    expect(capacityOf({ ...halfDay, capacityByCategory: { B: 5, Z: 0 } }, 'Z')).toBe(0);
    expect(capacityOf({ ...halfDay, capacityByCategory: { B: 5 } }, 'A')).toBe(20);
  });
});

describe('settings', () => {
  it('are the defaults until the center sets its own', () => {
    expect(effectiveSettings(undefined)).toEqual({ ...defaultSettings, source: 'default' });
    expect(effectiveSettings({ ...thirty, rev: 2, updatedAt: '2026-04-30T00:00:00.000Z', updatedBy: 'u1', PK: 'x' })).toEqual({ ...thirty, source: 'center', updatedAt: '2026-04-30T00:00:00.000Z', updatedBy: 'u1' });
  });
  it('refuse periods that end before they start, overlap, or are too short for a 30-minute slot', () => {
    expect(settingsErrors(halfDay)).toEqual([]);
    const errors = settingsErrors({ ...thirty, openingHours: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '11:20' }, { from: '15:00', to: '14:00' }] });
    expect(errors.map((e) => [e.path, e.code])).toEqual([['/body/openingHours/1', 'too_short'], ['/body/openingHours/1/from', 'overlap'], ['/body/openingHours/2/to', 'out_of_order']]);
  });
});

describe('check-in, misses, codes', () => {
  const slot = { startsAt: at(today, '13:30'), endsAt: at(today, '17:00') };
  it('opens 30 minutes before the slot and closes at its end', () => {
    expect(checkInRefusal(slot, at(today, '12:59'))).toBe('early');
    expect(checkInRefusal(slot, at(today, '13:00'))).toBeUndefined();
    expect(checkInRefusal(slot, at(today, '16:59'))).toBeUndefined();
    expect(checkInRefusal(slot, at(today, '17:00'))).toBe('late');
    expect(checkInRefusal(slot, at('2026-05-06', '14:00'))).toBe('late');
  });
  it('the miss that makes N within 30 days blocks booking for M days', () => {
    expect(blockAfterMiss(2, defaultSettings, today)).toBeUndefined();
    expect(blockAfterMiss(3, defaultSettings, today)).toBe('2026-05-30');
    expect(blockAfterMiss(1, { missesToBlock: 1, blockDays: 7 }, today)).toBe('2026-05-07');
    expect(missWindowStart('2026-04-30T02:00:00.000Z')).toBe('2026-03-31T02:00:00.000Z');
  });
  it('compares booking codes whole, and masks names for staff', () => {
    expect(codesMatch('123456', '123456')).toBe(true);
    expect(codesMatch('123457', '123456')).toBe(false);
    expect(codesMatch('1234567', '123456')).toBe(false);
    expect([maskName('张三'), maskName('欧阳娜娜'), maskName('A')]).toEqual(['张*', '欧***', '*']);
  });
});

describe('confirmations', () => {
  const n = { date: '2026-05-09', start: '13:30', end: '17:00', itemCode: '11430000MB0000000A', bookingCode: '042917' };
  it('are one SMS part, with the check-in code; the email carries it too', async () => {
    const { renderAppointment, smsParts } = await import('../../../functions/notifications/templates.ts');
    for (const type of ['AppointmentBooked', 'AppointmentRescheduled', 'AppointmentCancelled']) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const m = renderAppointment(type, n, lang)!;
        expect(smsParts(m.sms)).toBe(1);
        if (type !== 'AppointmentCancelled') expect([m.sms, m.text].every((t) => t.includes('042917'))).toBe(true);
      }
    }
    expect([...renderAppointment('AppointmentBooked', n, 'zh-CN')!.sms].length).toBeLessThanOrEqual(70);
    expect(renderAppointment('AppointmentMissed', n, 'zh-CN')).toBeUndefined();
  });
});
