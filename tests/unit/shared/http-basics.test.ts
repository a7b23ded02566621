import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { callerOf } from '#shared/auth';
import { CURSOR_TTL_SECONDS, decodeCursor, encodeCursor } from '#shared/cursor';
import { assertValid } from '#shared/validate';
import { HttpProblem, notFound } from '#shared/errors';
import { infrastructureProblem, languageOf, problemResponse } from '#shared/problem-response';
import { msg } from '#schemas/api/problems';
import { CreateItemRequest } from '#schemas/api/catalog';

const withClaims = (claims: Record<string, unknown>) => ({ requestContext: { authorizer: { jwt: { claims, scopes: [] } } } }) as never;

describe('callerOf', () => {
  it('reads groups as API Gateway sends them ("[a b]") and as arrays', () => {
    const base = { sub: 'u1', 'custom:centerId': 'c1', 'custom:departmentId': 'amr' };
    expect(callerOf(withClaims({ ...base, 'cognito:groups': '[clerk dept_admin]' })).roles).toEqual(['clerk', 'dept_admin']);
    expect(callerOf(withClaims({ ...base, 'cognito:groups': ['auditor'] })).roles).toEqual(['auditor']);
    expect(callerOf(withClaims({ ...base, 'cognito:groups': '["approver"]' })).roles).toEqual(['approver']);
  });

  it('drops groups that are not roles, and answers 401 without a center', () => {
    expect(callerOf(withClaims({ sub: 'u', 'custom:centerId': 'c', 'cognito:groups': '[root clerk]' })).roles).toEqual(['clerk']);
    expect(() => callerOf(withClaims({ sub: 'u' }))).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => callerOf({ requestContext: {} } as never)).toThrow(HttpProblem);
  });

  describe('a system calling as itself (client credentials)', () => {
    const clients = [{ clientId: 'hotline-client', name: 'hotline-12345', role: 'hotline', centerId: 'c1' }];
    const access = (claims: Record<string, unknown>) => withClaims({ sub: 'hotline-client', token_use: 'access', client_id: 'hotline-client', scope: 'onestop/complaints.file', ...claims });
    beforeAll(() => {
      process.env.SERVICE_CLIENTS = JSON.stringify(clients);
    });
    afterAll(() => {
      delete process.env.SERVICE_CLIENTS;
    });

    it('is the system of its center, in its role', () => {
      expect(callerOf(access({}))).toEqual({ userId: 'service:hotline-12345', username: 'hotline-12345', roles: ['hotline'], centerId: 'c1' });
    });

    it('is refused (403) as a client the function was not told of, or without its role\'s scope', () => {
      expect(() => callerOf(access({ client_id: 'other-client' }))).toThrow(expect.objectContaining({ status: 403 }));
      expect(() => callerOf(access({ scope: 'onestop/other aws.cognito.signin.user.admin' }))).toThrow(expect.objectContaining({ status: 403 }));
      delete process.env.SERVICE_CLIENTS;
      expect(() => callerOf(access({}))).toThrow(expect.objectContaining({ status: 403 }));
      process.env.SERVICE_CLIENTS = JSON.stringify(clients);
    });

    it('never makes a person\'s access token a system: it has no center, so 401', () => {
      expect(() => callerOf(access({ username: 'clerk.amr' }))).toThrow(expect.objectContaining({ status: 401 }));
    });
  });
});

describe('pagination cursor (AES-256-GCM, bound to route, center and filters)', () => {
  beforeAll(() => {
    process.env.CURSOR_KEY = 'k'.repeat(64);
  });
  const key = { PK: 'CENTER#c1#DEPT#amr#Q#to_accept', SK: 'CASE', GSI1SK: '2026-03-02#SF-20260302-00001' };
  const scope = { route: 'GET /queues/{queue}', centerId: 'c1' };
  const filters = { departmentId: 'amr', queue: 'to_accept' };
  const refusedAs = (code: string) => expect.objectContaining({ status: 400, type: 'https://onestop.example.gov.cn/problems/invalid-cursor', errors: [expect.objectContaining({ path: '/query/nextToken', code })] });

  it('round-trips a key under the same scope and filters (key order of the filters does not matter)', () => {
    const token = encodeCursor(scope, key, filters)!;
    expect(decodeCursor(scope, token, filters)).toEqual(key);
    expect(decodeCursor(scope, token, { queue: 'to_accept', departmentId: 'amr' })).toEqual(key);
  });

  it('cannot be read: neither the key layout nor any id appears in the token', () => {
    const token = encodeCursor(scope, key, filters)!;
    const decoded = Buffer.from(token, 'base64url').toString('latin1');
    for (const part of ['CENTER', 'amr', 'SF-2026', 'GSI1SK', 'to_accept']) expect(decoded).not.toContain(part);
    // A fresh IV each time: two tokens of one position differ.
    expect(encodeCursor(scope, key, filters)).not.toBe(token);
  });

  it('is refused on another route, in another center, with other filters', () => {
    const token = encodeCursor(scope, key, filters)!;
    expect(() => decodeCursor({ ...scope, route: 'GET /evaluation-queues/{queue}' }, token, filters)).toThrow(refusedAs('invalid'));
    expect(() => decodeCursor({ ...scope, centerId: 'c2' }, token, filters)).toThrow(refusedAs('invalid'));
    expect(() => decodeCursor(scope, token, { ...filters, departmentId: 'health' })).toThrow(refusedAs('invalid'));
  });

  it('is refused when tampered with, truncated or not base64url', () => {
    const token = encodeCursor(scope, key, filters)!;
    const raw = Buffer.from(token, 'base64url');
    for (const i of [0, 1, 13, raw.length - 1]) {
      const bent = Buffer.from(raw);
      bent[i] = bent[i]! ^ 0x01;
      expect(() => decodeCursor(scope, bent.toString('base64url'), filters)).toThrow(refusedAs('invalid'));
    }
    expect(() => decodeCursor(scope, token.slice(0, 20), filters)).toThrow(refusedAs('invalid'));
    expect(() => decodeCursor(scope, `${token}.x`, filters)).toThrow(refusedAs('invalid'));
    expect(() => decodeCursor(scope, '', filters)).toThrow(refusedAs('invalid'));
  });

  it('expires after its lifetime', () => {
    const issued = Date.parse('2026-03-02T09:00:00Z');
    const token = encodeCursor(scope, key, filters, issued)!;
    expect(decodeCursor(scope, token, filters, issued + (CURSOR_TTL_SECONDS - 1) * 1000)).toEqual(key);
    expect(() => decodeCursor(scope, token, filters, issued + CURSOR_TTL_SECONDS * 1000)).toThrow(refusedAs('expired'));
  });

  it('has no token after the last page', () => {
    expect(encodeCursor(scope, undefined, {})).toBeUndefined();
  });
});

