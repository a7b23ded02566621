/**
 * The lifecycle table's guards of the payment gate (缴费): the case records
 * its item's payment terms at intake (`payment`), the fees domain's gate events
 * (schemas/events/fees.ts) move it in and out of `to_pay`, and acceptance or
 * delivery wait until the fees are settled. The system rows read the charge of
 * the event in the context (`ctx.charge`); the table (lifecycle.ts) names the
 * guards on its rows. Pure.
 */
import { genericProblems, msg } from '#schemas/api/problems';
import type { Payment } from '#schemas/api/cases';
import type { CaseRecord, Guard } from './lifecycle.ts';
import { caseProblems as p } from './problems.ts';

type Stage = Payment['stage'];

// A gate event that does not fit the case is no request of anyone's: the consumer logs and skips it.
const notThisCase = genericProblems['wrong-state'];

const stageName: Record<Stage, { zh: string; en: string }> = {
  before_acceptance: { zh: '受理前', en: 'before acceptance' },
  before_delivery: { zh: '送达前', en: 'before delivery' },
};

/** Fees of this stage are owed and not settled: for a grant only when they are paid before delivery (a denial delivers without them). */
export function paymentOutstanding(c: Pick<CaseRecord, 'payment' | 'decision'>, stage: Stage): boolean {
  const pay = c.payment;
  if (!pay || pay.stage !== stage || pay.status === 'settled') return false;
  return stage === 'before_acceptance' || c.decision?.outcome === 'approved';
}

function settled(stage: Stage): Guard {
  const when = stageName[stage];
  return {
    name: `fees paid ${when.en} are settled`,
    problem: p['payment-outstanding'],
    refuses: (c) => {
      if (!paymentOutstanding(c, stage)) return undefined;
      const pay = c.payment!;
      if (pay.chargeId === undefined) {
        return msg(`本事项须${when.zh}缴费：请先核价并出具缴款通知书，结清后再办理。`, `This item's fees are paid ${when.en}: assess them and issue the payment notice first; the case goes on once they are settled.`);
      }
      return pay.status === 'expired'
        ? msg(`缴款通知书（${pay.chargeId}）已于 ${pay.payBy ?? ''} 逾期未缴：请重新核价。`, `The charge ${pay.chargeId} expired unpaid on ${pay.payBy ?? ''}: assess the fees again.`)
        : msg(`费用（${pay.chargeId}，${pay.dueFen ?? 0} 分）尚未结清，缴费期限至 ${pay.payBy ?? ''}。`, `The charge ${pay.chargeId} (${pay.dueFen ?? 0} fen) is not settled yet; it is payable until ${pay.payBy ?? ''}.`);
    },
  };
}

/** The case's terms are of `stage`, and so is the event's charge. */
function chargeAt(stage: Stage): Guard {
  return {
    name: `the item's fees are paid ${stageName[stage].en}, and the charge is for them`,
    problem: notThisCase,
    refuses: (c, { charge }) =>
      c.payment?.stage === stage && charge?.stage === stage
        ? undefined
        : msg(`缴费环节不符：办件为 ${c.payment?.stage ?? '不收费'}，费用为 ${charge?.stage ?? '无'}。`, `Payment stages differ: the case's ${c.payment?.stage ?? 'none (no fees)'}, the charge's ${charge?.stage ?? 'none'}.`),
  };
}

export const paymentGuards = {
  settledBeforeAcceptance: settled('before_acceptance'),
  settledBeforeDelivery: settled('before_delivery'),
  chargeAt,
  granted: {
    name: 'the decision granted the licence',
    problem: notThisCase,
    refuses: (c) => (c.decision?.outcome === 'approved' ? undefined : msg('不予许可的办件不收费。', 'A denied case is charged nothing.')),
  },
  chargeOfCase: {
    name: "the charge is for the case's payment stage",
    problem: notThisCase,
    refuses: (c, { charge }) => (c.payment !== undefined && charge?.stage === c.payment.stage ? undefined : msg('缴费环节不符。', 'Payment stages differ.')),
  },
  newCharge: {
    name: 'the charge is not the one the case already knows (a redelivered event changes nothing)',
    problem: notThisCase,
    refuses: (c, { charge }) => (charge !== undefined && c.payment?.chargeId !== charge.chargeId ? undefined : msg('该费用已记录。', 'The charge is already recorded.')),
  },
  sameCharge: {
    name: "the charge is the case's latest",
    problem: notThisCase,
    refuses: (c, { charge }) => (charge !== undefined && c.payment?.chargeId === charge.chargeId ? undefined : msg('不是办件当前的费用。', "Not the case's latest charge.")),
  },
  chargeDue: {
    name: 'the charge is waiting for payment',
    problem: notThisCase,
    refuses: (c) => (c.payment?.status === 'due' ? undefined : msg('费用不在待缴状态。', 'The charge is not waiting for payment.')),
  },
  chargeExpired: {
    name: 'the latest charge expired unpaid (the case kept waiting)',
    problem: notThisCase,
    refuses: (c) => (c.payment?.status === 'expired' ? undefined : msg('当前费用未逾期。', 'The latest charge has not expired.')),
  },
  onExpiry: (setting: Payment['onUnpaidExpiry']): Guard => ({
    name: `the item's setting on an unpaid charge is ${setting}`,
    problem: notThisCase,
    refuses: (c) => (c.payment?.onUnpaidExpiry === setting ? undefined : msg(`本事项逾期未缴费的处理方式不是 ${setting}。`, `The item's setting on an unpaid charge is not ${setting}.`)),
  }),
  waitsBeforeAcceptance: {
    name: 'the case waits to pay before acceptance (a decided case is not withdrawn)',
    problem: notThisCase,
    refuses: (c) =>
      c.payment?.stage === 'before_acceptance'
        ? undefined
        : msg('已作出决定的办件不能撤回；待缴费用结清后送达。', 'A decided case is not withdrawn: its result is delivered once the fees are settled.'),
  },
} satisfies Record<string, Guard | ((...a: never[]) => Guard)>;
