import { beforeAll, describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { callerOf } from '#shared/auth';
import { decodeCursor, encodeCursor } from '#shared/cursor';
import { assertValid } from '#shared/validate';
import { HttpProblem } from '#shared/errors';
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
});

describe('pagination cursor', () => {
  beforeAll(() => {
    process.env.CURSOR_KEY = 'k'.repeat(64);
  });
  const key = { PK: 'A', SK: 'B' };

  it('round-trips a key under the same filters', () => {
    const token = encodeCursor(key, { dept: 'amr' })!;
    expect(decodeCursor(token, { dept: 'amr' })).toEqual(key);
  });

  it('refuses a token used with other filters or altered by the client', () => {
    const token = encodeCursor(key, { dept: 'amr' })!;
    expect(() => decodeCursor(token, { dept: 'health' })).toThrow(expect.objectContaining({ status: 400 }));
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ k: { PK: 'CENTER#other', SK: 'X' }, f: { dept: 'amr' } })).toString('base64url');
    expect(() => decodeCursor(`${forged}.${mac}`, { dept: 'amr' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodeCursor(`${payload}`, { dept: 'amr' })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('has no token after the last page', () => {
    expect(encodeCursor(undefined, {})).toBeUndefined();
  });
});

describe('schema validation errors', () => {
  it('lists every field at fault with a JSON pointer and a code', () => {
    const schema = Type.Object({ a: Type.Integer({ maximum: 3 }), b: Type.String() }, { additionalProperties: false });
    try {
      assertValid(schema, { a: 5, c: 1 }, '/body');
      expect.unreachable();
    } catch (err) {
      const p = err as HttpProblem;
      expect(p.status).toBe(400);
      expect(p.errors).toEqual(
        expect.arrayContaining([
          { path: '/body/a', code: 'maximum', message: expect.any(String) },
          { path: '/body/b', code: 'required', message: 'is required' },
          { path: '/body/c', code: 'unknown_field', message: 'is not a known field' },
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
      expect(modeErrors).toEqual([{ path: '/body/content/serviceMode', code: 'enum', message: 'must be one of: immediate, promised, joint, escalated' }]);
    }
  });
});
