/**
 * The monthly appraisal (考核) against the local cloud: the indicator table
 * set and refused field by field; a month closed over fixture sources (the
 * contributing domains' sources are being written: the close's core takes
 * its sources as a parameter, so the month is scored from fixtures and
 * stored by the real store), closed again by the center admin's route and
 * still one score set; the scores read as a staff member, a dept head, a
 * supervisor; an appeal in time decided and one too late refused; the public
 * summary; the DynamoDB requests of each operation and of closing a month of
 * 50 staff.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { IndicatorTable, MyScore, PublicSummary, ScoreSet } from '#schemas/api/appraisal';
import { problemUri } from '#schemas/api/problems';
import type { AppraisalCountRow, AppraisalSource } from '#shared/appraisal-counts';
import { validationErrors } from '#shared/validate';
import type { Closed } from '../../functions/appraisal/close.ts';
import { call, cloud, cloudNow, doc, type Reply } from './api-client.ts';
import { eventFor, inProcess } from './in-process.ts';

const CENTER = 'center-demo';
const monthPk = (c: string, m: string) => `CENTER#${c}#APPRAISAL#${m}`;
/** A past month no earlier run closed (score sets stay in the table). */
/** A month of 1990–2019 no other test of this run has used (a second close of one month would read back the first). */
const usedMonths = new Set<string>();
function freshMonth(): string {
  for (;;) {
    const month = `${1990 + Math.floor(Math.random() * 30)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
    if (!usedMonths.has(month)) return usedMonths.add(month), month;
  }
}

function expectProblem(res: Reply | { status: number; body: any }, status: number, slug: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.type).toBe(problemUri(slug));
}

const staffRow = (id: string, counts: AppraisalCountRow['counts']): AppraisalCountRow => ({ subject: { kind: 'staff', id }, counts });
/** Two sources as the evaluation and supervision domains would give them. */
const fixtureSources: AppraisalSource[] = [
  async () => [
    staffRow('clerk.amr', { rated: 10, good: 9, casesCompleted: 10, casesOnTime: 10 }),
    staffRow('clerk.housing', { rated: 20, good: 10 }),
    { subject: { kind: 'department', id: 'amr' }, counts: { rated: 40, good: 36 } },
    { subject: { kind: 'window', id: 'a03' }, counts: { rated: 10, good: 9 } },
  ],
  async () => [staffRow('clerk.amr', { yellowCards: 1 })],
];

async function partition(pk: string) {
  const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  return out.Items ?? [];
}

/**
 * The handler and the close's core in this process (once per file: the
 * request counters are middlewares on the shared client). `close` runs the
 * core over `sources` as the schedule or the route does, counting its requests.
 */
let loaded: Promise<{ measured: Awaited<ReturnType<typeof inProcess>>; close: (centerId: string, month: string, sources: AppraisalSource[], at: number) => Promise<Closed & { commands: string[] }> }> | undefined;
function inThisProcess() {
  loaded ??= (async () => {
    const measured = await inProcess(() => import('../../functions/appraisal/handler.ts'));
    const { db } = await import('#shared/db');
    const sent: string[] = [];
    db.middlewareStack.add((next, context) => async (args) => { sent.push(context.commandName ?? 'unknown'); return next(args); }, { step: 'initialize', name: 'countAppraisalRequests' });
    const { closeMonth } = await import('../../functions/appraisal/close.ts');
    const store = await import('../../functions/appraisal/store.ts');
    const close = async (centerId: string, month: string, sources: AppraisalSource[], at: number) => {
      const now = new Date(at).toISOString();
      sent.length = 0;
      const ctx = await store.monthContext(centerId, month, now, []);
      const closed = await closeMonth(ctx, month, sources, { id: 'system', role: 'system' }, now);
      return { ...closed, commands: [...sent] };
    };
    return { measured, close };
  })();
  return loaded;
}

describe('the indicator table (考核指标)', () => {
  it('the default until set; bad tables refused field by field with nothing written; the center admin sets it with If-Match; supervisors and dept heads read', async () => {
    const before = await call('GET', '/appraisal/indicators', { as: 'supervisor' });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(validationErrors(IndicatorTable, before.body)).toEqual([]);
    expect((await call('GET', '/appraisal/indicators', { as: 'head.amr' })).status).toBe(200);
    expect((await call('GET', '/appraisal/indicators', { as: 'clerk.amr' })).status).toBe(403);
    const { source: _s, updatedAt: _u, updatedBy: _b, ...table } = before.body;
    const bad = {
      appealWorkingDays: 5,
      indicators: [
        { id: 'a', name: 'A', weight: 50, rule: { kind: 'rate', numerator: 'good', denominator: 'ratings', minDenominator: 1 } },
        { id: 'a', name: 'B', weight: 30, rule: { kind: 'deduction', pointsPer: { yellowCards: 5 } } },
      ],
    };
    const refused = await call('PUT', '/appraisal/indicators', { as: 'center.admin', body: bad, headers: before.etag ? { 'if-match': before.etag } : {} });
    expectProblem(refused, 400, 'validation-failed');
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['/body/indicators', '/body/indicators/0/rule/denominator', '/body/indicators/1/id']);
    expect((await call('GET', '/appraisal/indicators', { as: 'supervisor' })).etag).toBe(before.etag);
    expect((await call('PUT', '/appraisal/indicators', { as: 'supervisor', body: table })).status).toBe(403);

    const set = await call('PUT', '/appraisal/indicators', { as: 'center.admin', body: { ...table, appealWorkingDays: 5 }, headers: before.etag ? { 'if-match': before.etag } : {} });
    expect(set.status, JSON.stringify(set.body)).toBe(before.etag ? 200 : 201);
    expect(set.body).toMatchObject({ source: 'center' });
    expectProblem(await call('PUT', '/appraisal/indicators', { as: 'center.admin', body: table }), 428, 'precondition-required');
    const events = (await partition(`CENTER#${CENTER}#APPRAISAL`)).filter((i) => i.detailType === 'AppraisalIndicatorsChanged');
    expect(events.length).toBeGreaterThanOrEqual(1);
  });
});

