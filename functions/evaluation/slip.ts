/**
 * An anonymous visitor rates the visit on the window's device (一次一评 without
 * an account): the ticket slip's id and code prove the visit, as the code's
 * hash the queue published with VisitEnded (kept on the evaluation, never
 * shown). The rating is the signed-in rater's: the same table row, rules,
 * event and counting; only who the rater is differs.
 */
import type { SlipRating } from '#schemas/api/evaluation';
import { msg } from '#schemas/api/problems';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { HttpProblem, notFound, wrongState } from '#shared/errors';
import { etag, type Operations } from '#shared/http';
import { slipMatches } from '../queue/public.ts';
import { evaluationEvent } from './events.ts';
import { decide } from './lifecycle.ts';
import type { evaluationRoutes } from './routes.ts';
import { applyAction } from './rules.ts';
import { effectiveSettings } from './settings.ts';
import * as store from './store.ts';

/** Who rates with a slip, on the event: nobody known, acting as an applicant would. */
const slipHolder = { id: 'anonymous', role: 'applicant' } as const;

export const rateHallVisit: Operations<typeof evaluationRoutes>['rateHallVisit'] = async (req) => {
  const { centerId, visitId } = req.params;
  const { ticketId, code, ...rating } = req.body;
  const now = new Date().toISOString();
  const ctx = await store.slipContext(centerId, visitId, now);
  const current = ctx.record;
  // A wrong ticket or code, an unknown visit and an identified visitor's (their slip proves nothing: they rate signed in) answer alike.
  if (!slipMatches(current?.slip?.codeHash, ticketId, code) || !current) {
    throw notFound(msg('没有此次办事记录，或取号单号码不符。', 'No such visit, or the ticket slip does not match.'));
  }
  const cal = calendarOn(ctx.center, current.timeZone);
  const today = localDate(cal, now);
  const decision = decide('rate', current, { slipHolder: true, today });
  if (!decision.ok) throw decision.refusal;
  const t = decision.transition;
  const applied = applyAction(current, t, rating, { cal, now, today, settings: effectiveSettings(ctx.settingsItem) });
  const event = evaluationEvent(applied.next, 'rate', t.event, slipHolder, now, {
    fromState: current.state, details: applied.details, ...(applied.counts ? { counts: applied.counts } : {}),
  });
  try {
    await store.transition(applied.next, current.version, event);
  } catch (err) {
    // Only a rating (a second tap) or the sweeper's default changes an invitation: either way it is no longer to rate.
    if (err instanceof HttpProblem && err.status === 412) throw wrongState(msg('此次办事已评价。', 'This visit has been rated already.'));
    throw err;
  }
  const body: SlipRating = { evaluationId: applied.next.evaluationId, state: applied.next.state, rating: applied.next.rating! };
  return { status: 200, body, headers: { etag: etag(String(applied.next.version)) } };
};
