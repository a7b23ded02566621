/**
 * DynamoDB requests per case operation (DESIGN §10: at most 3, no Scan),
 * counted by a middleware on the handler's own DynamoDB client. The handler
 * runs in this process against the local cloud's DynamoDB, with API Gateway
 * payload-2.0 events carrying the claims the JWT authorizer would pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { cloud } from './api-client.ts';
import { materialsOf, enterpriseFields, enterpriseItem } from './cases-client.ts';

Object.assign(process.env, {
  TABLE_NAME: cloud.tableName,
  CURSOR_KEY: 'k'.repeat(64),
  DEFAULT_CENTER_ID: 'center-demo',
  AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: unknown) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>;
let handler: Handler;
const requests: string[] = [];

beforeAll(async () => {
  const { db } = await import('#shared/db');
  db.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  handler = (await import('../../functions/cases/handler.ts')).handler as unknown as Handler;
});

function eventFor(username: string, method: string, path: string, routePath: string, opts: { body?: unknown; headers?: Record<string, string>; params?: Record<string, string>; query?: Record<string, string> } = {}) {
  const user = cloud.users.find((u) => u.username === username)!;
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
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const context = { awsRequestId: 'local', functionName: 'cases', getRemainingTimeInMillis: () => 10_000 };

/** Runs one request and returns its status, body and the DynamoDB commands it sent. */
async function measured(event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  requests.length = 0;
  const res = await handler(event, context);
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, etag: res.headers?.etag ?? '', commands: [...requests] };
}

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
