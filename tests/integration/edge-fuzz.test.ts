/**
 * The edge test (issue 11): every declared route, fed by fast-check with
 * values its schemas allow and hostile ones they should refuse (overlong
 * strings and digit runs, lone surrogates, direction overrides, nesting past
 * DynamoDB's 32 levels and past the stack, wrong types, bodies that are not
 * JSON, malformed headers). Each request goes to the route's own bundled
 * function — the module and environment the local cloud runs — invoked in this
 * process against the local cloud's DynamoDB, S3 and Cognito, as API Gateway
 * would invoke it. Asserted: never a 5xx, and every error is problem+json with
 * a type the API documents.
 *
 * Writes go to a center of this file's own (`center-fuzz…`), so nothing the
 * other tests rely on changes; the demo center's users only read.
 */
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '#shared/route-spec';
import { apiProblems, apiRoutes } from '../../infra/routes.ts';
import { cloud } from './api-client.ts';
import { eventFor, type User } from './in-process.ts';
import { arbitraryOf, deepJson, hostileStrings, hostileValue } from './schema-arbitraries.ts';

const RUNS_PER_ROUTE = 30;
const FUZZ_CENTER = `center-fuzz-${Date.now().toString(36)}`;
const knownTypes = new Set(apiProblems.map((p) => `https://onestop.example.gov.cn/problems/${p.slug}`));

const roles = ['applicant', 'clerk', 'approver', 'dept_admin', 'center_admin', 'supervisor', 'auditor'] as const;
const fuzzUsers: User[] = roles.map((role) => ({ username: `fuzz-${role.replace('_', '-')}`, roles: [role], centerId: FUZZ_CENTER, sub: `fuzz-${role}-sub`, ...(role === 'applicant' ? {} : { departmentId: 'amr' }) }));
const demoUsers: User[] = cloud.users.filter((u) => u.centerId === 'center-demo');

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;
const handlers = new Map<string, Promise<Handler>>();
const baseEnv = { ...process.env };

/** The route's bundled function, loaded once with its own environment (quiet logs: only errors). */
function handlerOf(functionId: string): Promise<Handler> {
  const fn = cloud.functions.find((f) => f.logicalId === functionId)!;
  Object.assign(process.env, baseEnv, fn.env, { POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_LAMBDA_LOG_LEVEL: 'ERROR' });
  let h = handlers.get(functionId);
  if (!h) {
    h = import(pathToFileURL(fn.module).href).then((m: Record<string, unknown>) => m[fn.handlerExport] as Handler);
    handlers.set(functionId, h);
  }
  return h;
}

interface Input {
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };
  readonly headers: Record<string, string>;
  readonly who?: User;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
const stringsOf = (schema: unknown, hostility: number) =>
  arbitraryOf(schema, hostility).map((o) => Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).map(([k, v]) => [k, asText(v)])));

/** Each part of a request valid by its schema three times out of four, hostile else: about a third of the requests are valid throughout. */
const mostlyValid = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostile });

