/**
 * The template's WebSocket API on a port of its own: a client connects to
 * `ws://localhost:<port>/<stage>?…`, the $connect function admits it (a 2xx) or
 * refuses it (its status is the handshake's answer), each message goes to its
 * route's function (a two-way route's answer is sent back), and a close runs
 * $disconnect. The same port answers the management API functions call
 * through the SDK (`POST|GET|DELETE /<stage>/@connections/<id>`), 410 Gone for
 * a connection that is not open, as API Gateway does.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FunctionModel } from '../template.ts';
import { connectEvent, connectStatus, disconnectEvent, messageEvent, responseBody, routeOf, type SocketContext, type SocketPeer } from './events.ts';
import type { SocketApiModel } from './template.ts';

/** API Gateway's frame limit for WebSocket messages (128 KB; a post larger than that is refused). */
const MAX_MESSAGE = 128 * 1024;

export interface SocketServerOptions {
  readonly port: number;
  readonly host?: string;
  invoke(functionId: string, event: unknown): Promise<unknown>;
  log(line: string): void;
}

export interface SocketStats {
  connected: number;
  refused: number;
  messages: number;
  posted: number;
  gone: number;
  open: number;
}

export interface SocketServer {
  /** What clients connect to: `ws://localhost:<port>/<stage>`. */
  readonly url: string;
  /** The management endpoint (`http://localhost:<port>/<stage>`): functions' @connections calls. */
  readonly endpoint: string;
  stats(): SocketStats;
  /** Closes every connection (without running $disconnect) and the port; idempotent. */
  stop(): Promise<void>;
}

interface Open {
  readonly ws: WebSocket;
  readonly peer: SocketPeer;
  lastActiveAt: number;
}

/** API Gateway-style connection ids, e.g. `L0SM9cOFvHcCIhw=`. */
const newConnectionId = () => randomBytes(11).toString('base64');

/**
 * The functions as the local runtime runs them: an environment value naming the API's stage
 * endpoint (`callbackUrl`, as the template resolves it) names the local server instead.
 */
export function pointAtLocalSocket(functions: readonly FunctionModel[], api: SocketApiModel, endpoint: string): FunctionModel[] {
  return functions.map((fn) => {
    const named = Object.entries(fn.environment).filter(([, v]) => v.startsWith(api.callbackUrl));
    if (named.length === 0) return fn;
    return { ...fn, environment: { ...fn.environment, ...Object.fromEntries(named.map(([k, v]) => [k, endpoint + v.slice(api.callbackUrl.length)])) } };
  });
}

