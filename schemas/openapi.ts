/**
 * The OpenAPI 3.1 document of the HTTP API, built from the API as infra/routes.ts
 * assembles it (each domain's tag, routes and problem types), the named schemas
 * of schemas/api/components.ts and the stages' servers. It imports no domain:
 * docs/generate.ts passes everything in. `npm run docs` writes
 * docs/openapi.json; tests fail when that file is stale, when Redocly's
 * recommended rules find anything, or when openapi-typescript's client does not
 * compile.
 *
 * What a client generator needs from it:
 *  - named schemas: every subschema equal to a registered component (canonical
 *    JSON) is a `$ref`, so is one that differs only in its annotations (a
 *    `$ref` with its own description); a request or response body matching none
 *    is named after its operation (`<OperationId>Request`, `<OperationId>Response`);
 *  - every status a route can answer, derived from its declaration (see
 *    `errorResponses`), each with its body (problem+json `Problem`, or API
 *    Gateway's own `{"message"}`) and its headers;
 *  - shared parameters, headers and responses under `components`.
 */
import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from '#shared/route-spec';
import { FieldError, Limit, NextToken, Problem } from './api/common.ts';
import { problemUri, type ProblemType } from './api/problems.ts';

// ---------------------------------------------------------------------------
// Input

/** A domain of the API as infra/routes.ts declares it. */
export interface OpenApiDomain {
  readonly tag: string;
  readonly description: string;
  readonly routes: readonly RouteSpec[];
  readonly problems: Readonly<Record<string, ProblemType>>;
}

export interface OpenApiServer {
  readonly url: string;
  readonly description: string;
  readonly variables?: Readonly<Record<string, { readonly default: string; readonly description?: string; readonly enum?: readonly string[] }>>;
}

export interface OpenApiInput {
  readonly domains: Readonly<Record<string, OpenApiDomain>>;
  /** Every problem type the API answers with (generic and each domain's). */
  readonly problems: readonly ProblemType[];
  /** Named schemas: name → TypeBox schema (schemas/api/components.ts). */
  readonly components: Readonly<Record<string, TSchema | undefined>>;
  readonly servers: readonly OpenApiServer[];
  /** The API's version (package.json). */
  readonly version: string;
}

// ---------------------------------------------------------------------------
// JSON and schema matching

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Plain JSON: TypeBox's symbol keys (Kind, Optional) dropped. */
const json = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json;

/** JSON with every object's keys sorted: equal schemas, equal strings. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

/** Keywords that only annotate: a schema that differs from a component only in these is that component. */
const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
const withoutAnnotations = (s: Json): Json => Object.fromEntries(Object.entries(s).filter(([k]) => !ANNOTATIONS.has(k)));
/**
 * Matching without annotations is for shapes that say who they are (objects,
 * enums, patterns, constants); a bare `{"type":"integer","minimum":1}` would
 * otherwise take the name of the first component that happens to be one.
 */
const distinctive = (s: Json) => ['properties', 'enum', 'pattern', 'const', 'anyOf', 'oneOf'].some((k) => k in s);

/** Keywords whose value is a schema, a list of schemas or a map of schemas (JSON Schema 2020-12). */
const SUBSCHEMA = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems']);
const SUBSCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);

const schemaRef = (name: string) => `#/components/schemas/${name}`;

/**
 * The named schemas and the ones the document refers to. `schema()` writes a
 * schema with its named parts as `$ref`s; `name()` names a body that matches no
 * component; `used()` is what goes into `components.schemas`.
 */
class SchemaRegistry {
  private readonly exact = new Map<string, string>();
  private readonly loose = new Map<string, string>();
  private readonly definitions = new Map<string, Json>();
  private readonly referenced = new Set<string>();
  /** Registered names whose schema equals an earlier entry's (that entry takes the matches). */
  readonly shadowed: { name: string; by: string }[] = [];

  constructor(entries: readonly (readonly [string, unknown])[]) {
    for (const [name, schema] of entries) if (isObject(schema)) this.add(name, json(schema));
  }

