/**
 * Documents and archives (DESIGN §4): the API (upload slots, audited
 * downloads, certificate check, archive retrieval and disposition), the upload
 * check on the materials bucket's notifications, the consumer that issues
 * receipts, notices and certificates as signed PDFs (the CJK font in a layer;
 * the stage's document key in KMS, or a secret in the local cloud) and starts
 * the e-licence clock on closure, the watcher publishing that clock's
 * threshold, the renewal watcher reminding holders before their certificates
 * expire, and the archive consumer writing packages to the Object-Locked
 * archive bucket.
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LICENCE_CLOCK_START, documentsOfEvent, documentsOfFeeEvent } from '../../functions/documents/rules.ts';
import { CJK_FONT_ASSET_EXCLUDE, CJK_FONT_LAMBDA_PATH, cjkFontAssetDir } from '../../functions/documents/pdf/font-asset.ts';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';
import { acknowledge, nagRef } from '../nag.ts';

/** Object Lock actions on the archive packages only (archives/ of the one bucket). */
function allowLocking(fn: DomainFunction, archive: s3.IBucket, actions: string[]) {
  const packages = archive.arnForObjects('archives/*');
  fn.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [packages] }));
  acknowledge(fn.executionRole, `AwsSolutions-IAM5[Resource::${nagRef(fn, packages)}]`,
    'Retention and legal hold of the archive packages only (archives/ of this one bucket); keys are per case.');
}

/** When the renewal watcher runs (EventBridge schedules are in UTC). */
const RENEWAL_WATCH_SCHEDULE = 'cron(0 1 * * ? *)';

export function addDocuments(
  scope: Construct,
  deps: { table: ITable; bus: events.IEventBus; api: DomainHttpApi; materials: s3.Bucket; archive: s3.Bucket; cursorKey: secretsmanager.ISecret; queryCodeKey: secretsmanager.ISecret; config: StageConfig },
) {
  const { table, bus, api, materials, archive, config } = deps;

  const documents = new DomainFunction(scope, 'DocumentsFunction', { entry: 'functions/documents/handler.ts', domain: 'documents', config })
    .bindTable(table, 'readWrite')
    .bindBucket(materials, 'readWrite', 'MATERIALS_BUCKET')
    .bindBucket(archive, 'read', 'ARCHIVE_BUCKET')
    .bindValue('ARCHIVE_LOCK_MODE', config.archiveRetention.mode)
    .bindSecretValue(deps.cursorKey, 'CURSOR_KEY')
    // The public register of licences granted is the default center's unless the request names another.
    .bindValue('DEFAULT_CENTER_ID', config.defaultCenterId);
  // An approved destruction deletes the package and the case's working copies; an approved retention moves the lock.
  documents.allowDelete(archive, 'archives/').allowDelete(materials, 'uploads/').allowDelete(materials, 'documents/');
  allowLocking(documents, archive, ['s3:PutObjectRetention']);
  api.addDomain('documents', documents);

  const check = new DomainFunction(scope, 'MaterialCheckFunction', {
    entry: 'functions/documents/check.ts', domain: 'documents', config,
    // Reads an upload whole (≤ the item's limit, 20 MB by default) to hash it.
    memorySize: 1024, timeout: Duration.seconds(60),
  })
    .bindTable(table, 'readWrite')
    .bindBucket(materials, 'read', 'MATERIALS_BUCKET')
    .allowDelete(materials, 'uploads/');
  new Consumer(scope, 'MaterialCheck', {
    trigger: { bucket: materials, prefix: 'uploads/' },
    fn: check,
    config,
    description: 'Every upload: its real type, size and SHA-256 → received or rejected',
  });

  const fontLayer = new lambda.LayerVersion(scope, 'CjkFontLayer', {
    code: lambda.Code.fromAsset(cjkFontAssetDir(), { exclude: [...CJK_FONT_ASSET_EXCLUDE] }),
    compatibleArchitectures: [lambda.Architecture.ARM_64],
    description: 'CJK font for the PDF documents (receipts, notices, certificates)',
    removalPolicy: config.removalPolicy,
  });
  const issue = new DomainFunction(scope, 'DocumentIssueFunction', {
    entry: 'functions/documents/issue.ts', domain: 'documents', config, memorySize: 1024, timeout: Duration.seconds(30),
  })
    .bindTable(table, 'readWrite')
    .bindBucket(materials, 'readWrite', 'MATERIALS_BUCKET')
    .bindValue('CJK_FONT_PATH', CJK_FONT_LAMBDA_PATH)
    .bindValue('PUBLIC_BASE_URL', api.url)
    // The receipt prints the query code, derived here: no event carries it.
    .bindSecretValue(deps.queryCodeKey, 'QUERY_CODE_KEY');
  issue.addLayers(fontLayer);
  bindDocumentSigningKey(scope, issue, config);
  new Consumer(scope, 'DocumentIssue', {
    // The detail-types of the two sources do not overlap: one pattern takes both.
    trigger: { bus, eventPattern: { source: ['onestop.cases', 'onestop.fees'], detailType: [...Object.keys(documentsOfEvent), LICENCE_CLOCK_START, ...Object.keys(documentsOfFeeEvent)] } },
    fn: issue,
    config,
    description: 'Acceptance receipts, refusal and one-time supplement notices, certificates, payment notices and fee receipts: PDFs stored with the case; an approved case closed without its certificate is watched',
  });

  const licenceWatch = new DomainFunction(scope, 'LicenceWatchFunction', { entry: 'functions/documents/licence-watch.ts', domain: 'documents', config })
    .bindTable(table, 'readWrite');
  // Every minute, as the case watcher: the threshold is published within a minute of its instant.
  new Consumer(scope, 'LicenceWatch', {
    trigger: { schedule: events.Schedule.expression(config.caseWatchSchedule) },
    fn: licenceWatch,
    config,
    description: 'E-licences (电子证照) not issued within the working days allowed after closure → CertificateNotIssued, once',
  });

  const renewalWatch = new DomainFunction(scope, 'RenewalWatchFunction', { entry: 'functions/documents/renewal-watch.ts', domain: 'documents', config })
    .bindTable(table, 'readWrite');
  // Daily at 01:00 UTC = 09:00 in China: reminders wake at 00:00 China time of their day, and the SMS they become arrive in the morning.
  new Consumer(scope, 'RenewalWatch', {
    trigger: { schedule: events.Schedule.expression(RENEWAL_WATCH_SCHEDULE) },
    fn: renewalWatch,
    config,
    description: 'Certificates due for renewal (延续, art. 50: the item\'s days before expiry) → CertificateRenewalDue, once, while valid',
  });

  const archiver = new DomainFunction(scope, 'ArchiveFunction', {
    entry: 'functions/documents/archive.ts', domain: 'documents', config, memorySize: 1024, timeout: Duration.minutes(5),
  })
    .bindTable(table, 'readWrite')
    .bindBucket(materials, 'read', 'MATERIALS_BUCKET')
    .bindBucket(archive, 'readWrite', 'ARCHIVE_BUCKET')
    .bindValue('ARCHIVE_LOCK_MODE', config.archiveRetention.mode);
  // Writing an object with a retention or a legal hold needs these besides s3:PutObject.
  allowLocking(archiver, archive, ['s3:PutObjectRetention', 's3:PutObjectLegalHold']);
  new Consumer(scope, 'Archive', {
    // Whichever comes last — the completion or the last document — finds the case ready; a delivery after the seal is a supplement.
    trigger: { bus, eventPattern: { source: ['onestop.cases', 'onestop.documents'], detailType: ['CaseCompleted', 'DocumentIssued', 'CaseDelivered'] } },
    fn: archiver,
    config,
    description: 'A completed case with all its documents → its archival package in the Object-Locked archive bucket; its delivery → a supplement chained to the manifest',
  });
  return { documents, check, issue, licenceWatch, renewalWatch, archiver };
}

