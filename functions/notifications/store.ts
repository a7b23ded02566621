/**
 * The delivery log of notifications: the only module that knows its keys.
 *
 *   delivery   PK <log>  SK <eventId>#<channel>
 *              { status: sending | sent | failed | skipped, attempts, leaseUntil, to (masked), caseNo or appointmentId, … }
 *   announced  PK <log>  SK <eventId>#announced   (its NotificationSent is out)
 *   letter     PK <log>  SK <eventId>#postal#<party>
 *              { status: queued, queue: mail-room, party (its place in the case's notice of the right), subject, text, … }
 *   events     PK <log>  SK EVENT#<ulid>   (NotificationSent, via the outbox)
 *   where <log> is CENTER#<c>#NOTIFY#<caseNo> for a case's messages to its applicant, CENTER#<c>#NOTIFY#<caseNo>#AGENT#<agentApplicantId>
 *   for those to an agent (代办人) of the applicant, CENTER#<c>#NOTIFY#APPT#<appointmentId> for an appointment's
 *   staff notice  PK CENTER#<c>#STAFFNOTICE#<yyyy-mm-dd>  SK <clock>:<level>#<caseNo or evaluationId>  (TTL 30 days)
 *
 * A delivery is claimed before its message goes out (a lease, so a crashed
 * attempt is retried after it lapses) and marked sent after: a redelivered
 * event finds it sent and sends nothing. Once every channel is settled, one
 * NotificationSent tells what each did, written with a marker so that a
 * redelivery announces nothing twice.
 *
 * Letters by post (邮寄送达) have no sender here: they are logged as queued for
 * the center's mail room, once per event and party, and name nobody (the mail
 * room addresses them from the case).
 */
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delivery } from '#schemas/api/notifications';
import { db, isConcurrentChange, queryAll, tableName } from '#shared/db';
import { outboxItem, type EventDraft } from '#shared/events';
import type { ChannelOutcome, NotificationSentData } from '#schemas/events/notifications';
import type { Letter } from './templates.ts';

/**
 * What a message is about, and so whose delivery log it goes in: a case, or
 * an appointment (its confirmations); `agent`: the message to an agent of the
 * case's applicant (their applicant id), logged apart from the applicant's.
 */
export interface DeliverySubject {
  readonly type: 'case' | 'appointment' | 'complaint';
  readonly id: string;
  readonly agent?: string;
}

// A case number has no '#': an appointment's log, a complaint's or an agent's can never be taken for a case's (the case's log is one partition of its own).
const logPk = (centerId: string, s: DeliverySubject) =>
  s.type === 'appointment' ? `CENTER#${centerId}#NOTIFY#APPT#${s.id}`
    : s.type === 'complaint' ? `CENTER#${centerId}#NOTIFY#COMPLAINT#${s.id}`
      : `CENTER#${centerId}#NOTIFY#${s.id}${s.agent ? `#AGENT#${s.agent}` : ''}`;
const subjectAttribute = { case: 'caseNo', appointment: 'appointmentId', complaint: 'complaintId' } as const;
const deliveryKey = (centerId: string, s: DeliverySubject, eventId: string, channel: string) => ({ PK: logPk(centerId, s), SK: `${eventId}#${channel}` });

/** How long an attempt holds a delivery before another may take it over (longer than the function's timeout). */
export const LEASE_MS = 30_000;

export type Claim = 'claimed' | 'done' | 'held';

/**
 * Claims a delivery for this attempt: `claimed` (go ahead), `done` (sent or
 * skipped before: nothing to do) or `held` (another attempt holds a live lease:
 * retry later).
 */
export function claim(centerId: string, subject: DeliverySubject, eventId: string, channel: string, nowMs: number): Promise<Claim> {
  return claimKey(deliveryKey(centerId, subject, eventId, channel), 'delivery', nowMs);
}

const staffNoticeKey = (centerId: string, date: string, level: string, subjectId: string) => ({ PK: `CENTER#${centerId}#STAFFNOTICE#${date}`, SK: `${level}#${subjectId}` });
const DAY_SECONDS = 86_400;

/** Claims the notice to staff of a clock's threshold (a case's, a bad review's task), once per subject, clock, level and day. */
export function claimStaffNotice(centerId: string, date: string, level: string, subjectId: string, nowMs: number): Promise<Claim> {
  return claimKey(staffNoticeKey(centerId, date, level, subjectId), 'staffNotice', nowMs, Math.floor(nowMs / 1000) + 30 * DAY_SECONDS);
}

