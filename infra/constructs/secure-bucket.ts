/**
 * S3 with the project's secure defaults in one place: public access blocked,
 * S3-managed encryption, TLS-only bucket policy, versioning, server access
 * logs to the access-log bucket; optionally Object Lock with a default
 * retention and CORS for browser uploads.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ObjectLockSettings } from '../config.ts';

export interface SecureBucketProps {
  readonly removalPolicy: RemovalPolicy;
  /**
   * The bucket that receives this bucket's server access logs.
   * Omit only for the access-log bucket itself (cdk-nag S1 accepts a bucket
   * that is another bucket's log target; logging it to itself would loop).
   */
  readonly accessLogs?: s3.IBucket;
  /** Object Lock (WORM) with this default retention for every new object version. */
  readonly objectLock?: ObjectLockSettings;
  readonly cors?: s3.CorsRule[];
  readonly lifecycleRules?: s3.LifecycleRule[];
}

export class SecureBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    const lock = props.objectLock;
    super(scope, id, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      ...(props.accessLogs ? { serverAccessLogsBucket: props.accessLogs, serverAccessLogsPrefix: `${id}/` } : {}),
      ...(lock
        ? {
            objectLockEnabled: true,
            objectLockDefaultRetention: lock.mode === 'COMPLIANCE'
              ? s3.ObjectLockRetention.compliance(Duration.days(lock.days))
              : s3.ObjectLockRetention.governance(Duration.days(lock.days)),
          }
        : {}),
      ...(props.cors ? { cors: props.cors } : {}),
      ...(props.lifecycleRules ? { lifecycleRules: props.lifecycleRules } : {}),
    });
  }
}
