/**
 * The OpenID Connect adapter of the real-name verification port against a
 * small provider started here (node:http on a random port): discovery, a JWKS
 * with an RSA and an EC key, and a token endpoint that checks the client's
 * authentication, the redirect URI and that each code is redeemed once.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClaims, identityOf, keySet, oidcSettings, oidcVerifier, parseJws, verifyIdToken, type OidcSettings } from '../../../functions/applicants/identity/oidc.ts';

const clientId = 'onestop-test';
const clientSecret = 'a secret: with % and +';
const redirectUri = 'https://onestop.example.gov.cn/register/verified';

type Alg = 'RS256' | 'ES256' | 'HS256' | 'none';
type Signer = { kid: string; alg: Alg; key: KeyObject };
const rsaPair = (kid: string) => ({ kid, ...generateKeyPairSync('rsa', { modulusLength: 2048 }) });
const ecPair = (kid: string) => ({ kid, ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) });

/** The provider: codes it issued (each for one token), the keys it publishes, and what it was asked. */
class Provider {
  issuer = '';
  keys = [rsaPair('rsa-1'), ecPair('ec-1')];
  readonly codes = new Map<string, string>();
  readonly seen = { discovery: 0, jwks: 0, tokenForms: [] as URLSearchParams[] };
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        if (req.url === '/.well-known/openid-configuration') {
          this.seen.discovery++;
          return answer(200, { issuer: this.issuer, token_endpoint: `${this.issuer}/token`, jwks_uri: `${this.issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
        }
        if (req.url === '/jwks') {
          this.seen.jwks++;
          const published = this.keys.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig' }));
          // A symmetric key and an encryption key in the set are never used to verify.
          return answer(200, { keys: [...published, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, { ...this.keys[0]!.publicKey.export({ format: 'jwk' }), kid: 'enc', use: 'enc' }] });
        }
        if (req.url !== '/token' || req.method !== 'POST') return answer(404, {});
        const form = new URLSearchParams(body);
        this.seen.tokenForms.push(form);
        const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, 'base64').toString().split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')))
          : [form.get('client_id'), form.get('client_secret')];
        if (id !== clientId || secret !== clientSecret) return answer(401, { error: 'invalid_client' });
        const token = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        if (form.get('grant_type') !== 'authorization_code') return answer(400, { error: 'unsupported_grant_type' });
        if (!token || form.get('redirect_uri') !== redirectUri) return answer(400, { error: 'invalid_grant', error_description: 'code unknown, used or expired' });
        return answer(200, { access_token: randomUUID(), token_type: 'Bearer', expires_in: 300, id_token: token });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop = () => new Promise<void>((resolve) => this.server.close(() => resolve()));

  /** The published key of that kid, or the first of the algorithm's type. */
  signer(alg: 'RS256' | 'ES256', kid?: string): Signer {
    const pair = this.keys.find((k) => (kid ? k.kid === kid : (alg === 'ES256') === k.kid.startsWith('ec')))!;
    return { kid: pair.kid, alg, key: pair.privateKey };
  }

  /** An ID token as the provider would sign it, with `claims` over a citizen's verified at real-person. */
  token(claims: Record<string, unknown> = {}, signer: Signer = this.signer('RS256')): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: signer.alg, kid: signer.kid, typ: 'JWT' };
    const payload = { iss: this.issuer, sub: randomUUID(), aud: clientId, iat: now, exp: now + 300, name: '张三', id_number: '11010519491231002X', acr: 'real-person', ...claims };
    const input = [header, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');
    const signature = signer.alg === 'none' ? Buffer.alloc(0)
      : signer.alg === 'HS256' ? createHmac('sha256', clientSecret).update(input).digest()
        : sign('sha256', Buffer.from(input), signer.alg === 'ES256' ? { key: signer.key, dsaEncoding: 'ieee-p1363' } : signer.key);
    return `${input}.${signature.toString('base64url')}`;
  }

  /** A one-time code for a token. */
  code(token: string = this.token()): string {
    const code = randomUUID();
    this.codes.set(code, token);
    return code;
  }
}

const provider = new Provider();
beforeAll(() => provider.start());
afterAll(() => provider.stop());

const settings = (over: Partial<OidcSettings> = {}): OidcSettings =>
  ({ issuer: provider.issuer, clientId, clientSecret, redirectUri, clientAuth: 'client_secret_basic', claims: defaultClaims, ...over });
const host = () => new URL(provider.issuer).host;

describe('redeeming an authorization code', () => {
  it('verifies a citizen (RS256, client_secret_basic) from the ID token\'s claims, and the code only once', async () => {
    const verifier = oidcVerifier(settings());
    const code = provider.code();
    expect(await verifier.verify(code)).toEqual({ verified: { kind: 'citizen', name: '张三', idNumber: '11010519491231002X', level: 'real-person', provider: `oidc:${host()}` } });
    const form = provider.seen.tokenForms.at(-1)!;
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    expect(await verifier.verify(code)).toEqual({ refused: 'unknown' });
  });

  it('verifies an enterprise (ES256, client_secret_post) by its credit code, even with its representative\'s ID number', async () => {
    const verifier = oidcVerifier(settings({ clientAuth: 'client_secret_post' }));
    const token = provider.token({ name: '某某科技有限公司', credit_code: '91350100M000100Y43', legal_representative: '李四' }, provider.signer('ES256'));
    expect(await verifier.verify(provider.code(token))).toEqual({
      verified: { kind: 'enterprise', name: '某某科技有限公司', creditCode: '91350100M000100Y43', legalRepresentative: '李四', level: 'real-person', provider: `oidc:${host()}` },
    });
    expect(provider.seen.tokenForms.at(-1)!.get('client_secret')).toBe(clientSecret);
  });

  it('fetches discovery and keys once per container, not once per registration', async () => {
    const verifier = oidcVerifier(settings());
    const before = { ...provider.seen };
    for (let i = 0; i < 3; i++) expect(await verifier.verify(provider.code())).toHaveProperty('verified');
    expect([provider.seen.discovery - before.discovery, provider.seen.jwks - before.jwks]).toEqual([1, 1]);
  });

  it('refuses a code the provider answers invalid_grant for (unknown, used, expired, another redirect URI) as unknown', async () => {
    expect(await oidcVerifier(settings()).verify('no-such-code')).toEqual({ refused: 'unknown' });
    expect(await oidcVerifier(settings({ redirectUri: 'https://elsewhere.example/cb' })).verify(provider.code())).toEqual({ refused: 'unknown' });
  });

  it('throws, never refuses, when the provider will not take the client or cannot be reached', async () => {
    await expect(oidcVerifier(settings({ clientSecret: 'wrong' })).verify(provider.code())).rejects.toThrow(/token endpoint answered 401 invalid_client/);
    await expect(oidcVerifier(settings({ issuer: 'http://127.0.0.1:9' })).verify(provider.code())).rejects.toThrow();
    await expect(oidcVerifier(settings({ issuer: `${provider.issuer}/other` })).verify(provider.code())).rejects.toThrow(/discovery document/);
  });
});

describe('the ID token', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const refused: [string, () => string, RegExp][] = [
    ['tampered with after signing', () => {
      const [h, p, s] = provider.token().split('.');
      const changed = { ...JSON.parse(Buffer.from(p!, 'base64url').toString()), id_number: '110105194912310037' };
      return `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`;
    }, /signature does not verify/],
    ['from another issuer', () => provider.token({ iss: 'https://idp.example.com' }), /another issuer/],
    ['for another client', () => provider.token({ aud: 'someone-else' }), /another client/],
    ['for several clients without naming us as the authorized party', () => provider.token({ aud: [clientId, 'someone-else'] }), /another client/],
    ['issued to another authorized party', () => provider.token({ aud: [clientId, 'someone-else'], azp: 'someone-else' }), /another client/],
    ['expired (beyond the minute of leeway)', () => provider.token({ exp: now() - 61 }), /expired/],
    ['issued in the future (beyond the minute of leeway)', () => provider.token({ iat: now() + 120 }), /future/],
    ['unsigned (alg none)', () => provider.token({}, { ...provider.signer('RS256'), alg: 'none' }), /algorithm none is refused/],
    ['signed with the client secret (HS256)', () => provider.token({}, { ...provider.signer('RS256'), kid: 'hmac', alg: 'HS256' }), /algorithm HS256 is refused/],
    ['signed by an RSA key but named ES256', () => provider.token({}, { ...provider.signer('RS256'), alg: 'ES256' }), /no ES256 key rsa-1/],
    ['without the number claim', () => provider.token({ id_number: undefined }), /no claim id_number/],
    ['with an acr no level is mapped for', () => provider.token({ acr: 'password' }), /acr password maps to no level/],
  ];
  it.each(refused)('one %s throws (a provider or configuration fault, not a refusal)', async (_, token, why) => {
    await expect(oidcVerifier(settings()).verify(provider.code(token()))).rejects.toThrow(why);
  });

  it('takes a token within the minute of leeway on either side', async () => {
    const token = provider.token({ exp: now() - 30, iat: now() + 30, aud: [clientId, 'another'], azp: clientId });
    expect(await oidcVerifier(settings()).verify(provider.code(token))).toHaveProperty('verified.kind', 'citizen');
  });

  it('an unknown kid makes it fetch the keys once more, then throws', async () => {
    const verifier = oidcVerifier(settings());
    await verifier.verify(provider.code());
    const jwks = provider.seen.jwks;
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(verifier.verify(provider.code(provider.token({}, { kid: 'rsa-unknown', alg: 'RS256', key: stranger })))).rejects.toThrow(/no RS256 key rsa-unknown/);
    expect(provider.seen.jwks - jwks).toBe(1);
  });

  it('follows a key rotation: a new kid after the keys changed verifies', async () => {
    const verifier = oidcVerifier(settings());
    await verifier.verify(provider.code());
    const old = provider.keys;
    provider.keys = [rsaPair('rsa-2'), old[1]!];
    try {
      expect(await verifier.verify(provider.code(provider.token({}, provider.signer('RS256', 'rsa-2'))))).toHaveProperty('verified.level', 'real-person');
      await expect(verifier.verify(provider.code(provider.token({}, { kid: 'rsa-1', alg: 'RS256', key: old[0]!.privateKey })))).rejects.toThrow(/no RS256 key rsa-1/);
    } finally {
      provider.keys = old;
    }
  });

  it('maps the provider\'s acr values to levels, as the settings say', async () => {
    const claims = { ...defaultClaims, idNumber: 'sfzh', levels: { 'urn:gov:face': 'real-person', 'urn:gov:password': 'real-name' } } as const;
    const verifier = oidcVerifier(settings({ claims }));
    const level = async (acr: string) => ((await verifier.verify(provider.code(provider.token({ acr, sfzh: '11010519491231002X' })))) as { verified: { level: string } }).verified.level;
    expect([await level('urn:gov:face'), await level('urn:gov:password')]).toEqual(['real-person', 'real-name']);
    await expect(verifier.verify(provider.code(provider.token({ acr: 'real-person', sfzh: '11010519491231002X' })))).rejects.toThrow(/acr real-person maps to no level/);
  });
});

describe('the pure parts', () => {
  const rsa = rsaPair('k1');
  const keys = keySet({ keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256' }] });
  const compact = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' }) => {
    const input = [header, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');
    return `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
  };
  const at = new Date('2026-12-04T12:00:00Z');
  const t = at.getTime() / 1000;
  const expected = { issuer: 'https://idp.example.gov.cn', clientId, now: at };

  it('verifies a JWS against a key set at a given instant, without a network', () => {
    const payload = { iss: expected.issuer, aud: clientId, iat: t, exp: t + 60, name: '王五', id_number: '11010519491231002X', acr: 'real-name' };
    const claims = verifyIdToken(parseJws(compact(payload)), keys, expected);
    expect(identityOf(claims, defaultClaims, 'oidc:idp')).toEqual({ kind: 'citizen', name: '王五', idNumber: '11010519491231002X', level: 'real-name', provider: 'oidc:idp' });
    expect(() => verifyIdToken(parseJws(compact(payload)), keys, { ...expected, now: new Date(at.getTime() + 121_000) })).toThrow(/expired/);
    expect(() => verifyIdToken(parseJws(compact(payload, { alg: 'RS256', kid: 'k1', crit: ['exp'] })), keys, expected)).toThrow(/critical/);
    expect(() => parseJws('a.b')).toThrow(/compact JWS/);
  });

  it('reads the settings from the environment, claim names over the defaults, and refuses what cannot work', () => {
    const env = { IDENTITY_OIDC_ISSUER: 'https://idp.example.gov.cn', IDENTITY_OIDC_CLIENT_ID: clientId, IDENTITY_OIDC_CLIENT_SECRET: 's', IDENTITY_OIDC_REDIRECT_URI: redirectUri };
    expect(oidcSettings(env)).toEqual({ issuer: 'https://idp.example.gov.cn', clientId, clientSecret: 's', redirectUri, clientAuth: 'client_secret_basic', claims: defaultClaims });
    const claims = JSON.stringify({ idNumber: 'sfzh', levels: { 'urn:face': 'real-person' } });
    expect(oidcSettings({ ...env, IDENTITY_OIDC_CLAIMS: claims, IDENTITY_OIDC_CLIENT_AUTH: 'client_secret_post' })).toMatchObject({
      clientAuth: 'client_secret_post', claims: { ...defaultClaims, idNumber: 'sfzh', levels: { 'urn:face': 'real-person' } },
    });
    expect(() => oidcSettings({ ...env, IDENTITY_OIDC_CLIENT_SECRET: undefined })).toThrow(/IDENTITY_OIDC_CLIENT_SECRET is not set/);
    expect(() => oidcSettings({ ...env, IDENTITY_OIDC_CLIENT_AUTH: 'private_key_jwt' })).toThrow(/neither/);
    expect(() => oidcSettings({ ...env, IDENTITY_OIDC_CLAIMS: '{"idnumber":"sfzh"}' })).toThrow(/idnumber is not a setting/);
    expect(() => oidcSettings({ ...env, IDENTITY_OIDC_CLAIMS: '{"levels":{"urn:face":"verified"}}' })).toThrow(/levels maps acr values/);
  });
});
