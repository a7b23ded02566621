/**
 * The bus's AWS endpoint: AWS JSON 1.1 (POST / with X-Amz-Target
 * AWSEvents.PutEvents), so handlers using @aws-sdk/client-eventbridge reach the
 * local bus through AWS_ENDPOINT_URL_EVENTBRIDGE unchanged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { BusRequestError, type LocalBus, type PutEventsEntry } from './bus.ts';

export interface BusEndpoint {
  readonly endpoint: string;
  readonly server: Server;
  stop(): Promise<void>;
}

export async function startBusEndpoint(bus: LocalBus, port: number): Promise<BusEndpoint> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(body));
      };
      const fail = (type: string, message: string) => reply(400, { __type: type, message }, type);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST') return fail('UnknownOperationException', `${req.method} is not supported`);
      if (target !== 'AWSEvents.PutEvents') return fail('UnknownOperationException', `${target || 'no X-Amz-Target'}: only AWSEvents.PutEvents is emulated locally`);
      let input: { Entries?: PutEventsEntry[] };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return fail('SerializationException', 'the request body is not JSON');
      }
      try {
        reply(200, bus.putEvents(input.Entries ?? []));
      } catch (err) {
        if (err instanceof BusRequestError) return fail(err.type, err.message);
        reply(500, { __type: 'InternalException', message: (err as Error).message }, 'InternalException');
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
