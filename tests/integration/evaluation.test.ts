/**
 * Evaluation (好差评) over HTTP on the local cloud: the whole bad-review loop
 * (a completed case's invitation → a bad review → call-back and rectification
 * with their deadlines on the calendar → the rater rates the fix), appeals
 * upheld and rejected, a window visit (一次一评) rated signed in or with the
 * ticket slip, who sees the rater, the figures (staff and public) and the
 * center's settings.
 *
 * Each test uses an item and a window of its own, so its counters are exact
 * while other files rate and complete cases at the same time.
 */
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluationEventSchemas } from '#schemas/events/evaluation';
import { MonthlyFigures, PublicFigures, type Figures } from '#schemas/api/evaluation';
import { calendar2026 } from '#shared/calendar-2026';
import { CalendarYearMissingError, addWorkingDays, localDate, workCalendar } from '#shared/calendar';
import { validationErrors } from '#shared/validate';
import { call, centerToday, freshIdNumber, registerApplicant, until } from './api-client.ts';
import {
  applicantIdOf, completedCase, evalAct, expectEvaluation, expectProblem, freshItem, freshWindow, invitationOf, onlineRating, partitionOf,
} from './evaluation-client.ts';

const cal = workCalendar([calendar2026]);
/** A date on the test's calendar, undefined when it reaches a year nobody entered (2027). */
function onCal(f: () => string): string | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return undefined;
    throw err;
  }
}
const month = () => centerToday().slice(0, 7);

