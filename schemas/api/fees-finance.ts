/**
 * The fees domain's finance views (财务): the daily reconciliation (对账) of
 * the payment provider's statement against the ledger, and revenue by item,
 * department and month. Amounts are integer fen; nothing names a payer.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed } from './common.ts';

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: `${description} (integer fen, 分)` });
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, China time (the provider\'s days)' });
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'yyyy-mm, China time' });

export const ReconciliationPath = Type.Object({ date: Day }, closed);
export const RevenueQuery = Type.Object({ month: Month }, closed);

export const differenceKinds = ['not_in_ledger', 'not_in_statement', 'amount_mismatch'] as const;

/** One line the two sides do not agree on. */
export const ReconciliationDifference = Type.Object(
  {
    kind: StringEnum(differenceKinds, 'not_in_ledger: the provider settled it, the ledger has no record (a notification never recorded); not_in_statement: the ledger has it, the statement does not; amount_mismatch: both, with different amounts. Clients must tolerate values they do not know.'),
    type: StringEnum(['PAY', 'REFUND'] as const, 'A payment taken or a refund made'),
    providerId: Type.String({ description: 'The provider\'s transaction or refund id' }),
    outTradeNo: Type.Optional(Type.String({ description: 'The merchant order (= the charge) it was taken under' })),
    caseNo: Type.Optional(Type.String()),
    chargeId: Type.Optional(Type.String()),
    statementFen: Type.Optional(Fen('What the statement says')),
    ledgerFen: Type.Optional(Fen('What the ledger recorded')),
  },
  closed,
);
export type ReconciliationDifference = Static<typeof ReconciliationDifference>;

const Side = Type.Object({ lines: Type.Integer({ minimum: 0 }), payFen: Fen('Payments'), refundFen: Fen('Refunds') }, closed);

export const ReconciliationReport = Type.Object(
  {
    centerId: Type.String(),
    date: Day,
    balanced: Type.Boolean({ description: 'No difference, and no statement line of an order OneStop never made' }),
    statement: Side,
    ledger: Side,
    matched: Type.Integer({ minimum: 0, description: 'Lines both sides agree on' }),
    differences: Type.Array(ReconciliationDifference),
    unattributed: Type.Array(ReconciliationDifference, { description: 'Statement lines of orders OneStop never made (not_in_ledger, no center): the merchant\'s, shown to every center\'s finance' }),
    reconciledAt: Type.String({ format: 'date-time' }),
    revision: Type.Integer({ minimum: 1, description: 'How many times the day was reconciled (the schedule, then any run on demand); the report is the last run\'s' }),
  },
  closed,
);
export type ReconciliationReport = Static<typeof ReconciliationReport>;

const Figures = {
  revenueFen: Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description: 'Kept for the treasury: payments applied, less refunds approved (integer fen, 分; below zero when refunds approved exceed the payments)' }),
  receivedFen: Fen('Every payment the provider took, applied or not'),
  refundedFen: Fen('Every refund the provider made'),
  payments: Type.Integer({ minimum: 0, description: 'Payments taken' }),
};
export const RevenueFigures = Type.Object(Figures, closed);
export type RevenueFigures = Static<typeof RevenueFigures>;

export const Revenue = Type.Object(
  {
    centerId: Type.String(),
    month: Month,
    days: Type.Array(Day, { description: 'The days of the month reconciled so far: the figures cover these' }),
    total: RevenueFigures,
    byItem: Type.Array(Type.Object({ itemCode: Type.String(), departmentId: Type.String(), ...Figures }, closed)),
    byDepartment: Type.Array(Type.Object({ departmentId: Type.String(), ...Figures }, closed)),
  },
  closed,
);
export type Revenue = Static<typeof Revenue>;
