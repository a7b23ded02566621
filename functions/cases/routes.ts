import type { RouteSpec } from '#shared/route-spec';
import {
  Case,
  CasePage,
  CasePath,
  IntakeRequest,
  MyCasesQuery,
  PublicProgress,
  PublicProgressQuery,
  QueryCodeReissue,
  QueryCodeReissueBody,
  QueuePath,
  QueueQuery,
  Timeline,
} from '#schemas/api/cases';
import { httpActions, rowsOf, type Actor } from './lifecycle.ts';

const onWhat = { lead: 'lead department', joint: 'co-department', center: 'any case of the center' } as const;
const who = (a: Actor) => (a.role === 'applicant' ? 'the applicant (own case)' : a.role === 'system' ? 'the system' : `${a.role} (${onWhat[a.on]})`);

/** The OpenAPI description of an action, written from its rows of the lifecycle table. */
function describe(action: string): string {
  return rowsOf(action)
    .map((t) => {
      const to = t.to === 'same' ? 'the same state' : `\`${t.to}\``;
      const guards = t.guards.length ? ` Only when ${t.guards.map((g) => g.name).join('; ')}.` : '';
      const clock = t.clock ? ` Clock: ${t.clock}.` : '';
      return `- From ${t.from.map((s) => `\`${s}\``).join(', ')} to ${to}, by ${t.by.map(who).join(' or ')}.${guards}${clock} Emits \`${t.event}\`. ${t.summary}.`;
    })
    .join('\n');
}

const hasRequiredField = (schema: { required?: readonly string[] }) => (schema.required?.length ?? 0) > 0;

/** One route per action of the lifecycle table, each with its own body schema. */
const actionRoutes: RouteSpec[] = httpActions.map((action) => {
  const { body, summary } = rowsOf(action)[0]!;
  return {
    operationId: `case${action[0]!.toUpperCase()}${action.slice(1)}`,
    method: 'POST',
    path: `/cases/{caseNo}/${action}`,
    access: 'jwt',
    summary,
    // Written from the lifecycle table when the OpenAPI document asks, not at every cold start.
    get description() {
      return `${describe(action)}\n\nIf-Match: the case's ETag (its version). The answer is the case as the action left it, with the caller's next actions.`;
    },
    params: CasePath,
    body,
    optionalBody: !hasRequiredField(body as { required?: string[] }),
    ifMatch: true,
    accountCheck: 'inline',
    responses: { 200: Case },
  };
});

export const caseRoutes = [
  {
    operationId: 'submitCase', method: 'POST', path: '/cases', access: 'jwt', accountCheck: 'inline',
    summary: 'Apply (申请): online by the applicant, or at the counter by a clerk for an identified applicant',
    description: 'The item\'s typed fields are validated against its intakeFields schema; the materials handed in are marked on its checklist. ' +
      'Send an Idempotency-Key (≤ 64 characters) to make retries safe: the same key and body within 24 hours return the first response; the same key with another body is 422.',
    headers: [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this application, 1–64 characters [A-Za-z0-9_-]' }],
    body: IntakeRequest, responses: { 201: Case },
  },
  {
    operationId: 'listMyCases', method: 'GET', path: '/cases', access: 'jwt', accountCheck: 'inline',
    summary: "The applicant's own cases, newest first", query: MyCasesQuery, responses: { 200: CasePage },
  },
  {
    operationId: 'getCase', method: 'GET', path: '/cases/{caseNo}', access: 'jwt', accountCheck: 'inline',
    summary: 'Read a case: applicants their own, staff their department\'s (lead or co-department); with deadlines, remaining working days and next actions',
    params: CasePath, responses: { 200: Case },
  },
  {
    operationId: 'getCaseTimeline', method: 'GET', path: '/cases/{caseNo}/timeline', access: 'jwt',
    summary: 'Every event of a case: actor, time, from → to, clock effect, deadlines', params: CasePath, responses: { 200: Timeline },
  },
  {
    operationId: 'listQueue', method: 'GET', path: '/queues/{queue}', access: 'jwt', accountCheck: 'inline',
    summary: "A department's work queue (待受理, 待补正, 审查中, 特别程序, 待会签, 待送达, 即将到期, 已超期), most urgent first",
    params: QueuePath, query: QueueQuery, responses: { 200: CasePage },
  },
  {
    operationId: 'getPublicProgress', method: 'GET', path: '/public/cases/{caseNo}', access: 'public', throttle: 'publicLookup',
    summary: 'Progress of a case by its number and the query code on the receipt: status and dates, no personal data',
    params: CasePath, query: PublicProgressQuery, responses: { 200: PublicProgress },
  },
  {
    operationId: 'reissueCaseQueryCode', method: 'POST', path: '/cases/{caseNo}/query-code', access: 'jwt', accountCheck: 'inline', replay: 'operation',
    summary: 'Reissue the query code (查询码补发): by the applicant who owns the case, or a clerk of its lead department; the code before it stops working',
    description: 'Once the case is accepted. The answer is the only place the new code is sent (the event QueryCodeReissued names its generation); ' +
      'the applicant also finds it in their own view of the case. If-Match: the case\'s ETag. An Idempotency-Key\'s repeat answers the same code.',
    headers: [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this reissue, 1–64 characters [A-Za-z0-9_-]' }],
    params: CasePath, body: QueryCodeReissueBody, optionalBody: true, ifMatch: true, responses: { 200: QueryCodeReissue },
  },
  ...actionRoutes,
] as const satisfies readonly RouteSpec[];
