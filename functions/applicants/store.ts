/**
 * Keys of the applicants domain. Everything lives in the center's partition.
 * The profile is keyed by the account's `sub` (what the applicant's token
 * carries), so the applicant's own routes read it with one GetItem; staff find
 * it by applicantId through the applicant's card, which also carries the
 * masked identity an agent list shows.
 *
 *   profile          PK CENTER#<c>  SK APPSUB#<sub>                  the full record (personal data), and `credit`: the last bad-credit (失信) decision
 *   card             PK CENTER#<c>  SK APPLICANT#<applicantId>       { sub, kind, name, masked ID number | credit code }
 *   identifier       PK CENTER#<c>  SK IDNO#<sha256(number)>         uniqueness of the ID number / credit code (never the number itself), and the counter's lookup
 *   username         PK CENTER#<c>  SK APPUSER#<username>            uniqueness of the username
 *   agent grant      PK CENTER#<c>  SK AGENTS#<sub>#<agentApplicantId>  the principal's authorization of an agent, with its rev and the agent's sub (notices find the agent's profile)
 *   agency           PK CENTER#<c>  SK AGENTFOR#<agentSub>#<principalApplicantId>  its mirror on the agent's side: the principal (card-level, masked, and
 *                                   their sub), the grant's terms, status and rev. Written in the grant's transactions, never alone; cases read it
 *                                   (by the agent's token and the case's applicant) on each filing and read an agent makes; the agent lists it
 *   events           PK CENTER#<c>  SK EVENT#<ulid>
 *
 * A registration writes profile, card, identifier, username and event in one
 * transaction, each created under `attribute_not_exists`, next to a check that
 * the center exists: a duplicate writes nothing. The identifier item records
 * the verification (`verifiedAt`, `provider`); one without it was written
 * before registration needed a verified identity, and its verified holder
 * reclaims it in that same transaction (register, `reclaim`). Every change of a profile or
 * a grant is conditioned on the rev read, and records the request's
 * Idempotency-Key outcome (shared/idempotency.ts) in its transaction.
 *
 * An account's status is the shared kernel's item (shared/accounts.ts, read on
 * every request by `sub`); staff read it with the profile, whose rev (the
 * ETag of what staff read) moves with every status change.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AgentGrant, Applicant, CreditFlag, Principal } from '#schemas/api/applicants';
import type { ApplicantEventData, ApplicantEventType } from '#schemas/events/applicants';
import { msg } from '#schemas/api/problems';
import { accountStatusKey, type AccountStatus } from '#shared/accounts';
import { centerContextIn, centerKeys, centerPk, centerProfileKey } from '#shared/center';
import { batchGetItems, db, isConcurrentChange, itemAt, queryAll, tableName, type Item, type ItemKey } from '#shared/db';
import { alreadyExists, concurrentRequest, notFound, preconditionFailed } from '#shared/errors';
import { outboxItem, type EventDraft } from '#shared/events';
import type { IdempotencyPut } from '#shared/idempotency';
import { cardOf, grantCovers, type Holder } from './rules.ts';
import type { ApplicantKind } from '#schemas/api/common';

/** Cases read an applicant's card (counter intake, an agent's filing) or profile (online intake, 容缺受理's credit check), and an agent's agency (filing, reading and listing as agent), in their own batch. */
export const keys = {
  profile: (c: string, sub: string) => ({ PK: centerPk(c), SK: `APPSUB#${sub}` }),
  card: (c: string, applicantId: string) => ({ PK: centerPk(c), SK: `APPLICANT#${applicantId}` }),
  identifier: (c: string, number: string) => ({ PK: centerPk(c), SK: `IDNO#${createHash('sha256').update(number).digest('hex')}` }),
  username: (c: string, username: string) => ({ PK: centerPk(c), SK: `APPUSER#${username}` }),
  grant: (c: string, sub: string, agentId: string) => ({ PK: centerPk(c), SK: `AGENTS#${sub}#${agentId}` }),
  agency: (c: string, agentSub: string, principalId: string) => ({ PK: centerPk(c), SK: `AGENTFOR#${agentSub}#${principalId}` }),
};

/** The profile as stored: the applicant's record, its account's sub, its revision and the last credit decision on it (staff's, never shown to the applicant). */
export type StoredApplicant = Applicant & { readonly sub: string; readonly rev: number; readonly credit?: CreditFlag };

