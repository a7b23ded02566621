/**
 * The queue's counts for the monthly appraisal (考核): visits served (叫号服务)
 * per window, staff member (by account id) and department served, from the
 * month's counter rows (one Query). A row that served nobody is left out.
 */
import type { AppraisalSource, AppraisalSubjectKind } from '#shared/appraisal-counts';
import type { Dimension } from './rules.ts';
import * as store from './store.ts';

const subjectKinds: Partial<Record<Dimension, AppraisalSubjectKind>> = { window: 'window', staff: 'staff', department: 'department' };

export const queueAppraisalSource: AppraisalSource = async (centerId, month) =>
  (await store.monthRows(centerId, month)).flatMap(({ dimension, id, counters }) => {
    const kind = subjectKinds[dimension];
    const served = counters.served ?? 0;
    return kind && served > 0 ? [{ subject: { kind, id }, counts: { visitsServed: served } }] : [];
  });
