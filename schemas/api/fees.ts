/**
 * Fees (收费): a case's charges, their lines and the ledger of money they
 * record. Amounts are integer fen (分) in CNY everywhere; nothing is a float.
 *
 * A charge is priced (核价) from its item version's fee entries and the
 * quantities a clerk counts; its money moves only by append-only ledger
 * entries, from which every balance is derived (functions/fees/ledger.ts).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { FeeTier, MAX_FEE_QUANTITY, feeKinds } from './catalog.ts';
import { FeeWaiverCategory } from './org.ts';
import { StringEnum, closed, text, CaseNo, ItemCode } from './common.ts';

const FeeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', maxLength: 40, description: 'A fee of the item version (its feeId, or `fee-<position>` on a version written before fee ids)' });
const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (integer fen, 分)` });
const PositiveFen = (description: string) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (integer fen, 分)` });
const Instant = Type.String({ format: 'date-time' });
const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone' });
const StaffAccountId = Type.String({ description: 'Account id (sub) of the staff member; GET /org/staff?id= names them' });

/**
 * The states of a charge (functions/fees/lifecycle.ts holds the table):
 * assessed (核价) → waiver_pending (减免待批)? → to_pay (待缴费) → paid (已缴清;
 * also a charge waived in full) | expired (逾期未缴) | cancelled; a refund:
 * refund_requested → refunding (sent to the provider) → refunded.
 */
export const chargeStates = ['assessed', 'waiver_pending', 'to_pay', 'paid', 'expired', 'cancelled', 'refund_requested', 'refunding', 'refunded'] as const;
export const ChargeState = StringEnum(chargeStates, 'Clients must tolerate values they do not know.');
export type ChargeState = Static<typeof ChargeState>;

/** One fee charged, as assessed: the quantity counted and the fee's terms copied from the item version, so a charge reads alike whatever the catalog does later. */
export const ChargeLine = Type.Object(
  {
    feeId: Type.String(),
    name: Type.String(),
    kind: StringEnum(feeKinds),
    unit: Type.String(),
    basis: Type.String({ description: 'The fee\'s legal basis (收费依据)' }),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_FEE_QUANTITY, description: '1 for a fixed fee' }),
    unitFen: Type.Optional(Fen('per_unit: the price of one unit')),
    tiers: Type.Optional(Type.Array(FeeTier, { description: 'tiered: the tiers priced' })),
    amountFen: Fen('The line\'s amount'),
  },
  closed,
);
export type ChargeLine = Static<typeof ChargeLine>;

/** A waiver (减免) asked for a charge: the center's category, copied with its basis, the reason found, and who asked and decided. */
export const ChargeWaiver = Type.Object(
  {
    category: FeeWaiverCategory,
    amountFen: Fen('What the waiver takes off the charge, never more than it'),
    reason: Type.String(),
    requestedBy: StaffAccountId,
    requestedAt: Instant,
    decision: Type.Optional(StringEnum(['approved', 'rejected'] as const)),
    decidedBy: Type.Optional(StaffAccountId),
    decidedAt: Type.Optional(Instant),
  },
  closed,
);
export type ChargeWaiver = Static<typeof ChargeWaiver>;

/** The one open refund of a charge (退费), from its request to the provider's confirmation. */
export const ChargeRefund = Type.Object(
  {
    outRefundNo: Type.String({ description: 'The center\'s refund number: the provider refunds once under it' }),
    amountFen: PositiveFen('The amount to refund'),
    reason: Type.String(),
    requestedBy: StaffAccountId,
    requestedAt: Instant,
    approvedBy: Type.Optional(StaffAccountId),
    approvedAt: Type.Optional(Instant),
    /** Where a rejected request leaves the charge. */
    returnTo: ChargeState,
  },
  closed,
);
export type ChargeRefund = Static<typeof ChargeRefund>;

/**
 * A ledger entry (台账): appended, never updated or deleted. Each posts its
 * amount to one of a charge's two accounts: `due` (what the payer owes) or
 * `toRefund` (money received that goes back):
 *   charge +due · waiver −due · payment −due · write_off −due (expiry, cancellation)
 *   unapplied_payment +toRefund (a payment that found nothing due) · refund_approved +toRefund (a paid amount to go back) · refund −toRefund
 */
export const ledgerEntryTypes = ['charge', 'waiver', 'payment', 'write_off', 'unapplied_payment', 'refund_approved', 'refund'] as const;
export type LedgerEntryType = (typeof ledgerEntryTypes)[number];

export const LedgerEntry = Type.Object(
  {
    entryId: Type.String({ description: 'ULID: entries sort in the order they were appended' }),
    chargeId: Type.String(),
    type: StringEnum(ledgerEntryTypes, 'Clients must tolerate values they do not know.'),
    amountFen: PositiveFen('Always positive: the type says which way it posts'),
    at: Instant,
    by: Type.String({ description: 'Account id (sub) of the staff member, `provider` for what the payment provider notified, or `system`' }),
    transactionId: Type.Optional(Type.String({ description: 'payment, unapplied_payment: the provider\'s transaction id; one transaction is recorded once' })),
    outTradeNo: Type.Optional(Type.String({ description: 'payment, unapplied_payment: the order the provider took it under' })),
    outRefundNo: Type.Optional(Type.String({ description: 'refund_approved, refund: the center\'s refund number' })),
    refundId: Type.Optional(Type.String({ description: 'refund: the provider\'s refund id' })),
    note: Type.Optional(Type.String({ description: 'Why, in people\'s words (a waiver\'s category, an expiry, a late payment)' })),
  },
  closed,
);
export type LedgerEntry = Static<typeof LedgerEntry>;

