/**
 * The complaint watcher (run by the sweeper's schedule): publishes each level
 * of an assigned complaint's reply clock (clock.ts) once, on or after its
 * instant, for supervision to card; a level whose instant an extension moved
 * later is withdrawn. Every change of the complaint puts it back on the watch
 * index (GSI5) from the change's instant, so the watcher recomputes the clock
 * as it now is; after publishing what is due the complaint waits until its
 * next level, or leaves the index. No Scan: a run reads only the complaints
 * whose wake-up has come.
 */
import { complaintThresholdEventTypes } from '#schemas/events/complaints';
import { calendarOn } from '#shared/center';
import { levelChanges } from '#shared/clock-rules';
import { watchEach } from '#shared/wake-index';
import { complaintThresholds } from './clock.ts';
import { thresholdEvent } from './events.ts';
import * as store from './store.ts';
import { THRESHOLD_WITHDRAWN } from '#schemas/events/threshold-types';

/** Publishes the complaint's reached levels not yet published, withdraws those no longer reached, and moves its wake-up; the number published. */
export async function watchComplaint(entry: store.ComplaintWatchEntry, now: string): Promise<number> {
  const ctx = await store.complaintContext(entry.centerId, entry.complaintId, now, []);
  const c = ctx.record;
  if (!c) return 0;
  const thresholds = complaintThresholds(calendarOn(ctx.center, c.timeZone), c);
  const done = thresholds.length ? await store.publishedThresholds(c.centerId, c.complaintId) : new Set<string>();
  const { publish, withdraw, next } = levelChanges(thresholds, now, done);
  let published = 0;
  for (const t of publish) {
    const event = thresholdEvent(c, t, complaintThresholdEventTypes[t.level], now);
    if (await store.publishThreshold(c.centerId, c.complaintId, t.clock, t.level, t.at, event)) published++;
  }
  for (const t of withdraw) await store.withdrawThreshold(c.centerId, c.complaintId, t.clock, t.level, thresholdEvent(c, t, THRESHOLD_WITHDRAWN, now));
  await store.rewatch(entry, next);
  return published;
}

/** Every complaint whose wake-up has come by `now`, one after another: one that fails stays on the index for the next run. */
export async function watchComplaints(now: string): Promise<{ looked: number; published: number; failed: number }> {
  return watchEach('complaint watch', await store.complaintsToWatch(now), (entry) => watchComplaint(entry, now), (entry) => ({ complaintId: entry.complaintId }));
}
