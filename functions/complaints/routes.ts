import type { RouteSpec } from '#shared/route-spec';
import {
  Complaint, ComplaintFigures, ComplaintFiguresQuery, ComplaintListQuery, ComplaintPage, ComplaintPath, ComplaintSettings, ComplaintSettingsBody, FileComplaintBody,
} from '#schemas/api/complaints';
import { httpActions, rowsOf, type Actor } from './lifecycle.ts';

const who = (a: Actor) =>
  a.role === 'complainant' ? 'the complainant (the applicant who filed it online)'
    : a.role === 'supervisor' ? 'a supervisor' : a.role === 'system' ? 'the system' : `${a.role} of the assigned department`;

/** The OpenAPI description of an action, written from its rows of the complaint table. */
function describe(action: string): string {
  return rowsOf(action)
    .map((t) => {
      const to = t.to === 'same' ? 'the same state' : typeof t.to === 'string' ? `\`${t.to}\`` : t.to.byInput;
      const guards = t.guards.length ? ` Only when ${t.guards.map((g) => g.name).join('; ')}.` : '';
      return `- From ${t.from.map((s) => `\`${s}\``).join(', ')} to ${to}, by ${t.by.map(who).join(' or ')}.${guards} Emits \`${t.event}\`. ${t.summary}.`;
    })
    .join('\n');
}

/** One route per action of the complaint table, each with its own body schema. */
const actionRoutes: RouteSpec[] = httpActions.map((action) => ({
  operationId: `complaint${action[0]!.toUpperCase()}${action.slice(1)}`,
  method: 'POST',
  path: `/complaints/{complaintId}/${action}`,
  access: 'jwt',
  summary: rowsOf(action)[0]!.summary,
  description: `${describe(action)}\n\nIf-Match: the complaint's ETag (its version). The response lists the caller's next actions.`,
  params: ComplaintPath,
  body: rowsOf(action)[0]!.body,
  ifMatch: true,
  accountCheck: 'inline',
  responses: { 200: Complaint },
}));

export const complaintRoutes = [
  {
    operationId: 'fileComplaint', method: 'POST', path: '/complaints', access: 'jwt', accountCheck: 'inline',
    summary: 'File a complaint (投诉): an applicant their own online; a clerk or a supervisor one made on site, by phone, email or the 12345 hotline',
    description: 'The department complained about is derived from the subject (a case: its lead department; a staff member or a window: theirs). '
      + 'The supervisor decides on acceptance within the center\'s working days (default 2). The complainant\'s name and contact are shown to supervisors and the complainant only.',
    body: FileComplaintBody, responses: { 201: Complaint },
  },
  {
    operationId: 'listComplaints', method: 'GET', path: '/complaints', access: 'jwt', accountCheck: 'inline',
    summary: 'Complaints: an applicant\'s own (newest first); a department\'s assigned ones, earliest reply due first; supervisors\' by state (oldest first). No complainant data',
    query: ComplaintListQuery, responses: { 200: ComplaintPage },
  },
  {
    operationId: 'getComplaint', method: 'GET', path: '/complaints/{complaintId}', access: 'jwt', accountCheck: 'inline',
    summary: 'Read a complaint: the complainant their own; supervisors; the staff of the department it is assigned to, without the complainant\'s name and contact',
    params: ComplaintPath, responses: { 200: Complaint },
  },
  {
    operationId: 'getComplaintFigures', method: 'GET', path: '/complaint-figures', access: 'jwt',
    summary: 'A month\'s complaint figures (投诉统计), by the month filed: counts and the response, on-time reply and satisfaction rates of the center, each category and each department; supervisors and center admins all, a department\'s head and admin their own department\'s row',
    query: ComplaintFiguresQuery, responses: { 200: ComplaintFigures },
  },
  {
    operationId: 'getComplaintSettings', method: 'GET', path: '/complaint-settings', access: 'jwt', accountCheck: 'inline',
    summary: 'The complaint time limits in force in the caller\'s center (acceptance, reply, rating, review, in working days) and the staff threshold: the defaults or the center\'s own',
    responses: { 200: ComplaintSettings },
  },
  {
    operationId: 'putComplaintSettings', method: 'PUT', path: '/complaint-settings', access: 'jwt', accountCheck: 'inline',
    summary: 'Set the center\'s own complaint time limits and staff threshold (If-Match once they exist): they apply to the steps taken from then on',
    body: ComplaintSettingsBody, responses: { 200: ComplaintSettings, 201: ComplaintSettings },
  },
  ...actionRoutes,
] as const satisfies readonly RouteSpec[];
