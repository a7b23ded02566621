/**
 * The hall's queue over HTTP on the local cloud: categories, concurrent takes
 * (numbering), two windows calling at once (each ticket exactly once), a
 * visitor's journey to the visit and VisitEnded on the bus (seen in the audit
 * log), the board's windows, recall/skip/transfer with a category's calls
 * before missed, the month's counters (a visit, a miss; a redelivered event
 * counts nothing), who may work a window, bad bodies, and the DynamoDB
 * requests of a take and a call-next (in process).
 *
 * Each test has categories of its own (letters Q–V of center-demo) and fresh
 * windows and clerks, so its numbers and counts are its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { problemUri } from '#schemas/api/problems';
import { Board, DayFigures, IssuedTicket, QueueMonthFigures, WindowTicket } from '#schemas/api/queue';
import { VisitEndedData, queueEventSchemas } from '#schemas/events/queue';
import { validationErrors } from '#shared/validate';
import { demoItems } from '../../local/seed/items.ts';
import { call, centerToday, until } from './api-client.ts';
import { freshItem } from './evaluation-client.ts';
import { eventFor, inProcess, useLocalTable } from './in-process.ts';

const suffix = Date.now().toString(36);
/** A window per use, so that no test's call takes another's ticket: the clerk at w.<x> is clerk1, at w.<x>2 clerk2. */
const w = Object.fromEntries(['q', 'r', 's', 's2', 't', 'u', 'u2', 'v'].map((k) => [k, `q${k}${suffix}`])) as Record<'q' | 'r' | 's' | 's2' | 't' | 'u' | 'u2' | 'v', string>;
const clerk1 = `q.one.${suffix}`;
const clerk2 = `q.two.${suffix}`;
const subs: Record<string, string> = {};
const hall = '/public/hall/center-demo';

