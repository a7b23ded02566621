/**
 * The monthly complaint figures (functions/complaints/figures.ts): what each
 * step of a complaint adds, to which rows of which month, what a finding adds
 * to the appraisal's month, and the rates read from the counts, computed by
 * hand here.
 */
import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { figureChange, figureRow } from '../../../functions/complaints/figures.ts';
import type { ComplaintRecord } from '../../../functions/complaints/lifecycle.ts';
import { newComplaint } from '../../../functions/complaints/rules.ts';
import { defaultSettings } from '../../../functions/complaints/settings.ts';

const cal = workCalendar([calendar2026]);
const clerk: Caller = { userId: 'u-clerk', username: 'clerk.amr', roles: ['clerk'], centerId: 'c1', departmentId: 'amr' };
// Filed at 17:30 UTC on 30 November: 1 December in Shanghai, the month it counts in.
const filed = newComplaint({
  complaintId: '01JCMPXAAAAAAAAAAAAAAAAAAA', centerId: 'c1', timeZone: 'Asia/Shanghai', caller: clerk,
  body: { channel: 'phone', subject: { type: 'department', departmentId: 'amr' }, category: 'bribery', content: '吃拿卡要', complainant: { name: '李四', contact: '13700000000' } },
  cal, now: '2026-11-30T17:30:00.000Z', today: '2026-12-01', settings: defaultSettings,
});
const at = '2026-12-02T02:00:00.000Z';
const accepted: ComplaintRecord = { ...filed, state: 'assigned', departmentId: 'amr', acceptance: { by: 'sup', at }, replyDue: '2026-12-08', version: 2 };
const replied: ComplaintRecord = { ...accepted, state: 'replied', reply: { text: '属实', substantiated: true, by: 'head', at }, version: 3 };

describe('what each step adds to the month filed', () => {
  it('filing: filed, on the center\'s and the category\'s rows of its month in the center\'s time zone', () => {
    expect(figureChange(undefined, filed, '2026-12-01')).toEqual({ month: '2026-12', rows: ['ALL', 'CAT#bribery'], add: { filed: 1 } });
  });

  it('acceptance: decided (on time by the acceptance day) and assigned, the department\'s row too; late: not on time', () => {
    expect(figureChange(filed, accepted, filed.acceptDue)).toEqual({ month: '2026-12', rows: ['ALL', 'CAT#bribery', 'DEPT#amr'], add: { decided: 1, decidedOnTime: 1, assigned: 1 } });
    expect(figureChange(filed, accepted, '2026-12-31')!.add).toEqual({ decided: 1, assigned: 1 });
    const refused = { ...filed, state: 'not_accepted' as const, notAccepted: { reason: 'unverifiable' as const, explanation: '无法核实', by: 'sup', at } };
    expect(figureChange(filed, refused, filed.acceptDue)!.add).toEqual({ decided: 1, decidedOnTime: 1, notAccepted: 1 });
  });

  it('the reply: replied, on time by the reply day, substantiated; a rating: rated, satisfied or not', () => {
    expect(figureChange(accepted, replied, '2026-12-08')!.add).toEqual({ replied: 1, repliedOnTime: 1, substantiated: 1 });
    expect(figureChange(accepted, replied, '2026-12-09')!.add).toEqual({ replied: 1, substantiated: 1 });
    const rated = (rating: 'satisfied' | 'unsatisfied', byDefault?: true) => ({ ...replied, rating: { rating, at, ...(byDefault ? { byDefault } : {}) } });
    expect(figureChange(replied, rated('satisfied'), '2026-12-10')!.add).toEqual({ rated: 1, satisfied: 1 });
    expect(figureChange(replied, rated('unsatisfied'), '2026-12-10')!.add).toEqual({ rated: 1 });
    expect(figureChange(replied, rated('satisfied', true), '2026-12-20')!.add).toEqual({ rated: 1, satisfied: 1 });
  });

  it('a step that changes no figure adds nothing (an extension asked, a review requested)', () => {
    expect(figureChange(accepted, { ...accepted, extension: { reason: '调查', workingDays: 2, requestedBy: 'h', requestedAt: at }, version: 3 }, '2026-12-03')).toBeUndefined();
  });
});

describe('what a finding adds to the appraisal, in the month it is made (投诉属实)', () => {
  it('a substantiated reply counts for the department, and for the staff member it names at fault; in the month of the reply, not of the filing', () => {
    expect(figureChange(accepted, replied, '2027-01-04')!.substantiated).toEqual({ month: '2027-01', rows: ['DEPT#amr'] });
    const atFault = { ...replied, reply: { ...replied.reply!, staffAtFault: 'clerk.amr' } };
    expect(figureChange(accepted, atFault, '2026-12-08')).toMatchObject({ month: '2026-12', substantiated: { month: '2026-12', rows: ['DEPT#amr', 'STAFF#clerk.amr'] } });
  });

  it('a complaint about a window counts for the window too; an unfounded reply counts for nobody', () => {
    const aboutWindow = { ...accepted, subject: { type: 'window' as const, windowId: 'a03' } };
    expect(figureChange(aboutWindow, { ...aboutWindow, state: 'replied', reply: { text: '属实', substantiated: true, by: 'head', at }, version: 3 }, '2026-12-08')!.substantiated).toEqual({ month: '2026-12', rows: ['DEPT#amr', 'WINDOW#a03'] });
    expect(figureChange(accepted, { ...replied, reply: { ...replied.reply!, substantiated: false } }, '2026-12-08')!.substantiated).toBeUndefined();
  });

  it('a review overturning an unfounded reply counts once; one confirming a substantiated reply adds nothing', () => {
    const denied = { ...replied, state: 'under_review' as const, reply: { ...replied.reply!, substantiated: false }, review: { reason: '不服', requestedAt: at } };
    const overturned = { ...denied, state: 'closed' as const, review: { ...denied.review, answer: '复核属实', substantiated: true, by: 'sup', at } };
    expect(figureChange(denied, overturned, '2026-12-20')).toEqual({ month: '2026-12', rows: [], add: {}, substantiated: { month: '2026-12', rows: ['DEPT#amr'] } });
    const confirmed = { ...replied, state: 'closed' as const, review: { reason: '不服', requestedAt: at, answer: '维持', substantiated: true, by: 'sup', at } };
    expect(figureChange({ ...replied, state: 'under_review', review: { reason: '不服', requestedAt: at } }, confirmed, '2026-12-20')).toBeUndefined();
  });
});

describe('rates from the counts', () => {
  it('response, on-time reply and satisfaction, by hand; none where nothing is counted under one', () => {
    expect(figureRow({ filed: 8, decided: 7, decidedOnTime: 6, assigned: 6, replied: 4, repliedOnTime: 3, rated: 3, satisfied: 2 })).toEqual({
      filed: 8, decided: 7, decidedOnTime: 6, notAccepted: 0, assigned: 6, replied: 4, repliedOnTime: 3, substantiated: 0, rated: 3, satisfied: 2,
      responseRate: 0.75, onTimeRate: 0.75, satisfactionRate: 0.6667,
    });
    expect(figureRow({})).toEqual({ filed: 0, decided: 0, decidedOnTime: 0, notAccepted: 0, assigned: 0, replied: 0, repliedOnTime: 0, substantiated: 0, rated: 0, satisfied: 0 });
  });
});
