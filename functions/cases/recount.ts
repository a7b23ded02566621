/**
 * The recount (consumer of the org domain's CalendarChanged): when a center
 * enters or changes a year's schedule, every open case whose deadlines were
 * counted on a provisional year is counted again on the center's calendar as
 * it now is. A case whose dates or provisional mark change gets a
 * DeadlinesRecomputed event (old and new deadlines, audited like every case
 * event; the applicant hears of a moved promised date) in the transaction that
 * replaces it. The cases come from the provisional markers (store.ts), never
 * from a Scan. A redelivered event counts again and finds nothing to change; a
 * case a clerk changed meanwhile was counted on the new calendar by that
 * change, so a lost race is counted again once on a fresh read.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { isDeepStrictEqual } from 'node:util';
import { orgEventSchemas } from '#schemas/events/org';
import { calendarOn, yearsAround } from '#shared/center';
import type { WorkCalendar } from '#shared/calendar';
import { HttpProblem } from '#shared/errors';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { deadlinesOf, deliveryPausesOf } from './clock.ts';
import { DEADLINES_RECOMPUTED, caseEvent } from './events.ts';
import type { CaseRecord } from './lifecycle.ts';
import * as store from './store.ts';
import { calendarTrigger } from './subscriptions.ts';
import { InvalidEventError } from '#shared/invalid-event';
import type { Deadlines } from '#schemas/api/case-clock';

/** Cases counted at once: each is one read and at most one transaction. */
const PARALLEL = 8;

/** The case with its deadlines counted on `cal`, or undefined when nothing changes. */
export function recounted(current: CaseRecord, cal: WorkCalendar): CaseRecord | undefined {
  const deadlines: Deadlines = deadlinesOf(cal, current.clock, current.decision?.at, deliveryPausesOf(current));
  if (isDeepStrictEqual(deadlines, current.deadlines)) return undefined;
  return { ...current, deadlines, version: current.version + 1 };
}

type Outcome = 'recounted' | 'unchanged' | 'gone';

async function recountCase(centerId: string, caseNo: string, calendarEventId: string, now: string, attempt = 1): Promise<Outcome> {
  const ctx = await store.caseContext(centerId, caseNo, now);
  const current = ctx.record;
  if (!current) return 'gone';
  const next = recounted(current, calendarOn(ctx.center, current.timeZone));
  if (!next) return 'unchanged';
  const event = caseEvent(next, 'recountDeadlines', DEADLINES_RECOMPUTED, { id: 'system', role: 'system' }, now, {
    fromState: current.state,
    details: { previous: current.deadlines, calendarEventId },
  });
  try {
    await store.transition(next, current, event, []);
    return 'recounted';
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 412 && attempt === 1) return recountCase(centerId, caseNo, calendarEventId, now, 2);
    throw err;
  }
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<Record<Outcome, number>> {
  if (event.source !== calendarTrigger.source || event['detail-type'] !== calendarTrigger.detailType) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${event['detail-type']}, not ${calendarTrigger.source} ${calendarTrigger.detailType}`);
  }
  const errors = validationErrors(orgEventSchemas.CalendarChanged, event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (CalendarChanged) does not match its schema: ${JSON.stringify(errors)}`);
  const { centerId, eventId, subject } = event.detail as { centerId: string; eventId: string; subject: { id: string } };
  const now = new Date().toISOString();
  const tally: Record<Outcome, number> = { recounted: 0, unchanged: 0, gone: 0 };
  // A case is counted on the years around now (center.ts reads no others): a change to any other year moves nothing.
  if (!yearsAround(now).includes(Number(subject.id))) {
    logger.info('calendar change outside the years counted on', { centerId, calendarEventId: eventId, year: subject.id });
    return tally;
  }
  const caseNos = await store.provisionalCases(centerId);
  for (let i = 0; i < caseNos.length; i += PARALLEL) {
    for (const outcome of await Promise.all(caseNos.slice(i, i + PARALLEL).map((no) => recountCase(centerId, no, eventId, now)))) tally[outcome]++;
  }
  logger.info('deadlines recounted', { centerId, calendarEventId: eventId, provisionalCases: caseNos.length, ...tally });
  return tally;
}
