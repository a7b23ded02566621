/**
 * Events of the appraisal domain (source `onestop.appraisal`): the center's
 * indicator table changed, a month closed (its scores published), a staff
 * member appealed their score and a supervisor decided. Ids, codes and
 * numbers only: the appeal's and the decision's reasons stay on the appeal.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { IndicatorTableBody, Month } from '../api/appraisal.ts';
import { closed, Username } from '../api/common.ts';
import { envelope } from './envelope.ts';

export const AppraisalIndicatorsChangedData = Type.Object({ before: IndicatorTableBody, after: IndicatorTableBody }, closed);
export type AppraisalIndicatorsChangedData = Static<typeof AppraisalIndicatorsChangedData>;

export const AppraisalMonthClosedData = Type.Object(
  {
    month: Month,
    ranked: Type.Integer({ minimum: 0, description: 'Subjects scored' }),
    notRanked: Type.Integer({ minimum: 0, description: 'Subjects without data on any indicator' }),
    appealDue: Type.String({ format: 'date' }),
  },
  closed,
);
export type AppraisalMonthClosedData = Static<typeof AppraisalMonthClosedData>;

export const AppraisalAppealData = Type.Object(
  {
    month: Month,
    username: Username,
    upheld: Type.Optional(Type.Boolean()),
    fromScore: Type.Optional(Type.Number()),
    toScore: Type.Optional(Type.Number()),
  },
  closed,
);
export type AppraisalAppealData = Static<typeof AppraisalAppealData>;

export const appraisalEventSchemas = {
  AppraisalIndicatorsChanged: envelope(AppraisalIndicatorsChangedData),
  AppraisalMonthClosed: envelope(AppraisalMonthClosedData),
  AppraisalAppealFiled: envelope(AppraisalAppealData),
  AppraisalAppealDecided: envelope(AppraisalAppealData),
};
