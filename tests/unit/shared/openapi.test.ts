import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes, openApiDocument, openApiPath, renderOpenApi } from '#schemas/openapi';

describe('OpenAPI document', () => {
  it('docs/openapi.json is current (run `npm run openapi` after changing routes or schemas)', () => {
    expect(readFileSync(openApiPath, 'utf8')).toBe(renderOpenApi());
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
