/**
 * Stateful storage of the stack: the single table and the four buckets.
 * Construct ids are those of the contract (Table, MaterialsBucket, ...): the
 * local cloud and the tests find resources by them.
 */
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { SecureBucket } from '../constructs/secure-bucket.ts';

export function createTable(scope: Construct, config: StageConfig): dynamodb.Table {
  const table = new dynamodb.Table(scope, 'Table', {
    partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: config.deletionProtection,
    timeToLiveAttribute: 'expiresAt',
    stream: dynamodb.StreamViewType.NEW_IMAGE,
    removalPolicy: config.removalPolicy,
  });
  // GSI1 work queues and lists, GSI2 by time, GSI3 the sweeper's dates, GSI4 an applicant's cases (docs/data-model.md).
  for (const index of ['GSI1', 'GSI2', 'GSI3', 'GSI4']) {
    table.addGlobalSecondaryIndex({
      indexName: index,
      partitionKey: { name: `${index}PK`, type: dynamodb.AttributeType.STRING },
      sortKey: { name: `${index}SK`, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
  // GSI5 the watch: when the case watcher looks at a case next. It needs only which case: a small projection.
  table.addGlobalSecondaryIndex({
    indexName: 'GSI5',
    partitionKey: { name: 'GSI5PK', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'GSI5SK', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.INCLUDE,
    nonKeyAttributes: ['centerId', 'caseNo'],
  });
  return table;
}

export interface Buckets {
  readonly accessLogs: s3.Bucket;
  readonly materials: s3.Bucket;
  readonly archive: s3.Bucket;
  readonly audit: s3.Bucket;
}

export function createBuckets(scope: Construct, config: StageConfig): Buckets {
  const { removalPolicy } = config;
  const accessLogs = new SecureBucket(scope, 'AccessLogsBucket', {
    removalPolicy,
    lifecycleRules: [{
      id: 'expire-access-logs',
      expiration: Duration.days(config.stage === 'prod' ? 365 : 30),
      noncurrentVersionExpiration: Duration.days(7),
    }],
  });
  const materials = new SecureBucket(scope, 'MaterialsBucket', {
    removalPolicy,
    accessLogs,
    // Browsers upload materials with presigned PUT URLs and read them back with presigned GETs.
    cors: [{
      allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      allowedOrigins: [...config.allowedOrigins],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 3600,
    }],
    lifecycleRules: [
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      // A rejected upload is deleted by its check: its bytes must not linger as an old version.
      { id: 'purge-rejected-uploads', prefix: 'uploads/', noncurrentVersionExpiration: Duration.days(1) },
    ],
  });
  const archive = new SecureBucket(scope, 'ArchiveBucket', {
    removalPolicy,
    accessLogs,
    objectLock: config.archiveRetention,
    // An approved destruction leaves delete markers; S3 removes the old versions once their lock allows it.
    lifecycleRules: [{ id: 'purge-disposed-versions', noncurrentVersionExpiration: Duration.days(30) }],
  });
  const audit = new SecureBucket(scope, 'AuditBucket', { removalPolicy, accessLogs, objectLock: config.auditRetention });
  return { accessLogs, materials, archive, audit };
}
