/**
 * Electronic supervision (电子监察): the thresholds that turn a clock into a
 * warning, a yellow or a red card (DOMAIN.md's table, Hunan practice), the
 * cards and their states, appeals, 督办 orders and the monthly figures.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, CaseNo, CenterId, DepartmentId } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
/** A complaint's id (ULID): the subject of a complaint's clock, in place of a case number. */
const ComplaintRef = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 26, description: 'The complaint (投诉) the clock is about, instead of a case' });
const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone' });
const days = (maximum: number, description: string) => Type.Integer({ minimum: 0, maximum, description });

export const cardLevels = ['warning', 'yellow', 'red'] as const;
export const CardLevel = StringEnum(cardLevels, '预警 / 黄牌 / 红牌');
export type CardLevel = Static<typeof CardLevel>;

/** The clocks a card can be about: one row each of the card table. */
export const clockKinds = ['case', 'special_procedure', 'pre_review', 'notice', 'delivery', 'order', 'e_licence', 'complaint'] as const;
export const ClockKind = StringEnum(
  clockKinds,
  'case: 办理时限 (promised, statutory); special_procedure: 特别程序; pre_review: 网上预审; notice: the last day of the 5-day notice period (art. 32, events only); delivery: 送达 (art. 44, events only); order: 督办 reply; e_licence: 电子证照 issued after closure; complaint: 投诉 acceptance and reply (clock accept or reply)',
);
export type ClockKind = Static<typeof ClockKind>;

// ---------------------------------------------------------------------------
// Thresholds (per center; the table's values are the defaults)

export const ThresholdSettingsBody = Type.Object(
  {
    case: Type.Object(
      { warningWorkingDays: days(10, 'Warning this many working days before the promised limit (default 2); yellow past the promised, red past the statutory limit') },
      closed,
    ),
    specialProcedure: Type.Object(
      {
        warningWorkingDays: days(10, 'Warning this many working days before the procedure\'s expected end (default 2)'),
        yellowOverdueWorkingDays: days(30, 'Yellow when overdue by more than this (default 0)'),
        redOverdueWorkingDays: days(30, 'Red when overdue by more than this (default 1); more than the yellow\'s'),
      },
      closed,
    ),
    preReview: Type.Object(
      {
        dueWorkingDays: Type.Integer({ minimum: 1, maximum: 10, description: 'An online application is pre-reviewed within (default 2)' }),
        warningOverdueWorkingDays: days(30, 'Warning when overdue by more than this (default 0)'),
        yellowOverdueWorkingDays: days(30, 'Yellow when overdue by more than this (default 3); more than the warning\'s'),
        redOverdueWorkingDays: days(30, 'Red when overdue by more than this (default 5); more than the yellow\'s'),
      },
      closed,
    ),
    order: Type.Object(
      { yellowOverdueWorkingDays: days(30, 'A 督办 order not answered by its due date: yellow when overdue by more than this (default 0)') },
      closed,
    ),
    // Optional: settings stored before the row existed, and clients that do not send it, keep the table's value.
    eLicence: Type.Optional(Type.Object(
      { overdueAfterWorkingDays: days(30, 'The certificate of an approved case is issued within this many working days of closure (default 3); yellow from the day after') },
      { ...closed, description: 'Absent: the default' },
    )),
  },
  closed,
);
export type ThresholdSettingsBody = Static<typeof ThresholdSettingsBody>;

export const ThresholdSettings = Type.Object(
  {
    ...ThresholdSettingsBody.properties,
    source: StringEnum(['default', 'center'] as const, 'default: the card table\'s values; center: set by a supervisor or center admin'),
    version: Type.Integer({ minimum: 0, description: 'Send it back in If-Match to change the settings (0 while the defaults apply)' }),
    updatedAt: Type.Optional(Instant),
    updatedBy: Type.Optional(Type.String()),
  },
  { ...closed, description: 'Apply to thresholds computed from the moment they are set' },
);
export type ThresholdSettings = Static<typeof ThresholdSettings>;

// ---------------------------------------------------------------------------
// Clock threshold events (published by the domain that owns the clock)

const HandlerIds = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 20,
  description: 'The staff (user ids) who had acted on the case when the threshold came (承办人); absent when nobody had taken it yet',
});

export const ThresholdReached = Type.Object(
  {
    caseNo: Type.Optional({ ...CaseNo, description: 'The case the clock is about; absent for a complaint\'s clock' }),
    complaintId: Type.Optional(ComplaintRef),
    departmentId: DepartmentId,
    clock: Type.String({ description: 'The clock within its subject: case, special_procedure:<n>, pre_review, delivery, e_licence; a complaint\'s accept or reply' }),
    clockKind: ClockKind,
    level: CardLevel,
    thresholdAt: Instant,
    due: LocalDate,
    overdueWorkingDays: Type.Optional(Type.Integer({ minimum: 0 })),
    provisional: Type.Optional(Type.Literal(true)),
    handlerIds: Type.Optional(HandlerIds),
  },
  closed,
);
export type ThresholdReached = Static<typeof ThresholdReached>;

