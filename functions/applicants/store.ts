/**
 * Keys of the applicants domain. Everything lives in the center's partition.
 * The profile is keyed by the account's `sub` (what the applicant's token
 * carries), so the applicant's own routes read it with one GetItem; staff find
 * it by applicantId through the applicant's card, which also carries the
 * masked identity an agent list shows.
 *
 *   profile          PK CENTER#<c>  SK APPSUB#<sub>                  the full record (personal data)
 *   card             PK CENTER#<c>  SK APPLICANT#<applicantId>       { sub, kind, name, masked ID number | credit code }
 *   identifier       PK CENTER#<c>  SK IDNO#<sha256(number)>         uniqueness of the ID number / credit code (never the number itself)
 *   username         PK CENTER#<c>  SK APPUSER#<username>            uniqueness of the username
 *   agent grant      PK CENTER#<c>  SK AGENTS#<sub>#<agentApplicantId>  the principal's authorization of an agent
 *   events           PK CENTER#<c>  SK EVENT#<ulid>
 *
 * A registration writes profile, card, identifier, username and event in one
 * transaction, each created under `attribute_not_exists`, next to a check that
 * the center exists: a duplicate writes nothing.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AgentGrant, Applicant, ApplicantKind } from '#schemas/api/applicants';
import type { ApplicantEventData, ApplicantEventType } from '#schemas/events/applicants';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName } from '#shared/db';
import { conflict, notFound, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import { centerPk, centerProfileKey } from '../org/store.ts';
import { accountStatusKey, type AccountStatus } from '#shared/accounts';


/** Cases read an applicant's card (counter intake) or profile (online intake) in their own batch. */
export const keys = {
  profile: (c: string, sub: string) => ({ PK: centerPk(c), SK: `APPSUB#${sub}` }),
  card: (c: string, applicantId: string) => ({ PK: centerPk(c), SK: `APPLICANT#${applicantId}` }),
  identifier: (c: string, number: string) => ({ PK: centerPk(c), SK: `IDNO#${createHash('sha256').update(number).digest('hex')}` }),
  username: (c: string, username: string) => ({ PK: centerPk(c), SK: `APPUSER#${username}` }),
  grant: (c: string, sub: string, agentId: string) => ({ PK: centerPk(c), SK: `AGENTS#${sub}#${agentId}` }),
};

/** The profile as stored: the applicant's record, its account's sub and its revision. */
export type StoredApplicant = Applicant & { readonly sub: string; readonly rev: number };

/** What an agent list shows of an applicant: no phone, no email, the ID number masked. */
export interface Card {
  readonly applicantId: string;
  readonly sub: string;
  readonly kind: ApplicantKind;
  readonly name: string;
  readonly idNumber?: string;
  readonly creditCode?: string;
}

export type ApplicantEvent<T extends ApplicantEventType = ApplicantEventType> = EventDraft<ApplicantEventData[T]> & { readonly detailType: T };

/**
 * Every item's `kind` names the item type (the pipe publishes `kind = event`),
 * so an applicant's own kind (citizen, enterprise) is stored as `applicantKind`.
 */
function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { PK: _pk, SK: _sk, kind: _kind, centerId: _c, applicantKind, ...rest } = item;
  return (applicantKind === undefined ? rest : { ...rest, kind: applicantKind }) as T;
}
/** What another domain needs of an applicant's profile or card item read in its own batch (cases at intake). */
export function applicantOf(item: Record<string, unknown> | undefined): Pick<Card, 'applicantId' | 'sub' | 'kind' | 'name'> | undefined {
  const a = strip<Card>(item);
  return a ? { applicantId: a.applicantId, sub: a.sub, kind: a.kind, name: a.name } : undefined;
}

function stored<T extends { readonly kind: ApplicantKind }>(value: T) {
  const { kind, ...rest } = value;
  return { ...rest, applicantKind: kind };
}

