/**
 * Cognito: the user pool of staff (and later applicants), its groups (= roles),
 * the public client used by the web and kiosk apps, and one confidential
 * client per system that calls the API as itself (the 12345 hotline), granted
 * its role's scope through the client-credentials grant.
 */
import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { acknowledge } from '../nag.ts';
import { SERVICE_SCOPE_SERVER, serviceRoles, userRoles } from '../../schemas/api/common.ts';
import type { ServiceClient } from '../../functions/shared/auth.ts';

export interface Identity {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** The systems' clients, as the functions that take their calls are told of them (SERVICE_CLIENTS). */
  readonly serviceClients: readonly ServiceClient[];
}

export function createIdentity(scope: Construct, config: StageConfig): Identity {
  const userPool = new cognito.UserPool(scope, 'UserPool', {
    // Staff accounts are created by administrators; applicant sign-up comes with its own issue.
    selfSignUpEnabled: false,
    signInAliases: { username: true, email: true },
    signInCaseSensitive: false,
    autoVerify: { email: true },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    mfa: cognito.Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    customAttributes: {
      // Written only by administrators (the client below cannot write them): they scope every request.
      centerId: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      departmentId: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      // Every department of a person authorized for several (综合窗口), comma-separated, the primary first.
      // Added to a deployed pool in place (a new custom attribute); existing accounts keep departmentId alone.
      departmentIds: new cognito.StringAttribute({ minLen: 1, maxLen: 2048, mutable: true }),
    },
    ...(config.cognitoThreatProtection
      ? { featurePlan: cognito.FeaturePlan.PLUS, standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION }
      : { featurePlan: cognito.FeaturePlan.ESSENTIALS }),
    deletionProtection: config.deletionProtection,
    removalPolicy: config.removalPolicy,
  });
  acknowledge(userPool, 'AwsSolutions-COG2',
    'MFA is OPTIONAL with TOTP: the pool will also hold applicants (citizens at kiosks and on phones) who cannot all enrol an authenticator; staff enrol TOTP at first sign-in.');
  if (!config.cognitoThreatProtection) {
    acknowledge(userPool, 'AwsSolutions-COG8',
      `Stage ${config.stage} has no real users: the Plus tier (threat protection, billed per MAU) is enabled in prod only.`);
  }

  // Roles as Cognito groups (DESIGN §8); `cognito:groups` in the token carries them.
  for (const groupName of userRoles) {
    userPool.addGroup(`Group-${groupName}`, { groupName, description: `OneStop role ${groupName}` });
  }

  const userPoolClient = userPool.addClient('UserPoolClient', {
    generateSecret: false,
    // SRP sign-in from the apps only: no hosted UI, so no OAuth flows (CDK's default would enable implicit grant).
    disableOAuth: true,
    authFlows: { userSrp: true },
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    idTokenValidity: Duration.hours(1),
    accessTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.days(1),
    // Users may edit their own profile, never the attributes that scope them to a center or department.
    writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true, email: true, phoneNumber: true }),
    readAttributes: new cognito.ClientAttributes()
      .withStandardAttributes({ fullname: true, email: true, emailVerified: true, phoneNumber: true, phoneNumberVerified: true })
      .withCustomAttributes('centerId', 'departmentId', 'departmentIds'),
  });
  return { userPool, userPoolClient, serviceClients: createServiceClients(userPool, config) };
}

/** A resource server of the roles' scopes and one client per system; the pool's domain serves their token endpoint. */
function createServiceClients(userPool: cognito.UserPool, config: StageConfig): ServiceClient[] {
  if (!config.serviceClients.length) return [];
  const scopes = Object.fromEntries(Object.entries(serviceRoles).map(([role, { scopeName }]) => [role, new cognito.ResourceServerScope({ scopeName, scopeDescription: `OneStop role ${role}` })]));
  const server = userPool.addResourceServer('ServiceScopes', { identifier: SERVICE_SCOPE_SERVER, scopes: Object.values(scopes) });
  if (config.authDomainPrefix) userPool.addDomain('AuthDomain', { cognitoDomain: { domainPrefix: config.authDomainPrefix } });
  return config.serviceClients.map(({ name, role, centerId }) => {
    const client = userPool.addClient(`Service-${name}`, {
      generateSecret: true,
      oAuth: { flows: { clientCredentials: true }, scopes: [cognito.OAuthScope.resourceServer(server, scopes[role]!)] },
      accessTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    return { clientId: client.userPoolClientId, name, role, centerId };
  });
}
