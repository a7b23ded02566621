import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth';
import { addWorkingDays, workingDaysBetween } from '#shared/calendar';
import { HttpProblem } from '#shared/errors';
import { decide, type CaseRecord } from '../../../functions/cases/lifecycle.ts';
import { newCase } from '../../../functions/cases/rules.ts';
import { act, approver, cal, clerk, CONSTRUCTION, CONTRACTOR, intake, itemVersion, owner, refusal, refusalOf, staff, T } from './case-fixtures.ts';

/**
 * Hearings (听证, arts. 46–48), the center's coordination of a co-department's
 * dissent (协调) and the separation of review and decision (审查与审批分离), on
 * the demo center's real items and the real 2026 calendar (March 2026 has no
 * holiday). Who may act when is the lifecycle table's (lifecycle.test.ts).
 */

/** Accepted Mon 03-02 10:00 and reviewed: in review. CONSTRUCTION: promised 3 → Thu 03-05, statutory 7 → Wed 03-11. */
function inReview(code: string): CaseRecord {
  const c = intake(code);
  const a = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
  return act(a, 'review', { opinion: '材料齐全，进入审查' }, T('03-02', '11:00'), clerk(a)).next;
}

const supervisor: Caller = { userId: 'supervisor-1', username: 'supervisor', roles: ['supervisor'], centerId: 'c1' };
const parties = [{ name: '示范科技有限公司', role: 'applicant' as const }, { name: '李四', role: 'interested_party' as const }];

