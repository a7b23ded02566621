/**
 * S3 event notifications to Lambda, as the template declares them:
 *   - `Custom::S3BucketNotifications`, what CDK's `bucket.addEventNotification`
 *     synthesizes: a custom resource whose inline-code handler calls
 *     PutBucketNotificationConfiguration at deploy time. Locally that handler is
 *     never run (inline code is not runnable); its NotificationConfiguration is
 *     read here instead;
 *   - `AWS::S3::Bucket` NotificationConfiguration.LambdaConfigurations.
 *
 * Supported: Lambda destinations of this stack, for the events the local S3
 * (s3rver) produces — s3:ObjectCreated:* (Put, Post, Copy,
 * CompleteMultipartUpload) and s3:ObjectRemoved:* (Delete; DeleteMarkerCreated
 * never happens, as in S3 on an unversioned bucket) — with prefix/suffix key
 * filters. Anything else stops start-up with the resource and property named,
 * rather than never firing: queue, topic and EventBridge destinations, other
 * event types (tagging, ACL, restore, replication, lifecycle...), other filter
 * rules, removal events on a versioned bucket (s3rver has no versioning: S3
 * would create a delete marker), two declarations for one bucket, and
 * overlapping configurations (S3 refuses those at deploy time).
 */
import { createHash } from 'node:crypto';
import { physicalName, type CfnResource, type CfnTemplate, type Resolver } from './intrinsics.ts';

export interface S3NotificationModel {
  /** Where it is declared: `MaterialsBucketNotifications….NotificationConfiguration.LambdaFunctionConfigurations[0]`. */
  readonly source: string;
  readonly bucketId: string;
  /** The local bucket name (the logical id lowercased). */
  readonly bucket: string;
  /** `s3.configurationId` of the records: the configuration's Id, else a stable generated one (S3 generates one too). */
  readonly configurationId: string;
  /** As configured: `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`... */
  readonly events: readonly string[];
  /** Key filters, compared with the URL-encoded key as S3 does (a space in a filter is written `+`). */
  readonly prefix?: string;
  readonly suffix?: string;
  readonly functionId: string;
  /** Version or alias of a qualified function ARN; undefined = unqualified. */
  readonly qualifier?: string;
}

/** The event types the local S3 can emit, hence the only ones a configuration may name. */
export const LOCAL_S3_EVENT_TYPES = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
] as const;

/** Does a configured event type (`s3:ObjectCreated:*`) cover a record's eventName (`ObjectCreated:Put`)? */
export function eventTypeMatches(configured: string, eventName: string): boolean {
  if (configured.endsWith(':*')) return eventName.startsWith(`${configured.slice('s3:'.length, -1)}`);
  return configured === `s3:${eventName}`;
}

/** Does the configuration want this event for this (URL-encoded) key? */
export function notificationMatches(n: Pick<S3NotificationModel, 'events' | 'prefix' | 'suffix'>, eventName: string, encodedKey: string): boolean {
  return (
    n.events.some((e) => eventTypeMatches(e, eventName)) &&
    (n.prefix === undefined || encodedKey.startsWith(n.prefix)) &&
    (n.suffix === undefined || encodedKey.endsWith(n.suffix))
  );
}

const typesOverlap = (a: string, b: string) => {
  const family = (t: string) => t.split(':').slice(0, 2).join(':');
  return a === b || (family(a) === family(b) && (a.endsWith(':*') || b.endsWith(':*')));
};

/** S3's rule: two configurations of a bucket may not share an event type with overlapping prefixes AND suffixes. */
function overlapping(a: S3NotificationModel, b: S3NotificationModel): boolean {
  const [pa, pb, sa, sb] = [a.prefix ?? '', b.prefix ?? '', a.suffix ?? '', b.suffix ?? ''];
  return (
    a.events.some((x) => b.events.some((y) => typesOverlap(x, y))) &&
    (pa.startsWith(pb) || pb.startsWith(pa)) &&
    (sa.endsWith(sb) || sb.endsWith(sa))
  );
}

