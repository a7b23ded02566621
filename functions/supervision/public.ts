/**
 * What other domains may use of supervision: the key of a center's threshold
 * settings and the thresholds in force, so the domain that owns a clock
 * publishes its thresholds where supervision will card them.
 */
import type { ThresholdSettings } from '#schemas/api/supervision';
import { defaultThresholds, eLicenceSetting } from '#shared/clock-rules';
import { centerPk } from '#shared/center';
import type { Item, ItemKey } from '#shared/db';

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
