import type { RouteSpec } from '#shared/route-spec';
import {
  AssessRequest,
  CancelBody,
  CaseChargesPath,
  ChargeList,
  ChargePath,
  ChargeView,
  DecisionBody,
  NotificationAck,
  NotificationBody,
  RefundRequestBody,
  WaiverRequestBody,
} from '#schemas/api/fees';
import type { TSchema } from '@sinclair/typebox';
import { financeRoutes } from './finance-routes.ts';
import { rowsOf, staffActions, type Actor } from './lifecycle.ts';

/** The actions of the charge table a route exposes (assessment creates the charge: its own route). */
export const chargeActions = staffActions.filter((a) => a !== 'assess');

const bodies: Readonly<Record<string, TSchema>> = { requestWaiver: WaiverRequestBody, requestRefund: RefundRequestBody, cancel: CancelBody };

const who = (a: Actor) => (a.role === 'system' ? 'the system' : `${a.role} (the case's lead department)`);

/** The OpenAPI description of an action, from its rows of the charge table. */
const describe = (action: string) =>
  rowsOf(action)
    .map((t) => `- From ${t.from.map((s) => `\`${s}\``).join(', ')} to \`${t.to}\`, by ${t.by.map(who).join(' or ')}.${t.guards.length ? ` Only when ${t.guards.map((g) => g.name).join('; ')}.` : ''} ${t.summary}.`)
    .join('\n');

const operationIdOf = (action: string) => `charge${action[0]!.toUpperCase()}${action.slice(1)}`;

const actionRoutes: RouteSpec[] = chargeActions.map((action) => ({
  operationId: operationIdOf(action),
  method: 'POST',
  path: `/cases/{caseNo}/charges/{chargeId}/${action}`,
  access: 'jwt',
  summary: rowsOf(action)[0]!.summary,
  description: `${describe(action)}\n\nIf-Match: the charge's ETag (its version). The response is the charge with the caller's next actions.`,
  params: ChargePath,
  body: bodies[action] ?? DecisionBody,
  ...(bodies[action] ? {} : { optionalBody: true }),
  ifMatch: true,
  accountCheck: 'inline',
  responses: { 200: ChargeView },
}));

export const feeRoutes = [
  {
    operationId: 'listCaseCharges', method: 'GET', path: '/cases/{caseNo}/charges', access: 'jwt', accountCheck: 'inline',
    summary: 'A case\'s charges (收费) with their lines, ledger, derived balance and the caller\'s next actions: the applicant of the case, the staff of its lead department',
    params: CaseChargesPath, responses: { 200: ChargeList },
  },
  {
    operationId: 'assessCharge', method: 'POST', path: '/cases/{caseNo}/charges', access: 'jwt', accountCheck: 'inline',
    summary: 'Assess a charge (核价) from the item version\'s fees and the units counted, optionally asking a waiver (减免) at once: a clerk of the lead department, on a submitted case (fees paid before acceptance) or a granted, completed one (before delivery)',
    params: CaseChargesPath, body: AssessRequest, responses: { 201: ChargeView },
  },
  ...actionRoutes,
  {
    operationId: 'chargePaymentOrder', method: 'POST', path: '/cases/{caseNo}/charges/{chargeId}/payment-order', access: 'jwt', accountCheck: 'inline',
    summary: 'Where to pay a charge waiting for payment: its order at the provider, created again under the same number if the first answer was lost (never a second order)',
    params: ChargePath, responses: { 200: ChargeView },
  },
  {
    operationId: 'paymentNotify', method: 'POST', path: '/payments/notify', access: 'public', throttle: 'publicLookup',
    summary: 'The payment provider\'s signed notification (payment taken, refund made): checked against the provider\'s published keys before anything is read; recorded exactly once',
    description: 'Headers `x-pay-timestamp`, `x-pay-nonce`, `x-pay-serial`, `x-pay-signature` (ECDSA P-256 over timestamp, nonce and the body as sent). An unsigned, forged, stale (over 5 minutes) or unknown-key notification is 401 and nothing is written; a repeat is answered 200 and changes nothing.',
    body: NotificationBody, responses: { 200: NotificationAck },
  },
] as const satisfies readonly RouteSpec[];

/** Every route of the fees function: the charges' and the finance views' (finance-routes.ts). */
export const feesDomainRoutes = [...feeRoutes, ...financeRoutes] as const;
