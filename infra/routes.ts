/**
 * Where the HTTP API is assembled: every domain's route declarations and the
 * problem types of its business rules. The stacks add each domain's routes to
 * API Gateway from here, and the OpenAPI document is built from here
 * (docs/generate.ts); a domain missing from this table has no public door, and
 * tests/infra/api-functions.test.ts fails when a routes.ts is left out.
 */
import type { ProblemType } from '#schemas/api/problems';
import { genericProblems } from '#schemas/api/problems';
import type { RouteSpec } from '#shared/route-spec';
import type { OpenApiServer } from '#schemas/openapi';
import type { StageName } from './config.ts';
import { catalogProblems } from '../functions/catalog/problems.ts';
import { orgProblems } from '../functions/org/problems.ts';
import { applicantsProblems } from '../functions/applicants/problems.ts';
import { documentsProblems } from '../functions/documents/problems.ts';
import { notificationsProblems } from '../functions/notifications/problems.ts';
import { auditProblems } from '../functions/audit/problems.ts';
import { evaluationProblems } from '../functions/evaluation/problems.ts';
import { applicantRoutes } from '../functions/applicants/routes.ts';
import { appraisalProblems } from '../functions/appraisal/problems.ts';
import { appraisalRoutes } from '../functions/appraisal/routes.ts';
import { auditRoutes } from '../functions/audit/routes.ts';
import { caseProblems } from '../functions/cases/problems.ts';
import { caseRoutes } from '../functions/cases/routes.ts';
import { complaintProblems } from '../functions/complaints/problems.ts';
import { complaintRoutes } from '../functions/complaints/routes.ts';
import { feeProblems } from '../functions/fees/problems.ts';
import { feesDomainRoutes } from '../functions/fees/routes.ts';
import { catalogRoutes } from '../functions/catalog/routes.ts';
import { documentRoutes } from '../functions/documents/routes.ts';
import { evaluationRoutes } from '../functions/evaluation/routes.ts';
import { notificationRoutes } from '../functions/notifications/routes.ts';
import { orgRoutes } from '../functions/org/routes.ts';
import { queueProblems } from '../functions/queue/problems.ts';
import { queueRoutes } from '../functions/queue/routes.ts';
import { supervisionProblems } from '../functions/supervision/problems.ts';
import { supervisionRoutes } from '../functions/supervision/routes.ts';

export interface ApiDomain {
  /** The OpenAPI tag of the domain's operations. */
  readonly tag: string;
  readonly description: string;
  readonly routes: readonly RouteSpec[];
  readonly problems: Readonly<Record<string, ProblemType>>;
}

export const apiDomains = {
  catalog: { tag: 'catalog', description: 'Service items (事项) and their guides (办事指南): the public catalog and its administration', routes: catalogRoutes, problems: catalogProblems },
  org: { tag: 'org', description: 'The center, its departments, windows, staff and working-day calendar', routes: orgRoutes, problems: orgProblems },
  applicants: { tag: 'applicants', description: 'Applicants (申请人): registration, profiles, agents', routes: applicantRoutes, problems: applicantsProblems },
  cases: { tag: 'cases', description: 'Cases (办件): intake, acceptance, the lifecycle actions, time limits, work queues and the public progress lookup', routes: caseRoutes, problems: caseProblems },
  documents: { tag: 'documents', description: 'Materials, issued documents, certificates and archives', routes: documentRoutes, problems: documentsProblems },
  notifications: { tag: 'notifications', description: 'Messages sent about a case', routes: notificationRoutes, problems: notificationsProblems },
  audit: { tag: 'audit', description: 'The hash-chained audit log, its export and daily digests', routes: auditRoutes, problems: auditProblems },
  evaluation: { tag: 'evaluation', description: 'Evaluations (好差评), call-backs, rectifications, appeals and figures', routes: evaluationRoutes, problems: evaluationProblems },
  supervision: { tag: 'supervision', description: 'Electronic supervision (电子监察): cards on every watched clock, appeals, thresholds, figures and the wall', routes: supervisionRoutes, problems: supervisionProblems },
  queue: { tag: 'queue', description: 'The hall\'s queue (排队叫号): categories, tickets, calling at the windows, visits, the day\'s figures, the public board; appointments (预约)', routes: queueRoutes, problems: queueProblems },
  complaints: { tag: 'complaints', description: 'Complaints (投诉): intake from every channel, acceptance and assignment, the department\'s reply with one extension, rating and review; the complainant kept from the department complained about', routes: complaintRoutes, problems: complaintProblems },
  fees: { tag: 'fees', description: 'Fees (收费): charges assessed from the item version\'s fees, waivers, payment notices paid through the provider, its signed notifications, refunds; an append-only ledger per charge; the daily reconciliation with the provider and revenue (财务)', routes: feesDomainRoutes, problems: feeProblems },
  appraisal: { tag: 'appraisal', description: 'The monthly appraisal (考核): the center\'s indicator table, closing a month, scores and rankings of departments, windows and staff, appeals, the public summary', routes: appraisalRoutes, problems: appraisalProblems },
} as const satisfies Record<string, ApiDomain>;

export type DomainName = keyof typeof apiDomains;

/** Every route of the API, in domain order. */
export const apiRoutes: readonly RouteSpec[] = Object.values(apiDomains).flatMap((d): readonly RouteSpec[] => d.routes);

/** Every problem type the API can answer with: the HTTP stack's and each domain's. */
export const apiProblems: readonly ProblemType[] = [...Object.values(genericProblems), ...Object.values(apiDomains).flatMap((d) => Object.values(d.problems))];

const awsServer = (stage: StageName): OpenApiServer => ({
  url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
  description: `${stage}: the stack OneStop-${stage} (\`npx cdk deploy -c stage=${stage}\`); its output ApiUrl is this URL`,
  variables: {
    apiId: { default: 'apiid', description: `The HTTP API's id (onestop-${stage})` },
    region: { default: 'us-east-1', description: 'The AWS region the stack is deployed to' },
  },
});

/**
 * Where each stage's API answers, for the OpenAPI document (docs/generate.ts).
 * Typed by the stage names of infra/config.ts (a type-only import: no CDK at
 * run time), so a new stage needs its entry here.
 */
const stageServers: Record<StageName, OpenApiServer> = {
  local: {
    url: 'http://127.0.0.1:{port}',
    description: 'local: the local cloud of `npm start`, which prints it as http://localhost:3000 (it listens on 127.0.0.1; port 3000 unless `--port N` or `PORT`); tokens from `POST /local/token`',
    variables: { port: { default: '3000', description: 'The port `npm start` prints' } },
  },
  dev: awsServer('dev'),
  prod: awsServer('prod'),
};

export const apiServers: readonly OpenApiServer[] = Object.values(stageServers);