function inputOf(route: RouteSpec): fc.Arbitrary<Input> {
  const paramNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const params = fc.record(Object.fromEntries(paramNames.map((name) => [name, mostlyValid(
    arbitraryOf((route.params as { properties?: Record<string, unknown> } | undefined)?.properties?.[name] ?? { type: 'string' }).map(asText),
    fc.constantFrom(...hostileStrings.filter((s) => s !== '')),
  )])));
  const querySchema = route.query ?? { type: 'object' };
  const query = mostlyValid(stringsOf(querySchema, 0), fc.oneof(stringsOf(querySchema, 0.3), fc.dictionary(fc.string({ maxLength: 12 }), fc.constantFrom(...hostileStrings), { maxKeys: 3 })));
  const bodySchema = route.body ?? { type: 'object' };
  const body: fc.Arbitrary<Input['body']> = mostlyValid(
    route.body ? arbitraryOf(bodySchema, 0).map((value) => ({ kind: 'json' as const, value })) : fc.constant({ kind: 'none' as const }),
    fc.oneof(
      fc.constant({ kind: 'none' as const }),
      arbitraryOf(bodySchema, 0.25).map((value) => ({ kind: 'json' as const, value })),
      hostileValue.map((value) => ({ kind: 'json' as const, value })),
      fc.constantFrom(
        { kind: 'raw' as const, text: '{"a":', contentType: 'application/json' },
        { kind: 'raw' as const, text: 'name=x', contentType: 'application/x-www-form-urlencoded' },
        { kind: 'raw' as const, text: JSON.stringify({ pad: 'x'.repeat(300_000) }), contentType: 'application/json' },
        { kind: 'raw' as const, text: deepJson(), contentType: 'application/json' },
        { kind: 'raw' as const, text: deepJson(50_000, (inner) => `{"itemCode":"X-1","materials":[],"fields":{"a":${inner}}}`), contentType: 'application/json' },
      ),
    ),
  );
  const headers = mostlyValid<Record<string, string>>(
    fc.record({
      'if-match': fc.constantFrom('"1"', '"2"', 'W/"3"', '"1.1"'),
      'idempotency-key': fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      'accept-language': fc.constantFrom('en', 'zh-CN', 'fr;q=0.5, en;q=0.1'),
    }, { requiredKeys: [] }),
    fc.record({
      'if-match': fc.constantFrom('*', '\ud800', '9'.repeat(300)),
      'idempotency-key': fc.constantFrom(...hostileStrings),
      'accept-language': fc.constantFrom('*', ';;;q=x', '\ud800'),
    }, { requiredKeys: [] }),
  );
  const who = route.access === 'public'
    ? fc.constant(undefined)
    : fc.constantFrom(...fuzzUsers, ...(route.method === 'GET' ? demoUsers : []));
  return fc.record({ params, query, body, headers, who });
}

function safePath(route: RouteSpec, params: Record<string, string>) {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = params[name] ?? '';
    return v.isWellFormed() ? encodeURIComponent(v) : v;
  });
}

const tallies = new Map<string, Map<number, number>>();

async function invoke(route: RouteSpec, input: Input) {
  const routeKey = `${route.method} ${route.path}`;
  const functionId = cloud.routes.find((r) => r.routeKey === routeKey)!.functionId;
  const handler = await handlerOf(functionId);
  const event = eventFor(input.who, route.method, safePath(route, input.params), route.path, {
    params: input.params,
    ...(Object.keys(input.query).length ? { query: input.query } : {}),
    headers: { ...input.headers, ...(input.body.kind === 'raw' ? { 'content-type': input.body.contentType } : {}) },
  }) as unknown as Record<string, unknown>;
  if (input.body.kind === 'json') event.body = JSON.stringify(input.body.value) ?? 'null';
  if (input.body.kind === 'raw') event.body = input.body.text;
  (event.requestContext as Record<string, unknown>).http = { method: route.method, path: event.rawPath, sourceIp: '198.51.100.7' };
  const deadline = Date.now() + 10_000;
  const res = await handler(event, { awsRequestId: 'fuzz', functionName: functionId, getRemainingTimeInMillis: () => deadline - Date.now() });
  const tally = tallies.get(route.operationId) ?? new Map<number, number>();
  tally.set(res.statusCode, (tally.get(res.statusCode) ?? 0) + 1);
  tallies.set(route.operationId, tally);
  return res;
}

describe(`edge: ${apiRoutes.length} routes × ${RUNS_PER_ROUTE} generated requests, never a 5xx`, () => {
  afterAll(() => {
    const lines = [...tallies].map(([op, t]) => `  ${op.padEnd(34)} ${[...t].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`edge test: ${[...tallies.values()].reduce((n, t) => n + [...t.values()].reduce((a, b) => a + b, 0), 0)} requests\n${lines.join('\n')}`);
  });

  it.each(apiRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', async (_key, route) => {
    await fc.assert(
      fc.asyncProperty(inputOf(route), async (input) => {
        const res = await invoke(route, input);
        expect(res.statusCode, `${res.statusCode} ${res.body?.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers?.['content-type']).toBe('application/problem+json');
          const problem = JSON.parse(res.body!) as { type: string; status: number };
          expect(knownTypes.has(problem.type), problem.type).toBe(true);
          expect(problem.status).toBe(res.statusCode);
        }
      }),
      { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
    );
  });
});
