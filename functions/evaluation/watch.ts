/**
 * The evaluation watcher (schedule, every minute): publishes each threshold of
 * a bad review's tasks — the call-back (回访) and the rectification (整改), due
 * and overdue (shared/clock-rules.ts) — once, within a minute of its instant,
 * never before it, never for a task recorded done.
 *
 * Every change of a bad review in handling puts it on the watch index (GSI5
 * EVALWATCH) with the change's instant, so the watcher recomputes from the
 * tasks as they now are: a task done drops its thresholds, an appeal holds
 * them, a rejected appeal brings them back. After publishing what is due, the
 * evaluation waits on the index until its next threshold, or leaves it. No
 * Scan: each run reads only the evaluations whose wake-up has come.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { calendarOn } from '#shared/center';
import { reachedBy, taskThresholds } from '#shared/clock-rules';
import { watchEach } from '#shared/wake-index';
import { taskThresholdEvent } from './events.ts';
import { needsDepartment } from './lifecycle.ts';
import * as store from './store.ts';

/** Publishes the evaluation's reached task thresholds not yet published and moves its wake-up; the number published. */
export async function watchEvaluation(entry: store.WatchEntry, now: string): Promise<number> {
  const { record: e, center } = await store.sweepContext(entry.centerId, entry.evaluationId, now);
  if (!e) return 0;
  const cal = calendarOn(center, e.timeZone);
  const { reached, next } = reachedBy(taskThresholds(cal, { inHandling: needsDepartment(e), ...(e.tasks ? { tasks: e.tasks } : {}) }), now);
  const done = reached.length > 0 ? await store.publishedThresholds(e.centerId, e.evaluationId) : new Set<string>();
  let published = 0;
  for (const t of reached) {
    if (done.has(`${t.clock}#${t.level}`)) continue;
    const outcome = await store.publishThreshold(e, taskThresholdEvent(e, t, now));
    // Changed since it was read: the change put it back on the watch, where the next run looks at it as it is.
    if (outcome === 'changed') return published;
    if (outcome === 'published') published++;
  }
  await store.rewatch(entry, next);
  return published;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; published: number; failed: number }> {
  const now = new Date().toISOString();
  return watchEach('evaluation watch', await store.watchDue(now), (entry) => watchEvaluation(entry, now), (entry) => ({ evaluationId: entry.evaluationId }));
}
