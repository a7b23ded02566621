/**
 * The fees domain's finance operations (财务): reconciling a day (对账) —
 * every center by the schedule, the morning after; one center on demand —
 * and reading the reports and the revenue. reconciliation.ts compares and
 * sums, finance-store.ts reads and writes.
 *
 * The provider's statement covers the merchant, every center of the stage:
 * each line goes to the center its order leads back to; a line of an order
 * OneStop never made belongs to no center and is shown to every center's
 * finance as unattributed.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { ReconciliationDifference, ReconciliationReport, Revenue } from '#schemas/api/fees-finance';
import type { ReconciliationCompletedData } from '#schemas/events/fees-finance';
import { msg } from '#schemas/api/problems';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action } from '#shared/authorization';
import { forbidden, problem } from '#shared/errors';
import type { EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import type { Operations } from '#shared/http';
import { logger } from '#shared/logger';
import { centerIds } from '../org/public.ts';
import { feeProblems as p } from './problems.ts';
import type { financeRoutes } from './finance-routes.ts';
import * as finance from './finance-store.ts';
import { paymentProvider } from './provider/configured.ts';
import { ProviderRefusal } from './provider/port.ts';
import type { StatementLine } from './provider/protocol.ts';
import { compare, dayRevenue, monthRevenue, type AttributedLine, type DayEntry } from './reconciliation.ts';
import { statementDay, type OrderPointer } from './store.ts';

type Ops = Operations<typeof financeRoutes>;
type Actor = EventDraft<unknown>['actor'];

const systemActor: Actor = { id: 'system', role: 'system' };

function allow(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

/** The day's statement, or `not_ready` before the provider has made it. */
async function statementOf(date: string): Promise<StatementLine[] | 'not_ready'> {
  try {
    return await paymentProvider().provider.statement(date);
  } catch (err) {
    if (err instanceof ProviderRefusal && err.code === 'NOT_READY') return 'not_ready';
    throw err;
  }
}

/** Each line with the charge its order leads back to; the lines of orders OneStop never made apart. */
function attribute(lines: readonly StatementLine[], pointers: ReadonlyMap<string, OrderPointer>) {
  const byCenter = new Map<string, AttributedLine[]>();
  const unattributed: ReconciliationDifference[] = [];
  for (const line of lines) {
    const to = pointers.get(line.outTradeNo);
    if (to) byCenter.set(to.centerId, [...(byCenter.get(to.centerId) ?? []), { ...line, caseNo: to.caseNo, chargeId: to.chargeId }]);
    else unattributed.push({ kind: 'not_in_ledger', type: line.type, providerId: line.providerId, outTradeNo: line.outTradeNo, statementFen: line.amountFen });
  }
  return { byCenter, unattributed };
}

interface CenterRun {
  readonly centerId: string;
  readonly date: string;
  readonly lines: readonly AttributedLine[];
  readonly unattributed: readonly ReconciliationDifference[];
  readonly entries: readonly DayEntry[];
  /** The item each charge of the entries was assessed under. */
  readonly items: ReadonlyMap<string, { code: string; departmentId: string }>;
  readonly previous: finance.StoredReport | undefined;
  readonly now: string;
  readonly actor: Actor;
  readonly recordAs?: (report: ReconciliationReport) => IdempotencyPut | undefined;
}

/** Compares a center's day, then writes its report, its revenue figures and the event in one transaction. */
async function reconcileCenter(run: CenterRun): Promise<ReconciliationReport> {
  const { centerId, date, now } = run;
  const cmp = compare(run.lines, run.entries);
  const count = (kind: ReconciliationDifference['kind']) => cmp.differences.filter((d) => d.kind === kind).length;
  const report: finance.StoredReport = {
    centerId, date, balanced: cmp.differences.length === 0 && run.unattributed.length === 0,
    statement: cmp.statement, ledger: cmp.ledger, matched: cmp.matched, differences: cmp.differences,
    reconciledAt: now, revision: (run.previous?.revision ?? 0) + 1,
  };
  const event: EventDraft<ReconciliationCompletedData> = {
    source: 'onestop.fees', detailType: 'ReconciliationCompleted', centerId, occurredAt: now, actor: run.actor,
    subject: { type: 'fee_reconciliation', id: date },
    data: { date, revision: report.revision, matched: cmp.matched, notInLedger: count('not_in_ledger'), notInStatement: count('not_in_statement'), amountMismatch: count('amount_mismatch'), unattributed: run.unattributed.length },
  };
  const answer = { ...report, unattributed: [...run.unattributed] };
  await finance.putReconciliation(report, dayRevenue(run.entries, (id) => run.items.get(id)), run.unattributed, event, run.recordAs?.(answer));
  return answer;
}

/** Centers reconciled side by side. */
const CENTERS_AT_ONCE = 8;