/** A grant as stored, with its revision (its ETag) and the agent's account (absent on grants made before agents could act). */
export type StoredGrant = AgentGrant & { readonly rev: number; readonly agentSub?: string };

/** The mirror of a grant on the agent's side (keys.agency): the principal and the grant's terms, at the grant's rev. */
export type StoredAgency = Principal & { readonly principalSub: string; readonly rev: number };

/** What an agent list shows of an applicant: no phone, no email, the ID number masked. */
export interface Card {
  readonly applicantId: string;
  readonly sub: string;
  readonly kind: ApplicantKind;
  readonly name: string;
  readonly idNumber?: string;
  readonly creditCode?: string;
  /** Flagged for bad credit (失信): the flag only, for counter intake's batch (the reason stays on the profile). */
  readonly creditExcluded?: true;
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

/** Whether a profile or card item (read by another domain in its own batch: cases at intake and at 容缺受理) is flagged for bad credit (失信). */
export const creditExcludedOf = (item: Record<string, unknown> | undefined): boolean =>
  (item?.credit as CreditFlag | undefined)?.excluded === true || item?.creditExcluded === true;

/** An agency item read by another domain in its own batch (cases: filing and reading as agent). */
export const agencyOf = (item: Record<string, unknown> | undefined): StoredAgency | undefined => strip<StoredAgency>(item);

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
const recorded = (idempotency: IdempotencyPut | undefined) => (idempotency ? [idempotency] : []);
const profileItem = (centerId: string, p: StoredApplicant) => ({ ...keys.profile(centerId, p.sub), kind: 'applicant', centerId, ...stored(p) });
const cardPut = (centerId: string, card: Card, condition?: string) => put({ ...keys.card(centerId, card.applicantId), kind: 'applicantCard', centerId, ...stored(card) }, condition);
const onRev = (rev: number) => ['#rev = :rev', { ':rev': rev }, { '#rev': 'rev' }] as const;

/** The positions of a cancelled transaction's items whose condition failed. */
function failedConditions(err: unknown): number[] {
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}

export const usernameTaken = () => alreadyExists(msg('该用户名已被使用，请另选一个。', 'This username is taken; choose another.'));

/** Before touching the user pool or redeeming the ticket: the center (its context, none when it does not exist), and whether the username is free. */
export async function registrationCheck(centerId: string, username: string, now: string) {
  const found = await batchGetItems([...centerKeys(centerId, now), keys.username(centerId, username)]);
  return {
    center: itemAt(found, centerProfileKey(centerId)) ? centerContextIn(found, centerId, now) : undefined,
    // A claim (an unfinished registration) is not a taken username here: claimUsername decides about it.
    usernameTaken: itemAt(found, keys.username(centerId, username))?.kind === 'applicantUsername',
  };
}

/**
 * Who holds a (normalized) number in the center. A uniqueness item written
 * before registration needed a verified identity has no `verifiedAt`.
 */
export async function holderOf(centerId: string, identifier: string): Promise<Holder> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.identifier(centerId, identifier), ConsistentRead: true }));
  return out.Item ? { applicantId: out.Item.applicantId as string, verified: out.Item.verifiedAt !== undefined } : undefined;
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
    throw usernameTaken();
  }
}

/** An unverified profile that loses its number to the verified registration: as read, and as it is written. */
export interface Reclaim {
  readonly previous: StoredApplicant;
  readonly released: StoredApplicant;
  readonly draft: ApplicantEvent<'ApplicantIdentityReclaimed'>;
}

/**
 * The registration itself; `claim` must still hold the username (see
 * claimUsername). With `reclaim`, the number moves from an unverified
 * profile (still at the rev read, its number still unverified) to the new
 * one, and that profile's account is disabled in the same transaction.
 * Answers `number-taken` when a verified registration took the number first.
 */
