/**
 * Evaluation (好差评, 国办发〔2019〕51号): the request and response shapes of
 * ratings per case (一事一评) and per window visit (一次一评), the handling of
 * bad reviews (回访, 整改, the rater's rating of the fix), appeals (申诉复核),
 * the center's settings and the satisfaction figures. The actions and their
 * states are listed in functions/evaluation/lifecycle.ts.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, ApplicantId, CaseNo, CenterId, DepartmentId, ItemCode, WindowId, TicketCode, TicketId } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const localDate = (description = 'YYYY-MM-DD in the center\'s time zone') => Type.String({ format: 'date', description });
const LocalDate = localDate();

export const evaluationStates = ['invited', 'rated', 'defaulted', 'rectifying', 'fix_to_rate', 'closed', 'appealed', 'excluded'] as const;
export const EvaluationState = StringEnum(
  evaluationStates,
  '待评价 / 已评价 / 未评默认满意 / 差评整改中 / 待评价整改 / 已办结 / 申诉复核中 / 申诉成立(不计入统计). Clients must tolerate values they do not know.',
);
export type EvaluationState = Static<typeof EvaluationState>;

export const EvaluationType = StringEnum(['case', 'window_visit'] as const, 'case: 一事一评, one per case, online; window_visit: 一次一评, one per visit to a window, on site');
export type EvaluationType = Static<typeof EvaluationType>;

/**
 * The fixed indicators (评价指标) besides overall satisfaction (the `rating`):
 * online (一事一评) and offline (一次一评, at the window) sets.
 */
export const indicatorSets = {
  online: ['efficiency', 'guideAccuracy', 'convenience', 'platformUsability'],
  offline: ['efficiency', 'serviceLevel', 'attitude'],
} as const;
export type IndicatorSetName = keyof typeof indicatorSets;
export type IndicatorName = (typeof indicatorSets)[IndicatorSetName][number];
export const IndicatorSet = StringEnum(['online', 'offline'] as const, 'online: 总体满意度, 办事效率, 指南准确性, 办事便捷度, 平台易用性; offline: 总体满意度, 办事效率, 服务水平, 服务态度');

const LEVELS = '5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意; 1–2 is a bad review (差评)';
const level = (what?: string) => Type.Integer({ minimum: 1, maximum: 5, description: what ? `${what}. ${LEVELS}` : LEVELS });
/** The five levels; 1 and 2 are bad reviews (差评). */
export const Level = level();
/** The level a rating at or below counts as a bad review. */
export const BAD_REVIEW_MAX = 2;
/** The level an evaluation not rated in time counts as (满意). */
export const DEFAULT_LEVEL = 4;

const indicatorNames = [...new Set<IndicatorName>([...indicatorSets.online, ...indicatorSets.offline])];
export const Indicators = Type.Object(
  Object.fromEntries(indicatorNames.map((n) => [n, Type.Optional(Level)])) as Record<IndicatorName, Type.TOptional<typeof Level>>,
  {
    ...closed,
    description: 'Every indicator of the evaluation\'s set (indicatorSet), each 1–5, and none of the other set: online efficiency, guideAccuracy, convenience, platformUsability; offline efficiency, serviceLevel, attitude',
  },
);
export type Indicators = Static<typeof Indicators>;

export const EvaluationId = Type.String({
  pattern: '^([0-9A-Z]{2,12}-[0-9]{8}-[0-9]{5,9}|[0-9A-HJKMNP-TV-Z]{26})$',
  maxLength: 32,
  description: 'A case\'s evaluation is addressed by its case number (一事一评); a window visit\'s by a ULID',
});

// ---------------------------------------------------------------------------
// Requests


export const RateBody = Type.Object(
  {
    rating: level('Overall satisfaction (总体满意度)'),
    indicators: Indicators,
    comment: Type.Optional(text(500, 'Required for a bad review: what went wrong')),
  },
  closed,
);
export type RateBody = Static<typeof RateBody>;

export const CallBackBody = Type.Object(
  { reached: Type.Boolean({ description: 'Whether the rater was reached' }), summary: text(1000, 'What the rater said; what was verified (回访记录)') },
  { ...closed, description: 'The call-back (回访) of a bad review by the handling department' },
);
export const RectifyBody = Type.Object(
  {
    outcome: StringEnum(['fixed', 'explained'] as const, 'fixed: 整改到位; explained: 解释说明 (the legal basis, nothing to fix)'),
    measures: text(2000, 'What was done, or the explanation given'),
  },
  { ...closed, description: 'The rectification (整改) of a bad review' },
);
export const RateFixBody = Type.Object(
  { rating: level('The rater\'s satisfaction with the rectification'), comment: Type.Optional(text(500)) },
  closed,
);
export const AppealBody = Type.Object(
  {
    reason: StringEnum(['mistaken', 'malicious'] as const, '误评 / 恶意差评'),
    statement: text(2000, 'The department\'s grounds, with what supports them'),
  },
  { ...closed, description: 'The department\'s appeal (申诉) against a bad review, decided by a supervisor' },
);
export const DecideAppealBody = Type.Object(
  { upheld: Type.Boolean({ description: 'true: the review is excluded from the figures; false: the bad review stands' }), opinion: text(1000, '复核意见') },
  closed,
);

