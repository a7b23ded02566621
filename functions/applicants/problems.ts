/**
 * The business rules of the applicants domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const applicantsProblems = defineProblems({
  'registration-not-offered': {
    status: 503, title: msg('暂不提供网上注册', 'Online registration not offered'),
    about: 'This deployment names no identity provider to verify registrations with, so it registers nobody online; applicants register at the center. Nothing is written.',
  },
  'identity-verification-refused': {
    status: 422, title: msg('实名认证未通过', 'Identity verification refused'),
    about: 'The identity provider does not vouch for `verificationTicket`: `errors[0].code` is `unknown` (no such ticket), `used` (a ticket is redeemed once: verify again), `expired` (verify again), or `insufficient_level` (the verification was real-name only; registering needs real-person: a face check, or an enterprise\'s electronic business licence). Nothing is written.',
  },
  'center-not-found': {
    status: 422, title: msg('服务中心不存在', 'Center not found'),
    about: '`centerId` names no service center; leave it out to register with the default center.',
  },
  'agent-authorization-invalid': {
    status: 422, title: msg('代办授权内容有误', 'Agent authorization does not fit the rules'),
    about: 'An applicant cannot be their own agent; `itemCodes` goes with scope `items` only; `validUntil` is today or later (center time). `errors` names each field.',
  },
});
