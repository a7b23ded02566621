/**
 * The applicants Lambda: registration (申请人注册, registration.ts), the applicant's own profile,
 * agents (代办人), and staff reads with personal data masked. Rules are in
 * rules.ts, keys in store.ts, who may do what in shared/authorization.ts.
 * Nothing here logs: the HTTP stack logs route and status only, never bodies.
 */
import type { AgentGrant, Applicant, Principal } from '#schemas/api/applicants';
import { msg } from '#schemas/api/problems';
import type { AccountStatus } from '#shared/accounts';
import { actingRole, actorDepartment, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action } from '#shared/authorization';
import { forbidden, notFound, preconditionFailed, problem, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpResult, type Operations } from '#shared/http';
import { changeAccountStatus, upsertAccount } from '#shared/identity';
import { maskPhone } from '#shared/identifiers';
import { applicantsProblems } from './problems.ts';
import { applicantActor, source, subjectOf } from './events.ts';
import { registerApplicant } from './registration.ts';
import { applicantRoutes } from './routes.ts';
import { agentErrors, cardOf, lookupOf, revealDecision, staffView } from './rules.ts';
import * as store from './store.ts';

type Ops = Operations<typeof applicantRoutes>;

function authorize(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

/** An applicant belongs to no department: staff are recorded with their primary one. */
const staffActor = (caller: Caller, action: Action) => ({
  id: caller.userId,
  role: actingRole(caller, rolesFor(action)),
  ...actorDepartment(caller),
});

/** The profile as its applicant reads it: the credit decision is staff's (staffView shows it). */
const own = ({ sub: _s, rev: _r, credit: _c, ...profile }: store.StoredApplicant): Applicant => profile;
// Grants made before agents could act carry no `notices`: they asked for none.
const grantView = ({ rev: _r, agentSub: _s, ...grant }: store.StoredGrant): AgentGrant => ({ ...grant, notices: grant.notices ?? false });
const principalView = ({ rev: _r, principalSub: _s, ...principal }: store.StoredAgency): Principal => principal;

/** The grant's mirror on the agent's side: the principal as an agent list shows a person, and the grant's terms. */
function mirrorOf(principal: store.StoredApplicant, grant: store.StoredGrant): store.StoredAgency {
  const { applicantId, sub, kind, name, idNumber, creditCode } = cardOf(principal);
  const { scope, itemCodes, validUntil, status, notices, grantedAt, revokedAt, rev } = grant;
  return {
    principalId: applicantId, principalSub: sub, kind, name, ...(idNumber ? { idNumber } : {}), ...(creditCode ? { creditCode } : {}),
    scope, ...(itemCodes ? { itemCodes } : {}), validUntil, status, notices: notices ?? false, grantedAt, ...(revokedAt ? { revokedAt } : {}), rev,
  };
}
/** A versioned resource with its ETag (its rev). */
const tagged = (rev: number, body: unknown, status = 200): HttpResult => ({ status, body, headers: { etag: etag(String(rev)) } });

const notRegistered = () => notFound(msg('您尚未在本中心注册为申请人。', 'You are not registered as an applicant in this center.'));
const noApplicant = (applicantId: string) => notFound(msg(`本中心没有申请人 ${applicantId}。`, `No applicant ${applicantId} in this center.`));

const getMyProfile: Ops['getMyProfile'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  const { profile, found } = await store.ownContext(caller.centerId, caller.userId, req.checks!.keys);
  req.checks!.settle(found);
  if (!profile) throw notRegistered();
  return tagged(profile.rev, own(profile));
};

const putMyProfile: Ops['putMyProfile'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  const { profile: current, found } = await store.ownContext(caller.centerId, caller.userId, req.checks!.keys);
  req.checks!.settle(found);
  if (!current) throw notRegistered();
  if (ifMatch(req) !== String(current.rev)) throw preconditionFailed(msg('您的资料在读取后已被修改；请重新读取后再试。', 'Your profile is not at the version you name in If-Match.'));
  const change = req.body;
  const changed = (['name', 'email', 'phone', 'notifications'] as const).filter((f) => JSON.stringify(change[f]) !== JSON.stringify(current[f]));
  if (changed.length === 0) {
    const result = tagged(current.rev, own(current));
    await store.recordUnchanged(req.idempotency?.record(result));
    return result;
  }
  const at = new Date().toISOString();
  const next: store.StoredApplicant = { ...current, ...change, updatedAt: at, rev: current.rev + 1 };
  if (changed.includes('name') || changed.includes('email')) {
    await upsertAccount({ username: current.username, name: next.name, email: next.email, centerId: caller.centerId, roles: ['applicant'] });
  }
  const result = tagged(next.rev, own(next));
  await store.updateProfile(caller.centerId, next, current.rev, cardOf(next), {
    source, detailType: 'ApplicantProfileChanged', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(current.applicantId),
    data: {
      applicantId: current.applicantId, changed: [...changed],
      before: { name: current.name, phone: maskPhone(current.phone) }, after: { name: next.name, phone: maskPhone(next.phone) },
    },
  }, req.idempotency?.record(result));
  return result;
};

const listMyAgents: Ops['listMyAgents'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  return { status: 200, body: { items: (await store.listGrants(caller.centerId, caller.userId)).map(grantView) } };
};

const authorizeAgent: Ops['authorizeAgent'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  const at = new Date().toISOString();
  const ctx = await store.agentContext(caller.centerId, caller.userId, req.body.agentApplicantId, at, req.checks!.keys);
  req.checks!.settle(ctx.found);
  const principal = ctx.profile;
  if (!principal) throw notRegistered();
  const errors = agentErrors(principal.applicantId, req.body, ctx.center.today);
  if (errors.length) throw problem(applicantsProblems['agent-authorization-invalid'], msg('代办授权内容有误，见 errors。', 'The authorization does not fit the rules; see errors.'), errors);
  const agent = ctx.agent;
  if (!agent) throw noApplicant(req.body.agentApplicantId);
  const { agentApplicantId, scope, itemCodes, validUntil, notices = false } = req.body;
  const grant = {
    agentApplicantId, agentKind: agent.kind, agentName: agent.name,
    ...(agent.idNumber ? { agentIdNumber: agent.idNumber } : {}), ...(agent.creditCode ? { agentCreditCode: agent.creditCode } : {}),
    scope, ...(itemCodes ? { itemCodes } : {}), validUntil, status: 'active' as const, notices, grantedAt: at,
    rev: (ctx.previous?.rev ?? 0) + 1, agentSub: agent.sub,
  };
  const result = tagged(grant.rev, grantView(grant), 201);
  await store.putGrant(caller.centerId, caller.userId, grant, mirrorOf(principal, grant), ctx.previous?.rev, {
    source, detailType: 'AgentAuthorized', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(principal.applicantId),
    data: { applicantId: principal.applicantId, agentApplicantId, scope, ...(itemCodes ? { itemCodes } : {}), validUntil },
  }, req.idempotency?.record(result));
  return result;
};

const revokeAgent: Ops['revokeAgent'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  const agentApplicantId = req.params.agentApplicantId;
  const { profile, grant, agent, found } = await store.grantContext(caller.centerId, caller.userId, agentApplicantId, req.checks!.keys);
  req.checks!.settle(found);
  if (!profile) throw notRegistered();
  if (!grant || !agent) throw notFound(msg(`您未授权过 ${agentApplicantId}。`, `You have not authorized ${agentApplicantId}.`));
  if (grant.status === 'revoked') {
    const result = tagged(grant.rev, grantView(grant));
    await store.recordUnchanged(req.idempotency?.record(result));
    return result;
  }
  const at = new Date().toISOString();
  const revoked: store.StoredGrant = { ...grant, status: 'revoked', revokedAt: at, rev: grant.rev + 1 };
  const result = tagged(revoked.rev, grantView(revoked));
  await store.revokeGrant(caller.centerId, caller.userId, revoked, agent.sub, mirrorOf(profile, revoked), grant.rev, {
    source, detailType: 'AgentRevoked', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(profile.applicantId),
    data: { applicantId: profile.applicantId, agentApplicantId },
  }, req.idempotency?.record(result));
  return result;
};

/** Whom the caller acts for (委托人), active and revoked, a page at a time. */
const listMyPrincipals: Ops['listMyPrincipals'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.self');
  const filters = { sub: caller.userId };
  const page = await store.listAgencies(caller.centerId, caller.userId, req.pages.limit, req.pages.start(filters));
  return { status: 200, body: req.pages.page({ items: page.items.map(principalView), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters) };
};

const getApplicant: Ops['getApplicant'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.read');
  const decision = revealDecision(caller, req.query.reveal === 'true');
  if (decision === 'refused') throw forbidden(msg('您的角色不能查看未遮蔽的申请人个人信息。', 'Your role may not see applicants\' personal data unmasked.'));
  const { card, found } = await store.cardContext(caller.centerId, req.params.applicantId, req.checks!.keys);
  req.checks!.settle(found);
  const read = card ? await store.staffRead(caller.centerId, card.sub) : undefined;
  if (!read) throw noApplicant(req.params.applicantId);
  const { profile, status } = read;
  if (decision === 'revealed') {
    // An unmasked read is privileged: its audit event is in the outbox before the data leaves.
    await store.recordPrivilegedRead(caller.centerId, {
      source, detailType: 'PersonalDataRevealed', centerId: caller.centerId, occurredAt: new Date().toISOString(),
      actor: staffActor(caller, 'applicant.personalData.reveal'),
      subject: subjectOf(profile.applicantId),
      data: { applicantId: profile.applicantId, fields: [...(profile.idNumber ? ['idNumber' as const] : []), 'phone', 'email'] },
    });
  }
  return tagged(profile.rev, staffView(own(profile), status, decision === 'revealed', profile.credit));
};

/**
 * At the counter: the applicant registered with the number on the card
 * presented, masked as any staff read. Found or not, the answer says no more
 * than the person at the counter could: 404 alike for a number never
 * registered and for one of the other kind. Each find is audited first.
 */
const lookupApplicant: Ops['lookupApplicant'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.lookup');
  const lookup = lookupOf(req.body);
  if ('errors' in lookup) throw validationFailed(lookup.errors);
  const { card, found } = await store.cardByIdentifier(caller.centerId, lookup.identifier, req.checks!.keys);
  req.checks!.settle(found);
  const read = card && card.kind === (lookup.by === 'idNumber' ? 'citizen' : 'enterprise') ? await store.staffRead(caller.centerId, card.sub) : undefined;
  if (!read) throw notFound(msg('本中心没有以此号码注册的申请人。', 'No applicant is registered with this number in the center.'));
  const { profile, status } = read;
  await store.recordPrivilegedRead(caller.centerId, {
    source, detailType: 'ApplicantLookedUp', centerId: caller.centerId, occurredAt: new Date().toISOString(),
    actor: staffActor(caller, 'applicant.lookup'), subject: subjectOf(profile.applicantId),
    data: { applicantId: profile.applicantId, by: lookup.by },
  });
  return tagged(profile.rev, staffView(own(profile), status, false, profile.credit));
};

/**
 * Disable or enable: the answer is the applicant as staff read it (masked).
 * Repeating an action writes again, so a pool left behind by an attempt that
 * stopped half-way is brought in line (shared/identity.ts orders the steps).
 */
const setApplicantAccountStatus: Ops['setApplicantAccountStatus'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.account.write');
  const { card, found } = await store.cardContext(caller.centerId, req.params.applicantId, req.checks!.keys);
  req.checks!.settle(found);
  const current = card ? await store.profileBySub(caller.centerId, card.sub) : undefined;
  if (!current) throw noApplicant(req.params.applicantId);
  const status: AccountStatus = req.params.action === 'disable' ? 'disabled' : 'active';
  const next: store.StoredApplicant = { ...current, rev: current.rev + 1 };
  const result = tagged(next.rev, staffView(own(next), status, false, next.credit));
  await changeAccountStatus(current.username, status, () =>
    store.setAccountStatus(caller.centerId, next, status, current.rev, {
      source, detailType: 'ApplicantAccountStatusChanged', centerId: caller.centerId, occurredAt: new Date().toISOString(),
      actor: staffActor(caller, 'applicant.account.write'), subject: subjectOf(current.applicantId),
      data: { applicantId: current.applicantId, status },
    }, req.idempotency?.record(result)),
  );
  return result;
};

/**
 * Flag an applicant for bad credit (失信), which bars 容缺受理 (cases read the
 * flag when a clerk accepts that way), or lift it. Every PUT is a decision on
 * record (who, when, why), so it writes even when the flag stays as it was.
 */
const setApplicantCredit: Ops['setApplicantCredit'] = async (req) => {
  const caller = callerOf(req.event);
  authorize(caller, 'applicant.credit.write');
  const { card, found } = await store.cardContext(caller.centerId, req.params.applicantId, req.checks!.keys);
  req.checks!.settle(found);
  const read = card ? await store.staffRead(caller.centerId, card.sub) : undefined;
  if (!read) throw noApplicant(req.params.applicantId);
  const { profile: current, status } = read;
  if (ifMatch(req) !== String(current.rev)) throw preconditionFailed(msg('该申请人的资料在您读取后已被修改；请重新读取后再试。', 'The applicant is not at the version you name in If-Match.'));
  const { excluded, reason, basis } = req.body;
  const at = new Date().toISOString();
  const next: store.StoredApplicant = { ...current, credit: { excluded, reason, ...(basis ? { basis } : {}), at, by: caller.userId }, rev: current.rev + 1 };
  const result = tagged(next.rev, staffView(own(next), status, false, next.credit));
  await store.setCredit(caller.centerId, next, current.rev, {
    source, detailType: 'ApplicantCreditFlagChanged', centerId: caller.centerId, occurredAt: at,
    actor: staffActor(caller, 'applicant.credit.write'), subject: subjectOf(current.applicantId),
    data: { applicantId: current.applicantId, excluded },
  }, req.idempotency?.record(result));
  return result;
};

export const handler = httpHandler(applicantRoutes, {
  registerApplicant,
  getMyProfile,
  putMyProfile,
  listMyAgents,
  authorizeAgent,
  revokeAgent,
  listMyPrincipals,
  getApplicant,
  lookupApplicant,
  setApplicantAccountStatus,
  setApplicantCredit,
});