// ---------------------------------------------------------------------------
// The evaluation as read

export const Rating = Type.Object(
  {
    rating: Level,
    indicators: Indicators,
    comment: Type.Optional(Type.String()),
    at: Instant,
    proactive: Type.Boolean({ description: 'false: not rated within the rating period, counted as 满意 (4)' }),
  },
  closed,
);

export const EvaluationTasks = Type.Object(
  {
    openedAt: Instant,
    callBack: Type.Object(
      { due: Type.Optional(LocalDate), doneAt: Type.Optional(Instant), by: Type.Optional(Type.String()), reached: Type.Optional(Type.Boolean()), summary: Type.Optional(Type.String()) },
      { ...closed, description: '回访: due one working day after the review (the center\'s setting)' },
    ),
    rectification: Type.Object(
      {
        due: Type.Optional(LocalDate),
        doneAt: Type.Optional(Instant),
        by: Type.Optional(Type.String()),
        outcome: Type.Optional(RectifyBody.properties.outcome),
        measures: Type.Optional(Type.String()),
      },
      { ...closed, description: '整改: due fifteen working days after the review (the center\'s setting)' },
    ),
  },
  { ...closed, description: 'The handling department\'s tasks on a bad review' },
);
export type EvaluationTasks = Static<typeof EvaluationTasks>;

export const Appeal = Type.Object(
  {
    reason: AppealBody.properties.reason,
    statement: Type.String(),
    by: Type.String(),
    at: Instant,
    fromState: EvaluationState,
    decision: Type.Optional(Type.Object({ upheld: Type.Boolean(), opinion: Type.String(), by: Type.String(), at: Instant }, closed)),
  },
  closed,
);

export const Rater = Type.Object(
  { applicantId: ApplicantId, name: Type.String() },
  { ...closed, description: 'The real-name rater (实名评价): shown to supervisors only' },
);
export type Rater = Static<typeof Rater>;

export const Evaluation = Type.Object(
  {
    evaluationId: EvaluationId,
    type: EvaluationType,
    indicatorSet: IndicatorSet,
    state: EvaluationState,
    version: Type.Integer({ minimum: 1 }),
    departmentId: DepartmentId,
    caseNo: Type.Optional(CaseNo),
    itemCode: Type.Optional(ItemCode),
    itemName: Type.Optional(Type.String()),
    windowId: Type.Optional(WindowId),
    invitedAt: Instant,
    ratingWorkingDays: Type.Integer({ description: 'Working days to rate before the evaluation counts as 满意' }),
    rateBy: Type.Optional(localDate('The last day to rate; absent while the calendar lacks the year it falls in')),
    missingCalendarYear: Type.Optional(Type.Integer({ description: 'A date reaches a year the center has not entered in its calendar' })),
    rating: Type.Optional(Rating),
    tasks: Type.Optional(EvaluationTasks),
    fixRating: Type.Optional(Type.Object({ rating: Level, comment: Type.Optional(Type.String()), at: Instant }, closed)),
    appeal: Type.Optional(Appeal),
    rater: Type.Optional(Rater),
    anonymous: Type.Optional(Type.Literal(true, {
      description: 'Rated with the ticket slip\'s code on the window\'s device (一次一评, no account): nobody to call back by name, and the rectification closes a bad review (nobody to rate the fix)',
    })),
    nextActions: Type.Array(Type.String(), { description: 'The actions the caller may take now (POST /evaluations/{evaluationId}/{action})' }),
    createdAt: Instant,
    updatedAt: Instant,
  },
  closed,
);
export type Evaluation = Static<typeof Evaluation>;

export const EvaluationSummary = Type.Object(
  {
    evaluationId: EvaluationId,
    type: EvaluationType,
    state: EvaluationState,
    departmentId: DepartmentId,
    caseNo: Type.Optional(CaseNo),
    itemName: Type.Optional(Type.String()),
    windowId: Type.Optional(WindowId),
    invitedAt: Instant,
    rateBy: Type.Optional(LocalDate),
    rating: Type.Optional(Level),
    nextDue: Type.Optional(localDate('The earliest open task\'s due date (bad reviews in handling)')),
    overdue: Type.Optional(Type.Boolean()),
  },
  closed,
);
export const EvaluationPage = Page(EvaluationSummary);

export const EvaluationPath = Type.Object({ evaluationId: EvaluationId }, closed);
export const MyEvaluationsQuery = Type.Object({ limit: Type.Optional(Limit), nextToken: Type.Optional(NextToken) }, closed);
export const evaluationQueues = ['bad_reviews', 'appeals'] as const;
export const EvaluationQueue = StringEnum(evaluationQueues, 'bad_reviews: 差评待回访/整改 of a department, earliest due first; appeals: 申诉待复核, oldest first');
export type EvaluationQueue = Static<typeof EvaluationQueue>;
export const EvaluationQueuePath = Type.Object({ queue: EvaluationQueue }, closed);
export const EvaluationQueueQuery = Type.Object(
  { departmentId: Type.Optional(DepartmentId), limit: Type.Optional(Limit), nextToken: Type.Optional(NextToken) },
  closed,
);

