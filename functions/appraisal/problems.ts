/**
 * The business rules of the appraisal domain a request can break, each with
 * its own problem type (schemas/api/problems.ts explains the scheme).
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const appraisalProblems = defineProblems({
  'month-not-over': {
    status: 409, title: msg('该月尚未结束', 'Month not over'),
    about: 'A month closes once it has ended in the center\'s time zone.',
  },
  'month-not-closed': {
    status: 409, title: msg('该月考核尚未发布', 'Month not closed'),
    about: 'The month\'s scores are published when it closes (the schedule shortly after it ends, or the center admin); until then there is nothing to read or appeal.',
  },
  'appeal-period-over': {
    status: 409, title: msg('申诉期限已过', 'Appeal period over'),
    about: 'Staff appeal their score within the center\'s working days of its publication (default 5); `detail` names the last day.',
  },
  'appeal-not-pending': {
    status: 409, title: msg('申诉已处理', 'Appeal already decided'),
    about: 'An appeal is decided once.',
  },
});
