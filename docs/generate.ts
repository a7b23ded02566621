/**
 * Writes the generated documents: docs/openapi.json (from the route
 * declarations and schemas) and docs/case-lifecycle.md (from the lifecycle
 * table). Tests fail when either is stale.
 */
import { writeFileSync } from 'node:fs';
import { renderLifecycle } from '../functions/cases/diagram.ts';
import { openApiPath, renderOpenApi } from '../schemas/openapi.ts';

export const lifecyclePath = new URL('./case-lifecycle.md', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(openApiPath, renderOpenApi());
  writeFileSync(lifecyclePath, renderLifecycle());
  console.log(`wrote ${openApiPath.pathname} and ${lifecyclePath.pathname}`);
}
