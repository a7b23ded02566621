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
import type { RouteSpec } from './route-spec.ts';
import { HttpProblem, badRequest, notFound, payloadTooLarge, unsupportedMediaType } from './errors.ts';
import { logger } from './logger.ts';

export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpRequest {
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly requestId: string;
  readonly body: unknown;
  readonly query: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Operation = (req: HttpRequest) => Promise<HttpResult>;
export type Operations<R extends readonly RouteSpec[]> = { readonly [K in R[number]['operationId']]: Operation };

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

/** Builds the Lambda handler of a domain from its route declarations and their operations. */
export function httpHandler<R extends readonly RouteSpec[]>(routes: R, operations: Operations<R>) {
  const byRouteKey = new Map<string, Operation>(
    routes.map((r) => [`${r.method} ${r.path}`, (operations as Record<string, Operation>)[r.operationId]!]),
  );

  const base = async (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const started = Date.now();
    logger.appendKeys({ requestId, routeKey: event.routeKey });
    let response: APIGatewayProxyStructuredResultV2;
    try {
      const operation = byRouteKey.get(event.routeKey);
      if (!operation) throw notFound(`No route ${event.routeKey}.`);
      const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']));
      const result = await operation({
        event,
        requestId,
        headers,
        body: parseBody(event, headers),
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        params: (event.pathParameters ?? {}) as Record<string, string>,
      });
      response = {
        statusCode: result.status,
        headers: {
          ...(result.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
          'x-request-id': requestId,
          ...result.headers,
        },
        ...(result.body === undefined ? {} : { body: JSON.stringify(result.body) }),
      };
    } catch (err) {
      if (err instanceof HttpProblem) {
        response = problemResponse(err, requestId, event.rawPath);
      } else {
        logger.error('unhandled error', { error: err as Error });
        response = problemResponse(new HttpProblem(500, 'Internal Server Error', 'Something went wrong; quote the traceId when reporting it.'), requestId, event.rawPath);
      }
    }
    logger.info('request', { status: response.statusCode, ms: Date.now() - started });
    return response;
  };
  return middy(base);
}

/** Reads the ETag-style version a client sends back in If-Match; absent → undefined. */
export function ifMatch(req: HttpRequest): string | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined || raw === '') return undefined;
  return raw.replace(/^W\//, '').replace(/^"|"$/g, '');
}

export const etag = (tag: string) => `"${tag}"`;
