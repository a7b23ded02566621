/**
 * The business rules of the applicants domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const applicantsProblems = defineProblems({
  'registration-invalid': {
    status: 422, title: msg('注册信息不符合要求', 'Registration does not fit the applicant kind'),
    about: 'A citizen gives a valid resident ID number (GB 11643) and nothing of an enterprise; an enterprise a valid unified social credit code (GB 32100) and its legal representative, and no ID number. `errors` names each field: `format`, `check_digit` (the check character does not match), `invalid` (no such province, authority or birth date), `required` or `unexpected`.',
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
