/**
 * CDK assertions on documents and archives: the archive bucket's Object Lock
 * (s3rver has none, so the settings are checked here), the upload check on
 * the materials bucket's notification, the font layer, the document signing
 * key, and each function's grants (deletes only under its own prefix;
 * retention only on packages; Sign and GetPublicKey on the document key only).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CJK_FONT_LAMBDA_PATH } from '../../functions/documents/pdf/font-asset.ts';
import { logicalIdByPath, resourcesOf, statementsOf, synthTemplate } from './synth.ts';

let dev: Template;
let prod: Template;
let local: Template;
beforeAll(() => {
  dev = synthTemplate('dev');
  prod = synthTemplate('prod');
  local = synthTemplate('local');
});

const objectsUnder = (bucketId: string, prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${prefix}*`]] });

describe('archive bucket', () => {
  it('is Object-Locked: COMPLIANCE by default in prod, so no package can be deleted before its retention', () => {
    prod.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 * 365 } } },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'purge-disposed-versions', NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
    });
  });

  it('the archive function writes packages in the stage\'s lock mode, with retention and legal-hold rights on archives/ only', () => {
    const vars = (t: Template) => t.toJSON().Resources[logicalIdByPath(t, 'ArchiveFunction')].Properties.Environment.Variables;
    expect(vars(prod).ARCHIVE_LOCK_MODE).toBe('COMPLIANCE');
    expect(vars(dev).ARCHIVE_LOCK_MODE).toBe('GOVERNANCE');
    const archive = logicalIdByPath(dev, 'ArchiveBucket');
    const lock = statementsOf(dev, 'ArchiveFunction').find((s) => s.Action.includes('s3:PutObjectRetention'))!;
    expect(lock.Action.sort()).toEqual(['s3:PutObjectLegalHold', 's3:PutObjectRetention']);
    expect(lock.Resource).toEqual(objectsUnder(archive, 'archives/'));
    expect(statementsOf(dev, 'ArchiveFunction').flatMap((s) => s.Action)).not.toContain('s3:DeleteObject');
  });
});

describe('materials bucket', () => {
  it('notifies the upload check of every object created under uploads/', () => {
    dev.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdByPath(dev, 'MaterialsBucket') },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
          LambdaFunctionArn: { 'Fn::GetAtt': [logicalIdByPath(dev, 'MaterialCheckFunction'), 'Arn'] },
        }],
      },
    });
    dev.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdByPath(dev, 'MaterialCheckFunction') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('keeps no old version of a rejected upload', () => {
    dev.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'purge-rejected-uploads', Prefix: 'uploads/', NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]) },
    });
  });

  it('the check deletes rejected uploads; only the documents API deletes packages and working copies (an approved destruction)', () => {
    const deletes = (fn: string) => statementsOf(dev, fn).filter((s) => s.Action.includes('s3:DeleteObject')).flatMap((s) => [s.Resource].flat());
    expect(deletes('MaterialCheckFunction')).toEqual([objectsUnder(logicalIdByPath(dev, 'MaterialsBucket'), 'uploads/')]);
    const materials = logicalIdByPath(dev, 'MaterialsBucket');
    expect(deletes('DocumentsFunction')).toEqual(expect.arrayContaining([objectsUnder(logicalIdByPath(dev, 'ArchiveBucket'), 'archives/'), objectsUnder(materials, 'uploads/'), objectsUnder(materials, 'documents/')]));
    expect(deletes('DocumentsFunction')).toHaveLength(3);
    const retention = statementsOf(dev, 'DocumentsFunction').find((st) => st.Action.includes('s3:PutObjectRetention'))!;
    expect(retention).toMatchObject({ Action: ['s3:PutObjectRetention'], Resource: objectsUnder(logicalIdByPath(dev, 'ArchiveBucket'), 'archives/') });
    for (const fn of ['DocumentIssueFunction', 'ArchiveFunction', 'CasesFunction']) expect(deletes(fn), fn).toEqual([]);
  });
});

describe('documents consumers', () => {
  it('the issuing function gets the CJK font from a layer at CJK_FONT_PATH', () => {
    const fn = dev.toJSON().Resources[logicalIdByPath(dev, 'DocumentIssueFunction')].Properties;
    expect(fn.Environment.Variables.CJK_FONT_PATH).toBe(CJK_FONT_LAMBDA_PATH);
    expect(fn.Layers).toEqual([{ Ref: logicalIdByPath(dev, 'CjkFontLayer') }]);
  });

  it('documents follow acceptance, refusal, the supplement notice, approval and denial (and closure, for the e-licence), and a charge issued and a payment recorded; the archive follows completion, each issued document and the delivery', () => {
    const rule = (fn: string) => Object.values(resourcesOf(dev, 'AWS::Events::Rule'))
      .find((r) => (r.Properties!.Targets as { Arn: unknown }[]).some((t) => JSON.stringify(t.Arn).includes(logicalIdByPath(dev, fn))))!.Properties!;
    expect(rule('DocumentIssueFunction').EventPattern).toEqual({
      source: ['onestop.cases', 'onestop.fees'],
      'detail-type': ['CaseAccepted', 'CaseAcceptedWithTolerance', 'CaseDeemedAccepted', 'CaseRefused', 'SupplementRequested', 'CaseApproved', 'CaseDenied', 'CaseCompleted', 'ChargeIssued', 'PaymentRecorded'],
    });
    expect(rule('ArchiveFunction').EventPattern).toEqual({ source: ['onestop.cases', 'onestop.documents'], 'detail-type': ['CaseCompleted', 'DocumentIssued', 'CaseDelivered'] });
    expect(rule('LicenceWatchFunction').ScheduleExpression).toBe('rate(1 minute)');
    // Renewal reminders once a day, at 09:00 in China.
    expect(rule('RenewalWatchFunction').ScheduleExpression).toBe('cron(0 1 * * ? *)');
  });
});

describe('document signing key', () => {
  const kmsActions = (t: Template, fn: string) => statementsOf(t, fn).filter((st) => st.Action.some((a) => a.startsWith('kms:')));

  it('is an asymmetric ECC_NIST_P256 KMS key behind the stage\'s alias, which the issuing function may only Sign with and read the public key of', () => {
    for (const [stage, t] of [['dev', dev], ['prod', prod]] as const) {
      const keyId = logicalIdByPath(t, 'DocumentSigningKey');
      t.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/onestop-${stage}-documents`, TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      const fn = t.toJSON().Resources[logicalIdByPath(t, 'DocumentIssueFunction')].Properties;
      expect(fn.Environment.Variables.DOCUMENT_SIGNING_KEY_ID).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(fn.Environment.Variables.DOCUMENT_SIGNING_SECRET).toBeUndefined();
      expect(kmsActions(t, 'DocumentIssueFunction').map((st) => ({ ...st, Action: [...st.Action].sort() }))).toEqual([
        expect.objectContaining({ Effect: 'Allow', Action: ['kms:GetPublicKey', 'kms:Sign'], Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }),
      ]);
      expect(Object.keys(t.findOutputs('DocumentSigningKeyId'))).toEqual(['DocumentSigningKeyId']);
    }
  });

  it('no other role may use it, and the audit digest keeps its own key', () => {
    const keyId = logicalIdByPath(dev, 'DocumentSigningKey');
    const issueRole = dev.toJSON().Resources[logicalIdByPath(dev, 'DocumentIssueFunction')].Properties.Role['Fn::GetAtt'][0];
    const naming = Object.values(resourcesOf(dev, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties!.PolicyDocument).includes(keyId));
    expect(naming.map((p) => p.Properties!.Roles)).toEqual([[{ Ref: issueRole }]]);
    const digester = JSON.stringify(kmsActions(dev, 'AuditDigestFunction'));
    expect(digester).toContain(logicalIdByPath(dev, 'AuditSigningKey'));
    expect(digester).not.toContain(keyId);
  });

  it('is a development key from a secret in the local cloud, which has no KMS', () => {
    expect(Object.keys(resourcesOf(local, 'AWS::KMS::Key'))).toEqual([]);
    const vars = local.toJSON().Resources[logicalIdByPath(local, 'DocumentIssueFunction')].Properties.Environment.Variables;
    expect(vars.DOCUMENT_SIGNING_KEY_ID).toBeUndefined();
    expect(JSON.stringify(vars.DOCUMENT_SIGNING_SECRET)).toContain('{{resolve:secretsmanager:');
    expect(JSON.stringify(vars.DOCUMENT_SIGNING_SECRET)).toContain(logicalIdByPath(local, 'DocumentSigningSecret'));
    expect(logicalIdByPath(local, 'DocumentSigningSecret')).not.toBe(logicalIdByPath(local, 'AuditSigningSecret'));
  });
});
