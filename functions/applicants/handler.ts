/**
 * The applicants Lambda: registration (申请人注册), the applicant's own profile,
 * agents (代办人), and staff reads with personal data masked. Rules are in
 * rules.ts, keys in store.ts, who may do what in shared/authorization.ts.
 * Nothing here logs: the HTTP stack logs route and status only, never bodies.
 */
import type { AgentGrant, Applicant, ProfileBody } from '#schemas/api/applicants';
import { actingRole, callerOf, type Caller } from '#shared/auth';
import { denial, rolesFor, type Action } from '#shared/authorization';
import { requiredEnv } from '#shared/db';
import { conflict, forbidden, notFound, preconditionFailed, validationFailed } from '#shared/errors';
import { etag, httpHandler, ifMatch, type HttpResult } from '#shared/http';
import { changeAccountStatus, findAccount, upsertAccount } from '#shared/identity';
import { newId } from '#shared/ids';
import { maskPhone, maskResidentIdNumber } from '#shared/identifiers';
import { applicantRoutes } from './routes.ts';
import { agentErrors, centerToday, identifierOf, registrationErrors, revealDecision, staffView } from './rules.ts';
import * as store from './store.ts';

function authorize(caller: Caller, action: Action) {
  const why = denial(caller, action, { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

const source = 'onestop.applicants' as const;
const applicantActor = (sub: string) => ({ id: sub, role: 'applicant' as const });
const subjectOf = (applicantId: string) => ({ type: 'applicant', id: applicantId });

const own = ({ sub: _s, rev: _r, ...profile }: store.StoredApplicant): Applicant => profile;
const tagged = (p: store.StoredApplicant, status: number): HttpResult => ({ status, body: own(p), headers: { etag: etag(String(p.rev)) } });

const cardOf = (p: Omit<store.StoredApplicant, 'rev'>): store.Card => ({
  applicantId: p.applicantId,
  sub: p.sub,
  kind: p.kind,
  name: p.name,
  ...(p.idNumber ? { idNumber: maskResidentIdNumber(p.idNumber) } : {}),
  ...(p.creditCode ? { creditCode: p.creditCode } : {}),
});

/** The caller's own profile: the `applicant` role, registered in the caller's center. */
async function me(caller: Caller): Promise<store.StoredApplicant> {
  authorize(caller, 'applicant.self');
  const profile = await store.profileBySub(caller.centerId, caller.userId);
  if (!profile) throw notFound('You are not registered as an applicant in this center.');
  return profile;
}

function requireMe(profile: store.StoredApplicant | undefined): store.StoredApplicant {
  if (!profile) throw notFound('You are not registered as an applicant in this center.');
  return profile;
}

const usernameTaken = () => conflict('This username is taken; choose another.');

export const handler = httpHandler(applicantRoutes, {
  async setApplicantAccountStatus(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'applicant.account.write');
    const profile = await store.profileById(caller.centerId, req.params.applicantId);
    if (!profile) throw notFound('No such applicant in this center.');
    const status = req.params.action === 'disable' ? 'disabled' : 'active';
    await changeAccountStatus(profile.username, status, () =>
      store.setAccountStatus(caller.centerId, profile.sub, status, {
        source, detailType: 'ApplicantAccountStatusChanged', centerId: caller.centerId, occurredAt: new Date().toISOString(),
        actor: { id: caller.userId, role: 'center_admin' }, subject: subjectOf(profile.applicantId),
        data: { applicantId: profile.applicantId, status },
      }),
    );
    return { status: 200, body: { applicantId: profile.applicantId, status } };
  },

  async registerApplicant(req) {
    const body = req.body;
    const now = new Date();
    const errors = registrationErrors(body, centerToday(now));
    if (errors.length) throw validationFailed(errors);
    const centerId = body.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
    const identifier = identifierOf(body);

    // Everything that can refuse the registration is checked before the user pool is touched.
    const check = await store.registrationCheck(centerId, identifier, body.username);
    if (!check.centerExists) throw validationFailed([{ path: '/body/centerId', code: 'unknown_center', message: `no center ${centerId}` }]);
    if (check.identifierTaken) throw conflict(`This ${body.kind === 'citizen' ? 'ID number' : 'credit code'} is already registered in this center.`);
    if (check.usernameTaken) throw usernameTaken();
    const claim = newId();
    await store.claimUsername(centerId, body.username, claim, now.getTime());
    // Only an unfinished registration's account (an applicant of this center, no profile yet) may be taken over.
    const existing = await findAccount(body.username);
    if (existing && (existing.centerId !== centerId || existing.roles.length !== 1 || existing.roles[0] !== 'applicant')) throw usernameTaken();
    const sub = await upsertAccount({ username: body.username, name: body.name, email: body.email, centerId, roles: ['applicant'] });

    const at = now.toISOString();
    const profile: store.StoredApplicant = {
      applicantId: newId(),
      kind: body.kind,
      username: body.username,
      name: body.name,
      email: body.email,
      phone: body.phone,
      ...(body.kind === 'citizen' ? { idNumber: identifier } : { creditCode: identifier, legalRepresentative: body.legalRepresentative! }),
      registeredAt: at,
      updatedAt: at,
      sub,
      rev: 1,
    };
    const card = cardOf(profile);
    await store.register(centerId, profile, identifier, card, claim, {
      source, detailType: 'ApplicantRegistered', centerId, occurredAt: at, actor: applicantActor(sub), subject: subjectOf(profile.applicantId),
      data: {
        applicantId: profile.applicantId, kind: profile.kind, username: profile.username, name: profile.name, phone: maskPhone(profile.phone),
        ...(card.idNumber ? { idNumber: card.idNumber } : {}), ...(card.creditCode ? { creditCode: card.creditCode } : {}),
      },
    });
    return tagged(profile, 201);
  },

  async getMyProfile(req) {
    return tagged(await me(callerOf(req.event)), 200);
  },

  async putMyProfile(req) {
    const caller = callerOf(req.event);
    const current = await me(caller);
    if (ifMatch(req) !== String(current.rev)) throw preconditionFailed('Your profile is not at the version you name in If-Match.');
    const change: ProfileBody = req.body;
    const changed = (['name', 'email', 'phone', 'notifications'] as const).filter((f) => JSON.stringify(change[f]) !== JSON.stringify(current[f]));
    if (changed.length === 0) return tagged(current, 200);
    const at = new Date().toISOString();
    const next: store.StoredApplicant = { ...current, ...change, updatedAt: at, rev: current.rev + 1 };
    if (changed.includes('name') || changed.includes('email')) {
      await upsertAccount({ username: current.username, name: next.name, email: next.email, centerId: caller.centerId, roles: ['applicant'] });
    }
    await store.updateProfile(caller.centerId, next, current.rev, cardOf(next), {
      source, detailType: 'ApplicantProfileChanged', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(current.applicantId),
      data: {
        applicantId: current.applicantId, changed: [...changed],
        before: { name: current.name, phone: maskPhone(current.phone) }, after: { name: next.name, phone: maskPhone(next.phone) },
      },
    });
    return tagged(next, 200);
  },

  async listMyAgents(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'applicant.self');
    return { status: 200, body: { items: await store.listGrants(caller.centerId, caller.userId) } };
  },

  async authorizeAgent(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'applicant.self');
    const { profile, agent } = await store.agentContext(caller.centerId, caller.userId, req.body.agentApplicantId);
    const principal = requireMe(profile);
    const now = new Date();
    const errors = agentErrors(principal.applicantId, req.body, centerToday(now));
    if (errors.length) throw validationFailed(errors);
    if (!agent) throw notFound(`No applicant ${req.body.agentApplicantId} in this center.`);
    const at = now.toISOString();
    const { agentApplicantId, scope, itemCodes, validUntil } = req.body;
    const grant: AgentGrant = {
      agentApplicantId, agentKind: agent.kind, agentName: agent.name,
      ...(agent.idNumber ? { agentIdNumber: agent.idNumber } : {}), ...(agent.creditCode ? { agentCreditCode: agent.creditCode } : {}),
      scope, ...(itemCodes ? { itemCodes } : {}), validUntil, status: 'active', grantedAt: at,
    };
    await store.putGrant(caller.centerId, caller.userId, grant, {
      source, detailType: 'AgentAuthorized', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(principal.applicantId),
      data: { applicantId: principal.applicantId, agentApplicantId, scope, ...(itemCodes ? { itemCodes } : {}), validUntil },
    });
    return { status: 201, body: grant };
  },

  async revokeAgent(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'applicant.self');
    const agentApplicantId = req.params.agentApplicantId;
    const { profile, grant } = await store.grantContext(caller.centerId, caller.userId, agentApplicantId);
    const principal = requireMe(profile);
    if (!grant) throw notFound(`You have not authorized ${agentApplicantId}.`);
    if (grant.status === 'revoked') return { status: 200, body: grant };
    const at = new Date().toISOString();
    const revoked: AgentGrant = { ...grant, status: 'revoked', revokedAt: at };
    await store.revokeGrant(caller.centerId, caller.userId, revoked, {
      source, detailType: 'AgentRevoked', centerId: caller.centerId, occurredAt: at, actor: applicantActor(caller.userId), subject: subjectOf(principal.applicantId),
      data: { applicantId: principal.applicantId, agentApplicantId },
    });
    return { status: 200, body: revoked };
  },

  async getApplicant(req) {
    const caller = callerOf(req.event);
    authorize(caller, 'applicant.read');
    const decision = revealDecision(caller, req.query.reveal === 'true');
    if (decision === 'refused') throw forbidden('Your role may not see applicants\' personal data unmasked.');
    const { account, profile } = await store.profileByIdForCaller(caller.centerId, req.params.applicantId, caller.userId);
    req.account!.verify(account);
    if (!profile) throw notFound(`No applicant ${req.params.applicantId} in this center.`);
    if (decision === 'revealed') {
      // An unmasked read is privileged: its audit event is in the outbox before the data leaves.
      const roles = rolesFor('applicant.personalData.reveal');
      await store.recordReveal(caller.centerId, {
        source, detailType: 'PersonalDataRevealed', centerId: caller.centerId, occurredAt: new Date().toISOString(),
        actor: { id: caller.userId, role: actingRole(caller, roles), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) },
        subject: subjectOf(profile.applicantId),
        data: { applicantId: profile.applicantId, fields: [...(profile.idNumber ? ['idNumber' as const] : []), 'phone', 'email'] },
      });
    }
    return { status: 200, body: staffView(own(profile), decision === 'revealed') };
  },
});
