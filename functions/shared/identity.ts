/**
 * Accounts in the user pool (staff, made by the org domain; applicants, made by
 * their own registration) (Cognito in AWS; the local cloud serves the
 * same API through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER). Groups are
 * roles; `custom:centerId` and `custom:departmentId` scope every token, and
 * `custom:departmentIds` (comma-separated) names every department of a person
 * authorized for several (shared/auth.ts reads them).
 * Each call is safe to repeat, so a retried request converges.
 */
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
} from '@aws-sdk/client-cognito-identity-provider';
import type { AccountStatus } from './accounts.ts';
import { requiredEnv } from './db.ts';
import { msg } from '#schemas/api/problems';
import { alreadyExists, validationFailed } from './errors.ts';

const cognito = new CognitoIdentityProviderClient({});
const pool = () => requiredEnv('USER_POOL_ID');

export interface Account {
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly centerId: string;
  readonly departmentId?: string;
  /** Set only for a person of several departments, the primary (`departmentId`) first. */
  readonly departmentIds?: readonly string[];
  readonly roles: readonly string[];
}

/** An existing account's scope: its center and roles (groups); `undefined` when there is none. */
export async function findAccount(username: string): Promise<{ centerId: string; roles: string[] } | undefined> {
  let user;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool(), Username: username }));
  } catch (err) {
    if ((err as { name?: string }).name === 'UserNotFoundException') return undefined;
    throw err;
  }
  const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: pool(), Username: username }));
  return {
    centerId: user.UserAttributes?.find((a) => a.Name === 'custom:centerId')?.Value ?? '',
    roles: (groups.Groups ?? []).map((g) => g.GroupName!),
  };
}

/** The pool's refusals that are the caller's to fix, as 4xx; anything else stays a 500. */
function asClientError(err: unknown): unknown {
  const name = (err as { name?: string }).name;
  if (name === 'AliasExistsException') return alreadyExists(msg('此电子邮箱已属于另一个账号。', 'This email address belongs to another account.'));
  if (name === 'InvalidParameterException') {
    const why = (err as Error).message;
    return validationFailed([{ path: '/body', code: 'rejected_by_user_pool', message: msg(`账号服务拒绝：${why}`, why) }]);
  }
  return err;
}

/** Creates the account or brings an existing one in line; returns its `sub`. */
export async function upsertAccount(account: Account): Promise<string> {
  const Username = account.username;
  const attributes = [
    { Name: 'name', Value: account.name },
    { Name: 'email', Value: account.email },
    { Name: 'custom:centerId', Value: account.centerId },
    ...(account.departmentId ? [{ Name: 'custom:departmentId', Value: account.departmentId }] : []),
    ...(account.departmentIds ? [{ Name: 'custom:departmentIds', Value: account.departmentIds.join(',') }] : []),
  ];
  const dropped = [...(account.departmentId ? [] : ['custom:departmentId']), ...(account.departmentIds ? [] : ['custom:departmentIds'])];
  try {
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: pool(), Username, UserAttributes: attributes, DesiredDeliveryMediums: ['EMAIL'] }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'UsernameExistsException') throw asClientError(err);
    await cognito.send(new AdminUpdateUserAttributesCommand({ UserPoolId: pool(), Username, UserAttributes: attributes })).catch((e: unknown) => {
      throw asClientError(e);
    });
    if (dropped.length) await cognito.send(new AdminDeleteUserAttributesCommand({ UserPoolId: pool(), Username, UserAttributeNames: dropped }));
  }
  const current = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: pool(), Username }));
  const had = new Set((current.Groups ?? []).map((g) => g.GroupName!));
  for (const role of account.roles) {
    if (!had.has(role)) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool(), Username, GroupName: role }));
  }
  for (const role of had) {
    if (!account.roles.includes(role)) await cognito.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool(), Username, GroupName: role }));
  }
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool(), Username }));
  const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  if (!sub) throw new Error(`account ${Username} has no sub`);
  return sub;
}

/** Disabling also signs the account out everywhere, so no refresh token outlives it. */
export async function setAccountEnabled(username: string, enabled: boolean): Promise<void> {
  if (enabled) {
    await cognito.send(new AdminEnableUserCommand({ UserPoolId: pool(), Username: username }));
    return;
  }
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: pool(), Username: username }));
  await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool(), Username: username }));
}

/**
 * Disabling takes effect in the table first (tokens refused from that moment,
 * see accounts.ts), then in the pool; enabling goes the other way, so a failure
 * in between never leaves an account usable that should not be.
 */
export async function changeAccountStatus(username: string, status: AccountStatus, writeTable: () => Promise<void>): Promise<void> {
  if (status === 'disabled') {
    await writeTable();
    await setAccountEnabled(username, false);
  } else {
    await setAccountEnabled(username, true);
    await writeTable();
  }
}
