/**
 * Attribution (考核归属, issue 18 §2) against the local cloud:
 *  - over HTTP, a case records who took it in (the receiving or accepting
 *    clerk, at the window of their staff entry) and who decided it; staff see
 *    it, the applicant does not; the case's evaluation, opened on completion
 *    through the real pipe, counts for that window and those staff;
 *  - in this process, a fixture month (two staff at two windows rated, bad
 *    reviews due and fixed, visits served) counted by the evaluation and
 *    queue counting consumers, a complaint found substantiated counted as its
 *    reply's transaction counts it, read by the real appraisal sources and closed:
 *    the counts and scores equal the hand computation below, and the reads
 *    are counted.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, centerToday, until } from './api-client.ts';
import { applicantIdOf, freshItem, invitationOf, onlineRating, partitionOf, soleTrader, visitEnded } from './evaluation-client.ts';
import type { ComplaintRecord } from '../../functions/complaints/lifecycle.ts';
import { useLocalTable } from './in-process.ts';

useLocalTable({ DEFAULT_CENTER_ID: 'center-demo' });

const CENTER = 'center-demo';
let subOf: Map<string, string>;
let zhangSan = '';
beforeAll(async () => {
  const { staffOf } = await import('../../functions/org/public.ts');
  subOf = new Map((await staffOf<{ username: string; sub: string }>(CENTER)).map((s) => [s.username, s.sub]));
  zhangSan = await applicantIdOf('zhang.san');
});

const materials = soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count }));

/** Takes the case through `steps` ([action, as]), each with the ETag of the one before. */
async function act(caseNo: string, etag: string, steps: readonly (readonly [string, string])[]) {
  let res = { etag, body: undefined as any, status: 0 };
  for (const [action, as] of steps) {
    res = await call('POST', `/cases/${caseNo}/${action}`, { as, headers: { 'if-match': res.etag } });
    expect(res.status, `${action} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return res;
}

describe('attribution on the case and its evaluation', () => {
  it('a window intake is the receiving clerk\'s, at their window; the decider is recorded; the applicant sees neither', async () => {
    const code = await freshItem();
    const submitted = await call('POST', '/cases', { as: 'clerk.amr', body: { itemCode: code, applicantId: zhangSan, materials } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const clerk = subOf.get('clerk.amr')!;
    expect(submitted.body.attribution).toEqual({ intake: { staffId: clerk, windowId: 'a03' } });
    const caseNo = submitted.body.caseNo as string;
    const decided = await act(caseNo, submitted.etag, [['accept', 'clerk.amr'], ['approve', 'clerk.amr']]);
    expect(decided.body.attribution).toEqual({ intake: { staffId: clerk, windowId: 'a03' }, decidedBy: clerk });
    const own = await call('GET', `/cases/${caseNo}`, { as: 'zhang.san' });
    expect(own.status).toBe(200);
    expect(own.body).not.toHaveProperty('attribution');
  });

  it('an online case is taken in by the accepting clerk at their window and decided by the approver; its evaluation counts for them', async () => {
    const code = await freshItem();
    const submitted = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: code, materials } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body).not.toHaveProperty('attribution');
    const caseNo = submitted.body.caseNo as string;
    const general = subOf.get('clerk.general')!;
    const approver = subOf.get('approver.amr')!;
    // A supervisor's coordination or a review records nothing; accepting (clerk.general, window z01) and deciding do.
    const completed = await act(caseNo, submitted.etag, [['accept', 'clerk.general'], ['approve', 'approver.amr'], ['complete', 'clerk.amr']]);
    expect(completed.body.attribution).toEqual({ intake: { staffId: general, windowId: 'z01' }, decidedBy: approver });

    const invited = await invitationOf(caseNo);
    expect(invited.body).toMatchObject({ windowId: 'z01' });
    expect(invited.body).not.toHaveProperty('staffIds');
    expect((await partitionOf(CENTER, caseNo)).evaluation).toMatchObject({ windowId: 'z01', staffIds: [general, approver] });
    const rated = await call('POST', `/evaluations/${caseNo}/rate`, { as: 'zhang.san', body: onlineRating(5), headers: { 'if-match': invited.etag } });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    const event = (await partitionOf(CENTER, caseNo)).events.find((e) => e.detailType === 'EvaluationSubmitted')!;
    expect(JSON.parse(event.detail as string).data.counts).toMatchObject({ dimensions: { departmentId: 'amr', windowId: 'z01', itemCode: code, staffIds: [general, approver] } });

    // The counting consumer adds it to the staff members' rows of the month (other files' cases count there too: at least this one).
    const { monthCounters } = await import('../../functions/evaluation/store.ts');
    const month = centerToday().slice(0, 7);
    await until('the staff rows of the rating', async () => {
      const rows = await monthCounters(CENTER, month, true);
      const staff = (id: string) => rows.find((r) => r.dimension === 'staff' && r.id === id)?.counters.total ?? 0;
      return staff(general) >= 1 && staff(approver) >= 1 ? rows : undefined;
    });
  });
});

describe('the clerk\'s window, as the hall knows it', () => {
  it('the one window of the staff entry; of several, at acceptance, the one where the clerk has a ticket called or in service today; else unknown', async () => {
    const { clerkWindow, onlyWindow } = await import('../../functions/queue/public.ts');
    // A window intake reads no more than the staff entry: the window of a clerk assigned one, else none yet.
    expect(onlyWindow('sub-1', { sub: 'sub-1', windowIds: ['w1'] })).toBe('w1');
    expect(onlyWindow('sub-1', { sub: 'sub-1', windowIds: ['w1', 'w2'] })).toBeUndefined();
    const { db } = await import('#shared/db');
    const sent: string[] = [];
    db.middlewareStack.add((next, context) => async (args) => { sent.push(context.commandName ?? 'unknown'); return next(args); }, { step: 'initialize', name: 'countClerkWindowRequests' });
    const centerId = `center-attr-${Date.now().toString(36)}`;
    const date = '2026-11-20';
    expect(await clerkWindow(centerId, 'sub-1', { sub: 'sub-1', windowIds: ['w1'] }, date)).toBe('w1');
    expect(await clerkWindow(centerId, 'sub-1', { sub: 'sub-other', windowIds: ['w1'] }, date)).toBeUndefined();
    expect(await clerkWindow(centerId, 'sub-1', undefined, date)).toBeUndefined();
    expect(sent).toEqual([]);
    expect(await clerkWindow(centerId, 'sub-1', { sub: 'sub-1', windowIds: ['w1', 'w2'] }, date)).toBeUndefined();
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const pk = `CENTER#${centerId}#QUEUE#${date}`;
    const ticket = (ticketId: string, windowId: string, staffId: string) => ({
      PK: pk, SK: `TICKET#${ticketId}`, kind: 'ticket', centerId, ticketId, windowId, staffId, status: 'serving', calledAt: `${date}T02:00:00.000Z`,
      GSI3PK: `${pk}#AT_WINDOWS`, GSI3SK: `${windowId}#${date}T02:00:00.000Z#${ticketId}`,
    });
    await db.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: ticket('t-1', 'w1', 'sub-other') }));
    await db.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: ticket('t-2', 'w2', 'sub-1') }));
    sent.length = 0;
    expect(await clerkWindow(centerId, 'sub-1', { sub: 'sub-1', windowIds: ['w1', 'w2'] }, date)).toBe('w2');
    expect(sent).toEqual(['QueryCommand']);
  });
});

