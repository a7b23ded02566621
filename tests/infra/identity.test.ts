/**
 * CDK assertions on the real-name verification port's settings (decision 85):
 * which provider each stage names, and what a stage configured with an OpenID
 * Connect provider gives the applicants function.
 */
import { rmSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { checkIdentitySettings, stageConfig, type IdentityOidcSettings, type StageConfig } from '../../infra/config.ts';
import { OneStopStack } from '../../infra/stacks/onestop-stack.ts';
import { logicalIdByPath, newApp, resourcesOf, synthTemplate } from './synth.ts';

const SYNTH_TIMEOUT = 120_000;
const envOf = (template: Template, constructId: string): Record<string, unknown> =>
  template.toJSON().Resources[logicalIdByPath(template, constructId)].Properties.Environment.Variables;

const oidc: IdentityOidcSettings = {
  issuer: 'https://idp.example.gov.cn/oidc',
  clientId: 'onestop-dev',
  redirectUri: 'https://onestop.example.gov.cn/register/verified',
  clientSecretName: 'onestop/dev/identity-oidc-client-secret',
  claims: { idNumber: 'sfzh', levels: { 'urn:gov:face': 'real-person' } },
};

describe('the identity provider of a stage', () => {
  it('no deployed stage names one yet (registration answers 503 there); the local cloud names the simulator', () => {
    for (const stage of ['dev', 'prod'] as const) expect(Object.keys(envOf(synthTemplate(stage), 'ApplicantsFunction')).filter((v) => v.startsWith('IDENTITY_')), stage).toEqual([]);
    expect(envOf(synthTemplate('local'), 'ApplicantsFunction')).toMatchObject({ IDENTITY_PROVIDER: 'simulator' });
  });

  it('a stage configured with oidc gives the applicants function the provider\'s settings and the client secret by dynamic reference, and no other function any of it', () => {
    const config: StageConfig = { ...stageConfig('dev'), identityProvider: 'oidc', identityOidc: oidc };
    checkIdentitySettings(config);
    const { app, outdir } = newApp('dev');
    try {
      const template = Template.fromStack(new OneStopStack(app, 'OneStop-dev', { config }));
      const env = envOf(template, 'ApplicantsFunction');
      expect(env).toMatchObject({
        IDENTITY_PROVIDER: 'oidc',
        IDENTITY_OIDC_ISSUER: oidc.issuer,
        IDENTITY_OIDC_CLIENT_ID: oidc.clientId,
        IDENTITY_OIDC_REDIRECT_URI: oidc.redirectUri,
        IDENTITY_OIDC_CLAIMS: JSON.stringify(oidc.claims),
      });
      expect(env).not.toHaveProperty('IDENTITY_OIDC_CLIENT_AUTH');
      const secret = JSON.stringify(env.IDENTITY_OIDC_CLIENT_SECRET);
      expect(secret).toMatch(/^"?\{.*\{\{resolve:secretsmanager:arn:.*:secret:onestop\/dev\/identity-oidc-client-secret:SecretString:::\}\}/);
      // Imported, not created: the stack has the secrets it has without a provider, and no other.
      expect(Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret'))).toEqual(Object.keys(resourcesOf(synthTemplate('dev'), 'AWS::SecretsManager::Secret')));
      for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
        if (id === logicalIdByPath(template, 'ApplicantsFunction')) continue;
        expect(Object.keys(fn.Properties?.Environment?.Variables ?? {}).filter((v) => v.startsWith('IDENTITY_')), id).toEqual([]);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, SYNTH_TIMEOUT);

  it('the configuration refuses oidc without its settings, with settings that cannot work, and the simulator on a deployed stage', () => {
    const dev = stageConfig('dev');
    const refused = /identityProvider 'oidc' needs identityOidc/;
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'oidc' })).toThrow(refused);
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'oidc', identityOidc: { ...oidc, issuer: 'http://idp.example.gov.cn' } })).toThrow(refused);
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'oidc', identityOidc: { ...oidc, redirectUri: 'not a url' } })).toThrow(refused);
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'oidc', identityOidc: { ...oidc, clientSecretName: '' } })).toThrow(refused);
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'simulator' })).toThrow(/simulator is for the local cloud only/);
    expect(() => checkIdentitySettings({ ...dev, identityProvider: 'oidc', identityOidc: oidc })).not.toThrow();
  });
});