describe('schema validation errors', () => {
  it('lists every field at fault with a JSON pointer, a code and a message in both languages', () => {
    const schema = Type.Object({ a: Type.Integer({ maximum: 3 }), b: Type.String() }, { additionalProperties: false });
    try {
      assertValid(schema, { a: 5, c: 1 }, '/body');
      expect.unreachable();
    } catch (err) {
      const p = err as HttpProblem;
      expect(p.status).toBe(400);
      expect(p.problem.slug).toBe('validation-failed');
      expect(p.errors).toEqual(
        expect.arrayContaining([
          { path: '/body/a', code: 'maximum', message: { zh: '不能大于 3', en: 'must be at most 3' } },
          { path: '/body/b', code: 'required', message: { zh: '必填', en: 'is required' } },
          { path: '/body/c', code: 'unknown_field', message: { zh: '不是已知字段', en: 'is not a known field' } },
        ]),
      );
    }
  });

  it('names the allowed values of an enum once', () => {
    try {
      assertValid(CreateItemRequest, { code: 'X-1', content: { serviceMode: 'fast' } }, '/body');
      expect.unreachable();
    } catch (err) {
      const modeErrors = (err as HttpProblem).errors!.filter((e) => e.path === '/body/content/serviceMode');
      expect(modeErrors.map((e) => [e.code, e.message.en])).toEqual([['enum', 'must be one of: immediate, promised, joint, escalated']]);
    }
  });
});

describe('problem responses', () => {
  it('speak zh-CN by default and English when asked, by q-value', () => {
    expect(languageOf(undefined)).toBe('zh-CN');
    expect(languageOf('en')).toBe('en');
    expect(languageOf('en-GB,en;q=0.9')).toBe('en');
    expect(languageOf('fr-FR, en;q=0.5, zh;q=0.8')).toBe('zh-CN');
    expect(languageOf('fr')).toBe('zh-CN');
    expect(languageOf('zh-TW;q=0, en;q=0.1')).toBe('en');
  });

  it('carry the type URI, the title and detail in the chosen language, the trace id and the localized field errors', () => {
    const p = notFound(msg('没有办件 X。', 'No case X.'));
    const zh = problemResponse(p, 'req-1', '/cases/X', 'zh-CN');
    expect(zh.statusCode).toBe(404);
    expect(zh.headers).toMatchObject({ 'content-type': 'application/problem+json', 'content-language': 'zh-CN' });
    expect(JSON.parse(zh.body!)).toEqual({ type: 'https://onestop.example.gov.cn/problems/not-found', title: '未找到', status: 404, detail: '没有办件 X。', instance: '/cases/X', traceId: 'req-1' });
    const en = JSON.parse(problemResponse(p, 'req-1', '/cases/X', 'en').body!);
    expect([en.title, en.detail]).toEqual(['Not found', 'No case X.']);
  });
});

describe('last-resort mapping of AWS failures', () => {
  const sdk = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 }, ...extra });

  it('throttling → 503 with Retry-After; nothing was changed', () => {
    for (const e of [sdk('ProvisionedThroughputExceededException'), sdk('ThrottlingException'), sdk('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] })]) {
      const p = infrastructureProblem(e, 'POST')!;
      expect([p.status, p.problem.slug, p.headers['retry-after']]).toEqual([503, 'service-unavailable', '1']);
    }
  });

  it('a request DynamoDB refuses as invalid → 400', () => {
    const p = infrastructureProblem(sdk('ValidationException'), 'GET')!;
    expect([p.status, p.problem.slug]).toEqual([400, 'malformed-request']);
  });

  it('a timeout or server error: 504 outcome unknown for a write, 503 for a read', () => {
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    expect(infrastructureProblem(timeout, 'POST')!.problem.slug).toBe('outcome-unknown');
    expect(infrastructureProblem(timeout, 'POST')!.status).toBe(504);
    expect(infrastructureProblem(timeout, 'GET')!.status).toBe(503);
    const server = sdk('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(infrastructureProblem(server, 'PUT')!.status).toBe(504);
  });

  it('leaves everything else alone (a conditional check the store did not map is not an infrastructure failure)', () => {
    expect(infrastructureProblem(sdk('ConditionalCheckFailedException'), 'POST')).toBeUndefined();
    expect(infrastructureProblem(new TypeError('x is undefined'), 'POST')).toBeUndefined();
  });
});
