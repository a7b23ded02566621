/**
 * The partition of a case's files beside the case, and the documents domain's
 * outbox beside it: shared by store.ts (files, documents, archives) and
 * certificate-store.ts (certificates), whose events land in their case's
 * outbox. Only those two modules build these keys.
 *
 *   files   PK CENTER#<c>#CASEFILES#<caseNo>
 *   events  PK CENTER#<c>#CASEFILES#<caseNo>#EVENTS  SK EVENT#<ulid>
 *           (apart from the files, so reading a case's files never pages through its downloads)
 */
import type { DocumentEventData } from '#schemas/events/documents';
import { tableName } from '#shared/db';
import { outboxItem, type EventDraft } from '#shared/events';

export type DocumentEvent<K extends keyof DocumentEventData> = EventDraft<DocumentEventData[K]> & { readonly detailType: K };

export const filesPk = (centerId: string, caseNo: string) => `CENTER#${centerId}#CASEFILES#${caseNo}`;
export const eventsPk = (centerId: string, caseNo: string) => `${filesPk(centerId, caseNo)}#EVENTS`;

/** The Put of an event into its case's documents outbox, for a transaction. */
export const event = <K extends keyof DocumentEventData>(centerId: string, caseNo: string, draft: DocumentEvent<K>) => ({
  Put: { TableName: tableName(), Item: outboxItem(eventsPk(centerId, caseNo), draft).item },
});
