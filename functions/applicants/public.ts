/**
 * What other domains may use of applicants: the keys of a profile (by account),
 * of a card (by applicant id) and of an agent's authorization by a principal
 * (its agency) to read in their own batch, and the reading of each; whether a
 * profile is flagged for bad credit (失信); whether an authorization lets the
 * agent act for an item on a day; a profile by id; the agents to tell of a
 * principal's case. Nothing else of the store is theirs to touch.
 */
export { agencyOf, applicantOf, creditExcludedOf, keys as applicantKeys, noticeAgents, profileById, type Card, type StoredAgency } from './store.ts';
export { agencyFault, grantCovers, type AgencyFault } from './rules.ts';
