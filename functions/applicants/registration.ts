/**
 * Registration (申请人注册) through a verified identity. The answer is 202 and
 * the same whether or not the number was registered: a new account's sign-in
 * invitation, or the notice of the existing account, reaches the person by
 * message. Only the ticket, the username and the center can make it differ,
 * and none of them says anything about whose number is registered.
 */
import type { RegistrationReceived } from '#schemas/api/applicants';
import { msg } from '#schemas/api/problems';
import { requiredEnv } from '#shared/db';
import { fault, problem } from '#shared/errors';
import type { HttpResult, Operations } from '#shared/http';
import { findAccount, setAccountEnabled, upsertAccount } from '#shared/identity';
import { newId } from '#shared/ids';
import { maskPhone } from '#shared/identifiers';
import { applicantActor, source, subjectOf } from './events.ts';
import { identityVerifier, type TicketRefusal, type VerifiedIdentity } from './identity/verifier.ts';
import { applicantsProblems } from './problems.ts';
import type { applicantRoutes } from './routes.ts';
import { cardOf, identifierOf, registrationPath, released, verificationFault, verifiedFields } from './rules.ts';
import * as store from './store.ts';

const refusalText: Record<TicketRefusal | 'insufficient_level', [string, string]> = {
  unknown: ['认证凭据无效', 'no such ticket'],
  used: ['认证凭据已使用，请重新认证', 'the ticket was used already: verify again'],
  expired: ['认证凭据已过期，请重新认证', 'the ticket expired: verify again'],
  insufficient_level: ['注册须通过实人认证（人脸核验或电子营业执照）', 'registering needs a real-person verification (a face check, or an electronic business licence)'],
};
const refused = (code: keyof typeof refusalText) =>
  problem(applicantsProblems['identity-verification-refused'], msg('实名认证未通过，见 errors。', 'The identity provider does not vouch for this ticket; see errors.'),
    [fault('/body/verificationTicket', code, msg(...refusalText[code]))]);

/** Redeems the ticket (once) for the identity it vouches for, or refuses the registration. */
async function verifiedIdentity(ticket: string): Promise<VerifiedIdentity> {
  const verification = await identityVerifier().verify(ticket);
  if ('refused' in verification) throw refused(verification.refused);
  const why = verificationFault(verification.verified);
  if (why) throw refused(why);
  return verification.verified;
}

export const registerApplicant: Operations<typeof applicantRoutes>['registerApplicant'] = async (req) => {
  const body = req.body;
  const now = new Date();
  const at = now.toISOString();
  const centerId = body.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const received: HttpResult = { status: 202, body: { username: body.username, status: 'received' } satisfies RegistrationReceived };

  // What can refuse the registration whoever registers is checked before the ticket is spent.
  const check = await store.registrationCheck(centerId, body.username, at);
  if (!check.center) {
    throw problem(applicantsProblems['center-not-found'], msg(`没有服务中心 ${centerId}。`, `No center ${centerId}.`),
      [fault('/body/centerId', 'unknown_center', msg('没有此服务中心', `no center ${centerId}`))]);
  }
  if (check.usernameTaken) throw store.usernameTaken();
  const identity = await verifiedIdentity(body.verificationTicket);
  const identifier = identifierOf(identity);
  const holder = await store.holderOf(centerId, identifier);
  const path = registrationPath(holder);
  const repeated = async (applicantId: string) => {
    await store.recordRepeated(centerId, {
      source, detailType: 'ApplicantRegistrationRepeated', centerId, occurredAt: at, actor: { id: 'anonymous', role: 'applicant' }, subject: subjectOf(applicantId),
      data: { applicantId, provider: identity.provider },
    });
    return received;
  };
  if (path === 'repeat') return repeated(holder!.applicantId);
  const previous = path === 'reclaim' ? await store.profileById(centerId, holder!.applicantId) : undefined;
  if (path === 'reclaim' && !previous) throw new Error(`the number's holder ${holder!.applicantId} has no profile`);

  const claim = newId();
  await store.claimUsername(centerId, body.username, claim, now.getTime());
  // Only an unfinished registration's account (an applicant of this center, no profile yet) may be taken over.
  const existing = await findAccount(body.username);
  if (existing && (existing.centerId !== centerId || existing.roles.length !== 1 || existing.roles[0] !== 'applicant')) throw store.usernameTaken();
  const fields = verifiedFields(identity);
  const sub = await upsertAccount({ username: body.username, name: fields.name, email: body.email, centerId, roles: ['applicant'] });

  const profile: store.StoredApplicant = {
    applicantId: newId(), ...fields, username: body.username, email: body.email, phone: body.phone,
    verification: { provider: identity.provider, level: identity.level, verifiedAt: at },
    registeredAt: at, updatedAt: at, sub, rev: 1,
  };
  const card = cardOf(profile);
  const registered = {
    source, detailType: 'ApplicantRegistered', centerId, occurredAt: at, actor: applicantActor(sub), subject: subjectOf(profile.applicantId),
    data: {
      applicantId: profile.applicantId, kind: profile.kind, username: profile.username, name: profile.name, phone: maskPhone(profile.phone),
      ...(card.idNumber ? { idNumber: card.idNumber } : {}), ...(card.creditCode ? { creditCode: card.creditCode } : {}),
      verification: { provider: identity.provider, level: identity.level },
    },
  } as const;
  const reclaim: store.Reclaim | undefined = previous && {
    previous,
    released: released(previous, at),
    draft: {
      source, detailType: 'ApplicantIdentityReclaimed', centerId, occurredAt: at, actor: applicantActor(sub), subject: subjectOf(previous.applicantId),
      data: { applicantId: previous.applicantId, reclaimedBy: profile.applicantId, kind: previous.kind, provider: identity.provider, status: 'disabled' },
    },
  };
  const outcome = await store.register(centerId, profile, identifier, claim, registered, reclaim);
  // The table refuses the old account's tokens from the transaction on; the pool follows (as in changeAccountStatus).
  if (outcome === 'registered' && previous) await setAccountEnabled(previous.username, false);
  // A verified registration of the same number won the race: this one is the person's repeat.
  if (outcome === 'number-taken') return repeated((await store.holderOf(centerId, identifier))!.applicantId);
  return received;
};
