/**
 * The static web pages (web/: the landing page and the API reference at
 * /docs/) in AWS: a private bucket, CloudFront in front of it with Origin
 * Access Control, and a BucketDeployment that uploads the site as web/site.ts
 * lays it out, then invalidates CloudFront.
 *
 * The hall display (web/hall/) is addressed by its center, `/hall/<centerId>`,
 * here as on the local cloud, and learns the stage's API and WebSocket URLs
 * from metas the deployment fills (the local cloud fills the socket's itself).
 *
 * A nested stack: its deploy-time pieces (the BucketDeployment's Python
 * handler with the AWS CLI layer, CloudFront) stay out of the API stack's
 * template, which the local cloud runs and whose functions are all the
 * project's own bundles. The local cloud serves the same files itself
 * (local/web.ts).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DefaultStackSynthesizer, Duration, NestedStack, Stage } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { siteFiles } from '../../web/site.ts';
import type { StageConfig } from '../config.ts';
import { acknowledge, nagRef } from '../nag.ts';
import { SecureBucket } from './secure-bucket.ts';

/** The stage's endpoints a page calls from the browser. */
export interface SiteEndpoints {
  /** The HTTP API's URL (ApiUrl). */
  readonly apiUrl: string;
  /** The hall displays' WebSocket URL (HallSocketUrl). */
  readonly hallSocketUrl: string;
}

export interface WebSiteProps {
  readonly config: StageConfig;
  /** Filled into the pages' empty endpoint metas at deployment; without them a page is told with `?api=` and `?socket=`. */
  readonly endpoints?: SiteEndpoints;
}

/**
 * CloudFront Function (viewer request): `/docs/` → `/docs/index.html` (S3 has no directory
 * index; defaultRootObject covers `/` only), and `/docs` → 301 `/docs/`, so the page's relative
 * links resolve. A path whose last segment has a dot is a file and passes unchanged.
 * `/hall/<centerId>` is the hall display's page (a center id has no dot), which reads its
 * center from the address the browser keeps; its files are `/hall/hall.js` and `/hall/hall.css`.
 */
export const INDEX_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (/^\\/hall\\/[^\\/.]+$/.test(uri)) {
    request.uri = '/hall/index.html';
  } else if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.split('/').pop().indexOf('.') === -1) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: uri + '/' } } };
  }
  return request;
}`;

export class WebSite extends NestedStack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<distribution domain>/ */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id, { description: `OneStop web pages and API reference (${props.config.stage})` });
    const { config } = props;

    // CloudFront's standard logs need a bucket with ACLs (its log delivery writes through an ACL
    // grant), which SecureBucket's BUCKET_OWNER_ENFORCED rules out; the site bucket's own access
    // logs go here too, so this bucket is a log target (cdk-nag S1) and logs nowhere itself.
    const logs = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      removalPolicy: config.removalPolicy,
      // Kept as long as the stage keeps its function and API logs.
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(config.logRetention) }],
    });

    this.bucket = new SecureBucket(this, 'SiteBucket', {
      removalPolicy: config.removalPolicy,
      accessLogs: logs,
      // Every deployment replaces the files; old versions only matter for a quick rollback.
      lifecycleRules: [{ id: 'expire-replaced-files', noncurrentVersionExpiration: Duration.days(30) }],
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `OneStop web pages (${config.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{
          eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
          function: new cloudfront.Function(this, 'IndexFunction', {
            code: cloudfront.FunctionCode.fromInline(INDEX_FUNCTION_CODE),
            runtime: cloudfront.FunctionRuntime.JS_2_0,
            comment: 'directory index and trailing slash for the static pages',
          }),
        }],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    acknowledge(this.distribution, 'AwsSolutions-CFR1',
      'Public documentation of a public API, without personal data: no country needs to be kept out, and developers abroad (vendors of hall kiosks) must reach it.');
    acknowledge(this.distribution, 'AwsSolutions-CFR2',
      'Static files only (GET/HEAD, no forms, no dynamic origin, no cookies): a WAF web ACL would filter nothing the bucket could be harmed by, at a fixed monthly cost; Shield Standard covers the distribution.');
    acknowledge(this.distribution, 'AwsSolutions-CFR4',
      'Served on the default *.cloudfront.net certificate until the center gives the pages a domain: with it CloudFront fixes the security policy (CDK ignores minimumProtocolVersion without a certificate). With a domain and an ACM certificate, set minimumProtocolVersion TLS_V1_2_2021.');

    const filled = props.endpoints ? pagesWithEndpoints(props.endpoints) : new Map<string, string>();
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      // The pages with endpoints are rendered at deployment, when the URLs are known; the rest are the site's files as they are.
      sources: [
        s3deploy.Source.asset(stageSite(this, new Set(filled.keys()))),
        ...[...filled].map(([sitePath, html]) => s3deploy.Source.data(sitePath, html)),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // Browsers and edges keep a file five minutes; a deployment invalidates the edges at once.
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      logGroup: new LogGroup(this, 'DeploymentLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy }),
    });
    // CDK's handler (Python, with the AWS CLI layer) runs only while a deployment copies the site.
    const handler = deployment.handlerRole.node.scope!;
    acknowledge(handler, 'AwsSolutions-L1',
      'CDK\'s BucketDeployment handler pins its own Python runtime (python3.13); the construct offers no way to choose it, and it runs only during deployments.');
    acknowledge(handler, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK\'s BucketDeployment handler role gets the AWS-managed basic execution policy (its own logs only); the construct offers no way to replace it.');
    // The handler's policy, as the construct writes it: its wildcards cover the assets bucket and this site bucket only.
    const wildcards: Record<string, string> = {
      'Action::s3:GetObject*': 'reads the asset zip of the site and the site bucket\'s files (object and version reads)',
      'Action::s3:GetBucket*': 'reads the location and settings of the assets bucket and the site bucket',
      'Action::s3:List*': 'lists the site bucket to find the files a deployment no longer ships (prune)',
      'Action::s3:DeleteObject*': 'deletes the files a deployment no longer ships from the site bucket (prune)',
      'Action::s3:Abort*': 'aborts its own multipart uploads of large files to the site bucket',
      [`Resource::${nagRef(this, this.bucket.arnForObjects('*'))}`]: 'writes and prunes any file of the site bucket, whose set of files changes with each deployment',
      [`Resource::${cdkAssetObjects()}`]: 'reads the site\'s asset zip from the CDK assets bucket, under a content-hash key known only at deployment',
      'Resource::*': 'creates and reads invalidations of this distribution (cloudfront:CreateInvalidation/GetInvalidation), granted on * by the construct',
    };
    for (const [finding, what] of Object.entries(wildcards)) {
      acknowledge(handler, `AwsSolutions-IAM5[${finding}]`, `CDK's BucketDeployment handler ${what}; the construct writes this policy and offers no narrower one.`);
    }

    this.url = `https://${this.distribution.distributionDomainName}/`;
  }
}

