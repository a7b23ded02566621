/**
 * Closing a month (月度考核结算): every source's counts for the center's month,
 * scored by the indicator table in force, written as the month's one score
 * set (published to staff) with its event. The score set is its own close
 * marker: written only where none is, so a second close (the schedule and a
 * center admin, or a retried schedule) keeps the first and reads it back.
 * The sources are a parameter: tests close a month over fixture sources.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { AppraisalSource } from '#shared/appraisal-counts';
import { readCenterContext } from '#shared/center';
import type { EventDraft } from '#shared/events';
import { recordUnchanged, type IdempotencyPut } from '#shared/idempotency';
import { logger } from '#shared/logger';
import type { AppraisalMonthClosedData } from '#schemas/events/appraisal';
import { tableOf } from './indicators.ts';
import { centerIds } from '../org/public.ts';
import { appealDueOf, previousMonth } from './months.ts';
import { scoreMonth } from './rules.ts';
import { appraisalSources } from './sources.ts';
import * as store from './store.ts';

export interface Closed {
  readonly set: store.StoredScoreSet;
  /** False: the month was closed already (by this close's rival or before it). */
  readonly written: boolean;
}

/**
 * Closes the center's month unless it is closed. `ctx` is the month's
 * context read by the caller (one BatchGetItem); then one Query per source,
 * one for the directory of staff and windows, and one transaction.
 */
export async function closeMonth(
  ctx: Awaited<ReturnType<typeof store.monthContext>>,
  month: string,
  sources: readonly AppraisalSource[],
  actor: EventDraft<unknown>['actor'],
  now: string,
  /** The request's Idempotency-Key record of the answer, written with whatever the close writes. */
  recordAs: (set: store.StoredScoreSet, written: boolean) => IdempotencyPut | undefined = () => undefined,
): Promise<Closed> {
  if (ctx.scores) {
    await recordUnchanged(recordAs(ctx.scores, false));
    return { set: ctx.scores, written: false };
  }
  const { centerId } = ctx.center;
  const table = tableOf(ctx.tableItem);
  const [directory, rows] = await Promise.all([store.directory(centerId), Promise.all(sources.map((s) => s(centerId, month)))]);
  const subjects = scoreMonth(table.indicators, rows, directory);
  const set: store.StoredScoreSet = {
    centerId, month, closedAt: now, closedBy: actor.id,
    appealDue: appealDueOf(ctx.center.calendar, now, table.appealWorkingDays),
    indicators: table.indicators, subjects, version: 1,
  };
  const ranked = subjects.filter((s) => s.ranked).length;
  const event: EventDraft<AppraisalMonthClosedData> = {
    source: 'onestop.appraisal', detailType: 'AppraisalMonthClosed', centerId, occurredAt: now, actor,
    subject: { type: 'appraisal_month', id: month },
    data: { month, ranked, notRanked: subjects.length - ranked, appealDue: set.appealDue },
  };
  if ((await store.putScoreSet(set, event, recordAs(set, true))) === 'written') return { set, written: true };
  // Closed meanwhile: the transaction that lost recorded nothing, the key included.
  const closed = (await store.scoreSet(centerId, month))!;
  await recordUnchanged(recordAs(closed, false));
  return { set: closed, written: false };
}

/** Centers closed side by side: a province's few hundred in a few dozen rounds, well within the function's time. */
const CENTERS_AT_ONCE = 8;

/** Closes one center's month before its today, unless closed. */
async function closePreviousMonth(centerId: string, now: string): Promise<{ centerId: string; month: string; written: boolean }> {
  const { center } = await readCenterContext(centerId, now);
  const month = previousMonth(center.today);
  const ctx = await store.monthContext(centerId, month, now, []);
  const { written } = await closeMonth(ctx, month, appraisalSources, { id: 'system', role: 'system' }, now);
  logger.info('appraisal month close', { centerId, month, written });
  return { centerId, month, written };
}

/**
 * The schedule: hourly on the first day of every month (UTC), it closes, for
 * every center of the directory, the month before the center's today unless
 * closed. Every time zone's month has ended by some hour of that UTC day, and
 * an hour it has not is a no-op (the center's previous month then is the one
 * closed a month ago). A center that fails does not stop the others; the run
 * then fails, and the next hour's (or the retry's) closes what is left.
 */
export async function handler(_event: ScheduledEvent): Promise<{ centerId: string; month: string; written: boolean }[]> {
  const now = new Date().toISOString();
  const ids = await centerIds();
  const closed: { centerId: string; month: string; written: boolean }[] = [];
  const failed: string[] = [];
  for (let i = 0; i < ids.length; i += CENTERS_AT_ONCE) {
    const round = ids.slice(i, i + CENTERS_AT_ONCE);
    (await Promise.allSettled(round.map((id) => closePreviousMonth(id, now)))).forEach((r, j) => {
      if (r.status === 'fulfilled') closed.push(r.value);
      else {
        failed.push(round[j]!);
        logger.error('appraisal month close failed', { centerId: round[j], error: (r.reason as Error).name });
      }
    });
  }
  if (failed.length) throw new Error(`appraisal month close failed for ${failed.length} of ${ids.length} centers: ${failed.join(', ')}`);
  return closed;
}
