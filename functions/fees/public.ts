/**
 * What other domains may use of the fees domain: the rules of an item
 * version's fee schedule (the catalog checks them when a version is written),
 * of the center's waiver categories (the org checks them when the profile is
 * written), an item version's payment terms (the case lifecycle's gate), and
 * a charge with its ledger and balance (the documents domain prints its
 * payment notice and receipts, and checks a receipt against it).
 */
import type { Balance, LedgerEntry } from '#schemas/api/fees';
import { balanceOf } from './ledger.ts';
import type { ChargeRecord } from './lifecycle.ts';
import { chargesOf } from './store.ts';

export { feeScheduleErrors, paymentTermsOf, type PaymentStage } from './schedule.ts';
export { waiverSettingsErrors } from './settings.ts';

export interface ChargeWithLedger {
  readonly record: ChargeRecord;
  readonly entries: readonly LedgerEntry[];
  readonly balance: Balance;
}

/** A case's charge as it stands (one Query of the case's fees partition); undefined when the case has no such charge. */
export async function chargeOf(centerId: string, caseNo: string, chargeId: string): Promise<ChargeWithLedger | undefined> {
  const stored = (await chargesOf(centerId, caseNo)).get(chargeId);
  return stored ? { record: stored.record, entries: stored.entries, balance: balanceOf(stored.entries) } : undefined;
}
