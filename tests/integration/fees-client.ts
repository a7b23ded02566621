/** Fees through the local cloud's API, as the clerks and the provider's cashier do it. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { call, type Reply } from './api-client.ts';
import { completedRoadCase } from './cases-client.ts';

/** A completed road case whose charge (10 m²·days of occupation, 2 m² of repair: 71 000 fen) is assessed and issued by housing's clerk. */
export async function issuedRoadCharge(): Promise<{ caseNo: string; chargeId: string; issued: Reply }> {
  const caseNo = await completedRoadCase();
  const assessed = await call('POST', `/cases/${caseNo}/charges`, { as: 'clerk.housing', body: { lines: [{ feeId: 'occupation', quantity: 10 }, { feeId: 'excavation-repair', quantity: 2 }] } });
  expect(assessed.status, JSON.stringify(assessed.body)).toBe(201);
  const chargeId = assessed.body.chargeId as string;
  const issued = await call('POST', `/cases/${caseNo}/charges/${chargeId}/issue`, { as: 'clerk.housing', headers: { 'if-match': assessed.etag } });
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  return { caseNo, chargeId, issued };
}

/** Pays an issued charge on the simulator's cashier, the provider notifying the cloud once. */
export async function payAtCashier(payUrl: string): Promise<void> {
  const paid = await fetch(payUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notify: 'once' }) });
  expect(paid.status).toBe(200);
}

/**
 * Where the provider's callbacks go when a test runs the fees handler in its
 * own process: a small HTTP server here, handing each delivery (headers and
 * raw body) to `handle`, which answers as API Gateway would.
 */
export async function providerCallbacks(handle: (headers: Record<string, string>, raw: string) => Promise<{ status: number; body?: unknown }>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      void handle(headers, Buffer.concat(chunks).toString('utf8')).then((r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body ?? {})));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/payments/notify`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