/**
 * The key every issued PDF is signed with (PAdES; functions/documents/signing/).
 * In AWS an asymmetric KMS key the issuing function may only sign with and read
 * the public key of (for the certificate it embeds); it never leaves KMS.
 * KMS does not rotate asymmetric keys: a rotation is a new key that takes over
 * the alias, the old one kept for verification (docs/decisions.md).
 */
function bindDocumentSigningKey(scope: Construct, issue: DomainFunction, config: StageConfig): void {
  if (config.signingKeys === 'secret') {
    const secret = new secretsmanager.Secret(scope, 'DocumentSigningSecret', {
      description: 'Seed of the ECDSA P-256 development key that signs issued PDFs where no KMS key is configured (the local cloud)',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: config.removalPolicy,
    });
    acknowledge(secret, 'AwsSolutions-SMG4',
      'Seed of the local stage\'s development key for issued PDFs, injected as a dynamic reference; a development key vouches for nobody, so it is not rotated.');
    issue.bindSecretValue(secret, 'DOCUMENT_SIGNING_SECRET');
    return;
  }
  const key = new kms.Key(scope, 'DocumentSigningKey', {
    description: `Signs the PDFs the OneStop centers issue (${config.stage}): receipts, notices, certificates`,
    keySpec: kms.KeySpec.ECC_NIST_P256,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
    removalPolicy: config.removalPolicy,
  });
  // An alias of its own, not the key's `alias` prop: a rotation (a key under a new construct id) then
  // moves it in place instead of creating a second alias of the same name.
  new kms.Alias(scope, 'DocumentSigningKeyAlias', { aliasName: `alias/onestop-${config.stage}-documents`, targetKey: key, removalPolicy: config.removalPolicy });
  key.grant(issue, 'kms:Sign', 'kms:GetPublicKey');
  issue.bindValue('DOCUMENT_SIGNING_KEY_ID', key.keyArn);
  new CfnOutput(scope, 'DocumentSigningKeyId', {
    value: key.keyArn,
    description: 'Public key of the issued PDFs\' signatures (compare with the certificate in a PDF): aws kms get-public-key --key-id <this>',
  });
}
