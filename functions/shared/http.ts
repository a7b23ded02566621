/**
 * The HTTP stack every domain handler shares: dispatch on the API Gateway route
 * key to the operation declared in the domain's routes.ts, JSON body parsing
 * with size and media-type limits, and RFC 9457 problem responses. Messages are
 * exposed only for status < 500; anything unexpected is a generic 500 with the
 * trace id, so internals never leak.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Problem } from '#schemas/api/common';
import type { Static, TSchema } from '@sinclair/typebox';
import type { RouteSpec } from './route-spec.ts';
import { assertValid } from './validate.ts';
import { InlineAccountCheck, assertAccountActive } from './accounts.ts';
import { callerOf } from './auth.ts';
import { HttpProblem, badRequest, notFound, payloadTooLarge, preconditionRequired, unsupportedMediaType } from './errors.ts';
import { logger } from './logger.ts';

export const MAX_BODY_BYTES = 256 * 1024;

type StaticOf<S, Otherwise> = S extends TSchema ? Static<S> : Otherwise;

export interface HttpRequest<Body = unknown, Query = Readonly<Record<string, string>>, Params = Readonly<Record<string, string>>> {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly requestId: string;
  /** Validated against the route's body schema. */
  readonly body: Body;
  readonly query: Query;
  readonly params: Params;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Routes with `accountCheck: 'inline'`: the check the operation must complete. */
  readonly account?: InlineAccountCheck;
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

function parseBody(event: APIGatewayProxyEventV2WithJWTAuthorizer, headers: Record<string, string>): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  const type = headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]+\+)?json\b/i.test(type)) throw unsupportedMediaType();
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('The body is not valid JSON.', [{ path: '/body', code: 'malformed_json', message: 'is not valid JSON' }]);
  }
}

function problemResponse(p: HttpProblem, requestId: string, path: string): APIGatewayProxyStructuredResultV2 {
  const body: Problem = {
    type: p.type,
    title: p.title,
    status: p.status,
    ...(p.detail ? { detail: p.detail } : {}),
    instance: path,
    traceId: requestId,
    ...(p.errors?.length ? { errors: [...p.errors] } : {}),
  };
  return {
    statusCode: p.status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId, ...p.headers },
    body: JSON.stringify(body),
  };
}

/**
 * Path, query and body checked against the route's schemas, every error at
 * once; a body on a route that takes none is refused rather than ignored.
 */
function validInput(spec: RouteSpec, event: APIGatewayProxyEventV2WithJWTAuthorizer, headers: Record<string, string>) {
  const params = event.pathParameters ?? {};
  const query = event.queryStringParameters ?? {};
  let body = parseBody(event, headers);
  if (spec.params) assertValid(spec.params, params, '/path');
  assertValid(spec.query ?? noFields, query, '/query');
  if (spec.body) {
    if (body === undefined && spec.optionalBody) body = {};
    if (body === undefined) throw badRequest('This operation needs a JSON body.', [{ path: '/body', code: 'required', message: 'is required' }]);
    assertValid(spec.body, body, '/body');
  } else if (body !== undefined) {
    throw badRequest('This operation takes no body.', [{ path: '/body', code: 'unexpected', message: 'must be empty' }]);
  }
  if (spec.ifMatch && !headers['if-match']) throw preconditionRequired();
  return { params, query, body };
}

const noFields = { type: 'object', additionalProperties: false } as unknown as TSchema;

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Response = APIGatewayProxyStructuredResultV2;

const requestIdOf = (event: Event, context: Context) => event.requestContext?.requestId ?? context.awsRequestId;

/**
 * Errors become problem details here and nowhere else. A typed HttpProblem
 * keeps its status and message; anything else, and any 5xx, is a generic 500
 * whose details stay in the log.
 */
const problemDetails = (): middy.MiddlewareObj<Event, Response> => ({
  onError: async (request) => {
    const err = request.error;
    const requestId = requestIdOf(request.event, request.context);
    if (!(err instanceof HttpProblem) || err.status >= 500) {
      logger.error('unhandled error', { error: err as Error });
      request.response = problemResponse(new HttpProblem(500, 'Internal Server Error', 'Something went wrong; quote the traceId when reporting it.'), requestId, request.event.rawPath);
      return;
    }
    request.response = problemResponse(err, requestId, request.event.rawPath);
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

/** Builds the Lambda handler of a domain from its route declarations and their operations. */
export function httpHandler<R extends readonly RouteSpec[]>(routes: R, operations: NoInfer<Operations<R>>) {
  const byRouteKey = new Map<string, { spec: RouteSpec; run: Operation }>(
    routes.map((spec) => [`${spec.method} ${spec.path}`, { spec, run: (operations as unknown as Record<string, Operation>)[spec.operationId]! }]),
  );

  const dispatch = async (event: Event, context: Context): Promise<Response> => {
    const requestId = requestIdOf(event, context);
    const route = byRouteKey.get(event.routeKey);
    if (!route) throw notFound(`No route ${event.routeKey}.`);
    const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']));
    let account: InlineAccountCheck | undefined;
    if (route.spec.access === 'jwt' && route.spec.accountCheck === 'inline') account = new InlineAccountCheck(callerOf(event).userId);
    else if (route.spec.access === 'jwt') await assertAccountActive(callerOf(event).userId);
    const result = await route.run({ event, requestId, headers, ...validInput(route.spec, event, headers), ...(account ? { account } : {}) });
    if (account && !account.verified) throw new Error(`${route.spec.operationId} did not verify the caller's account status`);
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
  };
  // middy runs onError middlewares in reverse order: the problem is set before the access log reads its status.
  return middy(dispatch).use(accessLog()).use(problemDetails());
}

/** Reads the ETag-style version a client sends back in If-Match; absent → undefined. */
export function ifMatch(req: Pick<HttpRequest, 'headers'>): string | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined || raw === '') return undefined;
  return raw.replace(/^W\//, '').replace(/^"|"$/g, '');
}

export const etag = (tag: string) => `"${tag}"`;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** The client's Idempotency-Key header (absent → undefined), or 400 when it is malformed. */
export function idempotencyKeyOf(req: Pick<HttpRequest, 'headers'>): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest('Idempotency-Key is malformed.', [{ path: '/headers/idempotency-key', code: 'pattern', message: 'must be 1–64 characters of A–Z, a–z, 0–9, _ and -' }]);
  return key;
}