  has(name: string) {
    return this.definitions.has(name);
  }

  private add(name: string, schema: Json) {
    if (this.definitions.has(name)) return;
    const key = canonicalJson(schema);
    const by = this.exact.get(key);
    if (by !== undefined) {
      this.shadowed.push({ name, by });
      return;
    }
    this.definitions.set(name, schema);
    this.exact.set(key, name);
    const bare = withoutAnnotations(schema);
    const looseKey = canonicalJson(bare);
    if (distinctive(bare) && !this.loose.has(looseKey)) this.loose.set(looseKey, name);
  }

  /** A `$ref` to the component this schema is (plus its own annotations where they differ), if it is one. */
  private match(s: Json, except?: string): Json | undefined {
    const exact = this.exact.get(canonicalJson(s));
    if (exact !== undefined && exact !== except) {
      this.referenced.add(exact);
      return { $ref: schemaRef(exact) };
    }
    const bare = withoutAnnotations(s);
    if (!distinctive(bare)) return undefined;
    const loose = this.loose.get(canonicalJson(bare));
    if (loose === undefined || loose === except) return undefined;
    this.referenced.add(loose);
    const component = this.definitions.get(loose)!;
    const own = Object.entries(s).filter(([k, v]) => ANNOTATIONS.has(k) && canonicalJson(component[k]) !== canonicalJson(v));
    return { $ref: schemaRef(loose), ...Object.fromEntries(own) };
  }

  /** The schema as the document writes it: each part equal to a component a `$ref`. */
  schema(schema: unknown, except?: string): Json {
    const s = json(schema);
    return this.write(s, except);
  }

