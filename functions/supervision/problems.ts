/**
 * The business rules of the supervision domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme).
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const supervisionProblems = defineProblems({
  'card-already-appealed': {
    status: 409, title: msg('此牌已申诉过', 'Card already appealed'),
    about: 'A card may be appealed once, while it is issued; this one was, and its appeal is waiting for a supervisor or was decided.',
  },
});
