/**
 * The daily reconciliation (对账) and revenue (收入) over the local cloud and
 * its payment provider simulator. Three road charges (71 000 fen each) are
 * paid through the simulator's cashier and recorded by the cloud's fees
 * function as the provider notifies them; the simulator's statement of the
 * day then gets four differences injected: one payment dropped, one amount
 * changed, an extra payment on one of the orders, and one on an order
 * OneStop never made. The reconciliation is run in this process, by the
 * schedule and by the finance route, with only Date moved to the next
 * morning (the day must be over): the finance function and its reads are the
 * real ones, against the cloud's table and simulator.
 *
 * Other files pay charges of the demo center on the same day: the report is
 * checked for this file's orders, and for its own consistency.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { emulatorEnv } from '../../local/lambda/runtime.ts';
import { api, call, centerToday, cloud, until } from './api-client.ts';
import { ROAD } from './cases-client.ts';
import { issuedRoadCharge, payAtCashier } from './fees-client.ts';
import { eventFor, inProcess } from './in-process.ts';

const CENTER = 'center-demo';
let fees: Awaited<ReturnType<typeof inProcess>>;
const date = centerToday();
const nextMorning = Date.parse(`${date}T00:00:00Z`) + 26 * 3600_000;

beforeAll(async () => {
  const env = Object.fromEntries(Object.entries(emulatorEnv(cloud.endpoints)).filter(([k]) => k.startsWith('PAYMENT_')));
  fees = await inProcess(() => import('../../functions/fees/handler.ts'), env);
});
afterEach(() => {
  vi.useRealTimers();
});

/** A granted, completed road case with its charge issued and paid on the simulator's cashier, recorded by the cloud. */
async function paidCharge(): Promise<{ caseNo: string; chargeId: string }> {
  const { caseNo, chargeId, issued } = await issuedRoadCharge();
  await payAtCashier(issued.body.payment.payUrl);
  await until(`charge ${chargeId} paid`, async () => {
    const list = (await call('GET', `/cases/${caseNo}/charges`, { as: 'clerk.housing' })).body;
    return list.items.find((c: { chargeId: string; state: string }) => c.chargeId === chargeId && c.state === 'paid');
  }, 30_000);
  return { caseNo, chargeId };
}

