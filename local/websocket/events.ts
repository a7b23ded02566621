/**
 * API Gateway's WebSocket events for a Lambda proxy integration
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html):
 * CONNECT carries the handshake's headers and query string, MESSAGE the body,
 * DISCONNECT the close code; every one carries the connection id and route key.
 */
import { LOCAL_ACCOUNT } from '../intrinsics.ts';
import { clfTime, newRequestId } from '../api/payload.ts';

export interface SocketPeer {
  readonly connectionId: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly domainName: string;
}

export interface SocketContext {
  readonly apiId: string;
  readonly stage: string;
}

function requestContext(ctx: SocketContext, peer: SocketPeer, routeKey: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', extra: Record<string, unknown> = {}) {
  const now = new Date();
  const requestId = newRequestId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: ctx.stage,
    connectedAt: peer.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: { sourceIp: peer.sourceIp, userAgent: peer.userAgent },
    requestId,
    domainName: peer.domainName,
    connectionId: peer.connectionId,
    apiId: ctx.apiId,
    accountId: LOCAL_ACCOUNT,
    ...extra,
  };
}

/** Repeated keys: the last value single, all of them multi, as API Gateway's WebSocket events. */
function params(pairs: Iterable<[string, string]>) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

export function connectEvent(ctx: SocketContext, peer: SocketPeer, headers: Record<string, string>, query: URLSearchParams) {
  const h = params(Object.entries(headers));
  const q = params(query);
  return {
    headers: h.single,
    multiValueHeaders: h.multi,
    ...(Object.keys(q.single).length ? { queryStringParameters: q.single, multiValueQueryStringParameters: q.multi } : {}),
    requestContext: requestContext(ctx, peer, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

export function messageEvent(ctx: SocketContext, peer: SocketPeer, routeKey: string, body: string) {
  return {
    requestContext: requestContext(ctx, peer, routeKey, 'MESSAGE', { messageId: newRequestId() }),
    body,
    isBase64Encoded: false,
  };
}

export function disconnectEvent(ctx: SocketContext, peer: SocketPeer, statusCode: number, reason: string) {
  return {
    headers: { Host: peer.domainName },
    requestContext: requestContext(ctx, peer, '$disconnect', 'DISCONNECT', { disconnectStatusCode: statusCode, disconnectReason: reason }),
    isBase64Encoded: false,
  };
}

/** The route of a message: the selection field's value when a route has that key, else `$default`. */
export function routeOf(body: string, selectionField: string | undefined, routeKeys: ReadonlySet<string>): string | undefined {
  if (selectionField) {
    try {
      const value = (JSON.parse(body) as Record<string, unknown> | null)?.[selectionField];
      if (typeof value === 'string' && routeKeys.has(value)) return value;
    } catch {
      // not JSON: the default route
    }
  }
  return routeKeys.has('$default') ? '$default' : undefined;
}

/** A $connect answer admits the client when it is a 2xx (or no statusCode at all). */
export function connectStatus(result: unknown): number {
  const status = typeof result === 'object' && result !== null && 'statusCode' in result ? Number((result as { statusCode: unknown }).statusCode) : 200;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500;
}

/** The body a two-way route sends back, if any. */
export function responseBody(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  if (typeof result !== 'object' || result === null) return undefined;
  const body = (result as { body?: unknown }).body;
  return body === undefined || body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
}