async function figures(as = 'supervisor') {
  const res = await call('GET', `/evaluation-stats/${month()}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(validationErrors(MonthlyFigures, res.body)).toEqual([]);
  return res.body as MonthlyFigures;
}
/**
 * The item's figures once every field of `expected` has its value: the counting consumer adds each
 * change's deltas when its event arrives, a moment after the change is answered.
 */
async function itemFigures(code: string, expected: Partial<Figures>) {
  return until(`the figures of ${code} to reach ${JSON.stringify(expected)}`, async () => {
    const f = (await figures()).items.find((i) => i.itemCode === code)?.figures;
    return f && Object.entries(expected).every(([k, v]) => isDeepStrictEqual(f[k as keyof Figures], v)) ? f : undefined;
  });
}

let zhangSan = '';
let other = '';
beforeAll(async () => {
  zhangSan = await applicantIdOf('zhang.san');
  const username = `ev.other.${Date.now().toString(36)}`;
  const res = await registerApplicant({ kind: 'citizen', username, name: '李四', email: `${username}@example.com`, phone: '13900139000', idNumber: freshIdNumber() });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  other = username;
});

describe('the bad-review loop (差评整改闭环)', () => {
  it('invitation on completion → bad review → call-back (1 wd) and rectification (15 wd) → the rater rates the fix; figures follow', async () => {
    const code = await freshItem();
    const { caseNo, completedAt } = await completedCase(code);

    // The consumer opened the case's evaluation: rate within 5 working days of the completion, on the calendar.
    const invited = await invitationOf(caseNo);
    expect(invited.body).toMatchObject({ evaluationId: caseNo, type: 'case', indicatorSet: 'online', state: 'invited', version: 1, caseNo, itemCode: code, departmentId: 'amr', ratingWorkingDays: 5, nextActions: ['rate'] });
    expect(invited.body.invitedAt).toBe(new Date(completedAt).toISOString());
    expect(invited.body.rateBy).toBe(onCal(() => addWorkingDays(cal, localDate(cal, completedAt), 5)));
    expect(invited.etag).toBe('"1"');
    const mine = await call('GET', '/evaluations?limit=100', { as: 'zhang.san' });
    expect(mine.body.items.find((i: { evaluationId: string }) => i.evaluationId === caseNo)).toMatchObject({ state: 'invited', type: 'case' });

    // Who may read it: the rater and the department; not another applicant (404) nor another department (403).
    expect((await call('GET', `/evaluations/${caseNo}`, { as: other })).status).toBe(404);
    expect((await call('GET', `/evaluations/${caseNo}`, { as: 'clerk.health' })).status).toBe(403);
    expect((await call('GET', `/evaluations/${caseNo}`, { as: 'center.admin.other' })).status).toBe(404);
    const staffView = await call('GET', `/evaluations/${caseNo}`, { as: 'clerk.amr' });
    expect(staffView.body.nextActions).toEqual([]);

    // Input the rules refuse, and nobody but the rater rates.
    const offline = await evalAct(caseNo, 'rate', 'zhang.san', invited.etag, { rating: 5, indicators: { efficiency: 5, serviceLevel: 5, attitude: 5 } }, 422, 'indicators-not-of-set');
    expect(offline.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/body/indicators/serviceLevel', '/body/indicators/guideAccuracy']));
    const noComment = await evalAct(caseNo, 'rate', 'zhang.san', invited.etag, onlineRating(2), 422, 'bad-review-comment-required');
    expect(noComment.body.errors).toEqual([expect.objectContaining({ path: '/body/comment', code: 'required' })]);
    await evalAct(caseNo, 'rate', 'zhang.san', invited.etag, { rating: 6, indicators: {} }, 400, 'validation-failed');
    expect((await call('POST', `/evaluations/${caseNo}/rate`, { as: 'zhang.san', body: onlineRating(5) })).status).toBe(428);
    await evalAct(caseNo, 'rate', 'zhang.san', '"7"', onlineRating(5), 412, 'precondition-failed');
    await evalAct(caseNo, 'rate', 'clerk.amr', invited.etag, onlineRating(5), 403, 'forbidden');
    await evalAct(caseNo, 'rate', other, invited.etag, onlineRating(5), 404, 'not-found');

    // The bad review: tasks of the handling department, due on the calendar from today.
    const rated = await evalAct(caseNo, 'rate', 'zhang.san', invited.etag, onlineRating(2, '材料清单与窗口要求不一致，多跑了一次'));
    const today = centerToday();
    const callBackDue = onCal(() => addWorkingDays(cal, today, 1));
    const rectificationDue = onCal(() => addWorkingDays(cal, today, 15));
    expect(rated.body).toMatchObject({ state: 'rectifying', version: 2, rating: { rating: 2, proactive: true, comment: '材料清单与窗口要求不一致，多跑了一次' }, nextActions: [] });
    expect(rated.body.tasks.callBack.due).toBe(callBackDue);
    expect(rated.body.tasks.rectification.due).toBe(rectificationDue);
    expect(rated.body.rater).toBeUndefined();
    await evalAct(caseNo, 'rate', 'zhang.san', rated.etag, onlineRating(5), 409, 'wrong-state');

    // Real-name, but only supervisors see who rated.
    const supervisorView = await call('GET', `/evaluations/${caseNo}`, { as: 'supervisor' });
    expect(supervisorView.body.rater).toEqual({ applicantId: zhangSan, name: '张三' });
    for (const as of ['clerk.amr', 'admin.amr', 'center.admin', 'zhang.san']) {
      const r = await call('GET', `/evaluations/${caseNo}`, { as });
      expect(r.status, as).toBe(200);
      expect(r.body.rater, as).toBeUndefined();
      expect(JSON.stringify(r.body), as).not.toContain(zhangSan);
    }
    expect((await call('GET', `/evaluations/${caseNo}`, { as: 'clerk.amr' })).body.nextActions).toEqual(['callBack']);

    // The department's queue, earliest due first.
    const queue = await call('GET', '/evaluation-queues/bad_reviews?limit=100', { as: 'clerk.amr' });
    expect(queue.status).toBe(200);
    expect(queue.body.items.find((i: { evaluationId: string }) => i.evaluationId === caseNo)).toMatchObject({ state: 'rectifying', rating: 2, ...(callBackDue ? { nextDue: callBackDue, overdue: false } : {}) });
    expect((await call('GET', '/evaluation-queues/bad_reviews?departmentId=amr', { as: 'clerk.health' })).status).toBe(403);
    expectProblem(await call('GET', '/evaluation-queues/bad_reviews', { as: 'supervisor' }), 400, 'validation-failed');
    expect((await call('GET', '/evaluation-queues/bad_reviews?departmentId=amr&limit=100', { as: 'supervisor' })).status).toBe(200);
    expect((await call('GET', '/evaluation-queues/bad_reviews', { as: 'zhang.san' })).status).toBe(403);

    // Call-back first (1 working day), by the department only; then the rectification.
    await evalAct(caseNo, 'rectify', 'clerk.amr', rated.etag, { outcome: 'fixed', measures: '统一窗口与网上材料清单' }, 409, 'call-back-required');
    await evalAct(caseNo, 'callBack', 'clerk.health', rated.etag, { reached: true, summary: '已回访' }, 403, 'forbidden');
    const calledBack = await evalAct(caseNo, 'callBack', 'clerk.amr', rated.etag, { reached: true, summary: '已电话回访，核实材料清单不一致属实' });
    expect(calledBack.body).toMatchObject({ state: 'rectifying', version: 3, tasks: { callBack: { reached: true, summary: '已电话回访，核实材料清单不一致属实' } } });
    expect(calledBack.body.tasks.callBack.doneAt).toEqual(expect.any(String));
    const inQueue = await call('GET', '/evaluation-queues/bad_reviews?limit=100', { as: 'admin.amr' });
    expect(inQueue.body.items.find((i: { evaluationId: string }) => i.evaluationId === caseNo)?.nextDue).toBe(rectificationDue);
    const rectified = await evalAct(caseNo, 'rectify', 'admin.amr', calledBack.etag, { outcome: 'fixed', measures: '统一窗口与网上材料清单，窗口人员培训' });
    expect(rectified.body).toMatchObject({ state: 'fix_to_rate', tasks: { rectification: { outcome: 'fixed' } } });
    expect(rectified.body.tasks.rectification.due).toBe(rectificationDue);
    const after = await call('GET', '/evaluation-queues/bad_reviews?limit=100', { as: 'admin.amr' });
    expect(after.body.items.some((i: { evaluationId: string }) => i.evaluationId === caseNo)).toBe(false);

    // The rater rates the fix.
    expect((await call('GET', `/evaluations/${caseNo}`, { as: 'zhang.san' })).body.nextActions).toEqual(['rateFix']);
    await evalAct(caseNo, 'rateFix', 'clerk.amr', rectified.etag, { rating: 5 }, 403);
    const closed = await evalAct(caseNo, 'rateFix', 'zhang.san', rectified.etag, { rating: 4, comment: '已解决' });
    expect(closed.body).toMatchObject({ state: 'closed', version: 5, fixRating: { rating: 4 }, nextActions: [] });

    // Figures: the item's own row counts exactly this evaluation.
    const counted: Figures = {
      total: 1, proactive: 1, good: 0, bad: 1, proactiveGood: 0, defaulted: 0, excluded: 0, byRating: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 },
      fixRated: 1, fixGood: 1, goodRate: 0, proactiveGoodRate: 0, notRatedRate: 0,
    };
    expect(await itemFigures(code, counted)).toEqual(counted);

    // The history: one event per step, each valid against its schema, the rater by id only.
    const { events } = await partitionOf('center-demo', caseNo);
    expect(events.map((e) => e.detailType)).toEqual(['EvaluationInvited', 'EvaluationSubmitted', 'ReturnVisitDone', 'RectificationDone', 'FixRated']);
    for (const e of events) {
      const detail = JSON.parse(e.detail as string);
      expect(validationErrors(evaluationEventSchemas[e.detailType as keyof typeof evaluationEventSchemas], detail), e.detailType as string).toEqual([]);
      expect(e.detail as string).not.toContain('张三');
      expect(e.detail as string).not.toContain('多跑了一次');
    }
    expect(JSON.parse(events[1]!.detail as string).data).toMatchObject({ rating: 2, badReview: true, applicantId: zhangSan, ...(callBackDue ? { callBackDue } : {}) });
  });

  it('an appeal upheld by a supervisor excludes the review from the figures; a rejected one leaves it standing', async () => {
    const code = await freshItem();
    const first = await completedCase(code);
    const second = await completedCase(code);
    const a = await invitationOf(first.caseNo);
    const b = await invitationOf(second.caseNo);
    const badA = await evalAct(first.caseNo, 'rate', 'zhang.san', a.etag, onlineRating(1, '窗口人员态度恶劣'));
    const badB = await evalAct(second.caseNo, 'rate', 'zhang.san', b.etag, onlineRating(2, '等候时间过长'));
    await itemFigures(code, { total: 2, bad: 2, excluded: 0 });

    // The department admin appeals; clerks may not; the appeal waits in the supervisors' queue.
    await evalAct(first.caseNo, 'appeal', 'clerk.amr', badA.etag, { reason: 'malicious', statement: '监控显示当日评价人未到窗口' }, 403);
    await evalAct(first.caseNo, 'appeal', 'admin.health', badA.etag, { reason: 'malicious', statement: '监控显示当日评价人未到窗口' }, 403);
    const appealed = await evalAct(first.caseNo, 'appeal', 'admin.amr', badA.etag, { reason: 'malicious', statement: '监控显示当日评价人未到窗口' });
    expect(appealed.body).toMatchObject({ state: 'appealed', appeal: { reason: 'malicious', fromState: 'rectifying' } });
    const appeals = await call('GET', '/evaluation-queues/appeals?limit=100', { as: 'supervisor' });
    expect(appeals.body.items.some((i: { evaluationId: string }) => i.evaluationId === first.caseNo)).toBe(true);
    expect((await call('GET', '/evaluation-queues/appeals', { as: 'admin.amr' })).status).toBe(403);
    expect((await call('GET', `/evaluations/${first.caseNo}`, { as: 'supervisor' })).body.nextActions).toEqual(['decideAppeal']);
    await evalAct(first.caseNo, 'decideAppeal', 'center.admin', appealed.etag, { upheld: true, opinion: '属实' }, 403);
    const upheld = await evalAct(first.caseNo, 'decideAppeal', 'supervisor', appealed.etag, { upheld: true, opinion: '经核实属恶意差评，不计入统计' });
    expect(upheld.body).toMatchObject({ state: 'excluded', appeal: { decision: { upheld: true } }, nextActions: [] });
    const gone = await call('GET', '/evaluation-queues/appeals?limit=100', { as: 'supervisor' });
    expect(gone.body.items.some((i: { evaluationId: string }) => i.evaluationId === first.caseNo)).toBe(false);
    await itemFigures(code, { total: 1, bad: 1, proactive: 1, excluded: 1, byRating: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 } });

    // Rejected: back to where it was; one appeal per review.
    const appealedB = await evalAct(second.caseNo, 'appeal', 'admin.amr', badB.etag, { reason: 'mistaken', statement: '当日系统故障' });
    const rejected = await evalAct(second.caseNo, 'decideAppeal', 'supervisor', appealedB.etag, { upheld: false, opinion: '理由不成立' });
    expect(rejected.body).toMatchObject({ state: 'rectifying', appeal: { decision: { upheld: false } } });
    await evalAct(second.caseNo, 'appeal', 'admin.amr', rejected.etag, { reason: 'mistaken', statement: '再次申诉' }, 409, 'already-appealed');
    await itemFigures(code, { total: 1, bad: 1, excluded: 1 });
  });
});

describe('a window visit (一次一评)', () => {
  it('opens when the hall\'s queue ends a visit for the applicant identified at the counter; the rater rates with the offline indicators; the window is ranked', async () => {
    const windowId = await freshWindow();
    const code = await freshItem();
    const clerk = `ev.clerk.${Date.now().toString(36)}`;
    const staff = await call('PUT', `/admin/staff/${clerk}`, {
      as: 'center.admin', body: { name: '窗口评价员', email: `${clerk}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: [windowId], backups: [] },
    });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);
    const category = await call('PUT', '/admin/queue/categories/X', { as: 'center.admin', body: { name: '窗口评价', itemCodes: [], windowIds: [windowId] } });
    expect(category.status, JSON.stringify(category.body)).toBe(201);
    const ticket = await call('POST', '/public/hall/center-demo/tickets', { body: { categoryCode: 'X' } });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const ticketId = ticket.body.ticketId as string;
    expect((await call('POST', `/windows/${windowId}/call-next`, { as: clerk })).body.ticketId).toBe(ticketId);
    expect((await call('POST', `/windows/${windowId}/tickets/${ticketId}/start`, { as: clerk })).status).toBe(200);
    const ended = await call('POST', `/windows/${windowId}/tickets/${ticketId}/end`, { as: clerk, body: { itemCodes: [code], caseNos: [], applicantId: zhangSan } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const id = ended.body.visit.visitId as string;

    const opened = await until('the visit\'s evaluation', async () => {
      const res = await call('GET', `/evaluations/${id}`, { as: 'zhang.san' });
      return res.status === 200 ? res : undefined;
    });
    expectEvaluation(opened);
    expect(opened.body).toMatchObject({ evaluationId: id, type: 'window_visit', indicatorSet: 'offline', state: 'invited', windowId, departmentId: 'amr', itemCode: code, itemName: '个体工商户设立登记' });
    expect(opened.body.rateBy).toBe(onCal(() => addWorkingDays(cal, centerToday(), 5)));
    // No clerk opens one without a visit: the route is gone.
    expect((await call('POST', '/evaluations', { as: 'clerk.amr', body: { windowId, applicantId: zhangSan } })).status).toBe(404);

    // The rater rates on site: the offline set.
    await evalAct(id, 'rate', 'zhang.san', opened.etag, onlineRating(5), 422, 'indicators-not-of-set');
    const rating = { rating: 5, indicators: { efficiency: 5, serviceLevel: 5, attitude: 4 } };
    const rateOnce = () => call('POST', `/evaluations/${id}/rate`, { as: 'zhang.san', body: rating, headers: { 'if-match': opened.etag, 'idempotency-key': `rate-${id}` } });
    const rated = await rateOnce();
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    expectEvaluation(rated);
    expect(rated.body).toEqual((await call('GET', `/evaluations/${id}`, { as: 'zhang.san' })).body);
    // A retry with the same key (the first answer lost on the way): the recorded outcome, not a 412.
    const retried = await rateOnce();
    expect([retried.status, retried.headers.get('idempotent-replayed'), retried.etag]).toEqual([200, 'true', rated.etag]);
    expect(retried.body).toEqual(rated.body);
    expect(rated.body).toMatchObject({ state: 'rated', rating: { rating: 5, indicators: { efficiency: 5, serviceLevel: 5, attitude: 4 }, proactive: true }, nextActions: [] });

    const month = await until('the window\'s rating in the figures', async () => {
      const f = await figures('center.admin');
      return f.windows.some((w) => w.windowId === windowId) ? f : undefined;
    });
    const row = month.windows.find((w) => w.windowId === windowId)!;
    expect(row.figures).toMatchObject({ total: 1, good: 1, proactiveGood: 1, goodRate: 1, proactiveGoodRate: 1, notRatedRate: 0 });
    // Ranked 1, 2, … first; a window with nothing counted (its only rating excluded on appeal) after them, without a rank.
    const rankedFirst = month.windows.filter((w) => w.figures.total > 0);
    expect(month.windows.map((w) => w.rank)).toEqual([...rankedFirst.map((_, i) => i + 1), ...Array(month.windows.length - rankedFirst.length).fill(undefined)]);
    expect(month.items.find((i) => i.itemCode === code)?.figures.total).toBe(1);
    expect((await call('GET', `/evaluation-stats/${centerToday().slice(0, 7)}`, { as: 'clerk.amr' })).status).toBe(403);

    // The public figures: the same center and window rows, without a token, no personal data.
    const pub = await call('GET', `/public/evaluation-stats/${centerToday().slice(0, 7)}`);
    expect(pub.status).toBe(200);
    expect(validationErrors(PublicFigures, pub.body)).toEqual([]);
    expect(pub.body.windows.find((w: { windowId: string }) => w.windowId === windowId).figures).toEqual(row.figures);
    expect(JSON.stringify(pub.body)).not.toMatch(new RegExp(`${zhangSan}|张三`));
    expect(pub.headers.get('cache-control')).toMatch(/max-age/);
    expect((await call('GET', '/public/evaluation-stats/2026-13')).status).toBe(400);
    const empty = await call('GET', '/public/evaluation-stats/2020-01?centerId=center-other');
    expect(empty.body).toMatchObject({ centerId: 'center-other', center: { total: 0 }, windows: [] });
    expect(empty.body.center.goodRate).toBeUndefined();
  });

  it('an anonymous visitor rates on the window\'s device with the ticket slip: a wrong code is 404, the right one rates once, the window counts it', async () => {
    const windowId = await freshWindow();
    const clerk = `ev.anon.${Date.now().toString(36)}`;
    const [staff, category] = await Promise.all([
      call('PUT', `/admin/staff/${clerk}`, { as: 'center.admin', body: { name: '匿名评价员', email: `${clerk}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: [windowId], backups: [] } }),
      call('PUT', '/admin/queue/categories/Y', { as: 'center.admin', body: { name: '匿名评价', itemCodes: [], windowIds: [windowId] } }),
    ]);
    expect([staff.status, category.status], JSON.stringify([staff.body, category.body])).toEqual([201, 201]);
    const ticket = await call('POST', '/public/hall/center-demo/tickets', { body: { categoryCode: 'Y' } });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const { ticketId, code } = ticket.body as { ticketId: string; code: string };
    expect((await call('POST', `/windows/${windowId}/call-next`, { as: clerk })).body.ticketId).toBe(ticketId);
    expect((await call('POST', `/windows/${windowId}/tickets/${ticketId}/start`, { as: clerk })).status).toBe(200);
    const ended = await call('POST', `/windows/${windowId}/tickets/${ticketId}/end`, { as: clerk, body: { itemCodes: [], caseNos: [] } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const id = ended.body.visit.visitId as string;

    const opened = await until('the anonymous visit\'s evaluation', async () => {
      const res = await call('GET', `/evaluations/${id}`, { as: 'supervisor' });
      return res.status === 200 ? res : undefined;
    });
    expectEvaluation(opened);
    expect(opened.body).toMatchObject({ evaluationId: id, type: 'window_visit', indicatorSet: 'offline', state: 'invited', windowId, departmentId: 'amr', anonymous: true });
    expect(opened.body).not.toHaveProperty('rater');
    expect(JSON.stringify(opened.body)).not.toMatch(/codeHash|slip/);
    // Nobody reads it as its rater.
    expect((await call('GET', `/evaluations/${id}`, { as: 'zhang.san' })).status).toBe(404);

    const rate = (body: Record<string, unknown>) => call('POST', `/public/hall/center-demo/visits/${id}/rate`, { body });
    const rating = { rating: 4, indicators: { efficiency: 4, serviceLevel: 5, attitude: 4 } };
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const unknownVisit = await call('POST', '/public/hall/center-demo/visits/01JAAAAAAAAAAAAAAAAAAAAAAA/rate', { body: { ticketId, code, ...rating } });
    const refused = await rate({ ticketId, code: wrongCode, ...rating });
    expect([refused.status, refused.body.type, refused.body.detail]).toEqual([404, unknownVisit.body.type, unknownVisit.body.detail]);
    expectProblem(await rate({ ticketId, code, rating: 1, indicators: rating.indicators }), 422, 'bad-review-comment-required');

    const rated = await rate({ ticketId, code, ...rating });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    expect(rated.body).toMatchObject({ evaluationId: id, state: 'rated', rating: { rating: 4, indicators: rating.indicators, proactive: true } });
    expectProblem(await rate({ ticketId, code, ...rating }), 409, 'wrong-state');
    const read = await call('GET', `/evaluations/${id}`, { as: 'supervisor' });
    expect([read.body, read.etag]).toMatchObject([{ state: 'rated', anonymous: true, rating: { rating: 4 } }, rated.etag]);
    expect(rated.etag).not.toBe(opened.etag);

    const row = await until('the anonymous rating in the window\'s figures', async () => (await figures()).windows.find((w) => w.windowId === windowId && w.figures.total === 1));
    expect(row.figures).toMatchObject({ total: 1, proactive: 1, good: 1, proactiveGood: 1, byRating: { 4: 1 } });
  });
});

describe('settings', () => {
  it('the stage defaults (5 / 1 / 15) until a center admin sets the center\'s own, with If-Match', async () => {
    const read = await call('GET', '/evaluation-settings', { as: 'clerk.amr' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 });
    expect((await call('GET', '/evaluation-settings', { as: 'zhang.san' })).status).toBe(403);
    expect((await call('PUT', '/evaluation-settings', { as: 'clerk.amr', body: { ratingWorkingDays: 3, callBackWorkingDays: 1, rectificationWorkingDays: 10 } })).status).toBe(403);

    // Another center, so the demo center's rules stay as the other tests expect them.
    const admin = 'center.admin.other';
    const before = await call('GET', '/evaluation-settings', { as: admin });
    let etag = before.etag;
    if (before.body.source === 'stage') {
      const created = await call('PUT', '/evaluation-settings', { as: admin, body: { ratingWorkingDays: 7, callBackWorkingDays: 2, rectificationWorkingDays: 20 } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ source: 'center', ratingWorkingDays: 7 });
      etag = created.etag;
    }
    expect((await call('PUT', '/evaluation-settings', { as: admin, body: { ratingWorkingDays: 6, callBackWorkingDays: 1, rectificationWorkingDays: 15 } })).status).toBe(428);
    expect((await call('PUT', '/evaluation-settings', { as: admin, headers: { 'if-match': '"999"' }, body: { ratingWorkingDays: 6, callBackWorkingDays: 1, rectificationWorkingDays: 15 } })).status).toBe(412);
    expect((await call('PUT', '/evaluation-settings', { as: admin, headers: { 'if-match': etag }, body: { ratingWorkingDays: 0, callBackWorkingDays: 1, rectificationWorkingDays: 15 } })).status).toBe(400);
    const settingsKey = `settings-${Date.now()}`;
    const change = () => call('PUT', '/evaluation-settings', {
      as: admin, headers: { 'if-match': etag, 'idempotency-key': settingsKey }, body: { ratingWorkingDays: 6, callBackWorkingDays: 1, rectificationWorkingDays: 15 },
    });
    const changed = await change();
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // The same key again: the recorded outcome, not a 412 for the version it replaced.
    const repeated = await change();
    expect([repeated.status, repeated.headers.get('idempotent-replayed'), repeated.etag]).toEqual([200, 'true', changed.etag]);
    expect(repeated.body).toEqual(changed.body);
    expect((await call('GET', '/evaluation-settings', { as: admin })).body).toMatchObject({ source: 'center', ratingWorkingDays: 6 });
    expect((await call('GET', '/evaluation-settings', { as: 'center.admin' })).body.source).toBe('stage');
  });
});

describe('list tokens', () => {
  it('a nextToken of GET /evaluations is refused by GET /cases, and the reverse: 400 invalid-cursor, never 500', async () => {
    // Two more cases and evaluations of zhang.san: both lists have a second page at limit=1.
    const code = await freshItem();
    for (const { caseNo } of [await completedCase(code), await completedCase(code)]) await invitationOf(caseNo);
    const evaluations = await call('GET', '/evaluations?limit=1', { as: 'zhang.san' });
    const cases = await call('GET', '/cases?limit=1', { as: 'zhang.san' });
    expect([evaluations.status, cases.status]).toEqual([200, 200]);
    expect([typeof evaluations.body.nextToken, typeof cases.body.nextToken]).toEqual(['string', 'string']);

    const evaluationToken = encodeURIComponent(evaluations.body.nextToken);
    const caseToken = encodeURIComponent(cases.body.nextToken);
    expectProblem(await call('GET', `/cases?limit=1&nextToken=${evaluationToken}`, { as: 'zhang.san' }), 400, 'invalid-cursor');
    expectProblem(await call('GET', `/evaluations?limit=1&nextToken=${caseToken}`, { as: 'zhang.san' }), 400, 'invalid-cursor');
    // A queue's token is its own too.
    expectProblem(await call('GET', `/evaluation-queues/appeals?nextToken=${evaluationToken}`, { as: 'supervisor' }), 400, 'invalid-cursor');

    // Each list goes on with its own token.
    const second = await call('GET', `/evaluations?limit=1&nextToken=${evaluationToken}`, { as: 'zhang.san' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].evaluationId).not.toBe(evaluations.body.items[0].evaluationId);
    expect((await call('GET', `/cases?limit=1&nextToken=${caseToken}`, { as: 'zhang.san' })).status).toBe(200);
  });
});