const inject = async (body: Record<string, unknown>) => {
  const res = await fetch(`${api}/local/payments/statements/${date}/inject`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
};

const asFinance = (as: string, method: string, path: string, route: string, opts: { params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string> } = {}) =>
  fees(eventFor(as, method, path, route, { ...opts, headers: { 'accept-language': 'en', ...opts.headers } }));
const getReport = (as = 'finance', day = date) => asFinance(as, 'GET', `/fees/reconciliations/${day}`, '/fees/reconciliations/{date}', { params: { date: day } });
const runReport = (as = 'finance', day = date, key?: string) =>
  asFinance(as, 'POST', `/fees/reconciliations/${day}`, '/fees/reconciliations/{date}', { params: { date: day }, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

type Difference = { kind: string; type: string; providerId: string; outTradeNo?: string; caseNo?: string; chargeId?: string; statementFen?: number; ledgerFen?: number };

describe('a day with four differences injected into the provider\'s statement', () => {
  let a: { caseNo: string; chargeId: string };
  let b: { caseNo: string; chargeId: string };
  let c: { caseNo: string; chargeId: string };
  const unknownOrder = `NOSUCH${Date.now().toString(36).toUpperCase()}`;
  const figures: Record<string, string[]> = {};

  beforeAll(async () => {
    [a, b, c] = await Promise.all([paidCharge(), paidCharge(), paidCharge()]);
    await inject({ kind: 'drop', outTradeNo: b.chargeId });
    await inject({ kind: 'amount', outTradeNo: c.chargeId, amountFen: 70_000 });
    await inject({ kind: 'extra', outTradeNo: a.chargeId, amountFen: 500 });
    await inject({ kind: 'extra', outTradeNo: unknownOrder, amountFen: 800 });
  }, 120_000);

  it('the schedule, the morning after, finds every difference once and reconciles each center once', async () => {
    const { reconcileScheduled } = await import('../../functions/fees/finance.ts');
    vi.useFakeTimers({ toFake: ['Date'], now: nextMorning });
    const run = await reconcileScheduled({} as never);
    expect(run.date).toBe(date);
    expect(run.reconciled).toContain(CENTER);
    expect(await reconcileScheduled({} as never)).toEqual({ date, reconciled: [] });
    vi.useRealTimers();

    const read = await getReport();
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    figures['read a report'] = read.commands;
    const report = read.body as { differences: Difference[]; unattributed: Difference[]; balanced: boolean; revision: number; matched: number; statement: { lines: number; payFen: number }; ledger: { lines: number; payFen: number } };
    const ours = report.differences.filter((d) => [a, b, c].some((x) => x.chargeId === d.chargeId));
    expect(ours.map(({ providerId: _p, ...d }) => d)).toEqual([
      { kind: 'not_in_ledger', type: 'PAY', outTradeNo: a.chargeId, caseNo: a.caseNo, chargeId: a.chargeId, statementFen: 500 },
      { kind: 'not_in_statement', type: 'PAY', outTradeNo: b.chargeId, caseNo: b.caseNo, chargeId: b.chargeId, ledgerFen: 71_000 },
      { kind: 'amount_mismatch', type: 'PAY', outTradeNo: c.chargeId, caseNo: c.caseNo, chargeId: c.chargeId, statementFen: 70_000, ledgerFen: 71_000 },
    ]);
    expect(report.unattributed).toContainEqual({ kind: 'not_in_ledger', type: 'PAY', providerId: expect.any(String), outTradeNo: unknownOrder, statementFen: 800 });
    expect(report).toMatchObject({ balanced: false, revision: 1 });
    console.log(JSON.stringify({ ours, unattributed: report.unattributed.filter((d) => d.outTradeNo === unknownOrder), statement: report.statement, ledger: report.ledger, matched: report.matched }, null, 1));
    // Every line is matched or a difference, on each side: A's real payment is matched.
    const onStatement = report.differences.filter((d) => d.kind !== 'not_in_statement').length;
    const onLedger = report.differences.filter((d) => d.kind !== 'not_in_ledger').length;
    expect(report.matched + onStatement).toBe(report.statement.lines);
    expect(report.matched + onLedger).toBe(report.ledger.lines);
    expect(report.matched).toBeGreaterThanOrEqual(1);
    expect(report.statement.payFen - report.ledger.payFen).toBe(
      report.differences.reduce((s, d) => s + (d.statementFen ?? 0) - (d.ledgerFen ?? 0), 0),
    );
  });

  it('finance runs it again on demand: the next revision, the same differences, its Idempotency-Key answered again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: nextMorning });
    const key = `recon-${Date.now()}`;
    const again = await runReport('finance', date, key);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    figures['run a day again'] = again.commands;
    expect(again.body.revision).toBe(2);
    expect(again.body.differences.filter((d: Difference) => [a, b, c].some((x) => x.chargeId === d.chargeId)).map((d: Difference) => d.kind)).toEqual(['not_in_ledger', 'not_in_statement', 'amount_mismatch']);
    const replay = await runReport('finance', date, key);
    expect(replay.status).toBe(200);
    expect(replay.body.revision).toBe(2);
    expect((await getReport()).body.revision).toBe(2);
    const tomorrow = new Date(nextMorning + 8 * 3600_000).toISOString().slice(0, 10);
    const early = await runReport('finance', tomorrow);
    expect(early.status).toBe(409);
    expect(early.body.type).toBe('https://onestop.example.gov.cn/problems/day-not-over');
  });

  it('only finance runs it; finance, the center admin and auditors read it; nobody reads a day not reconciled', async () => {
    for (const as of ['clerk.housing', 'center.admin', 'auditor']) expect((await runReport(as)).status, as).toBe(403);
    for (const as of ['center.admin', 'auditor']) expect((await getReport(as)).status, as).toBe(200);
    for (const as of ['clerk.housing', 'supervisor', 'approver.housing']) expect((await getReport(as)).status, as).toBe(403);
    const none = await getReport('finance', '2020-01-01');
    expect(none.status).toBe(404);
    expect(none.body.type).toBe('https://onestop.example.gov.cn/problems/not-reconciled');
  });

  it('revenue of the month, by item and department, adds up; the three charges are in it', async () => {
    const month = date.slice(0, 7);
    const res = await asFinance('finance', 'GET', '/fees/revenue', '/fees/revenue', { query: { month } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    figures['revenue of a month'] = res.commands;
    const revenue = res.body as { days: string[]; total: Record<string, number>; byItem: ({ itemCode: string; departmentId: string } & Record<string, number>)[]; byDepartment: ({ departmentId: string } & Record<string, number>)[] };
    expect(revenue.days).toContain(date);
    const road = revenue.byItem.find((i) => i.itemCode === ROAD && i.departmentId === 'housing')!;
    expect(road.revenueFen).toBeGreaterThanOrEqual(3 * 71_000);
    expect(road.payments).toBeGreaterThanOrEqual(3);
    for (const figure of ['revenueFen', 'receivedFen', 'refundedFen', 'payments']) {
      expect(revenue.byItem.reduce((s, i) => s + i[figure]!, 0), figure).toBe(revenue.total[figure]);
      expect(revenue.byDepartment.reduce((s, d) => s + d[figure]!, 0), figure).toBe(revenue.total[figure]);
    }
    expect((await asFinance('clerk.housing', 'GET', '/fees/revenue', '/fees/revenue', { query: { month } })).status).toBe(403);
  });

  it('DynamoDB requests: a read 1, revenue 1, a run on demand 4', () => {
    console.log(Object.entries(figures).map(([op, cmds]) => `${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n'));
    expect(figures['read a report']).toHaveLength(1);
    expect(figures['revenue of a month']).toHaveLength(1);
    expect([...figures['run a day again']!].sort()).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
  });
});
