/**
 * The local cloud itself, against the one started by the global setup: the
 * HTTP API and its JWT authorizer, the outbox pipe and bus delivering to the
 * audit consumer, and the failure paths of the real stack (the consumer's
 * asynchronous retries and on-failure destination, the pipe's DLQ).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { centerDayAt, centerToday, until } from './api-client.ts';
import { asyncInvokeConfig, extractModel } from '../../local/template.ts';
import type { CfnTemplate } from '../../local/intrinsics.ts';
import { BUCKET_NOTIFICATIONS_HANDLER } from '../../infra/constructs/consumer.ts';

const cloud = inject('localCloud');
const api = cloud.apiUrl;
const ddb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });

async function token(username: string): Promise<string> {
  const res = await fetch(`${api}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** An RS256 token with the given claims, signed by `pem` (the issuer's key or another one). */
function signToken(claims: Record<string, unknown>, pem: string, kid: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createSign('sha256').update(input).sign(pem, 'base64url')}`;
}

function claimsFor(username: string, over: Record<string, unknown> = {}) {
  const user = cloud.users.find((u) => u.username === username)!;
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: user.sub, 'cognito:username': username, 'cognito:groups': user.roles, 'custom:centerId': user.centerId,
    token_use: 'id', aud: cloud.clientId, iss: cloud.issuerUrl, iat: now, exp: now + 600, ...over,
  };
}


describe('the cloud assembly the local cloud runs', () => {
  it('bundles every function into an ESM index.mjs with its source map (package.json #imports resolved)', () => {
    const templates = readdirSync(cloud.cdkOut).filter((f) => /^OneStop-local.*\.template\.json$/.test(f));
    expect(templates.length).toBeGreaterThan(0);
    // CDK's bucket-notifications handler is inline code of a deploy-time custom resource.
    const fns = templates.flatMap((file) => {
      const template = JSON.parse(readFileSync(path.join(cloud.cdkOut, file), 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
      return Object.entries(template.Resources)
        .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.startsWith(BUCKET_NOTIFICATIONS_HANDLER))
        .map(([id, r]) => ({ id, asset: r.Metadata?.['aws:asset:path'] }));
    });
    // Which functions exist is asserted in tests/infra/api-functions.test.ts; here every one of them must be bundled.
    expect(fns.length).toBeGreaterThan(10);
    for (const fn of fns) {
      expect(fn.asset, fn.id).toBeTruthy();
      const bundle = path.join(cloud.cdkOut, fn.asset!, 'index.mjs');
      expect(existsSync(`${bundle}.map`), `${bundle}.map`).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);"), fn.id).toBe(true);
      expect(code).not.toMatch(/from\s*["']#(shared|schemas)\//);
      expect(statSync(bundle).size).toBeGreaterThan(1000);
    }
  });

  it('loads at most 500 KB of code at a cold start in every function (decision 69)', () => {
    // index.mjs and the chunks it imports statically; chunks behind import() (the PDF renderer) load on first use.
    const loaded = (file: string, seen = new Set<string>()): number => {
      if (seen.has(file)) return 0;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      const chunks = [...code.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.mjs)["']/g)].map((m) => path.join(path.dirname(file), m[1]!));
      return statSync(file).size + chunks.reduce((n, c) => n + loaded(c, seen), 0);
    };
    const sizes = readdirSync(cloud.cdkOut).filter((f) => /^OneStop-local.*\.template\.json$/.test(f)).flatMap((file) => {
      const template = JSON.parse(readFileSync(path.join(cloud.cdkOut, file), 'utf8')) as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
      return Object.entries(template.Resources)
        .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !id.startsWith(BUCKET_NOTIFICATIONS_HANDLER))
        .map(([id, r]) => ({ id, kb: Math.round(loaded(path.join(cloud.cdkOut, r.Metadata!['aws:asset:path']!, 'index.mjs')) / 1024) }));
    });
    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.filter((s) => s.kb > 500)).toEqual([]);
  });
});

describe('HTTP API', () => {
  it('serves a public route with an API Gateway request id', async () => {
    const res = await fetch(`${api}/public/items`);
    expect(res.status).toBe(200);
    expect(res.headers.get('apigw-requestid')).toMatch(/^[A-Za-z0-9+/=]{8,}$/);
    const body = (await res.json()) as { items: { code: string }[] };
    expect(body.items.map((i) => i.code)).toEqual(expect.arrayContaining(cloud.seeded.published.slice(0, 3)));
  });

  it('answers 404 like API Gateway for a route the template does not have', async () => {
    const res = await fetch(`${api}/no/such/route`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'Not Found' });
  });

  it('answers CORS preflights per the template', async () => {
    const res = await fetch(`${api}/admin/items`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,if-match' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });
});

describe('JWT authorizer', () => {
  it('refuses a JWT route without a token', async () => {
    const res = await fetch(`${api}/admin/items`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it('refuses a token signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { kid } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string };
    const forged = signToken(claimsFor('admin.amr'), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), kid);
    const res = await fetch(`${api}/admin/items`, { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }],
    ['for another audience', { aud: 'some-other-client' }],
    ['from another issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' }],
  ])('refuses a correctly signed token %s', async (_name, over) => {
    const { kid, privateKeyPem } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string; privateKeyPem: string };
    const res = await fetch(`${api}/admin/items`, { headers: { authorization: `Bearer ${signToken(claimsFor('admin.amr', over), privateKeyPem, kid)}` } });
    expect(res.status).toBe(401);
  });

  it('lets a minted token through to the handler, which sees the caller', async () => {
    const res = await fetch(`${api}/admin/items`, { headers: { authorization: `Bearer ${await token('admin.amr')}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { code: string }[] };
    // The handler scoped the list with the token's claims: admin.amr administers amr items only.
    expect(body.items.length).toBeGreaterThan(0);
  });

  it('mints tokens only for known users', async () => {
    const res = await fetch(`${api}/local/token`, { method: 'POST', body: JSON.stringify({ username: 'nobody' }) });
    expect(res.status).toBe(400);
  });
});

