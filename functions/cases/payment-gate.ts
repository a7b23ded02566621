/**
 * The payment gate's consumer (the fees domain's gate events, source
 * `onestop.fees`): each event is a system action of the lifecycle table —
 * ChargeIssued `requirePayment`, ChargeSettled `recordPayment`, ChargeExpired
 * `expireCharge`, ChargeCancelled `cancelCharge` — decided and applied on the
 * same path as the sweeper's (decide, applyTransition, one transaction with the
 * case event and its outbox item), the event's charge in the guards' context.
 *
 * Idempotent: a redelivered event finds the case already moved (or the charge
 * already recorded) and changes nothing. An event that does not fit the case
 * (another charge, another stage, a case that moved on) is logged and
 * skipped: the fees domain keeps the money right on its own ledger (a payment
 * of an expired or cancelled charge is refunded there). Two are not skipped,
 * but thrown, so the bounded retries bring them back and the dead-letter queue
 * keeps them if those run out: a ChargeSettled that arrives before the
 * ChargeIssued of its charge (the bus does not order events), and a charge
 * before delivery issued on a grant not closed (办结) yet — the gate opens at
 * `completed` (decisions.md). A malformed
 * event throws InvalidEventError (dead-lettered with its reasons). A case
 * changed meanwhile by someone else is read again once.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { feeGateEventSchemas, type FeeGateEventData, type FeeGateEventType } from '#schemas/events/fees';
import { localDate } from '#shared/calendar';
import { calendarOn } from '#shared/center';
import { HttpProblem } from '#shared/errors';
import { InvalidEventError } from '#shared/invalid-event';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseEvent } from './events.ts';
import { decide, type CaseRecord } from './lifecycle.ts';
import { applyTransition } from './rules.ts';
import * as store from './store.ts';
import { feeGateTrigger } from './subscriptions.ts';

/** The lifecycle actions of each gate event, tried in order (the table's guards let at most one pass). */
export const gateActions = {
  ChargeIssued: ['requirePayment'],
  ChargeSettled: ['recordPayment'],
  ChargeExpired: ['expireCharge', 'awaitNewCharge'],
  ChargeCancelled: ['cancelCharge'],
} as const satisfies Record<FeeGateEventType, readonly string[]>;

export type GateOutcome = 'applied' | 'duplicate' | 'skipped';

type GateData = FeeGateEventData[FeeGateEventType];

/** The case already shows what the event says (a redelivery, or the event of a change already recorded). */
function alreadyApplied(c: CaseRecord, type: FeeGateEventType, data: GateData): boolean {
  const pay = c.payment;
  if (!pay || pay.chargeId !== data.chargeId) return false;
  if (type === 'ChargeIssued') return true;
  if (type === 'ChargeSettled') return pay.status === 'settled';
  if (type === 'ChargeExpired') return pay.status === 'expired';
  return false;
}

/**
 * An event the case is not ready for yet, and must not lose: a settlement of a
 * charge it has not seen issued (the issue may still come), or a charge before
 * delivery issued on a grant not closed yet (the gate opens at 办结, `completed`).
 */
function tooEarly(c: CaseRecord, type: FeeGateEventType, data: GateData): boolean {
  if (!c.payment || c.payment.stage !== data.stage || c.payment.chargeId === data.chargeId) return false;
  if (type === 'ChargeIssued') return data.stage === 'before_delivery' && c.state === 'approved';
  if (type !== 'ChargeSettled') return false;
  return data.stage === 'before_acceptance' ? c.state === 'submitted' : c.state === 'completed' || c.state === 'approved';
}

/** Applies one gate event to its case. */
export async function applyGateEvent(centerId: string, type: FeeGateEventType, data: GateData, feesEventId: string, attempt = 1): Promise<GateOutcome> {
  const now = new Date().toISOString();
  const ctx = await store.caseContext(centerId, data.caseNo, now);
  const current = ctx.record;
  const facts = { centerId, caseNo: data.caseNo, chargeId: data.chargeId, stage: data.stage, type, feesEventId };
  if (!current) {
    logger.warn('fees gate event for no case of the center: skipped', facts);
    return 'skipped';
  }
  const cal = calendarOn(ctx.center, current.timeZone);
  const today = localDate(cal, now);
  const charge = { chargeId: data.chargeId, stage: data.stage };
  const decisions = gateActions[type].map((action) => ({ action, decision: decide(action, current, { today, charge }) }));
  const chosen = decisions.find((d) => d.decision.ok);
  if (!chosen || !chosen.decision.ok) {
    if (alreadyApplied(current, type, data)) {
      logger.info('fees gate event already applied: nothing to do', { ...facts, state: current.state });
      return 'duplicate';
    }
    if (tooEarly(current, type, data)) {
      throw new Error(`${type} ${data.chargeId} (event ${feesEventId}) came before case ${data.caseNo} (${current.state}) can take it: retried, then dead-lettered, never dropped`);
    }
    logger.warn('fees gate event does not fit the case: skipped', { ...facts, state: current.state, payment: current.payment, refusals: decisions.map((d) => (d.decision.ok ? '' : d.decision.refusal.message)) });
    return 'skipped';
  }
  const { action } = chosen;
  const t = chosen.decision.transition;
  const { caseNo: _n, ...body } = data;
  const applied = applyTransition(current, t, body, { cal, now, today, settings: ctx.settings });
  const event = caseEvent(applied.next, action, t.event, { id: 'system', role: 'system' }, now, {
    fromState: current.state,
    ...(t.clock ? { clockEffect: t.clock } : {}),
    details: { ...applied.details, feesEventId },
  });
  try {
    await store.transition(applied.next, current, event, applied.changedSteps);
  } catch (err) {
    if (err instanceof HttpProblem && err.status === 412 && attempt === 1) return applyGateEvent(centerId, type, data, feesEventId, 2);
    throw err;
  }
  logger.info('fees gate event applied', { ...facts, action, from: current.state, to: applied.next.state });
  return 'applied';
}

const isGateType = (t: string): t is FeeGateEventType => (feeGateTrigger.detailTypes as readonly string[]).includes(t);

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<GateOutcome> {
  const type = event['detail-type'];
  if (event.source !== feeGateTrigger.source || !isGateType(type)) {
    throw new InvalidEventError(`event ${event.id} is ${event.source} ${type}, not one of ${feeGateTrigger.source} ${feeGateTrigger.detailTypes.join(', ')}`);
  }
  const errors = validationErrors(feeGateEventSchemas[type], event.detail, '/detail');
  if (errors.length) throw new InvalidEventError(`event ${event.id} (${type}) does not match its schema: ${JSON.stringify(errors)}`);
  const { centerId, eventId, data } = event.detail as { centerId: string; eventId: string; data: GateData };
  return applyGateEvent(centerId, type, data, eventId);
}