// ---------------------------------------------------------------------------
// Cards

export const cardStates = ['issued', 'pending', 'revoked', 'upheld', 'escalated', 'cancelled'] as const;
export const CardState = StringEnum(
  cardStates,
  '已发 / 申诉待决 / 撤销 / 维持 / 督办 / 取消 (clock withdrawn for a legal reason). Clients must tolerate values they do not know.',
);
export type CardState = Static<typeof CardState>;

export const CardId = Type.String({
  pattern: '^([0-9A-Z]{2,12}-[0-9]{8}-[0-9]{5,9}|[0-9A-HJKMNP-TV-Z]{26})~[a-z_]{3,20}(~[0-9A-Z]{1,26})?~(warning|yellow|red)$',
  maxLength: 96,
  description: '<caseNo>~<clock>~<level>, or <complaintId>~<clock>~<level>: one card per clock and level (clock: case, special_procedure~<n>, pre_review, order~<orderId>; a complaint\'s accept, reply)',
});

const Appeal = Type.Object(
  {
    reason: Type.String(),
    evidence: Type.Array(Type.String()),
    by: Type.String(),
    at: Instant,
    decision: Type.Optional(StringEnum(['revoked', 'returned', 'escalated'] as const)),
    decidedBy: Type.Optional(Type.String()),
    decidedAt: Type.Optional(Instant),
    note: Type.Optional(Type.String()),
  },
  closed,
);

export const Card = Type.Object(
  {
    cardId: CardId,
    caseNo: Type.Optional({ ...CaseNo, description: 'The case the card is about; absent on a complaint\'s card' }),
    complaintId: Type.Optional(ComplaintRef),
    departmentId: DepartmentId,
    clock: Type.String(),
    clockKind: ClockKind,
    level: CardLevel,
    state: CardState,
    thresholdAt: Instant,
    issuedAt: Instant,
    due: LocalDate,
    overdueWorkingDays: Type.Optional(Type.Integer({ minimum: 0 })),
    handlerIds: Type.Optional(HandlerIds),
    appeal: Type.Optional(Appeal),
    version: Type.Integer({ minimum: 1 }),
    updatedAt: Instant,
  },
  closed,
);
export type Card = Static<typeof Card>;
export const CardPage = Page(Card);