describe('closing a month and reading it', () => {
  it('closed twice (the core, then the center admin\'s route): one score set; read own, department, all; appeal in time decided, late refused; public summary', async () => {
    const { close } = await inThisProcess();
    const month = freshMonth();
    const now = await cloudNow();
    const first = await close(CENTER, month, fixtureSources, now);
    expect(first.written).toBe(true);
    const again = await close(CENTER, month, fixtureSources, now + 60_000);
    expect(again).toMatchObject({ written: false, set: { closedAt: first.set.closedAt } });
    const byRoute = await call('POST', `/appraisal/months/${month}/close`, { as: 'center.admin' });
    expect(byRoute.status, JSON.stringify(byRoute.body)).toBe(200);
    expect(byRoute.body.closedAt).toBe(first.set.closedAt);
    expect(validationErrors(ScoreSet, byRoute.body)).toEqual([]);
    const stored = await partition(monthPk(CENTER, month));
    expect(stored.filter((i) => i.SK === 'SCORES')).toHaveLength(1);
    expect(stored.filter((i) => i.detailType === 'AppraisalMonthClosed')).toHaveLength(1);
    // With an Idempotency-Key (found by the edge fuzz: the key went unrecorded, a 500): closed by this call, its
    // repeat replayed, and an already closed month answered with a key of its own.
    let keyed = freshMonth();
    while (keyed === month) keyed = freshMonth();
    const key = `close-${keyed}-${Date.now()}`;
    const closedKeyed = await call('POST', `/appraisal/months/${keyed}/close`, { as: 'center.admin', headers: { 'idempotency-key': key } });
    expect(closedKeyed.status, JSON.stringify(closedKeyed.body)).toBe(201);
    const replayed = await call('POST', `/appraisal/months/${keyed}/close`, { as: 'center.admin', headers: { 'idempotency-key': key } });
    expect([replayed.status, replayed.headers.get('idempotent-replayed'), replayed.body.closedAt]).toEqual([201, 'true', closedKeyed.body.closedAt]);
    const otherKey = await call('POST', `/appraisal/months/${keyed}/close`, { as: 'center.admin', headers: { 'idempotency-key': `${key}-2` } });
    expect([otherKey.status, otherKey.body.closedAt]).toEqual([200, closedKeyed.body.closedAt]);

    // clerk.housing: 40 × 10/20 = 20, discipline 20 → 40/60 = 66.7; clerk.amr: 36 + 25 + (20 − 5) = 76 of 85 (no bad review due: rectification left out) = 89.4; staff without data not ranked.
    const all = await call('GET', `/appraisal/scores?month=${month}`, { as: 'supervisor' });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const staff = all.body.subjects.filter((s: { kind: string }) => s.kind === 'staff');
    expect(staff.slice(0, 2).map((s: { id: string; score: number; rank: number }) => [s.id, s.score, s.rank])).toEqual([['clerk.amr', 89.4, 1], ['clerk.housing', 66.7, 2]]);
    expect(staff.find((s: { id: string }) => s.id === 'supervisor')).toMatchObject({ ranked: false });
    expect(staff.find((s: { id: string }) => s.id === 'supervisor').rank).toBeUndefined();

    const own = await call('GET', `/appraisal/scores/me?month=${month}`, { as: 'clerk.amr' });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(validationErrors(MyScore, own.body)).toEqual([]);
    expect(own.body.score).toMatchObject({ id: 'clerk.amr', score: 89.4, rank: 1, points: { satisfaction: 36, onTime: 25, discipline: 15 } });

    const dept = await call('GET', `/appraisal/scores?month=${month}`, { as: 'head.amr' });
    expect(dept.status, JSON.stringify(dept.body)).toBe(200);
    expect(dept.body.subjects.some((s: { id: string }) => s.id === 'clerk.housing')).toBe(false);
    expect(dept.body.subjects.some((s: { id: string }) => s.id === 'clerk.amr')).toBe(true);
    // The department's windows too (each window of the directory is appraised, ranked or not): its own and the general window, not housing's.
    const windows = dept.body.subjects.filter((s: { kind: string }) => s.kind === 'window').map((s: { id: string }) => s.id);
    expect(windows).toEqual(expect.arrayContaining(['a03', 'a04', 'z01']));
    expect(windows).not.toContain('b01');
    expect(all.body.subjects.find((s: { kind: string; id: string }) => s.kind === 'window' && s.id === 'z01')).toMatchObject({ departmentIds: ['amr', 'housing', 'health'] });
    expect((await call('GET', `/appraisal/scores?month=${month}&departmentId=housing`, { as: 'head.amr' })).status).toBe(403);
    expect((await call('GET', `/appraisal/scores?month=${month}`, { as: 'clerk.amr' })).status).toBe(403);

    // Appeal in time; once; a supervisor upholds it: the adjusted score and the rankings follow.
    const appeal = await call('POST', '/appraisal/scores/me/appeal', { as: 'clerk.housing', body: { month, reason: '评价数据有误' } });
    expect(appeal.status, JSON.stringify(appeal.body)).toBe(201);
    expectProblem(await call('POST', '/appraisal/scores/me/appeal', { as: 'clerk.housing', body: { month, reason: '再次申诉' } }), 409, 'already-exists');
    expect((await call('POST', `/appraisal/appeals/${month}/clerk.housing/decide`, { as: 'center.admin', body: { upheld: true, score: 90, reason: '核实' } })).status).toBe(403);
    expectProblem(await call('POST', `/appraisal/appeals/${month}/clerk.housing/decide`, { as: 'supervisor', body: { upheld: true, reason: '核实' } }), 400, 'validation-failed');
    const listed = await call('GET', `/appraisal/appeals?month=${month}`, { as: 'supervisor' });
    expect(listed.body.items.map((a: { username: string; state: string }) => [a.username, a.state])).toEqual([['clerk.housing', 'pending']]);
    const decided = await call('POST', `/appraisal/appeals/${month}/clerk.housing/decide`, { as: 'supervisor', body: { upheld: true, score: 90, reason: '评价数据核实有误' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({ state: 'upheld', decision: { score: 90 } });
    expectProblem(await call('POST', `/appraisal/appeals/${month}/clerk.housing/decide`, { as: 'supervisor', body: { upheld: false, reason: '再议' } }), 409, 'appeal-not-pending');
    const adjusted = await call('GET', `/appraisal/scores/me?month=${month}`, { as: 'clerk.housing' });
    expect(adjusted.body.score).toMatchObject({ score: 90, rank: 1, adjustment: { from: 66.7, reason: '评价数据核实有误' } });
    expect(adjusted.body.appeal).toMatchObject({ state: 'upheld' });
    expect((await partition(monthPk(CENTER, month))).filter((i) => String(i.SK).startsWith('EVENT#')).map((i) => i.detailType))
      .toEqual(expect.arrayContaining(['AppraisalMonthClosed', 'AppraisalAppealFiled', 'AppraisalAppealDecided']));

    // Public: counts and bands, no names.
    const pub = await call('GET', `/public/appraisal/${month}`);
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect(validationErrors(PublicSummary, pub.body)).toEqual([]);
    expect(pub.body).toMatchObject({ scored: { department: 1, window: 1, staff: 2 }, bands: { '90-100': 1, '80-89': 1 } });
    expect(JSON.stringify(pub.body)).not.toContain('clerk.');

    // A month published 30 days ago: its appeal window is over.
    const late = freshMonth();
    await close(CENTER, late, fixtureSources, now - 30 * 86_400_000);
    expectProblem(await call('POST', '/appraisal/scores/me/appeal', { as: 'clerk.amr', body: { month: late, reason: '晚了' } }), 409, 'appeal-period-over');
  });

  it('a month not over, or not closed, is refused', async () => {
    const today = new Date((await cloudNow()) + 8 * 3600_000).toISOString().slice(0, 7);
    expectProblem(await call('POST', `/appraisal/months/${today}/close`, { as: 'center.admin' }), 409, 'month-not-over');
    expect((await call('POST', `/appraisal/months/${today}/close`, { as: 'supervisor' })).status).toBe(403);
    expectProblem(await call('GET', `/appraisal/scores/me?month=${today}`, { as: 'clerk.amr' }), 409, 'month-not-closed');
    expectProblem(await call('GET', `/public/appraisal/${today}`), 409, 'month-not-closed');
  });
});

describe('the schedule (月度结算)', () => {
  it('a scheduled event closes every center\'s previous month through the same function; a second run writes nothing', async () => {
    await inThisProcess();
    const { handler } = await import('../../functions/appraisal/handler.ts');
    const { centerIds } = await import('../../functions/org/public.ts');
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as never;
    type Run = { centerId: string; month: string; written: boolean }[];
    const first = (await handler(scheduled, {} as never)) as Run;
    const shanghaiToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const { previousMonth } = await import('../../functions/appraisal/months.ts');
    const month = previousMonth(shanghaiToday);
    expect(first.map((c) => c.centerId).sort()).toEqual((await centerIds()).sort());
    expect(first.find((c) => c.centerId === CENTER)?.month).toBe(month);
    expect(await handler(scheduled, {} as never)).toEqual(first.map((c) => ({ ...c, written: false })));
    expect((await partition(monthPk(CENTER, month))).filter((i) => i.SK === 'SCORES')).toHaveLength(1);
  });
});

describe('DynamoDB requests (≤ 3 per API operation; a close: one per source besides)', () => {
  it('each operation, and closing a month of one center with 50 staff over three sources', async () => {
    const { measured, close } = await inThisProcess();
    const figures: Record<string, string[]> = {};
    const month = freshMonth();
    const closedByRoute = await measured(eventFor('center.admin', 'POST', `/appraisal/months/${month}/close`, '/appraisal/months/{month}/close', { params: { month } }));
    expect(closedByRoute.status, JSON.stringify(closedByRoute.body)).toBe(201);
    figures['close (route, the sources\' Queries besides)'] = closedByRoute.commands;
    // Besides its own three: evaluation's, the queue's and supervision's counter Queries, the staff directory that names their accounts (sources.ts byAccount), and complaints' findings.
    expect(closedByRoute.commands.filter((c) => c === 'QueryCommand').length).toBe(1 + 5);
    const again = await measured(eventFor('center.admin', 'POST', `/appraisal/months/${month}/close`, '/appraisal/months/{month}/close', { params: { month } }));
    expect(again.status).toBe(200);
    figures['close again'] = again.commands;
    figures['read indicators'] = (await measured(eventFor('supervisor', 'GET', '/appraisal/indicators', '/appraisal/indicators'))).commands;
    figures['own score'] = (await measured(eventFor('clerk.amr', 'GET', '/appraisal/scores/me', '/appraisal/scores/me', { query: { month } }))).commands;
    figures['scores (all)'] = (await measured(eventFor('supervisor', 'GET', '/appraisal/scores', '/appraisal/scores', { query: { month } }))).commands;
    const appealed = await measured(eventFor('clerk.amr', 'POST', '/appraisal/scores/me/appeal', '/appraisal/scores/me/appeal', { body: { month, reason: '计数' } }));
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(201);
    figures.appeal = appealed.commands;
    figures['list appeals'] = (await measured(eventFor('supervisor', 'GET', '/appraisal/appeals', '/appraisal/appeals', { query: { month } }))).commands;
    const decided = await measured(eventFor('supervisor', 'POST', `/appraisal/appeals/${month}/clerk.amr/decide`, '/appraisal/appeals/{month}/{username}/decide', { params: { month, username: 'clerk.amr' }, body: { upheld: true, score: 80, reason: '计数' } }));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    figures['decide (upheld)'] = decided.commands;
    figures['public summary'] = (await measured(eventFor(undefined, 'GET', `/public/appraisal/${month}`, '/public/appraisal/{month}', { params: { month } }))).commands;
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(op.startsWith('close (route') ? 3 + 5 : 3);
      expect(cmds, op).not.toContain('ScanCommand');
    }

    // A center of 50 staff, each with data from three sources (the sources' own Queries are theirs: not counted here).
    const center = `center-appraisal-${Date.now().toString(36)}`;
    const usernames = Array.from({ length: 50 }, (_, i) => `staff.${String(i).padStart(2, '0')}`);
    for (const u of usernames) {
      await doc.send(new PutCommand({ TableName: cloud.tableName, Item: { PK: `CENTER#${center}`, SK: `STAFF#${u}`, kind: 'staff', centerId: center, username: u, departmentId: 'amr', rev: 1 } }));
    }
    const rows = (counts: AppraisalCountRow['counts']) => async () => usernames.map((u, i) => staffRow(u, { ...counts, ...(counts.rated ? { good: i % 11 } : {}) }));
    const big = await close(center, freshMonth(), [rows({ rated: 10 }), rows({ casesCompleted: 5, casesOnTime: 4 }), rows({ warningCards: 1 })], await cloudNow());
    expect(big.written).toBe(true);
    expect(big.set.subjects.filter((s) => s.ranked)).toHaveLength(50);
    figures['close, 50 staff × 3 sources'] = big.commands;
    expect(big.commands).toEqual(['BatchGetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    console.log(`DynamoDB requests per appraisal operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
  });
});
