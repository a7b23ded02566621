/**
 * A visit nobody identified (一次一评 with the ticket slip): its evaluation has
 * no applicant but the slip; only the slip's holder rates it, as a signed-in
 * rater would and counted alike; the event names no rater and never carries
 * the code's hash; a bad review closes at its rectification.
 */
import { describe, expect, it } from 'vitest';
import { problemUri } from '#schemas/api/problems';
import { evaluationEventSchemas } from '#schemas/events/evaluation';
import type { Caller } from '#shared/auth';
import { calendar2026 } from '#shared/calendar-2026';
import { workCalendar } from '#shared/calendar';
import { validationErrors } from '#shared/validate';
import { evaluationEvent } from '../../../functions/evaluation/events.ts';
import { decide, type Context, type EvaluationRecord } from '../../../functions/evaluation/lifecycle.ts';
import { applyAction, newInvitation } from '../../../functions/evaluation/rules.ts';
import { stageConfig } from '../../../infra/config.ts';

const cal = workCalendar([calendar2026]);
const settings = stageConfig('dev').evaluationDefaults;
const slip = { ticketId: '20261120-01JTCKETAAAAAAAAAAAAAAAAAA', codeHash: 'h'.repeat(43) };
const RATER = '01JRATERAAAAAAAAAAAAAAAAAA';
const visit = (who: { slip: typeof slip } | { applicantId: string }): EvaluationRecord => newInvitation(cal, {
  evaluationId: '01JVSTAAAAAAAAAAAAAAAAAAAA', type: 'window_visit', centerId: 'c1', timeZone: 'Asia/Shanghai', departmentId: 'amr', windowId: 'a03', itemCode: 'ITEM-1',
  invitedAt: '2026-11-20T02:00:00.000Z', now: '2026-11-20T02:00:00.000Z', settings, ...who,
});
const anonymous = visit({ slip });
const identified = visit({ applicantId: RATER });
const today = '2026-11-24';
const applicant: Caller = { userId: 'u-app', username: 'app', roles: ['applicant'], centerId: 'c1' };
const clerk: Caller = { userId: 'u-clerk', username: 'clerk', roles: ['clerk'], centerId: 'c1', departmentId: 'amr' };
const good = { rating: 5, indicators: { efficiency: 5, serviceLevel: 4, attitude: 5 } };
const refused = (status: number, slug: string) => ({ ok: false, refusal: expect.objectContaining({ status, type: problemUri(slug) }) });

function act(e: EvaluationRecord, action: string, ctx: Context, body: Record<string, unknown>, day = today) {
  const d = decide(action, e, ctx);
  if (!d.ok) throw new Error(`${action}: ${d.refusal.status}`);
  return applyAction(e, d.transition, body, {
    cal, now: `${day}T03:00:00.000Z`, today: day, settings,
    ...(ctx.caller ? { caller: ctx.caller } : {}),
    ...(ctx.callerApplicantId ? { rater: { applicantId: ctx.callerApplicantId, name: '张三' } } : {}),
  });
}

describe('an anonymous visit\'s evaluation', () => {
  it('is opened with the slip instead of an applicant, on the offline set', () => {
    expect(anonymous).toMatchObject({ state: 'invited', indicatorSet: 'offline', slip, rateBy: '2026-11-27' });
    expect(anonymous).not.toHaveProperty('applicantId');
    expect(identified).not.toHaveProperty('slip');
  });

  it('is rated by the slip\'s holder only, once, within the rating period', () => {
    expect(decide('rate', anonymous, { slipHolder: true, today }).ok).toBe(true);
    // The slip proves nothing on an identified visitor's evaluation; no account is an anonymous visit's rater.
    expect(decide('rate', identified, { slipHolder: true, today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', anonymous, { caller: applicant, callerApplicantId: RATER, today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', anonymous, { caller: clerk, today })).toMatchObject(refused(403, 'forbidden'));
    // A slip holder takes no other action, even on the state that would allow it.
    expect(decide('rateFix', { ...anonymous, state: 'fix_to_rate' }, { slipHolder: true, today })).toMatchObject(refused(403, 'forbidden'));
    expect(decide('rate', { ...anonymous, state: 'rated' }, { slipHolder: true, today })).toMatchObject(refused(409, 'wrong-state'));
    expect(decide('rate', anonymous, { slipHolder: true, today: '2026-11-28' })).toMatchObject(refused(409, 'rating-period-over'));
  });

  it('counts as a signed-in rating does, with no rater; its event names nobody and carries no code hash', () => {
    const rated = act(anonymous, 'rate', { slipHolder: true, today }, good);
    const signedIn = act(identified, 'rate', { caller: applicant, callerApplicantId: RATER, today }, good);
    expect(rated.counts).toEqual(signedIn.counts);
    expect(rated.counts).toEqual({ month: '2026-11', dimensions: { departmentId: 'amr', windowId: 'a03', itemCode: 'ITEM-1' }, delta: { total: 1, r5: 1, good: 1, proactive: 1, proactiveGood: 1 } });
    expect(rated.next).toMatchObject({ state: 'rated', rating: { rating: 5, proactive: true } });
    expect(rated.next).not.toHaveProperty('rater');

    const event = evaluationEvent(rated.next, 'rate', 'EvaluationSubmitted', { id: 'anonymous', role: 'applicant' }, rated.next.updatedAt, { fromState: 'invited', details: rated.details, counts: rated.counts! });
    const { source: _s, detailType: _d, ...detail } = event;
    expect(validationErrors(evaluationEventSchemas.EvaluationSubmitted, { ...detail, eventId: '01JEVENTAAAAAAAAAAAAAAAAAA', version: 1 })).toEqual([]);
    expect(event.data).not.toHaveProperty('applicantId');
    expect(JSON.stringify(event)).not.toMatch(new RegExp(`${slip.codeHash}|codeHash|slip`));
  });

  it('a bad review needs a comment; the department\'s rectification closes it (nobody to rate the fix)', () => {
    expect(() => act(anonymous, 'rate', { slipHolder: true, today }, { ...good, rating: 2 })).toThrow(expect.objectContaining({ status: 422, type: problemUri('bad-review-comment-required') }));
    const bad = act(anonymous, 'rate', { slipHolder: true, today }, { ...good, rating: 1, comment: '态度差' });
    expect(bad.next.state).toBe('rectifying');
    const calledBack = act(bad.next, 'callBack', { caller: clerk, today }, { reached: false, summary: '匿名评价，无法回访' });
    expect(act(calledBack.next, 'rectify', { caller: clerk, today }, { outcome: 'fixed', measures: '窗口服务规范培训' }).next.state).toBe('closed');
    // An identified rater still rates the fix.
    const named = act(identified, 'rate', { caller: applicant, callerApplicantId: RATER, today }, { ...good, rating: 1, comment: '态度差' });
    const namedBack = act(named.next, 'callBack', { caller: clerk, today }, { reached: true, summary: '已回访' });
    expect(act(namedBack.next, 'rectify', { caller: clerk, today }, { outcome: 'fixed', measures: '培训' }).next.state).toBe('fix_to_rate');
  });
});
