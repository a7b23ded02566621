/**
 * The monthly appraisal (考核): the center's indicator table, the month's
 * scores of departments, windows and staff with their rankings, staff
 * appeals, and the public summary (counts only). The counts the indicators
 * score come from other domains (functions/shared/appraisal-counts.ts).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, text, DepartmentId, Username } from './common.ts';

const Instant = Type.String({ format: 'date-time' });

export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'yyyy-mm, in the center\'s time zone' });
export const MonthPath = Type.Object({ month: Month }, closed);
export const MonthQuery = Type.Object({ month: Month }, closed);
export const AppealPath = Type.Object({ month: Month, username: Username }, closed);

/** A count's name (functions/shared/appraisal-counts.ts); checked against the known ones field by field. */
const CountName = Type.String({ minLength: 1, maxLength: 40, description: 'One of the contract\'s counts: rated, good, proactiveGood, badDue, badFixedOnTime, warningCards, yellowCards, redCards, casesCompleted, casesOnTime, substantiatedComplaints, visitsServed' });

export const RateRule = Type.Object(
  {
    kind: Type.Literal('rate'),
    numerator: CountName,
    denominator: CountName,
    minDenominator: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Below this many in the denominator the subject is not scored on the indicator' }),
  },
  { ...closed, description: 'points = numerator / denominator × weight' },
);
export const DeductionRule = Type.Object(
  {
    kind: Type.Literal('deduction'),
    pointsPer: Type.Record(Type.String({ maxLength: 40 }), Type.Integer({ minimum: 1, maximum: 100 }), { maxProperties: 12, description: 'Points off per unit of each named count' }),
  },
  { ...closed, description: 'points = weight − Σ count × points, floored at 0; no count recorded: none of them' },
);
export const Indicator = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,39}$', maxLength: 40 }),
    name: text(60, 'Shown to staff (e.g. 好评率)'),
    weight: Type.Integer({ minimum: 1, maximum: 100 }),
    rule: Type.Union([RateRule, DeductionRule]),
  },
  closed,
);
export type Indicator = Static<typeof Indicator>;

export const IndicatorTableBody = Type.Object(
  {
    indicators: Type.Array(Indicator, { minItems: 1, maxItems: 20, description: 'Weights are whole numbers summing to 100' }),
    appealWorkingDays: Type.Integer({ minimum: 1, maximum: 30, description: 'Staff appeal their score within this many working days of publication (default 5)' }),
  },
  closed,
);
export type IndicatorTableBody = Static<typeof IndicatorTableBody>;
export const IndicatorTable = Type.Object(
  {
    ...IndicatorTableBody.properties,
    source: StringEnum(['default', 'center'] as const, 'default: the deployment\'s; center: set by the center admin'),
    updatedAt: Type.Optional(Instant),
    updatedBy: Type.Optional(Type.String()),
  },
  closed,
);
export type IndicatorTable = Static<typeof IndicatorTable>;

export const SubjectKind = StringEnum(['department', 'window', 'staff'] as const);
export const SubjectScore = Type.Object(
  {
    kind: SubjectKind,
    id: Type.String(),
    departmentIds: Type.Optional(Type.Array(DepartmentId, { description: 'A staff member\'s departments, or those a window serves, when the month closed' })),
    ranked: Type.Boolean({ description: 'False: no data on any indicator (not ranked, never first)' }),
    score: Type.Optional(Type.Number({ description: 'Out of 100, one decimal; the adjusted one after an upheld appeal' })),
    rank: Type.Optional(Type.Integer({ minimum: 1, description: 'Among the subjects of its kind; ties share a rank' })),
    points: Type.Record(Type.String(), Type.Number(), { description: 'Points per indicator scored' }),
    adjustment: Type.Optional(Type.Object({ from: Type.Number(), reason: Type.String(), by: Type.String(), at: Instant }, closed)),
  },
  closed,
);
export type SubjectScore = Static<typeof SubjectScore>;

export const ScoreSet = Type.Object(
  {
    centerId: Type.String(),
    month: Month,
    closedAt: Instant,
    closedBy: Type.String(),
    appealDue: Type.String({ format: 'date', description: 'Last day staff may appeal' }),
    indicators: Type.Array(Indicator),
    subjects: Type.Array(SubjectScore),
  },
  closed,
);
export type ScoreSet = Static<typeof ScoreSet>;

export const AppealBody = Type.Object({ month: Month, reason: text(500, 'Why the score is wrong') }, closed);
export const AppealDecisionBody = Type.Object(
  {
    upheld: Type.Boolean(),
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'The adjusted score (upheld only)' })),
    reason: text(500, 'The decision\'s reason'),
  },
  closed,
);
export const Appeal = Type.Object(
  {
    month: Month,
    username: Username,
    reason: Type.String(),
    state: StringEnum(['pending', 'upheld', 'rejected'] as const),
    filedAt: Instant,
    decision: Type.Optional(Type.Object({ reason: Type.String(), by: Type.String(), at: Instant, score: Type.Optional(Type.Number()) }, closed)),
  },
  closed,
);
export type Appeal = Static<typeof Appeal>;

const perKind = { department: Type.Integer({ minimum: 0 }), window: Type.Integer({ minimum: 0 }), staff: Type.Integer({ minimum: 0 }) };
export const PublicSummary = Type.Object(
  {
    centerId: Type.String(),
    month: Month,
    scored: Type.Object({ ...perKind }, { ...closed, description: 'Subjects scored, per kind' }),
    notRanked: Type.Object({ ...perKind }, { ...closed, description: 'Subjects without data on any indicator, per kind' }),
    bands: Type.Record(Type.String(), Type.Integer(), { description: 'Staff per score band: 90-100, 80-89, 70-79, 60-69, 0-59' }),
  },
  closed,
);
export type PublicSummary = Static<typeof PublicSummary>;
export const PublicSummaryQuery = Type.Object({ centerId: Type.Optional(Type.String({ maxLength: 64 })) }, closed);

export const ScoresQuery = Type.Object(
  { month: Month, departmentId: Type.Optional(DepartmentId) },
  { ...closed, description: 'A dept head reads their department\'s (the own one by default); supervisors and center admins all, or one department\'s' },
);
export const MyScore = Type.Object(
  { month: Month, appealDue: Type.String({ format: 'date' }), indicators: Type.Array(Indicator), score: SubjectScore, appeal: Type.Optional(Appeal) },
  closed,
);
export type MyScore = Static<typeof MyScore>;
export const AppealList = Type.Object({ items: Type.Array(Appeal) }, closed);
