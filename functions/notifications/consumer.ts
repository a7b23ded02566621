/**
 * The notification consumer: case events on the bus become messages to the
 * applicant, by email and SMS as the applicant prefers, in their language.
 *
 * Unless they ask for every step, applicants hear of the milestones only
 * (templates.ts). An SMS is one part: the email carries the full text.
 *
 * Discipline: an event that does not match its schema fails the invocation
 * with the reason (after the bounded retries it lands in the DLQ, never
 * dropped); each (event, channel) is claimed before sending and settled after,
 * so a redelivered event sends nothing twice and a failed send is retried
 * without repeating the channels that already went out. Once both channels
 * are settled, one NotificationSent tells what each did.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { defaultNotificationPreferences } from '#schemas/api/applicants';
import type { Delivery } from '#schemas/api/notifications';
import { caseEventSchema, type CaseEventData } from '#schemas/events/cases';
import type { DomainEvent } from '#shared/events';
import { maskEmail, maskPhone } from '#shared/identifiers';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { profileById } from '../applicants/public.ts';
import { mobileE164, sendEmail, sendSms } from './senders.ts';
import * as store from './store.ts';
import { isToldOf, render, type Message } from './templates.ts';
import { InvalidEventError } from '#shared/invalid-event';

export class DeliveryFailed extends Error {
  override readonly name = 'DeliveryFailed';
}

type Channel = Delivery['channel'];
type Outcome = { status: 'sent'; to: string; messageId: string } | { status: 'skipped'; to?: string; reason: string };

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ sent: number; skipped: number }> {
  const errors = validationErrors(caseEventSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${event['detail-type']}) is not a valid case event: ${JSON.stringify(errors)}`);
  const detail = event.detail as DomainEvent<CaseEventData>;
  const detailType = event['detail-type'];
  const profile = await profileById(detail.centerId, detail.data.applicantId);
  const prefs = profile?.notifications ?? defaultNotificationPreferences;
  const message = isToldOf(detailType, prefs) ? render(detailType, detail.data, prefs.language) : undefined;
  if (!message) return { sent: 0, skipped: 0 };

  let sent = 0;
  let skipped = 0;
  for (const channel of ['sms', 'email'] as const) {
    const nowMs = Date.now();
    const claim = await store.claim(detail.centerId, detail.data.caseNo, detail.eventId, channel, nowMs);
    if (claim === 'done') continue;
    if (claim === 'held') throw new Error(`delivery ${detail.eventId}/${channel} is being sent by another attempt; retry later`);
    const base = { centerId: detail.centerId, caseNo: detail.data.caseNo, eventId: detail.eventId, eventType: detailType, channel, language: prefs.language, subject: message.subject };
    let outcome: Outcome;
    try {
      outcome = !prefs.channels.includes(channel)
        ? { status: 'skipped', reason: 'turned off by the applicant' }
        : await deliver(channel, { email: profile?.email, phone: profile?.phone }, message);
    } catch (err) {
      const name = (err as Error).name;
      await store.settle({ ...base, status: 'failed', reason: name, at: new Date().toISOString() });
      // Provider messages can quote the address: only the error's name reaches logs and the DLQ.
      throw new DeliveryFailed(`${channel} delivery of event ${detail.eventId} failed: ${name}`);
    }
    const { status, to } = outcome;
    await store.settle({ ...base, status, ...(to ? { to } : {}), ...(outcome.status === 'sent' ? { messageId: outcome.messageId } : { reason: outcome.reason }), at: new Date().toISOString() });
    if (status === 'sent') sent++;
    else skipped++;
  }
  const channels = await store.outcomesOf(detail.centerId, detail.data.caseNo, detail.eventId);
  await store.announce(detail.centerId, detail.data.caseNo, detail.eventId, {
    source: 'onestop.notifications',
    detailType: 'NotificationSent',
    centerId: detail.centerId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: detail.data.caseNo },
    data: { caseNo: detail.data.caseNo, aboutEventId: detail.eventId, aboutEventType: detailType, channels },
  });
  logger.info('notified', { eventId: detail.eventId, detailType, sent, skipped });
  return { sent, skipped };
}

async function deliver(channel: Channel, contact: { email?: string; phone?: string }, message: Message): Promise<Outcome> {
  if (channel === 'email') {
    if (!contact.email) return { status: 'skipped', reason: 'no email address' };
    return { status: 'sent', to: maskEmail(contact.email), messageId: await sendEmail([contact.email], message) };
  }
  const mobile = contact.phone ? mobileE164(contact.phone) : undefined;
  if (!mobile) return { status: 'skipped', ...(contact.phone ? { to: maskPhone(contact.phone) } : {}), reason: 'no mobile number' };
  return { status: 'sent', to: maskPhone(mobile), messageId: await sendSms(mobile, message.sms) };
}
