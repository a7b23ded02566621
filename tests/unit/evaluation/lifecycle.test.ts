/**
 * The evaluation table: who may take each action on whose evaluation, in
 * which state and under which guard; and the rules each action applies
 * (indicator sets, deadlines on the 2026 calendar, counter deltas, figures).
 */
import { describe, expect, it } from 'vitest';
import { problemUri } from '#schemas/api/problems';
import type { Caller, StaffRole } from '#shared/auth';
import { HttpProblem } from '#shared/errors';
import { calendar2026 } from '#shared/calendar-2026';
import { workCalendar } from '#shared/calendar';
import { decide, nextActions, rowsOf, transitions, type EvaluationRecord } from '../../../functions/evaluation/lifecycle.ts';
import { figuresOf, ranked } from '../../../functions/evaluation/figures.ts';
import { applyAction, indicatorErrors, newInvitation, nextDueOf, rateByOf } from '../../../functions/evaluation/rules.ts';
import { stageConfig } from '../../../infra/config.ts';

const cal = workCalendar([calendar2026]);
const RATER = '01JRATERAAAAAAAAAAAAAAAAAA';
/** The stage defaults every stage deploys (5 / 1 / 15 working days). */
const ruleDefaults = stageConfig('dev').evaluationDefaults;

const staff = (role: StaffRole, departmentId?: string, centerId = 'c1'): Caller => ({ userId: `u-${role}-${departmentId ?? 'x'}`, username: role, roles: [role], centerId, ...(departmentId ? { departmentId } : {}) });
const applicant = (centerId = 'c1'): Caller => ({ userId: 'u-app', username: 'app', roles: ['applicant'], centerId });

function invited(over: Partial<EvaluationRecord> = {}): EvaluationRecord {
  return {
    ...newInvitation(cal, {
      evaluationId: '370982-20261120-00001', type: 'case', centerId: 'c1', timeZone: 'Asia/Shanghai', departmentId: 'amr', applicantId: RATER,
      caseNo: '370982-20261120-00001', itemCode: 'ITEM-1', itemName: '个体工商户登记', invitedAt: '2026-11-20T02:00:00.000Z', now: '2026-11-20T02:00:00.000Z', settings: ruleDefaults,
    }),
    ...over,
  };
}

const rateBody = (rating: number, comment?: string) => ({ rating, indicators: { efficiency: rating, guideAccuracy: 3, convenience: 3, platformUsability: 4 }, ...(comment ? { comment } : {}) });
/** A refusal with its status and problem type (the last segment of its URI). */
const refused = (status: number, slug: string) => ({ ok: false, refusal: expect.objectContaining({ status, type: problemUri(slug) }) });
const ctxOf = (today: string, now = `${today}T03:00:00.000Z`) => ({ cal, now, today, settings: ruleDefaults, rater: { applicantId: RATER, name: '张三' } });

/** Runs the action as `caller` on `e` (decide, then the rules). */
function run(e: EvaluationRecord, action: string, caller: Caller | undefined, body: Record<string, unknown>, today: string, callerApplicantId?: string) {
  const d = decide(action, e, { ...(caller ? { caller } : {}), ...(callerApplicantId ? { callerApplicantId } : {}), today });
  if (!d.ok) throw new Error(`${action}: ${d.refusal.status} ${d.refusal.detail}`);
  return applyAction(e, d.transition, body, { ...ctxOf(today), ...(caller ? { caller } : {}) });
}

