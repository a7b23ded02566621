/**
 * The notification consumer: case events, appointment events, renewal
 * reminders and complaint steps on the bus become messages to the applicant
 * (or to the caller a clerk booked for, a certificate's holder: renewals.ts,
 * a complainant: complaint-notices.ts), by the channels they chose (by
 * default one: audience.ts), in their language. A case's messages also go
 * to the applicant's agents (代办人) who asked for them and whose
 * authorization covers the item that day, by the agents' own preferences,
 * each logged apart.
 *
 * Unless they ask for every step, applicants hear of a case's milestones only
 * (templates.ts); an appointment's confirmations always (appointments.ts). An
 * SMS is one part: the email carries the full text.
 *
 * Discipline: an event that does not match its schema fails the invocation
 * with the reason (after the bounded retries it lands in the DLQ, never
 * dropped); each (event, channel) is claimed before sending and settled after,
 * so a redelivered event sends nothing twice and a failed send is retried
 * without repeating the channels that already went out. Once both channels
 * are settled, one NotificationSent tells what each did. Deliveries are logged
 * under what the message is about: the case, the appointment, or the complaint.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { caseEventSchema, type CaseEventData } from '#schemas/events/cases';
import type { NotificationSentData } from '#schemas/events/notifications';
import type { DomainEvent } from '#shared/events';
import { maskEmail, maskPhone } from '#shared/identifiers';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { noticeAgents, profileById } from '../applicants/public.ts';
import { queryCodeFor } from '../cases/public.ts';
import { appointmentNotification } from './appointments.ts';
import { complaintNotifications } from './complaint-notices.ts';
import { renewalNotifications } from './renewals.ts';
import { accountAudience, mobileE164, type Audience, type Channel } from './audience.ts';
import { sendEmail, sendSms } from './senders.ts';
import * as store from './store.ts';
import { applicantNoticeSources } from './applicant-notices.ts';
import { isToldOf, queryCodeEventTypes, render, renderLetter, type Message } from './templates.ts';
import { InvalidEventError } from '#shared/invalid-event';

export class DeliveryFailed extends Error {
  override readonly name = 'DeliveryFailed';
}

type Outcome = { status: 'sent'; to: string; messageId: string } | { status: 'skipped'; to?: string; reason: string };

/** One message to deliver once per channel, and the log it goes in. */
export interface Notification extends Audience {
  readonly centerId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly subject: store.DeliverySubject;
  readonly message: Message;
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ sent: number; skipped: number }> {
  if (!applicantNoticeSources[event.source]?.includes(event['detail-type'])) {
    throw new InvalidEventError(`event ${event.id} (${event.source} ${event['detail-type']}) is not one this consumer takes`);
  }
  const notifications = event.source === 'onestop.queue'
    ? [await appointmentNotification(event)].filter((n) => n !== undefined)
    : event.source === 'onestop.documents' ? await renewalNotifications(event)
      : event.source === 'onestop.complaints' ? await complaintNotifications(event) : await caseNotifications(event);
  let sent = 0;
  let skipped = 0;
  // One recipient after another: a failure is retried whole, and the recipients already settled send nothing twice.
  for (const n of notifications) {
    const outcome = await notify(n);
    sent += outcome.sent;
    skipped += outcome.skipped;
  }
  return { sent, skipped };
}

