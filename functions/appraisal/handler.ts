/**
 * The appraisal Lambda (考核): the indicator table, closing a month on
 * demand, the published scores (one's own, a department's, all), appeals and
 * the public summary. rules.ts scores, close.ts closes, store.ts reads and
 * writes; operations only put them together.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { Appeal, IndicatorTable, IndicatorTableBody, MyScore, PublicSummary, SubjectScore } from '#schemas/api/appraisal';
import type { AppraisalAppealData, AppraisalIndicatorsChangedData } from '#schemas/events/appraisal';
import { msg } from '#schemas/api/problems';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, listingScope, rolesFor, type Action } from '#shared/authorization';
import { requiredEnv } from '#shared/db';
import { fault, forbidden, notFound, preconditionRequired, problem, validationFailed } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import { etag, httpHandler, ifMatch, type HttpResult, type Operations } from '#shared/http';
import { closeMonth, handler as closeScheduled, type Closed } from './close.ts';
import { tableOf } from './indicators.ts';
import { monthIsOver } from './months.ts';
import { appraisalProblems as p } from './problems.ts';
import { appraisalRoutes } from './routes.ts';
import { bandOf, bands, rank, tableFaults } from './rules.ts';
import { appraisalSources } from './sources.ts';
import * as store from './store.ts';

type Ops = Operations<typeof appraisalRoutes>;

function allow(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

const actor = (caller: Caller, action: Action): EventDraft<unknown>['actor'] => ({ id: caller.userId, role: actingRole(caller, rolesFor(action)) });

const notClosed = (month: string) => problem(p['month-not-closed'], msg(`${month} 的考核尚未发布。`, `The appraisal of ${month} is not published yet.`));

// ---------------------------------------------------------------------------
// The indicator table

const tableResult = (t: IndicatorTable, rev: number | undefined, status = 200): HttpResult => ({ status, body: t, headers: rev === undefined ? {} : { etag: etag(String(rev)) } });

const getAppraisalIndicators: Ops['getAppraisalIndicators'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.indicators.read');
  const { item, found } = await store.tableContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  const meta = item ? { source: 'center' as const, updatedAt: item.updatedAt as string, updatedBy: item.updatedBy as string } : { source: 'default' as const };
  return tableResult({ ...tableOf(item), ...meta }, item?.rev as number | undefined);
};

const putAppraisalIndicators: Ops['putAppraisalIndicators'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.indicators.write');
  const faults = tableFaults(req.body).map((f) => ({ ...f, path: `/body${f.path}` }));
  const { item, found } = await store.tableContext(caller.centerId, req.checks!.keys);
  req.checks!.settle(found);
  if (faults.length) throw validationFailed(faults);
  const rev = item?.rev as number | undefined;
  const sent = ifMatch(req);
  if (rev !== undefined && sent === undefined) throw preconditionRequired();
  if (sent !== undefined && sent !== String(rev)) throw store.tableChanged();
  const now = new Date().toISOString();
  const body: IndicatorTableBody = { indicators: req.body.indicators, appealWorkingDays: req.body.appealWorkingDays };
  const event: EventDraft<AppraisalIndicatorsChangedData> = {
    source: 'onestop.appraisal', detailType: 'AppraisalIndicatorsChanged', centerId: caller.centerId, occurredAt: now,
    actor: actor(caller, 'appraisal.indicators.write'), subject: { type: 'appraisal_indicators', id: caller.centerId },
    data: { before: tableOf(item), after: body },
  };
  const nextRev = (rev ?? 0) + 1;
  const result = tableResult({ ...body, source: 'center', updatedAt: now, updatedBy: caller.userId }, nextRev, rev === undefined ? 201 : 200);
  await store.putTable(caller.centerId, body, { by: caller.userId, at: now, rev: nextRev }, rev, event, req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Closing a month

const scoreSetBody = ({ version: _v, ...set }: store.StoredScoreSet) => set;

const closeAppraisalMonth: Ops['closeAppraisalMonth'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.month.close');
  const now = new Date().toISOString();
  const ctx = await store.monthContext(caller.centerId, req.params.month, now, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.scores && !monthIsOver(req.params.month, ctx.center.today)) {
    throw problem(p['month-not-over'], msg(`${req.params.month} 尚未结束（今天是 ${ctx.center.today}）。`, `${req.params.month} has not ended (today is ${ctx.center.today}).`));
  }
  const answer = (set: Closed['set'], written: boolean) => ({ status: written ? 201 as const : 200 as const, body: scoreSetBody(set), headers: { etag: etag(String(set.version)) } });
  const { set, written } = await closeMonth(ctx, req.params.month, appraisalSources, actor(caller, 'appraisal.month.close'), now, (s, w) => req.idempotency?.record(answer(s, w)));
  return answer(set, written);
};

// ---------------------------------------------------------------------------
// Scores

const getMyAppraisalScore: Ops['getMyAppraisalScore'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.scores.own');
  const ctx = await store.monthContext(caller.centerId, req.query.month, new Date().toISOString(), req.checks!.keys, caller.username);
  req.checks!.settle(ctx.found);
  if (!ctx.scores) throw notClosed(req.query.month);
  const score = ctx.scores.subjects.find((s) => s.kind === 'staff' && s.id === caller.username);
  if (!score) throw notFound(msg(`${req.query.month} 的考核中没有您。`, `You are not among the subjects of ${req.query.month}.`));
  const body: MyScore = { month: ctx.scores.month, appealDue: ctx.scores.appealDue, indicators: ctx.scores.indicators, score, ...(ctx.appeal ? { appeal: ctx.appeal } : {}) };
  return { status: 200, body };
};

/** A department's subjects: itself, its staff and the windows that serve it. */
const ofDepartment = (d: string) => (s: SubjectScore) => (s.kind === 'department' ? s.id === d : (s.departmentIds ?? []).includes(d));

