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
import { requiredEnv } from '#shared/db';
import type { EventDraft } from '#shared/events';
import { recordUnchanged, type IdempotencyPut } from '#shared/idempotency';
import { logger } from '#shared/logger';
import type { AppraisalMonthClosedData } from '#schemas/events/appraisal';
import { tableOf } from './indicators.ts';
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
 * one for the staff directory, and one transaction.
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
  const [staff, ...rows] = await Promise.all([store.staffDirectory(centerId), ...sources.map((s) => s(centerId, month))]);
  const subjects = scoreMonth(table.indicators, rows as Awaited<ReturnType<AppraisalSource>>[], staff);
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

/**
 * The schedule: hourly on the first day of every month (UTC), it closes the
 * month before the center's today unless closed. Every time zone's month has
 * ended by some hour of that UTC day, and an hour it has not is a no-op (the
 * center's previous month then is the one closed a month ago).
 */
export async function handler(_event: ScheduledEvent): Promise<{ month: string; written: boolean }> {
  const centerId = requiredEnv('DEFAULT_CENTER_ID');
  const now = new Date().toISOString();
  const { center } = await readCenterContext(centerId, now);
  const month = previousMonth(center.today);
  const ctx = await store.monthContext(centerId, month, now, []);
  const { written } = await closeMonth(ctx, month, appraisalSources, { id: 'system', role: 'system' }, now);
  logger.info('appraisal month close', { centerId, month, written });
  return { month, written };
}
