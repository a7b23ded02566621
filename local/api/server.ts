/**
 * The HTTP API on node:http: each request is matched against the template's
 * routes, authorized like the JWT authorizer, turned into a payload 2.0 event,
 * handed to the route's function, and its result turned back into HTTP. Paths
 * under /local/ are the local cloud's own endpoints (token, JWKS, the Cognito
 * emulator, DLQ admin); a path no route matches may be a static web page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiModel, CorsModel } from '../template-api.ts';
import type { LocalAuthorizer } from '../auth/authorizer.ts';
import { compileRoutes } from './routes.ts';
import { buildEvent, gatewayError, newRequestId, toHttpResult, type HttpResult } from './payload.ts';

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY = 10 * 1024 * 1024;

export interface ApiHandlers {
  readonly api?: ApiModel;
  readonly authorizer: LocalAuthorizer;
  invoke(functionId: string, event: unknown): Promise<unknown>;
  /** Answers /local/* requests (headers lower-cased); returns undefined for paths it does not serve. */
  local(method: string, path: string, body: Buffer, query: URLSearchParams, headers: Record<string, string | undefined>): Promise<HttpResult | undefined>;
  /** Static web pages (local/web.ts), asked only when no route matched; undefined = not a page. */
  web?(method: string, path: string): Promise<HttpResult | undefined>;
  log(line: string): void;
}

export interface ApiServer {
  readonly port: number;
  readonly server: Server;
  /** Set once the issuer (which needs the port) exists; requests before that get 503. */
  attach(handlers: ApiHandlers): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Node lower-cases header names; repeated headers are joined with commas. */
function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function allowedOrigin(cors: CorsModel, origin: string): string | undefined {
  if (cors.allowOrigins.includes('*')) return '*';
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

/** CORS as API Gateway applies it: it answers preflights itself and overrides the function's CORS headers. */
function corsHeaders(cors: CorsModel | undefined, req: IncomingMessage, preflight: boolean): [string, string][] {
  const origin = req.headers.origin;
  if (!cors || !origin) return [];
  const allow = allowedOrigin(cors, origin);
  if (!allow) return [];
  const h: [string, string][] = [['access-control-allow-origin', allow]];
  if (cors.allowCredentials) h.push(['access-control-allow-credentials', 'true']);
  if (preflight) {
    const methods = cors.allowMethods.includes('*') ? String(req.headers['access-control-request-method'] ?? '*') : cors.allowMethods.join(',');
    h.push(['access-control-allow-methods', methods]);
    const reqHeaders = String(req.headers['access-control-request-headers'] ?? '');
    const headers = cors.allowHeaders.includes('*') ? reqHeaders : cors.allowHeaders.join(',');
    if (headers) h.push(['access-control-allow-headers', headers]);
    if (cors.maxAge !== undefined) h.push(['access-control-max-age', String(cors.maxAge)]);
  } else if (cors.exposeHeaders.length) {
    h.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  }
  return h;
}

function send(res: ServerResponse, result: HttpResult, requestId: string, extra: [string, string][] = []): void {
  const fromCors = new Set(extra.map(([k]) => k));
  const headers = result.headers.filter(([k]) => !fromCors.has(k) && k !== 'content-length' && k !== 'transfer-encoding');
  res.statusCode = result.status;
  const grouped = new Map<string, string[]>();
  for (const [k, v] of [...headers, ...extra, ['apigw-requestid', requestId] as [string, string]]) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  for (const [k, v] of grouped) res.setHeader(k, k === 'set-cookie' ? v : v.join(','));
  res.setHeader('content-length', result.body.length);
  res.end(result.body);
}

export async function startApiServer(port: number, host = '0.0.0.0'): Promise<ApiServer> {
  let h: ApiHandlers | undefined;
  let match: ReturnType<typeof compileRoutes> = () => undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    if (!h) return send(res, gatewayError(503, 'Service Unavailable'), requestId);
    const body = await readBody(req);
    if (body === 'too-large') return send(res, gatewayError(413, 'Request Entity Too Large'), requestId);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQueryString = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();

    if (rawPath.startsWith('/local/')) {
      const out = await h.local(method, rawPath, body, new URLSearchParams(rawQueryString), lowerHeaders(req));
      return send(res, out ?? gatewayError(404, 'Not Found'), requestId);
    }
    const cors = h.api?.cors;
    if (cors && method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
      const explicit = match('OPTIONS', rawPath);
      if (!explicit || explicit.route.method !== 'OPTIONS') {
        return send(res, { status: 204, headers: [], body: Buffer.alloc(0) }, requestId, corsHeaders(cors, req, true));
      }
    }
    const cHeaders = corsHeaders(cors, req, false);
    const found = match(method, rawPath);
    if (!found) {
      const page = await h.web?.(method, rawPath);
      return page ? send(res, page, requestId) : send(res, gatewayError(404, 'Not Found'), requestId, cHeaders);
    }
    const { route, pathParameters } = found;

    let authorizer: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if (route.authorizer) {
      const auth = await h.authorizer.authorize(route.authorizer, lowerHeaders(req), route.authorizationScopes);
      if (!auth.ok) {
        h.log(`${method} ${rawPath} → ${auth.status} (${auth.reason})`);
        return send(res, gatewayError(auth.status, auth.message), requestId, cHeaders);
      }
      authorizer = { claims: auth.claims, scopes: auth.scopes };
    }
    const event = buildEvent({
      req, body, rawPath, rawQueryString, routeKey: route.routeKey, pathParameters,
      apiId: h.api!.apiId, stage: h.api!.stage, requestId, authorizer,
    });
    let result: HttpResult;
    try {
      result = toHttpResult(await h.invoke(route.functionId, event));
    } catch (err) {
      // The function failed (threw, timed out, crashed): API Gateway answers a bare 500.
      h.log(`${method} ${rawPath} → 500 (${(err as Error).message})`);
      result = gatewayError(500, 'Internal Server Error');
    }
    send(res, result, requestId, cHeaders);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      h?.log(`local API error: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, gatewayError(500, 'Internal Server Error'), 'local');
      else res.destroy();
    });
  });
  // Keep-alive connections would hold stop() open; API Gateway closes idle ones too.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    attach(handlers) {
      h = handlers;
      match = compileRoutes(handlers.api?.routes ?? []);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
