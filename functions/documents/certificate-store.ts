/**
 * DynamoDB keys, reads and writes of certificates (证照): the only module that
 * knows them (docs/data-model.md lists each access pattern).
 *
 *   certificate  PK CERT#<certificateNo>  SK CERT  { status, validUntil?, holder, holderKind?, remindAt?, remindedAt?, rev, … }
 *                GSI1 CENTER#<c>#LICENCES / <issuedOn>#<certificateNo>              (the public register of licences granted, art. 40)
 *                GSI2 CENTER#<c>#LICENCES#<itemCode> / <issuedOn>#<certificateNo>   (… of one item)
 *                GSI5 RENEWWATCH / <remindAt>#<c>#<certificateNo>                   (valid and not yet reminded: the renewal watcher's wake-up)
 *
 * Every write of a certificate goes through certificateItem, which derives the
 * index keys from the certificate itself: each revision keeps its place in the
 * register, and the write that ends a certificate takes it off the renewal
 * watch. Certificates issued before the register have no index keys until
 * their next revision, so the register does not list them.
 */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredCertificateStatus } from '#schemas/api/documents';
import { msg } from '#schemas/api/problems';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { concurrentRequest } from '#shared/errors';
import type { IdempotencyPut } from '#shared/idempotency';
import { moveWakeUp, wakeUpAt } from '#shared/wake-index';
import { caseKey, toRecord } from '../cases/public.ts';
import { event, type DocumentEvent } from './outbox.ts';
import type { ApplicantKind } from '#schemas/api/common';

const certificateKey = (no: string): ItemKey => ({ PK: `CERT#${no}`, SK: 'CERT' });
const registerPk = (centerId: string) => `CENTER#${centerId}#LICENCES`;
const itemRegisterPk = (centerId: string, itemCode: string) => `CENTER#${centerId}#LICENCES#${itemCode}`;
/** The renewal reminders' wake-up partition: one write at the issue and one at the reminder per certificate, one partition serves every center. */
const RENEWAL_WATCH_PK = 'RENEWWATCH';

/**
 * `rev` counts the certificate's changes (its ETag; certificates issued
 * before it read as 0); `departmentId` is the issuing department's, whose
 * approvers may revoke or cancel it.
 */
export interface StoredCertificate {
  readonly certificateNo: string;
  readonly centerId: string;
  readonly caseNo: string;
  readonly status: StoredCertificateStatus;
  readonly itemCode: string;
  readonly itemName: string;
  readonly departmentId?: string;
  readonly departmentName: string;
  readonly centerName: string;
  /** The holder as the public may read it (certificates.ts publicHolder): an organization's name, a citizen's masked. */
  readonly holder: string;
  /** Absent on certificates issued before it was recorded: their `holder` is masked whatever the holder was. */
  readonly holderKind?: ApplicantKind;
  /** The holder's applicant id: a renewal, change or cancellation is the holder's own (never shown). */
  readonly holderId?: string;
  readonly issuedOn: string;
  readonly validUntil?: string;
  /** The last day to apply for its renewal (art. 50; certificates.ts renewalApplyBy); absent without a validity. */
  readonly renewalApplyBy?: string;
  /** When the holder is reminded to renew, a lead time before `renewalApplyBy` (certificates.ts renewalReminderAt); absent without a validity. */
  readonly remindAt?: string;
  /** When the reminder was published (CertificateRenewalDue). */
  readonly remindedAt?: string;
  readonly statusOn?: string;
  readonly supersedes?: string;
  readonly supersededBy?: string;
  readonly ended?: { readonly reason: string; readonly legalBasis: string; readonly by: string; readonly at: string };
  readonly sha256: string;
  readonly objectKey: string;
  readonly rev?: number;
}

const toCertificate = (item: Item | undefined): StoredCertificate | undefined => {
  if (!item) return undefined;
  const { PK: _p, SK: _s, kind: _k, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, GSI5PK: _e, GSI5SK: _f, ...rest } = item;
  return rest as unknown as StoredCertificate;
};

/** A certificate as written, with the index keys its state calls for. */
export function certificateItem(cert: StoredCertificate): Item {
  const listed = `${cert.issuedOn}#${cert.certificateNo}`;
  const watched = cert.status === 'valid' && cert.remindAt !== undefined && cert.remindedAt === undefined;
  return {
    ...certificateKey(cert.certificateNo),
    kind: 'certificate',
    ...cert,
    GSI1PK: registerPk(cert.centerId),
    GSI1SK: listed,
    GSI2PK: itemRegisterPk(cert.centerId, cert.itemCode),
    GSI2SK: listed,
    ...(watched ? { GSI5PK: RENEWAL_WATCH_PK, GSI5SK: wakeUpAt(cert.remindAt!, cert.centerId, cert.certificateNo) } : {}),
  };
}

/** A certificate; `consistent` for a read that a write follows. */
export async function getCertificate(no: string, consistent = false): Promise<StoredCertificate | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: certificateKey(no), ...(consistent ? { ConsistentRead: true } : {}) }));
  return toCertificate(out.Item);
}

