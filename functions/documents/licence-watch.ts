/**
 * The e-licence clock (电子证照, DOMAIN.md's card table): an approved case
 * whose item's result is a certificate must have it within the working days
 * the supervision settings allow after closure (shared/clock-rules.ts); not
 * issued by the start of the day after, CertificateNotIssued (yellow), once,
 * within a minute of that instant.
 *
 * The closure of such a case without its certificate puts it on the watch
 * index (GSI5 ELICENCEWATCH), waking at once; the watcher (schedule, every
 * minute) counts the limit from the center's calendar and settings as they
 * are, moves the wake-up to its instant, and at it publishes the event if no
 * certificate exists. The certificate's issue takes the case off the index in
 * its own transaction, and the watcher looks for it before it publishes: a
 * certificate issued in time means no event.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { CaseEventData } from '#schemas/events/cases';
import { CERTIFICATE_NOT_ISSUED } from '#schemas/events/documents';
import { calendarOn } from '#shared/center';
import { eLicenceThresholds, reachedBy, thresholdReached, type Threshold } from '#shared/clock-rules';
import { itemAt } from '#shared/db';
import type { DomainEvent } from '#shared/events';
import { watchEach } from '#shared/wake-index';
import { caseContext, type CaseRecord } from '../cases/public.ts';
import { effectiveThresholds, thresholdSettingsKey } from '../supervision/public.ts';
import { source } from './events.ts';
import { issuesCertificate } from './rules.ts';
import * as store from './store.ts';

/**
 * A case closed (CaseCompleted): watched when it was approved, its item's
 * result is a certificate and none was issued yet.
 */
export async function watchClosure(e: DomainEvent<CaseEventData>): Promise<'not approved' | 'issued' | 'no such case' | 'no certificate' | 'watched' | 'duplicate'> {
  const { centerId, data } = e;
  if (data.fromState !== 'approved') return 'not approved';
  if (await store.hasCertificate(centerId, data.caseNo)) return 'issued';
  const { record } = await caseContext(centerId, data.caseNo, new Date().toISOString());
  if (!record) return 'no such case';
  // The item version the case was filed under decides, as for the certificate itself.
  const item = await store.itemSettings(centerId, data.itemCode, record.item.version);
  if (!issuesCertificate({ resultType: item.resultType, serviceMode: record.item.serviceMode })) return 'no certificate';
  return (await store.startLicenceWatch(centerId, data.caseNo, e.occurredAt)) ? 'watched' : 'duplicate';
}

function notIssuedEvent(c: CaseRecord, t: Threshold, now: string): store.DocumentEvent<'CertificateNotIssued'> {
  return {
    source,
    detailType: CERTIFICATE_NOT_ISSUED,
    centerId: c.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: c.caseNo },
    data: thresholdReached({ caseNo: c.caseNo, departmentId: c.item.departmentId, ...(c.handlerIds ? { handlerIds: c.handlerIds } : {}) }, t),
  };
}

/** Looks at one watched e-licence: off the watch once its certificate exists, the event once its threshold has come, else asleep until then. */
export async function watchLicence(entry: store.LicenceWatchEntry, now: string): Promise<'issued' | 'published' | 'duplicate' | 'waiting'> {
  if (await store.hasCertificate(entry.centerId, entry.caseNo)) {
    await store.rewatchLicence(entry, undefined);
    return 'issued';
  }
  const settingsKey = thresholdSettingsKey(entry.centerId);
  const ctx = await store.licenceWatchContext(entry.centerId, entry.caseNo, now, [settingsKey]);
  if (!ctx.record || !ctx.closedAt) throw new Error(`the e-licence watch of ${entry.caseNo} has no case or closure`);
  const cal = calendarOn(ctx.center, ctx.record.timeZone);
  const { reached, next } = reachedBy(eLicenceThresholds(cal, ctx.closedAt, effectiveThresholds(itemAt(ctx.found, settingsKey))), now);
  const threshold = reached[0];
  if (!threshold) {
    await store.rewatchLicence(entry, next);
    return 'waiting';
  }
  return (await store.publishNotIssued(entry, notIssuedEvent(ctx.record, threshold, now))) ? 'published' : 'duplicate';
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; published: number; failed: number }> {
  const now = new Date().toISOString();
  return watchEach('licence watch', await store.licencesDue(now), async (entry) => ((await watchLicence(entry, now)) === 'published' ? 1 : 0), (entry) => ({ caseNo: entry.caseNo }));
}
