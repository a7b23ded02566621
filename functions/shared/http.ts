/**
 * The HTTP stack every domain handler shares: dispatch on the API Gateway route
 * key to the operation declared in the domain's routes.ts; the edge's bounds
 * (body size, media type, nesting depth, well-formed Unicode) and the route's
 * schemas before the operation runs; the account check and Idempotency-Key;
 * and RFC 9457 problem responses in the caller's language. Messages are exposed
 * only for status < 500; anything unexpected is a generic 500 with the trace
 * id, so internals never leak.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Static, TSchema } from '@sinclair/typebox';
import { msg } from '#schemas/api/problems';
import type { RouteSpec } from './route-spec.ts';
import { assertValid } from './validate.ts';
import { RequestChecks } from './accounts.ts';
import { callerOf } from './auth.ts';
import { bindInvocationSignal } from './db.ts';
import { pagerFor, type Pager } from './cursor.ts';
import { assertShape, typedQuery } from './edge.ts';
import { HttpProblem, malformed, notFound, payloadTooLarge, preconditionRequired, unsupportedMediaType } from './errors.ts';
import { IdempotencyScope, Replayed, fingerprintOf, idempotencyKeyIn, type RecordedResult } from './idempotency.ts';
import { infrastructureProblem, internalError, languageOf, problemResponse, timedOut } from './problem-response.ts';
import { logger } from './logger.ts';

export const MAX_BODY_BYTES = 256 * 1024;
/** Time kept back from the function's timeout to answer "outcome unknown" instead of the runtime's bare 500. */
export const ANSWER_RESERVE_MS = 1_500;

type StaticOf<S, Otherwise> = S extends TSchema ? Static<S> : Otherwise;

export interface HttpRequest<Body = unknown, Query = Readonly<Record<string, unknown>>, Params = Readonly<Record<string, string>>> {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly requestId: string;
  /** Validated against the route's body schema. */
  readonly body: Body;
  readonly query: Query;
  readonly params: Params;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Routes with `accountCheck: 'inline'`: the checks the operation reads in its first batch and settles. */
  readonly checks?: RequestChecks;
  /** State-changing routes called with an Idempotency-Key: `record(result)` goes into the operation's transaction. */
  readonly idempotency?: IdempotencyScope;
  /** Pagination bound to this route and the caller's center. */
  readonly pages: Pager;
}

/** A body sent as it is rather than as JSON (an NDJSON or CSV export, a stored document). */
export class RawBody {
  constructor(readonly text: string, readonly contentType: string) {}
}

export interface HttpResult {
  readonly status: number;
  /** JSON-serialized, unless a RawBody. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The input of a route's operation, typed from the schemas its declaration names. */
export type RequestOf<R extends RouteSpec> = HttpRequest<
  StaticOf<R['body'], undefined>,
  StaticOf<R['query'], Readonly<Record<string, never>>>,
  StaticOf<R['params'], Readonly<Record<string, never>>>
>;

type Operation = (req: HttpRequest<any, any, any>) => Promise<HttpResult>;
export type Operations<Rs extends readonly RouteSpec[]> = {
  readonly [R in Rs[number] as R['operationId']]: (req: RequestOf<R>) => Promise<HttpResult>;
};

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Response = APIGatewayProxyStructuredResultV2;

function parseBody(event: Event, headers: Record<string, string>): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  const type = headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(type)) throw unsupportedMediaType();
  try {
    return JSON.parse(raw);
  } catch {
    throw malformed(msg('请求体不是有效的 JSON。', 'The body is not valid JSON.'), [{ path: '/body', code: 'malformed_json', message: msg('不是有效的 JSON', 'is not valid JSON') }]);
  }
}

const noFields = { type: 'object', additionalProperties: false } as unknown as TSchema;

/**
 * Path, query and body within the edge's bounds and checked against the
 * route's schemas, every error at once; a body on a route that takes none is
 * refused rather than ignored.
 */
function validInput(spec: RouteSpec, event: Event, headers: Record<string, string>) {
  const params = event.pathParameters ?? {};
  const rawQuery = event.queryStringParameters ?? {};
  assertShape(params, '/path');
  assertShape(rawQuery, '/query');
  let body = parseBody(event, headers);
  if (body !== undefined) assertShape(body, '/body');
  const query = typedQuery(rawQuery as Record<string, string>, spec.query as never);
  if (spec.params) assertValid(spec.params, params, '/path');
  assertValid(spec.query ?? noFields, query, '/query');
  if (spec.body) {
    if (body === undefined && spec.optionalBody) body = {};
    if (body === undefined) throw malformed(msg('此操作需要 JSON 请求体。', 'This operation needs a JSON body.'), [{ path: '/body', code: 'required', message: msg('必填', 'is required') }]);
    assertValid(spec.body, body, '/body');
  } else if (body !== undefined) {
    throw malformed(msg('此操作不接受请求体。', 'This operation takes no body.'), [{ path: '/body', code: 'unexpected', message: msg('必须为空', 'must be empty') }]);
  }
  if (spec.ifMatch && !headers['if-match']) throw preconditionRequired();
  return { params, query, body };
}

const requestIdOf = (event: Event, context: Context) => event.requestContext?.requestId ?? context.awsRequestId;

