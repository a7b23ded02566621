/**
 * CDK assertions on the static web pages (infra/constructs/web-site.ts): a
 * private, encrypted, TLS-only bucket that only this CloudFront distribution
 * reads (Origin Access Control), the viewer-request function that gives
 * directories their index.html and serves the hall display at
 * /hall/<centerId>, a deployment that ships exactly the site of web/site.ts
 * (the pages that call the stage with its endpoints filled in), the SiteUrl
 * output, and no cdk-nag finding left in the site.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, inject, it } from 'vitest';
import { INDEX_FUNCTION_CODE, pagesWithEndpoints, withEndpoints } from '../../infra/constructs/web-site.ts';
import { siteFiles } from '../../web/site.ts';
import type { NagReport } from './nag-report.ts';
import { resourcesOf } from './synth.ts';

// The dev stage as the infra project's global setup synthesized it, with the checks (global-setup.ts).
const assembly = inject('devAssembly');
const assemblyDir = assembly.dir;
const sitePath = assembly.sitePath;
const parent = Template.fromJSON(JSON.parse(readFileSync(path.join(assemblyDir, assembly.stackTemplate), 'utf8')));
const site = Template.fromJSON(JSON.parse(readFileSync(path.join(assemblyDir, assembly.siteTemplate), 'utf8')));

const only = <T>(record: Record<string, T>): [string, T] => {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};
const bucketId = (prefix: string) => only(Object.fromEntries(Object.entries(resourcesOf(site, 'AWS::S3::Bucket')).filter(([id]) => id.startsWith(prefix))))[0];
const distributionConfig = () => only(resourcesOf(site, 'AWS::CloudFront::Distribution'))[1].Properties!.DistributionConfig;


/** The viewer-request function's code run on a request for `uri`, as CloudFront runs it. */
const indexFunction = new Function(`${INDEX_FUNCTION_CODE}\nreturn handler;`)() as (event: unknown) => Record<string, any>;
const run = (uri: string) => indexFunction({ request: { uri, headers: {} } });
describe('site bucket', () => {
  it('blocks public access and is encrypted', () => {
    const bucket = site.toJSON().Resources[bucketId('SiteBucket')].Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: bucketId('LogsBucket') }, LogFilePrefix: 'SiteBucket/' });
  });

  it('refuses plain HTTP and TLS below 1.2, and lets only this distribution read, through Origin Access Control', () => {
    const id = bucketId('SiteBucket');
    const [, policy] = only(Object.fromEntries(Object.entries(resourcesOf(site, 'AWS::S3::BucketPolicy')).filter(([, p]) => p.Properties!.Bucket.Ref === id)));
    const statements = policy.Properties!.PolicyDocument.Statement as Record<string, any>[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }));
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const [distributionId] = only(resourcesOf(site, 'AWS::CloudFront::Distribution'));
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Join': ['', expect.arrayContaining([':distribution/', { Ref: distributionId }])] } } },
    });

    const [oacId, oac] = only(resourcesOf(site, 'AWS::CloudFront::OriginAccessControl'));
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const [origin] = distributionConfig().Origins;
    expect(origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [id, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });
});