const listAppraisalScores: Ops['listAppraisalScores'] = async (req) => {
  const caller = callerOf(req.event);
  const scope = listingScope(caller, 'appraisal.scores.read', req.query.departmentId);
  const ctx = await store.monthContext(caller.centerId, req.query.month, new Date().toISOString(), req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.scores) throw notClosed(req.query.month);
  const set = scoreSetBody(ctx.scores);
  const body = scope.departmentId ? { ...set, subjects: set.subjects.filter(ofDepartment(scope.departmentId)) } : set;
  return { status: 200, body, headers: { etag: etag(String(ctx.scores.version)) } };
};

// ---------------------------------------------------------------------------
// Appeals

const appealEvent = (caller: Caller, action: Action, detailType: string, now: string, data: AppraisalAppealData): EventDraft<AppraisalAppealData> => ({
  source: 'onestop.appraisal', detailType, centerId: caller.centerId, occurredAt: now, actor: actor(caller, action),
  subject: { type: 'appraisal_appeal', id: `${data.month}/${data.username}` }, data,
});

const appealAppraisalScore: Ops['appealAppraisalScore'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.scores.own');
  const { month } = req.body;
  const now = new Date().toISOString();
  const ctx = await store.monthContext(caller.centerId, month, now, req.checks!.keys);
  req.checks!.settle(ctx.found);
  if (!ctx.scores) throw notClosed(month);
  if (!ctx.scores.subjects.some((s) => s.kind === 'staff' && s.id === caller.username)) throw notFound(msg(`${month} 的考核中没有您。`, `You are not among the subjects of ${month}.`));
  if (ctx.center.today > ctx.scores.appealDue) {
    throw problem(p['appeal-period-over'], msg(`${month} 考核的申诉截止于 ${ctx.scores.appealDue}。`, `Appeals against ${month}'s scores closed on ${ctx.scores.appealDue}.`));
  }
  const appeal: Appeal = { month, username: caller.username, reason: req.body.reason, state: 'pending', filedAt: now };
  const result = { status: 201, body: appeal };
  await store.fileAppeal(caller.centerId, appeal, appealEvent(caller, 'appraisal.scores.own', 'AppraisalAppealFiled', now, { month, username: caller.username }), req.idempotency?.record(result));
  return result;
};

