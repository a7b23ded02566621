/**
 * The local WebSocket API (local/websocket/server.ts) with stand-in functions:
 * the handshake goes through $connect (a refusal's status is the answer), a
 * message goes to its route and a two-way route answers, and the management
 * API the SDK calls posts to, describes and closes a connection — 410 Gone once
 * it is closed. A function's environment naming the stage's endpoint is pointed
 * at the local server, and the hall's page is served at /hall/<centerId> with
 * the local socket's URL.
 */
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pointAtLocalSocket, startSocketServer, type SocketServer } from '../../../local/websocket/server.ts';
import type { SocketApiModel } from '../../../local/websocket/template.ts';
import type { FunctionModel } from '../../../local/template.ts';
import { webPages } from '../../../local/web.ts';

const api: SocketApiModel = {
  logicalId: 'Ws',
  apiId: 'Ws',
  stage: 'live',
  selectionField: 'action',
  routes: [
    { logicalId: 'C', routeKey: '$connect', functionId: 'Socket', returnsResponse: false },
    { logicalId: 'D', routeKey: '$disconnect', functionId: 'Socket', returnsResponse: false },
    { logicalId: 'F', routeKey: '$default', functionId: 'Socket', returnsResponse: true },
    { logicalId: 'E', routeKey: 'echo', functionId: 'Echo', returnsResponse: false },
  ],
  callbackUrl: 'https://Ws.execute-api.us-east-1.amazonaws.com/live',
};

type Invocation = { functionId: string; event: any };
const invocations: Invocation[] = [];
let server: SocketServer;
let management: ApiGatewayManagementApiClient;