/** The CDK assets bucket's objects as cdk-nag names them (the default bootstrap qualifier). */
function cdkAssetObjects(): string {
  const bucket = DefaultStackSynthesizer.DEFAULT_FILE_ASSETS_BUCKET_NAME.replace('${Qualifier}', DefaultStackSynthesizer.DEFAULT_QUALIFIER);
  return `arn:<AWS::Partition>:s3:::${bucket.replace(/\$\{([^}]+)\}/g, '<$1>')}/*`;
}

const ENDPOINT_METAS: Readonly<Record<string, keyof SiteEndpoints>> = { 'onestop-api': 'apiUrl', 'onestop-socket': 'hallSocketUrl' };

/** A page with the stage's endpoints in its empty endpoint metas, or undefined when it has none. */
export function withEndpoints(html: string, endpoints: SiteEndpoints): string | undefined {
  let out = html;
  for (const [name, key] of Object.entries(ENDPOINT_METAS)) {
    const empty = `<meta name="${name}" content="">`;
    // A function, not a replacement string: a token's text has `$` in it.
    out = out.replace(empty, () => `<meta name="${name}" content="${endpoints[key]}">`);
  }
  return out === html ? undefined : out;
}

/** Site path → the page with its endpoints, for every HTML page of the site that has an empty endpoint meta. */
export function pagesWithEndpoints(endpoints: SiteEndpoints): Map<string, string> {
  const pages = new Map<string, string>();
  for (const [sitePath, file] of siteFiles()) {
    const html = sitePath.endsWith('.html') ? withEndpoints(readFileSync(file, 'utf8'), endpoints) : undefined;
    if (html !== undefined) pages.set(sitePath, html);
  }
  return pages;
}

/**
 * Lays the site out (web/site.ts) in a directory of the cloud assembly, the source of the
 * deployment's asset: CDK hashes and zips it like any asset, and the directory goes with the
 * assembly instead of piling up in the system's temporary directory. `rendered` pages are
 * shipped by a source of their own.
 */
function stageSite(scope: Construct, rendered: ReadonlySet<string>): string {
  const dir = path.join(Stage.of(scope)!.outdir, 'web-site');
  rmSync(dir, { recursive: true, force: true });
  for (const [sitePath, file] of siteFiles()) {
    if (rendered.has(sitePath)) continue;
    const target = path.join(dir, sitePath);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  return dir;
}
