/**
 * Systems calling the API as themselves (the 12345 hotline): per stage, one
 * confidential app client of the client-credentials grant with its role's
 * scope on the pool's resource server, its token endpoint's domain, and the
 * API's authorizer taking the client as an audience.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { checkIdentitySettings, stageConfig } from '../../infra/config.ts';
import { resourcesOf, synthTemplate } from './synth.ts';

const authorizerAudience = (t: Template) => Object.values(resourcesOf(t, 'AWS::ApiGatewayV2::Authorizer'))[0]!.Properties!.JwtConfiguration.Audience as unknown[];

describe('service clients', () => {
  it('dev: the hotline\'s client may only take its scope by client credentials, and the authorizer accepts it', () => {
    const t = synthTemplate('dev');
    const clients = Object.entries(resourcesOf(t, 'AWS::Cognito::UserPoolClient'));
    const service = clients.filter(([, c]) => c.Properties?.AllowedOAuthFlows?.includes('client_credentials'));
    expect(service).toHaveLength(stageConfig('dev').serviceClients.length);
    const [id, client] = service[0]!;
    expect(client.Properties).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true });
    expect(JSON.stringify(client.Properties!.AllowedOAuthScopes)).toContain('/complaints.file');
    const [server] = Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolResourceServer'));
    expect(server!.Properties).toMatchObject({ Identifier: 'onestop', Scopes: [{ ScopeName: 'complaints.file' }] });
    expect(Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolDomain'))[0]!.Properties!.Domain).toBe(stageConfig('dev').authDomainPrefix);
    expect(authorizerAudience(t)).toHaveLength(2);
    expect(authorizerAudience(t)).toContainEqual({ Ref: id });
  });

  it('only the complaints function is told which client is which center\'s hotline', () => {
    const t = synthTemplate('dev');
    const told = Object.entries(resourcesOf(t, 'AWS::Lambda::Function')).filter(([, f]) => f.Properties?.Environment?.Variables?.SERVICE_CLIENTS);
    expect(told.map(([id]) => id)).toEqual([expect.stringMatching(/^ComplaintsFunction/)]);
    const serviceClient = Object.keys(resourcesOf(t, 'AWS::Cognito::UserPoolClient')).find((id) => id.startsWith('UserPoolServicehotline12345'))!;
    const value = JSON.stringify(told[0]![1].Properties!.Environment.Variables.SERVICE_CLIENTS);
    expect(value).toContain(serviceClient);
    expect(value).toContain('center-demo');
  });

  it('prod lists no system until the operators add one: no client, no domain, the apps\' client the only audience', () => {
    const t = synthTemplate('prod');
    expect(Object.values(resourcesOf(t, 'AWS::Cognito::UserPoolClient')).filter((c) => c.Properties?.AllowedOAuthFlows)).toEqual([]);
    expect(resourcesOf(t, 'AWS::Cognito::UserPoolDomain')).toEqual({});
    expect(authorizerAudience(t)).toHaveLength(1);
  });

  it('a deployed stage with service clients needs the token endpoint\'s domain', () => {
    const { authDomainPrefix: _none, ...withoutDomain } = stageConfig('dev');
    expect(() => checkIdentitySettings(withoutDomain)).toThrow(/authDomainPrefix/);
    expect(() => checkIdentitySettings({ ...withoutDomain, stage: 'local' })).not.toThrow();
  });
});
