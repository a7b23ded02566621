/**
 * The HTTP API emulation without a server: route selection, the payload 2.0
 * event and response rules, and the JWT authorizer with the local issuer.
 */
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileRoutes } from '../../../local/api/routes.ts';
import { buildEvent, toHttpResult } from '../../../local/api/payload.ts';
import { apiGatewayClaim, LocalAuthorizer } from '../../../local/auth/authorizer.ts';
import { LocalIssuer, stableSub } from '../../../local/auth/issuer.ts';
import type { RouteModel } from '../../../local/template-api.ts';

const route = (routeKey: string): RouteModel => {
  const [method = 'ANY', p] = routeKey === '$default' ? ['ANY', undefined] : routeKey.split(' ');
  return { logicalId: routeKey, routeKey, method, path: p, functionId: 'Fn', authorizationScopes: [] };
};

describe('route selection', () => {
  const match = compileRoutes([
    'GET /items/{code}', 'GET /items/new', 'POST /items/{code}/versions/{version}/{action}', 'ANY /files/{proxy+}', 'GET /files/readme', 'ANY /items', 'GET /items',
  ].map(route));

  it.each([
    ['GET', '/items/new', 'GET /items/new', undefined],
    ['GET', '/items/A-1', 'GET /items/{code}', { code: 'A-1' }],
    ['GET', '/items/%E4%BA%8B', 'GET /items/{code}', { code: '事' }],
    ['POST', '/items/A-1/versions/2/submit', 'POST /items/{code}/versions/{version}/{action}', { code: 'A-1', version: '2', action: 'submit' }],
    ['GET', '/files/readme', 'GET /files/readme', undefined],
    ['DELETE', '/files/a/b/c', 'ANY /files/{proxy+}', { proxy: 'a/b/c' }],
    ['GET', '/items', 'GET /items', undefined],
    ['PUT', '/items', 'ANY /items', undefined],
  ])('%s %s → %s', (method, p, key, params) => {
    const m = match(method, p);
    expect(m?.route.routeKey).toBe(key);
    expect(m?.pathParameters).toEqual(params);
  });

  it.each([['GET', '/items/'], ['POST', '/items/A-1'], ['GET', '/files'], ['GET', '/other']])('%s %s → no route', (method, p) => {
    expect(match(method, p)).toBeUndefined();
  });

  it('falls back to $default', () => {
    expect(compileRoutes([route('GET /a'), route('$default')])('POST', '/zzz')?.route.routeKey).toBe('$default');
  });
});

