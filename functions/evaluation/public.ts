/**
 * What other domains may use of the evaluation domain (the architecture rule:
 * tests/unit/architecture.test.ts): its counts for the monthly appraisal (考核).
 */
import type { AppraisalCountRow, AppraisalSource, AppraisalSubjectKind } from '#shared/appraisal-counts';
import * as store from './store.ts';

const subjectKinds: Partial<Record<store.DimensionRow['dimension'], AppraisalSubjectKind>> = { department: 'department', window: 'window', staff: 'staff' };

/**
 * The month's evaluation counts per department, window and staff member (by
 * account id), from the month's counter rows (one Query): evaluations counted
 * (deemed 满意 included, excluded ones not), good and proactive good ones, and
 * the bad reviews whose rectification fell due this month with those fixed on
 * time. A count with nothing behind it is left out, a row with nothing at all too.
 */
export const evaluationAppraisalSource: AppraisalSource = async (centerId, month) => {
  const rows = await store.monthCounters(centerId, month);
  return rows.flatMap(({ dimension, id, counters: c }): AppraisalCountRow[] => {
    const kind = subjectKinds[dimension];
    const rated = c.total ?? 0;
    const badDue = c.badDue ?? 0;
    if (!kind || (rated <= 0 && badDue <= 0)) return [];
    return [{
      subject: { kind, id },
      counts: {
        ...(rated > 0 ? { rated, good: c.good ?? 0, proactiveGood: c.proactiveGood ?? 0 } : {}),
        ...(badDue > 0 ? { badDue, badFixedOnTime: c.badFixedOnTime ?? 0 } : {}),
      },
    }];
  });
};
