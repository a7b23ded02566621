import type { RouteSpec } from '#shared/route-spec';
import { AuditDigest, AuditRecordPage, DigestParams, ExportAuditQuery, ExportPage, ListAuditEventsQuery } from '#schemas/api/audit';

export const auditRoutes = [
  {
    operationId: 'listAuditEvents', method: 'GET', path: '/audit/events', access: 'jwt',
    summary: 'Audit records of the caller\'s center by date range, or by one of subject, case, actor or event type (auditors only)',
    description:
      'One filter at a time: `subjectType`+`subjectId`, `caseNo`, `actor` or `type`, each served by one query on its own key. ' +
      'Without a filter, or with `actor` or `type`, `from` and `to` are required and span at most 92 days; a subject or a case may be listed whole. ' +
      'Records come oldest first by occurredAt; each carries its chain, position and hashes.',
    query: ListAuditEventsQuery, responses: { 200: AuditRecordPage },
  },
  {
    operationId: 'exportAuditEvents', method: 'GET', path: '/audit/export', access: 'jwt',
    summary: 'Export the records of the caller\'s center recorded from..to as NDJSON or CSV, in pages (auditors only)',
    description:
      'Records come by recording day, then chain, then position: whole chains for each day, so the NDJSON verifies offline ' +
      '(`npm run audit:verify -- <export.ndjson> <digests>`). At most `limit` records per page (default and maximum 1000); ' +
      'while more follow, the `x-next-token` response header carries the nextToken of the next page. The pages, concatenated, are the export.',
    query: ExportAuditQuery, responses: { 200: ExportPage }, produces: ['application/x-ndjson', 'text/csv'],
  },
  {
    operationId: 'getAuditDigest', method: 'GET', path: '/audit/digests/{date}', access: 'jwt',
    summary: 'The signed daily digest of a day of the caller\'s center, as written to the Object-Locked audit bucket (auditors only)',
    params: DigestParams, responses: { 200: AuditDigest },
  },
] as const satisfies readonly RouteSpec[];
