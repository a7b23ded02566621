/**
 * DynamoDB requests per evaluation operation (DESIGN §10: at most 3, no Scan),
 * counted by a middleware on the handler's own DynamoDB client. The handler
 * runs in this process against the local cloud's DynamoDB, with API Gateway
 * payload-2.0 events carrying the claims the JWT authorizer would pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { centerToday } from './api-client.ts';
import { eventFor, inProcess, type User } from './in-process.ts';
import { completedCase, freshItem, invitationOf, onlineRating } from './evaluation-client.ts';

let measured: Awaited<ReturnType<typeof inProcess>>;
/** The partition keys each transaction of the last request wrote. */
const written: string[][] = [];

beforeAll(async () => {
  measured = await inProcess(() => import('../../functions/evaluation/handler.ts'), {
    EVALUATION_DEFAULTS: JSON.stringify({ ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 }),
  });
  const { db } = await import('#shared/db');
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const items = (args.input as { TransactItems?: Record<string, { Key?: { PK?: unknown }; Item?: { PK?: unknown } }>[] }).TransactItems;
      if (context.commandName === 'TransactWriteItemsCommand' && items) {
        written.push(items.map((t) => { const op = Object.values(t)[0]!; return String(op.Key?.PK ?? op.Item?.PK); }));
      }
      return next(args);
    },
    { step: 'initialize', name: 'transactionKeys' },
  );
});

/** A center admin of a center of this file's own (its settings are nobody else's). */
const ownCenterAdmin: User = { username: 'count.admin', roles: ['center_admin'], centerId: `center-cnt-${Date.now().toString(36)}`, sub: `count-admin-${Date.now()}` };

describe('DynamoDB requests per evaluation operation (≤ 3, no Scan)', () => {
  it('reads, the bad-review loop, an appeal, a visit, lists, settings and figures', async () => {
    const figures: Record<string, string[]> = {};
    const ok = (name: string, r: Awaited<ReturnType<typeof measured>>, status = 200) => {
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
      figures[name] = r.commands;
      return r;
    };
    const code = await freshItem();
    const first = await completedCase(code);
    const second = await completedCase(code);
    await invitationOf(first.caseNo);
    await invitationOf(second.caseNo);
    const action = (username: string, id: string, name: string, etag: string, body: unknown) =>
      measured(eventFor(username, 'POST', `/evaluations/${id}/${name}`, `/evaluations/{evaluationId}/${name}`, { params: { evaluationId: id }, headers: { 'if-match': etag }, body }));

    const read = ok('read', await measured(eventFor('zhang.san', 'GET', `/evaluations/${first.caseNo}`, '/evaluations/{evaluationId}', { params: { evaluationId: first.caseNo } })));
    written.length = 0;
    const rated = ok('rate (a bad review)', await action('zhang.san', first.caseNo, 'rate', read.etag, onlineRating(1, '多次往返')));
    // The rating's transaction is the evaluation's own (its item, its event): the figures' rows are counted from the event.
    expect(written).toEqual([[`CENTER#center-demo#EVAL#${first.caseNo}`, `CENTER#center-demo#EVAL#${first.caseNo}`]]);
    const called = ok('callBack', await action('clerk.amr', first.caseNo, 'callBack', rated.etag, { reached: true, summary: '已回访' }));
    const fixed = ok('rectify', await action('admin.amr', first.caseNo, 'rectify', called.etag, { outcome: 'fixed', measures: '已整改' }));
    ok('rateFix', await action('zhang.san', first.caseNo, 'rateFix', fixed.etag, { rating: 5 }));
    const readB = await measured(eventFor('zhang.san', 'GET', `/evaluations/${second.caseNo}`, '/evaluations/{evaluationId}', { params: { evaluationId: second.caseNo } }));
    const ratedB = await action('zhang.san', second.caseNo, 'rate', readB.etag, onlineRating(2, '等候过长'));
    const appealed = ok('appeal', await action('admin.amr', second.caseNo, 'appeal', ratedB.etag, { reason: 'mistaken', statement: '误评' }));
    ok('decideAppeal', await action('supervisor', second.caseNo, 'decideAppeal', appealed.etag, { upheld: true, opinion: '属实' }));

    ok('own list', await measured(eventFor('zhang.san', 'GET', '/evaluations', '/evaluations', { query: { limit: '25' } })));
    ok('bad-review queue', await measured(eventFor('clerk.amr', 'GET', '/evaluation-queues/bad_reviews', '/evaluation-queues/{queue}', { params: { queue: 'bad_reviews' }, query: { limit: '25' } })));
    ok('appeals queue', await measured(eventFor('supervisor', 'GET', '/evaluation-queues/appeals', '/evaluation-queues/{queue}', { params: { queue: 'appeals' } })));
    ok('settings read', await measured(eventFor('clerk.amr', 'GET', '/evaluation-settings', '/evaluation-settings')));
    const created = ok('settings write', await measured(eventFor(ownCenterAdmin, 'PUT', '/evaluation-settings', '/evaluation-settings', {
      body: { ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 },
    })), 201);
    const replaceKey = `replace-${Date.now()}`;
    const replace = () => measured(eventFor(ownCenterAdmin, 'PUT', '/evaluation-settings', '/evaluation-settings', {
      body: { ratingWorkingDays: 4, callBackWorkingDays: 1, rectificationWorkingDays: 15 }, headers: { 'if-match': created.etag, 'idempotency-key': replaceKey },
    }));
    ok('settings replace', await replace());
    const repeated = ok('settings replace repeated (same key)', await replace());
    expect(repeated.headers['idempotent-replayed']).toBe('true');
    const month = centerToday().slice(0, 7);
    ok('figures', await measured(eventFor('supervisor', 'GET', `/evaluation-stats/${month}`, '/evaluation-stats/{month}', { params: { month } })));
    ok('public figures', await measured(eventFor(undefined, 'GET', `/public/evaluation-stats/${month}`, '/public/evaluation-stats/{month}', { params: { month } })));

    console.log(`DynamoDB requests per evaluation operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(3);
      expect(cmds, op).not.toContain('ScanCommand');
    }
    expect(figures.read).toEqual(['BatchGetItemCommand']);
    expect(figures['rate (a bad review)']).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    // The account check and the key's record are read in the operation's own first batch.
    expect(figures['settings read']).toEqual(['BatchGetItemCommand']);
    expect(figures['settings replace']).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(figures['settings replace repeated (same key)']).toEqual(['BatchGetItemCommand']);
    expect(figures['own list']).toEqual(['BatchGetItemCommand', 'QueryCommand']);
    expect(figures['bad-review queue']).toEqual(['BatchGetItemCommand', 'QueryCommand']);
    expect(figures['public figures']).toEqual(['QueryCommand']);
  });
});
