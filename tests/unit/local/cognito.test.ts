/**
 * The Cognito Identity Provider emulator driven by the real SDK client, through
 * the local API server as the local cloud wires it (<apiUrl>/local/cognito), over
 * the issuer's users in a temp dataDir.
 */
import { LocalClock } from '../../../local/lambda/clock.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { startApiServer, type ApiServer } from '../../../local/api/server.ts';
import { LocalAuthorizer } from '../../../local/auth/authorizer.ts';
import { DisabledUserError, LocalIssuer, stableSub, type LocalUser } from '../../../local/auth/issuer.ts';
import { localEndpoints } from '../../../local/local-endpoints.ts';
import { SmsSink } from '../../../local/sns/sms-sink.ts';
import { emulatorEnv } from '../../../local/lambda/runtime.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-cognito-'));
let api: ApiServer;
let issuer: LocalIssuer;
let apiUrl: string;
let client: CognitoIdentityProviderClient;
/** Paths the SDK posted to. */
const paths: string[] = [];
const UserPoolId = 'us-east-1_local';
const Username = 'new.clerk';

const attr = (attrs: AttributeType[] | undefined, name: string) => attrs?.find((a) => a.Name === name)?.Value;
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
const token = (username: string) =>
  fetch(`${apiUrl}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) });
const errorOf = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected an error'); }, (err: unknown) => err as Error & { $metadata?: { httpStatusCode?: number } });

beforeAll(async () => {
  api = await startApiServer(0, '127.0.0.1');
  apiUrl = `http://localhost:${api.port}`;
  api.server.prependListener('request', (req) => { if (req.url?.startsWith('/local/cognito')) paths.push(req.url); });
  issuer = new LocalIssuer(dataDir, `${apiUrl}/local`, 'local-client');
  const endpoints = localEndpoints({ issuer, sms: new SmsSink(), faults: () => {}, dlq: { list: async () => [], redrive: async () => ({ redriven: 0, failed: 0 }), remove: async () => 0 }, stats: () => ({}), clock: new LocalClock() });
  api.attach({ authorizer: new LocalAuthorizer(issuer), invoke: () => Promise.reject(new Error('no functions')), log: () => {}, local: endpoints });
  client = new CognitoIdentityProviderClient({ endpoint: `${apiUrl}/local/cognito`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

afterAll(async () => {
  client?.destroy();
  await api?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Cognito Identity Provider emulator', () => {
  it('creates a user with its attributes, sub and FORCE_CHANGE_PASSWORD', async () => {
    const out = await client.send(new AdminCreateUserCommand({
      UserPoolId, Username, MessageAction: 'SUPPRESS', DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'name', Value: '新办事员' },
        { Name: 'email', Value: 'new.clerk@example.org' },
        { Name: 'custom:centerId', Value: 'center-1' },
        { Name: 'custom:departmentId', Value: 'amr' },
      ],
    }));
    expect(out.User).toMatchObject({ Username, Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(out.User?.UserCreateDate).toBeInstanceOf(Date);
    expect(Math.abs(out.User!.UserCreateDate!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(attr(out.User?.Attributes, 'sub')).toBe(stableSub(Username));
    expect(attr(out.User?.Attributes, 'custom:departmentId')).toBe('amr');
    // The SDK posts to the endpoint's path with a trailing slash (the emulator also takes it without).
    expect(paths).toContain('/local/cognito/');

    const stored = issuer.getUser(Username);
    expect(stored).toMatchObject({ username: Username, name: '新办事员', email: 'new.clerk@example.org', centerId: 'center-1', departmentId: 'amr', roles: [], sub: stableSub(Username) });
    // Written through to users.json.
    const onDisk = JSON.parse(readFileSync(path.join(dataDir, 'users.json'), 'utf8')) as LocalUser[];
    expect(onDisk.find((u) => u.username === Username)?.centerId).toBe('center-1');
  });

  it('gets the user', async () => {
    const out = await client.send(new AdminGetUserCommand({ UserPoolId, Username }));
    expect(out).toMatchObject({ Username, Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    expect(Object.fromEntries((out.UserAttributes ?? []).map((a) => [a.Name, a.Value]))).toEqual({
      sub: stableSub(Username), name: '新办事员', email: 'new.clerk@example.org', 'custom:centerId': 'center-1', 'custom:departmentId': 'amr',
    });
    // A seeded demo user is CONFIRMED.
    expect(await client.send(new AdminGetUserCommand({ UserPoolId, Username: 'clerk.amr' }))).toMatchObject({ Username: 'clerk.amr', UserStatus: 'CONFIRMED', Enabled: true });
  });

  it('maps groups to roles', async () => {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: 'clerk' }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: 'approver' }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: 'clerk' })); // idempotent
    let groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['clerk', 'approver']);
    await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName: 'clerk' }));
    groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['approver']);
    expect(issuer.getUser(Username)?.roles).toEqual(['approver']);
    expect(decode(issuer.mint(Username))['cognito:groups']).toEqual(['approver']);

    const err = await errorOf(client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: 'no_such_role' })));
    expect(err.name).toBe('ResourceNotFoundException');
  });

  it('updates and deletes attributes; the next token carries them', async () => {
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'name', Value: '改名' }, { Name: 'custom:departmentId', Value: 'housing' }] }));
    expect(issuer.getUser(Username)).toMatchObject({ name: '改名', departmentId: 'housing' });
    expect(decode(issuer.mint(Username))).toMatchObject({ name: '改名', 'custom:departmentId': 'housing', 'custom:centerId': 'center-1', email: 'new.clerk@example.org' });

    // An empty value removes custom:departmentId.
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'custom:departmentId', Value: '' }] }));
    expect(issuer.getUser(Username)?.departmentId).toBeUndefined();
    expect(decode(issuer.mint(Username))['custom:departmentId']).toBeUndefined();

    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'custom:departmentId', Value: 'health' }, { Name: 'phone_number', Value: '+8613800000000' }] }));
    expect(issuer.getUser(Username)).toMatchObject({ departmentId: 'health', attributes: { phone_number: '+8613800000000' } });
    await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['custom:departmentId', 'phone_number'] }));
    const user = issuer.getUser(Username)!;
    expect(user.departmentId).toBeUndefined();
    expect(user.attributes).toBeUndefined();
    const got = await client.send(new AdminGetUserCommand({ UserPoolId, Username }));
    expect(attr(got.UserAttributes, 'custom:departmentId')).toBeUndefined();

    // A person of several departments (综合窗口): the list travels comma-separated, and goes away like any attribute.
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'custom:departmentId', Value: 'amr' }, { Name: 'custom:departmentIds', Value: 'amr,housing' }] }));
    expect(issuer.getUser(Username)).toMatchObject({ departmentId: 'amr', departmentIds: ['amr', 'housing'] });
    expect(decode(issuer.mint(Username))).toMatchObject({ 'custom:departmentId': 'amr', 'custom:departmentIds': 'amr,housing' });
    expect(attr((await client.send(new AdminGetUserCommand({ UserPoolId, Username }))).UserAttributes, 'custom:departmentIds')).toBe('amr,housing');
    await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['custom:departmentIds'] }));
    expect(issuer.getUser(Username)?.departmentIds).toBeUndefined();
    expect(decode(issuer.mint(Username))['custom:departmentIds']).toBeUndefined();
    const tooLong = await errorOf(client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'custom:departmentId', Value: 'x'.repeat(65) }] })));
    expect(tooLong.name).toBe('InvalidParameterException');

    for (const bad of [{ Name: 'custom:nope', Value: 'x' }, { Name: 'sub', Value: 'x' }]) {
      const err = await errorOf(client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [bad] })));
      expect(err.name).toBe('InvalidParameterException');
    }
  });

  it('a disabled user gets no token until enabled again', async () => {
    expect((await token(Username)).status).toBe(200);
    await client.send(new AdminDisableUserCommand({ UserPoolId, Username }));
    await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username }));
    expect(issuer.getUser(Username)).toMatchObject({ enabled: false });
    expect(issuer.getUser(Username)?.signedOutAt).toEqual(expect.any(String));
    expect((await client.send(new AdminGetUserCommand({ UserPoolId, Username }))).Enabled).toBe(false);

    expect(() => issuer.mint(Username)).toThrow(DisabledUserError);
    const refused = await token(Username);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: 'User is disabled.' });

    await client.send(new AdminEnableUserCommand({ UserPoolId, Username }));
    expect(issuer.getUser(Username)?.enabled).toBeUndefined();
    expect(decode(issuer.mint(Username)).sub).toBe(stableSub(Username));
    const ok = await token(Username);
    expect(ok.status).toBe(200);
    expect(decode(((await ok.json()) as { token: string }).token)['cognito:username']).toBe(Username);
    // Unknown users keep the old answer.
    expect((await token('nobody')).status).toBe(400);
  });

  it('answers typed exceptions', async () => {
    const exists = await errorOf(client.send(new AdminCreateUserCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'custom:centerId', Value: 'c' }] })));
    expect(exists.name).toBe('UsernameExistsException');
    expect(exists.$metadata?.httpStatusCode).toBe(400);
    for (const cmd of [
      new AdminGetUserCommand({ UserPoolId, Username: 'ghost' }),
      new AdminDisableUserCommand({ UserPoolId, Username: 'ghost' }),
      new AdminAddUserToGroupCommand({ UserPoolId, Username: 'ghost', GroupName: 'clerk' }),
      new AdminUpdateUserAttributesCommand({ UserPoolId, Username: 'ghost', UserAttributes: [{ Name: 'name', Value: 'x' }] }),
    ]) {
      const err = await errorOf(client.send(cmd as AdminGetUserCommand));
      expect(err.name).toBe('UserNotFoundException');
      expect(err.message).toBe('User does not exist.');
    }
    // RESEND needs an existing user.
    expect((await errorOf(client.send(new AdminCreateUserCommand({ UserPoolId, Username: 'ghost', MessageAction: 'RESEND' })))).name).toBe('UserNotFoundException');
  });

  it('refuses an operation it does not implement with InvalidParameterException', async () => {
    const err = await errorOf(client.send(new ListUsersCommand({ UserPoolId })));
    expect(err.name).toBe('InvalidParameterException');
    expect(err.message).toMatch(/ListUsers is not supported/);
    const raw = await fetch(`${apiUrl}/local/cognito/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.Nope' }, body: '{}' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('InvalidParameterException');
    expect(await raw.json()).toMatchObject({ __type: 'InvalidParameterException' });
  });

  it('sees hand edits of users.json and keeps writes made in the same millisecond', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `burst.${i}`);
    await Promise.all(names.map((u) => client.send(new AdminCreateUserCommand({ UserPoolId, Username: u, UserAttributes: [{ Name: 'custom:centerId', Value: 'c' }] }))));
    for (const u of names) issuer.updateUser(u, (x) => ({ ...x, roles: ['clerk'] }));
    // A second issuer on the same dataDir (as a restart would) reads everything back from disk.
    const other = new LocalIssuer(dataDir, `${apiUrl}/local`, 'local-client');
    for (const u of names) expect(other.getUser(u)?.roles).toEqual(['clerk']);
    // ... and the first sees the second's writes (atomic rename: a new file every time).
    other.updateUser('burst.0', (x) => ({ ...x, name: 'from other' }));
    expect(issuer.getUser('burst.0')?.name).toBe('from other');
  });

  it('gives every function the endpoint in AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, which a bare client follows', async () => {
    const env = emulatorEnv({ dynamodb: 'd', s3: 's', events: 'e', ses: 'm', cognito: `${apiUrl}/local/cognito` });
    expect(env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).toBe(`${apiUrl}/local/cognito`);
    // As the org function builds it: `new CognitoIdentityProviderClient({})`, everything from the environment.
    const keys = ['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    for (const k of keys) process.env[k] = env[k];
    const bare = new CognitoIdentityProviderClient({});
    try {
      expect((await bare.send(new AdminGetUserCommand({ UserPoolId, Username: 'clerk.amr' }))).Username).toBe('clerk.amr');
    } finally {
      bare.destroy();
      for (const k of keys) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  });
});
