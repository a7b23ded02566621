/**
 * DynamoDB requests per case operation (DESIGN §10: at most 3, no Scan),
 * counted by a middleware on the handler's own DynamoDB client. The handler
 * runs in this process against the local cloud's DynamoDB, with API Gateway
 * payload-2.0 events carrying the claims the JWT authorizer would pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeeGateEventType } from '#schemas/events/fees';
import { newId } from '#shared/ids';
import { call } from './api-client.ts';
import { eventFor, inProcess } from './in-process.ts';
import { act, materialsOf, enterpriseFields, enterpriseItem, submit } from './cases-client.ts';

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
    // The queue indexes the case's small index item: a page is the context, the Query and one BatchGetItem of its cases.
    expect(figures['queue page']).toEqual(['BatchGetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);
  });
});

// The fees domain's gate events: the consumer shares the handler's DynamoDB client (counted by its own middleware).
describe('the payment gate\'s consumer (functions/cases/payment-gate.ts), in this process', () => {
  /** The gate event as EventBridge hands it to the function. */
  const envelopeOf = (type: FeeGateEventType, data: Record<string, unknown>) => ({
    version: '0', id: newId(), 'detail-type': type, source: 'onestop.fees', account: '000000000000', time: new Date().toISOString(), region: 'us-east-1', resources: [],
    detail: { eventId: newId(), centerId: 'center-demo', occurredAt: new Date().toISOString(), actor: { id: 'fees-test', role: 'clerk' }, subject: { type: 'case', id: data.caseNo }, version: 1, data },
  });

  it('never drops what may still fit (a settlement ahead of its issue, a charge on a grant not closed yet); refuses a malformed event; skips an unknown case; 2 DynamoDB requests per event applied', async () => {
    const requests: string[] = [];
    const { db } = await import('#shared/db');
    db.middlewareStack.add((next, context) => async (args) => {
      requests.push(context.commandName ?? 'unknown');
      return next(args);
    }, { step: 'initialize', name: 'countGateRequests' });
    const { handler } = await import('../../functions/cases/payment-gate.ts');
    const run = (type: FeeGateEventType, data: Record<string, unknown>) => handler(envelopeOf(type, data) as never);

    const sub = await submit('370982-ZJ-XK-004', { as: 'zhang.san' });
    const caseNo = sub.body.caseNo as string;
    const accepted = await act(caseNo, 'accept', 'clerk.housing', sub.etag);
    const reviewed = await act(caseNo, 'review', 'clerk.housing', accepted.etag, { opinion: '符合条件' });
    const approved = await act(caseNo, 'approve', 'approver.housing', reviewed.etag);
    const id = `CH-${Date.now().toString(36)}`;
    await expect(run('ChargeIssued', { caseNo, chargeId: id, stage: 'before_delivery', dueFen: 100, payBy: '2026-12-31' })).rejects.toThrow(/before case .* \(approved\) can take it/);
    const completed = await act(caseNo, 'complete', 'clerk.housing', approved.etag);
    await expect(run('ChargeSettled', { caseNo, chargeId: id, stage: 'before_delivery', how: 'paid' })).rejects.toThrow(/ChargeSettled .* came before case/);
    await expect(run('ChargeIssued', { caseNo, chargeId: id, stage: 'before_delivery', dueFen: -1, payBy: '2026-12-31' })).rejects.toThrow(/does not match its schema/);
    expect(await run('ChargeIssued', { caseNo: '370982-20200101-99999', chargeId: id, stage: 'before_delivery', dueFen: 100, payBy: '2026-12-31' })).toBe('skipped');
    requests.length = 0;
    expect(await run('ChargeIssued', { caseNo, chargeId: id, stage: 'before_delivery', dueFen: 100, payBy: '2026-12-31' })).toBe('applied');
    expect(requests).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
    expect(await run('ChargeIssued', { caseNo, chargeId: id, stage: 'before_delivery', dueFen: 100, payBy: '2026-12-31' })).toBe('duplicate');
    expect(await run('ChargeSettled', { caseNo, chargeId: id, stage: 'before_acceptance', how: 'paid' })).toBe('skipped'); // another stage
    expect(await run('ChargeSettled', { caseNo, chargeId: id, stage: 'before_delivery', how: 'paid' })).toBe('applied');
    const after = await call('GET', `/cases/${caseNo}`, { as: 'clerk.housing' });
    expect([after.body.state, after.body.version]).toEqual(['completed', completed.body.version + 2]);
  });
});
