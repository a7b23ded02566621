/**
 * The life of a charge (收费) as one table: for each action, the states it
 * leaves, the state it enters, who may take it and the guards that must hold.
 * The same table will drive the fees routes' checks and the `nextActions` of
 * every charge read, as the case lifecycle's does.
 *
 *   (assess) ─▶ assessed ──requestWaiver──▶ waiver_pending ──approveWaiver | rejectWaiver──▶ to_pay
 *               assessed ──issue──▶ to_pay                      (nothing due: paid at once)
 *               to_pay ──pay (provider)──▶ paid · ──expire──▶ expired · ──cancel──▶ cancelled
 *   paid | expired | cancelled | refunded ──requestRefund──▶ refund_requested
 *               refund_requested ──approveRefund──▶ refunding ──refunded (provider)──▶ refunded
 *               refund_requested ──rejectRefund──▶ (the state it was asked from)
 *
 * What each action appends to the ledger is ledger.ts's; this table says only
 * whether it may be taken. Pure: no I/O, no clock.
 */
import type { Balance, Charge, ChargeState, PaymentOrder } from '#schemas/api/fees';
import type { PaymentStage } from './schedule.ts';
import { msg, type ProblemType, type Text } from '#schemas/api/problems';
import { callerDepartments, type Caller, type StaffRole } from '#shared/auth';
import { HttpProblem, forbidden, wrongState } from '#shared/errors';
import { refundableOf } from './ledger.ts';
import { feeProblems as p } from './problems.ts';

/**
 * The charge as stored: the API shape without its derived balance, plus its
 * center, the item version's payment terms copied at assessment (so issuing
 * reads no catalog item) and, once issued, the provider's order.
 */
export type ChargeRecord = Omit<Charge, 'balance'> & {
  readonly centerId: string;
  readonly terms?: { readonly stage: PaymentStage; readonly unpaidExpiryWorkingDays: number };
  readonly order?: PaymentOrder;
  /** The provider takes no more payment on the order: closed by OneStop, or paid (a paid order takes no second payment). */
  readonly orderClosed?: true;
};

/** A staff role acting for the charge's department (the case's lead), or the system (the provider's notifications, the expiry watch, a case that ended). */
export type Actor = { readonly role: StaffRole; readonly on: 'department' } | { readonly role: 'system' };

export interface Context {
  /** Undefined: the system. */
  readonly caller?: Caller;
  /** The center's calendar date today. */
  readonly today: string;
  /** The charge's ledger as it stands (ledger.ts's balanceOf). */
  readonly balance: Balance;
}

export interface Guard {
  readonly name: string;
  readonly problem: ProblemType;
  readonly refuses: (c: ChargeRecord, ctx: Context) => Text | undefined;
}

export interface Transition {
  readonly action: string;
  readonly from: readonly ChargeState[];
  /** `back`: the state the open refund was asked from. */
  readonly to: ChargeState | 'back';
  /** A charge that owes nothing once the action's entries are appended is settled (paid) instead. */
  readonly settlesWhenNothingDue?: true;
  readonly by: readonly Actor[];
  readonly guards: readonly Guard[];
  readonly summary: string;
}

const guards = {
  somethingDue: {
    name: 'something is due',
    problem: p['nothing-due'],
    refuses: (_c, { balance }) => (balance.dueFen > 0 ? undefined : msg('该收费没有应缴金额。', 'Nothing is due on the charge.')),
  },
  nothingDue: {
    name: 'nothing is due any more',
    problem: p['nothing-due'],
    refuses: (_c, { balance }) => (balance.dueFen === 0 ? undefined : msg(`尚欠 ${balance.dueFen} 分。`, `${balance.dueFen} fen are still due.`)),
  },
  waiverDecidedByAnother: {
    name: 'the waiver is decided by someone other than the assessor and the requester (four eyes)',
    problem: p['waiver-approver-is-assessor'],
    refuses: (c, { caller }) =>
      caller && (caller.userId === c.assessedBy || caller.userId === c.waiver?.requestedBy)
        ? msg('减免须由核价人和申请人以外的人审批。', 'A waiver is decided by someone other than the person who assessed the charge or asked for it.')
        : undefined,
  },
  refundDecidedByAnother: {
    name: 'the refund is decided by someone other than its requester (four eyes)',
    problem: p['refund-approver-is-requester'],
    refuses: (c, { caller }) => (caller && caller.userId === c.refund?.requestedBy ? msg('退费须由申请人以外的人审批。', 'A refund is decided by someone other than the person who asked for it.') : undefined),
  },
  somethingRefundable: {
    name: 'something received is not refunded yet',
    problem: p['refund-exceeds-received'],
    refuses: (_c, { balance }) => (refundableOf(balance) > 0 ? undefined : msg('该收费没有可退的已收金额。', 'Nothing received on the charge is left to refund.')),
  },
  payByPassed: {
    name: 'the last day to pay has passed',
    problem: p['not-yet-expired'],
    refuses: (c, { today }) => (c.payBy && today > c.payBy ? undefined : msg(`缴费期限${c.payBy ? `至 ${c.payBy}` : '尚未确定'}，尚未届满。`, `The last day to pay (${c.payBy ?? 'not yet known'}) has not passed.`)),
  },
} satisfies Record<string, Guard>;

const clerk = { role: 'clerk', on: 'department' } as const;
const approver = { role: 'approver', on: 'department' } as const;
const head = { role: 'dept_head', on: 'department' } as const;
const system = { role: 'system' } as const;
const unsettled: readonly ChargeState[] = ['assessed', 'waiver_pending', 'to_pay'];

