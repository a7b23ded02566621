/**
 * The business rules of the evaluation domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme). The lifecycle's
 * guards and the input rules name these; the OpenAPI document lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const evaluationProblems = defineProblems({
  'rating-period-over': {
    status: 409, title: msg('评价期限已过', 'Rating period over'),
    about: 'The rater did not rate within the rating period: the evaluation counts as satisfied (默认满意) and can no longer be rated.',
  },
  'call-back-recorded': {
    status: 409, title: msg('已记录回访', 'Call-back already recorded'),
    about: 'The call-back (回访) of this bad review is recorded already; go on with the rectification.',
  },
  'call-back-required': {
    status: 409, title: msg('请先回访', 'Call-back required'),
    about: 'A bad review\'s rectification is recorded after its call-back (回访): call the rater back first.',
  },
  'already-appealed': {
    status: 409, title: msg('已申诉过', 'Already appealed'),
    about: 'A bad review may be appealed once; this one was, and its appeal was decided or is waiting for a supervisor.',
  },
  'indicators-not-of-set': {
    status: 422, title: msg('评价指标与评价方式不符', 'Indicators do not fit the evaluation'),
    about: 'A rating gives every indicator of the evaluation\'s set (`indicatorSet`: online for a case, offline for a window visit) and none of the other; `errors` names each.',
  },
  'bad-review-comment-required': {
    status: 422, title: msg('差评须说明原因', 'A bad review needs a comment'),
    about: 'A rating of 1 or 2 (差评) says what went wrong in `comment`, so that the department can put it right.',
  },
});
