/**
 * The "Adding a domain" checklist of the README, as tests: a domain that
 * declares routes is assembled into the API (infra/routes.ts), has its problem
 * types there, and an HTTP entry built from those routes. The other steps are
 * checked where they live: inputs bounded (shared/route-bounds.test.ts),
 * dependency rules (architecture.test.ts), API Gateway routes = declared routes
 * (tests/infra/api-functions.test.ts), the OpenAPI document
 * (shared/openapi*.test.ts), the authorization matrix covering every route and
 * the edge test over every route (tests/integration).
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDomains, apiProblems } from '../../infra/routes.ts';

const functionsDir = path.resolve(import.meta.dirname, '../../functions');
const withRoutes = readdirSync(functionsDir).filter((d) => existsSync(path.join(functionsDir, d, 'routes.ts'))).sort();

describe(`domains with routes (${withRoutes.join(', ')})`, () => {
  it('every functions/<domain>/routes.ts is assembled into the API (infra/routes.ts apiDomains)', () => {
    expect(Object.keys(apiDomains).sort()).toEqual(withRoutes);
  });

  it.each(withRoutes)('%s: its routes and problem types are the ones assembled', async (domain) => {
    const entry = apiDomains[domain as keyof typeof apiDomains];
    const routesModule = (await import(path.join(functionsDir, domain, 'routes.ts'))) as Record<string, unknown>;
    expect(Object.values(routesModule)).toContain(entry.routes);
    const problemsModule = (await import(path.join(functionsDir, domain, 'problems.ts'))) as Record<string, unknown>;
    expect(Object.values(problemsModule)).toContain(entry.problems);
    for (const p of Object.values(entry.problems)) expect(p.title.zh && p.title.en && p.about, p.slug).toBeTruthy();
  });

  it.each(withRoutes)('%s: an HTTP entry handler.ts exporting `handler`, for every operation of its routes', async (domain) => {
    const file = path.join(functionsDir, domain, 'handler.ts');
    expect(existsSync(file), `${domain}/handler.ts`).toBe(true);
    const { handler } = (await import(file)) as { handler?: unknown };
    expect(typeof handler).toBe('function');
  });

  it('problem type slugs are unique across the API (the HTTP stack\'s and every domain\'s)', () => {
    const slugs = apiProblems.map((p) => p.slug);
    expect(slugs.length).toBe(new Set(slugs).size);
  });
});