  private write(s: Json, except?: string): Json {
    const ref = this.match(s, except);
    if (ref) return ref;
    const out: Json = {};
    for (const [k, v] of Object.entries(s)) {
      if (SUBSCHEMA.has(k) && isObject(v)) out[k] = this.write(v);
      else if (SUBSCHEMA_LISTS.has(k) && Array.isArray(v)) out[k] = v.map((x) => (isObject(x) ? this.write(x) : x));
      else if (SUBSCHEMA_MAPS.has(k) && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([p, x]) => [p, isObject(x) ? this.write(x) : x]));
      else out[k] = v;
    }
    return out;
  }

  /**
   * A body schema as a `$ref`: to the component it is, or to a new component
   * named `fallback` (the operation's name) when it is none.
   */
  body(schema: unknown, fallback: string): Json {
    const s = json(schema);
    const ref = this.match(s);
    if (ref) return ref;
    let name = fallback;
    for (let i = 2; this.definitions.has(name); i++) name = `${fallback}${i}`;
    this.add(name, s);
    return this.match(s)!;
  }

  /** `components.schemas`: every referenced component, each written with its own named parts as `$ref`s (alphabetical). */
  used(): Record<string, Json> {
    const written = new Map<string, Json>();
    // Writing a component may reference further ones: until nothing new turns up.
    for (let pending = [...this.referenced]; pending.length; pending = [...this.referenced].filter((n) => !written.has(n))) {
      for (const name of pending) written.set(name, this.write(this.definitions.get(name)!, name));
    }
    return Object.fromEntries([...written].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Marks a component as used (the shared responses' bodies). */
  reference(name: string) {
    if (!this.definitions.has(name)) throw new Error(`no component ${name}`);
    this.referenced.add(name);
  }
}

// ---------------------------------------------------------------------------
// Shared parameters, headers and responses

const GatewayMessage = {
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
  description:
    'An answer of API Gateway itself, before any function runs: `{"message":"Unauthorized"}` (missing, invalid or expired token), ' +
    '`{"message":"Too Many Requests"}` (throttled), `{"message":"Not Found"}` (no such route). Not a problem details object.',
} as const;

/** The HTTP stack's own shapes, named whatever the registry says. */
const stackComponents = { Problem, FieldError, GatewayMessage } as const;

const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const parameter = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const response = (name: string) => ({ $ref: `#/components/responses/${name}` });

const headers = {
  RequestId: { description: 'The request id (the `traceId` of a problem); quote it when reporting a problem. Absent on API Gateway\'s own answers.', schema: { type: 'string' } },
  ETag: {
    description: 'The version of the resource returned, a quoted string such as `"3"`: send it back in `If-Match` to change the resource.',
    schema: { type: 'string' },
  },
  RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  ContentLanguage: { description: 'The language of `title`, `detail` and `errors[].message`: zh-CN unless `Accept-Language` asks for en.', schema: { type: 'string', enum: ['zh-CN', 'en'] } },
  NextPageToken: {
    description: 'The `nextToken` of the next page (for bodies that cannot carry it); absent on the last page.',
    schema: { type: 'string' },
  },
  IdempotentReplayed: {
    description: '`true` when this is the recorded response of an earlier request with the same `Idempotency-Key` (nothing was done again).',
    schema: { type: 'string', enum: ['true'] },
  },
} as const;

const problemHeaders = { 'X-Request-Id': header('RequestId'), 'Content-Language': header('ContentLanguage') };

function parameters(registry: SchemaRegistry) {
  const limit = json(Limit);
  const nextToken = json(NextToken);
  return {
    parameters: {
      IfMatch: {
        name: 'If-Match', in: 'header', required: true,
        description: 'The `ETag` of the version you read. Missing: 428; not the current version: 412 (read it again).',
        schema: { type: 'string', minLength: 1 },
      },
      IfMatchToReplace: {
        name: 'If-Match', in: 'header', required: false,
        description: 'The `ETag` of the version you read: none to create, required to replace an existing one (428 without it, 412 when stale).',
        schema: { type: 'string', minLength: 1 },
      },
      IdempotencyKey: {
        name: 'Idempotency-Key', in: 'header', required: false,
        description: 'Client-chosen key of this request, 1–64 characters of A–Z a–z 0–9 _ -. A retry with the same key within 24 hours gets the recorded response ' +
          '(header `Idempotent-Replayed: true`) instead of a second change; the same key with another operation, resource or body is 422 `idempotency-key-reused`.',
        schema: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]{1,64}$' },
      },
      AcceptLanguage: {
        name: 'Accept-Language', in: 'header', required: false,
        description: 'zh-CN (the default) or en: the language of problem titles, details and field messages (see `Content-Language`).',
        schema: { type: 'string', default: 'zh-CN' },
      },
      Limit: { name: 'limit', in: 'query', required: false, description: limit.description, schema: registry.schema(limit) },
      NextToken: { name: 'nextToken', in: 'query', required: false, description: nextToken.description, schema: registry.schema(nextToken) },
    },
    limitKey: canonicalJson(limit),
    nextTokenKey: canonicalJson(nextToken),
  };
}

const problemContent = (example?: Json) => ({ 'application/problem+json': { schema: { $ref: schemaRef('Problem') }, ...(example ? { example } : {}) } });
const gatewayContent = (message: string) => ({ 'application/json': { schema: { $ref: schemaRef('GatewayMessage') }, example: { message } } });
const problemExample = (slug: string, title: string, status: number, extra: Json = {}) => ({
  type: problemUri(slug), title, status, ...extra, instance: '/cases/370982-20260105-00001', traceId: 'c1a2b3d4-0000-4000-8000-000000000001',
});

const responses = {
  ValidationFailed: {
    description: 'Bad request: `validation-failed` (the path, query or body does not match the schema; `errors` lists every field at fault), ' +
      '`malformed-request` (not JSON, nested too deep, not well-formed Unicode, a malformed header such as `Idempotency-Key`, a body where none is taken) ' +
      'or `invalid-cursor` (a `nextToken` not issued for this list, caller and filters, altered or expired).',
    headers: problemHeaders,
    content: problemContent(problemExample('validation-failed', 'Validation failed', 400, {
      detail: 'The request does not match its schema; see errors.',
      errors: [{ path: '/body/materials/0/count', code: 'minimum', message: 'must be >= 1' }],
    })),
  },
  Unauthorized: {
    description: 'Not authenticated. API Gateway\'s JWT authorizer answers a missing, invalid or expired bearer token itself with `{"message":"Unauthorized"}` ' +
      '(`application/json`, no request id); a valid token of a disabled account gets problem details `unauthorized` from the function.',
    headers: { 'X-Request-Id': header('RequestId') },
    content: { ...gatewayContent('Unauthorized'), ...problemContent() },
  },
  Forbidden: { description: '`forbidden` (the caller\'s role, department or center does not allow this), or a rule of who may act (e.g. `four-eyes`).', headers: problemHeaders, content: problemContent() },
  NotFound: { description: '`not-found`: no such resource in the caller\'s center, or none the caller may know of.', headers: problemHeaders, content: problemContent() },
  Conflict: {
    description: 'Not possible now: `wrong-state` (read the resource again: its `nextActions` lists what is possible), `already-exists`, `concurrent-request` (retry), or a business rule of the domain.',
    headers: problemHeaders, content: problemContent(),
  },
  Gone: { description: '`gone`: the resource existed and was destroyed (files and archives after their retention, by an approved disposition).', headers: problemHeaders, content: problemContent() },
  PreconditionFailed: { description: '`precondition-failed`: `If-Match` does not name the current version. Read the resource again and retry.', headers: problemHeaders, content: problemContent() },
  PreconditionRequired: { description: '`precondition-required`: send `If-Match` with the `ETag` of the version you read.', headers: problemHeaders, content: problemContent() },
  PayloadTooLarge: { description: '`payload-too-large`: the body exceeds 256 KiB.', headers: problemHeaders, content: problemContent() },
  UnsupportedMediaType: { description: '`unsupported-media-type`: send the body as `application/json`.', headers: problemHeaders, content: problemContent() },
  Unprocessable: {
    description: '`idempotency-key-reused` (the `Idempotency-Key` came with another operation, resource or body: use a new key), or a business rule of the domain.',
    headers: problemHeaders, content: problemContent(),
  },
  TooManyRequests: {
    description: 'Throttled by API Gateway (the stage\'s or the route\'s rate limit): `{"message":"Too Many Requests"}`, without `Retry-After`. Back off and retry.',
    content: gatewayContent('Too Many Requests'),
  },
  TooManyLookups: {
    description: 'Throttled by API Gateway (`{"message":"Too Many Requests"}`, no `Retry-After`: back off), or, as problem details, `lookup-locked`: ' +
      'too many failed lookups of this number; wait the seconds `Retry-After` names.',
    headers: { 'Retry-After': header('RetryAfter'), ...problemHeaders },
    content: { ...gatewayContent('Too Many Requests'), ...problemContent() },
  },
  InternalError: { description: '`internal-error`: something unexpected; quote the `traceId` when reporting it.', headers: problemHeaders, content: problemContent() },
  ServiceUnavailable: {
    description: '`service-unavailable`: throttled by a dependency or briefly unavailable; nothing was changed. Retry after `Retry-After` seconds.',
    headers: { 'Retry-After': header('RetryAfter'), ...problemHeaders }, content: problemContent(),
  },
  OutcomeUnknown: {
    description: '`outcome-unknown`: the request ran out of time. A read changed nothing; a change may or may not have been made: ' +
      'retry with the same `Idempotency-Key` to get the recorded outcome, or read the resource again.',
    headers: { 'Retry-After': header('RetryAfter'), ...problemHeaders }, content: problemContent(),
  },
} as const;

export type ResponseName = keyof typeof responses;

// ---------------------------------------------------------------------------
// Operations

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const isUpsert = (r: RouteSpec) => r.method === 'PUT' && !r.ifMatch && 201 in r.responses && 200 in r.responses;
/** Routes whose repeated requests the HTTP stack answers from the Idempotency-Key's record. */
export const takesIdempotencyKey = (r: RouteSpec) => r.access === 'jwt' && r.method !== 'GET';

/**
 * The error statuses of a route, from its declaration (and its domain's
 * problem types): the shared response each is.
 */
export function errorResponses(route: RouteSpec, domainProblems: readonly ProblemType[] = []): Record<string, ResponseName> {
  const has = (status: number) => domainProblems.some((p) => p.status === status);
  const out: Record<string, ResponseName> = { 400: 'ValidationFailed' };
  if (route.access === 'jwt') Object.assign(out, { 401: 'Unauthorized', 403: 'Forbidden' });
  if (route.params) out[404] = 'NotFound';
  if (route.method !== 'GET') out[409] = 'Conflict';
  if (route.gone) out[410] = 'Gone';
  if (route.ifMatch || isUpsert(route)) Object.assign(out, { 412: 'PreconditionFailed', 428: 'PreconditionRequired' });
  if (route.body) Object.assign(out, { 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType' });
  if (takesIdempotencyKey(route) || (route.method !== 'GET' && has(422))) out[422] = 'Unprocessable';
  out[429] = route.throttle === 'publicLookup' && has(429) ? 'TooManyLookups' : 'TooManyRequests';
  Object.assign(out, { 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'OutcomeUnknown' });
  return out;
}

/**
 * The resources that carry an `ETag`, as far as the declarations tell: the
 * answers of routes that change something under If-Match (or create-or-replace
 * it), and the answers of every state-changing route of a domain that has such
 * routes (its changes answer the resource at its new version). Every route
 * answering one of these schemas documents the header, reads included.
 */
function versionedSchemas(domains: readonly OpenApiDomain[]): Set<string> {
  const out = new Set<string>();
  for (const d of domains) {
    const concurrent = d.routes.some((r) => r.ifMatch || isUpsert(r));
    for (const r of d.routes) {
      if (r.ifMatch || isUpsert(r) || (concurrent && r.method !== 'GET')) for (const s of Object.values(r.responses)) out.add(canonicalJson(json(s)));
    }
  }
  return out;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

interface OperationContext {
  readonly registry: SchemaRegistry;
  readonly tag: string;
  readonly problems: readonly ProblemType[];
  readonly limitKey: string;
  readonly nextTokenKey: string;
  /** Canonical JSON of the schemas of resources changed under If-Match: their reads carry an ETag. */
  readonly versioned: ReadonlySet<string>;
}

function parametersOf(schema: TSchema | undefined, where: 'path' | 'query', ctx: OperationContext): Json[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = json(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(properties).map(([name, s]) => {
    const key = canonicalJson(s);
    if (where === 'query' && name === 'limit' && key === ctx.limitKey) return parameter('Limit');
    if (where === 'query' && name === 'nextToken' && key === ctx.nextTokenKey) return parameter('NextToken');
    return {
      name,
      in: where,
      required: where === 'path' || required.includes(name),
      ...(typeof s.description === 'string' ? { description: s.description } : {}),
      schema: ctx.registry.schema(s),
    };
  });
}

function headerParameters(route: RouteSpec): Json[] {
  const out: Json[] = [parameter('AcceptLanguage')];
  if (route.ifMatch) out.push(parameter('IfMatch'));
  else if (isUpsert(route)) out.push(parameter('IfMatchToReplace'));
  const declared = new Map((route.headers ?? []).map((h) => [h.name.toLowerCase(), h]));
  if (takesIdempotencyKey(route)) {
    const own = declared.get('idempotency-key');
    out.push(own ? { ...parameter('IdempotencyKey'), description: own.description } : parameter('IdempotencyKey'));
    declared.delete('idempotency-key');
  }
  for (const h of declared.values()) out.push({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } });
  return out;
}

function operation(route: RouteSpec, ctx: OperationContext): Json {
  const id = pascal(route.operationId);
  const success: Json = {};
  const statuses = Object.entries(route.responses);
  // A page that is not JSON (an NDJSON or CSV export) cannot carry its nextToken: the header does.
  const pagedRaw = route.produces !== undefined && route.produces.some((t) => t !== 'application/json') && 'nextToken' in ((json(route.query ?? {}).properties as Json | undefined) ?? {});
  for (const [status, schema] of statuses) {
    const ref = ctx.registry.body(schema, statuses.length > 1 ? `${id}Response${status}` : `${id}Response`);
    const etag = ctx.versioned.has(canonicalJson(json(schema)));
    success[status] = {
      description: STATUS_TEXT[Number(status)] ?? 'Success',
      headers: {
        'X-Request-Id': header('RequestId'),
        ...(etag ? { ETag: header('ETag') } : {}),
        ...(takesIdempotencyKey(route) ? { 'Idempotent-Replayed': header('IdempotentReplayed') } : {}),
        ...(pagedRaw ? { 'X-Next-Token': header('NextPageToken') } : {}),
      },
      content: Object.fromEntries((route.produces ?? ['application/json']).map((t) => [t, { schema: ref }])),
    };
  }
  const errors = Object.fromEntries(
    Object.entries(errorResponses(route, ctx.problems)).map(([status, name]) => {
      const rules = ctx.problems.filter((p) => String(p.status) === status && (status === '409' || status === '422'));
      const also = rules.length ? { description: `${responses[name].description} This domain's: ${rules.map((p) => `\`${p.slug}\``).join(', ')}.` } : {};
      return [status, { ...response(name), ...also }];
    }),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [ctx.tag],
    security: route.access === 'jwt' ? [{ cognito: [] }] : [],
    parameters: [...parametersOf(route.params, 'path', ctx), ...parametersOf(route.query, 'query', ctx), ...headerParameters(route)],
    ...(route.body
      ? {
        requestBody: {
          required: !route.optionalBody,
          ...(route.optionalBody ? { description: 'Optional: an absent body counts as `{}`.' } : {}),
          content: { 'application/json': { schema: ctx.registry.body(route.body, `${id}Request`) } },
        },
      }
      : {}),
    responses: { ...success, ...errors },
  };
}

// ---------------------------------------------------------------------------
// The document

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function problemTable(problems: readonly ProblemType[]): string {
  const rows = problems.map((p) => `| [\`${p.slug}\`](${problemUri(p.slug)}) | ${p.status} | ${cell(p.title.zh)} | ${cell(p.title.en)} | ${cell(p.about)} |`);
  return ['| type | status | title (zh-CN) | title (en) | when, and what to do |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const description = (problems: readonly ProblemType[]) => `The HTTP API of OneStop, the platform of a one-stop administrative service center (行政服务中心).

## Conventions

- **Authentication**: a Cognito JWT as \`Authorization: Bearer <token>\`, except on \`/public/*\`. API Gateway answers a missing or invalid token itself (401 \`{"message":"Unauthorized"}\`).
- **Errors** are RFC 9457 \`application/problem+json\` (\`Problem\`): \`type\`, \`title\`, \`status\`, \`detail\`, \`instance\`, \`traceId\` and, for validation failures, \`errors[]\` (\`path\`, \`code\`, \`message\`). Tell problems apart by \`type\` (listed below), never by \`detail\`. API Gateway's own answers (401 for tokens, 429 when throttled, 404 for unknown routes) are \`{"message": "…"}\` instead.
- **Language**: \`title\`, \`detail\` and field messages are zh-CN unless \`Accept-Language\` asks for en; \`Content-Language\` says which.
- **Concurrency**: a mutable resource comes with an \`ETag\` (its version); actions and updates take it back in \`If-Match\` (412 when stale, 428 when missing).
- **Retries**: every state-changing request with a token takes an \`Idempotency-Key\` (1–64 of A–Z a–z 0–9 _ -): for 24 hours a retry with the same key gets the recorded response with \`Idempotent-Replayed: true\`; the same key with another body is 422. 503 and 504 come with \`Retry-After\`; after a 504 retry with the same key.
- **Lists** take \`limit\` (1–100, default 25) and the opaque \`nextToken\` of the previous page, and answer \`{ items, nextToken }\`; no \`nextToken\`, no more pages.
- Every answer of the API's functions carries \`X-Request-Id\`.
- **Tolerate what you do not know**: enum values and problem types may be added without a new version.

## Problem types

Each rule a request can break has its own \`type\` URI; clients must treat a type they do not know by its \`status\` (and show its \`title\`). Also listed, machine-readable, under \`x-problem-types\`.

${problemTable(problems)}
`;

export function openApiDocument(input: OpenApiInput) {
  const registry = new SchemaRegistry([...Object.entries(stackComponents), ...Object.entries(input.components)]);
  const shared = parameters(registry);
  const domains = Object.values(input.domains);
  const versioned = versionedSchemas(domains);

  const paths: Record<string, Record<string, Json>> = {};
  for (const domain of domains) {
    const ctx: OperationContext = { registry, tag: domain.tag, problems: Object.values(domain.problems), versioned, limitKey: shared.limitKey, nextTokenKey: shared.nextTokenKey };
    for (const route of domain.routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, ctx);
  }
  // The shared responses refer to these, whichever operations use them.
  registry.reference('Problem');
  registry.reference('GatewayMessage');

  const schemas = registry.used();
  const problem = schemas.Problem as { properties: { type: Json } } | undefined;
  if (problem) {
    problem.properties.type = {
      ...problem.properties.type,
      description: `The rule broken, ${problemUri('<slug>')}: the types are listed in this API's description (Problem types) and in \`x-problem-types\`. ` +
        'Clients must tolerate types they do not know: treat them by `status`.',
    };
  }
  const usedResponses = new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => Object.values(op.responses as Record<string, Json>))).map((r) => r.$ref));
  const usedHeaders = new Set<unknown>();
  const collectHeaders = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectHeaders);
    else if (isObject(node)) for (const [k, v] of Object.entries(node)) (k === '$ref' ? usedHeaders.add(v) : collectHeaders(v));
  };
  collectHeaders([paths, responses]);
  const usedParameters = new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => (op.parameters as Json[]).map((p) => p.$ref))));

  return {
    openapi: '3.1.0',
    info: {
      title: 'OneStop API',
      version: input.version,
      summary: 'One-stop administrative service center (行政服务中心): service guides, cases, documents, evaluations and the audit log',
      description: description(input.problems),
      contact: { name: 'OneStop platform team', url: 'https://onestop.example.gov.cn' },
      license: { name: 'Proprietary: not licensed for use outside the service center', identifier: 'LicenseRef-Proprietary' },
    },
    servers: input.servers.map((s) => ({ ...s })),
    tags: domains.map((d) => ({
      name: d.tag,
      description: Object.keys(d.problems).length
        ? `${d.description}.\n\nProblem types of its business rules: ${Object.values(d.problems).map((p) => `\`${p.slug}\` (${p.status})`).join(', ')}.`
        : `${d.description}.`,
    })),
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(Object.entries(responses).filter(([n]) => usedResponses.has(`#/components/responses/${n}`))),
      parameters: Object.fromEntries(Object.entries(shared.parameters).filter(([n]) => usedParameters.has(`#/components/parameters/${n}`))),
      headers: Object.fromEntries(Object.entries(headers).filter(([n]) => usedHeaders.has(`#/components/headers/${n}`))),
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito ID token of the stage\'s user pool (locally: `POST /local/token`).' } },
    },
    'x-problem-types': input.problems.map((p) => ({ type: problemUri(p.slug), status: p.status, title: p.title, about: p.about })),
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** What the registry did with its entries: equal schemas under two names, entries no operation uses. */
export function componentReport(input: Pick<OpenApiInput, 'domains' | 'components'>) {
  const doc = openApiDocument({ ...input, problems: [], servers: [], version: '0' });
  const registry = new SchemaRegistry(Object.entries(input.components));
  const used = new Set(Object.keys(doc.components.schemas));
  return {
    shadowed: registry.shadowed,
    unused: Object.keys(input.components).filter((n) => input.components[n] !== undefined && !used.has(n) && !registry.shadowed.some((s) => s.name === n)),
    missing: Object.keys(input.components).filter((n) => input.components[n] === undefined),
  };
}

export const renderOpenApi = (input: OpenApiInput) => `${JSON.stringify(openApiDocument(input), null, 2)}\n`;