export async function register(
  centerId: string, profile: StoredApplicant, identifier: string, claim: string, draft: ApplicantEvent<'ApplicantRegistered'>, reclaim?: Reclaim,
): Promise<'registered' | 'number-taken'> {
  const fresh = 'attribute_not_exists(PK)';
  const ref = { applicantId: profile.applicantId };
  const verification = profile.verification!;
  const numberItem = { ...keys.identifier(centerId, identifier), kind: 'applicantIdentifier', ...ref, verifiedAt: verification.verifiedAt, provider: verification.provider };
  const number = reclaim
    ? put(numberItem, 'applicantId = :holder AND attribute_not_exists(verifiedAt)', { ':holder': reclaim.previous.applicantId })
    : put(numberItem, fresh);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          number,
          { ConditionCheck: { TableName: tableName(), Key: centerProfileKey(centerId), ConditionExpression: 'attribute_exists(PK)' } },
          put(profileItem(centerId, profile), fresh),
          cardPut(centerId, cardOf(profile), fresh),
          put({ ...keys.username(centerId, profile.username), kind: 'applicantUsername', ...ref }, 'claim = :claim', { ':claim': claim }),
          event(centerId, draft),
          ...(reclaim
            ? [
                put(profileItem(centerId, reclaim.released), ...onRev(reclaim.previous.rev)),
                cardPut(centerId, cardOf(reclaim.released)),
                put({ ...accountStatusKey(reclaim.previous.sub), kind: 'accountStatus', status: 'disabled' }),
                event(centerId, reclaim.draft),
              ]
            : []),
        ],
      }),
    );
    return 'registered';
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    const failed = failedConditions(err);
    if (failed.includes(0)) return 'number-taken';
    if (failed.includes(4)) throw usernameTaken();
    throw concurrentRequest(msg('注册涉及的资料正被同时修改；请重新认证后再试。', 'A profile this registration changes changed at the same moment; verify again and retry.'));
  }
}

/** A verified person registered again: only the event (the message to them follows from it). */
export async function recordRepeated(centerId: string, draft: ApplicantEvent<'ApplicantRegistrationRepeated'>): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName(), Item: outboxItem(centerPk(centerId), draft).item }));
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

/** The caller's own profile, with the request's checks (`alsoRead`), in one BatchGetItem. */
export async function ownContext(centerId: string, sub: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([keys.profile(centerId, sub), ...alsoRead]);
  return { profile: strip<StoredApplicant>(itemAt(found, keys.profile(centerId, sub))), found };
}

/** An applicant's card (which names its account), with the request's checks (`alsoRead`), in one BatchGetItem; the profile follows by `staffRead` or `profileBySub`. */
export async function cardContext(centerId: string, applicantId: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([keys.card(centerId, applicantId), ...alsoRead]);
  return { card: strip<Card>(itemAt(found, keys.card(centerId, applicantId))), found };
}

/** The card of the applicant registered with a (normalized) ID number or credit code, with the request's checks (`alsoRead`): two reads, identifier then card. */
export async function cardByIdentifier(centerId: string, identifier: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([keys.identifier(centerId, identifier), ...alsoRead]);
  const applicantId = itemAt(found, keys.identifier(centerId, identifier))?.applicantId;
  if (typeof applicantId !== 'string') return { card: undefined, found };
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: keys.card(centerId, applicantId) }));
  return { card: strip<Card>(out.Item), found };
}
/** A profile and its account's status (no status item: active), in one BatchGetItem; none without a profile. */
export async function staffRead(centerId: string, sub: string): Promise<{ profile: StoredApplicant; status: AccountStatus } | undefined> {
  const found = await batchGetItems([keys.profile(centerId, sub), accountStatusKey(sub)]);
  const profile = strip<StoredApplicant>(itemAt(found, keys.profile(centerId, sub)));
  return profile && { profile, status: itemAt(found, accountStatusKey(sub))?.status === 'disabled' ? 'disabled' : 'active' };
}

/** Replaces the profile if it is still at `expectedRev`, with its card, its event and the request's recorded outcome. */
export async function updateProfile(
  centerId: string, next: StoredApplicant, expectedRev: number, card: Card, draft: ApplicantEvent<'ApplicantProfileChanged'>, idempotency?: IdempotencyPut,
): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(profileItem(centerId, next), ...onRev(expectedRev)),
          cardPut(centerId, card),
          event(centerId, draft),
          ...recorded(idempotency),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw preconditionFailed(msg('您的资料在读取后已被修改；请重新读取后再试。', 'Your profile changed since you read it; read it again and retry.'));
  }
}