describe('hearings', () => {
  const reviewing = inReview(CONSTRUCTION);
  const noticed = act(reviewing, 'noticeHearingRight', { parties }, T('03-03', '10:00'), clerk(reviewing));

  it('the notice of the right records who was told and when; the parties may ask for 5 working days; the event names nobody, only the places of those told by post', () => {
    expect(noticed.next.hearing).toEqual({ rightNotice: { parties, toldAt: T('03-03', '10:00'), requestDue: '2026-03-10' } });
    expect(addWorkingDays(cal, '2026-03-03', 5)).toBe('2026-03-10');
    expect(noticed.next.state).toBe('under_review');
    expect(noticed.details).toEqual({ requestDue: '2026-03-10', told: { applicant: 1, interestedParties: 1 }, byPost: [1] });
    expect(refusalOf(() => act(reviewing, 'noticeHearingRight', { parties: [parties[1]] }, T('03-03', '10:00'), clerk(reviewing)))).toMatchObject({
      type: 'hearing-input-invalid', errors: ['/body/parties applicant_not_told'],
    });
  });

  it("the applicant's request stops the clock until the outcome; held within 20 working days, at least 7 days after its notice", () => {
    const at = T('03-04', '10:00');
    // The applicant on the own case asks as the applicant, whatever the body says.
    const asked = act(noticed.next, 'requestHearing', { partyRole: 'interested_party', reason: '对许可条件有异议' }, at, owner);
    const organiseBy = addWorkingDays(cal, '2026-03-04', 20);
    expect(organiseBy).toBe('2026-04-01');
    expect(asked.next).toMatchObject({
      state: 'suspended',
      hearing: { request: { by: 'applicant', party: '示范科技有限公司', reason: '对许可条件有异议', at, organiseBy } },
      suspension: { kind: 'hearing', reason: '对许可条件有异议', expectedWorkingDays: 20, from: at },
      deadlines: {},
    });
    expect(asked.clockChange).toEqual({ effect: 'suspend', at, suspension: { kind: 'hearing', reason: '对许可条件有异议', expectedWorkingDays: 20 } });
    expect(asked.details).toEqual({ partyRole: 'interested_party', reason: '对许可条件有异议', by: 'applicant', organiseBy });

    const when = (at: string) => ({ at, place: '三楼听证室' });
    const scheduledAt = T('03-06', '09:00');
    expect(refusalOf(() => act(asked.next, 'scheduleHearing', when(T('04-02', '09:30')), scheduledAt, clerk(asked.next)))).toMatchObject({
      type: 'hearing-input-invalid', errors: ['/body/at after_organise_by'],
    });
    expect(refusal(() => act(asked.next, 'scheduleHearing', when(T('03-06', '08:00')), scheduledAt, clerk(asked.next)))).toEqual(['/body/at not_future']);
    const scheduled = act(asked.next, 'scheduleHearing', when(T('04-01', '09:30')), scheduledAt, clerk(asked.next)); // its last day still counts
    expect(scheduled.next.hearing?.schedule).toEqual({ at: T('04-01', '09:30'), place: '三楼听证室', noticedAt: scheduledAt });
    expect(scheduled.details).toEqual({ at: T('04-01', '09:30'), place: '三楼听证室', hearingDate: '2026-04-01', hearingTime: '09:30', byPost: [1] });
    expect(scheduled.next.state).toBe('suspended');

    expect(refusal(() => act(scheduled.next, 'recordHearingOutcome', { outcome: '听证笔录' }, T('04-01', '09:00'), approver(scheduled.next)))).toEqual(['/body/outcome not_held_yet']);
    const heldAt = T('04-01', '11:00');
    const held = act(scheduled.next, 'recordHearingOutcome', { outcome: '申请人陈述意见，认可整改方案' }, heldAt, approver(scheduled.next));
    expect(held.next).toMatchObject({ state: 'under_review', suspension: undefined, hearing: { outcome: { summary: '申请人陈述意见，认可整改方案', at: heldAt } } });
    // The hearing's working days do not count: the deadlines move back by them.
    const k = workingDaysBetween(cal, '2026-03-04', '2026-04-01');
    expect(k).toBe(20);
    expect(held.next.deadlines).toEqual({ promisedDue: addWorkingDays(cal, '2026-03-05', k), statutoryDue: addWorkingDays(cal, '2026-03-11', k) });
    // One hearing a case; the decision is open again.
    expect(decide('requireHearing', held.next, { caller: approver(held.next), today: '2026-04-02' })).toMatchObject({ ok: false, refusal: { status: 409 } });
    expect(decide('approve', held.next, { caller: approver(held.next), today: '2026-04-02' }).ok).toBe(true);
  });

  describe('the parties are told at least 7 days before (art. 48, 七日前通知)', () => {
    const asked = act(noticed.next, 'requestHearing', { partyRole: 'applicant' }, T('03-04', '10:00'), owner).next; // organised by 04-01
    const scheduleAt = (now: string, at: string) => () => act(asked, 'scheduleHearing', { at, place: '三楼听证室' }, now, clerk(asked));

    it.each([
      ['6 days after the notice', T('03-12', '09:30'), ['/body/at notice_too_short']],
      ['the same day, later', T('03-06', '15:00'), ['/body/at notice_too_short']],
      ['7 days after, earlier in the day than the notice: days are calendar dates', T('03-13', '08:00'), []],
      ['7 days after, 5 working days: calendar days count', T('03-13', '09:30'), []],
    ])('told Fri 03-06 09:00, held %s', (_, at, errors) => {
      if (errors.length) expect(refusalOf(scheduleAt(T('03-06', '09:00'), at))).toMatchObject({ type: 'hearing-input-invalid', errors });
      else expect(scheduleAt(T('03-06', '09:00'), at)().next.hearing?.schedule?.at).toBe(at);
    });

    it('a new time told later needs its own 7 days', () => {
      const scheduled = act(asked, 'scheduleHearing', { at: T('03-20', '09:30'), place: '三楼听证室' }, T('03-06', '09:00'), clerk(asked)).next;
      const again = (at: string) => () => act(scheduled, 'scheduleHearing', { at, place: '二楼会议室' }, T('03-16', '09:00'), clerk(scheduled));
      expect(refusal(again(T('03-20', '09:30')))).toEqual(['/body/at notice_too_short']);
      expect(again(T('03-23', '09:30'))().next.hearing?.schedule).toEqual({ at: T('03-23', '09:30'), place: '二楼会议室', noticedAt: T('03-16', '09:00') });
    });

    it('told on the last day that leaves 7 days before the organisation day, the hearing is held on that day', () => {
      expect(scheduleAt(T('03-25', '17:00'), T('04-01', '09:30'))().next.hearing?.schedule?.at).toBe(T('04-01', '09:30'));
    });

    it('told later, when no time meets both limits: the notice wins, the soonest lawful day only, recorded past the organisation day', () => {
      // Organised by 04-01; told on 03-26, the soonest day with 7 days' notice is 04-02.
      expect(refusal(scheduleAt(T('03-26', '09:00'), T('04-01', '09:30')))).toEqual(['/body/at notice_too_short']);
      let fault: unknown;
      try {
        scheduleAt(T('03-26', '09:00'), T('04-03', '09:30'))();
      } catch (err) {
        fault = err instanceof HttpProblem ? { type: err.problem.slug, errors: err.errors } : err;
      }
      expect(fault).toEqual({
        type: 'hearing-input-invalid',
        errors: [{
          path: '/body/at', code: 'after_organise_by',
          message: { zh: '组织期限 2026-04-01 已无法满足（须提前 7 日通知）：听证须在 2026-04-02 举行', en: "the organisation day 2026-04-01 can no longer be met with 7 days' notice: the hearing is held on 2026-04-02" },
        }],
      });
      const late = act(asked, 'scheduleHearing', { at: T('04-02', '14:00'), place: '三楼听证室' }, T('03-26', '09:00'), clerk(asked));
      expect(late.next.hearing?.schedule).toEqual({ at: T('04-02', '14:00'), place: '三楼听证室', noticedAt: T('03-26', '09:00'), pastOrganiseBy: true });
      expect(late.details).toMatchObject({ hearingDate: '2026-04-02', pastOrganiseBy: true });
      // Within the organisation day, nothing is marked.
      expect(scheduleAt(T('03-25', '17:00'), T('04-01', '09:30'))().next.hearing?.schedule).not.toHaveProperty('pastOrganiseBy');
    });
  });

  it("a clerk records an interested party's request, which names the party; the event does not", () => {
    const at = T('03-04', '15:00');
    expect(refusalOf(() => act(noticed.next, 'requestHearing', { partyRole: 'interested_party' }, at, clerk(noticed.next)))).toMatchObject({
      type: 'hearing-input-invalid', errors: ['/body/party required'],
    });
    const asked = act(noticed.next, 'requestHearing', { partyRole: 'interested_party', party: '李四' }, at, clerk(noticed.next));
    expect(asked.next.hearing?.request).toEqual({ by: 'interested_party', party: '李四', at, organiseBy: addWorkingDays(cal, '2026-03-04', 20) });
    expect(asked.details).not.toHaveProperty('party');
  });

  it('the agency requires a hearing of its own motion, without a notice of the right', () => {
    const at = T('03-03', '16:00');
    const required = act(reviewing, 'requireHearing', { reason: '涉及公共利益' }, at, approver(reviewing));
    expect(required.next).toMatchObject({ state: 'suspended', hearing: { request: { by: 'agency', reason: '涉及公共利益', at, organiseBy: addWorkingDays(cal, '2026-03-03', 20) } } });
    expect(required.next.hearing?.rightNotice).toBeUndefined();
  });
});