async function category(code: string, body: { name: string; itemCodes: string[]; windowIds: string[]; callsBeforeMissed?: number }) {
  const res = await call('PUT', `/admin/queue/categories/${code}`, { as: 'center.admin', body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}
/**
 * A public hall read (the kiosk's categories, the board) once it shows what `shows` looks for. A warm function
 * answers from the hall's categories at most 10 s old (HALL_TTL_MS in functions/queue/store.ts), and a sandbox
 * other than the one that wrote a category may still hold the hall without it (and its windows).
 */
const hallShowing = (resource: 'categories' | 'board', what: string, shows: (body: Record<string, any>) => boolean | undefined) =>
  until(`the hall's ${resource} showing ${what}`, async () => {
    const res = await call('GET', `${hall}/${resource}`);
    return shows(res.body) ? res : undefined;
  }, 15_000);
const take = (categoryCode: string) => call('POST', `${hall}/tickets`, { body: { categoryCode } });
const callNext = (as: string, windowId: string) => call('POST', `/windows/${windowId}/call-next`, { as });
const act = (as: string, windowId: string, ticketId: string, action: string, body?: unknown) => call('POST', `/windows/${windowId}/tickets/${ticketId}/${action}`, { as, ...(body ? { body } : {}) });
const typeOf = (slug: string) => problemUri(slug);

beforeAll(async () => {
  await Promise.all(Object.values(w).map(async (id) => {
    const res = await call('PUT', `/admin/windows/${id}`, { as: 'center.admin', body: { name: id === w.t ? '1号综合窗口' : `窗口${id}`, departmentIds: ['amr'] } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }));
  const clerks = [[clerk1, [w.q, w.r, w.s, w.t, w.u, w.v]], [clerk2, [w.s2, w.u2]]] as const;
  for (const [username, windowIds] of clerks) {
    const res = await call('PUT', `/admin/staff/${username}`, {
      as: 'center.admin', body: { name: '叫号员', email: `${username}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds, backups: [] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    subs[username] = res.body.sub;
  }
});

describe('categories', () => {
  it('creates and replaces with If-Match; an item of another category and unknown windows are refused field by field; kiosks see waiting counts', async () => {
    // Items of their own: the demo items are in the seeded categories A–C.
    const [itemA, itemB] = await Promise.all([freshItem(), freshItem()]);
    const q = await category('Q', { name: '队列测试Q', itemCodes: [itemA!], windowIds: [w.q] });
    expect(q.body).toMatchObject({ code: 'Q', name: '队列测试Q', itemCodes: [itemA], windowIds: [w.q] });
    expect(q.etag).toBe('"1"');
    const body = { name: '队列测试Q', itemCodes: [itemA!, itemB!], windowIds: [w.q, w.r] };
    expect((await call('PUT', '/admin/queue/categories/Q', { as: 'center.admin', body })).status).toBe(428);
    expect((await call('PUT', '/admin/queue/categories/Q', { as: 'center.admin', body, headers: { 'if-match': '"7"' } })).status).toBe(412);
    const replaced = await call('PUT', '/admin/queue/categories/Q', { as: 'center.admin', body, headers: { 'if-match': q.etag } });
    expect(replaced).toMatchObject({ status: 200, etag: '"2"', body: { itemCodes: [itemA, itemB] } });

    const conflict = await call('PUT', '/admin/queue/categories/V', { as: 'center.admin', body: { name: '冲突', itemCodes: ['NO-SUCH-ITEM', itemB!], windowIds: [w.q, 'no-such-window'] } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe(typeOf('category-conflict'));
    expect(conflict.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`)).toEqual(['/body/itemCodes/1 in_other_category', '/body/windowIds/1 not_found']);
    // Released by Q, the item may go to another category; and an item code finds its category.
    const q3 = await call('PUT', '/admin/queue/categories/Q', { as: 'center.admin', body: { ...body, itemCodes: [itemA!] }, headers: { 'if-match': replaced.etag } });
    expect(q3.status).toBe(200);
    const byItem = await call('POST', `${hall}/tickets`, { body: { itemCode: itemA } });
    expect(byItem).toMatchObject({ status: 201, body: { categoryCode: 'Q', ticketNo: 'Q001' } });

    expect((await call('GET', '/queue/categories', { as: 'clerk.health' })).body.items).toContainEqual(expect.objectContaining({ code: 'Q', windowIds: [w.q, w.r] }));
    const kiosk = await hallShowing('categories', 'category Q', (b) => b.items?.some((c: { code: string }) => c.code === 'Q'));
    expect(kiosk.status).toBe(200);
    expect(kiosk.body.items).toContainEqual({ code: 'Q', name: '队列测试Q', waiting: 1 });
    expect(kiosk.body.date).toBe(centerToday());
    expect((await call('GET', '/public/hall/no-such-center/categories')).status).toBe(404);
  });
});

describe('concurrency', () => {
  it('50 concurrent takes in one category get 50 distinct consecutive numbers', async () => {
    await category('R', { name: '并发取号', itemCodes: [], windowIds: [w.r] });
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: 50 }, () => take('R')));
    const elapsed = Date.now() - started;
    for (const r of replies) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(validationErrors(IssuedTicket, replies[0]!.body)).toEqual([]);
    const numbers = replies.map((r) => r.body.ticketNo as string).sort();
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => `R${String(i + 1).padStart(3, '0')}`));
    expect(new Set(replies.map((r) => r.body.ticketId)).size).toBe(50);
    console.log(`queue: 50 concurrent takes in ${elapsed} ms`);
  });

  it('two windows × 20 concurrent call-next on 20 waiting tickets: each ticket called exactly once, then 409 nobody-waiting', async () => {
    await category('S', { name: '并发叫号', itemCodes: [], windowIds: [w.s, w.s2] });
    const taken = await Promise.all(Array.from({ length: 20 }, () => take('S')));
    const started = Date.now();
    const calls = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? callNext(clerk1, w.s) : callNext(clerk2, w.s2))));
    const elapsed = Date.now() - started;
    const called = calls.filter((c) => c.status === 200);
    expect(calls.filter((c) => c.status !== 200).map((c) => `${c.status} ${c.body.type}`)).toEqual(Array(20).fill(`409 ${typeOf('nobody-waiting')}`));
    expect(called.map((c) => c.body.ticketId).sort()).toEqual(taken.map((t) => t.body.ticketId).sort());
    for (const c of called) expect(c.body).toMatchObject({ status: 'called', calls: 1, categoryCode: 'S' });
    expect(validationErrors(WindowTicket, called[0]!.body)).toEqual([]);
    expect((await callNext(clerk1, w.s)).status).toBe(409);
    console.log(`queue: 40 concurrent call-next (2 windows, 20 tickets) in ${elapsed} ms`);
  });
});