/** Strips the keys of a grant item; its rev stays. */
const grantOf = (item: Item | undefined) => strip<StoredGrant>(item);

/** The caller's profile, the agent's card, an earlier grant to that agent and the center's context, with the request's checks (`alsoRead`), in one BatchGetItem. */
export async function agentContext(centerId: string, sub: string, agentApplicantId: string, now: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([keys.profile(centerId, sub), keys.card(centerId, agentApplicantId), keys.grant(centerId, sub, agentApplicantId), ...centerKeys(centerId, now), ...alsoRead]);
  return {
    profile: strip<StoredApplicant>(itemAt(found, keys.profile(centerId, sub))),
    agent: strip<Card>(itemAt(found, keys.card(centerId, agentApplicantId))),
    previous: grantOf(itemAt(found, keys.grant(centerId, sub, agentApplicantId))),
    center: centerContextIn(found, centerId, now),
    found,
  };
}

/** The caller's profile, its grant to one agent and that agent's card (whose sub keys the grant's mirror), with the request's checks (`alsoRead`), in one BatchGetItem. */
export async function grantContext(centerId: string, sub: string, agentApplicantId: string, alsoRead: readonly ItemKey[]) {
  const found = await batchGetItems([keys.profile(centerId, sub), keys.grant(centerId, sub, agentApplicantId), keys.card(centerId, agentApplicantId), ...alsoRead]);
  return {
    profile: strip<StoredApplicant>(itemAt(found, keys.profile(centerId, sub))),
    grant: grantOf(itemAt(found, keys.grant(centerId, sub, agentApplicantId))),
    agent: strip<Card>(itemAt(found, keys.card(centerId, agentApplicantId))),
    found,
  };
}

const grantChanged = (agentApplicantId: string) =>
  concurrentRequest(msg(`对 ${agentApplicantId} 的授权正被同时修改；请重新读取后再试。`, `The authorization of ${agentApplicantId} changed at the same moment; read it and retry.`));

const grantPut = (centerId: string, sub: string, grant: StoredGrant) => ({ ...keys.grant(centerId, sub, grant.agentApplicantId), kind: 'agentGrant', centerId, ...grant });
/** The mirror follows its grant in the same transaction: the grant's condition guards both. */
const agencyPut = (centerId: string, agentSub: string, agency: StoredAgency) => put({ ...keys.agency(centerId, agentSub, agency.principalId), kind: 'agency', centerId, ...stored(agency) });

/**
 * Authorizes (or re-authorizes, replacing the grant read at `previousRev`) an
 * agent, whose card must still exist, with the grant's mirror on the agent's
 * side, its event and the request's recorded outcome.
 */
export async function putGrant(
  centerId: string, sub: string, grant: StoredGrant & { readonly agentSub: string }, agency: StoredAgency, previousRev: number | undefined, draft: ApplicantEvent<'AgentAuthorized'>, idempotency?: IdempotencyPut,
): Promise<void> {
  const item = grantPut(centerId, sub, grant);
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: tableName(), Key: keys.card(centerId, grant.agentApplicantId), ConditionExpression: 'attribute_exists(PK)' } },
          previousRev === undefined ? put(item, 'attribute_not_exists(PK)') : put(item, ...onRev(previousRev)),
          agencyPut(centerId, grant.agentSub, agency),
          event(centerId, draft),
          ...recorded(idempotency),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    if (failedConditions(err).includes(0)) throw notFound(msg(`本中心没有申请人 ${grant.agentApplicantId}。`, `No applicant ${grant.agentApplicantId} in this center.`));
    throw grantChanged(grant.agentApplicantId);
  }
}

/**
 * Marks the grant read at `expectedRev` revoked (DeleteItem is not among the
 * function's rights), and its mirror with it, so the agent's next filing or
 * read is refused; with its event and the request's recorded outcome.
 */
export async function revokeGrant(
  centerId: string, sub: string, revoked: StoredGrant, agentSub: string, agency: StoredAgency, expectedRev: number, draft: ApplicantEvent<'AgentRevoked'>, idempotency?: IdempotencyPut,
): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put(grantPut(centerId, sub, revoked), ...onRev(expectedRev)),
          agencyPut(centerId, agentSub, agency),
          event(centerId, draft),
          ...recorded(idempotency),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw grantChanged(revoked.agentApplicantId);
  }
}

