/**
 * What the payment gate's system actions (the fees domain's gate events,
 * applied by payment-gate.ts) do to a case: the latest charge and its status
 * on `payment`, and the periods the case waited to pay (`payment.waits`). The
 * applicant's time waiting to pay is not the agency's: a wait before
 * acceptance moves the notice period (art. 32) back, one before delivery the
 * delivery limit (art. 44); the decision clock is not running at either gate
 * (it starts at acceptance and stops at the decision), so no row of the gate
 * suspends it. Pure.
 */
import type { Static } from '@sinclair/typebox';
import type { Payment } from '#schemas/api/cases';
import type { ChargeExpiredData, ChargeIssuedData, ChargeSettledData } from '#schemas/events/fees';
import { localDate, workingDaysBetween } from '#shared/calendar';
import { noticeDueOf } from './clock.ts';
import type { CaseRecord } from './lifecycle.ts';
import type { ActionContext, Effect } from './rules.ts';

export const paymentActions: readonly string[] = ['requirePayment', 'recordPayment', 'expireCharge', 'awaitNewCharge', 'cancelCharge'];

type Wait = NonNullable<Payment['waits']>[number];

/** The waits with the open one (the case waiting to pay now) ended at `now`. */
export function closeWait(waits: readonly Wait[] | undefined, now: string): Wait[] {
  return (waits ?? []).map((w) => (w.to === undefined ? { ...w, to: now } : w));
}

/** The payment without the latest charge's fields (a cancelled charge is assessed again). */
function withoutCharge(pay: Payment): Payment {
  const { chargeId: _c, dueFen: _d, payBy: _p, how: _h, ...rest } = pay;
  return rest;
}

/**
 * The case back where it waited from: before acceptance, the notice period
 * counted again from receipt with the waits left out; before delivery, the
 * delivery limit is counted with them left out where the deadlines are
 * computed (rules.ts, deliveryPausesOf).
 */
function back(c: CaseRecord, payment: Payment, ctx: ActionContext): Effect {
  const open = c.payment?.waits?.at(-1);
  const waited = open && open.to === undefined ? workingDaysBetween(ctx.cal, localDate(ctx.cal, open.from), ctx.today) : 0;
  if (payment.stage !== 'before_acceptance') return { set: { payment }, details: { waitedWorkingDays: waited } };
  const notice = noticeDueOf(ctx.cal, c.receivedAt, c.noticeWorkingDays, payment.waits);
  return { set: { payment, noticeDue: notice.date }, details: { waitedWorkingDays: waited, ...(notice.date ? { noticeDue: notice.date } : {}) } };
}

export function paymentEffect(c: CaseRecord, action: string, body: Record<string, unknown>, ctx: ActionContext): Effect {
  const pay = c.payment!;
  switch (action) {
    case 'requirePayment': {
      const b = body as Static<typeof ChargeIssuedData>;
      // A new charge for a case kept waiting continues its wait; otherwise the wait starts now.
      const waits = c.state === 'to_pay' ? [...(pay.waits ?? [])] : [...(pay.waits ?? []), { from: ctx.now }];
      return { set: { payment: { ...withoutCharge(pay), status: 'due', chargeId: b.chargeId, dueFen: b.dueFen, payBy: b.payBy, waits } } };
    }
    case 'recordPayment': {
      const b = body as Static<typeof ChargeSettledData>;
      return back(c, { ...pay, status: 'settled', how: b.how, waits: closeWait(pay.waits, ctx.now) }, ctx);
    }
    case 'cancelCharge':
      return back(c, { ...withoutCharge(pay), status: 'due', waits: closeWait(pay.waits, ctx.now) }, ctx);
    case 'awaitNewCharge':
      return { set: { payment: { ...pay, status: 'expired' } } };
    case 'expireCharge': {
      const b = body as Static<typeof ChargeExpiredData>;
      return {
        set: { payment: { ...pay, status: 'expired', waits: closeWait(pay.waits, ctx.now) }, endedAt: ctx.now, termination: { reason: 'charge_unpaid' } },
        details: { reason: 'charge_unpaid', payBy: b.payBy },
      };
    }
    default:
      throw new Error(`no effect defined for action ${action}`);
  }
}