describe('a visit', () => {
  it('take → call → start → end: the visit record, the board, the figures, and VisitEnded on the bus', async () => {
    await category('T', { name: '旅程测试', itemCodes: [], windowIds: [w.t] });
    const first = await take('T');
    expect(first.body).toMatchObject({ ticketNo: 'T001', status: 'waiting', ahead: 0, estimatedWaitSeconds: null, code: expect.stringMatching(/^[0-9]{6}$/) });
    const green = await call('POST', '/queue/tickets', { as: clerk1, body: { categoryCode: 'T', priority: 'green' } });
    expect(green).toMatchObject({ status: 201, body: { ticketNo: 'T002', priority: 'green', ahead: 0 } });
    const status = (t: { body: { ticketId: string; code: string } }, code = t.body.code) => call('GET', `${hall}/tickets/${t.body.ticketId}?code=${code}`);
    expect((await status(first)).body).toMatchObject({ status: 'waiting', ahead: 1 });
    expect((await status(first, first.body.code === '000000' ? '000001' : '000000')).status).toBe(404);

    // 绿色通道 first, then by arrival.
    const c1 = await callNext(clerk1, w.t);
    expect(c1.body).toMatchObject({ ticketId: green.body.ticketId, status: 'called' });
    const c2 = await callNext(clerk1, w.t);
    expect(c2.body).toMatchObject({ ticketId: first.body.ticketId, status: 'called', windowId: w.t });
    expect((await status(first)).body).toMatchObject({ status: 'called', windowId: w.t, windowName: '1号综合窗口', ahead: 0 });
    const board = await hallShowing('board', 'category T', (b) => b.waiting?.some((c: { categoryCode: string }) => c.categoryCode === 'T'));
    expect(validationErrors(Board, board.body)).toEqual([]);
    // Other files call in the same center meanwhile: newest first among this category's calls.
    expect(board.body.calls.map((c: { ticketNo: string }) => c.ticketNo).filter((no: string) => no.startsWith('T')).slice(0, 2)).toEqual(['T001', 'T002']);
    expect(board.body.waiting).toContainEqual({ categoryCode: 'T', name: '旅程测试', count: 0 });
    // Two tickets called to w.t: the board shows the latest; a window of a category with nobody called is idle.
    expect(board.body.windows).toContainEqual({ windowId: w.t, windowName: '1号综合窗口', state: 'calling', ticketNo: 'T001' });
    expect(board.body.windows).toContainEqual({ windowId: w.q, windowName: `窗口${w.q}`, state: 'idle' });

    const id = first.body.ticketId as string;
    expect((await act(clerk1, w.t, id, 'end', { itemCodes: [], caseNos: [] })).body.type).toBe(typeOf('wrong-state'));
    expect((await act(clerk1, w.t, id, 'start')).body.status).toBe('serving');
    const serving = await hallShowing('board', 'window T serving', (b) => b.windows?.some((x: { windowId: string; state: string }) => x.windowId === w.t && x.state === 'serving'));
    expect(serving.body.windows).toContainEqual({ windowId: w.t, windowName: '1号综合窗口', state: 'serving', ticketNo: 'T001' });
    const applicantId = '01JAAAAAAAAAAAAAAAAAAAAAAA';
    const ended = await act(clerk1, w.t, id, 'end', { itemCodes: [demoItems[0]!.code], caseNos: [], applicantId });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.ticket.status).toBe('ended');
    expect(ended.body.visit).toMatchObject({ ticketId: id, ticketNo: 'T001', windowId: w.t, staffId: subs[clerk1], departmentIds: ['amr'], itemCodes: [demoItems[0]!.code], caseNos: [], applicantId });

    const figures = await call('GET', `/queue/figures/${first.body.date}`, { as: 'supervisor' });
    expect(validationErrors(DayFigures, figures.body)).toEqual([]);
    expect(figures.body.categories.find((c: { code: string }) => c.code === 'T')).toMatchObject({ taken: 2, served: 1, waiting: 0, missed: 0, serviceSeconds: { p50: expect.any(Number) } });
    // The next take's estimate comes from today's service times.
    expect((await take('T')).body.estimatedWaitSeconds).toBe(0);

    const records = await until('the ticket\'s four audit records', async () => {
      const res = await call('GET', `/audit/events?from=${centerToday()}&to=${centerToday()}&subjectType=ticket&subjectId=${id}`, { as: 'auditor' });
      return res.body.items?.length >= 4 ? res.body.items : undefined;
    });
    expect(records.map((r: { action: string }) => r.action)).toEqual(['TicketIssued', 'TicketCalled', 'ServiceStarted', 'VisitEnded']);
    const visitEnded = records[3];
    expect(visitEnded).toMatchObject({ source: 'onestop.queue', actor: { id: subs[clerk1], role: 'clerk' } });
    expect(validationErrors(VisitEndedData, visitEnded.data)).toEqual([]);
    expect(visitEnded.data).toMatchObject({ visitId: ended.body.visit.visitId, windowId: w.t, staffId: subs[clerk1], applicantId, waiting: expect.arrayContaining([{ categoryCode: 'T', count: 0 }]) });
    expect(JSON.stringify(records)).not.toContain(`"${first.body.code}"`);
    expect(validationErrors(queueEventSchemas.TicketCalled.properties.data, records[1].data)).toEqual([]);
  });

  it('recall up to the category\'s 2 calls, then skip (missed); a transfer to another window is called there only; the month counts the visit and the miss', async () => {
    expect((await category('U', { name: '过号转移', itemCodes: [], windowIds: [w.u], callsBeforeMissed: 2 })).body.callsBeforeMissed).toBe(2);
    const a = await take('U');
    const b = await take('U');
    const id = a.body.ticketId as string;
    expect((await callNext(clerk1, w.u)).body.ticketId).toBe(id);
    expect((await act(clerk1, w.u, id, 'recall')).body.calls).toBe(2);
    expect((await act(clerk1, w.u, id, 'recall')).body.type).toBe(typeOf('calls-used-up'));
    expect((await act(clerk1, w.u, id, 'skip')).body).toMatchObject({ status: 'missed', calls: 2 });

    expect((await callNext(clerk1, w.u)).body.ticketId).toBe(b.body.ticketId);
    expect((await act(clerk1, w.u, b.body.ticketId, 'transfer', {})).body.type).toBe(typeOf('transfer-invalid'));
    const moved = await act(clerk1, w.u, b.body.ticketId, 'transfer', { windowId: w.u2 });
    expect(moved.body).toMatchObject({ status: 'waiting', categoryCode: 'U', priority: 'normal', takenAt: b.body.takenAt, transferredTo: { windowId: w.u2 } });
    expect((await callNext(clerk1, w.u)).status).toBe(409);
    expect((await callNext(clerk2, w.u2)).body).toMatchObject({ ticketId: b.body.ticketId, windowId: w.u2, calls: 1 });

    // The visit at w.t (previous test) and this miss and transfer at w.u, counted from their events.
    const month = centerToday().slice(0, 7);
    const windowCounts = (body: { windows?: { windowId: string; counts: { served: number; missed: number; transferred: number } }[] }, windowId: string) => body.windows?.find((r) => r.windowId === windowId)?.counts;
    const figures = await until('the visit, the miss and the transfer counted', async () => {
      const res = await call('GET', `/queue-stats/${month}`, { as: 'supervisor' });
      return windowCounts(res.body, w.t)?.served === 1 && windowCounts(res.body, w.u)?.missed === 1 && windowCounts(res.body, w.u)?.transferred === 1 ? res.body : undefined;
    });
    expect(validationErrors(QueueMonthFigures, figures)).toEqual([]);
    expect(windowCounts(figures, w.t)).toMatchObject({ served: 1, missed: 0, serviceSeconds: { count: 1 }, waitSeconds: { count: 2 } });
    expect(figures.staff.find((r: { staffId: string }) => r.staffId === subs[clerk1]).counts).toMatchObject({ served: 1, missed: 1, transferred: 1 });
    expect(figures.center.taken).toBeGreaterThanOrEqual(2);
  });
});

