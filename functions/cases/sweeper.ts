/**
 * The case sweeper (schedule): the system's own lifecycle actions, which no
 * one asks for but the law requires when a date passes —
 *  - deemed acceptance (art. 32): no notice within the notice period, so the
 *    application counts as accepted from receipt (CaseDeemedAccepted), with
 *    the query code's first generation like any acceptance (the receipt and
 *    the notice derive the code: the sweeper needs no key);
 *  - the end of a 容缺 pledge not kept by its deadline (CaseTerminated);
 *  - the close of a case whose supplement did not come by the notice's last
 *    day (CaseSupplementTimedOut).
 * Cases wait on GSI3, sharded, under the date that matters; each run takes
 * every date up to today (in the earliest time zone a center can be in), so
 * runs missed for however long are caught up, and a case leaves the index when
 * its state no longer has such a date. The lifecycle table decides, as for any
 * caller; a case a clerk changed meanwhile is left for the next run.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { HttpProblem } from '#shared/errors';
import { logger } from '#shared/logger';
import { decide } from './lifecycle.ts';
import { applyTransition } from './rules.ts';
import * as store from './store.ts';
import { caseEvent } from './events.ts';

const SYSTEM_ACTIONS = ['deemAccepted', 'timeOutSupplement', 'terminateTolerance'] as const;

/** Today (YYYY-MM-DD) as seen in UTC+14 (the date line's earliest side): no center's today is later. */
const latestToday = (now: Date) => new Date(now.getTime() + 14 * 3600_000).toISOString().slice(0, 10);

/** Applies the system action the table allows on the case now, if any; true when one was applied. */
export async function sweepCase(centerId: string, caseNo: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const ctx = await store.caseContext(centerId, caseNo, at);
  const current = ctx.record;
  if (!current) return false;
  const cal = calendarOn(ctx.center, current.timeZone);
  const today = localDate(cal, at);
  for (const action of SYSTEM_ACTIONS) {
    const decision = decide(action, current, { today });
    if (!decision.ok) continue;
    const t = decision.transition;
    const applied = applyTransition(current, t, {}, { cal, now: at, today, settings: ctx.settings });
    const event = caseEvent(applied.next, action, t.event, { id: 'system', role: 'system' }, at, {
      fromState: current.state,
      ...(t.clock ? { clockEffect: t.clock } : {}),
      details: applied.details,
    });
    try {
      await store.transition(applied.next, current, event, applied.changedSteps);
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 412) return false;
      throw err;
    }
    return true;
  }
  return false;
}

export async function handler(_event: ScheduledEvent): Promise<{ looked: number; applied: number }> {
  const now = new Date();
  let looked = 0;
  let applied = 0;
  for (const { centerId, caseNo } of await store.sweepDue(latestToday(now))) {
    looked++;
    if (await sweepCase(centerId, caseNo, now)) applied++;
  }
  logger.info('case sweep', { looked, applied });
  return { looked, applied };
}
