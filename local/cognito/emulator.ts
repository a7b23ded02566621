/**
 * The Cognito Identity Provider API (AWS JSON 1.1) over the local issuer's users,
 * served at <apiUrl>/local/cognito: the functions reach it through
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER with the real SDK client, so the org
 * API has no local-only branch. Only the admin operations the functions use are
 * here; any UserPoolId is accepted. Groups are the roles (LocalUser.roles).
 *
 * Request: POST, `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`, JSON body.
 * Error: HTTP 400, `{ "__type": "<Exception>", "message": "..." }` and the
 * `x-amzn-errortype` header (SDK v3 reads either).
 */
import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../api/payload.ts';
import { stableSub, UnknownUserError, UserExistsError, type LocalIssuer, type LocalUser } from '../auth/issuer.ts';
import { userRoles } from '../../schemas/api/common.ts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Custom attributes of the pool (infra/stacks/identity.ts): mutable strings, with their maximum lengths. */
const CUSTOM_ATTRIBUTES: Readonly<Record<string, number>> = { 'custom:centerId': 64, 'custom:departmentId': 64, 'custom:departmentIds': 2048 };
const STANDARD_ATTRIBUTES = new Set([
  'address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name',
  'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo',
]);

export class CognitoError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
    this.name = type;
  }
}

interface AttributeType {
  Name: string;
  Value?: string;
}

type Input = Record<string, unknown>;

const result = (status: number, body: unknown, headers: [string, string][] = []): HttpResult => ({
  status,
  headers: [['content-type', CONTENT_TYPE], ['x-amzn-requestid', randomUUID()], ...headers],
  body: Buffer.from(JSON.stringify(body)),
});

const errorResult = (err: CognitoError): HttpResult =>
  result(err.status, { __type: err.type, message: err.message }, [['x-amzn-errortype', err.type]]);

const invalid = (message: string) => new CognitoError('InvalidParameterException', message);

