/**
 * The evaluation sweeper (schedule): an evaluation not rated within its
 * rating period counts as satisfied (默认满意). Invitations wait on GSI3 under
 * their last day to rate, spread over a few shards shared by every center, so
 * each run finds every overdue one with one ranged Query per shard however
 * long the sweeper was down. The evaluation table decides, as for any caller: a rating that lands
 * meanwhile wins (412) and the run moves on. An invitation whose last day
 * could not be counted (the calendar lacked the year) is keyed under 1
 * January of that year and gets its date here once the year is entered.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { HttpProblem } from '#shared/errors';
import { logger } from '#shared/logger';
import { evaluationEvent } from './events.ts';
import { decide } from './lifecycle.ts';
import { applyAction, rateByOf } from './rules.ts';
import { stageDefaults } from './settings.ts';
import * as store from './store.ts';

/** Today as seen in UTC+14 (the date line's earliest side): no center's today is later. */
const latestToday = (now: Date) => new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);

/** Defaults one evaluation if its rating period is over; true when it did. */
export async function sweepEvaluation(centerId: string, evaluationId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const ctx = await store.sweepContext(centerId, evaluationId, at);
  const current = ctx.record;
  if (!current || current.state !== 'invited') return false;
  const cal = calendarOn(ctx.center, current.timeZone);
  const today = localDate(cal, at);
  const dated = current.rateBy ? current : { ...current, ...rateByOf(cal, current.invitedAt, current.ratingWorkingDays) };
  if (!dated.rateBy) {
    logger.warn('evaluation waits for a calendar year', { centerId, evaluationId, missingCalendarYear: dated.missingCalendarYear });
    return false;
  }
  const decision = decide('default', dated, { today });
  if (!decision.ok) return false;
  const { missingCalendarYear: _m, ...withDate } = dated;
  const applied = applyAction(withDate, decision.transition, {}, { cal, now: at, today, settings: stageDefaults() });
  const event = evaluationEvent(applied.next, 'default', decision.transition.event, { id: 'system', role: 'system' }, at, {
    fromState: current.state, details: applied.details, ...(applied.counts ? { counts: applied.counts } : {}),
  });
  try {
    await store.transition(applied.next, current.version, event);
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 412) return false;
    throw err;
  }
  return true;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; defaulted: number }> {
  const now = new Date();
  let looked = 0;
  let defaulted = 0;
  for (const { centerId, evaluationId } of await store.invitationsDueBefore(latestToday(now))) {
    looked++;
    if (await sweepEvaluation(centerId, evaluationId, now)) defaulted++;
  }
  logger.info('evaluation sweep', { looked, defaulted });
  return { looked, defaulted };
}