/**
 * A certificate with its issuing department and holder: those issued before
 * the certificate recorded them take both from their case (one GetItem), so
 * the department's approvers can revoke them and their holder renew them.
 */
export async function withIssuer(cert: StoredCertificate): Promise<StoredCertificate> {
  if (cert.departmentId && cert.holderId) return cert;
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: caseKey(cert.centerId, cert.caseNo), ConsistentRead: true }));
  if (!out.Item) return cert;
  const { item, applicant } = toRecord(out.Item);
  return { ...cert, departmentId: item.departmentId, holderId: applicant.applicantId };
}

/** A certificate with the request's checks (`alsoRead`): one BatchGetItem. */
export async function certificateContext(no: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([certificateKey(no), ...alsoRead]);
  return { certificate: toCertificate(itemAt(found, certificateKey(no))), found };
}

/**
 * A page of a center's register (of one item's, with `itemCode`), newest
 * issue day first: one Query of GSI1 (GSI2), eventually consistent like every
 * public read.
 */
export async function licencesGranted(centerId: string, itemCode: string | undefined, limit: number, startKey: Item | undefined) {
  const [index, pk] = itemCode === undefined ? ['GSI1', registerPk(centerId)] : ['GSI2', itemRegisterPk(centerId, itemCode)];
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    IndexName: index,
    KeyConditionExpression: `${index}PK = :pk`,
    ExpressionAttributeValues: { ':pk': pk },
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: startKey,
  }));
  return { items: (out.Items ?? []).map((i) => toCertificate(i)!), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/**
 * The condition that a certificate is still as read: valid (an ended one is
 * final) at the revision `rev` (certificates issued before revisions have none).
 */
const stillValidAt = (rev: number) => ({
  ConditionExpression: `#s = :valid AND ${rev === 0 ? 'attribute_not_exists(rev)' : 'rev = :rev'}`,
  ExpressionAttributeNames: { '#s': 'status' },
  ExpressionAttributeValues: { ':valid': 'valid', ...(rev === 0 ? {} : { ':rev': rev }) },
});

/** A certificate's next revision (revoked, cancelled or superseded) and its event. */
export interface CertificateChange {
  readonly next: StoredCertificate;
  readonly draft: DocumentEvent<'CertificateStatusChanged'>;
}

/** The writes of a change: the certificate, only if the revision before is still there and valid, and its event (in its own case's outbox). */
export const certificateChangeItems = ({ next, draft }: CertificateChange) => [
  { Put: { TableName: tableName(), Item: certificateItem(next), ...stillValidAt(next.rev! - 1) } },
  event(next.centerId, next.caseNo, draft),
];

/** A certificate revoked or cancelled by an approver, with the request's recorded outcome, in one transaction. */
export async function endCertificate(change: CertificateChange, idempotency?: IdempotencyPut): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: [...certificateChangeItems(change), ...(idempotency ? [idempotency] : [])] }));
  } catch (err) {
    if (isConcurrentChange(err)) throw concurrentRequest(msg('证照在此期间已有变化；请重新读取后再试。', 'The certificate changed at the same moment; read it again and retry.'));
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The renewal watch (renewal-watch.ts): a valid certificate waits for its reminder

export interface RenewalWatchEntry {
  readonly certificateNo: string;
  readonly centerId: string;
  /** The index key as read: the reminder goes out only if nothing moved it since. */
  readonly watchKey: string;
}

/** The certificates (every center) whose reminder is due by `now`. */
export async function renewalsDue(now: string): Promise<RenewalWatchEntry[]> {
  const items = await queryAll({
    IndexName: 'GSI5',
    KeyConditionExpression: 'GSI5PK = :pk AND GSI5SK < :to',
    ExpressionAttributeValues: { ':pk': RENEWAL_WATCH_PK, ':to': `${now}~` },
    ProjectionExpression: 'PK, centerId, GSI5SK',
  });
  return items.map((i) => ({ certificateNo: (i.PK as string).slice('CERT#'.length), centerId: i.centerId as string, watchKey: i.GSI5SK as string }));
}

/**
 * The reminder: the certificate leaves the watch with its event, in one
 * transaction, only if it is still valid and nothing moved its wake-up since
 * it was read (a concurrent run, a revocation). False when something had.
 */
export async function publishRenewalDue(entry: RenewalWatchEntry, caseNo: string, draft: DocumentEvent<'CertificateRenewalDue'>): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: certificateKey(entry.certificateNo),
            UpdateExpression: 'REMOVE GSI5PK, GSI5SK SET remindedAt = :at',
            ConditionExpression: 'GSI5SK = :seen AND #s = :valid',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':seen': entry.watchKey, ':valid': 'valid', ':at': draft.occurredAt },
          },
        },
        event(entry.centerId, caseNo, draft),
      ],
    }));
    return true;
  } catch (err) {
    if (isConcurrentChange(err)) return false;
    throw err;
  }
}

/** Takes a certificate off the watch without a reminder (it ended or expired first), unless its wake-up moved since it was read. */
export const unwatchRenewal = (entry: RenewalWatchEntry) =>
  moveWakeUp(certificateKey(entry.certificateNo), entry.watchKey, undefined, entry.centerId, entry.certificateNo);
