/** The auditors' API over the audit log; auditors read their own center only. */
import { callerOf } from '#shared/auth';
import { denial } from '#shared/authorization';
import { decodeCursor, pageLimit, pageOf } from '#shared/cursor';
import { badRequest, forbidden } from '#shared/errors';
import { httpHandler } from '#shared/http';
import { auditRoutes } from './routes.ts';
import { listRecords } from './store.ts';

/** Date-ranged lists are bounded so one request cannot walk the whole log. */
export const MAX_RANGE_DAYS = 92;
const CENTER_OFFSET = '+08:00';
const DAY_MS = 86_400_000;

/** A center-local calendar day range as UTC instants: [from 00:00, to+1 00:00). */
function instantRange(from: string, to: string) {
  const start = Date.parse(`${from}T00:00:00${CENTER_OFFSET}`);
  const end = Date.parse(`${to}T00:00:00${CENTER_OFFSET}`) + DAY_MS;
  if (end <= start) throw badRequest('to is before from.', [{ path: '/query/to', code: 'before_from', message: 'must not be before from' }]);
  if (end - start > MAX_RANGE_DAYS * DAY_MS) {
    throw badRequest(`The range may span at most ${MAX_RANGE_DAYS} days.`, [{ path: '/query/to', code: 'range_too_long', message: `at most ${MAX_RANGE_DAYS} days after from` }]);
  }
  return { fromInstant: new Date(start).toISOString(), toInstant: new Date(end - 1).toISOString() };
}

export const handler = httpHandler(auditRoutes, {
  async listAuditEvents(req) {
    const caller = callerOf(req.event);
    const why = denial(caller, 'audit.read', { centerId: caller.centerId });
    if (why) throw forbidden(why);
    const q = req.query;
    if ((q.subjectType === undefined) !== (q.subjectId === undefined)) {
      throw badRequest('subjectType and subjectId go together.', [{ path: q.subjectType ? '/query/subjectId' : '/query/subjectType', code: 'required', message: 'is required with the other subject field' }]);
    }
    const range = instantRange(q.from, q.to);
    const subject = q.subjectType && q.subjectId ? { type: q.subjectType, id: q.subjectId } : undefined;
    const filter = { centerId: caller.centerId, ...range, ...(subject ? { subject } : {}) };
    const page = await listRecords(caller.centerId, range, subject, pageLimit(q.limit), decodeCursor(q.nextToken, filter));
    return { status: 200, body: pageOf(page, filter) };
  },
});
