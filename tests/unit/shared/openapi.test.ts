import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RouteSpec } from '#shared/route-spec';
import * as Type from '@sinclair/typebox/type';
import { componentReport, openApiDocument } from '#schemas/openapi';
import { problemUri } from '#schemas/api/problems';
import { apiDomains, apiProblems, apiRoutes } from '../../../infra/routes.ts';
import { renderLifecycle } from '../../../functions/cases/diagram.ts';
import { apiDocument, apiDocumentInput, lifecyclePath, openApiPath, renderApiDocument } from '../../../docs/generate.ts';

type Json = Record<string, any>;

const doc = apiDocument() as unknown as Json;
const opOf = (r: RouteSpec): Json => doc.paths[r.path]?.[r.method.toLowerCase()];
/** A `$ref` inside the document, resolved. */
const resolve = (node: Json): Json => {
  if (typeof node.$ref !== 'string') return node;
  const target = (node.$ref as string).replace(/^#\//, '').split('/').reduce((n: Json | undefined, k) => n?.[k], doc);
  if (!target) throw new Error(`unresolved ${node.$ref}`);
  return resolve(target);
};
const schemaName = (schema: Json | undefined) => /^#\/components\/schemas\/(.+)$/.exec(schema?.$ref ?? '')?.[1];
const domainOf = (r: RouteSpec) => Object.values(apiDomains).find((d) => (d.routes as readonly RouteSpec[]).includes(r))!;

describe('OpenAPI document', () => {
  it('docs/openapi.json is current (run `npm run docs` after changing routes or schemas)', () => {
    const written = readFileSync(openApiPath, 'utf8').split('\n');
    const fresh = renderApiDocument().split('\n');
    // The first difference, not a diff of two large files.
    const at = fresh.findIndex((line, i) => line !== written[i]);
    const first = at < 0 && written.length === fresh.length ? undefined : `line ${at + 1}: ${JSON.stringify(written[at])} → ${JSON.stringify(fresh[at])}`;
    expect(first, 'docs/openapi.json is stale: run `npm run docs`').toBeUndefined();
  });

  it('docs/case-lifecycle.md is current (run `npm run docs` after changing the lifecycle table)', () => {
    expect(readFileSync(lifecyclePath, 'utf8')).toBe(renderLifecycle());
  });

  it('has every declared route, secured unless public', () => {
    for (const r of apiRoutes) {
      const op = opOf(r);
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.operationId);
      expect(op.security).toEqual(r.access === 'public' ? [] : [{ cognito: [] }]);
    }
  });

  it('tags every operation with its domain, and describes every tag', () => {
    const tags = new Map((doc.tags as Json[]).map((t) => [t.name, t.description]));
    for (const domain of Object.values(apiDomains)) {
      expect(tags.get(domain.tag), domain.tag).toContain(domain.description);
      for (const r of domain.routes as readonly RouteSpec[]) expect(opOf(r).tags, r.operationId).toEqual([domain.tag]);
    }
  });

  it('writes every request and response body as a $ref to a named component', () => {
    const anonymous: string[] = [];
    const check = (where: string, content: Json | undefined) => {
      for (const [type, media] of Object.entries(content ?? {})) {
        const name = schemaName((media as Json).schema);
        if (!name || !doc.components.schemas[name]) anonymous.push(`${where} ${type}`);
      }
    };
    for (const r of apiRoutes) {
      const op = opOf(r);
      if (r.body) check(`${r.operationId} request`, op.requestBody?.content);
      expect(Boolean(op.requestBody), `${r.operationId} requestBody`).toBe(Boolean(r.body));
      for (const [status, response] of Object.entries(op.responses as Json)) {
        const resolved = resolve(response);
        expect(resolved.content, `${r.operationId} ${status} has a body`).toBeDefined();
        check(`${r.operationId} ${status}`, resolved.content);
      }
    }
    expect(anonymous).toEqual([]);
  });

  it('declares every status a route can answer, with its body and headers', () => {
    const missing: string[] = [];
    for (const r of apiRoutes) {
      const op = opOf(r);
      const statuses = new Set(Object.keys(op.responses));
      const problems = Object.values(domainOf(r).problems);
      const expected = [
        ...Object.keys(r.responses), '400', '429', '500', '503', '504',
        ...(r.access === 'jwt' ? ['401', '403'] : []),
        ...(r.params ? ['404'] : []),
        ...(r.method !== 'GET' ? ['409'] : []),
        ...(r.ifMatch ? ['412', '428'] : []),
        ...(r.body ? ['413', '415'] : []),
        ...(r.method !== 'GET' && (r.access === 'jwt' || problems.some((p) => p.status === 422)) ? ['422'] : []),
      ];
      for (const s of expected) if (!statuses.has(s)) missing.push(`${r.operationId} ${s}`);

      for (const [status, response] of Object.entries(op.responses as Json)) {
        const res = resolve(response);
        const n = Number(status);
        if (n >= 400) {
          const types = Object.keys(res.content);
          // Gateway-only answers are `{message}`; every other error is problem+json.
          if (n === 401 || n === 429) expect(schemaName(res.content['application/json']?.schema), `${r.operationId} ${status}`).toBe('GatewayMessage');
          if (n !== 429 || types.includes('application/problem+json')) expect(schemaName(res.content['application/problem+json']?.schema), `${r.operationId} ${status}`).toBe('Problem');
          if (n === 503 || n === 504 || (n === 429 && types.includes('application/problem+json'))) expect(Object.keys(res.headers ?? {}), `${r.operationId} ${status}`).toContain('Retry-After');
        } else {
          expect(Object.keys(res.headers), `${r.operationId} ${status}`).toContain('X-Request-Id');
        }
      }
      // The public case lookup locks a number after failed lookups: problem+json 429 with Retry-After.
      if (r.throttle === 'publicLookup' && problems.some((p) => p.status === 429)) {
        expect(Object.keys(resolve(op.responses['429']).content), r.operationId).toContain('application/problem+json');
      }

      const headerParams = (op.parameters as Json[]).map(resolve).filter((p) => p.in === 'header');
      const named = (name: string) => headerParams.find((p) => p.name === name);
      expect(named('Accept-Language'), r.operationId).toBeDefined();
      if (r.ifMatch) expect(named('If-Match')?.required, `${r.operationId} If-Match`).toBe(true);
      if (r.access === 'jwt' && r.method !== 'GET') {
        expect(named('Idempotency-Key'), `${r.operationId} Idempotency-Key`).toBeDefined();
        for (const s of Object.keys(r.responses)) expect(Object.keys(resolve(op.responses[s]).headers), r.operationId).toContain('Idempotent-Replayed');
      }
      expect(headerParams.filter((p) => p.name.toLowerCase() === 'idempotency-key').length, r.operationId).toBeLessThanOrEqual(1);
    }
    expect(missing).toEqual([]);
  });

  it('documents ETag on what routes change under If-Match', () => {
    for (const r of apiRoutes.filter((x) => x.ifMatch)) {
      for (const s of Object.keys(r.responses)) expect(Object.keys(resolve(opOf(r).responses[s]).headers), r.operationId).toContain('ETag');
    }
  });

  it('types limit as an integer 1–100 (default 25) and shares limit and nextToken', () => {
    const limit = doc.components.parameters.Limit;
    expect(limit).toMatchObject({ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } });
    expect(doc.components.parameters.NextToken).toMatchObject({ name: 'nextToken', in: 'query' });
    const inline: string[] = [];
    for (const r of apiRoutes) {
      for (const p of opOf(r).parameters as Json[]) {
        if (p.$ref === undefined && p.in === 'query' && p.name === 'limit') inline.push(`${r.operationId}: ${JSON.stringify(p.schema)}`);
      }
    }
    // The audit export pages by up to 1000 records: its own limit, declared as a string (schemas/api/audit.ts).
    expect(inline.filter((x) => !x.startsWith('exportAuditEvents:'))).toEqual([]);
  });

  it('has the shared parameters, headers and responses', () => {
    expect(Object.keys(doc.components.parameters)).toEqual(expect.arrayContaining(['IfMatch', 'IdempotencyKey', 'AcceptLanguage', 'Limit', 'NextToken']));
    expect(Object.keys(doc.components.headers)).toEqual(expect.arrayContaining(['RetryAfter', 'ETag', 'RequestId', 'ContentLanguage', 'IdempotentReplayed']));
    expect(Object.keys(doc.components.responses)).toEqual(expect.arrayContaining([
      'ValidationFailed', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'PreconditionFailed', 'PreconditionRequired',
      'PayloadTooLarge', 'UnsupportedMediaType', 'Unprocessable', 'TooManyRequests', 'InternalError', 'ServiceUnavailable', 'OutcomeUnknown',
    ]));
    expect(doc.components.schemas.GatewayMessage.required).toEqual(['message']);
  });

  it('lists every problem type with its URI, status and titles, and says to tolerate unknown ones', () => {
    const listed = new Map((doc['x-problem-types'] as Json[]).map((p) => [p.type, p]));
    const description = doc.info.description as string;
    for (const p of apiProblems) {
      expect(listed.get(problemUri(p.slug)), p.slug).toEqual({ type: problemUri(p.slug), status: p.status, title: p.title, about: p.about });
      expect(description, p.slug).toContain(`[\`${p.slug}\`](${problemUri(p.slug)}) | ${p.status} |`);
    }
    expect(description).toMatch(/must treat a type they do not know/);
    expect(doc.components.schemas.Problem.properties.type.description).toMatch(/x-problem-types.*tolerate types they do not know/s);
  });

  it('uses every registered component once: no two equal schemas, no dead or missing entries', () => {
    const report = componentReport(apiDocumentInput);
    expect(report.missing, 'entries whose export is gone (schemas/api/components.ts)').toEqual([]);
    expect(report.shadowed, 'entries equal to an earlier one: keep one name').toEqual([]);
    expect(report.unused, 'entries no operation uses: remove them from schemas/api/components.ts').toEqual([]);
    for (const name of Object.keys(apiDocumentInput.components)) expect(doc.components.schemas[name], name).toBeDefined();
  });

  it('is plain JSON, lists the servers of every stage and names a license', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.servers.map((s: Json) => s.description.split(':')[0])).toEqual(['local', 'dev', 'prod']);
    expect(doc.info.license.identifier ?? doc.info.license.url).toBeTruthy();
  });

  describe('naming', () => {
    const Thing = Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }), size: Type.Integer() }, { additionalProperties: false, description: 'A thing' });
    const build = (route: Partial<RouteSpec>) => openApiDocument({
      domains: { things: { tag: 'things', description: 'Things', problems: {}, routes: [{ operationId: 'makeThing', method: 'POST', path: '/things', access: 'jwt', summary: 'Make one', responses: {}, ...route }] } },
      problems: [], components: { Thing }, servers: [], version: '0',
    }) as unknown as Json;

    it('names a body that matches no component after its operation', () => {
      const d = build({ body: Type.Object({ name: Type.String() }), responses: { 201: Type.Object({ made: Type.Boolean() }) } });
      expect(d.paths['/things'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MakeThingRequest' });
      expect(d.paths['/things'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MakeThingResponse' });
      expect(d.components.schemas.MakeThingRequest).toEqual({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    });

    it('refers to a component from a copy of it, and from one that differs only in its description', () => {
      const d = build({
        body: Type.Object({ thing: { ...Thing, description: 'The thing to make' } as typeof Thing }),
        responses: { 201: Type.Object({ ...Thing.properties }, { additionalProperties: false, description: 'A thing' }) },
      });
      expect(d.components.schemas.MakeThingRequest.properties.thing).toEqual({ $ref: '#/components/schemas/Thing', description: 'The thing to make' });
      expect(d.paths['/things'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Thing' });
      expect(d.components.schemas.Thing).toEqual(JSON.parse(JSON.stringify(Thing)));
    });
  });
});