describe('distribution', () => {
  it('redirects to HTTPS, serves index.html at the root, adds security headers and logs to a private bucket', () => {
    const config = distributionConfig();
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: ResponseHeadersPolicy.SECURITY_HEADERS.responseHeadersPolicyId,
    });
    expect(config.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [bucketId('LogsBucket'), 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    const logs = site.toJSON().Resources[bucketId('LogsBucket')].Properties;
    expect(logs.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(logs.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    expect(logs.LifecycleConfiguration.Rules[0].ExpirationInDays).toBeGreaterThan(0);
  });

  it('maps a directory to its index.html and adds a missing trailing slash (viewer-request function)', () => {
    const [fnId, fn] = only(resourcesOf(site, 'AWS::CloudFront::Function'));
    expect(fn.Properties).toMatchObject({ FunctionCode: INDEX_FUNCTION_CODE, FunctionConfig: { Runtime: 'cloudfront-js-2.0' }, AutoPublish: true });
    expect(distributionConfig().DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } }]);

    expect(run('/').uri).toBe('/index.html');
    expect(run('/docs/').uri).toBe('/docs/index.html');
    expect(run('/docs/openapi.json').uri).toBe('/docs/openapi.json');
    expect(run('/docs/swagger-ui/swagger-ui-bundle.js').uri).toBe('/docs/swagger-ui/swagger-ui-bundle.js');
    expect(run('/wall/').uri).toBe('/wall/index.html');
    expect(run('/wall')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/wall/' } } });
    expect(run('/docs')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/docs/' } } });
  });

  it('serves the hall display at /hall/<centerId> (the page reads the center from the address), its files as files', () => {
    expect(run('/hall/center-demo').uri).toBe('/hall/index.html');
    expect(run('/hall/c1').uri).toBe('/hall/index.html');
    expect(run('/hall/hall.js').uri).toBe('/hall/hall.js');
    expect(run('/hall/hall.css').uri).toBe('/hall/hall.css');
    expect(run('/hall/').uri).toBe('/hall/index.html');
    expect(run('/hall')).toEqual({ statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/hall/' } } });
    // Deeper paths and look-alikes are directories as before, not the hall's page.
    expect(run('/hall/center-demo/x')).toMatchObject({ statusCode: 301, headers: { location: { value: '/hall/center-demo/x/' } } });
    expect(run('/hallway')).toMatchObject({ statusCode: 301, headers: { location: { value: '/hallway/' } } });
    expect(run('/docs/hall/c1')).toMatchObject({ statusCode: 301 });
  });
});

describe('deployment', () => {
  const deployment = () => only(resourcesOf(site, 'Custom::CDKBucketDeployment'))[1].Properties!;

  it('copies into the site bucket, prunes what is gone and invalidates the distribution', () => {
    expect(deployment()).toMatchObject({
      DestinationBucketName: { Ref: bucketId('SiteBucket') },
      DistributionId: { Ref: only(resourcesOf(site, 'AWS::CloudFront::Distribution'))[0] },
      DistributionPaths: ['/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'public, max-age=300' },
    });
  });

  it('ships exactly the site: web/, Swagger UI\'s bundle and docs/openapi.json, byte for byte', () => {
    // The site's files, and a source of its own for each page rendered with the stage's endpoints.
    const assetDirs = (deployment().SourceObjectKeys as string[]).map((key) => path.join(assemblyDir, `asset.${key.replace(/\.zip$/, '')}`));
    const shippedBy = new Map<string, string>();
    for (const assetDir of assetDirs) {
      expect(existsSync(assetDir), assetDir).toBe(true);
      for (const e of readdirSync(assetDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
        const key = path.relative(assetDir, path.join(e.parentPath, e.name)).split(path.sep).join('/');
        expect(shippedBy.has(key), `${key} shipped twice`).toBe(false);
        shippedBy.set(key, assetDir);
      }
    }
    const shipped = [...shippedBy.keys()];
    const assetDir = shippedBy.get('docs/openapi.json')!;
    const expected = siteFiles();
    expect(shipped.sort()).toEqual([...expected.keys()].sort());
    expect(shipped).toEqual(expect.arrayContaining(['index.html', 'docs/index.html', 'docs/init.js', 'docs/openapi.json', 'docs/swagger-ui/swagger-ui-bundle.js', 'docs/swagger-ui/swagger-ui.css', 'docs/swagger-ui/LICENSE.txt', 'wall/index.html', 'wall/wall.js', 'wall/wall.css']));
    expect(shipped).not.toContain('site.ts');
    for (const key of ['docs/openapi.json', 'docs/swagger-ui/swagger-ui-bundle.js']) {
      expect(readFileSync(path.join(assetDir, key)).equals(readFileSync(expected.get(key)!)), key).toBe(true);
    }
  });
});

describe('the pages that call the stage', () => {
  const endpoints = { apiUrl: 'https://api.example/', hallSocketUrl: 'wss://ws.example/live' };

  it('the hall display gets the API and the socket in its metas, and nothing else of it changes', () => {
    const pages = pagesWithEndpoints(endpoints);
    expect([...pages.keys()]).toEqual(['hall/index.html']);
    const original = readFileSync(siteFiles().get('hall/index.html')!, 'utf8');
    const filled = pages.get('hall/index.html')!;
    expect(filled).toContain('<meta name="onestop-api" content="https://api.example/">');
    expect(filled).toContain('<meta name="onestop-socket" content="wss://ws.example/live">');
    expect(filled.replace('https://api.example/', '').replace('wss://ws.example/live', '')).toBe(original);
  });

  it('fills a token\'s text as it is (a `$` in it is no replacement pattern), and leaves a page without the metas alone', () => {
    const page = '<head><meta name="onestop-socket" content=""></head>';
    expect(withEndpoints(page, { apiUrl: 'x', hallSocketUrl: '${Token[TOKEN.1]}$&' })).toBe('<head><meta name="onestop-socket" content="${Token[TOKEN.1]}$&"></head>');
    expect(withEndpoints('<head><meta name="onestop-socket" content="wss://set/"></head>', endpoints)).toBeUndefined();
    expect(withEndpoints(readFileSync(siteFiles().get('docs/index.html')!, 'utf8'), endpoints)).toBeUndefined();
  });
});

describe('in the API stack', () => {
  it('outputs the site URL', () => {
    const [distributionId] = only(resourcesOf(site, 'AWS::CloudFront::Distribution'));
    const [domainOutput] = only(site.findOutputs('*', { Value: { 'Fn::GetAtt': [distributionId, 'DomainName'] } }));
    // The site's nested stack (the alarms have one too: decision 76).
    const [nestedStackId] = only(Object.fromEntries(Object.entries(resourcesOf(parent, 'AWS::CloudFormation::Stack')).filter(([id]) => id.startsWith('Web'))));
    expect(parent.findOutputs('SiteUrl').SiteUrl!.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [nestedStackId, `Outputs.${domainOutput}`] }, '/']] });
  });

  it('is one nested stack: CloudFront and the deployment\'s handler never reach the template the local cloud runs', () => {
    const types = new Set(Object.values(parent.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type));
    expect(types).toContain('AWS::CloudFormation::Stack');
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::CloudFront::Function', 'Custom::CDKBucketDeployment']) expect(types).not.toContain(type);
  });
});

describe('cdk-nag', () => {
  it('leaves no unacknowledged finding in the site', () => {
    const { findings } = JSON.parse(readFileSync(path.join(inject('infraTemplates'), 'dev.nag.json'), 'utf8')) as NagReport;
    expect(findings.filter((finding) => finding.includes(` @ ${sitePath}/`))).toEqual([]);
  });
});
