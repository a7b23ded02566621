/**
 * API Gateway HTTP API payload format 2.0: the event a Lambda proxy integration
 * receives, and the rules that turn the function's result into the HTTP response
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT } from '../intrinsics.ts';

/** Request bodies API Gateway passes as text; anything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return true; // no declared type: API Gateway treats the body as text
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  return t.startsWith('text/') || /^application\/(json|xml|javascript|ld\+json|problem\+json|merge-patch\+json)$/.test(t) || /\+(json|xml)$/.test(t);
}

/** API Gateway-style request ids, e.g. `JKJaXmPLvHcESHA=`. */
/** Random hex from the runtime's cached UUIDs: drawing fresh random bytes for each request was a syscall each. */
export const randomHex = (chars: number) => randomUUID().replaceAll('-', '').slice(0, chars);
export const newRequestId = () => Buffer.from(randomHex(20), 'hex').toString('base64');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export function clfTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface EventInput {
  readonly req: IncomingMessage;
  readonly body: Buffer;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
  readonly apiId: string;
  readonly stage: string;
  readonly requestId: string;
  readonly authorizer?: { claims: Record<string, string>; scopes: string[] | null };
}

export function buildEvent(input: EventInput): Record<string, unknown> {
  const { req } = input;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'cookie') continue;
    headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const host = headers.host ?? 'localhost';
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(24)}`;

  const cookies = req.headers.cookie?.split(';').map((c) => c.trim()).filter(Boolean);
  // Repeated query keys are joined with commas, as API Gateway does.
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(input.rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;

  const now = new Date();
  const text = isTextContentType(headers['content-type']);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: input.apiId,
      ...(input.authorizer ? { authorizer: { jwt: { claims: input.authorizer.claims, scopes: input.authorizer.scopes } } } : {}),
      domainName: host.split(':')[0],
      domainPrefix: host.split('.')[0]!.split(':')[0],
      http: {
        method: req.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: input.stage,
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    isBase64Encoded: input.body.length > 0 && !text,
    ...(input.body.length > 0 ? { body: text ? input.body.toString('utf8') : input.body.toString('base64') } : {}),
  };
  return event;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Buffer;
}

/** The 2.0 response rules: a `statusCode` object is a full response; anything else is a 200 JSON body. */
export function toHttpResult(result: unknown): HttpResult {
  const isResponse = typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
  if (!isResponse) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body ?? 'null') };
  }
  const r = result as { statusCode: unknown; headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown[]>; cookies?: unknown[]; body?: unknown; isBase64Encoded?: boolean };
  const status = Number(r.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    return { status: 500, headers: [['content-type', 'application/json']], body: Buffer.from('{"message":"Internal Server Error"}') };
  }
  const headers: [string, string][] = [];
  for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers.push([k.toLowerCase(), String(v)]);
  for (const c of r.cookies ?? []) headers.push(['set-cookie', String(c)]);
  const raw = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const body = r.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { status, headers, body };
}

/** API Gateway's own error responses. */
export const gatewayError = (status: number, message: string): HttpResult => ({
  status,
  headers: [['content-type', 'application/json']],
  body: Buffer.from(JSON.stringify({ message })),
});
