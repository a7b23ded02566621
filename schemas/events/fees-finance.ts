/**
 * The fees domain's finance events: a day reconciled, with counts only (the
 * report is read through the API).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { closed } from '../api/common.ts';
import { envelope } from './envelope.ts';

const Count = Type.Integer({ minimum: 0 });

export const ReconciliationCompletedData = Type.Object(
  { date: Type.String({ format: 'date' }), revision: Type.Integer({ minimum: 1 }), matched: Count, notInLedger: Count, notInStatement: Count, amountMismatch: Count, unattributed: Count },
  closed,
);
export type ReconciliationCompletedData = Static<typeof ReconciliationCompletedData>;

export const feeFinanceEventSchemas = { ReconciliationCompleted: envelope(ReconciliationCompletedData) };