/**
 * The schedule: every hour of the morning after (China time), the day
 * before today, for every center without its report. Once every center has
 * one, a run reads the reports and stops; before the provider has made the
 * statement, a run logs it and the next hour asks again.
 */
export async function reconcileScheduled(_event: ScheduledEvent): Promise<{ date: string; reconciled: string[]; notReady?: true }> {
  const now = new Date().toISOString();
  const date = statementDay(new Date(Date.parse(now) - 86_400_000).toISOString());
  const centers = await centerIds();
  const found = await finance.readKeys(centers.map((c) => finance.reportKey(c, date)));
  const pending = centers.filter((c) => !finance.reportOf(found, c, date));
  if (!pending.length) return { date, reconciled: [] };
  const lines = await statementOf(date);
  if (lines === 'not_ready') {
    logger.info('statement not ready', { date });
    return { date, reconciled: [], notReady: true };
  }
  const outTradeNos = lines.map((l) => l.outTradeNo);
  const { byCenter, unattributed } = attribute(lines, finance.pointersIn(await finance.readKeys(finance.pointerKeys(outTradeNos)), outTradeNos));
  const reconciled: string[] = [];
  for (let i = 0; i < pending.length; i += CENTERS_AT_ONCE) {
    await Promise.all(pending.slice(i, i + CENTERS_AT_ONCE).map(async (centerId) => {
      const entries = await finance.dayEntries(centerId, date);
      const items = finance.chargeItemsIn(await finance.readKeys(finance.chargeKeysOf(centerId, entries)), centerId, entries);
      const report = await reconcileCenter({ centerId, date, lines: byCenter.get(centerId) ?? [], unattributed, entries, items, previous: undefined, now, actor: systemActor });
      logger.info('reconciled', { centerId, date, balanced: report.balanced, differences: report.differences.length });
      reconciled.push(centerId);
    }));
  }
  return { date, reconciled };
}

const notReconciled = (date: string) => problem(p['not-reconciled'], msg(`${date} 尚未对账。`, `${date} is not reconciled yet.`));

const getReconciliation: Ops['getReconciliation'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'fee.finance.read');
  const { date } = req.params;
  const found = await finance.readKeys([finance.reportKey(caller.centerId, date), finance.unattributedKey(date), ...req.checks!.keys]);
  req.checks!.settle(found);
  const report = finance.reportOf(found, caller.centerId, date);
  if (!report) throw notReconciled(date);
  return { status: 200, body: { ...report, unattributed: finance.unattributedOf(found, date) } };
};

const runReconciliation: Ops['runReconciliation'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'fee.reconciliation.run');
  const { date } = req.params;
  const now = new Date().toISOString();
  if (date >= statementDay(now)) throw problem(p['day-not-over'], msg(`${date} 尚未结束。`, `${date} is not over yet.`));
  // Reads side by side (the checks are settled before anything is written): the report and the checks, the statement, the day's entries.
  const [read, lines, entries] = await Promise.all([
    finance.readKeys([finance.reportKey(caller.centerId, date), ...req.checks!.keys]),
    statementOf(date),
    finance.dayEntries(caller.centerId, date),
  ]);
  req.checks!.settle(read);
  if (lines === 'not_ready') throw problem(p['statement-not-ready'], msg(`支付渠道尚未生成 ${date} 的对账单。`, `The provider has not made the statement of ${date} yet.`));
  const outTradeNos = lines.map((l) => l.outTradeNo);
  const found = await finance.readKeys([...finance.pointerKeys(outTradeNos), ...finance.chargeKeysOf(caller.centerId, entries)]);
  const { byCenter, unattributed } = attribute(lines, finance.pointersIn(found, outTradeNos));
  const report = await reconcileCenter({
    centerId: caller.centerId, date, lines: byCenter.get(caller.centerId) ?? [], unattributed, entries,
    items: finance.chargeItemsIn(found, caller.centerId, entries),
    previous: finance.reportOf(read, caller.centerId, date), now,
    actor: { id: caller.userId, role: actingRole(caller, rolesFor('fee.reconciliation.run')) },
    recordAs: (body) => req.idempotency?.record({ status: 200, body }),
  });
  return { status: 200, body: report };
};

const getRevenue: Ops['getRevenue'] = async (req) => {
  const caller = callerOf(req.event);
  allow(caller, 'fee.finance.read');
  const { month } = req.query;
  const found = await finance.readKeys([finance.revenueKey(caller.centerId, month), ...req.checks!.keys]);
  req.checks!.settle(found);
  const body: Revenue = { centerId: caller.centerId, month, ...monthRevenue(finance.revenueDaysOf(found, caller.centerId, month)) };
  return { status: 200, body };
};

export const financeOperations = { getReconciliation, runReconciliation, getRevenue };
