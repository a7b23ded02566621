/**
 * The adapter of an OpenID Connect provider: a provincial unified identity
 * authentication platform (统一身份认证平台) or a face verification service.
 * The client completes the provider's authorization-code flow and hands over
 * the code as the ticket; this adapter redeems it at the token endpoint with
 * the client secret and takes the identity from the ID token's claims, after
 * checking the token's signature and claims itself (RS256 or ES256 with
 * node:crypto: the little of JOSE this needs is not worth a dependency).
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { IdentityLevel } from '#schemas/api/applicants';
import type { IdentityVerifier, Verification, VerifiedIdentity } from './verifier.ts';

/** Which claim carries what: each provider names them its own way. */
export interface OidcClaims {
  readonly name: string;
  readonly idNumber: string;
  readonly creditCode: string;
  readonly legalRepresentative: string;
  /** The claim saying how the person was verified (OIDC's authentication context class) … */
  readonly acr: string;
  /** … and the level each of its values stands for. A value not listed is a misconfiguration, never a guess. */
  readonly levels: Readonly<Record<string, IdentityLevel>>;
}

export const defaultClaims: OidcClaims = {
  name: 'name', idNumber: 'id_number', creditCode: 'credit_code', legalRepresentative: 'legal_representative',
  acr: 'acr', levels: { 'real-person': 'real-person', 'real-name': 'real-name' },
};

export interface OidcSettings {
  /** Exactly as the provider's tokens name it (`iss`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The redirect URI the client's authorization request named: the provider redeems the code only with it. */
  readonly redirectUri: string;
  /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1): HTTP Basic, or in the form. */
  readonly clientAuth: 'client_secret_basic' | 'client_secret_post';
  readonly claims: OidcClaims;
}

const levels: readonly IdentityLevel[] = ['real-name', 'real-person'];
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (why: string): never => { throw new Error(`identity provider (oidc): ${why}`); };

/**
 * The settings from the applicants function's environment (infra/stacks/onestop-stack.ts).
 * IDENTITY_OIDC_CLAIMS (JSON) names any of OidcClaims' fields, `levels` whole; a field it
 * does not know is a typo, refused rather than left to the default.
 */
export function oidcSettings(env: Readonly<Record<string, string | undefined>>): OidcSettings {
  const required = (name: string) => env[name] || fail(`environment variable ${name} is not set`);
  const clientAuth = env.IDENTITY_OIDC_CLIENT_AUTH ?? 'client_secret_basic';
  if (clientAuth !== 'client_secret_basic' && clientAuth !== 'client_secret_post') fail(`IDENTITY_OIDC_CLIENT_AUTH ${clientAuth} is neither client_secret_basic nor client_secret_post`);
  const given: unknown = JSON.parse(env.IDENTITY_OIDC_CLAIMS ?? '{}');
  if (!isObject(given)) return fail('IDENTITY_OIDC_CLAIMS is not an object');
  const claims: Json = { ...defaultClaims, ...given };
  for (const [field, value] of Object.entries(claims)) {
    if (!Object.hasOwn(defaultClaims, field)) fail(`IDENTITY_OIDC_CLAIMS.${field} is not a setting`);
    if (field !== 'levels' && (typeof value !== 'string' || !value)) fail(`IDENTITY_OIDC_CLAIMS.${field} is not a claim name`);
  }
  if (!isObject(claims.levels) || !Object.values(claims.levels).every((l) => levels.includes(l as IdentityLevel))) fail(`IDENTITY_OIDC_CLAIMS.levels maps acr values to ${levels.join(' or ')}`);
  return {
    issuer: required('IDENTITY_OIDC_ISSUER'), clientId: required('IDENTITY_OIDC_CLIENT_ID'), clientSecret: required('IDENTITY_OIDC_CLIENT_SECRET'),
    redirectUri: required('IDENTITY_OIDC_REDIRECT_URI'), clientAuth: clientAuth as OidcSettings['clientAuth'], claims: claims as unknown as OidcClaims,
  };
}

