import type { RouteSpec } from '#shared/route-spec';
import { ReconciliationPath, ReconciliationReport, Revenue, RevenueQuery } from '#schemas/api/fees-finance';

/** The finance views of the fees domain (财务): the daily reconciliation and revenue. */
export const financeRoutes = [
  {
    operationId: 'getReconciliation', method: 'GET', path: '/fees/reconciliations/{date}', access: 'jwt', accountCheck: 'inline',
    summary: 'A day\'s reconciliation (对账) of the payment provider\'s statement against the ledger: every difference (not in the ledger, not in the statement, a different amount) and the merchant\'s lines of orders OneStop never made: the center\'s finance, its admin, auditors',
    params: ReconciliationPath, responses: { 200: ReconciliationReport },
  },
  {
    operationId: 'runReconciliation', method: 'POST', path: '/fees/reconciliations/{date}', access: 'jwt', accountCheck: 'inline',
    summary: 'Reconcile an ended day again now (the schedule reconciles each day the morning after): the center\'s finance; the report\'s revision counts the runs',
    params: ReconciliationPath, responses: { 200: ReconciliationReport },
  },
  {
    operationId: 'getRevenue', method: 'GET', path: '/fees/revenue', access: 'jwt', accountCheck: 'inline',
    summary: 'A month\'s revenue (收入) by item and department, over the days reconciled so far: the center\'s finance, its admin, auditors',
    query: RevenueQuery, responses: { 200: Revenue },
  },
] as const satisfies readonly RouteSpec[];