describe('payload format 2.0', () => {
  const req = (headers: Record<string, string>, method = 'POST') =>
    ({ method, headers, httpVersion: '1.1', socket: { remoteAddress: '::ffff:127.0.0.1', localPort: 3000 } }) as unknown as IncomingMessage;

  it('builds the event API Gateway sends', () => {
    const event = buildEvent({
      req: req({ host: 'localhost:3000', 'content-type': 'application/json', cookie: 'a=1; b=2', 'user-agent': 'ua', 'x-custom': 'v' }),
      body: Buffer.from('{"x":1}'), rawPath: '/items/A-1', rawQueryString: 'a=1&a=2&b=%20x', routeKey: 'POST /items/{code}',
      pathParameters: { code: 'A-1' }, apiId: 'api', stage: '$default', requestId: 'rid',
      authorizer: { claims: { sub: 's', 'cognito:groups': '[a b]' }, scopes: null },
    });
    expect(event).toMatchObject({
      version: '2.0', routeKey: 'POST /items/{code}', rawPath: '/items/A-1', rawQueryString: 'a=1&a=2&b=%20x',
      cookies: ['a=1', 'b=2'], queryStringParameters: { a: '1,2', b: ' x' }, pathParameters: { code: 'A-1' },
      body: '{"x":1}', isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000', apiId: 'api', domainName: 'localhost', requestId: 'rid', routeKey: 'POST /items/{code}', stage: '$default',
        http: { method: 'POST', path: '/items/A-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'ua' },
        authorizer: { jwt: { claims: { sub: 's', 'cognito:groups': '[a b]' }, scopes: null } },
      },
    });
    const headers = event.headers as Record<string, string>;
    expect(headers['x-custom']).toBe('v');
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect((event.requestContext as { time: string }).time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
  });

  it('base64-encodes binary bodies and leaves out what is absent', () => {
    const event = buildEvent({
      req: req({ 'content-type': 'application/octet-stream' }), body: Buffer.from([0, 255]), rawPath: '/f', rawQueryString: '',
      routeKey: 'POST /f', apiId: 'api', stage: '$default', requestId: 'r',
    });
    expect(event).toMatchObject({ body: 'AP8=', isBase64Encoded: true });
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it.each([
    [{ statusCode: 201, headers: { ETag: '"1"' }, body: '{"a":1}' }, 201, [['etag', '"1"']], '{"a":1}'],
    [{ statusCode: 200, cookies: ['a=1', 'b=2'], body: 'aGk=', isBase64Encoded: true }, 200, [['set-cookie', 'a=1'], ['set-cookie', 'b=2']], 'hi'],
    [{ a: 1 }, 200, [['content-type', 'application/json']], '{"a":1}'],
    ['plain', 200, [['content-type', 'application/json']], 'plain'],
    [{ statusCode: 'x' }, 500, [['content-type', 'application/json']], '{"message":"Internal Server Error"}'],
  ])('maps %j to HTTP', (result, status, headers, body) => {
    const out = toHttpResult(result);
    expect(out.status).toBe(status);
    expect(out.headers).toEqual(headers);
    expect(out.body.toString()).toBe(body);
  });
});

describe('JWT authorizer and local issuer', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'issuer-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const issuer = new LocalIssuer(dir, 'http://localhost:3000/local', 'client-1');
  const authorizer = new LocalAuthorizer(issuer);
  const jwtAuth = { logicalId: 'Auth', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/pool', audience: ['client-1'], identitySource: ['$request.header.Authorization'] };

  it('renders claims the way API Gateway does', () => {
    expect(apiGatewayClaim(['dept_admin', 'approver'])).toBe('[dept_admin approver]');
    expect(apiGatewayClaim(1700000000)).toBe('1700000000');
    expect(apiGatewayClaim(true)).toBe('true');
    expect(apiGatewayClaim('x')).toBe('x');
  });

  it('accepts a minted token (Bearer optional) and hands over string claims', async () => {
    const token = issuer.mint('admin.amr');
    for (const header of [`Bearer ${token}`, token]) {
      const out = await authorizer.authorize(jwtAuth, { authorization: header }, []);
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      expect(out.claims).toMatchObject({
        sub: stableSub('admin.amr'), 'cognito:username': 'admin.amr', 'cognito:groups': '[dept_admin]',
        'custom:centerId': 'center-demo', 'custom:departmentId': 'amr', token_use: 'id', aud: 'client-1', iss: 'http://localhost:3000/local',
      });
      expect(out.claims.exp).toMatch(/^\d+$/);
      expect(out.scopes).toBeNull();
    }
  });

  it.each([
    ['no header', {}],
    ['garbage', { authorization: 'Bearer abc.def.ghi' }],
    ['another audience', { authorization: `Bearer ${issuer.mint('admin.amr', { aud: 'other' })}` }],
    ['expired', { authorization: `Bearer ${issuer.mint('admin.amr', { exp: Math.floor(Date.now() / 1000) - 10 })}` }],
  ])('refuses %s with 401', async (_name, headers) => {
    expect(await authorizer.authorize(jwtAuth, headers, [])).toMatchObject({ ok: false, status: 401, message: 'Unauthorized' });
  });

  it('accepts a token it verified again until its exp, then refuses it; the audience is checked each time', async () => {
    const now = Date.now();
    const token = issuer.mint('admin.amr', { exp: Math.floor(now / 1000) + 60 });
    const header = { authorization: `Bearer ${token}` };
    vi.useFakeTimers({ toFake: ['Date'], now });
    try {
      expect((await authorizer.authorize(jwtAuth, header, [])).ok).toBe(true);
      vi.setSystemTime(now + 59_000);
      expect(await authorizer.authorize(jwtAuth, header, [])).toMatchObject({ ok: true, claims: { 'cognito:username': 'admin.amr' } });
      expect(await authorizer.authorize({ ...jwtAuth, audience: ['client-2'] }, header, [])).toMatchObject({ ok: false, status: 401 });
      vi.setSystemTime(now + 61_000);
      expect(await authorizer.authorize(jwtAuth, header, [])).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/expired/i) });
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes an access token\'s client_id as its audience when it has no aud, as API Gateway does', async () => {
    const withClients = { ...jwtAuth, audience: ['client-1', 'hotline-client'] };
    const out = await authorizer.authorize(withClients, { authorization: `Bearer ${issuer.mintServiceToken('hotline-client', ['onestop/complaints.file'])}` }, []);
    expect(out).toMatchObject({ ok: true, claims: { client_id: 'hotline-client', token_use: 'access', scope: 'onestop/complaints.file' }, scopes: ['onestop/complaints.file'] });
    expect(await authorizer.authorize(jwtAuth, { authorization: `Bearer ${issuer.mintServiceToken('hotline-client', [])}` }, [])).toMatchObject({ ok: false, status: 401 });
  });

  it('keeps the key and the users across restarts', () => {
    const again = new LocalIssuer(dir, 'http://localhost:3000/local', 'client-1');
    expect(again.jwk).toEqual(issuer.jwk);
    expect(again.listUsers().map((u) => u.sub)).toEqual(issuer.listUsers().map((u) => u.sub));
    expect(() => issuer.mint('nobody')).toThrow(/unknown user nobody/);
  });
});
