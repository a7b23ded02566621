/**
 * The business rules of the complaints domain a request can break, each with
 * its own problem type (schemas/api/problems.ts explains the scheme). The
 * lifecycle's guards and the intake's checks name these; the OpenAPI document
 * lists them.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const complaintProblems = defineProblems({
  'complaint-subject-unknown': {
    status: 422, title: msg('被投诉对象不存在', 'Unknown subject of the complaint'),
    about: 'The case, window, staff member or department the complaint names is not one of the center\'s; `errors` points at the identifier.',
  },
  'respondent-department-required': {
    status: 422, title: msg('请指定答复部门', 'Name the department to answer'),
    about: 'No single department could be derived from the complaint\'s subject (the center, or a general window of several departments): accepting it names `departmentId`.',
  },
  'staff-at-fault-invalid': {
    status: 422, title: msg('责任人不符', 'Staff member at fault does not fit'),
    about: 'A reply names the staff member at fault only when the complaint is substantiated, and only a staff member of the center; `errors` says which.',
  },
  'complaint-extension-already-requested': {
    status: 409, title: msg('已申请过延期', 'Extension already requested'),
    about: 'A department may ask once for an extension of a complaint\'s reply; this one did.',
  },
  'no-extension-pending': {
    status: 409, title: msg('没有待审批的延期申请', 'No extension request pending'),
    about: 'Only a requested, undecided extension can be approved or refused.',
  },
  'complaint-rating-period-over': {
    status: 409, title: msg('评价期限已过', 'Rating period over'),
    about: 'The reply was not rated within the center\'s working days: the complaint closes as satisfied.',
  },
  'review-period-over': {
    status: 409, title: msg('复核申请期限已过', 'Review period over'),
    about: 'An unsatisfied complainant asks for the review within the center\'s working days of the rating; after them the complaint closes.',
  },
});
