import type { RouteSpec } from '#shared/route-spec';

export const auditRoutes = [
  { operationId: 'listAuditEvents', method: 'GET', path: '/audit/events', access: 'jwt', summary: 'Audit records of the caller\'s center by date range and subject (auditors only)' },
] as const satisfies readonly RouteSpec[];
