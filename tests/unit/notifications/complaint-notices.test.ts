/**
 * The complainant's notices (functions/notifications/complaint-notices.ts):
 * which steps are told, what each says, one SMS part each, the words the
 * complainant is told read from the complaint (never from the event), and the
 * contact's channel.
 */
import { describe, expect, it } from 'vitest';
import type { ComplaintEventData } from '#schemas/events/complaints';
import { complainantNoticeTypes, contactOf, renderComplaintNotice } from '../../../functions/notifications/complaint-notices.ts';
import { smsParts } from '../../../functions/notifications/templates.ts';
import type { ComplaintRecord } from '../../../functions/complaints/lifecycle.ts';

const data: ComplaintEventData = {
  complaintId: '01JCMPXAAAAAAAAAAAAAAAAAAA', action: 'reply', toState: 'replied', channel: 'website', category: 'rudeness',
  subject: { type: 'department', departmentId: 'amr' }, departmentId: 'amr', complaintVersion: 3,
  acceptDue: '2026-12-07', replyDue: '2026-12-14', rateDue: '2026-12-21', details: { reason: 'unverifiable' },
};
const complaint = {
  notAccepted: { reason: 'unverifiable', explanation: '所述时间窗口无人值守，无法核实', by: 'sup', at: '2026-12-03T02:00:00.000Z' },
  reply: { text: '经调查属实，已对当事人批评教育', substantiated: true, by: 'head', at: '2026-12-10T02:00:00.000Z' },
  review: { reason: '不服', requestedAt: '2026-12-11T02:00:00.000Z', answer: '复核维持原答复', substantiated: true },
} as unknown as ComplaintRecord;

describe('the complainant is told', () => {
  it('of six steps, and of nothing internal (an extension asked, a rating, a review asked)', () => {
    expect([...complainantNoticeTypes].sort()).toEqual(['ComplaintAccepted', 'ComplaintExtensionApproved', 'ComplaintFiled', 'ComplaintNotAccepted', 'ComplaintReplied', 'ComplaintReviewAnswered']);
    for (const t of ['ComplaintExtensionRequested', 'ComplaintRated', 'ComplaintReviewRequested', 'ComplaintClosed']) expect(renderComplaintNotice(t, data, complaint)).toBeUndefined();
  });

  it.each([
    ['ComplaintFiled', '将于2026-12-07前决定是否受理', '01JCMPXAAAAAAAAAAAAAAAAAAA'],
    ['ComplaintAccepted', '将于2026-12-14前答复', '2026-12-14'],
    ['ComplaintNotAccepted', '不予受理，原因：无法核实', '说明：所述时间窗口无人值守，无法核实'],
    ['ComplaintExtensionApproved', '延至2026-12-14', '延至 2026-12-14'],
    ['ComplaintReplied', '请于2026-12-21前评价', '已答复：经调查属实，已对当事人批评教育'],
    ['ComplaintReviewAnswered', '投诉已办结', '复核意见：复核维持原答复'],
  ])('%s: the SMS in one part, the email with the words from the complaint', (type, sms, text) => {
    const m = renderComplaintNotice(type, data, complaint)!;
    expect(smsParts(m.sms), m.sms).toBe(1);
    expect(m.sms).toContain(sms);
    expect(m.text).toContain(text);
    expect(`${m.subject}${m.text}${m.sms}`).not.toContain('undefined');
  });

  it('by email at an address, by SMS at a number, not at all without a contact', () => {
    expect(contactOf('zhang@example.com')).toEqual({ email: 'zhang@example.com' });
    expect(contactOf('13912345678')).toEqual({ phone: '13912345678' });
    expect(contactOf(undefined)).toEqual({});
  });
});
