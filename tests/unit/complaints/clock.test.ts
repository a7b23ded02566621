import { describe, expect, it } from 'vitest';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { complaintThresholds } from '../../../functions/complaints/clock.ts';

const cal = workCalendar([calendar2026], 'Asia/Shanghai');
const assigned = (replyDue: string, acceptedAt = '2026-11-20T02:00:00.000Z') => ({
  state: 'assigned' as const, filedAt: '2026-11-19T02:00:00.000Z', replyDue, acceptance: { by: 'supervisor', at: acceptedAt },
});
const levels = (c: Parameters<typeof complaintThresholds>[1]) => complaintThresholds(cal, c).map((t) => `${t.level} ${t.at}${t.overdueWorkingDays ? ` +${t.overdueWorkingDays}` : ''}`);

describe('the reply clock supervision watches (DOMAIN.md: 2 days before due, 1 and 2 days past)', () => {
  it('a Friday due date: warning from Wednesday, yellow from Saturday (late by a second is overdue), red once 2 working days past (Tuesday), at the start of each day in Shanghai', () => {
    expect(levels(assigned('2026-12-04'))).toEqual([
      'warning 2026-12-01T16:00:00.000Z',
      'yellow 2026-12-04T16:00:00.000Z +1',
      'red 2026-12-07T16:00:00.000Z +2',
    ]);
  });

  it('over the National Day holiday: yellow the day after the due date, red only on the second working day past it', () => {
    // Due Wednesday 30 September; 1–7 October are holidays: Thursday the 8th is the first working day past it, Friday the 9th the second.
    expect(levels(assigned('2026-09-30', '2026-09-20T02:00:00.000Z'))).toEqual([
      'warning 2026-09-27T16:00:00.000Z',
      'yellow 2026-09-30T16:00:00.000Z +1',
      'red 2026-10-08T16:00:00.000Z +2',
    ]);
  });

  it('never before the clock started: accepted inside the warning window, warned at acceptance', () => {
    expect(levels(assigned('2026-12-04', '2026-12-03T03:00:00.000Z'))[0]).toBe('warning 2026-12-03T03:00:00.000Z');
  });

  it('an extension moves every level with the due date', () => {
    expect(levels(assigned('2026-12-11'))).toEqual([
      'warning 2026-12-08T16:00:00.000Z',
      'yellow 2026-12-11T16:00:00.000Z +1',
      'red 2026-12-14T16:00:00.000Z +2',
    ]);
  });

  it('runs only while the department owes the reply', () => {
    for (const state of ['filed', 'replied', 'unsatisfied', 'under_review', 'closed', 'not_accepted'] as const) {
      expect(complaintThresholds(cal, { ...assigned('2026-12-04'), state })).toEqual([]);
    }
    expect(complaintThresholds(cal, { ...assigned('2026-12-04'), replyDue: undefined })).toEqual([]);
  });
});
