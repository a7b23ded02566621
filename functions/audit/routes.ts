import type { RouteSpec } from '#shared/route-spec';
import { AuditRecordPage, ListAuditEventsQuery } from '#schemas/api/audit';

export const auditRoutes = [
  {
    operationId: 'listAuditEvents', method: 'GET', path: '/audit/events', access: 'jwt',
    summary: 'Audit records of the caller\'s center by date range and subject (auditors only)', query: ListAuditEventsQuery, responses: { 200: AuditRecordPage },
  },
] as const satisfies readonly RouteSpec[];