const listAppraisalAppeals: Ops['listAppraisalAppeals'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.appeal.decide');
  await req.checks!.run();
  return { status: 200, body: { items: await store.appealsOfMonth(caller.centerId, req.query.month) } };
};

/** The score set with the staff member's adjusted score, ranked again. */
function adjusted(set: store.StoredScoreSet, username: string, score: number, adjustment: NonNullable<SubjectScore['adjustment']>): store.StoredScoreSet {
  const subjects = set.subjects.map(({ rank: _r, ...s }) => (s.kind === 'staff' && s.id === username ? { ...s, ranked: true, score, adjustment } : s));
  return { ...set, subjects: rank(subjects), version: set.version + 1 };
}

const decideAppraisalAppeal: Ops['decideAppraisalAppeal'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'appraisal.appeal.decide');
  const { month, username } = req.params;
  const { upheld, score, reason } = req.body;
  if (upheld !== (score !== undefined)) {
    throw validationFailed([fault('/body/score', upheld ? 'required' : 'unexpected', upheld ? msg('支持申诉须给出调整后的分数', 'an upheld appeal gives the adjusted score') : msg('驳回申诉不调整分数', 'a rejected appeal keeps the score'))]);
  }
  const now = new Date().toISOString();
  const ctx = await store.monthContext(caller.centerId, month, now, req.checks!.keys, username);
  req.checks!.settle(ctx.found);
  if (!ctx.appeal || !ctx.scores) throw notFound(msg(`没有 ${username} 对 ${month} 考核的申诉。`, `No appeal by ${username} against ${month}.`));
  if (ctx.appeal.state !== 'pending') throw problem(p['appeal-not-pending'], msg('该申诉已处理。', 'The appeal was decided already.'));
  const from = ctx.scores.subjects.find((s) => s.kind === 'staff' && s.id === username)?.score;
  const decided: Appeal = { ...ctx.appeal, state: upheld ? 'upheld' : 'rejected', decision: { reason, by: caller.userId, at: now, ...(upheld ? { score: score! } : {}) } };
  const next = upheld ? adjusted(ctx.scores, username, score!, { from: from ?? 0, reason, by: caller.userId, at: now }) : undefined;
  const event = appealEvent(caller, 'appraisal.appeal.decide', 'AppraisalAppealDecided', now, {
    month, username, upheld, ...(from !== undefined ? { fromScore: from } : {}), ...(upheld ? { toScore: score! } : {}),
  });
  const result = { status: 200, body: decided };
  await store.decideAppeal(caller.centerId, decided, next, event, req.idempotency?.record(result));
  return result;
};

// ---------------------------------------------------------------------------
// Public

const getPublicAppraisalSummary: Ops['getPublicAppraisalSummary'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const set = await store.scoreSet(centerId, req.params.month);
  if (!set) throw notClosed(req.params.month);
  const kinds = ['department', 'window', 'staff'] as const;
  const count = (pred: (s: SubjectScore) => boolean) => Object.fromEntries(kinds.map((k) => [k, set.subjects.filter((s) => s.kind === k && pred(s)).length])) as PublicSummary['scored'];
  const staffScores = set.subjects.filter((s) => s.kind === 'staff' && s.score !== undefined).map((s) => bandOf(s.score!));
  const body: PublicSummary = {
    centerId, month: set.month,
    scored: count((s) => s.ranked), notRanked: count((s) => !s.ranked),
    bands: Object.fromEntries(bands.map(([b]) => [b, staffScores.filter((x) => x === b).length])),
  };
  return { status: 200, body, headers: { 'cache-control': 'public, max-age=300' } };
};

const http = httpHandler(appraisalRoutes, {
  getAppraisalIndicators, putAppraisalIndicators, closeAppraisalMonth, getMyAppraisalScore, listAppraisalScores,
  appealAppraisalScore, listAppraisalAppeals, decideAppraisalAppeal, getPublicAppraisalSummary,
});

/** One function for the domain: API Gateway's requests, and the schedule's events (they have no request context). */
export const handler = (event: Parameters<typeof http>[0] | ScheduledEvent, context: Parameters<typeof http>[1]) =>
  'requestContext' in event ? http(event, context) : closeScheduled(event);
