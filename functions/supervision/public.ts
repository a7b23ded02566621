/**
 * What other domains may use of supervision: the key of a center's threshold
 * settings and the thresholds in force, so the domain that owns a clock
 * publishes its thresholds where supervision will card them.
 */
import type { ThresholdSettings } from '#schemas/api/supervision';
import { defaultThresholds, eLicenceSetting } from '#shared/clock-rules';
import { centerPk } from '#shared/center';
import type { Item, ItemKey } from '#shared/db';
import type { AppraisalSource, AppraisalSubject } from '#shared/appraisal-counts';
import { figuresRows } from './store.ts';

export const thresholdSettingsKey = (centerId: string): ItemKey => ({ PK: centerPk(centerId), SK: 'SUPERVISION#THRESHOLDS' });

/** The thresholds in force: the center's own once set, else the card table's (validated when written). */
export function effectiveThresholds(item: Item | undefined): ThresholdSettings {
  if (!item) return { ...defaultThresholds, source: 'default', version: 0 };
  return {
    case: item.case,
    specialProcedure: item.specialProcedure,
    preReview: item.preReview,
    order: item.order,
    eLicence: eLicenceSetting(item as ThresholdSettings),
    source: 'center',
    version: item.version,
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
  } as ThresholdSettings;
}

/**
 * Supervision's part of the monthly appraisal (考核): cards by level (revoked
 * and cancelled ones already taken off the counters) and cases completed on
 * time, per department and per handler, from the month's figures (one Query).
 */
export const supervisionAppraisalSource: AppraisalSource = async (centerId, month) => {
  const rows = await figuresRows(centerId, month);
  return rows.flatMap(({ sk, counters }) => {
    const subject = subjectOf(sk.slice(month.length + 1));
    if (!subject) return [];
    const completedOnTime = counters.completed_on_time ?? 0;
    return [{
      subject,
      counts: {
        warningCards: counters.cards_warning ?? 0,
        yellowCards: counters.cards_yellow ?? 0,
        redCards: counters.cards_red ?? 0,
        casesCompleted: completedOnTime + (counters.completed_late ?? 0),
        casesOnTime: completedOnTime,
      },
    }];
  });
};

const subjectOf = (rest: string): AppraisalSubject | undefined => {
  if (rest.startsWith('DEPT#')) return { kind: 'department', id: rest.slice('DEPT#'.length) };
  if (rest.startsWith('STAFF#')) return { kind: 'staff', id: rest.slice('STAFF#'.length) };
  return undefined;
};