describe('the invitation', () => {
  it('gives the rater 5 working days after the completion, counted on the calendar', () => {
    // Thu 24 Sep → 中秋 25–27, Mon 28 (1) … Wed 30 (3), 国庆 1–7 Oct, Thu 8 (4), Fri 9 (5).
    expect(rateByOf(cal, '2026-09-24T10:00:00+08:00', 5)).toEqual({ rateBy: '2026-10-09' });
    // Thu 30 Apr → 劳动节 1–5 May, Wed 6 … Fri 8 (3), Sat 9 worked (调休, 4), Mon 11 (5).
    expect(rateByOf(cal, '2026-04-30T10:00:00+08:00', 5)).toEqual({ rateBy: '2026-05-11' });
    // The completion day is the center's: 23:30 UTC on 24 Sep is 25 Sep in Shanghai.
    expect(rateByOf(cal, '2026-09-24T23:30:00Z', 5)).toEqual({ rateBy: '2026-10-09' });
    expect(rateByOf(cal, '2026-12-28T10:00:00+08:00', 5)).toEqual({ missingCalendarYear: 2027 });
    const e = invited();
    expect(e).toMatchObject({ state: 'invited', version: 1, indicatorSet: 'online', ratingWorkingDays: 5, rateBy: '2026-11-27' });
  });

  it('uses the online indicator set per case and the offline set per window visit', () => {
    expect(invited().indicatorSet).toBe('online');
    const visit = newInvitation(cal, {
      evaluationId: '01JVISITAAAAAAAAAAAAAAAAAA', type: 'window_visit', centerId: 'c1', timeZone: 'Asia/Shanghai', departmentId: 'amr', applicantId: RATER,
      windowId: 'a03', invitedAt: '2026-11-20T02:00:00.000Z', now: '2026-11-20T02:00:00.000Z', settings: ruleDefaults,
    });
    expect(visit.indicatorSet).toBe('offline');
    expect(indicatorErrors('offline', { efficiency: 5, serviceLevel: 5, attitude: 5 })).toEqual([]);
    expect(indicatorErrors('offline', { efficiency: 5, serviceLevel: 5, platformUsability: 5 }).map((e) => [e.path, e.code])).toEqual([
      ['/body/indicators/attitude', 'required'],
      ['/body/indicators/platformUsability', 'not_in_set'],
    ]);
  });
});

