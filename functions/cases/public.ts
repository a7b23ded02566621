/**
 * The cases domain's public module: all that other domains (documents,
 * notifications, supervision…) may use of cases. They read a case through it
 * and never through the store's keys or the lifecycle's internals; the
 * dependency rules (tests/unit/architecture.test.ts) hold them to it.
 */
export type { CaseRecord } from './lifecycle.ts';
export type { TimelineItem } from './store.ts';
export { caseKey, toRecord, caseContext, caseWithTimeline, archiveLocationItem } from './store.ts';
export { assertMayRead, readsAsApplicant, standsForApplicant } from './access.ts';
/** The query code of a case's generation (QUERY_CODE_KEY): the receipt prints it, the acceptance notice sends it. */
export { queryCodeFor } from './case-numbers.ts';
