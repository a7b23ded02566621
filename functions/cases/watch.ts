/**
 * The case watcher (schedule, every minute): publishes each clock threshold of
 * a case (warning, yellow, red: shared/clock-rules.ts) once, within a minute of
 * its instant, never before it.
 *
 * Every case change puts the case on the watch index (GSI5) with the change's
 * instant, so the watcher recomputes its thresholds from the clock as it now is:
 * a suspension drops them, a resumption or an extension moves them. After
 * publishing what is due, the case waits on the index until its next threshold,
 * or leaves it. A level published on a limit that has since moved later (a
 * provisional year replaced by the official one) is withdrawn. No Scan: each run reads only the cases whose wake-up has come.
 * Thresholds are day boundaries in the center's zone, so a run at the minute
 * publishes them within seconds of their instant.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { calendarOn } from '#shared/center';
import { caseThresholds, levelChanges, thresholdReached, type Threshold } from '#shared/clock-rules';
import { itemAt } from '#shared/db';
import { watchEach } from '#shared/wake-index';
import { effectiveThresholds, thresholdSettingsKey } from '../supervision/public.ts';
import type { CaseRecord } from './lifecycle.ts';
import * as store from './store.ts';
import { THRESHOLD_WITHDRAWN, thresholdEventTypes } from '#schemas/events/threshold-types';

/** Cases looked at concurrently: a midnight's thresholds of a big center in one run, without a burst on the table. */
const CONCURRENCY = 8;

const detailTypeOf = (t: Threshold): string | undefined => (thresholdEventTypes as Record<string, Record<string, string>>)[t.kind]?.[t.level];

function thresholdEvent(c: CaseRecord, t: Threshold, detailType: string, now: string): store.CaseEvent {
  return {
    source: 'onestop.cases',
    detailType,
    centerId: c.centerId,
    occurredAt: now,
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: c.caseNo },
    data: thresholdReached({ caseNo: c.caseNo, departmentId: c.item.departmentId, ...(c.handlerIds ? { handlerIds: c.handlerIds } : {}), ...(c.deadlines.provisional ? { provisional: true } : {}) }, t) as never,
  };
}

/** Publishes the case's reached thresholds not yet published and moves its wake-up; the number published. */
export async function watchCase(entry: store.WatchEntry, now: string): Promise<number> {
  const settingsKey = thresholdSettingsKey(entry.centerId);
  const ctx = await store.caseContext(entry.centerId, entry.caseNo, now, [settingsKey]);
  const c = ctx.record;
  if (!c) return 0;
  const cal = calendarOn(ctx.center, c.timeZone);
  const thresholds = caseThresholds(cal, { ...c, delivered: c.state === 'delivered' || c.endedAt !== undefined }, effectiveThresholds(itemAt(ctx.found, settingsKey)));
  const { publish, withdraw, next } = levelChanges(thresholds, now, await store.publishedThresholds(c.centerId, c.caseNo));
  let published = 0;
  for (const t of publish) {
    const detailType = detailTypeOf(t);
    if (!detailType) continue;
    if (await store.publishThreshold(c.centerId, c.caseNo, t.clock, t.level, thresholdEvent(c, t, detailType, now), t.at)) published++;
  }
  for (const t of withdraw) await store.withdrawThreshold(c.centerId, c.caseNo, t.clock, t.level, thresholdEvent(c, t, THRESHOLD_WITHDRAWN, now));
  await store.rewatch(entry, next);
  return published;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; published: number; failed: number }> {
  const now = new Date().toISOString();
  const due = (await Promise.all(Array.from({ length: store.INDEX_SHARDS }, (_, shard) => store.watchDue(shard, now)))).flat();
  return watchEach('case watch', due, (entry) => watchCase(entry, now), (entry) => ({ caseNo: entry.caseNo }), CONCURRENCY);
}
