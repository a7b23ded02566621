/**
 * The complaint sweeper (schedule): a reply not rated within the rating
 * period closes as satisfied (默认满意, as evaluations do), and an unsatisfied
 * complainant who did not ask for a review within its period closes too; then
 * the watcher publishes the reply clocks' levels that came (watch.ts).
 * Complaints wait on GSI3 under the last day of their period, spread over a
 * few shards shared by every center, so each run finds every ended one with
 * one ranged Query per shard however long the sweeper was down. The complaint
 * table decides, as for any caller: a rating or a review request that lands
 * meanwhile wins (412) and the run moves on.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { HttpProblem } from '#shared/errors';
import { logger } from '#shared/logger';
import { complaintEvent } from './events.ts';
import { figureChange } from './figures.ts';
import { decide } from './lifecycle.ts';
import { applyAction } from './rules.ts';
import { settingsOf } from './settings.ts';
import * as store from './store.ts';
import { watchComplaints } from './watch.ts';

/** Today as seen in UTC+14 (the date line's earliest side): no center's today is later. */
const latestToday = (now: Date) => new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);

/** The system's action for each state the sweeper ends. */
const closing = { replied: 'closeUnrated', unsatisfied: 'closeUnreviewed' } as const;

/** Closes one complaint if its period is over; true when it did. */
export async function sweepComplaint(centerId: string, complaintId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const ctx = await store.complaintContext(centerId, complaintId, at, []);
  const current = ctx.record;
  if (!current || !(current.state in closing)) return false;
  const action = closing[current.state as keyof typeof closing];
  const cal = calendarOn(ctx.center, current.timeZone);
  const today = localDate(cal, at);
  const decision = decide(action, current, { today });
  if (!decision.ok) return false;
  const applied = applyAction(current, decision.transition, {}, { cal, now: at, today, settings: settingsOf(ctx.settingsItem), facts: {} });
  const event = complaintEvent(applied.next, action, decision.transition.event, { id: 'system', role: 'system' }, at, { fromState: current.state, details: applied.details });
  try {
    await store.transition(applied.next, current.version, event, figureChange(current, applied.next, today));
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 412) return false;
    throw err;
  }
  return true;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; closed: number; watched: number; published: number }> {
  const now = new Date();
  let looked = 0;
  let closed = 0;
  for (const { centerId, complaintId } of await store.periodsEndedBefore(latestToday(now))) {
    looked++;
    if (await sweepComplaint(centerId, complaintId, now)) closed++;
  }
  // The reply clocks' levels fall on day boundaries too: the same schedule watches them (watch.ts).
  const watch = await watchComplaints(now.toISOString());
  logger.info('complaint sweep', { looked, closed, watched: watch.looked, published: watch.published, failed: watch.failed });
  return { looked, closed, watched: watch.looked, published: watch.published };
}
