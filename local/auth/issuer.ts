/**
 * The local stand-in for the Cognito user pool: an RS256 key pair kept in
 * <dataDir>/issuer-key.json, a JWKS, and ID tokens minted for the demo users
 * (kept in <dataDir>/users.json so a later org API can change them) with the
 * claims Cognito puts in an ID token.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { demoUsers } from '../seed/center.ts';

export interface LocalUser {
  readonly username: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly centerId: string;
  readonly departmentId?: string;
  /** Stable per username, like a Cognito sub. */
  readonly sub: string;
}

export interface Jwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** A UUID-shaped value derived from the username, so the same user keeps the same sub across resets. */
export function stableSub(username: string): string {
  const h = createHash('sha256').update(`onestop-local:${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export class LocalIssuer {
  private readonly key: KeyObject;
  readonly jwk: Jwk;
  private users: LocalUser[] = [];
  private usersMtime = 0;
  private readonly usersFile: string;

  constructor(
    private readonly dataDir: string,
    /** `http://localhost:<port>/local`: the `iss` of every token and the JWKS base. */
    readonly issuerUrl: string,
    /** The app client id, i.e. the JWT authorizer's audience. */
    readonly clientId: string,
  ) {
    mkdirSync(dataDir, { recursive: true });
    const keyFile = path.join(dataDir, 'issuer-key.json');
    if (!existsSync(keyFile)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(keyFile, JSON.stringify({ kid: randomUUID(), privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) }), { mode: 0o600 });
    }
    const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { kid: string; privateKeyPem: string };
    this.key = createPrivateKey(stored.privateKeyPem);
    const pub = this.key.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
    this.jwk = { kty: pub.kty, n: pub.n, e: pub.e, kid: stored.kid, alg: 'RS256', use: 'sig' };

    this.usersFile = path.join(dataDir, 'users.json');
    if (!existsSync(this.usersFile)) {
      const seeded = demoUsers.map((u) => ({ ...u, sub: stableSub(u.username) }));
      writeFileSync(this.usersFile, JSON.stringify(seeded, null, 2));
    }
    this.fresh();
  }

  /** users.json may be changed while running (by hand, or later by an org API): re-read it when it changed. */
  private fresh(): LocalUser[] {
    const mtime = statSync(this.usersFile).mtimeMs;
    if (mtime !== this.usersMtime) {
      this.users = JSON.parse(readFileSync(this.usersFile, 'utf8')) as LocalUser[];
      this.usersMtime = mtime;
    }
    return this.users;
  }

  get jwksUrl(): string {
    return `${this.issuerUrl}/.well-known/jwks.json`;
  }

  jwks(): { keys: Jwk[] } {
    return { keys: [this.jwk] };
  }

  listUsers(): readonly LocalUser[] {
    return this.fresh();
  }

  /** An ID token for `username`, valid one hour; throws for an unknown user. */
  mint(username: string, overrides: Record<string, unknown> = {}): string {
    const user = this.fresh().find((u) => u.username === username);
    if (!user) throw new UnknownUserError(username);
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sub: user.sub,
      'cognito:groups': [...user.roles],
      iss: this.issuerUrl,
      'cognito:username': user.username,
      origin_jti: randomUUID(),
      aud: this.clientId,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: now,
      name: user.name,
      'custom:centerId': user.centerId,
      ...(user.departmentId ? { 'custom:departmentId': user.departmentId } : {}),
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      ...overrides,
    };
    return signJwt(claims, this.key, this.jwk.kid);
  }
}

export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
  constructor(readonly username: string) {
    super(`unknown user ${username}`);
  }
}

/** RS256 compact JWS. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url(JSON.stringify({ kid, alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}
