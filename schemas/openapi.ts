/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route declarations
 * and their schemas (the same objects that validate requests). `npm run
 * docs` writes docs/openapi.json; a test fails when that file is stale.
 */
import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from '#shared/route-spec';
import { applicantRoutes } from '../functions/applicants/routes.ts';
import { auditRoutes } from '../functions/audit/routes.ts';
import { caseRoutes } from '../functions/cases/routes.ts';
import { catalogRoutes } from '../functions/catalog/routes.ts';
import { documentRoutes } from '../functions/documents/routes.ts';
import { evaluationRoutes } from '../functions/evaluation/routes.ts';
import { notificationRoutes } from '../functions/notifications/routes.ts';
import { orgRoutes } from '../functions/org/routes.ts';
import { Problem } from './api/common.ts';

export const apiRoutes: readonly RouteSpec[] = [...catalogRoutes, ...orgRoutes, ...applicantRoutes, ...caseRoutes, ...documentRoutes, ...notificationRoutes, ...auditRoutes, ...evaluationRoutes];

/** Plain JSON: TypeBox's symbol keys dropped. */
const json = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema));

function parameters(schema: TSchema | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const { properties = {}, required = [] } = json(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: json(Problem) } } });

function operation(route: RouteSpec) {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    const types = route.produces ?? ['application/json'];
    responses[status] = { description: 'OK', content: Object.fromEntries(types.map((t) => [t, { schema: json(schema) }])) };
  }
  responses['400'] = problem('Invalid input; `errors` lists every field at fault');
  if (route.access === 'jwt') {
    responses['401'] = { description: 'Missing or invalid bearer token' };
    responses['403'] = problem('The caller\'s role, department or center does not allow this');
  }
  if (route.params) responses['404'] = problem('No such resource in the caller\'s center');
  if (route.method !== 'GET') responses['409'] = problem('Not allowed in the resource\'s current state');
  if (route.ifMatch) {
    responses['412'] = problem('If-Match does not name the current version');
    responses['428'] = problem('If-Match is missing');
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.access === 'jwt' ? { security: [{ cognito: [] }] } : { security: [] }),
    parameters: [
      ...parameters(route.params, 'path'),
      ...parameters(route.query, 'query'),
      ...(route.ifMatch ? [{ name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } }] : []),
      ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
    ],
    ...(route.body
      ? { requestBody: { required: !route.optionalBody, content: { 'application/json': { schema: json(route.body) } } } }
      : {}),
    responses,
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of apiRoutes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'OneStop API',
      version: '0.1.0',
      description:
        'The HTTP API of OneStop, the platform of a one-stop administrative service center (行政服务中心). ' +
        'Errors are RFC 9457 problem details. A mutable resource comes with an ETag header; send it back in If-Match ' +
        'to change it. Lists take limit and a signed nextToken. Clients must tolerate enum values they do not know.',
    },
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito ID token)' } },
    },
    paths,
  };
}

export const openApiPath = new URL('../docs/openapi.json', import.meta.url);
export const renderOpenApi = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
