/**
 * Writes the generated documents: docs/openapi.json (from the API as
 * infra/routes.ts assembles it, the named schemas of schemas/api/components.ts
 * and the stages' servers) and docs/case-lifecycle.md (from the lifecycle
 * table). Tests fail when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderLifecycle } from '../functions/cases/diagram.ts';
import { apiDomains, apiProblems, apiServers } from '../infra/routes.ts';
import { apiComponents } from '../schemas/api/components.ts';
import { openApiDocument, renderOpenApi, type OpenApiInput } from '../schemas/openapi.ts';

export const openApiPath = new URL('./openapi.json', import.meta.url);
export const lifecyclePath = new URL('./case-lifecycle.md', import.meta.url);

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Everything the OpenAPI document is built from. */
export const apiDocumentInput: OpenApiInput = { domains: apiDomains, problems: apiProblems, components: apiComponents, servers: apiServers, version };
export const apiDocument = () => openApiDocument(apiDocumentInput);
export const renderApiDocument = () => renderOpenApi(apiDocumentInput);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(openApiPath, renderApiDocument());
  writeFileSync(lifecyclePath, renderLifecycle());
  console.log(`wrote ${openApiPath.pathname} and ${lifecyclePath.pathname}`);
}
