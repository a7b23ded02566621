/**
 * The business rules of the audit domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const auditProblems = defineProblems({
  'date-range-invalid': {
    status: 422, title: msg('日期范围无效', 'Date range not allowed'),
    about: '`to` is before `from`, or the range spans more than 92 days (center-wide, actor and type lists, and exports): narrow it, or page through several ranges. `errors` says which (`before_from`, `range_too_long`).',
  },
});