/** A compact JWS, decoded; its signature not checked yet. */
export interface Jws { readonly header: Json; readonly payload: Json; readonly signingInput: Buffer; readonly signature: Buffer }

export function parseJws(token: string): Jws {
  const parts = token.split('.');
  if (parts.length !== 3) return fail('the id_token is not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  const json = (part: string) => {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return isObject(value) ? value : fail('the id_token is not a compact JWS');
  };
  return { header: json(header), payload: json(payload), signingInput: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, 'base64url') };
}

/**
 * The algorithms taken, and the keys each verifies with. Not `none` (unsigned),
 * not HS* (signed with the client secret, which proves nothing the provider's
 * key does not prove better). ES256 signatures are r||s, not DER.
 */
const algorithms: Record<string, { usable: (k: KeyObject) => boolean; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { usable: (k) => k.asymmetricKeyType === 'rsa' && (k.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 },
  ES256: { usable: (k) => k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1', dsaEncoding: 'ieee-p1363' },
};

export type KeySet = ReadonlyMap<string, { readonly key: KeyObject; readonly alg?: string }>;

/** The signing keys of a JWKS document by `kid`; encryption and symmetric keys are left out. */
export function keySet(jwks: unknown): KeySet {
  const keys = isObject(jwks) && Array.isArray(jwks.keys) ? jwks.keys.filter(isObject) : fail('the JWKS has no keys');
  return new Map(keys
    .filter((k) => typeof k.kid === 'string' && (k.kty === 'RSA' || k.kty === 'EC') && (k.use === undefined || k.use === 'sig'))
    .map((k) => [k.kid as string, { key: createPublicKey({ key: k as JsonWebKey, format: 'jwk' }), ...(typeof k.alg === 'string' ? { alg: k.alg } : {}) }]));
}

const leewaySeconds = 60;

/** The ID token's claims once its signature, issuer, audience and times are right (OIDC Core §3.1.3.7); anything else throws. */
export function verifyIdToken(jws: Jws, keys: KeySet, expected: { readonly issuer: string; readonly clientId: string; readonly now: Date }): Json {
  const { alg, kid } = jws.header;
  const algorithm = typeof alg === 'string' && Object.hasOwn(algorithms, alg) ? algorithms[alg]! : fail(`the id_token's algorithm ${String(alg)} is refused`);
  if (jws.header.crit !== undefined) fail('the id_token has critical header parameters');
  const entry = typeof kid === 'string' ? keys.get(kid) : undefined;
  if (!entry || !algorithm.usable(entry.key) || (entry.alg !== undefined && entry.alg !== alg)) return fail(`no ${String(alg)} key ${String(kid)} in the provider's JWKS`);
  const key = algorithm.dsaEncoding ? { key: entry.key, dsaEncoding: algorithm.dsaEncoding } : entry.key;
  if (!verify('sha256', jws.signingInput, key, jws.signature)) fail('the id_token\'s signature does not verify');
  const { iss, aud, azp, exp, iat } = jws.payload;
  if (iss !== expected.issuer) fail('the id_token is from another issuer');
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  // A token for several clients names the one it was issued to (azp); one that names another was not issued to us.
  if (!audiences.includes(expected.clientId) || ((audiences.length > 1 || azp !== undefined) && azp !== expected.clientId)) fail('the id_token is for another client');
  const now = expected.now.getTime() / 1000;
  if (typeof exp !== 'number' || exp + leewaySeconds <= now) fail('the id_token has expired');
  if (typeof iat !== 'number' || iat - leewaySeconds > now) fail('the id_token is issued in the future');
  return jws.payload;
}

/**
 * The identity the claims vouch for. A token carrying a credit code is an
 * enterprise's (it may carry its legal representative's ID number as well).
 * A claim missing is a misconfiguration (the provider releases other claims
 * than the settings name), so it throws instead of refusing the person.
 */
export function identityOf(claims: Json, names: OidcClaims, provider: string): VerifiedIdentity {
  const text = (claim: string) => {
    const value = claims[claim];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const needed = (claim: string) => text(claim) ?? fail(`the id_token has no claim ${claim}`);
  const acr = needed(names.acr);
  const level = Object.hasOwn(names.levels, acr) ? names.levels[acr]! : fail(`acr ${acr} maps to no level (IDENTITY_OIDC_CLAIMS.levels)`);
  const name = needed(names.name);
  const creditCode = text(names.creditCode);
  if (creditCode) return { kind: 'enterprise', name, creditCode, legalRepresentative: needed(names.legalRepresentative), level, provider };
  return { kind: 'citizen', name, idNumber: needed(names.idNumber), level, provider };
}

// Three calls at most on a cold start (discovery, token, keys), each bounded so that all end within the function's 10 s.
const callTimeoutMs = 3_000;

async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(callTimeoutMs) });
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { status: res.status, body: isObject(body) ? body : {} };
}