/** A stable stand-in for the id S3 generates for a configuration without one (base64 of a UUID, like S3's). */
function generatedId(source: string): string {
  const h = createHash('sha256').update(source).digest('hex');
  return Buffer.from(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`).toString('base64');
}

interface RawConfig {
  readonly where: string;
  readonly id?: unknown;
  readonly events: unknown;
  readonly rules: unknown;
  readonly functionArn: unknown;
}

export function extractS3Notifications(
  template: CfnTemplate,
  r: Resolver,
  /** ARN or name → logical id of one of `types`, or throws naming `where`. */
  lookup: (arnOrName: string, types: string[], where: string) => string,
): S3NotificationModel[] {
  const declaredBy = new Map<string, string>(); // bucket logical id → the resource declaring its notifications
  const out: S3NotificationModel[] = [];

  const declare = (bucketId: string, by: string, configs: RawConfig[]) => {
    const earlier = declaredBy.get(bucketId);
    if (earlier) throw new Error(`${by}: the notifications of bucket ${bucketId} are also declared by ${earlier}; S3 keeps one configuration per bucket and the local cloud does not guess which`);
    declaredBy.set(bucketId, by);
    const bucketRes = template.Resources[bucketId]!;
    const props = (bucketRes.Properties ?? {}) as Record<string, any>;
    const versioned = r.resolve(props.VersioningConfiguration?.Status, `${bucketId}.VersioningConfiguration.Status`) === 'Enabled' || props.ObjectLockEnabled === true;
    const mine: S3NotificationModel[] = configs.map((c) => {
      const events = r.resolve(c.events, `${c.where}.Events`);
      if (!Array.isArray(events) || events.length === 0) throw new Error(`${c.where}.Events: expected a non-empty list of event types, got ${JSON.stringify(events)}`);
      for (const e of events) {
        if (!(LOCAL_S3_EVENT_TYPES as readonly string[]).includes(String(e))) {
          throw new Error(`${c.where}.Events: ${String(e)} is not emitted by the local S3 (s3rver); supported: ${LOCAL_S3_EVENT_TYPES.join(', ')}`);
        }
        if (versioned && String(e).startsWith('s3:ObjectRemoved')) {
          throw new Error(`${c.where}.Events: ${String(e)} on versioned bucket ${bucketId}: s3rver has no versioning, so a delete would be reported as ObjectRemoved:Delete where S3 creates a delete marker`);
        }
      }
      const filter: { prefix?: string; suffix?: string } = {};
      const rules = r.resolve(c.rules ?? [], `${c.where}.Filter`);
      if (!Array.isArray(rules)) throw new Error(`${c.where}.Filter: expected a list of filter rules, got ${JSON.stringify(rules)}`);
      for (const [i, rule] of (rules as { Name?: unknown; Value?: unknown }[]).entries()) {
        const name = String(rule.Name).toLowerCase();
        if (name !== 'prefix' && name !== 'suffix') throw new Error(`${c.where}.Filter rule ${i}: ${String(rule.Name)} is not a key filter S3 knows (prefix or suffix)`);
        if (filter[name] !== undefined) throw new Error(`${c.where}.Filter: two ${name} rules (S3 refuses this configuration)`);
        filter[name] = String(rule.Value ?? '');
      }
      const arn = r.resolveString(c.functionArn, `${c.where}.Function`);
      return {
        source: c.where,
        bucketId,
        bucket: physicalName(bucketId, 'AWS::S3::Bucket'),
        configurationId: c.id === undefined || c.id === '' ? generatedId(c.where) : r.resolveString(c.id, `${c.where}.Id`),
        events: events.map(String),
        ...filter,
        functionId: lookup(arn, ['AWS::Lambda::Function'], `${c.where} (only Lambda functions of this stack are supported as S3 notification destinations)`),
        qualifier: /:function:[^:]+:([^:]+)$/.exec(arn)?.[1],
      };
    });
    mine.forEach((a, i) =>
      mine.slice(i + 1).forEach((b) => {
        if (overlapping(a, b)) throw new Error(`${b.source}: overlaps ${a.source} (a shared event type with overlapping prefix and suffix); S3 refuses this configuration as ambiguously defined`);
      }),
    );
    out.push(...mine);
  };

  const refuse = (where: string, config: Record<string, unknown>, known: string[]) => {
    for (const key of Object.keys(config)) {
      if (known.includes(key)) continue;
      const value = config[key];
      if (Array.isArray(value) && value.length === 0) continue;
      if (key === 'EventBridgeConfiguration' && (value as { EventBridgeEnabled?: unknown })?.EventBridgeEnabled === false) continue;
      throw new Error(`${where}.${key}: only Lambda destinations of S3 notifications are supported by the local cloud`);
    }
  };

  for (const [id, res] of Object.entries(template.Resources) as [string, CfnResource][]) {
    if (res.Type === 'Custom::S3BucketNotifications') {
      const p = res.Properties ?? {};
      const bucketName = r.resolveString(p.BucketName, `${id}.BucketName`);
      const bucketId = lookup(`arn:aws:s3:::${bucketName}`, ['AWS::S3::Bucket'], `${id}.BucketName`);
      const nc = (p.NotificationConfiguration ?? {}) as Record<string, unknown>;
      refuse(`${id}.NotificationConfiguration`, nc, ['LambdaFunctionConfigurations']);
      const configs = ((nc.LambdaFunctionConfigurations ?? []) as Record<string, any>[]).map((c, i): RawConfig => ({
        where: `${id}.NotificationConfiguration.LambdaFunctionConfigurations[${i}]`,
        id: c.Id,
        events: c.Events,
        rules: c.Filter?.Key?.FilterRules,
        functionArn: c.LambdaFunctionArn,
      }));
      declare(bucketId, id, configs);
    } else if (res.Type === 'AWS::S3::Bucket' && res.Properties?.NotificationConfiguration !== undefined) {
      const nc = res.Properties.NotificationConfiguration as Record<string, unknown>;
      refuse(`${id}.NotificationConfiguration`, nc, ['LambdaConfigurations']);
      const configs = ((nc.LambdaConfigurations ?? []) as Record<string, any>[]).map((c, i): RawConfig => ({
        where: `${id}.NotificationConfiguration.LambdaConfigurations[${i}]`,
        events: c.Event === undefined ? undefined : [c.Event],
        rules: c.Filter?.S3Key?.Rules,
        functionArn: c.Function,
      }));
      declare(id, id, configs);
    }
  }
  return out;
}
