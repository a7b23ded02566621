/**
 * S3 event notifications to Lambda, emulated: every object event of the local
 * S3 (local/emulators/s3.ts) is matched against the bucket's notification
 * configurations (template-s3.ts) — event type, then prefix/suffix on the
 * URL-encoded key, as S3 compares them — and each matching configuration's
 * function is invoked ASYNCHRONOUSLY with one S3 notification record, through
 * the same Lambda async queue as the bus's targets (bus/lambda-async.ts): the
 * function's EventInvokeConfig retries, OnFailure destination and
 * DeadLetterConfig apply, and the local cloud's idle() waits for it all.
 *
 * As in AWS, S3 does not wait for the function: the upload succeeds whatever
 * the function does. S3 itself has no dead-letter queue; only the refusal of
 * the Invoke call (which cannot happen for a function of the stack) loses an
 * event, loudly.
 */
import type { S3ObjectEvent } from '../emulators/s3.ts';
import { LOCAL_REGION } from '../intrinsics.ts';
import { notificationMatches, type S3NotificationModel } from '../template-s3.ts';

/** The S3 notification record as Lambda receives it (size and eTag only for created objects). */
export interface S3NotificationRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

export interface S3NotificationStats {
  /** Object events the local S3 reported. */
  objectEvents: number;
  /** Notifications handed to a function's async invoke queue (its own errors then count in the bus's stats). */
  delivered: number;
  /** Notifications the Invoke call refused: lost, as S3 has no dead-letter queue. */
  lost: number;
}

/** The one requester locally: s3rver accepts only the S3RVER access key. */
const PRINCIPAL = 'AWS:S3RVER';
/** Stands for the bucket owner's canonical id. */
const OWNER = 'S3RVERLOCALOWNER';

/**
 * The key as S3 writes it in notification records: URL-encoded the
 * application/x-www-form-urlencoded way (`red flower.jpg` → `red+flower.jpg`,
 * `+` → `%2B`, UTF-8 bytes as %XX), letters, digits and `.-_*` kept, and `/` kept.
 */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

export function notificationRecord(e: S3ObjectEvent, n: Pick<S3NotificationModel, 'configurationId'>): S3NotificationRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime: e.eventTime,
    eventName: e.eventName,
    userIdentity: { principalId: PRINCIPAL },
    requestParameters: { sourceIPAddress: e.sourceIPAddress },
    responseElements: { 'x-amz-request-id': e.requestId, 'x-amz-id-2': e.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: n.configurationId,
      bucket: { name: e.bucket, ownerIdentity: { principalId: OWNER }, arn: `arn:aws:s3:::${e.bucket}` },
      object: {
        key: encodeS3Key(e.key),
        ...(e.size !== undefined ? { size: e.size } : {}),
        ...(e.eTag !== undefined ? { eTag: e.eTag } : {}),
        sequencer: e.sequencer,
      },
    },
  };
}

export interface S3NotifierOptions {
  readonly notifications: readonly S3NotificationModel[];
  /** Lambda's asynchronous Invoke (LocalBus.lambda.invokeAsync): queues the event and returns its request id, or throws when refused. */
  invokeAsync(functionId: string, payload: unknown, qualifier?: string): string;
  log(line: string): void;
}

export class S3Notifier {
  private readonly counters: S3NotificationStats = { objectEvents: 0, delivered: 0, lost: 0 };

  constructor(private readonly opts: S3NotifierOptions) {}

  stats(): S3NotificationStats {
    return { ...this.counters };
  }

  /** Sends the event to every configuration of its bucket that wants it. */
  handle(e: S3ObjectEvent): void {
    this.counters.objectEvents++;
    const key = encodeS3Key(e.key);
    for (const n of this.opts.notifications) {
      if (n.bucket !== e.bucket || !notificationMatches(n, e.eventName, key)) continue;
      const what = `s3: ${e.eventName} ${e.bucket}/${key} → ${n.functionId}${n.qualifier ? `:${n.qualifier}` : ''} (configuration ${n.configurationId})`;
      try {
        const requestId = this.opts.invokeAsync(n.functionId, { Records: [notificationRecord(e, n)] }, n.qualifier);
        this.counters.delivered++;
        this.opts.log(`${what}, request ${requestId}`);
      } catch (err) {
        this.counters.lost++;
        this.opts.log(`!!! EVENT LOST !!! ${what}: the Invoke call was refused (${(err as Error).name}: ${(err as Error).message}); S3 has no dead-letter queue`);
      }
    }
  }
}
