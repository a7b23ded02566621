/**
 * What other domains may use of the fees domain: the rules of an item
 * version's fee schedule (the catalog checks them when a version is written),
 * of the center's waiver categories (the org checks them when the profile is
 * written), and an item version's payment terms (the case lifecycle's gate).
 */
export { feeScheduleErrors, paymentTermsOf, type PaymentStage } from './schedule.ts';
export { waiverSettingsErrors } from './settings.ts';
