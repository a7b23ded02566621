/**
 * Events of the evaluation domain (source `onestop.evaluation`, subject
 * `evaluation` / evaluationId): one per transition of the evaluation table
 * (functions/evaluation/lifecycle.ts), sharing one data shape, plus the
 * center's settings. The rater is named by applicantId only (so that the
 * notification domain can reach them): never by name, and the comment stays
 * on the evaluation item.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { ApplicantId } from '../api/applicants.ts';
import { CaseNo } from '../api/cases.ts';
import { DepartmentId, ItemCode } from '../api/catalog.ts';
import { EvaluationId, EvaluationState, EvaluationType, IndicatorSet, Indicators, Level, SettingsBody } from '../api/evaluation.ts';
import { WindowId } from '../api/org.ts';
import { envelope } from './envelope.ts';

const LocalDate = Type.String({ format: 'date' });

export const EvaluationEventData = Type.Object(
  {
    evaluationId: EvaluationId,
    type: EvaluationType,
    indicatorSet: IndicatorSet,
    action: Type.String({ description: 'The action of the evaluation table, or `invite`' }),
    fromState: Type.Optional(EvaluationState),
    toState: EvaluationState,
    departmentId: DepartmentId,
    caseNo: Type.Optional(CaseNo),
    itemCode: Type.Optional(ItemCode),
    windowId: Type.Optional(WindowId),
    // The rater, by id only.
    applicantId: ApplicantId,
    evaluationVersion: Type.Integer({ minimum: 1 }),
    rateBy: Type.Optional(LocalDate),
    rating: Type.Optional(Level),
    indicators: Type.Optional(Indicators),
    proactive: Type.Optional(Type.Boolean()),
    badReview: Type.Optional(Type.Boolean()),
    callBackDue: Type.Optional(LocalDate),
    rectificationDue: Type.Optional(LocalDate),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'The action\'s input (call-back, measures, appeal, decision…) without free-text comments of the rater' }),
  },
  { additionalProperties: false },
);
export type EvaluationEventData = Static<typeof EvaluationEventData>;

export const EvaluationSettingsChangedData = Type.Object(
  { before: Type.Optional(SettingsBody), after: SettingsBody },
  { additionalProperties: false },
);
export type EvaluationSettingsChangedData = Static<typeof EvaluationSettingsChangedData>;

export const evaluationEventTypes = [
  'EvaluationInvited',
  'EvaluationSubmitted',
  'EvaluationDefaulted',
  'ReturnVisitDone',
  'RectificationDone',
  'FixRated',
  'EvaluationAppealed',
  'AppealDecided',
] as const;
export type EvaluationEventType = (typeof evaluationEventTypes)[number];

export const evaluationEventSchemas = {
  ...(Object.fromEntries(evaluationEventTypes.map((t) => [t, envelope(EvaluationEventData)])) as Record<
    EvaluationEventType,
    ReturnType<typeof envelope<typeof EvaluationEventData>>
  >),
  EvaluationSettingsChanged: envelope(EvaluationSettingsChangedData),
};