/** Marks claimed staff notices sent, or releases them (failed: the next run tries again). */
export async function settleStaffNotices(centerId: string, date: string, notices: readonly { level: string; subjectId: string }[], status: 'sent' | 'failed'): Promise<void> {
  for (const n of notices) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: staffNoticeKey(centerId, date, n.level, n.subjectId),
        UpdateExpression: 'SET #s = :s, leaseUntil = :zero',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':zero': 0 },
      }),
    );
  }
}

async function claimKey(key: { PK: string; SK: string }, kind: string, nowMs: number, expiresAt?: number): Promise<Claim> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: `SET #s = :sending, leaseUntil = :lease, #kind = :kind${expiresAt ? ', expiresAt = :exp' : ''} ADD attempts :one`,
        ConditionExpression: 'attribute_not_exists(PK) OR (#s <> :sent AND #s <> :skipped AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#s': 'status', '#kind': 'kind' },
        ExpressionAttributeValues: {
          ':sending': 'sending', ':sent': 'sent', ':skipped': 'skipped', ':lease': nowMs + LEASE_MS, ':now': nowMs, ':one': 1, ':kind': kind,
          ...(expiresAt ? { ':exp': expiresAt } : {}),
        },
      }),
    );
    return 'claimed';
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    const current = await db.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    const status = current.Item?.status;
    return status === 'sent' || status === 'skipped' ? 'done' : 'held';
  }
}

/** The outcome of a claimed delivery, recorded under its subject (as `caseNo` or `appointmentId`). */
export async function settle(centerId: string, subject: DeliverySubject, delivery: Omit<Delivery, 'attempts' | 'caseNo'>): Promise<void> {
  const { eventId, channel, ...fields } = delivery;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    return `#f${i} = :v${i}`;
  });
  await db.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: deliveryKey(centerId, subject, eventId, channel),
      UpdateExpression: `SET ${sets.join(', ')}, #subject = :subject, eventId = :eventId, channel = :channel`,
      ExpressionAttributeNames: { ...names, '#subject': subjectAttribute[subject.type] },
      ExpressionAttributeValues: { ...values, ':subject': subject.id, ':eventId': eventId, ':channel': channel },
    }),
  );
}

/** The settled channels of one event's notification, as its NotificationSent tells them. */
export async function outcomesOf(centerId: string, subject: DeliverySubject, eventId: string): Promise<ChannelOutcome[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :event)',
    ExpressionAttributeValues: { ':pk': logPk(centerId, subject), ':event': `${eventId}#` },
    ConsistentRead: true,
  });
  return items
    .filter((item) => item.kind === 'delivery' && (item.status === 'sent' || item.status === 'skipped'))
    .map((item) => ({ channel: item.channel, status: item.status, ...(item.to ? { to: item.to } : {}), ...(item.messageId ? { messageId: item.messageId } : {}) }) as ChannelOutcome);
}

/** Publishes the notification's one NotificationSent, unless an earlier attempt did. */
export async function announce(centerId: string, subject: DeliverySubject, eventId: string, event: EventDraft<NotificationSentData>): Promise<void> {
  const pk = logPk(centerId, subject);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { PK: pk, SK: `${eventId}#announced`, kind: 'announced' }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: { TableName: tableName(), Item: outboxItem(pk, event).item } },
        ],
      }),
    );
  } catch (err) {
    // Only the marker's condition means "announced before"; a conflict is retried like any failure.
    if ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw err;
  }
}

/** Queues a case event's letter for the mail room, one per party; a redelivered event queues none twice. */
export async function queueLetters(centerId: string, caseNo: string, eventId: string, eventType: string, letter: Letter, at: string): Promise<void> {
  const subject: DeliverySubject = { type: 'case', id: caseNo };
  for (const party of letter.parties) {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...deliveryKey(centerId, subject, eventId, `postal#${party}`), kind: 'letter', channel: 'postal', status: 'queued', queue: 'mail-room',
            caseNo, eventId, eventType, party, language: 'zh-CN', subject: letter.subject, text: letter.text, at,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if (!isConcurrentChange(err)) throw err;
    }
  }
}

/** A case's deliveries, oldest event first. */
export async function deliveriesOf(centerId: string, caseNo: string): Promise<Delivery[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': logPk(centerId, { type: 'case', id: caseNo }) } });
  return items.filter((item) => item.kind === 'delivery').map((item) => {
    const { PK: _p, SK: _s, kind: _k, leaseUntil: _l, ...rest } = item;
    return rest as Delivery;
  });
}
