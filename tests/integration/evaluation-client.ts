/**
 * Helpers for evaluation tests over HTTP: a fresh published item and window
 * (so that their counters belong to one test alone), a case taken to
 * completion, its invitation, actions with If-Match, tokens for synthetic
 * callers of test centers, and events written into the outbox as a domain
 * would (the real pipe → bus → consumer path).
 */
import { createSign } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { Evaluation } from '#schemas/api/evaluation';
import { problemUri } from '#schemas/api/problems';
import { validationErrors } from '#shared/validate';
import { demoItems } from '../../local/seed/items.ts';
import { api, call, cloud, doc, freshCode, until, type Reply } from './api-client.ts';

/** 个体工商户设立登记: an immediate (即办件) amr item for natural persons. */
export const soleTrader = demoItems.find((i) => i.content.departmentId === 'amr' && i.content.serviceMode === 'immediate')!;

/** A published copy of the immediate amr item under a fresh code: its item counters are this test's alone. */
export async function freshItem(): Promise<string> {
  const code = freshCode('EV');
  let res = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: soleTrader.content } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const [action, as] of [['submit', 'admin.amr'], ['approve', 'center.admin'], ['publish', 'admin.amr']] as const) {
    res = await call('POST', `/admin/items/${code}/versions/1/${action}`, { as, headers: { 'if-match': res.etag } });
    expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  return code;
}

let serial = 0;
/** A fresh amr window: its counters are this test's alone. */
export async function freshWindow(): Promise<string> {
  const id = `ev${(serial++).toString(36)}${Date.now().toString(36)}`.slice(0, 32);
  const res = await call('PUT', `/admin/windows/${id}`, { as: 'center.admin', body: { name: '好差评测试窗口', departmentIds: ['amr'] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return id;
}

/** Applies for `code` as `as` and takes the case through acceptance, the decision at the window and completion. */
export async function completedCase(code: string, as = 'zhang.san'): Promise<{ caseNo: string; completedAt: string }> {
  const materials = soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count }));
  let res = await call('POST', '/cases', { as, body: { itemCode: code, materials } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const caseNo = res.body.caseNo as string;
  for (const action of ['accept', 'approve', 'complete']) {
    res = await call('POST', `/cases/${caseNo}/${action}`, { as: 'clerk.amr', headers: { 'if-match': res.etag } });
    expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
  }
  expect(res.body.state).toBe('completed');
  return { caseNo, completedAt: res.body.completedAt as string };
}

export function expectEvaluation(reply: Reply) {
  expect(validationErrors(Evaluation, reply.body), JSON.stringify(reply.body).slice(0, 500)).toEqual([]);
}

/** The evaluation the consumer opens when the case completes, as `as` reads it. */
export async function invitationOf(evaluationId: string, as = 'zhang.san'): Promise<Reply> {
  const res = await until(`the invitation of ${evaluationId}`, async () => {
    const r = await call('GET', `/evaluations/${evaluationId}`, { as });
    return r.status === 200 ? r : undefined;
  }, 20_000);
  expectEvaluation(res);
  return res;
}

/** Asserts a problem response: its status and its type (the slug of schemas/api/problems.ts or the domain's problems.ts). */
export function expectProblem(reply: Reply, status: number, slug: string) {
  expect([reply.status, reply.body?.type], JSON.stringify(reply.body)).toEqual([status, problemUri(slug)]);
}

/**
 * POST /evaluations/{id}/{action} with If-Match; asserts the status (200 by
 * default) and, for a refusal, its problem type. A 200 is the evaluation as
 * GET shows it to the same caller, with its ETag.
 */
export async function evalAct(id: string, action: string, as: string, etag: string, body?: unknown, status = 200, type?: string): Promise<Reply> {
  const res = await call('POST', `/evaluations/${id}/${action}`, { as, headers: { 'if-match': etag }, ...(body !== undefined ? { body } : {}) });
  expect(res.status, `${action} as ${as}: ${JSON.stringify(res.body)}`).toBe(status);
  if (type) expectProblem(res, status, type);
  if (status === 200) {
    expectEvaluation(res);
    const read = await call('GET', `/evaluations/${id}`, { as });
    expect(res.body, `${action} as ${as}: the response is the evaluation as GET shows it`).toEqual(read.body);
    expect(res.etag).toBe(read.etag);
  }
  return res;
}

export const onlineRating = (rating: number, comment?: string) => ({
  rating,
  indicators: { efficiency: rating, guideAccuracy: rating, convenience: rating, platformUsability: rating },
  ...(comment ? { comment } : {}),
});

/** The applicant id of a registered applicant user. */
export async function applicantIdOf(username: string): Promise<string> {
  const res = await call('GET', '/applicants/me', { as: username });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.applicantId as string;
}

// ---- synthetic callers and events ------------------------------------------------------------------

/** A token of a synthetic caller (any role, any center), signed by the local issuer's key. */
export function tokenFor(sub: string, role: string, centerId: string, departmentId?: string): string {
  const { kid, privateKeyPem } = JSON.parse(readFileSync(path.join(cloud.dataDir, 'issuer-key.json'), 'utf8')) as { kid: string; privateKeyPem: string };
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub, 'cognito:username': sub, 'cognito:groups': [role], 'custom:centerId': centerId,
    ...(departmentId ? { 'custom:departmentId': departmentId } : {}),
    token_use: 'id', aud: cloud.clientId, iss: cloud.issuerUrl, iat: now, exp: now + 1800,
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createSign('sha256').update(input).sign(privateKeyPem, 'base64url')}`;
}

export async function callWith(token: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${api}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag') ?? '', body: text ? JSON.parse(text) : undefined };
}

/** The detail of a CaseCompleted event as the cases domain writes it. */
/** A VisitEnded event (the hall's queue) as the bus hands it to the invitation consumer; `data` overrides its fields. */
export function visitEnded(centerId: string, data: Record<string, unknown> = {}) {
  const now = new Date().toISOString();
  const ticketId = `${now.slice(0, 10).replaceAll('-', '')}-${ulid()}`;
  return {
    id: ulid(), source: 'onestop.queue', 'detail-type': 'VisitEnded',
    detail: {
      eventId: ulid(), version: 1, centerId, occurredAt: now, actor: { id: 'clerk-sub', role: 'clerk' }, subject: { type: 'ticket', id: ticketId },
      data: {
        ticketId, ticketNo: 'A001', categoryCode: 'A', date: now.slice(0, 10), waiting: [],
        visitId: ulid(), windowId: 'a01', windowName: 'A区1号窗口', staffId: 'clerk-sub', departmentIds: ['amr'], itemCodes: [], caseNos: [],
        codeHash: 'x'.repeat(43), calledAt: now, startedAt: now, endedAt: now, ...data,
      },
    },
  };
}

export function caseCompleted(centerId: string, caseNo: string, occurredAt: string, over: { applicantId?: string; departmentId?: string; itemCode?: string } = {}) {
  return {
    eventId: ulid(),
    centerId,
    occurredAt,
    actor: { id: 'clerk-sub', role: 'clerk', departmentId: over.departmentId ?? 'amr' },
    subject: { type: 'case', id: caseNo },
    version: 1,
    data: {
      caseNo, action: 'complete', fromState: 'approved', toState: 'completed', deadlines: {},
      itemCode: over.itemCode ?? 'EV-SYNTHETIC-1', itemName: '个体工商户设立登记', departmentId: over.departmentId ?? 'amr', jointDepartments: [],
      serviceMode: 'immediate', applicantId: over.applicantId ?? ulid(), caseVersion: 4, details: {},
    },
  };
}

/** Writes an event item into the outbox, as a domain's transaction would: the pipe publishes it. */
export async function publish(detail: { eventId: string; subject: { id: string } }, source = 'onestop.cases', detailType = 'CaseCompleted', rawDetail?: string) {
  await doc.send(new PutCommand({
    TableName: cloud.tableName,
    Item: { PK: `EVTEST#${detail.subject.id}`, SK: `EVENT#${ulid()}`, kind: 'event', source, detailType, detail: rawDetail ?? JSON.stringify(detail) },
  }));
}

