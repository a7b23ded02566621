/**
 * Runs a domain's HTTP handler in this process against the local cloud's
 * DynamoDB, with API Gateway payload-2.0 events carrying the claims the JWT
 * authorizer would pass, and counts the DynamoDB requests each call makes
 * (a middleware on the handlers' own client). For DESIGN §10's "≤ 3 requests
 * per operation, no Scan".
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { cloud } from './api-client.ts';

export type User = (typeof cloud.users)[number];
type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: unknown) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>;

/**
 * Points a function's code run in this process at the local cloud's table:
 * the environment its DynamoDB client and store read (and quiet logs), plus
 * `env` (a function's own settings).
 */
export function useLocalTable(env: Record<string, string> = {}): void {
  Object.assign(process.env, {
    TABLE_NAME: cloud.tableName,
    AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...env,
  });
}

/**
 * Sets the environment a domain function gets, then loads its handler with the
 * request counter on the shared client. `timeoutMs` is the function's timeout as
 * its context reports it (Lambda's 10 s by default), counted from each call.
 */
export async function inProcess(load: () => Promise<{ handler: unknown }>, env: Record<string, string> = {}, { timeoutMs = 10_000 } = {}) {
  useLocalTable({ CURSOR_KEY: 'k'.repeat(64), QUERY_CODE_KEY: 'q'.repeat(64), DEFAULT_CENTER_ID: 'center-demo', ...env });
  const requests: string[] = [];
  const { db } = await import('#shared/db');
  db.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const handler = (await load()).handler as Handler;
  /** One request: its status, body, headers, ETag and the DynamoDB commands it sent. */
  return async function measured(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
    requests.length = 0;
    const deadline = Date.now() + timeoutMs;
    const context = { awsRequestId: 'local', functionName: 'in-process', getRemainingTimeInMillis: () => deadline - Date.now() };
    const res = await handler(event, context);
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers ?? {}, etag: res.headers?.etag ?? '', commands: [...requests] };
  };
}

/** A payload-2.0 event for `routePath` (the route key's path) as `who` (a demo username, a user, or nobody for public routes). */
export function eventFor(
  who: string | User | undefined,
  method: string,
  path: string,
  routePath: string,
  opts: { body?: unknown; headers?: Record<string, string>; params?: Record<string, string>; query?: Record<string, string> } = {},
) {
  const user = typeof who === 'string' ? cloud.users.find((u) => u.username === who)! : who;
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...opts.headers },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.params ? { pathParameters: opts.params } : {}),
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      ...(user
        ? {
            authorizer: {
              jwt: {
                claims: {
                  sub: user.sub,
                  'custom:centerId': user.centerId,
                  ...(user.departmentId ? { 'custom:departmentId': user.departmentId } : {}),
                  'cognito:groups': `[${user.roles.join(' ')}]`,
                  'cognito:username': user.username,
                },
                scopes: null,
              },
            },
          }
        : {}),
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}