/** A month no run of this file or the appraisal tests' (1990–2019) uses: its rows and score set are this test's alone. */
const fixtureMonth = `${1970 + Math.floor(Math.random() * 20)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;

describe('a fixture month through the sources and the close', () => {
  type Delta = Record<string, number>;
  const eventOf = (source: string, detailType: string, detail: Record<string, unknown>) =>
    ({ id: ulid(), source, 'detail-type': detailType, detail }) as unknown as EventBridgeEvent<string, unknown>;
  /** An evaluation event as the rules make it: `delta` counted for the staff, window and department (rectification counts in the same month). */
  const counted = (staffIds: string[], windowId: string, departmentId: string, delta: Delta) => {
    const id = ulid();
    return eventOf('onestop.evaluation', 'EvaluationSubmitted', {
      eventId: ulid(), centerId: CENTER, occurredAt: `${fixtureMonth}-15T02:00:00.000Z`, version: 1,
      actor: { id: 'rater-sub', role: 'applicant' }, subject: { type: 'evaluation', id },
      data: {
        evaluationId: id, type: 'window_visit', indicatorSet: 'offline', action: 'rate', fromState: 'invited', toState: 'rated', departmentId, windowId,
        evaluationVersion: 2, details: {},
        counts: { month: fixtureMonth, ...(delta.badDue || delta.badFixedOnTime ? { dueMonth: fixtureMonth } : {}), dimensions: { departmentId, windowId, staffIds }, delta },
      },
    });
  };
  const good = { total: 1, r5: 1, good: 1, proactive: 1, proactiveGood: 1 };
  const deemed = { total: 1, r4: 1, good: 1, defaulted: 1 };
  const bad = { total: 1, r1: 1, bad: 1, proactive: 1, badDue: 1 };
  const fixedOnTime = { badFixedOnTime: 1 };

  it('a bad review rated in one month and due in the next: the rating counts in its month, the rectification counts in the month it falls due', async () => {
    const centerId = `center-attr-${Date.now().toString(36)}`;
    const { handler: countEvaluation } = await import('../../functions/evaluation/counting.ts');
    const dimensions = { departmentId: 'amr', windowId: 'a03', staffIds: ['sub-a'] };
    const id = ulid();
    const detail = (counts: Record<string, unknown>) => ({
      eventId: ulid(), centerId, occurredAt: '2026-09-24T02:00:00.000Z', version: 1, actor: { id: 'rater-sub', role: 'applicant' }, subject: { type: 'evaluation', id },
      data: { evaluationId: id, type: 'window_visit', indicatorSet: 'offline', action: 'rate', toState: 'rectifying', departmentId: 'amr', evaluationVersion: 2, details: {}, counts },
    });
    expect(await countEvaluation(eventOf('onestop.evaluation', 'EvaluationSubmitted', detail({ month: '2026-09', dueMonth: '2026-10', dimensions, delta: bad })))).toEqual({ outcome: 'counted' });
    expect(await countEvaluation(eventOf('onestop.evaluation', 'RectificationDone', detail({ month: '2026-09', dueMonth: '2026-10', dimensions, delta: fixedOnTime })))).toEqual({ outcome: 'counted' });
    const { monthCounters } = await import('../../functions/evaluation/store.ts');
    const staffRow = async (month: string) => (await monthCounters(centerId, month, true)).find((r) => r.dimension === 'staff' && r.id === 'sub-a')?.counters;
    expect(await staffRow('2026-09')).toMatchObject({ total: 1, bad: 1, r1: 1, badDue: 0, badFixedOnTime: 0 });
    expect(await staffRow('2026-10')).toMatchObject({ total: 0, badDue: 1, badFixedOnTime: 1 });
  });

  it('two staff at two windows: the sources\' counts and the closed month\'s scores equal the hand computation', async () => {
    const a = subOf.get('clerk.amr')!;
    const b = subOf.get('clerk.housing')!;
    const approver = subOf.get('approver.amr')!;
    // clerk.amr at a03 (amr): 4 good, 1 deemed, 1 bad fixed on time, and one case taken in there and decided by approver.amr, rated good.
    // clerk.housing at b01 (housing): 2 good, 1 deemed, 2 bad of which 1 fixed on time.
    const evaluations = [
      ...Array.from({ length: 4 }, () => counted([a], 'a03', 'amr', good)), counted([a], 'a03', 'amr', deemed), counted([a], 'a03', 'amr', bad),
      counted([a], 'a03', 'amr', fixedOnTime), counted([a, approver], 'a03', 'amr', good),
      ...Array.from({ length: 2 }, () => counted([b], 'b01', 'housing', good)), counted([b], 'b01', 'housing', deemed),
      ...Array.from({ length: 2 }, () => counted([b], 'b01', 'housing', bad)), counted([b], 'b01', 'housing', fixedOnTime),
    ];
    const { handler: countEvaluation } = await import('../../functions/evaluation/counting.ts');
    for (const e of evaluations) expect(await countEvaluation(e)).toEqual({ outcome: 'counted' });
    // Visits served: clerk.amr 3 at a03, clerk.housing 2 at b01 (no items named: the window's first department counts).
    const visit = (staffId: string, windowId: string, departmentId: string) => {
      const e = visitEnded(CENTER, { staffId, windowId, departmentIds: [departmentId], date: `${fixtureMonth}-15` });
      return eventOf('onestop.queue', 'VisitEnded', { ...e.detail, actor: { id: staffId, role: 'clerk' } });
    };
    const { handler: countVisit } = await import('../../functions/queue/stats/counting.ts');
    for (const e of [visit(a, 'a03', 'amr'), visit(a, 'a03', 'amr'), visit(a, 'a03', 'amr'), visit(b, 'b01', 'housing'), visit(b, 'b01', 'housing')]) {
      expect(await countVisit(e)).toEqual({ outcome: 'counted' });
    }

    // A complaint about window b01 found substantiated in the month, clerk.housing at fault: the reply's transaction writes these counters.
    const { figureChange } = await import('../../functions/complaints/figures.ts');
    const { figureUpdates } = await import('../../functions/complaints/figures-store.ts');
    const at = `${fixtureMonth}-15T02:00:00.000Z`;
    const accepted = {
      centerId: CENTER, timeZone: 'Asia/Shanghai', category: 'rudeness', subject: { type: 'window', windowId: 'b01' }, departmentId: 'housing', filedAt: at, acceptDue: `${fixtureMonth}-20`, acceptance: { by: 'sup', at },
    } as unknown as ComplaintRecord;
    const replied = { ...accepted, reply: { text: '属实', substantiated: true, staffAtFault: 'clerk.housing', by: 'head', at } };
    const { db } = await import('#shared/db');
    await db.send(new TransactWriteCommand({ TransactItems: figureUpdates(CENTER, figureChange(accepted, replied, `${fixtureMonth}-15`)) }));

    // The sources, as the close reads them, counting their requests.
    const sent: string[] = [];
    db.middlewareStack.add((next, context) => async (args) => { sent.push(context.commandName ?? 'unknown'); return next(args); }, { step: 'initialize', name: 'countSourceRequests' });
    const { appraisalSources } = await import('../../functions/appraisal/sources.ts');
    const rows = (await Promise.all(appraisalSources.map((s) => s(CENTER, fixtureMonth)))).flat();
    expect(sent).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand']);
    const { mergeRows } = await import('../../functions/appraisal/rules.ts');
    const merged = Object.fromEntries([...mergeRows([rows]).values()].map((m) => [`${m.kind}#${m.id}`, m.counts]));
    // By hand: clerk.amr rated 4 + 1 + 1 + 1 = 7, good 4 + 1 + 1 = 6, proactive good 5, 1 bad due and fixed on time, 3 visits;
    // clerk.housing rated 5, good 3, proactive good 2, 2 bad due, 1 fixed, 2 visits, 1 complaint substantiated; approver.amr the one case: rated 1, good 1.
    const amr = { rated: 7, good: 6, proactiveGood: 5, badDue: 1, badFixedOnTime: 1, visitsServed: 3 };
    const housing = { rated: 5, good: 3, proactiveGood: 2, badDue: 2, badFixedOnTime: 1, visitsServed: 2, substantiatedComplaints: 1 };
    expect(merged).toEqual({
      'staff#clerk.amr': amr, 'window#a03': amr, 'department#amr': amr,
      'staff#clerk.housing': housing, 'window#b01': housing, 'department#housing': housing,
      'staff#approver.amr': { rated: 1, good: 1, proactiveGood: 1 },
    });

    // Closed over the real sources with the default table (satisfaction 40 of good/rated from 5 rated, on time 25, rectification 15 of
    // fixed/due from 1 due, discipline 20 less deductions); no case completed in the month: on time left out, out of 75.
    //   clerk.amr, a03, amr:          6/7 × 40 = 34.29 + 1/1 × 15 = 15 + 20 = 69.29 of 75 → 92.4
    //   clerk.housing, b01, housing:  3/5 × 40 = 24    + 1/2 × 15 = 7.5 + (20 − 5 for the complaint) = 46.5 of 75 → 62
    //   approver.amr: 1 rated (< 5), nothing due, no cards counted → not ranked, no rank
    const { closeMonth } = await import('../../functions/appraisal/close.ts');
    const store = await import('../../functions/appraisal/store.ts');
    const now = new Date().toISOString();
    const closed = await closeMonth(await store.monthContext(CENTER, fixtureMonth, now, []), fixtureMonth, appraisalSources, { id: 'system', role: 'system' }, now);
    expect(closed.written).toBe(true);
    const score = (kind: string, id: string) => closed.set.subjects.find((s) => s.kind === kind && s.id === id);
    for (const [kind, id] of [['staff', 'clerk.amr'], ['window', 'a03'], ['department', 'amr']]) {
      expect(score(kind!, id!)).toMatchObject({ ranked: true, score: 92.4, rank: 1, points: { satisfaction: 34.3, rectification: 15, discipline: 20 } });
    }
    for (const [kind, id] of [['staff', 'clerk.housing'], ['window', 'b01'], ['department', 'housing']]) {
      expect(score(kind!, id!)).toMatchObject({ ranked: true, score: 62, rank: 2, points: { satisfaction: 24, rectification: 7.5, discipline: 15 } });
    }
    expect(score('staff', 'approver.amr')).toMatchObject({ ranked: false, points: {} });
    expect(score('staff', 'approver.amr')!.rank).toBeUndefined();
    // Not ranked is never first: the staff list opens with the two ranked.
    expect(closed.set.subjects.filter((s) => s.kind === 'staff').slice(0, 2).map((s) => s.id)).toEqual(['clerk.amr', 'clerk.housing']);
    console.log(`fixture month ${fixtureMonth}: ${closed.set.subjects.filter((s) => s.ranked).map((s) => `${s.kind} ${s.id} ${s.score} (#${s.rank})`).join('; ')}`);
  });
});