/** The items of an evaluation's partition (the evaluation and its events), read from the table. */
export async function partitionOf(centerId: string, evaluationId: string) {
  const out = await doc.send(new QueryCommand({
    TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#EVAL#${evaluationId}` }, ConsistentRead: true,
  }));
  const items = out.Items ?? [];
  return { evaluation: items.find((i) => i.SK === 'EVAL'), events: items.filter((i) => String(i.SK).startsWith('EVENT#')) };
}

/** The JSON log lines of a local function (logs/<function>.log) that carry `eventId`. */
export function logLinesOf(functionPrefix: string, eventId: string): Record<string, unknown>[] {
  const dir = path.join(cloud.dataDir, 'logs');
  const file = readdirSync(dir).find((f) => f.startsWith(functionPrefix) && f.endsWith('.log'));
  if (!file) return [];
  return readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.includes(eventId)).flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

type DlqListing = { queues: { queue: string; messages: { messageId: string; kind: string; attempts: number; record?: { requestContext: { approximateInvokeCount: number; condition: string }; requestPayload: { detail?: { eventId?: string } }; responsePayload: { errorType: string; errorMessage: string } } }[] }[] };
export const dlqListing = async () => (await (await fetch(`${api}/local/dlq`)).json()) as DlqListing;

/** The on-failure message for one event in the dead-letter queue whose name starts with `queuePrefix`. */
export function deadLetterOf(eventId: string, queuePrefix = 'EvaluationInvite') {
  return until(`the dead letter of ${eventId}`, async () => {
    for (const q of (await dlqListing()).queues) {
      if (!q.queue.startsWith(queuePrefix)) continue;
      const m = q.messages.find((x) => x.kind === 'lambda-on-failure' && x.record?.requestPayload?.detail?.eventId === eventId);
      if (m) return { queue: q.queue, message: m };
    }
    return undefined;
  }, 25_000);
}

/** Deletes every dead letter of one event, in every queue (a poison event of a test reaches every consumer of its type). */
export async function deleteDeadLettersOf(eventId: string): Promise<number> {
  let deleted = 0;
  for (const q of (await dlqListing()).queues) {
    const ids = q.messages.filter((m) => JSON.stringify(m).includes(eventId)).map((m) => m.messageId);
    if (ids.length === 0) continue;
    const res = await fetch(`${api}/local/dlq/delete`, { method: 'POST', body: JSON.stringify({ queue: q.queue, messageIds: ids }) });
    deleted += ((await res.json()) as { deleted: number }).deleted;
  }
  return deleted;
}