function reply(res: ServerResponse, status: number, body?: unknown, extra: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startSocketServer(api: SocketApiModel, opts: SocketServerOptions): Promise<SocketServer> {
  const ctx: SocketContext = { apiId: api.apiId, stage: api.stage };
  const routes = new Map(api.routes.map((r) => [r.routeKey, r]));
  const routeKeys = new Set(routes.keys());
  const open = new Map<string, Open>();
  const counts: Omit<SocketStats, 'open'> = { connected: 0, refused: 0, messages: 0, posted: 0, gone: 0 };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const stagePath = `/${api.stage}`;
  let stopping: Promise<void> | undefined;

  const disconnected = (peer: SocketPeer, code: number, reason: string) => {
    // A shutdown closes every connection: no $disconnect then, the runtime is stopping too.
    if (!open.delete(peer.connectionId) || stopping) return;
    const route = routes.get('$disconnect');
    // Best effort, as in AWS: nobody waits on $disconnect.
    if (route) opts.invoke(route.functionId, disconnectEvent(ctx, peer, code, reason)).catch((err: unknown) => opts.log(`websocket $disconnect ${peer.connectionId}: ${(err as Error).message}`));
  };

  const onMessage = async (conn: Open, data: string) => {
    conn.lastActiveAt = Date.now();
    counts.messages++;
    const routeKey = routeOf(data, api.selectionField, routeKeys);
    const route = routeKey === undefined ? undefined : routes.get(routeKey);
    if (!route) return void conn.ws.send(JSON.stringify({ message: 'Forbidden', connectionId: conn.peer.connectionId }));
    try {
      const result = await opts.invoke(route.functionId, messageEvent(ctx, conn.peer, route.routeKey, data));
      const body = route.returnsResponse ? responseBody(result) : undefined;
      if (body !== undefined) conn.ws.send(body);
    } catch (err) {
      opts.log(`websocket ${route.routeKey} ${conn.peer.connectionId}: ${(err as Error).message}`);
      conn.ws.send(JSON.stringify({ message: 'Internal server error', connectionId: conn.peer.connectionId }));
    }
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      counts.refused++;
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== stagePath) return refuse(403, 'Forbidden');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const peer: SocketPeer = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      userAgent: headers['user-agent'] ?? '',
      domainName: (headers.host ?? 'localhost').split(':')[0]!,
    };
    const route = routes.get('$connect');
    if (route) {
      let status: number;
      try {
        status = connectStatus(await opts.invoke(route.functionId, connectEvent(ctx, peer, headers, url.searchParams)));
      } catch (err) {
        opts.log(`websocket $connect: ${(err as Error).message}`);
        status = 500;
      }
      if (status < 200 || status > 299) return refuse(status, status === 500 ? 'Internal Server Error' : 'Refused');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Open = { ws, peer, lastActiveAt: Date.now() };
      open.set(peer.connectionId, conn);
      counts.connected++;
      ws.on('message', (data, isBinary) => void onMessage(conn, isBinary ? Buffer.from(data as Buffer).toString('base64') : String(data)));
      ws.on('close', (code, reason) => disconnected(peer, code, reason.toString() || 'Client closed'));
      ws.on('error', () => ws.terminate());
    });
  }

  async function manage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = new RegExp(`^${stagePath}/@connections/([^/]+)$`).exec(url.pathname);
    if (!m) return reply(res, 404, { message: 'Not Found' });
    const connectionId = decodeURIComponent(m[1]!);
    const conn = open.get(connectionId);
    const body = await readBody(req);
    if (!conn) {
      counts.gone++;
      return reply(res, 410, { message: `connection ${connectionId} is not open` }, { 'x-amzn-errortype': 'GoneException' });
    }
    switch (req.method) {
      case 'POST':
        if (body.length > MAX_MESSAGE) return reply(res, 413, { message: 'Payload Too Large' }, { 'x-amzn-errortype': 'PayloadTooLargeException' });
        counts.posted++;
        conn.ws.send(body.toString('utf8'));
        return reply(res, 200);
      case 'GET':
        return reply(res, 200, {
          connectedAt: new Date(conn.peer.connectedAt).toISOString(),
          identity: { sourceIp: conn.peer.sourceIp, userAgent: conn.peer.userAgent },
          lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
        });
      case 'DELETE':
        // API Gateway drops the connection at once; a plain close() would wait up to 30 s for the
        // client's answering close frame, which a client cut off never sends.
        conn.ws.close(1000, 'Going away');
        conn.ws.terminate();
        disconnected(conn.peer, 1000, 'Connection closed by the server');
        return reply(res, 204);
      default:
        return reply(res, 405, { message: 'Method Not Allowed' });
    }
  }

  const server = createServer((req, res) => {
    manage(req, res).catch((err: unknown) => {
      opts.log(`websocket management API: ${(err as Error).message}`);
      if (!res.headersSent) reply(res, 500, { message: 'Internal Server Error' });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      opts.log(`websocket upgrade: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  for (const r of api.routes) opts.log(`websocket route ${r.routeKey} → ${r.functionId}${r.returnsResponse ? ' (two-way)' : ''}`);
  return {
    url: `ws://localhost:${port}${stagePath}`,
    endpoint: `http://localhost:${port}${stagePath}`,
    stats: () => ({ ...counts, open: open.size }),
    stop: () => (stopping ??= new Promise<void>((resolve) => {
      for (const conn of open.values()) conn.ws.terminate();
      open.clear();
      wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}