describe('outbox pipe → bus → audit consumer', () => {
  it('delivers an event item written straight into the table to the audit consumer', async () => {
    const eventId = ulid();
    const subjectId = `LOCAL-TEST-${eventId}`;
    const detail = {
      eventId, centerId: 'center-demo', occurredAt: new Date().toISOString(),
      actor: { id: 'local-test', role: 'center_admin' }, subject: { type: 'item', id: subjectId }, version: 1, data: { note: 'pipe test' },
    };
    await ddb.send(new PutItemCommand({
      TableName: cloud.tableName,
      Item: {
        PK: { S: `ITEM#${subjectId}` }, SK: { S: `EVENT#${eventId}` }, kind: { S: 'event' },
        source: { S: 'onestop.catalog' }, detailType: { S: 'LocalCloudTested' }, detail: { S: JSON.stringify(detail) },
      },
    }));
    // The consumer's effect: the audit log's marker of the eventId (pointing to the record in its chain).
    const record = await until('the audit record', async () => {
      const out = await ddb.send(new GetItemCommand({ TableName: cloud.tableName, Key: { PK: { S: `AUDIT#EVENT#${eventId}` }, SK: { S: 'EVENT' } } }));
      return out.Item;
    });
    expect(record.action?.S).toBe('LocalCloudTested');
    expect(record.source?.S).toBe('onestop.catalog');

    // And through the auditors' API.
    const res = await fetch(`${api}/audit/events?from=${centerDayAt(Date.now() - 86_400_000)}&to=${centerToday()}&subjectType=item&subjectId=${subjectId}`, {
      headers: { authorization: `Bearer ${await token('auditor')}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { eventId: string; action: string }[] };
    expect(page.items).toEqual([expect.objectContaining({ eventId, action: 'LocalCloudTested' })]);
  });

  it('ignores items that are not events (the pipe filter)', async () => {
    const before = ((await (await fetch(`${api}/local/stats`)).json()) as { pipes: Record<string, { filteredOut: number }> }).pipes;
    const id = ulid();
    await ddb.send(new PutItemCommand({ TableName: cloud.tableName, Item: { PK: { S: `TEST#${id}` }, SK: { S: 'X' }, kind: { S: 'not-an-event' }, source: { S: 'onestop.catalog' } } }));
    await until('the pipe to read the record', async () => {
      const now = ((await (await fetch(`${api}/local/stats`)).json()) as { pipes: Record<string, { filteredOut: number }> }).pipes;
      return Object.keys(now).some((k) => now[k]!.filteredOut > before[k]!.filteredOut) ? true : undefined;
    });
  });

  it('recorded the seed through the real path: every published item has ItemPublished in the audit log', async () => {
    const code = cloud.seeded.published[0];
    expect(code).toBeDefined();
    const auth = { authorization: `Bearer ${await token('auditor')}` };
    // From yesterday: the seed may have run before China's midnight.
    const page = await until('the seed audit records', async () => {
      const res = await fetch(`${api}/audit/events?from=${centerDayAt(Date.now() - 86_400_000)}&to=${centerToday()}&subjectType=item&subjectId=${code}`, { headers: auth });
      const body = (await res.json()) as { items: { action: string }[] };
      return body.items.some((i) => i.action === 'ItemPublished') ? body : undefined;
    });
    expect(page.items.map((i) => i.action)).toEqual(expect.arrayContaining(['ItemPublished']));
  });
});

describe('function errors: a consumer\'s EventInvokeConfig and on-failure destination', () => {
  type OnFailureMessage = {
    messageId: string; kind: string; attempts: number; function?: { id: string };
    record?: {
      requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number };
      requestPayload: { detail?: { eventId?: string } }; responsePayload: { errorType: string };
    };
    event?: { detail?: { eventId?: string } };
  };
  type Listing = { queues: { queue: string; messages: OnFailureMessage[] }[] };
  const listing = async () => (await (await fetch(`${api}/local/dlq`)).json()) as Listing;

  /** The EventInvokeConfig of a function, from the template the local cloud runs. */
  function eventInvokeConfig(functionId: string) {
    const file = path.join(cloud.cdkOut, 'OneStop-local.template.json');
    const model = extractModel(JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate, path.dirname(file), () => 'unused');
    return asyncInvokeConfig(model.functions.find((f) => f.logicalId === functionId)!);
  }

  it('retries an event the consumer keeps rejecting per its EventInvokeConfig, records it in Lambda\'s format, and redrives it through the async path', { timeout: 150_000 }, async () => {
    const eventId = ulid();
    // Not a valid CalendarChanged: the recount consumer refuses it on every attempt (and so does the audit consumer, fed by its queue).
    await ddb.send(new PutItemCommand({
      TableName: cloud.tableName,
      Item: { PK: { S: `TEST#${eventId}` }, SK: { S: `EVENT#${eventId}` }, kind: { S: 'event' }, source: { S: 'onestop.org' }, detailType: { S: 'CalendarChanged' }, detail: { S: JSON.stringify({ eventId }) } },
    }));
    const record = (except?: string) => until('the on-failure record', async () => {
      for (const q of (await listing()).queues) {
        const m = q.messages.find((x) => x.kind === 'lambda-on-failure' && x.record?.requestPayload?.detail?.eventId === eventId && x.messageId !== except);
        if (m) return { queue: q.queue, message: m };
      }
      return undefined;
    }, 25_000);
    const found = await record();

    // The queue is the consumer's (infra/constructs/consumer.ts gives the rule target's DeadLetterConfig and
    // the function's OnFailure the same one), reached after 1 + MaximumRetryAttempts invocations — not after the
    // rule target's RetryPolicy, which covers delivery only, and delivery succeeded.
    const target = cloud.rules.flatMap((r) => r.targets).find((t) => t.deadLetterQueue === found.queue);
    expect(target?.functionId).toMatch(/^CaseRecountFunction/);
    const config = eventInvokeConfig(target!.functionId!);
    expect(config.onFailure).toBe(found.queue);
    expect(found.message.function?.id).toBe(target!.functionId);
    expect(found.message.record!.requestContext).toMatchObject({
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${target!.functionId}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 1 + config.maxRetryAttempts,
    });
    expect(found.message.record!.responsePayload.errorType).toBe('InvalidEventError');
    expect((await listing()).queues.flatMap((q) => q.messages).some((m) => m.kind === 'rule-target' && m.event?.detail?.eventId === eventId)).toBe(false);

    // Redrive re-invokes the consumer asynchronously: accepted, so the record leaves the queue; the consumer
    // still rejects the event, so after its retries Lambda writes a new record for the same payload.
    const redrive = await fetch(`${api}/local/dlq/redrive`, { method: 'POST', body: JSON.stringify({ queue: found.queue }) });
    expect(redrive.status).toBe(200);
    expect(((await redrive.json()) as { redriven: number }).redriven).toBeGreaterThanOrEqual(1);
    const again = await record(found.message.messageId);
    expect(again.queue).toBe(found.queue);
    expect(again.message.record!.requestContext.requestId).not.toBe(found.message.record!.requestContext.requestId);
    expect(again.message.record!.requestContext.approximateInvokeCount).toBe(1 + config.maxRetryAttempts);
    expect(again.message.record!.requestPayload).toEqual(found.message.record!.requestPayload);
    expect((await listing()).queues.flatMap((q) => q.messages).some((m) => m.messageId === found.message.messageId)).toBe(false);

    const stats = (await (await fetch(`${api}/local/stats`)).json()) as { bus: { functionErrors: number; onFailure: number } };
    expect(stats.bus.onFailure).toBeGreaterThanOrEqual(2);
    expect(stats.bus.functionErrors).toBeGreaterThanOrEqual(2 * (1 + config.maxRetryAttempts));

    // The audit queue's copy went to the audit DLQ through the queue's redrive policy, after its 20 receives
    // (each after the event source's batching window).
    const audited = await until('the audit queue\'s dead letter', async () => {
      for (const q of (await listing()).queues) {
        const m = q.messages.find((x) => x.kind === 'queue' && JSON.stringify(x).includes(eventId));
        if (m) return { queue: q.queue, message: m };
      }
      return undefined;
    }, 90_000);
    expect(audited.queue).toMatch(/^AuditQueueDlq/);

    // Clean up, so later suites see empty queues.
    for (const [queue, id] of [[found.queue, again.message.messageId], [audited.queue, audited.message.messageId]] as const) {
      const del = await fetch(`${api}/local/dlq/delete`, { method: 'POST', body: JSON.stringify({ queue, messageIds: [id] }) });
      expect(await del.json()).toEqual({ deleted: 1 });
    }
  });
});

describe('pipe dead-letter queue', () => {
  it('dead-letters a stream record the bus keeps refusing, after the pipe\'s retries', async () => {
    const eventId = ulid();
    // The detail is not JSON: PutEvents refuses the entry on every attempt.
    await ddb.send(new PutItemCommand({
      TableName: cloud.tableName,
      Item: { PK: { S: `TEST#${eventId}` }, SK: { S: `EVENT#${eventId}` }, kind: { S: 'event' }, source: { S: 'onestop.test' }, detailType: { S: 'NotJson' }, detail: { S: `not json ${eventId}` } },
    }));
    type Listing = { queues: { queue: string; messages: { messageId: string; kind: string; attempts: number; error: { message: string }; event: { Detail?: string } }[] }[] };
    const found = await until('the pipe dead letter', async () => {
      const list = (await (await fetch(`${api}/local/dlq`)).json()) as Listing;
      for (const q of list.queues) {
        const m = q.messages.find((x) => x.kind === 'pipe' && x.event?.Detail === `not json ${eventId}`);
        if (m) return { queue: q.queue, message: m };
      }
      return undefined;
    }, 25_000);
    expect(found.queue).toMatch(/^OutboxPipeDlq/);
    expect(found.message.error.message).toMatch(/InvalidArgument/);
    expect(found.message.attempts).toBeGreaterThan(1);
    const del = await fetch(`${api}/local/dlq/delete`, { method: 'POST', body: JSON.stringify({ queue: found.queue, messageIds: [found.message.messageId] }) });
    expect(await del.json()).toEqual({ deleted: 1 });
  });
});
