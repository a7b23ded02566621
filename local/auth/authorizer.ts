/**
 * The HTTP API JWT authorizer, emulated: the token comes from the authorizer's
 * identity source (normally the Authorization header, "Bearer " optional as in
 * API Gateway), is verified with aws-jwt-verify against the local issuer, its
 * `aud` — or, absent, its `client_id` (a Cognito access token's), as API
 * Gateway does — must be one the template gives the authorizer, and its claims are handed to
 * the function the way API Gateway does: every value a string, arrays as
 * "[a b]", numbers as "1700000000".
 */
import { JwtVerifier } from 'aws-jwt-verify';
import type { JwtAuthorizerModel } from '../template-api.ts';
import type { LocalIssuer } from './issuer.ts';

const MAX_VERIFIED = 10_000;

export type AuthResult =
  | { ok: true; claims: Record<string, string>; scopes: string[] | null }
  | { ok: false; status: 401 | 403; message: 'Unauthorized' | 'Forbidden'; reason: string };

/** API Gateway's rendering of a claim value in `requestContext.authorizer.jwt.claims`. */
export function apiGatewayClaim(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')}]`;
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export class LocalAuthorizer {
  private readonly verifiers = new Map<string, { verify(token: string): Promise<Record<string, unknown>> }>();
  /**
   * Payloads of tokens verified, by authorizer and token, kept until the token's `exp`: clients send one token
   * on every call, and checking its RS256 signature each time was a twentieth of the emulator's CPU under the tests.
   */
  private readonly verified = new Map<string, Record<string, unknown>>();

  constructor(private readonly issuer: LocalIssuer) {}

  private verifierFor(auth: JwtAuthorizerModel) {
    let v = this.verifiers.get(auth.logicalId);
    if (!v) {
      const verifier = JwtVerifier.create({
        issuer: this.issuer.issuerUrl,
        audience: null,
        jwksUri: this.issuer.jwksUrl,
      });
      // Its built-in fetcher is https-only: hand it the JWKS directly.
      verifier.cacheJwks(this.issuer.jwks() as unknown as Parameters<typeof verifier.cacheJwks>[0]);
      v = { verify: async (token: string) => (await verifier.verify(token)) as Record<string, unknown> };
      this.verifiers.set(auth.logicalId, v);
    }
    return v;
  }

  /** `headers` lower-cased; `scopes` the route's AuthorizationScopes. */
  async authorize(auth: JwtAuthorizerModel, headers: Record<string, string | undefined>, routeScopes: string[]): Promise<AuthResult> {
    const source = auth.identitySource[0] ?? '$request.header.Authorization';
    const header = /^\$request\.header\.(.+)$/.exec(source)?.[1]?.toLowerCase();
    if (!header) return { ok: false, status: 401, message: 'Unauthorized', reason: `identity source ${source} is not supported locally` };
    const raw = headers[header]?.trim();
    if (!raw) return { ok: false, status: 401, message: 'Unauthorized', reason: 'no token' };
    const token = raw.replace(/^bearer\s+/i, '');
    const cacheKey = `${auth.logicalId} ${token}`;
    let payload = this.verified.get(cacheKey);
    if (payload && !(typeof payload.exp === 'number' && payload.exp * 1000 > Date.now())) {
      this.verified.delete(cacheKey);
      payload = undefined;
    }
    if (!payload) {
      try {
        payload = await this.verifierFor(auth).verify(token);
      } catch (err) {
        return { ok: false, status: 401, message: 'Unauthorized', reason: (err as Error).message };
      }
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      if (typeof payload.exp === 'number') this.verified.set(cacheKey, payload);
    }
    const audience = payload.aud ?? payload.client_id;
    if (auth.audience.length && !(Array.isArray(audience) ? audience : [audience]).some((a) => auth.audience.includes(String(a)))) {
      return { ok: false, status: 401, message: 'Unauthorized', reason: `audience ${String(audience)} is not the authorizer's` };
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
    if (routeScopes.length && !routeScopes.some((s) => scopes?.includes(s))) {
      return { ok: false, status: 403, message: 'Forbidden', reason: `token lacks scopes ${routeScopes.join(' ')}` };
    }
    const claims: Record<string, string> = {};
    for (const [k, v] of Object.entries(payload)) claims[k] = apiGatewayClaim(v);
    return { ok: true, claims, scopes };
  }
}
