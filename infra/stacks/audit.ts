/**
 * The audit log (DESIGN §4, §8): the consumer that appends every event of the
 * bus to the hash chains (fed by a queue, in batches), the auditors' API, and the daily digest that seals
 * each center's day into the Object-Locked audit bucket, signed by an
 * asymmetric KMS key (or, in the local cloud, a key kept in a secret).
 */
import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { Consumer } from '../constructs/consumer.ts';
import { DomainFunction } from '../constructs/domain-function.ts';
import type { DomainHttpApi } from '../constructs/http-api.ts';
import { acknowledge } from '../nag.ts';

export interface AuditDeps {
  readonly table: ITable;
  readonly bus: events.IEventBus;
  readonly api: DomainHttpApi;
  /** The Object-Locked audit bucket (storage.ts). */
  readonly bucket: IBucket;
  /** The HMAC key of pagination cursors. */
  readonly cursorKey: secretsmanager.ISecret;
  readonly config: StageConfig;
}

export function createAudit(scope: Construct, deps: AuditDeps) {
  const { table, bus, api, bucket, cursorKey, config } = deps;

  const reader = new DomainFunction(scope, 'AuditApiFunction', { entry: 'functions/audit/handler.ts', domain: 'audit', config })
    .bindTable(table, 'read')
    .bindSecretValue(cursorKey, 'CURSOR_KEY');
  api.addDomain('audit', reader);

  // GetItem (the chain head) + conditional PutItems in transactions: never an update, a delete or a Query.
  const consumer = new DomainFunction(scope, 'AuditConsumerFunction', { entry: 'functions/audit/consumer.ts', domain: 'audit', config, timeout: Duration.seconds(AUDIT_CONSUMER_TIMEOUT_S) })
    .bindTable(table, 'append');
  const { queue, dlq } = auditQueue(scope, config);
  new events.Rule(scope, 'AuditRule', {
    eventBus: bus,
    eventPattern: { source: events.Match.prefix('onestop.') },
    description: 'Every OneStop event → the audit queue → the hash-chained audit log',
    // Delivery to the queue (SendMessage) fails only if the queue is unusable: bounded, then dead-lettered.
    targets: [new targets.SqsQueue(queue, { retryAttempts: 10, maxEventAge: config.maxEventAge, deadLetterQueue: dlq })],
  });
  consumer.addEventSource(new SqsEventSource(queue, {
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    reportBatchItemFailures: true,
    // Each concurrent batch may race the others for a busy chain's head; five batches of 100 keep up with the province's peak.
    maxConcurrency: 5,
  }));

  const digester = new DomainFunction(scope, 'AuditDigestFunction', { entry: 'functions/audit/digester.ts', domain: 'audit', config })
    .bindTable(table, 'readAppend')
    .bindBucket(bucket, 'readWrite', 'AUDIT_BUCKET');
  let signingKey: kms.Key | undefined;
  if (config.signingKeys === 'kms') {
    signingKey = new kms.Key(scope, 'AuditSigningKey', {
      description: `Signs the daily digests of the OneStop audit log (${config.stage}); auditors verify with its public key`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      alias: `onestop-${config.stage}-audit-digests`,
      removalPolicy: config.removalPolicy,
    });
    // Sign only: the private key never leaves KMS, and the function cannot read or change the key.
    signingKey.grant(digester, 'kms:Sign');
    digester.bindValue('AUDIT_SIGNING_KEY_ID', signingKey.keyArn);
    new CfnOutput(scope, 'AuditSigningKeyId', {
      value: signingKey.keyArn,
      description: 'Public key for `npm run audit:verify -- --public-key`: aws kms get-public-key --key-id <this>',
    });
  } else {
    const secret = new secretsmanager.Secret(scope, 'AuditSigningSecret', {
      description: 'Seed of the ECDSA P-256 key that signs audit digests where no KMS key is configured (the local cloud)',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: config.removalPolicy,
    });
    acknowledge(secret, 'AwsSolutions-SMG4',
      'Seed of the local stage\'s digest signing key, injected as a dynamic reference; rotating it would change the key that verifies earlier digests, so it is not rotated.');
    digester.bindSecretValue(secret, 'AUDIT_SIGNING_SECRET');
  }
  new Consumer(scope, 'AuditDigest', {
    trigger: { schedule: events.Schedule.expression(config.auditDigestSchedule) },
    fn: digester,
    config,
    description: 'Seals each center\'s day of the audit log: signed digest of its chain heads into the audit bucket',
  });
  return { reader, consumer, queue, dlq, digester, signingKey };
}

/** The consumer's timeout: a batch of 100 events is a few hundred requests, grouped by chain and sent in parallel. */
const AUDIT_CONSUMER_TIMEOUT_S = 10;
/**
 * Receives of one message before it is dead-lettered: a chain that loses its
 * race sends its events back to the queue, so a message may be received many
 * times under contention before it is appended; an invalid event ends in the
 * dead-letter queue after as many attempts.
 */
export const AUDIT_MAX_RECEIVE_COUNT = 20;

/**
 * The audit queue (standard: ordering within a chain comes from the chain
 * head, not the queue) and its dead-letter queue, which also takes events the
 * rule could not deliver. Encrypted and TLS-only, like every consumer's DLQ.
 */
function auditQueue(scope: Construct, config: StageConfig) {
  const dlq = new sqs.Queue(scope, 'AuditQueueDlq', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    removalPolicy: config.removalPolicy,
  });
  const queue = new sqs.Queue(scope, 'AuditQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // Lambda's advice for an SQS source: six times the function timeout plus the batching window.
    visibilityTimeout: Duration.seconds(6 * AUDIT_CONSUMER_TIMEOUT_S + 1),
    retentionPeriod: Duration.days(14),
    deadLetterQueue: { queue: dlq, maxReceiveCount: AUDIT_MAX_RECEIVE_COUNT },
    removalPolicy: config.removalPolicy,
  });
  return { queue, dlq };
}