export const CardListQuery = Type.Object(
  {
    departmentId: Type.Optional(DepartmentId),
    staffId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The cards of cases this staff member (user id) handles; clerks and approvers may name only themselves' })),
    level: Type.Optional(CardLevel),
    state: Type.Optional(StringEnum(['open', ...cardStates] as const, 'open: issued, pending or escalated (the default)')),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);
export type CardListQuery = Static<typeof CardListQuery>;

export const AppealBody = Type.Object(
  {
    reason: text(1000, 'Why the card is wrong (the clock was stopped, the delay was the applicant\'s…)'),
    evidence: Type.Array(text(500), { maxItems: 10, description: 'References to supporting records (document ids, notice numbers)' }),
  },
  closed,
);
export type AppealBody = Static<typeof AppealBody>;

export const AppealDecisionBody = Type.Object(
  {
    decision: StringEnum(['revoked', 'returned', 'escalated'] as const, 'revoked: the card leaves the figures; returned: the card stands (upheld); escalated: 督办'),
    note: text(1000),
  },
  closed,
);
export type AppealDecisionBody = Static<typeof AppealDecisionBody>;

// ---------------------------------------------------------------------------
// The supervision history of a case

export const CaseSupervision = Type.Object({ caseNo: CaseNo, cards: Type.Array(Card) }, closed);
export type CaseSupervision = Static<typeof CaseSupervision>;

// ---------------------------------------------------------------------------
// Paths, figures and the wall

export const CardPath = Type.Object({ cardId: CardId }, closed);
export const SupervisionMonthPath = Type.Object({ month: Type.String({ pattern: '^20[0-9]{2}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'YYYY-MM' }) }, closed);
export const PublicSupervisionQuery = Type.Object({ centerId: Type.Optional(CenterId) }, closed);

export const SupervisionCounts = Type.Object(
  {
    warning: Type.Integer({ minimum: 0, description: 'Warnings standing (issued and not revoked)' }),
    yellow: Type.Integer({ minimum: 0 }),
    red: Type.Integer({ minimum: 0 }),
    issued: Type.Integer({ minimum: 0, description: 'Cards issued, revoked ones included' }),
    revoked: Type.Integer({ minimum: 0 }),
    upheld: Type.Integer({ minimum: 0 }),
    escalated: Type.Integer({ minimum: 0 }),
    cancelled: Type.Integer({ minimum: 0, description: 'Cards whose threshold was withdrawn (the limit moved later, e.g. the official calendar replaced a provisional year)' }),
    completed: Type.Integer({ minimum: 0, description: 'Cases closed (办结) in the period' }),
    completedOnTime: Type.Integer({ minimum: 0, description: 'Of them, decided by the promised limit' }),
    completedLate: Type.Integer({ minimum: 0, description: 'Of them, decided after the promised limit (a case whose limit was never dated is neither)' }),
    latenessWorkingDays: Type.Integer({ minimum: 0, description: 'Working days past the promised limit, summed over the late cases' }),
    onTimeRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: '按时办结率: completedOnTime / (completedOnTime + completedLate), to 4 places; absent with no dated case closed' })),
    meanLatenessWorkingDays: Type.Optional(Type.Number({ minimum: 0, description: 'Working days past the promised limit, averaged over the late cases, to 2 places; absent with none late' })),
  },
  closed,
);
export type SupervisionCounts = Static<typeof SupervisionCounts>;

export const SupervisionFigures = Type.Object(
  {
    centerId: CenterId,
    month: Type.String(),
    center: SupervisionCounts,
    departments: Type.Array(Type.Object({ departmentId: DepartmentId, counts: SupervisionCounts }, closed)),
    staff: Type.Array(Type.Object({ staffId: Type.String(), counts: SupervisionCounts }, closed), {
      description: 'Per handler (承办人): the cards of the cases each handled, and the cases each had handled when they closed',
    }),
  },
  closed,
);
export type SupervisionFigures = Static<typeof SupervisionFigures>;

export const PublicSupervisionSummary = Type.Object({ centerId: CenterId, month: Type.String(), center: SupervisionCounts }, { ...closed, description: 'Counts only (监察公示)' });
export type PublicSupervisionSummary = Static<typeof PublicSupervisionSummary>;

export const WallCard = Type.Object(
  {
    cardId: CardId,
    caseNo: Type.Optional(CaseNo),
    complaintId: Type.Optional(ComplaintRef),
    departmentId: DepartmentId,
    departmentName: Type.Optional(Type.String({ description: 'The department\'s public name (进驻部门), as the hall shows it' })),
    clockKind: ClockKind,
    level: CardLevel,
    state: CardState,
    issuedAt: Instant,
    due: LocalDate,
  },
  closed,
);
export const WallView = Type.Object(
  {
    centerId: CenterId,
    centerName: Type.Optional(Type.String({ description: 'The center\'s public name, once its profile is set' })),
    date: LocalDate,
    generatedAt: Instant,
    today: SupervisionCounts,
    month: SupervisionCounts,
    openCards: Type.Array(WallCard, { description: 'The newest 50 open cards: case number (or complaint id), department, level; no personal data' }),
  },
  closed,
);
export type WallView = Static<typeof WallView>;

// ---------------------------------------------------------------------------
// 督办 orders

export const OrderId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 26, description: 'ULID' });
export const OrderPath = Type.Object({ orderId: OrderId }, closed);
export const orderStates = ['open', 'answered'] as const;
export const OrderState = StringEnum(orderStates, '待答复 / 已答复. Clients must tolerate values they do not know.');

export const OrderBody = Type.Object(
  {
    caseNo: CaseNo,
    cardId: Type.Optional({ ...CardId, description: 'The card the order follows up, if any: one of the case\'s' }),
    instructions: text(1000, 'What the department must do (督办事项)'),
    dueDate: { ...LocalDate, description: 'The department replies by this day (center time zone); today or later' },
  },
  closed,
);
export type OrderBody = Static<typeof OrderBody>;

export const OrderReplyBody = Type.Object({ reply: text(2000, 'What the department did') }, closed);
export type OrderReplyBody = Static<typeof OrderReplyBody>;

export const Order = Type.Object(
  {
    orderId: OrderId,
    caseNo: CaseNo,
    cardId: Type.Optional(CardId),
    departmentId: DepartmentId,
    instructions: Type.String(),
    dueDate: LocalDate,
    state: OrderState,
    issuedBy: Type.String(),
    issuedAt: Instant,
    overdueAt: Type.String({ format: 'date-time', description: 'When an unanswered order becomes a yellow card (the thresholds\' order row)' }),
    reply: Type.Optional(Type.Object({ text: Type.String(), by: Type.String(), at: Instant }, closed)),
    version: Type.Integer({ minimum: 1 }),
    updatedAt: Instant,
  },
  closed,
);
export type Order = Static<typeof Order>;
export const OrderPage = Page(Order);

export const OrderListQuery = Type.Object(
  {
    departmentId: Type.Optional(DepartmentId),
    state: Type.Optional(OrderState),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);
