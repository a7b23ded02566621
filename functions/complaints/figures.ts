/**
 * The monthly complaint figures (投诉统计): counters by the month a complaint
 * was filed (the center's month), for the center, each category and each
 * department complaints were assigned to, moved by the complaint's own
 * transitions in their transactions. The rates are read from them: response
 * (decided by the acceptance day / filed), on-time reply (replied by the reply
 * day / replied), satisfaction (satisfied / rated; closed unrated counts as
 * satisfied, as the rules close it). The same writes count the complaints
 * found substantiated for the appraisal, by the month of the finding. Pure.
 */
import type { ComplaintFigureRow } from '#schemas/api/complaints';
import type { ComplaintRecord } from './lifecycle.ts';

export const figureCounters = ['filed', 'decided', 'decidedOnTime', 'notAccepted', 'assigned', 'replied', 'repliedOnTime', 'substantiated', 'rated', 'satisfied'] as const;
export type FigureCounter = (typeof figureCounters)[number];
export type Counts = Partial<Record<FigureCounter, number>>;

/** What one write adds: to which rows of which month, and to the appraisal's count of the month the finding was made in. */
export interface FigureChange {
  readonly month: string;
  /** `ALL`, `CAT#<category>`, `DEPT#<departmentId>`; none when the write adds nothing to the month filed. */
  readonly rows: readonly string[];
  readonly add: Counts;
  /** A complaint found substantiated (属实): one more for each row (`DEPT#`, `WINDOW#`, `STAFF#<username>`) in the appraisal (考核) of `month`. */
  readonly substantiated?: { readonly month: string; readonly rows: readonly string[] };
}

const monthIn = (timeZone: string, instant: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date(instant));

/** What going from `before` (undefined: filing) to `after` on the center's `today` adds to the figures; undefined: nothing. */
export function figureChange(before: ComplaintRecord | undefined, after: ComplaintRecord, today: string): FigureChange | undefined {
  const add: Counts = {};
  if (!before) add.filed = 1;
  const accepted = !before?.acceptance && after.acceptance;
  const refused = !before?.notAccepted && after.notAccepted;
  if (accepted || refused) {
    add.decided = 1;
    if (today <= after.acceptDue) add.decidedOnTime = 1;
  }
  if (refused) add.notAccepted = 1;
  if (accepted) add.assigned = 1;
  if (!before?.reply && after.reply) {
    add.replied = 1;
    if (after.replyDue && today <= after.replyDue) add.repliedOnTime = 1;
    if (after.reply.substantiated) add.substantiated = 1;
  }
  if (!before?.rating && after.rating) {
    add.rated = 1;
    if (after.rating.rating === 'satisfied') add.satisfied = 1;
  }
  const substantiated = substantiatedRows(before, after);
  if (Object.keys(add).length === 0 && !substantiated.length) return undefined;
  const rows = Object.keys(add).length ? ['ALL', `CAT#${after.category}`, ...(after.departmentId ? [`DEPT#${after.departmentId}`] : [])] : [];
  return { month: monthIn(after.timeZone, after.filedAt), rows, add, ...(substantiated.length ? { substantiated: { month: today.slice(0, 7), rows: substantiated } } : {}) };
}

const isSubstantiated = (c: ComplaintRecord | undefined) => c?.reply?.substantiated === true || c?.review?.substantiated === true;

/**
 * Whom a finding counts against in the appraisal, in the month it is made: the
 * department assigned and the window complained about when the complaint is
 * first found substantiated (by the reply, or by the review overturning it),
 * and the staff member the reply names at fault.
 */
function substantiatedRows(before: ComplaintRecord | undefined, after: ComplaintRecord): string[] {
  const rows: string[] = [];
  if (!isSubstantiated(before) && isSubstantiated(after)) {
    if (after.departmentId) rows.push(`DEPT#${after.departmentId}`);
    if (after.subject.windowId) rows.push(`WINDOW#${after.subject.windowId}`);
  }
  if (!before?.reply?.staffAtFault && after.reply?.staffAtFault) rows.push(`STAFF#${after.reply.staffAtFault}`);
  return rows;
}

const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 10_000) / 10_000 : undefined);

/** A row's counts with its rates (none where nothing was counted under them). */
export function figureRow(counts: Counts): ComplaintFigureRow {
  const c = Object.fromEntries(figureCounters.map((k) => [k, counts[k] ?? 0])) as Record<FigureCounter, number>;
  const responseRate = rate(c.decidedOnTime, c.filed);
  const onTimeRate = rate(c.repliedOnTime, c.replied);
  const satisfactionRate = rate(c.satisfied, c.rated);
  return { ...c, ...(responseRate !== undefined ? { responseRate } : {}), ...(onTimeRate !== undefined ? { onTimeRate } : {}), ...(satisfactionRate !== undefined ? { satisfactionRate } : {}) };
}
