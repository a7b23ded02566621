import type { RouteSpec } from '#shared/route-spec';
import {
  Evaluation,
  EvaluationPage,
  EvaluationPath,
  EvaluationQueuePath,
  EvaluationQueueQuery,
  HallVisitPath,
  MonthPath,
  MonthlyFigures,
  MyEvaluationsQuery,
  PublicFigures,
  PublicFiguresQuery,
  Settings,
  SettingsBody,
  SlipRateBody,
  SlipRating,
} from '#schemas/api/evaluation';
import { httpActions, rowsOf, type Actor } from './lifecycle.ts';

const who = (a: Actor) =>
  a.role === 'rater' ? 'the rater (the applicant the evaluation belongs to)'
    : a.role === 'slipHolder' ? 'an anonymous visit\'s ticket slip holder (`POST /public/hall/{centerId}/visits/{visitId}/rate`)'
    : a.role === 'system' ? 'the system' : a.role === 'supervisor' ? 'a supervisor' : `${a.role} (the handling department)`;

/** The OpenAPI description of an action, written from its rows of the evaluation table. */
function describe(action: string): string {
  return rowsOf(action)
    .map((t) => {
      const to = t.to === 'same' ? 'the same state' : typeof t.to === 'string' ? `\`${t.to}\`` : t.to.byInput;
      const guards = t.guards.length ? ` Only when ${t.guards.map((g) => g.name).join('; ')}.` : '';
      return `- From ${t.from.map((s) => `\`${s}\``).join(', ')} to ${to}, by ${t.by.map(who).join(' or ')}.${guards} Emits \`${t.event}\`. ${t.summary}.`;
    })
    .join('\n');
}

const operationIdOf = (action: string) => `evaluation${action[0]!.toUpperCase()}${action.slice(1)}`;

/** One route per action of the evaluation table, each with its own body schema. */
const actionRoutes: RouteSpec[] = httpActions.map((action) => ({
  operationId: operationIdOf(action),
  method: 'POST',
  path: `/evaluations/{evaluationId}/${action}`,
  access: 'jwt',
  summary: rowsOf(action)[0]!.summary,
  description: `${describe(action)}\n\nIf-Match: the evaluation's ETag (its version). The response lists the caller's next actions.`,
  params: EvaluationPath,
  body: rowsOf(action)[0]!.body,
  ifMatch: true,
  accountCheck: 'inline',
  responses: { 200: Evaluation },
}));

export const evaluationRoutes = [
  {
    operationId: 'listMyEvaluations', method: 'GET', path: '/evaluations', access: 'jwt', accountCheck: 'inline',
    summary: 'The applicant\'s own evaluations, newest first (state `invited`: waiting for the rating, until `rateBy`)', query: MyEvaluationsQuery, responses: { 200: EvaluationPage },
  },
  {
    operationId: 'getEvaluation', method: 'GET', path: '/evaluations/{evaluationId}', access: 'jwt', accountCheck: 'inline',
    summary: 'Read an evaluation: the rater their own; the handling department\'s staff; center admins and supervisors. The rater\'s identity is shown to supervisors only',
    params: EvaluationPath, responses: { 200: Evaluation },
  },
  {
    operationId: 'listEvaluationQueue', method: 'GET', path: '/evaluation-queues/{queue}', access: 'jwt', accountCheck: 'inline',
    summary: 'bad_reviews: a department\'s bad reviews waiting for call-back or rectification, earliest due first (the department\'s staff; supervisors name one); appeals: appeals to decide (supervisors)',
    params: EvaluationQueuePath, query: EvaluationQueueQuery, responses: { 200: EvaluationPage },
  },
  {
    operationId: 'getEvaluationSettings', method: 'GET', path: '/evaluation-settings', access: 'jwt', accountCheck: 'inline',
    summary: 'The evaluation time limits in force in the caller\'s center: the stage\'s defaults or the center\'s own', responses: { 200: Settings },
  },
  {
    operationId: 'putEvaluationSettings', method: 'PUT', path: '/evaluation-settings', access: 'jwt', accountCheck: 'inline',
    summary: 'Set the center\'s own evaluation time limits (If-Match once they exist): they apply to invitations and bad reviews from then on',
    body: SettingsBody, responses: { 200: Settings, 201: Settings },
  },
  {
    operationId: 'getEvaluationFigures', method: 'GET', path: '/evaluation-stats/{month}', access: 'jwt',
    summary: 'The month\'s satisfaction figures of the center, its departments, windows (ranked) and items: good-review, proactive good-review and not-rated rates',
    params: MonthPath, responses: { 200: MonthlyFigures },
  },
  {
    operationId: 'getPublicEvaluationFigures', method: 'GET', path: '/public/evaluation-stats/{month}', access: 'public',
    summary: 'The center\'s published satisfaction figures of a month (好差评公示): center, departments and the window ranking; counts only',
    params: MonthPath, query: PublicFiguresQuery, responses: { 200: PublicFigures },
  },
  {
    operationId: 'rateHallVisit', method: 'POST', path: '/public/hall/{centerId}/visits/{visitId}/rate', access: 'public', throttle: 'publicLookup',
    summary: 'A visitor nobody identified rates the visit (一次一评) on the window\'s device, with the ticket slip\'s id and code',
    description: 'The same rating, rules and figures as `POST /evaluations/{evaluationId}/rate`, without an account. A wrong ticket or code, an unknown visit, '
      + 'or a visit whose applicant was identified at the counter (they rate signed in) answer 404 alike; a visit rated already, 409.',
    params: HallVisitPath, body: SlipRateBody, responses: { 200: SlipRating },
  },
  ...actionRoutes,
] as const satisfies readonly RouteSpec[];
