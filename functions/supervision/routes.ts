import type { RouteSpec } from '#shared/route-spec';
import { CasePath } from '#schemas/api/cases';
import {
  AppealBody,
  AppealDecisionBody,
  Card,
  CardListQuery,
  CardPage,
  CardPath,
  CaseSupervision,
  PublicSupervisionQuery,
  PublicSupervisionSummary,
  SupervisionFigures,
  SupervisionMonthPath,
  Order,
  OrderBody,
  OrderListQuery,
  OrderPage,
  OrderPath,
  OrderReplyBody,
  ThresholdSettings,
  ThresholdSettingsBody,
  WallView,
} from '#schemas/api/supervision';

export const supervisionRoutes = [
  {
    operationId: 'listCards', method: 'GET', path: '/supervision/cards', access: 'jwt',
    summary: 'The center\'s cards (预警 / 黄牌 / 红牌), newest first: open ones unless `state` says otherwise. Supervisors and auditors see the whole center (or name a department, a handler with `staffId`); a department admin its department\'s; clerks and approvers the cards of cases they handle and of those nobody has taken yet',
    query: CardListQuery, responses: { 200: CardPage },
  },
  {
    operationId: 'getCard', method: 'GET', path: '/supervision/cards/{cardId}', access: 'jwt',
    summary: 'Read a card (ETag: its version)', params: CardPath, responses: { 200: Card },
  },
  {
    operationId: 'appealCard', method: 'POST', path: '/supervision/cards/{cardId}/appeal', access: 'jwt', ifMatch: true,
    summary: 'Appeal a card of the own department (申诉): the department\'s admin, once, with a reason and evidence; the card waits for a supervisor (`pending`)',
    params: CardPath, body: AppealBody, responses: { 200: Card },
  },
  {
    operationId: 'decideCardAppeal', method: 'POST', path: '/supervision/cards/{cardId}/decide', access: 'jwt', ifMatch: true,
    summary: 'Decide a card\'s appeal (supervisor): `revoked` (the card leaves the figures), `returned` (it stands: `upheld`), `escalated` (督办)',
    params: CardPath, body: AppealDecisionBody, responses: { 200: Card },
  },
  {
    operationId: 'getCaseSupervision', method: 'GET', path: '/supervision/cases/{caseNo}', access: 'jwt',
    summary: 'A case\'s supervision history: every card of its clocks, with appeals and decisions', params: CasePath, responses: { 200: CaseSupervision },
  },
  {
    operationId: 'issueOrder', method: 'POST', path: '/supervision/orders', access: 'jwt',
    summary: 'Order the department handling a case to act by a day (督办), on the case or one of its cards: a supervisor. Unanswered in time, the order becomes a yellow card',
    description: 'Send an Idempotency-Key (≤ 64 characters) to make retries safe: the same key and body within 24 hours return the first response.',
    headers: [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this order, 1–64 characters [A-Za-z0-9_-]' }],
    body: OrderBody, responses: { 201: Order },
  },
  {
    operationId: 'listOrders', method: 'GET', path: '/supervision/orders', access: 'jwt',
    summary: '督办 orders, newest first (`state` open by default): supervisors and auditors the whole center, the department\'s staff their own',
    query: OrderListQuery, responses: { 200: OrderPage },
  },
  {
    operationId: 'getOrder', method: 'GET', path: '/supervision/orders/{orderId}', access: 'jwt',
    summary: 'Read a 督办 order (ETag: its version)', params: OrderPath, responses: { 200: Order },
  },
  {
    operationId: 'replyToOrder', method: 'POST', path: '/supervision/orders/{orderId}/reply', access: 'jwt', ifMatch: true,
    summary: 'The department\'s reply to an order (its admin), once', params: OrderPath, body: OrderReplyBody, responses: { 200: Order },
  },
  {
    operationId: 'getThresholdSettings', method: 'GET', path: '/supervision/settings', access: 'jwt',
    summary: 'The card thresholds in force in the caller\'s center (the card table\'s defaults until set); ETag: their version', responses: { 200: ThresholdSettings },
  },
  {
    operationId: 'putThresholdSettings', method: 'PUT', path: '/supervision/settings', access: 'jwt', ifMatch: true,
    summary: 'Set the center\'s card thresholds (supervisor or center admin). If-Match: the version read (`"0"` while the defaults apply). A heavier level may not come before a lighter one',
    body: ThresholdSettingsBody, responses: { 200: ThresholdSettings },
  },
  {
    operationId: 'getSupervisionFigures', method: 'GET', path: '/supervision/figures/{month}', access: 'jwt',
    summary: 'The month\'s figures of the center, each department and each handler: cards standing by level, issued, revoked, upheld, escalated, cancelled; cases closed, on time and late (按时办结率, mean working days late)',
    params: SupervisionMonthPath, responses: { 200: SupervisionFigures },
  },
  {
    operationId: 'getPublicSupervisionSummary', method: 'GET', path: '/public/supervision/summary/{month}', access: 'public',
    summary: 'The center\'s published supervision summary of a month (监察公示): counts only',
    params: SupervisionMonthPath, query: PublicSupervisionQuery, responses: { 200: PublicSupervisionSummary },
  },
  {
    operationId: 'getSupervisionWall', method: 'GET', path: '/public/supervision/wall', access: 'public',
    summary: 'What the supervision wall (监察大屏) shows: today\'s and the month\'s counts and the newest open cards (case number, department, level; no personal data)',
    query: PublicSupervisionQuery, responses: { 200: WallView },
  },
] as const satisfies readonly RouteSpec[];
