import type { RouteSpec } from '#shared/route-spec';
import {
  CalendarYear,
  CalendarYearBody,
  Center,
  CenterBody,
  Department,
  DepartmentBody,
  DepartmentList,
  DepartmentPath,
  ServiceWindow,
  WindowBody,
  WindowList,
  WindowPath,
  PublicCalendarQuery,
  YearPath,
  Staff,
  StaffActionPath,
  StaffBody,
  StaffList,
  StaffListQuery,
  StaffPath,
  StaffRemovalBody,
  StaffRemovalDecision,
  StaffRemovalPath,
  StaffRemovalSuggestionList,
  AbsenceDayPath,
  AbsenceList,
  StaffAbsence,
  StaffAbsenceBody,
  StaffAbsencePath,
} from '#schemas/api/org';

export const orgRoutes = [
  {
    operationId: 'getCenter', method: 'GET', path: '/org/center', access: 'jwt',
    summary: 'The caller\'s center (行政服务中心): name and time zone', responses: { 200: Center },
  },
  {
    operationId: 'putCenter', method: 'PUT', path: '/admin/center', access: 'jwt',
    summary: 'Change the caller\'s center profile (If-Match)', body: CenterBody, ifMatch: true, responses: { 200: Center },
  },
  {
    operationId: 'listDepartments', method: 'GET', path: '/org/departments', access: 'jwt',
    summary: 'The departments stationed in the caller\'s center (进驻部门)', responses: { 200: DepartmentList },
  },
  {
    operationId: 'putDepartment', method: 'PUT', path: '/admin/departments/{departmentId}', access: 'jwt',
    summary: 'Create a department, or replace it (If-Match)', params: DepartmentPath, body: DepartmentBody, responses: { 200: Department, 201: Department },
  },
  {
    operationId: 'listWindows', method: 'GET', path: '/org/windows', access: 'jwt',
    summary: 'The windows of the caller\'s center (窗口)', responses: { 200: WindowList },
  },
  {
    operationId: 'putWindow', method: 'PUT', path: '/admin/windows/{windowId}', access: 'jwt',
    summary: 'Create a window, or replace it (If-Match)', params: WindowPath, body: WindowBody, responses: { 200: ServiceWindow, 201: ServiceWindow },
  },
  {
    operationId: 'getCalendar', method: 'GET', path: '/calendar/{year}', access: 'jwt',
    summary: 'The center\'s working-day calendar of a year: holidays and adjusted working days (调休)', params: YearPath, responses: { 200: CalendarYear },
  },
  {
    operationId: 'getPublicCalendar', method: 'GET', path: '/public/calendar/{year}', access: 'public',
    summary: 'A center\'s working-day calendar of a year, for anyone counting a time limit (政务公开)', params: YearPath, query: PublicCalendarQuery, responses: { 200: CalendarYear },
    description: 'The same calendar as `GET /calendar/{year}`, without a token: time limits count working days, so whoever checks one needs the holidays and adjusted working days (调休).',
  },
  {
    operationId: 'putCalendar', method: 'PUT', path: '/admin/calendar/{year}', access: 'jwt',
    summary: 'Enter or replace (If-Match) the center\'s calendar of a year', params: YearPath, body: CalendarYearBody, responses: { 200: CalendarYear, 201: CalendarYear },
  },
  {
    operationId: 'listStaff', method: 'GET', path: '/org/staff', access: 'jwt',
    summary: 'The staff of the caller\'s center: account ids, names, roles, departments, windows (no contact data)', query: StaffListQuery,
    description: 'Each entry\'s `id` is the account id that actor fields elsewhere hold (`createdBy`, `reviews[].by`, `actor.id` …); `?id=` finds the one staff member with that id.',
    responses: { 200: StaffList },
  },
  {
    operationId: 'putStaff', method: 'PUT', path: '/admin/staff/{username}', access: 'jwt',
    summary: 'Create a staff account (an invitation goes to the email) or replace it (If-Match)', params: StaffPath, body: StaffBody,
    responses: { 200: Staff, 201: Staff },
  },
  {
    operationId: 'setStaffStatus', method: 'POST', path: '/admin/staff/{username}/{action}', access: 'jwt',
    summary: 'disable (the account\'s tokens stop working at once) or enable a staff account', params: StaffActionPath, ifMatch: true,
    description: 'Answers the staff member as `PUT /admin/staff/{username}` does, with the new ETag.',
    responses: { 200: Staff },
  },
  {
    operationId: 'decideStaffRemoval', method: 'POST', path: '/admin/staff/{username}/removal-decisions/{year}', access: 'jwt', accountCheck: 'inline',
    summary: 'Decide on taking a staff member off the windows once their substantiated complaints of the year reached the center\'s threshold (调离窗口)', params: StaffRemovalPath, body: StaffRemovalBody,
    description: 'The complaints domain suggests it (`StaffRemovalSuggested`); the center admin decides once per person and year, and the decision is audited (`StaffRemovalDecided`). `remove_from_windows` empties the person\'s `windowIds` in the same write.',
    responses: { 201: StaffRemovalDecision },
  },
  {
    operationId: 'listRemovalSuggestions', method: 'GET', path: '/admin/removal-suggestions/{year}', access: 'jwt', accountCheck: 'inline',
    summary: 'The people whose substantiated complaints of the year reached the threshold (调离建议), each with the decision once taken', params: YearPath,
    description: 'For the center admin: an entry without `decision` is still to decide (`POST /admin/staff/{username}/removal-decisions/{year}`).',
    responses: { 200: StaffRemovalSuggestionList },
  },
  {
    operationId: 'markStaffAbsence', method: 'PUT', path: '/admin/staff/{username}/absences/{date}', access: 'jwt', accountCheck: 'inline',
    summary: 'Mark a staff member absent for a day (缺岗), so that their backups work their windows (AB角)', params: StaffAbsencePath, body: StaffAbsenceBody, optionalBody: true,
    description: 'The person\'s department admin or the center admin, for today or a day within a year. Each backup of the staff entry (`backups[].backupUsername`) may work the person\'s windows that day, and the tickets and visits they serve there are theirs; the threshold notices the person would get reach them too. A record whose backups name more than 20 people is refused (422 `staff-record-invalid`). Marked already: 200 with the mark as it stands. Audited (`StaffAbsenceMarked`, without the reason).',
    responses: { 200: StaffAbsence, 201: StaffAbsence },
  },
  {
    operationId: 'cancelStaffAbsence', method: 'POST', path: '/admin/staff/{username}/absences/{date}/cancel', access: 'jwt', accountCheck: 'inline',
    summary: 'Withdraw an absence: the backups no longer work the person\'s windows that day', params: StaffAbsencePath,
    description: 'Answers the absence as it was. Audited (`StaffAbsenceCancelled`).',
    responses: { 200: StaffAbsence },
  },
  {
    operationId: 'listAbsences', method: 'GET', path: '/org/absences/{date}', access: 'jwt',
    summary: 'Who is absent on a day and who covers them (AB角), without the reasons', params: AbsenceDayPath,
    responses: { 200: AbsenceList },
  },
] as const satisfies readonly RouteSpec[];
