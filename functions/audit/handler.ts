/**
 * The auditors' API over the audit log: lists by date range, subject, case,
 * actor or event type; exports as NDJSON or CSV; the signed daily digests.
 * Auditors read their own center only.
 */
import type { AuditRecord } from '#schemas/api/audit';
import { msg } from '#schemas/api/problems';
import { callerOf, type Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { forbidden, notFound, problem, validationFailed } from '#shared/errors';
import { RawBody, httpHandler } from '#shared/http';
import { DAY_MS, dayStart } from './chain.ts';
import { csvHeader, csvRow, EXPORT_FORMAT, mediaTypes, ndjsonLine } from './export.ts';
import { auditProblems } from './problems.ts';
import { auditRoutes } from './routes.ts';
import { activeDays, dayRecords, digestCopy, listRecords, type RecordFilter } from './store.ts';

/** Date-ranged lists are bounded so one request cannot walk the whole log. */
export const MAX_RANGE_DAYS = 92;
/** Records per export page: well inside Lambda's 6 MB response. */
export const MAX_EXPORT_PAGE = 1000;
/** DynamoDB requests per export page (one per day partition page); the next page continues. */
export const MAX_EXPORT_QUERIES = 20;

function authorize(caller: Caller) {
  const why = denial(caller, 'audit.read', { centerId: caller.centerId });
  if (why) throw forbidden(why);
}

/** Checks a center-local day range [from, to] and returns it as UTC instants [from 00:00, to+1 00:00). */
function dayRange(from: string, to: string, bounded = true) {
  const start = dayStart(from);
  const end = dayStart(to) + DAY_MS;
  if (end <= start) {
    throw problem(auditProblems['date-range-invalid'], msg('结束日期早于开始日期。', 'to is before from.'),
      [{ path: '/query/to', code: 'before_from', message: msg('不能早于开始日期（from）', 'must not be before from') }]);
  }
  if (bounded && end - start > MAX_RANGE_DAYS * DAY_MS) {
    throw problem(auditProblems['date-range-invalid'], msg(`日期范围最长 ${MAX_RANGE_DAYS} 天。`, `The range may span at most ${MAX_RANGE_DAYS} days.`),
      [{ path: '/query/to', code: 'range_too_long', message: msg(`最多为开始日期（from）后 ${MAX_RANGE_DAYS} 天`, `at most ${MAX_RANGE_DAYS} days after from`) }]);
  }
  return { fromInstant: new Date(start).toISOString(), toInstant: new Date(end - 1).toISOString() };
}

type ListQuery = { from?: string; to?: string; subjectType?: string; subjectId?: string; caseNo?: string; actor?: string; type?: string };

/**
 * The one filter of a list request, and whether it must be date-bounded. Which
 * parameters go together is the query's shape (400 validation-failed, like a
 * schema's); the range's rules are the log's (422).
 */
function filterOf(q: ListQuery): { filter: RecordFilter; bounded: boolean } {
  if ((q.subjectType === undefined) !== (q.subjectId === undefined)) {
    throw validationFailed([{ path: q.subjectType ? '/query/subjectId' : '/query/subjectType', code: 'required', message: msg('subjectType 与 subjectId 须同时提供', 'is required with the other subject field') }]);
  }
  const given = (['subjectType', 'caseNo', 'actor', 'type'] as const).filter((k) => q[k] !== undefined);
  if (given.length > 1) {
    throw validationFailed(given.slice(1).map((k) => ({ path: `/query/${k}`, code: 'one_filter', message: msg('每次只能按一个条件查询', 'only one filter per query') })));
  }
  // A case's records are those whose subject is the case (its chain `case#<caseNo>`).
  if (q.caseNo !== undefined) return { filter: { by: 'subject', type: 'case', id: q.caseNo }, bounded: false };
  if (q.subjectType !== undefined) return { filter: { by: 'subject', type: q.subjectType, id: q.subjectId! }, bounded: false };
  if (q.actor !== undefined) return { filter: { by: 'actor', id: q.actor }, bounded: true };
  if (q.type !== undefined) return { filter: { by: 'type', type: q.type }, bounded: true };
  return { filter: { by: 'center' }, bounded: true };
}

/** Where an export page stopped: the recording day, and the start key within it. */
type ExportPosition = { day: string; key?: Record<string, unknown> };

// Every nextToken is bound by the HTTP stack to its route and the caller's center, and here to the filters.
export const handler = httpHandler(auditRoutes, {
  async listAuditEvents(req) {
    const caller = callerOf(req.event);
    authorize(caller);
    const q = req.query;
    const { filter, bounded } = filterOf(q);
    if ((q.from === undefined) !== (q.to === undefined) || (bounded && q.from === undefined)) {
      const missing = q.from === undefined ? 'from' : 'to';
      throw validationFailed([{ path: `/query/${missing}`, code: 'required', message: msg('必填', 'is required') }]);
    }
    const range = q.from !== undefined && q.to !== undefined ? dayRange(q.from, q.to, bounded) : undefined;
    const filters = { ...filter, ...(range ?? {}) };
    const page = await listRecords(caller.centerId, filter, range, req.pages.limit, req.pages.start(filters));
    return { status: 200, body: req.pages.page(page, filters) };
  },

  async exportAuditEvents(req) {
    const caller = callerOf(req.event);
    authorize(caller);
    const { from, to, format } = req.query;
    dayRange(from, to);
    // An export's pages are larger than a list's: its own default.
    const limit = req.query.limit ?? MAX_EXPORT_PAGE;
    const filters = { export: EXPORT_FORMAT, from, to, format };
    const cursor = req.pages.start(filters) as ExportPosition | undefined;

    const records: AuditRecord[] = [];
    let queries = 1;
    let next: ExportPosition | undefined;
    walk: for (const day of await activeDays(caller.centerId, cursor?.day ?? from, to)) {
      let startKey = cursor && day === cursor.day ? cursor.key : undefined;
      for (;;) {
        if (records.length >= limit || queries >= MAX_EXPORT_QUERIES) {
          next = { day, ...(startKey ? { key: startKey } : {}) };
          break walk;
        }
        const page = await dayRecords(caller.centerId, day, limit - records.length, startKey);
        queries++;
        records.push(...page.items);
        if (!page.lastKey) break;
        startKey = page.lastKey;
      }
    }

    const first = req.query.nextToken === undefined;
    const text = format === 'ndjson'
      ? (first ? ndjsonLine({ format: EXPORT_FORMAT, centerId: caller.centerId, from, to, exportedAt: new Date().toISOString() }) : '') + records.map(ndjsonLine).join('')
      : (first ? csvHeader() : '') + records.map(csvRow).join('');
    const nextToken = req.pages.token(next, filters);
    return {
      status: 200,
      body: new RawBody(text, mediaTypes[format]),
      headers: {
        'content-disposition': `attachment; filename="audit-${caller.centerId}-${from}-${to}.${format}"`,
        'x-record-count': String(records.length),
        ...(nextToken ? { 'x-next-token': nextToken } : {}),
      },
    };
  },

  async getAuditDigest(req) {
    const caller = callerOf(req.event);
    authorize(caller);
    // The table's copy of the digest in the audit bucket, as written there (signed: either copy verifies).
    const body = await digestCopy(caller.centerId, req.params.date);
    if (body === undefined) {
      throw notFound(msg(`本中心没有 ${req.params.date} 的摘要（每日零点后封存前一天）。`, `No digest of ${req.params.date} for this center (a day is sealed after midnight).`));
    }
    return { status: 200, body: new RawBody(body, 'application/json; charset=utf-8') };
  },
});