/** application/x-www-form-urlencoded, which is what RFC 6749 §2.3.1 encodes the id and secret with before Basic. */
const formEncoded = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

export function oidcVerifier(settings: OidcSettings): IdentityVerifier {
  const { issuer, clientId } = settings;
  const provider = `oidc:${new URL(issuer).host}`;

  // The provider's endpoints and keys, fetched once per container; a failed fetch is tried again by the next request.
  let metadata: Promise<{ tokenEndpoint: string; jwksUri: string }> | undefined;
  const endpoints = () => metadata ??= fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`).then(({ status, body }) => {
    if (status !== 200 || body.issuer !== issuer || typeof body.token_endpoint !== 'string' || typeof body.jwks_uri !== 'string') fail(`the discovery document answered ${status} without this issuer's endpoints`);
    return { tokenEndpoint: body.token_endpoint as string, jwksUri: body.jwks_uri as string };
  }).catch((err: unknown) => { metadata = undefined; throw err; });
  let cachedKeys: Promise<KeySet> | undefined;
  const signingKeys = (refresh: boolean) => {
    if (refresh || !cachedKeys) {
      cachedKeys = endpoints().then(({ jwksUri }) => fetchJson(jwksUri)).then(({ status, body }) => (status === 200 ? keySet(body) : fail(`the JWKS answered ${status}`)))
        .catch((err: unknown) => { cachedKeys = undefined; throw err; });
    }
    return cachedKeys;
  };

  return {
    async verify(code: string): Promise<Verification> {
      const { tokenEndpoint } = await endpoints();
      const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: settings.redirectUri });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      if (settings.clientAuth === 'client_secret_post') {
        form.set('client_id', clientId);
        form.set('client_secret', settings.clientSecret);
      } else {
        headers.authorization = `Basic ${Buffer.from(`${formEncoded(clientId)}:${formEncoded(settings.clientSecret)}`).toString('base64')}`;
      }
      const { status, body } = await fetchJson(tokenEndpoint, { method: 'POST', headers, body: form });
      // OAuth answers every code it will not redeem (none such, redeemed already, expired, issued to another
      // client or redirect URI) with the same invalid_grant (RFC 6749 §5.2): used and expired cannot be told from unknown.
      if (status === 400 && body.error === 'invalid_grant') return { refused: 'unknown' };
      if (status !== 200 || typeof body.id_token !== 'string') return fail(`the token endpoint answered ${status}${typeof body.error === 'string' ? ` ${body.error}` : ' without an id_token'}`);
      const jws = parseJws(body.id_token);
      let keys = await signingKeys(false);
      // A kid not seen yet is a rotated key: the JWKS is fetched again once before the token is refused.
      if (typeof jws.header.kid === 'string' && !keys.has(jws.header.kid)) keys = await signingKeys(true);
      const claims = verifyIdToken(jws, keys, { issuer, clientId, now: new Date() });
      return { verified: identityOf(claims, settings.claims, provider) };
    },
  };
}