describe('who may work a window, and bad requests', () => {
  it('a clerk not assigned to the window gets 403, as does any other role', async () => {
    for (const as of [clerk2, 'clerk.amr', 'center.admin', 'supervisor']) {
      const res = await callNext(as, w.t);
      expect(res.status, as).toBe(403);
    }
    expect((await call('POST', '/queue/tickets', { as: 'supervisor', body: { categoryCode: 'T' } })).status).toBe(403);
    expect((await call('GET', `/queue/figures/${centerToday()}`, { as: 'clerk.amr' })).status).toBe(403);
  });

  it('bad bodies are refused field by field (problem+json)', async () => {
    const put = await call('PUT', '/admin/queue/categories/Q', { as: 'center.admin', body: { name: '', itemCodes: 'x', windowIds: [], extra: 1 } });
    expect(put.status).toBe(400);
    expect(put.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(put.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/extra', '/body/itemCodes', '/body/name', '/body/windowIds']);
    const kiosk = await call('POST', `${hall}/tickets`, { body: { categoryCode: 'ab', priority: 'green' } });
    expect(kiosk.status).toBe(400);
    expect(kiosk.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/categoryCode', '/body/categoryCode', '/body/priority']);
    const none = await call('POST', `${hall}/tickets`, { body: {} });
    expect(none).toMatchObject({ status: 422, body: { type: typeOf('category-unknown'), errors: [expect.objectContaining({ path: '/body/categoryCode' })] } });
    const end = await act(clerk1, w.t, '20260101-01JAAAAAAAAAAAAAAAAAAAAAAA', 'end', { itemCodes: ['?'], caseNos: ['x'] });
    expect(end.status).toBe(400);
    expect(end.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/caseNos/0', '/body/itemCodes/0']);
  });
});

describe('DynamoDB requests', () => {
  it('a kiosk take and a call-next each make 3 (the hall\'s configuration remembered)', async () => {
    await category('V', { name: '请求计数', itemCodes: [], windowIds: [w.v] });
    const run = await inProcess(() => import('../../functions/queue/handler.ts'));
    const takeV = () => run(eventFor(undefined, 'POST', `${hall}/tickets`, '/public/hall/{centerId}/tickets', { body: { categoryCode: 'V' }, params: { centerId: 'center-demo' } }));
    expect((await takeV()).status).toBe(201);
    const warm = await takeV();
    expect(warm.status).toBe(201);
    expect(warm.commands).toEqual(['UpdateItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    const clerk = { username: clerk1, roles: ['clerk'], centerId: 'center-demo', departmentId: 'amr', sub: subs[clerk1]! };
    const called = await run(eventFor(clerk, 'POST', `/windows/${w.v}/call-next`, '/windows/{windowId}/call-next', { params: { windowId: w.v } }));
    expect(called.status, JSON.stringify(called.body)).toBe(200);
    expect(called.commands).toEqual(['BatchGetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    const board = await run(eventFor(undefined, 'GET', `${hall}/board`, '/public/hall/{centerId}/board', { params: { centerId: 'center-demo' } }));
    const boardAgain = await run(eventFor(undefined, 'GET', `${hall}/board`, '/public/hall/{centerId}/board', { params: { centerId: 'center-demo' } }));
    expect(boardAgain.commands).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
    console.log(`queue requests: take ${warm.commands.join(' + ')}; call-next ${called.commands.join(' + ')}; board ${board.commands.length} then ${boardAgain.commands.length} (window names remembered)`);
  });

  it('a counted event delivered twice counts once: one transaction, then nothing', async () => {
    useLocalTable();
    const { handler } = await import('../../functions/queue/stats/counting.ts');
    const windowId = `qc${suffix}`;
    const event = {
      id: 'x', source: 'onestop.queue', 'detail-type': 'TicketMissed',
      detail: {
        eventId: `01J${suffix.toUpperCase().replace(/[ILOU]/g, 'A').padEnd(23, 'A')}`, centerId: 'center-demo', occurredAt: new Date().toISOString(), actor: { id: 'clerk-x', role: 'clerk' },
        subject: { type: 'ticket', id: '20260101-01JAAAAAAAAAAAAAAAAAAAAAAA' }, version: 1,
        data: { ticketId: '20260101-01JAAAAAAAAAAAAAAAAAAAAAAA', ticketNo: 'U001', categoryCode: 'U', date: centerToday(), waiting: [], windowId, windowName: 'U 窗口', calls: 2, missedAt: new Date().toISOString() },
      },
    } as never;
    expect(await handler(event)).toEqual({ outcome: 'counted' });
    expect(await handler(event)).toEqual({ outcome: 'duplicate' });
    const res = await call('GET', `/queue-stats/${centerToday().slice(0, 7)}`, { as: 'center.admin' });
    expect(res.body.windows.find((r: { windowId: string }) => r.windowId === windowId).counts.missed).toBe(1);
  });
});
