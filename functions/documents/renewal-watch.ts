/**
 * Renewal reminders (延续提醒, 行政许可法 art. 50): a certificate with a last
 * day is issued on the renewal watch (GSI5 RENEWWATCH), waking
 * `RENEWAL_REMINDER_LEAD_DAYS` before its last day to apply, which is the
 * item's `renewalApplyDays` before it expires (certificates.ts).
 * The watcher (schedule, daily at 09:00 China time: a reminder is no alarm,
 * and an SMS is better read by day) publishes CertificateRenewalDue once for
 * each certificate whose wake-up has come, taking it off the watch in the same
 * transaction; the notifications consumer tells the holder.
 *
 * A certificate revoked, cancelled or superseded leaves the watch in the write
 * that ends it (certificate-store.ts certificateItem); one that ended between
 * the index read and the reminder fails the reminder's condition, and one found
 * expired (the watcher down past its last day) leaves without a reminder: it
 * can no longer be renewed, only cancelled.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { CERTIFICATE_RENEWAL_DUE } from '#schemas/events/documents';
import { watchEach } from '#shared/wake-index';
import * as store from './certificate-store.ts';
import { statusOn } from './certificates.ts';
import { source } from './events.ts';
import { chinaDateOf } from './pdf/text.ts';

/** Looks at one certificate whose reminder is due at `now`: the reminder, once, while it is valid. */
export async function remindRenewal(entry: store.RenewalWatchEntry, now: string): Promise<'published' | 'duplicate' | 'ended'> {
  const cert = await store.getCertificate(entry.certificateNo, true);
  if (!cert?.validUntil || statusOn(cert, chinaDateOf(now)) !== 'valid') {
    await store.unwatchRenewal(entry);
    return 'ended';
  }
  const published = await store.publishRenewalDue(entry, cert.caseNo, {
    source,
    detailType: CERTIFICATE_RENEWAL_DUE,
    centerId: cert.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: cert.caseNo },
    data: { caseNo: cert.caseNo, certificateNo: cert.certificateNo, itemCode: cert.itemCode, itemName: cert.itemName, validUntil: cert.validUntil, ...(cert.renewalApplyBy ? { applyBy: cert.renewalApplyBy } : {}) },
  });
  return published ? 'published' : 'duplicate';
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; published: number; failed: number }> {
  const now = new Date().toISOString();
  return watchEach('renewal watch', await store.renewalsDue(now), async (entry) => ((await remindRenewal(entry, now)) === 'published' ? 1 : 0), (entry) => ({ certificateNo: entry.certificateNo }));
}