describe('who may do what (the table)', () => {
  const e = invited();
  const today = '2026-11-24';

  it('only the rater rates, only within the rating period', () => {
    expect(decide('rate', e, { caller: applicant(), callerApplicantId: RATER, today }).ok).toBe(true);
    expect(decide('rate', e, { caller: applicant(), callerApplicantId: '01JOTHERAAAAAAAAAAAAAAAAAA', today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', e, { caller: applicant('c2'), callerApplicantId: RATER, today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', e, { caller: staff('clerk', 'amr'), today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', e, { caller: applicant(), callerApplicantId: RATER, today: '2026-11-27' }).ok).toBe(true);
    expect(decide('rate', e, { caller: applicant(), callerApplicantId: RATER, today: '2026-11-30' })).toMatchObject(refused(409, 'rating-period-over'));
  });

  it('the system defaults only after the rating period; nobody else may', () => {
    expect(decide('default', e, { today: '2026-11-27' })).toMatchObject(refused(409, 'wrong-state'));
    expect(decide('default', e, { today: '2026-11-28' }).ok).toBe(true);
    expect(decide('default', e, { caller: staff('supervisor'), today: '2026-11-28' })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('default', { ...e, state: 'rated' }, { today: '2026-11-28' })).toMatchObject(refused(409, 'wrong-state'));
  });

  it('the handling department calls back and rectifies; the call-back comes first; others are refused', () => {
    const bad = run(e, 'rate', applicant(), rateBody(1, '材料清单与窗口要求不一致'), today, RATER).next;
    expect(bad.state).toBe('rectifying');
    expect(decide('rectify', bad, { caller: staff('clerk', 'amr'), today })).toMatchObject(refused(409, 'call-back-required'));
    expect(decide('callBack', bad, { caller: staff('clerk', 'health'), today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('callBack', bad, { caller: staff('approver', 'amr'), today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('callBack', bad, { caller: staff('supervisor'), today })).toMatchObject(refused(403, 'forbidden'));
    const called = run(bad, 'callBack', staff('clerk', 'amr'), { reached: true, summary: '已电话回访' }, today).next;
    expect(decide('callBack', called, { caller: staff('clerk', 'amr'), today })).toMatchObject(refused(409, 'call-back-recorded'));
    const rectified = run(called, 'rectify', staff('dept_admin', 'amr'), { outcome: 'fixed', measures: '统一材料清单' }, today);
    // Fixed by its due date: counted in the month the rectification falls due.
    expect(rectified.counts).toEqual({ month: '2026-11', dueMonth: called.tasks!.rectification.due!.slice(0, 7), dimensions: { departmentId: 'amr', itemCode: 'ITEM-1' }, delta: { badFixedOnTime: 1 } });
    const fixed = rectified.next;
    expect(fixed.state).toBe('fix_to_rate');
    expect(nextActions(fixed, { caller: applicant(), callerApplicantId: RATER, today })).toEqual(['rateFix']);
    expect(nextActions(fixed, { caller: staff('dept_admin', 'amr'), today })).toEqual(['appeal']);
    const closed = run(fixed, 'rateFix', applicant(), { rating: 4 }, today, RATER);
    expect(closed.next.state).toBe('closed');
    expect(closed.counts).toEqual({ month: '2026-11', dimensions: { departmentId: 'amr', itemCode: 'ITEM-1' }, delta: { fixRated: 1, fixGood: 1 } });
  });

  it('the department admin appeals once; a supervisor decides: upheld excludes, rejected returns', () => {
    const bad = run(e, 'rate', applicant(), rateBody(2, '态度不好'), today, RATER).next;
    expect(decide('appeal', bad, { caller: staff('clerk', 'amr'), today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('appeal', bad, { caller: staff('dept_admin', 'health'), today })).toMatchObject(refused(403, 'forbidden'));
    const appealed = run(bad, 'appeal', staff('dept_admin', 'amr'), { reason: 'malicious', statement: '评价人当日未到窗口办理' }, today).next;
    expect(appealed).toMatchObject({ state: 'appealed', appeal: { reason: 'malicious', fromState: 'rectifying' } });
    expect(decide('decideAppeal', appealed, { caller: staff('center_admin'), today })).toMatchObject(refused(403, 'forbidden'));
    const rejected = run(appealed, 'decideAppeal', staff('supervisor'), { upheld: false, opinion: '证据不足' }, today);
    expect(rejected.next.state).toBe('rectifying');
    expect(rejected.counts).toBeUndefined();
    expect(decide('appeal', rejected.next, { caller: staff('dept_admin', 'amr'), today })).toMatchObject(refused(409, 'already-appealed'));
    const upheld = run(appealed, 'decideAppeal', staff('supervisor'), { upheld: true, opinion: '经核实属恶意差评' }, today);
    expect(upheld.next.state).toBe('excluded');
    expect(upheld.counts?.delta).toEqual({ total: -1, r2: -1, bad: -1, proactive: -1, badDue: -1, excluded: 1 });
    // Excluded after a rectification on time: it leaves both rectification counts of the month it was due.
    const called = run(bad, 'callBack', staff('clerk', 'amr'), { reached: true, summary: '已电话回访' }, today).next;
    const fixed = run(called, 'rectify', staff('clerk', 'amr'), { outcome: 'fixed', measures: '改进服务' }, today).next;
    const appealedLate = run(fixed, 'appeal', staff('dept_admin', 'amr'), { reason: 'malicious', statement: '评价人当日未到窗口办理' }, today).next;
    const excluded = run(appealedLate, 'decideAppeal', staff('supervisor'), { upheld: true, opinion: '经核实属恶意差评' }, today);
    expect(excluded.counts).toMatchObject({ month: '2026-11', dueMonth: fixed.tasks!.rectification.due!.slice(0, 7), delta: { badDue: -1, badFixedOnTime: -1, excluded: 1 } });
  });

  it('counts for the staff and window it is attributed to: a case\'s intake clerk and decider (once when the same), a visit\'s server', () => {
    const attributed = { ...e, windowId: 'w-01', staffIds: ['sub-clerk', 'sub-approver'] };
    expect(run(attributed, 'rate', applicant(), rateBody(5), today, RATER).counts?.dimensions).toEqual({ departmentId: 'amr', itemCode: 'ITEM-1', windowId: 'w-01', staffIds: ['sub-clerk', 'sub-approver'] });
    // An immediate case: the clerk who took it in decided it too, and counts once.
    const once = newInvitation(cal, {
      evaluationId: '370982-20261120-00002', type: 'case', centerId: 'c1', timeZone: 'Asia/Shanghai', departmentId: 'amr', applicantId: RATER,
      staffIds: ['sub-clerk', 'sub-clerk'], invitedAt: '2026-11-20T02:00:00.000Z', now: '2026-11-20T02:00:00.000Z', settings: ruleDefaults,
    });
    expect(once.staffIds).toEqual(['sub-clerk']);
  });

  it('every action has one row per actor set and names its event', () => {
    for (const t of transitions) expect(t.event).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(rowsOf('rate')).toHaveLength(1);
    expect(new Set(transitions.map((t) => t.event)).size).toBe(transitions.length);
  });
});

describe('the table as a matrix: every action × every role × own/other department × own/other center', () => {
  // Who takes each action on an evaluation of department amr in center c1, written out apart from the table.
  const takers: Record<string, readonly string[]> = {
    rate: ['rater'], callBack: ['clerk', 'dept_admin'], rectify: ['clerk', 'dept_admin'], rateFix: ['rater'], appeal: ['dept_admin'], decideAppeal: ['supervisor'],
  };
  const stateFor: Record<string, Partial<EvaluationRecord>> = {
    rate: {},
    callBack: { state: 'rectifying', tasks: { openedAt: 'x', callBack: {}, rectification: {} } },
    rectify: { state: 'rectifying', tasks: { openedAt: 'x', callBack: { doneAt: 'x' }, rectification: {} } },
    rateFix: { state: 'fix_to_rate' },
    appeal: { state: 'rectifying' },
    decideAppeal: { state: 'appealed', appeal: { reason: 'mistaken', statement: 'x', by: 'x', at: 'x', fromState: 'rectifying' } },
  };
  const roles = ['rater', 'other applicant', 'clerk', 'approver', 'dept_admin', 'center_admin', 'supervisor', 'auditor'] as const;
  const cells = Object.keys(takers).flatMap((action) => roles.flatMap((role) => (['own', 'other'] as const).flatMap((dept) => (['own', 'other'] as const).map((center) => ({ action, role, dept, center })))));

  it.each(cells)('$action · $role · $dept department · $center center', ({ action, role, dept, center }) => {
    const e = invited(stateFor[action]);
    const centerId = center === 'own' ? 'c1' : 'c2';
    const applicantRole = role === 'rater' || role === 'other applicant';
    const caller = applicantRole ? applicant(centerId) : staff(role, dept === 'own' ? 'amr' : 'health', centerId);
    const d = decide(action, e, { caller, ...(applicantRole ? { callerApplicantId: role === 'rater' ? RATER : '01JOTHERAAAAAAAAAAAAAAAAAA' } : {}), today: '2026-11-24' });
    const allowed = center === 'own' && takers[action]!.includes(role) && (applicantRole || role === 'supervisor' || dept === 'own');
    expect(d.ok, d.ok ? '' : d.refusal.detail).toBe(allowed);
    if (!d.ok) expect(d.refusal.type).toBe(problemUri('forbidden'));
  });
});

describe('the rules', () => {
  const e = invited();

  it('a bad review opens a call-back due the next working day and a rectification due in 15, on the calendar', () => {
    // Fri 25 Sep 2026 is 中秋: a review on Thu 24 Sep has its call-back due Mon 28 Sep.
    const bad = applyAction({ ...e, rateBy: '2026-10-09' }, rowsOf('rate')[0]!, rateBody(1, '多次往返'), ctxOf('2026-09-24'));
    expect(bad.next.tasks).toEqual({ openedAt: '2026-09-24T03:00:00.000Z', callBack: { due: '2026-09-28' }, rectification: { due: '2026-10-22' } });
    expect(nextDueOf(bad.next)).toBe('2026-09-28');
    expect(bad.next.rater).toEqual({ applicantId: RATER, name: '张三' });
    // The rectification falls due in October: the bad review is due (badDue) there, not in September.
    expect(bad.counts).toEqual({ month: '2026-09', dueMonth: '2026-10', dimensions: { departmentId: 'amr', itemCode: 'ITEM-1' }, delta: { total: 1, r1: 1, bad: 1, proactive: 1, badDue: 1 } });
    expect(bad.details).toEqual({ commented: true });
  });

  it('a bad review needs a comment; indicators must be those of the set', () => {
    const refusal = (body: Record<string, unknown>) => {
      try {
        applyAction(e, rowsOf('rate')[0]!, body, ctxOf('2026-11-24'));
        return { paths: [] };
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        return { status: err.status, type: err.type, paths: (err.errors ?? []).map((x) => x.path) };
      }
    };
    expect(refusal(rateBody(2))).toEqual({ status: 422, type: problemUri('bad-review-comment-required'), paths: ['/body/comment'] });
    expect(refusal({ rating: 5, indicators: { efficiency: 5, attitude: 5 } })).toEqual({
      status: 422,
      type: problemUri('indicators-not-of-set'),
      paths: ['/body/indicators/guideAccuracy', '/body/indicators/convenience', '/body/indicators/platformUsability', '/body/indicators/attitude'],
    });
    // Both rules broken: every fault named, under the first rule's type.
    expect(refusal({ rating: 1, indicators: { efficiency: 1, serviceLevel: 1, attitude: 1 } })).toMatchObject({
      type: problemUri('indicators-not-of-set'),
      paths: expect.arrayContaining(['/body/indicators/serviceLevel', '/body/comment']),
    });
    expect(refusal(rateBody(5))).toEqual({ paths: [] });
  });

  it('a good rating counts proactive and good; a default counts satisfied (4) and not rated', () => {
    expect(applyAction(e, rowsOf('rate')[0]!, rateBody(5), ctxOf('2026-11-24')).counts?.delta).toEqual({ total: 1, r5: 1, good: 1, proactive: 1, proactiveGood: 1 });
    const d = applyAction(e, rowsOf('default')[0]!, {}, ctxOf('2026-12-01'));
    expect(d.next).toMatchObject({ state: 'defaulted', rating: { rating: 4, proactive: false, indicators: {} }, counted: { month: '2026-12', rating: 4, proactive: false } });
    expect(d.counts?.delta).toEqual({ total: 1, r4: 1, good: 1, defaulted: 1 });
  });

  it('figures: good-review, proactive good-review and not-rated rates over the evaluations counted', () => {
    const f = figuresOf({ total: 8, proactive: 6, good: 6, bad: 2, proactiveGood: 4, defaulted: 2, r1: 1, r2: 1, r4: 2, r5: 4 });
    expect(f).toMatchObject({ total: 8, goodRate: 0.75, proactiveGoodRate: 0.5, notRatedRate: 0.25, byRating: { 1: 1, 2: 1, 3: 0, 4: 2, 5: 4 } });
    expect(f.goodRate).toBeCloseTo(f.proactiveGoodRate! + f.notRatedRate!);
    expect(figuresOf({})).toEqual(expect.not.objectContaining({ goodRate: expect.anything() }));
    const rows = ranked([
      { windowId: 'b', figures: figuresOf({ total: 2, good: 2 }) },
      { windowId: 'a', figures: figuresOf({ total: 4, good: 4 }) },
      { windowId: 'c', figures: figuresOf({ total: 4, good: 1 }) },
      { windowId: 'd', figures: figuresOf({}) },
    ]);
    expect(rows.map((r) => [r.windowId, r.rank])).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', undefined]]);
  });

  it('a window with nothing counted is not ranked, never first: no rank, after every ranked one', () => {
    // 'a' sorts first by id; its only rating excluded on appeal leaves its row with nothing counted.
    const rows = ranked([
      { windowId: 'a', figures: figuresOf({ total: 0, excluded: 1 }) },
      { windowId: 'z', figures: figuresOf({ total: 3, good: 1, bad: 2 }) },
      { windowId: 'b', figures: figuresOf({}) },
    ]);
    expect(rows.map((r) => [r.windowId, r.rank])).toEqual([['z', 1], ['a', undefined], ['b', undefined]]);
    expect(rows.filter((r) => r.rank !== undefined)).toHaveLength(1);
  });
});
