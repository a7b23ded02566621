/**
 * The local stand-in for the Cognito user pool: an RS256 key pair kept in
 * <dataDir>/issuer-key.json, a JWKS, and ID tokens minted for the demo users
 * (kept in <dataDir>/users.json so a later org API can change them) with the
 * claims Cognito puts in an ID token. The Cognito emulator (local/cognito/)
 * changes the same users through the issuer, so a token minted after a change
 * carries it.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync, mkdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { demoUsers } from '../seed/center.ts';

export interface LocalUser {
  readonly username: string;
  readonly name: string;
  readonly roles: readonly string[];
  readonly centerId: string;
  readonly departmentId?: string;
  /** A person of several departments (`custom:departmentIds`), the primary (`departmentId`) first. */
  readonly departmentIds?: readonly string[];
  /** Stable per username, like a Cognito sub. */
  readonly sub: string;
  /** The `email` attribute, when the user has one. */
  readonly email?: string;
  /** Other standard attributes (phone_number, email_verified, ...), as Cognito stores them: strings. */
  readonly attributes?: Readonly<Record<string, string>>;
  /** AdminDisableUser sets false; absent = enabled. A disabled user gets no token. */
  readonly enabled?: boolean;
  /** Cognito's UserStatus; absent = CONFIRMED (the seeded users). AdminCreateUser makes FORCE_CHANGE_PASSWORD. */
  readonly status?: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  /** ISO times; absent for the seeded users. */
  readonly createdAt?: string;
  readonly updatedAt?: string;
  /** The last AdminUserGlobalSignOut. */
  readonly signedOutAt?: string;
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
  /** inode, mtime and size of users.json as last read or written: a rename-based write always changes the inode. */
  private usersStamp = '';
  private readonly usersFile: string;

  constructor(
    dataDir: string,
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

  /**
   * users.json may be changed while running by hand: re-read it when it changed. The issuer's own
   * writes (saveUsers) keep the in-memory copy authoritative and record the stamp of the file they
   * wrote, so two writes in the same millisecond are never lost.
   */
  private fresh(): LocalUser[] {
    const stamp = fileStamp(statSync(this.usersFile));
    if (stamp !== this.usersStamp) {
      this.users = JSON.parse(readFileSync(this.usersFile, 'utf8')) as LocalUser[];
      this.usersStamp = stamp;
    }
    return this.users;
  }

  /** Write-through: memory first, then users.json atomically (temp file + rename). */
  private saveUsers(users: LocalUser[]): void {
    const tmp = `${this.usersFile}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify(users, null, 2));
    renameSync(tmp, this.usersFile);
    this.users = users;
    this.usersStamp = fileStamp(statSync(this.usersFile));
  }

  getUser(username: string): LocalUser | undefined {
    return this.fresh().find((u) => u.username === username);
  }

  /** Adds a user; throws UserExistsError when the username is taken. */
  createUser(user: LocalUser): LocalUser {
    const users = this.fresh();
    if (users.some((u) => u.username === user.username)) throw new UserExistsError(user.username);
    this.saveUsers([...users, user]);
    return user;
  }

  /** Replaces a user with `change(user)`; throws UnknownUserError. The username and sub never change. */
  updateUser(username: string, change: (user: LocalUser) => LocalUser): LocalUser {
    const users = this.fresh();
    const i = users.findIndex((u) => u.username === username);
    if (i < 0) throw new UnknownUserError(username);
    const next = { ...change(users[i]!), username, sub: users[i]!.sub, updatedAt: new Date().toISOString() };
    this.saveUsers(users.map((u, j) => (j === i ? next : u)));
    return next;
  }

  /** Removes a user; throws UnknownUserError. */
  deleteUser(username: string): void {
    const users = this.fresh();
    if (!users.some((u) => u.username === username)) throw new UnknownUserError(username);
    this.saveUsers(users.filter((u) => u.username !== username));
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
    // Cognito refuses to sign in a disabled user (NotAuthorizedException "User is disabled.").
    if (user.enabled === false) throw new DisabledUserError(username);
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
      ...Object.fromEntries(Object.entries(user.attributes ?? {}).map(([k, v]) => [k, k.endsWith('_verified') ? v === 'true' : v])),
      ...(user.email ? { email: user.email } : {}),
      // A user created without them (Cognito requires neither) has no such claim.
      ...(user.name ? { name: user.name } : {}),
      ...(user.centerId ? { 'custom:centerId': user.centerId } : {}),
      ...(user.departmentId ? { 'custom:departmentId': user.departmentId } : {}),
      ...(user.departmentIds ? { 'custom:departmentIds': user.departmentIds.join(',') } : {}),
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      ...overrides,
    };
    return signJwt(claims, this.key, this.jwk.kid);
  }

  /**
   * An access token of the client-credentials grant, as Cognito issues one to
   * a system's app client: no person, no center, only the client and its scopes.
   */
  mintServiceToken(clientId: string, scopes: readonly string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: clientId, token_use: 'access', scope: scopes.join(' '), auth_time: now, iss: this.issuerUrl, exp: now + 3600, iat: now, version: 2, jti: randomUUID(), client_id: clientId };
    return signJwt(claims, this.key, this.jwk.kid);
  }
}

/** A service client's secret in the local cloud: derived from its id, so tests and `npm start`'s users know it (Cognito generates a real one). */
export const localClientSecret = (clientId: string) => createHash('sha256').update(`onestop-local-client:${clientId}`).digest('hex').slice(0, 40);

export class UnknownUserError extends Error {
  override name = 'UnknownUserError';
  constructor(readonly username: string) {
    super(`unknown user ${username}`);
  }
}

/** A disabled user (LocalUser.enabled === false): no token, as Cognito signs no disabled user in. */
export class DisabledUserError extends Error {
  override name = 'DisabledUserError';
  constructor(readonly username: string) {
    super('User is disabled.');
  }
}

export class UserExistsError extends Error {
  override name = 'UserExistsError';
  constructor(readonly username: string) {
    super(`user ${username} already exists`);
  }
}

const fileStamp = (st: Stats) => `${st.ino}:${st.mtimeMs}:${st.size}`;

/** RS256 compact JWS. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64url(JSON.stringify({ kid, alg: 'RS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}
