import type { RouteSpec } from '#shared/route-spec';
import {
  AgentBody,
  AgentGrant,
  AgentList,
  AgentPath,
  Applicant,
  ApplicantPath,
  ApplicantReadQuery,
  ProfileBody,
  RegistrationBody,
  StaffApplicantView,
  AccountActionPath,
  AccountState,
} from '#schemas/api/applicants';

export const applicantRoutes = [
  {
    operationId: 'registerApplicant', method: 'POST', path: '/public/applicants', access: 'public',
    summary: 'Register as a citizen (resident ID number) or an enterprise (unified social credit code): creates the applicant\'s account (申请人注册)',
    body: RegistrationBody, responses: { 201: Applicant },
  },
  {
    operationId: 'getMyProfile', method: 'GET', path: '/applicants/me', access: 'jwt',
    summary: 'The caller\'s own applicant profile, unmasked', responses: { 200: Applicant },
  },
  {
    operationId: 'putMyProfile', method: 'PUT', path: '/applicants/me', access: 'jwt',
    summary: 'Change the caller\'s name, email and phone (If-Match); the ID number or credit code never changes',
    body: ProfileBody, ifMatch: true, responses: { 200: Applicant },
  },
  {
    operationId: 'listMyAgents', method: 'GET', path: '/applicants/me/agents', access: 'jwt',
    summary: 'The agents (代办人) the caller has authorized, active and revoked; their ID numbers masked', responses: { 200: AgentList },
  },
  {
    operationId: 'authorizeAgent', method: 'POST', path: '/applicants/me/agents', access: 'jwt',
    summary: 'Authorize another applicant of the center to act for the caller, for every item or some, until a date (replaces an earlier authorization of the same agent)',
    body: AgentBody, responses: { 201: AgentGrant },
  },
  {
    operationId: 'revokeAgent', method: 'POST', path: '/applicants/me/agents/{agentApplicantId}/revoke', access: 'jwt',
    summary: 'Revoke an agent\'s authorization (idempotent: revoking a revoked one changes nothing)', params: AgentPath, responses: { 200: AgentGrant },
  },
  {
    operationId: 'getApplicant', method: 'GET', path: '/applicants/{applicantId}', access: 'jwt', accountCheck: 'inline',
    summary: 'An applicant as staff see it: ID number, phone and email masked; reveal=true unmasks them for the roles that verify identity',
    params: ApplicantPath, query: ApplicantReadQuery, responses: { 200: StaffApplicantView },
  },
  {
    operationId: 'setApplicantAccountStatus', method: 'POST', path: '/admin/applicants/{applicantId}/{action}', access: 'jwt',
    summary: 'disable (the account\'s tokens stop working at once) or enable an applicant\'s account', params: AccountActionPath,
    responses: { 200: AccountState },
  },
] as const satisfies readonly RouteSpec[];
