import type { RouteSpec } from '#shared/route-spec';
import {
  AccountActionPath,
  AgentBody,
  AgentGrant,
  AgentList,
  AgentPath,
  PrincipalPage,
  PrincipalsQuery,
  Applicant,
  ApplicantPath,
  ApplicantLookupBody,
  ApplicantReadQuery,
  CreditBody,
  ProfileBody,
  RegistrationBody,
  RegistrationReceived,
  StaffApplicantView,
} from '#schemas/api/applicants';

const idempotencyKey = [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this request, 1–64 characters [A-Za-z0-9_-]: a retry with the same key within 24 hours gets the first response' }];

export const applicantRoutes = [
  {
    operationId: 'registerApplicant', method: 'POST', path: '/public/applicants', access: 'public',
    summary: 'Register as a citizen or an enterprise with a verified identity (实名认证): the name and the ID number or credit code come from the identity provider that redeems the ticket (申请人注册)',
    description: 'Public, so no Idempotency-Key: a registration is unique by its username and its verified number, and its ticket is redeemed once. The answer is 202 whether or not the number was registered, so it tells nobody whose number is registered: a new account\'s sign-in invitation, or a notice naming the account that holds the number, reaches the person by message. A number held by a profile that was never verified (registered before verification was needed) passes to its verified holder: that profile loses it and its account is disabled (ApplicantIdentityReclaimed). A taken username is still 409: usernames are not personal data.',
    body: RegistrationBody, responses: { 202: RegistrationReceived },
  },
  {
    operationId: 'getMyProfile', method: 'GET', path: '/applicants/me', access: 'jwt', accountCheck: 'inline',
    summary: 'The caller\'s own applicant profile, unmasked', responses: { 200: Applicant },
  },
  {
    operationId: 'putMyProfile', method: 'PUT', path: '/applicants/me', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Change the caller\'s name, email and phone (If-Match); the ID number or credit code never changes',
    body: ProfileBody, ifMatch: true, responses: { 200: Applicant },
  },
  {
    operationId: 'listMyAgents', method: 'GET', path: '/applicants/me/agents', access: 'jwt',
    summary: 'The agents (代办人) the caller has authorized, active and revoked; their ID numbers masked', responses: { 200: AgentList },
  },
  {
    operationId: 'authorizeAgent', method: 'POST', path: '/applicants/me/agents', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Authorize another applicant of the center to act for the caller, for every item or some, until a date (replaces an earlier authorization of the same agent)',
    description: 'While it holds, the agent files for the caller (POST /cases with `principalId`), reads the covered cases and lists them (GET /cases?principalId=), and with `notices` receives their messages too.',
    body: AgentBody, responses: { 201: AgentGrant },
  },
  {
    operationId: 'revokeAgent', method: 'POST', path: '/applicants/me/agents/{agentApplicantId}/revoke', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Revoke an agent\'s authorization (revoking a revoked one changes nothing); the answer is the authorization, with its ETag',
    description: 'The agent\'s next filing for the caller, or read of the caller\'s cases, is refused.',
    params: AgentPath, responses: { 200: AgentGrant },
  },
  {
    operationId: 'listMyPrincipals', method: 'GET', path: '/applicants/me/principals', access: 'jwt',
    summary: 'The applicants who authorized the caller as agent (委托人), active and revoked, with what each authorization covers; their ID numbers masked',
    query: PrincipalsQuery, responses: { 200: PrincipalPage },
  },
  {
    operationId: 'getApplicant', method: 'GET', path: '/applicants/{applicantId}', access: 'jwt', accountCheck: 'inline',
    summary: 'An applicant as staff see it, with the account\'s status: ID number, phone and email masked; reveal=true unmasks them for the roles that verify identity',
    params: ApplicantPath, query: ApplicantReadQuery, responses: { 200: StaffApplicantView },
  },
  {
    operationId: 'lookupApplicant', method: 'POST', path: '/applicants/lookup', access: 'jwt', accountCheck: 'inline',
    summary: 'Find an applicant by the ID number or credit code presented at the counter: the applicant as staff read it, masked; 404 when none is registered in the center',
    description: 'A POST so that the number stays out of URLs and access logs. Every answer found is audited (ApplicantLookedUp), like an unmasked read.',
    body: ApplicantLookupBody, responses: { 200: StaffApplicantView },
  },
  {
    operationId: 'setApplicantAccountStatus', method: 'POST', path: '/admin/applicants/{applicantId}/{action}', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'disable (the account\'s tokens stop working at once) or enable an applicant\'s account; the answer is the applicant as staff read it (masked), with its ETag',
    params: AccountActionPath, responses: { 200: StaffApplicantView },
  },
  {
    operationId: 'setApplicantCredit', method: 'PUT', path: '/admin/applicants/{applicantId}/credit', access: 'jwt', accountCheck: 'inline', headers: idempotencyKey,
    summary: 'Flag an applicant for bad credit (失信), which bars acceptance with pledged materials (容缺受理), or lift the flag; If-Match: the ETag staff read. The answer is the applicant as staff read it (masked, with the flag), with its ETag',
    description: 'Every call is a decision on record (ApplicantCreditFlagChanged, ids only: the reason stays with the applicant, for staff), so it writes even when the flag stays as it was.',
    params: ApplicantPath, body: CreditBody, ifMatch: true, responses: { 200: StaffApplicantView },
  },
] as const satisfies readonly RouteSpec[];