/** What a charge's ledger adds up to: derived, never stored. */
export const Balance = Type.Object(
  {
    dueFen: Fen('Still to pay'),
    toRefundFen: Fen('Received and to go back to the payer'),
    receivedFen: Fen('Every payment the provider took'),
    refundedFen: Fen('Every refund the provider made'),
    revenueFen: Fen('Kept for the treasury: payments applied, less what was approved to go back'),
  },
  closed,
);
export type Balance = Static<typeof Balance>;

export const Charge = Type.Object(
  {
    chargeId: Type.String(),
    caseNo: Type.String(),
    item: Type.Object({ code: ItemCode, version: Type.Integer({ minimum: 1 }), departmentId: Type.String() }, closed),
    state: ChargeState,
    currency: Type.Literal('CNY'),
    lines: Type.Array(ChargeLine, { minItems: 1, maxItems: 20 }),
    grossFen: Fen('The sum of the lines'),
    waiver: Type.Optional(ChargeWaiver),
    refund: Type.Optional(ChargeRefund),
    assessedBy: StaffAccountId,
    assessedAt: Instant,
    payBy: Type.Optional(Type.Union([CalendarDate, Type.Null()], { description: 'The last day to pay, from the notice (to_pay); null while the calendar lacks the year' })),
    balance: Balance,
    version: Type.Integer({ minimum: 1 }),
  },
  closed,
);
export type Charge = Static<typeof Charge>;

/** Assessment (核价): the fees charged and the units counted; a fee not named is not charged. */
export const AssessBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          feeId: FeeId,
          quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FEE_QUANTITY, description: 'Units counted: required for per_unit and tiered fees, absent for fixed ones' })),
        },
        closed,
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  closed,
);
export type AssessBody = Static<typeof AssessBody>;

export const WaiverRequestBody = Type.Object(
  { categoryId: FeeWaiverCategory.properties.categoryId, reason: text(500, 'Why the payer qualifies, e.g. the enterprise\'s classification') },
  closed,
);
export type WaiverRequestBody = Static<typeof WaiverRequestBody>;

export const RefundRequestBody = Type.Object(
  { amountFen: PositiveFen('The amount to refund, at most what was received and not refunded'), reason: text(500) },
  closed,
);
export type RefundRequestBody = Static<typeof RefundRequestBody>;

/** Assessment (核价) with, optionally, a waiver asked at once: the charge waits for its decision. */
export const AssessRequest = Type.Object(
  { lines: AssessBody.properties.lines, waiver: Type.Optional(WaiverRequestBody) },
  closed,
);
export type AssessRequest = Static<typeof AssessRequest>;

export const DecisionBody = Type.Object({ note: Type.Optional(text(500)) }, closed);
export type DecisionBody = Static<typeof DecisionBody>;

export const CancelBody = Type.Object({ reason: text(500, 'Why the charge is withdrawn (a wrong assessment, a case that ended)') }, closed);
export type CancelBody = Static<typeof CancelBody>;

/** The provider's order of a charge waiting for payment: where the payer pays. */
export const PaymentOrder = Type.Object(
  {
    outTradeNo: Type.String({ description: 'The center\'s order number at the provider (the payment code, 缴款码)' }),
    payUrl: Type.Optional(Type.String({ description: 'The cashier page, and a QR code\'s payload; absent while the provider has not answered (ask again: POST …/payment-order)' })),
    expiresAt: Instant,
  },
  closed,
);
export type PaymentOrder = Static<typeof PaymentOrder>;

/** A charge as a caller reads it: its ledger, the derived balance, what the caller may do next and, waiting for payment, where to pay. */
export const ChargeView = Type.Object(
  {
    ...Charge.properties,
    stage: StringEnum(['before_acceptance', 'before_delivery'] as const, 'When the item\'s fees are paid (缴费环节)'),
    entries: Type.Array(LedgerEntry),
    nextActions: Type.Array(Type.String(), { description: 'Actions the caller may take now (POST /cases/{caseNo}/charges/{chargeId}/{action})' }),
    payment: Type.Optional(PaymentOrder),
  },
  closed,
);
export type ChargeView = Static<typeof ChargeView>;

export const ChargeList = Type.Object({ items: Type.Array(ChargeView) }, closed);
export type ChargeList = Static<typeof ChargeList>;

export const CaseChargesPath = Type.Object({ caseNo: CaseNo }, closed);
export const ChargePath = Type.Object({ caseNo: CaseNo, chargeId: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 26 }) }, closed);

/** The provider's notification as it arrives: checked by its signature over the raw body, then read (functions/fees/provider/protocol.ts). */
export const NotificationBody = Type.Object({}, {
  additionalProperties: true, 'x-free-form': 'the provider\'s own fields: bounded by the body\'s size and nesting limits, and read only once its signature holds',
  description: 'The provider\'s signed notification (TRANSACTION.SUCCESS, REFUND.SUCCESS)',
});
export const NotificationAck = Type.Object({ code: Type.Literal('SUCCESS') }, closed);