/** Resolves with the next invocation matching `pred` (already made or to come). */
function invoked(pred: (i: Invocation) => boolean): Promise<Invocation> {
  return new Promise((resolve) => {
    const poll = () => {
      const found = invocations.find(pred);
      if (found) resolve(found);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

beforeAll(async () => {
  server = await startSocketServer(api, {
    port: 0,
    log: () => {},
    invoke: async (functionId, event: any) => {
      invocations.push({ functionId, event });
      if (event.requestContext.eventType === 'CONNECT') return { statusCode: event.queryStringParameters?.centerId === 'known' ? 200 : 404 };
      if (event.requestContext.eventType === 'MESSAGE') return { statusCode: 200, body: JSON.stringify({ type: 'pong', got: event.body }) };
      return { statusCode: 200 };
    },
  });
  management = new ApiGatewayManagementApiClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
});

afterAll(async () => {
  management?.destroy();
  await server?.stop();
});

function open(query: string): Promise<{ ws: WebSocket; messages: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url}?${query}`, { headers: { 'user-agent': 'hall-test' } });
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(String(d)));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error('refused'), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('the local WebSocket API', () => {
  it('admits a client its $connect function admits, with API Gateway\'s CONNECT event', async () => {
    const { ws } = await open('centerId=known&windowId=a03');
    const connect = invocations.find((i) => i.event.requestContext.eventType === 'CONNECT' && i.event.queryStringParameters?.centerId === 'known')!;
    expect(connect.functionId).toBe('Socket');
    expect(connect.event.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', stage: 'live', apiId: 'Ws', identity: { userAgent: 'hall-test' } });
    expect(connect.event.requestContext.connectionId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(connect.event.queryStringParameters).toEqual({ centerId: 'known', windowId: 'a03' });
    expect(connect.event.multiValueQueryStringParameters).toEqual({ centerId: ['known'], windowId: ['a03'] });
    expect(connect.event.headers['user-agent']).toBe('hall-test');
    ws.close();
  });

  it('refuses the handshake with the status $connect answered', async () => {
    await expect(open('centerId=nowhere')).rejects.toMatchObject({ status: 404 });
    expect(server.stats().refused).toBeGreaterThan(0);
  });

  it('routes a message by its action, else to $default; only a two-way route answers', async () => {
    const { ws, messages } = await open('centerId=known');
    ws.send('{"action":"echo","x":1}');
    const echo = await invoked((i) => i.functionId === 'Echo');
    expect(echo.event.requestContext).toMatchObject({ routeKey: 'echo', eventType: 'MESSAGE' });
    expect(echo.event.body).toBe('{"action":"echo","x":1}');
    ws.send('not json');
    await until(() => messages.length === 1);
    expect(JSON.parse(messages[0]!)).toEqual({ type: 'pong', got: 'not json' });
    ws.close();
  });

  it('posts, describes and closes a connection through the SDK; a closed one is Gone (410)', async () => {
    const { ws, messages } = await open('centerId=known');
    const connect = invocations.filter((i) => i.event.requestContext.eventType === 'CONNECT').at(-1)!;
    const id = connect.event.requestContext.connectionId as string;

    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: '{"type":"called","ticketNo":"A001"}' }));
    await until(() => messages.length === 1);
    expect(JSON.parse(messages[0]!)).toEqual({ type: 'called', ticketNo: 'A001' });
    const described = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(described.Identity?.UserAgent).toBe('hall-test');
    expect(described.ConnectedAt).toBeInstanceOf(Date);

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(await closed).toBe(1000);
    const disconnect = await invoked((i) => i.event.requestContext.eventType === 'DISCONNECT' && i.event.requestContext.connectionId === id);
    expect(disconnect.event.requestContext.routeKey).toBe('$disconnect');

    const gone = await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GoneException);
    expect((gone as GoneException).$metadata.httpStatusCode).toBe(410);
  });

  it('a client\'s close runs $disconnect with its code', async () => {
    const { ws } = await open('centerId=known');
    const id = invocations.filter((i) => i.event.requestContext.eventType === 'CONNECT').at(-1)!.event.requestContext.connectionId;
    ws.close(4001, 'bye');
    const disconnect = await invoked((i) => i.event.requestContext.eventType === 'DISCONNECT' && i.event.requestContext.connectionId === id);
    expect(disconnect.event.requestContext).toMatchObject({ disconnectStatusCode: 4001, disconnectReason: 'bye' });
  });
});

describe('stopping the local WebSocket API', () => {
  it('closes every connection without running $disconnect (the runtime stops with it), and twice is once', async () => {
    const seen: string[] = [];
    const own = await startSocketServer(api, { port: 0, log: () => {}, invoke: async (_fn, event: any) => {
      seen.push(event.requestContext.eventType);
      return { statusCode: 200 };
    } });
    const ws = new WebSocket(`${own.url}?centerId=known`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await Promise.all([own.stop(), own.stop()]);
    await closed;
    expect(seen).toEqual(['CONNECT']);
    expect(own.stats().open).toBe(0);
  });
});

describe('pointAtLocalSocket', () => {
  it('points an environment value naming the stage endpoint at the local server, and leaves the rest', () => {
    const fn = { logicalId: 'Push', environment: { HALL_SOCKET_ENDPOINT: api.callbackUrl, TABLE_NAME: 'Table' } } as unknown as FunctionModel;
    const other = { logicalId: 'Other', environment: { TABLE_NAME: 'Table' } } as unknown as FunctionModel;
    const [pointed, untouched] = pointAtLocalSocket([fn, other], api, 'http://localhost:1234/live');
    expect(pointed!.environment).toEqual({ HALL_SOCKET_ENDPOINT: 'http://localhost:1234/live', TABLE_NAME: 'Table' });
    expect(untouched).toBe(other);
  });
});

describe('the hall page on the local cloud (local/web.ts)', () => {
  const page = '<html><head><meta name="onestop-socket" content=""></head></html>';
  const dir = mkdtempSync(path.join(tmpdir(), 'hall-page-'));
  writeFileSync(path.join(dir, 'index.html'), page);
  writeFileSync(path.join(dir, 'hall.js'), 'js();');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = () => new Map([['hall/index.html', path.join(dir, 'index.html')], ['hall/hall.js', path.join(dir, 'hall.js')]]);
  const serve = (socket?: string) => webPages(files, { hallSocketUrl: socket });

  it('/hall/<centerId> is the hall\'s page, told the local socket\'s URL; its files stay files', async () => {
    const res = await serve('ws://localhost:4321/live')('GET', '/hall/center-demo');
    expect(res?.status).toBe(200);
    expect(res?.body.toString()).toContain('<meta name="onestop-socket" content="ws://localhost:4321/live">');
    expect((await serve('ws://localhost:4321/live')('GET', '/hall/hall.js'))?.body.toString()).toBe('js();');
  });

  it('no deeper path is the page, and without a socket the page is served as it is', async () => {
    expect(await serve('ws://x/live')('GET', '/hall/center-demo/more')).toBeUndefined();
    expect((await serve()('GET', '/hall/center-demo'))?.body.toString()).toBe(page);
  });
});
