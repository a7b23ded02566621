/**
 * What other domains may use of applicants: the keys of a profile (by account)
 * and of a card (by applicant id) to read in their own batch, the reading of
 * either, and a profile by id. Nothing else of the store is theirs to touch.
 */
export { applicantOf, keys as applicantKeys, profileById, type Card } from './store.ts';
