/**
 * Events of the fees domain (source `onestop.fees`, subject `case` / caseNo:
 * a charge belongs to its case, and a case's history reads with its money).
 * No personal data: amounts, ids and states only.
 *
 * The gate events (ChargeIssued, ChargeSettled, ChargeExpired, ChargeCancelled)
 * are what the case lifecycle reacts to (functions/cases: the `to_pay` gate
 * before acceptance or before delivery); the rest are the ledger's record.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { closed, StringEnum, CaseNo } from '../api/common.ts';
import { envelope } from './envelope.ts';

const Fen = Type.Integer({ minimum: 0, description: 'Integer fen (分)' });
const ChargeId = Type.String({ minLength: 1, maxLength: 64 });
export const PaymentStage = StringEnum(['before_acceptance', 'before_delivery'] as const, 'When the item\'s fees are paid (缴费环节)');

const chargeFields = { caseNo: CaseNo, chargeId: ChargeId };

/** The payment notice (缴款通知书) is out: the charge waits for payment until `payBy` (its last day, the center's date). */
export const ChargeIssuedData = Type.Object({ ...chargeFields, stage: PaymentStage, dueFen: Fen, payBy: Type.String({ format: 'date' }) }, closed);
/** Nothing is due any more: paid in full, or waived to nothing (`how`). */
export const ChargeSettledData = Type.Object({ ...chargeFields, stage: PaymentStage, how: StringEnum(['paid', 'waived'] as const) }, closed);
/** `payBy` passed unpaid: what happens to the case is its item's setting. */
export const ChargeExpiredData = Type.Object({ ...chargeFields, stage: PaymentStage, payBy: Type.String({ format: 'date' }) }, closed);
/** Withdrawn by the department before payment (a wrong assessment is cancelled and assessed again). */
export const ChargeCancelledData = Type.Object({ ...chargeFields, stage: PaymentStage }, closed);

export const feeGateEventSchemas = {
  ChargeIssued: envelope(ChargeIssuedData),
  ChargeSettled: envelope(ChargeSettledData),
  ChargeExpired: envelope(ChargeExpiredData),
  ChargeCancelled: envelope(ChargeCancelledData),
};
export type FeeGateEventType = keyof typeof feeGateEventSchemas;
export type FeeGateEventData = {
  ChargeIssued: Static<typeof ChargeIssuedData>;
  ChargeSettled: Static<typeof ChargeSettledData>;
  ChargeExpired: Static<typeof ChargeExpiredData>;
  ChargeCancelled: Static<typeof ChargeCancelledData>;
};

/** Priced (核价) by a clerk: the gross amount of its lines. */
export const ChargeAssessedData = Type.Object({ ...chargeFields, itemCode: Type.String(), stage: PaymentStage, grossFen: Fen, lines: Type.Integer({ minimum: 1 }) }, closed);
/** A waiver (减免) asked: the center's category and what it would take off. */
export const WaiverRequestedData = Type.Object({ ...chargeFields, categoryId: Type.String(), amountFen: Fen }, closed);
/** The waiver decided by someone other than its assessor and requester. */
export const WaiverDecidedData = Type.Object({ ...chargeFields, categoryId: Type.String(), decision: StringEnum(['approved', 'rejected'] as const), amountFen: Fen }, closed);
/** The provider's payment recorded once: `appliedFen` to what was due, `unappliedFen` held to go back (late, doubled or excess). */
export const PaymentRecordedData = Type.Object({ ...chargeFields, transactionId: Type.String(), appliedFen: Fen, unappliedFen: Fen }, closed);
/** A refund (退费) asked under the center's refund number. */
export const RefundRequestedData = Type.Object({ ...chargeFields, outRefundNo: Type.String(), amountFen: Fen }, closed);
/** The refund decided by someone other than its requester; an approved one is sent to the provider. */
export const RefundDecidedData = Type.Object({ ...chargeFields, outRefundNo: Type.String(), decision: StringEnum(['approved', 'rejected'] as const), amountFen: Fen }, closed);
/** The provider's refund recorded once. */
export const RefundRecordedData = Type.Object({ ...chargeFields, outRefundNo: Type.String(), amountFen: Fen }, closed);
/** A payment that found nothing due (late, doubled or excess) returned by the provider, sent by the system under `outRefundNo` (U<transactionId>) without a request: it was never revenue. */
export const PaymentReturnedData = Type.Object({ ...chargeFields, transactionId: Type.String(), outRefundNo: Type.String(), amountFen: Fen }, closed);
/** The provider's order of a charge that ended unpaid is closed: it takes no payment any more. */
export const PaymentOrderClosedData = Type.Object({ ...chargeFields, outTradeNo: Type.String() }, closed);

export const feeLedgerEventSchemas = {
  ChargeAssessed: envelope(ChargeAssessedData),
  WaiverRequested: envelope(WaiverRequestedData),
  WaiverDecided: envelope(WaiverDecidedData),
  PaymentRecorded: envelope(PaymentRecordedData),
  RefundRequested: envelope(RefundRequestedData),
  RefundDecided: envelope(RefundDecidedData),
  RefundRecorded: envelope(RefundRecordedData),
  PaymentReturned: envelope(PaymentReturnedData),
  PaymentOrderClosed: envelope(PaymentOrderClosedData),
};
export type FeeEventData = FeeGateEventData & {
  ChargeAssessed: Static<typeof ChargeAssessedData>;
  WaiverRequested: Static<typeof WaiverRequestedData>;
  WaiverDecided: Static<typeof WaiverDecidedData>;
  PaymentRecorded: Static<typeof PaymentRecordedData>;
  RefundRequested: Static<typeof RefundRequestedData>;
  RefundDecided: Static<typeof RefundDecidedData>;
  RefundRecorded: Static<typeof RefundRecordedData>;
  PaymentReturned: Static<typeof PaymentReturnedData>;
  PaymentOrderClosed: Static<typeof PaymentOrderClosedData>;
};

export const feeEventSchemas = { ...feeGateEventSchemas, ...feeLedgerEventSchemas };
