/**
 * The business rules of the queue a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them. A state an action does not start from is the generic
 * `wrong-state`.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const queueProblems = defineProblems({
  'category-conflict': {
    status: 409, title: msg('排队类别与中心现状不符', 'Category conflicts with the center'),
    about: 'An item belongs to at most one queue category of the center, and a category is called at windows that exist; `errors` names each item of another category (`in_other_category`) and each unknown window (`not_found`).',
  },
  'category-unknown': {
    status: 422, title: msg('没有此排队类别', 'No such queue category'),
    about: 'A ticket is taken for a category of the center, named by its letter or by an item it takes; `errors` names the field at fault. Name one of the two.',
  },
  'nobody-waiting': {
    status: 409, title: msg('没有等候的号', 'Nobody waiting'),
    about: 'No waiting ticket of the categories this window calls (nor transferred to it): nothing to call.',
  },
  'calls-used-up': {
    status: 409, title: msg('呼叫次数已满', 'Calls used up'),
    about: 'The ticket was called as many times as its category allows (`callsBeforeMissed`, 3 unless set): skip it (过号) instead of recalling it.',
  },
  'transfer-invalid': {
    status: 422, title: msg('转移目标有误', 'Transfer target not valid'),
    about: 'A ticket is transferred to another category of the center, to a window of the center, or both; `errors` names the field at fault.',
  },
});