const put = (Item: Record<string, unknown>, ConditionExpression?: string, values?: Record<string, unknown>, names?: Record<string, string>) => ({
  Put: {
    TableName: tableName(),
    Item,
    ...(ConditionExpression ? { ConditionExpression } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
    ...(names ? { ExpressionAttributeNames: names } : {}),
  },
});
const event = (centerId: string, draft: ApplicantEvent) => put(outboxItem(centerPk(centerId), draft).item);

/** Before touching the user pool: does the center exist, are the identifier and the username free? */
export async function registrationCheck(centerId: string, identifier: string, username: string) {
  const k = [centerProfileKey(centerId), keys.identifier(centerId, identifier), keys.username(centerId, username)] as const;
  const found = await batchGetItems(k);
  // A claim (an unfinished registration) is not a taken username here: claimUsername decides about it.
  return { centerExists: itemAt(found, k[0]) !== undefined, identifierTaken: itemAt(found, k[1]) !== undefined, usernameTaken: itemAt(found, k[2])?.kind === 'applicantUsername' };
}

/** How long a claimed username waits for its registration to finish before another may claim it. */
const CLAIM_SECONDS = 15 * 60;

/**
 * Claims a username before the user pool is touched, so two simultaneous
 * registrations of one username never both reach the pool (the later one
 * would otherwise rewrite the first one's email). A claim whose registration
 * failed half-way expires (`expiresAt`, the table's TTL attribute).
 */
export async function claimUsername(centerId: string, username: string, claim: string, nowMs: number): Promise<void> {
  const now = Math.floor(nowMs / 1000);
  try {
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.username(centerId, username), kind: 'applicantUsernameClaim', claim, expiresAt: now + CLAIM_SECONDS },
        ConditionExpression: 'attribute_not_exists(PK) OR (attribute_exists(expiresAt) AND expiresAt < :now)',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw conflict('This username is taken; choose another.');
  }
}

/** The registration itself; `claim` must still hold the username (see claimUsername). */
export async function register(centerId: string, profile: StoredApplicant, identifier: string, card: Card, claim: string, draft: ApplicantEvent<'ApplicantRegistered'>): Promise<void> {
  const fresh = 'attribute_not_exists(PK)';
  const ref = { applicantId: profile.applicantId };
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: tableName(), Key: centerProfileKey(centerId), ConditionExpression: 'attribute_exists(PK)' } },
          put({ ...keys.profile(centerId, profile.sub), kind: 'applicant', centerId, ...stored(profile) }, fresh),
          put({ ...keys.card(centerId, card.applicantId), kind: 'applicantCard', centerId, ...stored(card) }, fresh),
          put({ ...keys.identifier(centerId, identifier), kind: 'applicantIdentifier', ...ref }, fresh),
          put({ ...keys.username(centerId, profile.username), kind: 'applicantUsername', ...ref }, 'claim = :claim', { ':claim': claim }),
          event(centerId, draft),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw conflict('This ID number, credit code, username or account is already registered in this center.');
  }
}

export async function profileBySub(centerId: string, sub: string): Promise<StoredApplicant | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.profile(centerId, sub), ConsistentRead: true }));
  return strip<StoredApplicant>(out.Item);
}

/** Card, then profile: two GetItems. */
export async function profileById(centerId: string, applicantId: string): Promise<StoredApplicant | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.card(centerId, applicantId) }));
  const card = strip<Card>(out.Item);
  return card ? profileBySub(centerId, card.sub) : undefined;
}

/** Card and the caller's account status in one BatchGetItem, then the profile: two requests for a staff read. */
export async function profileByIdForCaller(centerId: string, applicantId: string, callerSub: string) {
  const found = await batchGetItems([keys.card(centerId, applicantId), accountStatusKey(callerSub)]);
  const card = strip<Card>(itemAt(found, keys.card(centerId, applicantId)));
  return { account: itemAt(found, accountStatusKey(callerSub)), profile: card ? await profileBySub(centerId, card.sub) : undefined };
}