/** Every grant of the caller (active and revoked), in agent order; an applicant names a handful. */
export async function listGrants(centerId: string, sub: string): Promise<StoredGrant[]> {
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': `AGENTS#${sub}#` } });
  return items.map((i) => grantOf(i)!);
}

/** A page of the applicants who authorized the caller as agent (active and revoked), in principal order. */
export async function listAgencies(centerId: string, agentSub: string, limit: number, startKey: Item | undefined): Promise<{ items: StoredAgency[]; lastKey?: Item }> {
  const out = await db.send(new QueryCommand({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': centerPk(centerId), ':prefix': `AGENTFOR#${agentSub}#` },
    Limit: limit,
    ExclusiveStartKey: startKey,
  }));
  return { items: (out.Items ?? []).map((i) => agencyOf(i)!), ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
}

/** Who hears of a case besides its applicant: an agent and the profile their messages go to. */
export interface NoticeAgent {
  readonly agentApplicantId: string;
  readonly profile: StoredApplicant;
}

/**
 * The agents of an applicant (account `principalSub`) who asked for the
 * messages of their cases and whose authorization covers the item on the
 * center's day of `at`: one Query of the applicant's grants; when one asked,
 * one BatchGetItem of those agents' profiles and the center's calendar.
 */
export async function noticeAgents(centerId: string, principalSub: string, itemCode: string, at: string): Promise<NoticeAgent[]> {
  const asked = (await listGrants(centerId, principalSub)).filter((g): g is StoredGrant & { agentSub: string } => g.notices && g.status === 'active' && g.agentSub !== undefined);
  if (asked.length === 0) return [];
  const found = await batchGetItems([...asked.map((g) => keys.profile(centerId, g.agentSub)), ...centerKeys(centerId, at)]);
  const { today } = centerContextIn(found, centerId, at);
  return asked.flatMap((g) => {
    const profile = strip<StoredApplicant>(itemAt(found, keys.profile(centerId, g.agentSub)));
    return profile && grantCovers(g, itemCode, today) ? [{ agentApplicantId: g.agentApplicantId, profile }] : [];
  });
}

/**
 * An applicant's account disabled or enabled: the kernel's status item and the
 * profile at its next rev (conditioned on the rev read), with the event and
 * the request's recorded outcome.
 */
export async function setAccountStatus(
  centerId: string, next: StoredApplicant, status: AccountStatus, expectedRev: number, draft: ApplicantEvent<'ApplicantAccountStatusChanged'>, idempotency?: IdempotencyPut,
): Promise<void> {
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          put({ ...accountStatusKey(next.sub), kind: 'accountStatus', status }),
          put(profileItem(centerId, next), ...onRev(expectedRev)),
          event(centerId, draft),
          ...recorded(idempotency),
        ],
      }),
    );
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw concurrentRequest(msg('该申请人的资料正被同时修改；请重试。', 'The applicant changed at the same moment; retry.'));
  }
}

/**
 * A credit decision (失信) on the profile read at `expectedRev`, with its card
 * (which carries the flag, never the reason: cardOf), its event and the
 * request's recorded outcome.
 */
export async function setCredit(
  centerId: string, next: StoredApplicant, expectedRev: number, draft: ApplicantEvent<'ApplicantCreditFlagChanged'>, idempotency?: IdempotencyPut,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [put(profileItem(centerId, next), ...onRev(expectedRev)), cardPut(centerId, cardOf(next)), event(centerId, draft), ...recorded(idempotency)],
    }));
  } catch (err) {
    if (!isConcurrentChange(err)) throw err;
    throw preconditionFailed(msg('该申请人的资料在您读取后已被修改；请重新读取后再试。', 'The applicant changed since you read it; read it again and retry.'));
  }
}

export { recordUnchanged } from '#shared/idempotency';

/**
 * The audit trail of a privileged read (PersonalDataRevealed, ApplicantLookedUp):
 * its event, put in the outbox before the data is answered (no read without its record).
 */
export async function recordPrivilegedRead(centerId: string, draft: ApplicantEvent<'PersonalDataRevealed' | 'ApplicantLookedUp'>): Promise<void> {
  await db.send(new PutCommand({ TableName: tableName(), Item: outboxItem(centerPk(centerId), draft).item }));
}