function str(input: Input, key: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v === '') throw invalid(`1 validation error detected: Value at '${key[0]!.toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

function attributeList(input: Input, key: string, required: boolean): AttributeType[] {
  const v = input[key];
  if (v === undefined && !required) return [];
  if (!Array.isArray(v) || !v.every((a) => typeof a === 'object' && a !== null && typeof (a as AttributeType).Name === 'string' && ((a as AttributeType).Value === undefined || typeof (a as AttributeType).Value === 'string'))) {
    throw invalid(`${key} must be a list of {Name, Value}`);
  }
  return v as AttributeType[];
}

function checkName(name: string): void {
  if (name === 'sub') throw invalid('Cannot modify the non-mutable attribute sub');
  if (name.startsWith('custom:') ? !Object.hasOwn(CUSTOM_ATTRIBUTES, name) : !STANDARD_ATTRIBUTES.has(name)) {
    throw invalid(`Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`);
  }
}

/** Applies attributes to a user; an empty value removes the attribute (name and centerId become ''). */
function applyAttributes(user: LocalUser, attrs: readonly AttributeType[]): LocalUser {
  let next: LocalUser = user;
  const other: Record<string, string> = { ...(user.attributes ?? {}) };
  for (const { Name, Value = '' } of attrs) {
    checkName(Name);
    const maxLength = CUSTOM_ATTRIBUTES[Name];
    if (maxLength !== undefined && Value.length > maxLength) throw invalid(`${Name}: String must be no longer than ${maxLength} characters`);
    switch (Name) {
      case 'name':
        next = { ...next, name: Value };
        break;
      case 'email': {
        const { email: _drop, ...rest } = next;
        next = Value ? { ...rest, email: Value } : rest;
        break;
      }
      case 'custom:centerId':
        next = { ...next, centerId: Value };
        break;
      case 'custom:departmentId': {
        const { departmentId: _drop, ...rest } = next;
        next = Value ? { ...rest, departmentId: Value } : rest;
        break;
      }
      case 'custom:departmentIds': {
        const { departmentIds: _drop, ...rest } = next;
        next = Value ? { ...rest, departmentIds: Value.split(',') } : rest;
        break;
      }
      default:
        if (Value) other[Name] = Value;
        else delete other[Name];
    }
  }
  const { attributes: _drop, ...rest } = next;
  return Object.keys(other).length ? { ...rest, attributes: other } : rest;
}

function removeAttributes(user: LocalUser, names: readonly string[]): LocalUser {
  return applyAttributes(user, names.map((Name) => ({ Name, Value: '' })));
}

/** The user's attributes as Cognito lists them. */
export function userAttributes(user: LocalUser): AttributeType[] {
  const out: AttributeType[] = [{ Name: 'sub', Value: user.sub }];
  if (user.name) out.push({ Name: 'name', Value: user.name });
  if (user.email) out.push({ Name: 'email', Value: user.email });
  for (const [Name, Value] of Object.entries(user.attributes ?? {})) out.push({ Name, Value });
  if (user.centerId) out.push({ Name: 'custom:centerId', Value: user.centerId });
  if (user.departmentId) out.push({ Name: 'custom:departmentId', Value: user.departmentId });
  if (user.departmentIds) out.push({ Name: 'custom:departmentIds', Value: user.departmentIds.join(',') });
  return out;
}

const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : 0);

function describe(user: LocalUser) {
  return {
    Username: user.username,
    Enabled: user.enabled !== false,
    UserStatus: user.status ?? 'CONFIRMED',
    UserCreateDate: epoch(user.createdAt),
    UserLastModifiedDate: epoch(user.updatedAt ?? user.createdAt),
  };
}

function existing(issuer: LocalIssuer, username: string): LocalUser {
  const user = issuer.getUser(username);
  if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
  return user;
}

/** Like existing(), for updateUser: its UnknownUserError becomes UserNotFoundException. */
function update(issuer: LocalIssuer, username: string, change: (u: LocalUser) => LocalUser): LocalUser {
  try {
    return issuer.updateUser(username, change);
  } catch (err) {
    if (err instanceof UnknownUserError) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    throw err;
  }
}

function group(input: Input): string {
  const name = str(input, 'GroupName');
  if (!(userRoles as readonly string[]).includes(name)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
  return name;
}

type Operation = (issuer: LocalIssuer, input: Input) => unknown;

const operations: Record<string, Operation> = {
  AdminCreateUser(issuer, input) {
    const username = str(input, 'Username');
    const attrs = attributeList(input, 'UserAttributes', false);
    const action = input.MessageAction;
    if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') throw invalid(`MessageAction must be SUPPRESS or RESEND, not ${String(action)}`);
    if (action === 'RESEND') {
      // Resends the invitation of an existing user (locally: nothing is sent).
      const user = existing(issuer, username);
      return { User: { ...describe(user), Attributes: userAttributes(user) } };
    }
    const now = new Date().toISOString();
    const blank: LocalUser = { username, name: '', roles: [], centerId: '', sub: stableSub(username), status: 'FORCE_CHANGE_PASSWORD', createdAt: now, updatedAt: now };
    const user = applyAttributes(blank, attrs.filter((a) => a.Value !== ''));
    try {
      issuer.createUser(user);
    } catch (err) {
      if (err instanceof UserExistsError) throw new CognitoError('UsernameExistsException', 'User account already exists');
      throw err;
    }
    return { User: { ...describe(user), Attributes: userAttributes(user) } };
  },

  AdminGetUser(issuer, input) {
    const user = existing(issuer, str(input, 'Username'));
    return { ...describe(user), UserAttributes: userAttributes(user), UserMFASettingList: [] };
  },

  AdminUpdateUserAttributes(issuer, input) {
    const username = str(input, 'Username');
    const attrs = attributeList(input, 'UserAttributes', true);
    update(issuer, username, (u) => applyAttributes(u, attrs));
    return {};
  },

  AdminDeleteUserAttributes(issuer, input) {
    const username = str(input, 'Username');
    const names = input.UserAttributeNames;
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw invalid('UserAttributeNames must be a list of attribute names');
    update(issuer, username, (u) => removeAttributes(u, names as string[]));
    return {};
  },

  AdminAddUserToGroup(issuer, input) {
    const username = str(input, 'Username');
    const name = group(input);
    update(issuer, username, (u) => (u.roles.includes(name) ? u : { ...u, roles: [...u.roles, name] }));
    return {};
  },

  AdminRemoveUserFromGroup(issuer, input) {
    const username = str(input, 'Username');
    const name = group(input);
    update(issuer, username, (u) => ({ ...u, roles: u.roles.filter((r) => r !== name) }));
    return {};
  },

  AdminListGroupsForUser(issuer, input) {
    const user = existing(issuer, str(input, 'Username'));
    const pool = typeof input.UserPoolId === 'string' ? input.UserPoolId : undefined;
    return { Groups: user.roles.map((GroupName) => ({ GroupName, UserPoolId: pool, Description: `OneStop role ${GroupName}` })) };
  },

  AdminDisableUser(issuer, input) {
    update(issuer, str(input, 'Username'), (u) => ({ ...u, enabled: false }));
    return {};
  },

  AdminEnableUser(issuer, input) {
    // Absent = enabled: drop the field rather than writing `true`.
    update(issuer, str(input, 'Username'), ({ enabled: _drop, ...u }) => u);
    return {};
  },

  AdminUserGlobalSignOut(issuer, input) {
    // Cognito revokes refresh and access tokens; ID tokens (what the local authorizer checks) stay valid until they expire.
    update(issuer, str(input, 'Username'), (u) => ({ ...u, signedOutAt: new Date().toISOString() }));
    return {};
  },

  AdminDeleteUser(issuer, input) {
    const username = str(input, 'Username');
    existing(issuer, username);
    issuer.deleteUser(username);
    return {};
  },
};

export const cognitoOperations: readonly string[] = Object.keys(operations);

/** Answers one AWS JSON 1.1 request to the emulator; `target` is the X-Amz-Target header. */
export function handleCognito(issuer: LocalIssuer, method: string, target: string | undefined, body: Buffer): HttpResult {
  try {
    if (method !== 'POST') throw invalid(`the Cognito emulator takes POST requests, not ${method}`);
    if (!target?.startsWith(TARGET_PREFIX)) throw invalid(`X-Amz-Target must be ${TARGET_PREFIX}<Operation>; got ${target ?? 'none'}`);
    const name = target.slice(TARGET_PREFIX.length);
    const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!op) throw invalid(`operation ${name} is not supported by the local Cognito emulator; supported: ${cognitoOperations.join(', ')}`);
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new CognitoError('SerializationException', 'the request body is not JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new CognitoError('SerializationException', 'the request body must be a JSON object');
    return result(200, op(issuer, input as Input));
  } catch (err) {
    if (err instanceof CognitoError) return errorResult(err);
    return errorResult(new CognitoError('InternalErrorException', (err as Error).message, 500));
  }
}
