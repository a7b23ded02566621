import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes, openApiDocument, openApiPath, renderOpenApi } from '#schemas/openapi';
import { renderLifecycle } from '../../../functions/cases/diagram.ts';
import { lifecyclePath } from '../../../docs/generate.ts';

describe('OpenAPI document', () => {
  it('docs/openapi.json is current (run `npm run docs` after changing routes or schemas)', () => {
    expect(readFileSync(openApiPath, 'utf8')).toBe(renderOpenApi());
  });

  it('docs/case-lifecycle.md is current (run `npm run docs` after changing the lifecycle table)', () => {
    expect(readFileSync(lifecyclePath, 'utf8')).toBe(renderLifecycle());
  });

  it('has every declared route, secured unless public', () => {
    const doc = openApiDocument();
    for (const r of apiRoutes) {
      const op = (doc.paths[r.path] as Record<string, { operationId: string; security: unknown[] }>)[r.method.toLowerCase()]!;
      expect(op.operationId).toBe(r.operationId);
      expect(op.security).toEqual(r.access === 'public' ? [] : [{ cognito: [] }]);
    }
  });
});