// ---------------------------------------------------------------------------
// An anonymous visitor's rating on the window's device

export const HallVisitPath = Type.Object(
  { centerId: CenterId, visitId: Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 26, description: 'The visit (ULID): its evaluation\'s id' }) },
  closed,
);
export const SlipRateBody = Type.Object(
  { ticketId: TicketId, code: TicketCode, ...RateBody.properties },
  { ...closed, description: 'The ticket slip (its id and 6-digit code) proves the visit; the rating as a signed-in rater gives it, with the offline indicators' },
);
export type SlipRateBody = Static<typeof SlipRateBody>;
export const SlipRating = Type.Object(
  { evaluationId: EvaluationId, state: EvaluationState, rating: Rating },
  { ...closed, description: 'The rating as recorded: `rectifying` for a bad review, else `rated`' },
);
export type SlipRating = Static<typeof SlipRating>;

// ---------------------------------------------------------------------------
// Settings

export const SettingsBody = Type.Object(
  {
    ratingWorkingDays: Type.Integer({ minimum: 1, maximum: 30, description: 'Not rated within these working days → counts as 满意 (default 5)' }),
    callBackWorkingDays: Type.Integer({ minimum: 1, maximum: 10, description: 'Call-back of a bad review due within (default 1)' }),
    rectificationWorkingDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Rectification of a bad review due within (default 15)' }),
  },
  closed,
);
export type SettingsBody = Static<typeof SettingsBody>;
export const Settings = Type.Object(
  {
    ...SettingsBody.properties,
    source: StringEnum(['stage', 'center'] as const, 'stage: the deployment\'s defaults; center: set by the center admin'),
    updatedAt: Type.Optional(Instant),
    updatedBy: Type.Optional(Type.String()),
  },
  { ...closed, description: 'Apply to invitations and bad reviews from the moment they are set' },
);
export type Settings = Static<typeof Settings>;

// ---------------------------------------------------------------------------
// Figures

const count = (description?: string) => Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const Count = count();
const rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
export const Figures = Type.Object(
  {
    total: count('Evaluations counted: rated, or not rated in time (counted as 满意); appeals upheld excluded'),
    proactive: count('Rated by the rater (主动评价)'),
    good: count('Rated 3–5, or counted as 满意 (好评)'),
    bad: count('Rated 1–2 (差评)'),
    proactiveGood: count('Rated 3–5 by the rater'),
    defaulted: count('Not rated in time (未评价)'),
    excluded: count('Bad reviews excluded by an upheld appeal'),
    byRating: Type.Object({ 1: Count, 2: Count, 3: Count, 4: Count, 5: Count }, closed),
    fixRated: count('Rectifications the rater rated'),
    fixGood: count('… rated 3–5'),
    goodRate: Type.Optional(rate('好评率 = good / total')),
    proactiveGoodRate: Type.Optional(rate('主动好评率 = proactiveGood / total')),
    notRatedRate: Type.Optional(rate('未评率 = defaulted / total (goodRate = proactiveGoodRate + notRatedRate)')),
  },
  { ...closed, description: 'Rates are absent when nothing was counted' },
);
export type Figures = Static<typeof Figures>;

export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'YYYY-MM: the month (center time) in which evaluations were counted' });
export const MonthPath = Type.Object({ month: Month }, closed);
export const PublicFiguresQuery = Type.Object({ centerId: Type.Optional(CenterId) }, closed);

const DepartmentFigures = Type.Object({ departmentId: DepartmentId, figures: Figures }, closed);
const WindowFigures = Type.Object({ windowId: WindowId, rank: Type.Optional(Type.Integer({ minimum: 1, description: 'By good-review rate, then by evaluations counted; absent: nothing counted (not ranked, listed last, never first)' })), figures: Figures }, closed);
const ItemFigures = Type.Object({ itemCode: ItemCode, figures: Figures }, closed);

export const MonthlyFigures = Type.Object(
  {
    centerId: Type.String(),
    month: Month,
    center: Figures,
    departments: Type.Array(DepartmentFigures),
    windows: Type.Array(WindowFigures),
    items: Type.Array(ItemFigures),
  },
  closed,
);
export type MonthlyFigures = Static<typeof MonthlyFigures>;

export const PublicFigures = Type.Object(
  { centerId: Type.String(), month: Month, center: Figures, departments: Type.Array(DepartmentFigures), windows: Type.Array(WindowFigures) },
  { ...closed, description: 'The center\'s published figures of a month (好评率, 主动好评率, 未评率, window ranking): counts only, no personal data' },
);
export type PublicFigures = Static<typeof PublicFigures>;
