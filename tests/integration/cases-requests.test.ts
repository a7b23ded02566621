/**
 * DynamoDB requests per case operation (DESIGN §10: at most 3, no Scan),
 * counted by a middleware on the handler's own DynamoDB client. The handler
 * runs in this process against the local cloud's DynamoDB, with API Gateway
 * payload-2.0 events carrying the claims the JWT authorizer would pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eventFor, inProcess } from './in-process.ts';
import { materialsOf, enterpriseFields, enterpriseItem } from './cases-client.ts';

let measured: Awaited<ReturnType<typeof inProcess>>;

beforeAll(async () => {
  measured = await inProcess(() => import('../../functions/cases/handler.ts'));
});

describe('DynamoDB requests per case operation (≤ 3, no Scan)', () => {
  const figures: Record<string, string[]> = {};

  it('intake, accept, review, decide, a case read, a timeline and a queue page', async () => {
    const intake = await measured(eventFor('zhang.san', 'POST', '/cases', '/cases', {
      headers: { 'idempotency-key': `count-${Date.now()}` },
      body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) },
    }));
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    figures.intake = intake.commands;
    const caseNo = intake.body.caseNo as string;
    const action = (username: string, name: string, etag: string, body?: unknown) =>
      measured(eventFor(username, 'POST', `/cases/${caseNo}/${name}`, `/cases/{caseNo}/${name}`, { params: { caseNo }, headers: { 'if-match': etag }, ...(body ? { body } : {}) }));

    const accept = await action('clerk.amr', 'accept', intake.etag);
    expect(accept.status, JSON.stringify(accept.body)).toBe(200);
    figures.accept = accept.commands;
    const review = await action('clerk.amr', 'review', accept.etag, { opinion: '材料齐全，符合法定形式' });
    expect(review.status).toBe(200);
    figures.review = review.commands;
    const decide = await action('approver.amr', 'approve', review.etag);
    expect(decide.status, JSON.stringify(decide.body)).toBe(200);
    figures['decide (approve)'] = decide.commands;

    const read = await measured(eventFor('clerk.amr', 'GET', `/cases/${caseNo}`, '/cases/{caseNo}', { params: { caseNo } }));
    expect(read.status).toBe(200);
    figures['case read'] = read.commands;
    const timeline = await measured(eventFor('clerk.amr', 'GET', `/cases/${caseNo}/timeline`, '/cases/{caseNo}/timeline', { params: { caseNo } }));
    expect(timeline.status).toBe(200);
    figures.timeline = timeline.commands;
    const queue = await measured(eventFor('clerk.amr', 'GET', '/queues/to_deliver', '/queues/{queue}', { params: { queue: 'to_deliver' }, query: { limit: '25' } }));
    expect(queue.status).toBe(200);
    figures['queue page'] = queue.commands;
    console.log(`DynamoDB requests per operation:\n${Object.entries(figures).map(([op, cmds]) => `  ${op}: ${cmds.length} (${cmds.join(', ')})`).join('\n')}`);
    for (const [op, cmds] of Object.entries(figures)) {
      expect(cmds.length, op).toBeLessThanOrEqual(3);
      expect(cmds, op).not.toContain('ScanCommand');
    }
    // The account check rides in the first batch read: a case read is one request.
    expect(figures['case read']).toEqual(['BatchGetItemCommand']);
    expect(figures.intake).toEqual(['BatchGetItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);
  });
});
