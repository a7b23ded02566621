/**
 * The indicator table in force in a center: the center admin's own (PUT
 * /appraisal/indicators), else the deployment's default. The default follows
 * common service-center practice: satisfaction (好评率) 40, on-time
 * completion (按时办结率) 25, rectification of bad reviews (差评整改率) 15, and
 * 20 for discipline (监察与投诉), less 2 per warning card, 5 per yellow card,
 * 10 per red card and 5 per substantiated complaint. Pure.
 */
import type { IndicatorTableBody } from '#schemas/api/appraisal';
import type { Item } from '#shared/db';

export const defaultTable: IndicatorTableBody = {
  indicators: [
    { id: 'satisfaction', name: '好评率', weight: 40, rule: { kind: 'rate', numerator: 'good', denominator: 'rated', minDenominator: 5 } },
    { id: 'onTime', name: '按时办结率', weight: 25, rule: { kind: 'rate', numerator: 'casesOnTime', denominator: 'casesCompleted', minDenominator: 5 } },
    { id: 'rectification', name: '差评整改率', weight: 15, rule: { kind: 'rate', numerator: 'badFixedOnTime', denominator: 'badDue', minDenominator: 1 } },
    { id: 'discipline', name: '监察与投诉', weight: 20, rule: { kind: 'deduction', pointsPer: { warningCards: 2, yellowCards: 5, redCards: 10, substantiatedComplaints: 5 } } },
  ],
  appealWorkingDays: 5,
};

/** The table stored on the item (the API only writes valid ones), else the default. */
export function tableOf(item: Item | undefined): IndicatorTableBody {
  if (!item || !Array.isArray(item.indicators)) return defaultTable;
  return { indicators: item.indicators as IndicatorTableBody['indicators'], appealWorkingDays: Number(item.appealWorkingDays ?? defaultTable.appealWorkingDays) };
}