describe('joint cases: opinions in parallel, dissent and coordination', () => {
  const accepted = (() => {
    const c = intake(CONTRACTOR);
    return act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
  })();
  const amrApprover = staff('approver', accepted, 'amr');

  it("a co-department's dissent, given from acceptance, blocks approval until the center coordinates; deny stays open", () => {
    const dissent = act(accepted, 'giveJointOpinion', { opinion: '资质条件不符', agrees: false }, T('03-02', '14:00'), amrApprover);
    expect(dissent.next.state).toBe('accepted');
    expect(dissent.next.jointSteps).toEqual([{ departmentId: 'amr', status: 'done', opinion: '资质条件不符', agrees: false, by: 'amr-approver', at: T('03-02', '14:00') }]);
    const reviewed = act(dissent.next, 'review', { opinion: '牵头部门审查通过' }, T('03-03', '09:00'), clerk(dissent.next)).next;
    const today = '2026-03-03';
    expect(decide('approve', reviewed, { caller: approver(reviewed), today })).toMatchObject({ ok: false, refusal: { status: 409, problem: { slug: 'joint-dissent' } } });
    expect(decide('deny', reviewed, { caller: approver(reviewed), today }).ok).toBe(true);

    const coordinated = act(reviewed, 'coordinate', { outcome: 'resolved', note: '经协调，补充业绩证明后同意' }, T('03-03', '15:00'), supervisor);
    expect(coordinated.next.coordination).toEqual({ outcome: 'resolved', note: '经协调，补充业绩证明后同意', by: 'supervisor-1', at: T('03-03', '15:00') });
    expect(coordinated.details).toEqual({ outcome: 'resolved', note: '经协调，补充业绩证明后同意', settles: ['amr'] });
    expect(coordinated.next.state).toBe('under_review');
    const approved = act(coordinated.next, 'approve', {}, T('03-04', '10:00'), approver(coordinated.next));
    expect(approved.next.state).toBe('approved');
  });
});

describe('review and decision by different people (审查与审批分离)', () => {
  const separated = itemVersion(CONSTRUCTION);
  const flagged = { ...separated, content: { ...separated.content, separateReviewAndDecision: true } };
  const received = (item: typeof separated) => newCase(cal, {
    caseNo: 'SF-20260302-00002', centerId: 'c1', timeZone: 'Asia/Shanghai', item, channel: 'online', now: T('03-02'),
    applicant: { applicantId: '01JQ0000000000000000000000', sub: 'sub-owner', kind: 'enterprise', name: '示范科技有限公司' },
    request: { materials: item.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })) },
  });

  it('the case carries the item flag; the approver who reviewed does not decide, another approver does', () => {
    expect(received(separated).item.separateReviewAndDecision).toBeUndefined();
    const c = received(flagged);
    expect(c.item.separateReviewAndDecision).toBe(true);
    const accepted = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
    const reviewer = approver(accepted);
    const reviewed = act(accepted, 'review', { opinion: '符合条件' }, T('03-02', '11:00'), reviewer).next;
    for (const action of ['approve', 'deny']) {
      expect(decide(action, reviewed, { caller: reviewer, today: '2026-03-03' })).toMatchObject({ ok: false, refusal: { status: 403, problem: { slug: 'review-and-decision-separate' } } });
    }
    const other: Caller = { ...reviewer, userId: 'housing-approver-2' };
    expect(act(reviewed, 'approve', {}, T('03-03'), other).next.state).toBe('approved');
  });
});
