/**
 * The business rules of the org domain a request can break, each with its own
 * problem type (schemas/api/problems.ts explains the scheme); the OpenAPI
 * document lists them. A username already in use is the generic `already-exists`.
 */
import { defineProblems, msg } from '#schemas/api/problems';

export const orgProblems = defineProblems({
  'calendar-invalid': {
    status: 422, title: msg('工作日历有误', 'Calendar does not fit its year'),
    about: 'Every date of a calendar year falls in that year, no date is both a holiday and an adjusted working day, and adjusted working days (调休) are Saturdays or Sundays; `errors` names each date at fault.',
  },
  'staff-record-invalid': {
    status: 422, title: msg('人员信息不符合要求', 'Staff record does not fit the rules'),
    about: 'The roles clerk, approver, dept_admin and dept_head act for one department, so their holder names it (`departmentId`); nobody is their own backup (AB角), and the backups name at most 20 people (an absence is marked for all of them at once). `errors` names each field at fault; marking the absence of a person whose record names more answers this problem too.',
  },
  'removal-not-suggested': {
    status: 409, title: msg('未达到调离窗口的建议条件', 'No removal was suggested'),
    about: 'A removal from the windows is decided only for a person whose complaints found substantiated (投诉属实) in the year reached the center\'s threshold (`staffRemovalThreshold` of the complaint settings).',
  },
  'removal-already-decided': {
    status: 409, title: msg('调离窗口已有决定', 'Removal decided already'),
    about: 'One decision per person and year: the first stands (the audit log holds it).',
  },
  'time-zone-unknown': {
    status: 422, title: msg('时区无法识别', 'Unknown time zone'),
    about: '`timeZone` is not an IANA time zone this service knows (e.g. Asia/Shanghai); the center\'s calendar dates are kept in it.',
  },
});