/** Replaces the profile if it is still at `expectedRev`, with its card and event. */
export async function updateProfile(centerId: string, next: StoredApplicant, expectedRev: number, card: Card, draft: ApplicantEvent<'ApplicantProfileChanged'>): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({ ...keys.profile(centerId, next.sub), kind: 'applicant', centerId, ...stored(next) }, 'rev = :rev', { ':rev': expectedRev }),
          put({ ...keys.card(centerId, card.applicantId), kind: 'applicantCard', centerId, ...stored(card) }),
          event(centerId, draft),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw preconditionFailed('Your profile changed since you read it; read it again and retry.');
  }
}

/** The caller's profile and the agent's card, in one BatchGetItem. */
export async function agentContext(centerId: string, sub: string, agentApplicantId: string) {
  const k = [keys.profile(centerId, sub), keys.card(centerId, agentApplicantId)] as const;
  const found = await batchGetItems(k);
  return { profile: strip<StoredApplicant>(itemAt(found, k[0])), agent: strip<Card>(itemAt(found, k[1])) };
}

/** The caller's profile and its grant to one agent, in one BatchGetItem. */
export async function grantContext(centerId: string, sub: string, agentApplicantId: string) {
  const k = [keys.profile(centerId, sub), keys.grant(centerId, sub, agentApplicantId)] as const;
  const found = await batchGetItems(k);
  return { profile: strip<StoredApplicant>(itemAt(found, k[0])), grant: strip<AgentGrant>(itemAt(found, k[1])) };
}

/** Authorizes (or re-authorizes, replacing an earlier grant) an agent; the agent's card must still exist. */
export async function putGrant(centerId: string, sub: string, grant: AgentGrant, draft: ApplicantEvent<'AgentAuthorized'>): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: tableName(), Key: keys.card(centerId, grant.agentApplicantId), ConditionExpression: 'attribute_exists(PK)' } },
          put({ ...keys.grant(centerId, sub, grant.agentApplicantId), kind: 'agentGrant', centerId, ...grant }),
          event(centerId, draft),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw notFound(`No applicant ${grant.agentApplicantId} in this center.`);
  }
}

/** Marks an active grant revoked (DeleteItem is not among the function's rights). */
export async function revokeGrant(centerId: string, sub: string, grant: AgentGrant, draft: ApplicantEvent<'AgentRevoked'>): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({ ...keys.grant(centerId, sub, grant.agentApplicantId), kind: 'agentGrant', centerId, ...grant }, '#s = :active', { ':active': 'active' }, { '#s': 'status' }),
          event(centerId, draft),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw conflict(`The authorization of ${grant.agentApplicantId} changed at the same moment; read it and retry.`);
  }
}

/** Every grant of the caller (active and revoked), in agent order; an applicant names a handful. */
export async function listGrants(centerId: string, sub: string): Promise<AgentGrant[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': `AGENTS#${sub}#` } });
  return items.map((i) => strip<AgentGrant>(i)!);
}

/** An applicant's account disabled or enabled (shared/accounts.ts reads the status on every request), with its event. */
export async function setAccountStatus(centerId: string, sub: string, status: AccountStatus, draft: ApplicantEvent<'ApplicantAccountStatusChanged'>): Promise<void> {
  await db.send(
    new TransactWriteCommand({
      TransactItems: [put({ ...accountStatusKey(sub), kind: 'accountStatus', status }), event(centerId, draft)],
    }),
  );
}

/**
 * The audit trail of a privileged read: the PersonalDataRevealed event, put in
 * the outbox before the unmasked data is answered (no reveal without its record).
 */
export async function recordReveal(centerId: string, draft: ApplicantEvent<'PersonalDataRevealed'>): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName(), Item: outboxItem(centerPk(centerId), draft).item }));
}