/** The messages of a case event: to the applicant, and to each agent who asked for them (one Query of the applicant's grants). */
async function caseNotifications(event: EventBridgeEvent<string, unknown>): Promise<Notification[]> {
  const errors = validationErrors(caseEventSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${event['detail-type']}) is not a valid case event: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<CaseEventData>;
  const detailType = event['detail-type'];
  // The parties without an account (a hearing's interested parties) are told by post, whatever anyone's preferences.
  const letter = renderLetter(detailType, detail.data);
  if (letter) await store.queueLetters(detail.centerId, detail.data.caseNo, detail.eventId, detailType, letter, new Date().toISOString());
  const profile = await profileById(detail.centerId, detail.data.applicantId);
  const subject: store.DeliverySubject = { type: 'case', id: detail.data.caseNo };
  const agents = profile ? await noticeAgents(detail.centerId, profile.sub, detail.data.itemCode, detail.occurredAt) : [];
  // The acceptance notice carries the query code to the applicant, derived here from the generation the event names; an agent's does not (a code outlives an authorization).
  const generation = detail.data.details.queryCodeGeneration;
  const queryCode = queryCodeEventTypes.includes(detailType) && typeof generation === 'number' ? queryCodeFor(detail.centerId, detail.data.caseNo, generation) : undefined;
  const recipients = [{ profile, subject, queryCode }, ...agents.map((a) => ({ profile: a.profile, subject: { ...subject, agent: a.agentApplicantId }, queryCode: undefined }))];
  return recipients.flatMap(({ profile: to, subject: about, queryCode: code }) => {
    const audience = accountAudience(to);
    const message = isToldOf(detailType, to?.notifications ?? {}) ? render(detailType, detail.data, audience.language, code) : undefined;
    if (!message) return [];
    return [{ centerId: detail.centerId, eventId: detail.eventId, eventType: detailType, subject: about, message, ...audience }];
  });
}

const subjectField = { case: 'caseNo', appointment: 'appointmentId', complaint: 'complaintId' } as const;

async function notify(n: Notification): Promise<{ sent: number; skipped: number }> {
  const { centerId, subject, eventId, eventType, message } = n;
  let sent = 0;
  let skipped = 0;
  for (const channel of ['sms', 'email'] as const) {
    const claim = await store.claim(centerId, subject, eventId, channel, Date.now());
    if (claim === 'done') continue;
    if (claim === 'held') throw new Error(`delivery ${eventId}/${channel} is being sent by another attempt; retry later`);
    const base = { eventId, eventType, channel, language: n.language, subject: message.subject };
    let outcome: Outcome;
    try {
      outcome = n.channels.includes(channel) ? await deliver(channel, n.contact, message)
        : { status: 'skipped', reason: n.byDefault ? 'one channel unless the applicant chooses both' : 'turned off by the applicant' };
    } catch (err) {
      const name = (err as Error).name;
      await store.settle(centerId, subject, { ...base, status: 'failed', reason: name, at: new Date().toISOString() });
      // Provider messages can quote the address: only the error's name reaches logs and the DLQ.
      throw new DeliveryFailed(`${channel} delivery of event ${eventId} failed: ${name}`);
    }
    const { status, to } = outcome;
    await store.settle(centerId, subject, { ...base, status, ...(to ? { to } : {}), ...(outcome.status === 'sent' ? { messageId: outcome.messageId } : { reason: outcome.reason }), at: new Date().toISOString() });
    if (status === 'sent') sent++;
    else skipped++;
  }
  const outcomes = await store.outcomesOf(centerId, subject, eventId);
  // A complainant's address stays off events, even masked.
  const channels = subject.type === 'complaint' ? outcomes.map(({ to: _to, ...rest }) => rest) : outcomes;
  await store.announce(centerId, subject, eventId, {
    source: 'onestop.notifications',
    detailType: 'NotificationSent',
    centerId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'system', role: 'system' },
    subject: { type: subject.type, id: subject.id },
    data: { [subjectField[subject.type]]: subject.id, aboutEventId: eventId, aboutEventType: eventType, channels } as NotificationSentData,
  });
  logger.info('notified', { eventId, detailType: eventType, sent, skipped, ...(subject.agent ? { recipient: 'agent' } : {}) });
  return { sent, skipped };
}

async function deliver(channel: Channel, contact: Audience['contact'], message: Message): Promise<Outcome> {
  if (channel === 'email') {
    if (!contact.email) return { status: 'skipped', reason: 'no email address' };
    return { status: 'sent', to: maskEmail(contact.email), messageId: await sendEmail([contact.email], message) };
  }
  const mobile = contact.phone ? mobileE164(contact.phone) : undefined;
  if (!mobile) return { status: 'skipped', ...(contact.phone ? { to: maskPhone(contact.phone) } : {}), reason: 'no mobile number' };
  return { status: 'sent', to: maskPhone(mobile), messageId: await sendSms(mobile, message.sms) };
}