function toResponse(result: HttpResult, requestId: string): Response {
  const raw = result.body instanceof RawBody ? result.body : undefined;
  return {
    statusCode: result.status,
    headers: {
      ...(result.body === undefined ? {} : { 'content-type': raw ? raw.contentType : 'application/json; charset=utf-8' }),
      'x-request-id': requestId,
      ...result.headers,
    },
    ...(result.body === undefined ? {} : { body: raw ? raw.text : JSON.stringify(result.body) }),
  };
}

/**
 * Errors become problem details here and nowhere else. A typed HttpProblem
 * keeps its status and message; the SDK's throttling, validation and timeout
 * errors become 503/400/504; anything else is a generic 500 whose details stay
 * in the log.
 */
const problemDetails = (): middy.MiddlewareObj<Event, Response> => ({
  onError: async (request) => {
    const err = request.error;
    const { event } = request;
    const requestId = requestIdOf(event, request.context);
    const lang = languageOf(event.headers?.['accept-language'] ?? event.headers?.['Accept-Language']);
    const method = event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0] ?? 'GET';
    let known = err instanceof HttpProblem && err.status < 500 ? err : infrastructureProblem(err, method) ?? timedOut(err, method);
    if (known && known.status >= 500) logger.warn('request not completed', { status: known.status, error: err as Error });
    if (!known) {
      logger.error('unhandled error', { error: err as Error });
      known = internalError();
    }
    request.response = problemResponse(known, requestId, event.rawPath, lang);
  },
});

/** One log line per request: route, status and duration, never bodies or personal data. */
const accessLog = (): middy.MiddlewareObj<Event, Response> => {
  let started = 0;
  const done = async (request: middy.Request<Event, Response>) => {
    logger.info('request', { status: request.response?.statusCode, ms: Date.now() - started });
  };
  return {
    before: async (request) => {
      started = Date.now();
      logger.appendKeys({ requestId: requestIdOf(request.event, request.context), routeKey: request.event.routeKey });
    },
    after: done,
    onError: done,
  };
};

/** Retrying after a concurrent change is pointless when the same key has just recorded the outcome. */
const mayBeOwnRace = (err: unknown) => err instanceof HttpProblem && (err.status === 409 || err.status === 412);

/** Builds the Lambda handler of a domain from its route declarations and their operations. */
export function httpHandler<R extends readonly RouteSpec[]>(routes: R, operations: NoInfer<Operations<R>>) {
  const byRouteKey = new Map<string, { spec: RouteSpec; run: Operation }>(
    routes.map((spec) => {
      const run = (operations as unknown as Record<string, Operation | undefined>)[spec.operationId];
      // A route without its operation fails the cold start, not its first caller.
      if (typeof run !== 'function') throw new Error(`route ${spec.method} ${spec.path} has no operation ${spec.operationId}`);
      return [`${spec.method} ${spec.path}`, { spec, run }];
    }),
  );

  const dispatch = async (event: Event, context: Context, opts?: { signal?: AbortSignal }): Promise<Response> => {
    bindInvocationSignal(opts?.signal);
    const requestId = requestIdOf(event, context);
    const route = byRouteKey.get(event.routeKey);
    if (!route) throw notFound(msg(`没有路由 ${event.routeKey}。`, `No route ${event.routeKey}.`));
    const { spec } = route;
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']));
    assertShape(headers, '/headers');
    const input = validInput(spec, event, headers);
    const caller = spec.access === 'jwt' ? callerOf(event) : undefined;

    const key = caller && spec.method !== 'GET' ? idempotencyKeyIn(headers) : undefined;
    const idempotency = caller && key
      ? new IdempotencyScope(caller.centerId, caller.userId, key, fingerprintOf(event.routeKey, input.params, input.body), spec.replay === 'operation' ? 'operation' : 'stack')
      : undefined;
    const checks = caller ? new RequestChecks(caller.userId, idempotency) : undefined;
    const pages = pagerFor({ route: event.routeKey, centerId: caller?.centerId ?? 'public' }, input.query);
    try {
      if (checks && spec.accountCheck !== 'inline') await checks.run();
      const result = await route.run({
        event, requestId, headers, ...input, pages,
        ...(checks && spec.accountCheck === 'inline' ? { checks } : {}),
        ...(idempotency ? { idempotency } : {}),
      });
      if (checks && !checks.settled) throw new Error(`${spec.operationId} did not settle the caller's account check`);
      if (idempotency && !idempotency.wasRecorded) throw new Error(`${spec.operationId} did not record its Idempotency-Key`);
      return toResponse(result, requestId);
    } catch (err) {
      if (err instanceof Replayed) return toResponse(err.result as RecordedResult, requestId);
      // A route that answered a repeat itself (`previous`) meant its refusal.
      const recorded = idempotency && !idempotency.previous && mayBeOwnRace(err) ? await idempotency.recordedOutcome() : undefined;
      if (recorded) return toResponse(recorded, requestId);
      throw err;
    }
  };
  // middy runs onError middlewares in reverse order: the problem is set before the access log reads its status.
  return middy(dispatch, {
    timeoutEarlyInMillis: ANSWER_RESERVE_MS,
    timeoutEarlyResponse: () => {
      throw timedOut.marker();
    },
  }).use(accessLog()).use(problemDetails());
}

/** Reads the ETag-style version a client sends back in If-Match; absent → undefined. */
export function ifMatch(req: Pick<HttpRequest, 'headers'>): string | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined || raw === '') return undefined;
  return raw.replace(/^W\//, '').replace(/^"|"$/g, '');
}

export const etag = (tag: string) => `"${tag}"`;