export const transitions: readonly Transition[] = [
  { action: 'assess', from: [], to: 'assessed', by: [clerk], guards: [], summary: 'Price the charge (核价) from the item version\'s fees and the units counted' },
  {
    action: 'issue', from: ['assessed'], to: 'to_pay', settlesWhenNothingDue: true, by: [clerk], guards: [],
    summary: 'Issue the payment notice (缴款通知书) with its payment code: the provider\'s order is created, payable until the last day to pay',
  },
  { action: 'requestWaiver', from: ['assessed'], to: 'waiver_pending', by: [clerk], guards: [guards.somethingDue], summary: 'Ask for a waiver (减免) of one of the center\'s categories, with the reason the payer qualifies' },
  {
    action: 'approveWaiver', from: ['waiver_pending'], to: 'to_pay', settlesWhenNothingDue: true, by: [approver, head], guards: [guards.waiverDecidedByAnother],
    summary: 'Approve the waiver: it is entered in the ledger and the notice issued for the rest (a full waiver settles the charge)',
  },
  { action: 'rejectWaiver', from: ['waiver_pending'], to: 'to_pay', by: [approver, head], guards: [guards.waiverDecidedByAnother], summary: 'Reject the waiver: the notice is issued for the whole charge' },
  { action: 'pay', from: ['to_pay'], to: 'paid', by: [system], guards: [guards.nothingDue], summary: 'The provider notified payment of everything due (收讫)' },
  { action: 'expire', from: ['to_pay'], to: 'expired', by: [system], guards: [guards.payByPassed], summary: 'Unpaid after the last day to pay: what is due is written off; the case follows its item\'s setting' },
  { action: 'cancel', from: unsettled, to: 'cancelled', by: [clerk, system], guards: [], summary: 'Cancel an unpaid charge (a wrong assessment, a case that ended): what is due is written off' },
  {
    action: 'requestRefund', from: ['paid', 'expired', 'cancelled', 'refunded'], to: 'refund_requested', by: [clerk], guards: [guards.somethingRefundable],
    summary: 'Ask to refund (退费) part or all of what was received, with the reason',
  },
  {
    action: 'approveRefund', from: ['refund_requested'], to: 'refunding', by: [approver, head], guards: [guards.refundDecidedByAnother],
    summary: 'Approve the refund: it is sent to the provider under its refund number (once, however often it is sent)',
  },
  { action: 'rejectRefund', from: ['refund_requested'], to: 'back', by: [approver, head], guards: [guards.refundDecidedByAnother], summary: 'Reject the refund: the charge goes back to where it was' },
  { action: 'refunded', from: ['refunding'], to: 'refunded', by: [system], guards: [], summary: 'The provider confirmed the refund' },
];

/** The actions an HTTP route will expose: every one a person takes. */
export const staffActions = [...new Set(transitions.filter((t) => t.by.some((a) => a.role !== 'system')).map((t) => t.action))];

export const rowsOf = (action: string) => transitions.filter((t) => t.action === action);

/** The state `t` leaves the charge in, given what is due once its entries are appended. */
export function nextState(t: Transition, c: Pick<ChargeRecord, 'refund'>, dueAfter: number): ChargeState {
  if (t.settlesWhenNothingDue && dueAfter === 0) return 'paid';
  // Only a refund request goes back, and a charge asking for a refund holds it.
  return t.to === 'back' ? (c.refund?.returnTo ?? 'paid') : t.to;
}

type Target = { readonly centerId: string; readonly item: { readonly departmentId: string } };

function actsAs(t: Transition, c: Target, caller: Caller | undefined): boolean {
  return t.by.some((a) => {
    if (a.role === 'system') return caller === undefined;
    if (!caller || caller.centerId !== c.centerId || !caller.roles.includes(a.role)) return false;
    return callerDepartments(caller).includes(c.item.departmentId);
  });
}

/** Whether the caller may price a charge on a case of this department: the refusal, or undefined. Assessment creates the charge, so no state is asked. */
export function assessmentRefusal(caller: Caller, c: Target): HttpProblem | undefined {
  return rowsOf('assess').some((t) => actsAs(t, c, caller)) ? undefined : forbidden(msg('您不能为此办件核价。', 'You may not assess a charge on this case.'));
}

export type Decision = { readonly ok: true; readonly transition: Transition } | { readonly ok: false; readonly refusal: HttpProblem };

/**
 * Whether the caller (undefined: the system) may take `action` on `c` now:
 * 403 for someone who does not take it on this charge, `wrong-state` when the
 * state does not allow it, the first failing guard's own problem else.
 */
export function decide(action: string, c: ChargeRecord, ctx: Context): Decision {
  const mine = rowsOf(action).filter((t) => actsAs(t, c, ctx.caller));
  if (mine.length === 0) return { ok: false, refusal: forbidden(msg(`您不能对此收费执行 ${action}。`, `You may not ${action} this charge.`)) };
  const inState = mine.filter((t) => t.from.includes(c.state));
  if (inState.length === 0) return { ok: false, refusal: wrongState(msg(`处于 ${c.state} 状态的收费不能执行 ${action}。`, `A charge in state ${c.state} cannot ${action}.`)) };
  let refusal: HttpProblem | undefined;
  for (const t of inState) {
    const failed = t.guards.map((g) => ({ g, why: g.refuses(c, ctx) })).find((r) => r.why !== undefined);
    if (!failed) return { ok: true, transition: t };
    refusal ??= new HttpProblem(failed.g.problem, failed.why);
  }
  return { ok: false, refusal: refusal! };
}

/** The actions `caller` may take on `c` now, in table order: the `nextActions` of a charge read. */
export const nextActions = (c: ChargeRecord, ctx: Context & { caller: Caller }): string[] => staffActions.filter((action) => action !== 'assess' && decide(action, c, ctx).ok);
