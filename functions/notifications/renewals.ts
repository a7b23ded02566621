/**
 * Renewal reminders (延续提醒, 行政许可法 art. 50): a CertificateRenewalDue
 * told to the certificate's holder, and to the holder's agents who asked for
 * messages and whose authorization covers the item that day, as a case's
 * messages are: by their channels and language, logged with the case that
 * issued the certificate. The event names nobody: the holder comes from the
 * certificate, the contacts from the profile. A certificate that ended or
 * expired since the reminder was published is told nothing.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { certificateRenewalDueSchema, type CertificateRenewalDueData } from '#schemas/events/documents';
import type { DomainEvent } from '#shared/events';
import { InvalidEventError } from '#shared/invalid-event';
import { validationErrors } from '#shared/validate';
import { noticeAgents, profileById } from '../applicants/public.ts';
import { renewalHolderOf } from '../documents/public.ts';
import { accountAudience } from './audience.ts';
import type { Notification } from './consumer.ts';
import type { DeliverySubject } from './store.ts';
import { renderRenewal } from './templates.ts';

export async function renewalNotifications(event: EventBridgeEvent<string, unknown>): Promise<Notification[]> {
  const errors = validationErrors(certificateRenewalDueSchema, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${event['detail-type']}) is not a valid renewal reminder: ${JSON.stringify(errors)}`);
  const { eventId, centerId, occurredAt, data } = event.detail as DomainEvent<CertificateRenewalDueData>;
  const holderId = await renewalHolderOf(centerId, data.certificateNo, new Date().toISOString());
  if (!holderId) return [];
  const profile = await profileById(centerId, holderId);
  const agents = profile ? await noticeAgents(centerId, profile.sub, data.itemCode, occurredAt) : [];
  const subject: DeliverySubject = { type: 'case', id: data.caseNo };
  const recipients = [{ to: profile, about: subject }, ...agents.map((a) => ({ to: a.profile, about: { ...subject, agent: a.agentApplicantId } }))];
  return recipients.map(({ to, about }) => {
    const audience = accountAudience(to);
    return { centerId, eventId, eventType: event['detail-type'], subject: about, message: renderRenewal(data, audience.language), ...audience };
  });
}
