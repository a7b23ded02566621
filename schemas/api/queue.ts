/**
 * The hall's queue (排队叫号): categories (排队业务类别), tickets (取号), calling
 * at a window (叫号), visits, today's figures and the public board. Nothing
 * here carries personal data a hall display could show: a ticket is its number.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, text, ApplicantId, CaseNo, CenterId, DepartmentId, ItemCode, WindowId, CategoryCode, TicketId, TicketNo, TicketCode } from './common.ts';
import { DEFAULT_CALLS_BEFORE_MISSED } from './queue-defaults.ts';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone' });

export const Priority = StringEnum(['appointment', 'green', 'normal'] as const, 'Called in this order, then by arrival: a checked-in appointment (预约), 绿色通道 (the elderly, disabled, pregnant), everyone else');
export type Priority = Static<typeof Priority>;
export const TicketStatus = StringEnum(['waiting', 'called', 'serving', 'ended', 'missed'] as const, 'Clients must tolerate values they do not know');
export type TicketStatus = Static<typeof TicketStatus>;
export const TicketSource = StringEnum(['kiosk', 'web', 'clerk', 'appointment'] as const);
export type TicketSource = Static<typeof TicketSource>;

export const CallsBeforeMissed = Type.Integer({
  minimum: 1, maximum: 5, default: DEFAULT_CALLS_BEFORE_MISSED,
  description: 'Calls a ticket of the category gets (the first and its recalls) before it can only be skipped (过号); 3 when not given',
});

const Audit = { updatedAt: Instant, updatedBy: Type.String({ description: 'Account id (sub) of the administrator' }) };

export const CategoryBody = Type.Object(
  {
    name: text(50, 'e.g. 市场主体登记'),
    itemCodes: Type.Array(ItemCode, { maxItems: 40, uniqueItems: true, description: 'The items this category takes tickets for; an item belongs to at most one category of the center' }),
    windowIds: Type.Array(WindowId, { minItems: 1, maxItems: 30, uniqueItems: true, description: 'The windows that call this category' }),
    callsBeforeMissed: Type.Optional(CallsBeforeMissed),
  },
  closed,
);
export type CategoryBody = Static<typeof CategoryBody>;
export const Category = Type.Object({ code: CategoryCode, ...CategoryBody.properties, ...Audit }, closed);
export type Category = Static<typeof Category>;
export const CategoryList = Type.Object({ items: Type.Array(Category) }, closed);
export const CategoryPath = Type.Object({ code: CategoryCode }, closed);

const WaitingCount = Type.Object({ code: CategoryCode, name: Type.String(), waiting: Type.Integer({ minimum: 0 }) }, closed);
export const PublicCategoryList = Type.Object({ centerId: CenterId, date: LocalDate, items: Type.Array(WaitingCount) }, closed);

export const HallPath = Type.Object({ centerId: CenterId }, closed);
export const HallTicketPath = Type.Object({ centerId: CenterId, ticketId: TicketId }, closed);
export const TicketCodeQuery = Type.Object({ code: TicketCode }, closed);

export const PublicTicketBody = Type.Object(
  {
    categoryCode: Type.Optional(CategoryCode),
    itemCode: Type.Optional(ItemCode),
    source: Type.Optional(StringEnum(['kiosk', 'web'] as const, 'Where the ticket is taken; kiosk by default')),
  },
  { ...closed, description: 'The category, or an item whose category is meant (one of the two)' },
);
export type PublicTicketBody = Static<typeof PublicTicketBody>;
export const ClerkTicketBody = Type.Object(
  {
    categoryCode: PublicTicketBody.properties.categoryCode,
    itemCode: PublicTicketBody.properties.itemCode,
    priority: Type.Optional(StringEnum(['green', 'normal'] as const, 'green: 绿色通道, set by the clerk for the elderly, disabled or pregnant')),
    applicantId: Type.Optional(ApplicantId),
  },
  { ...closed, description: PublicTicketBody.description },
);
export type ClerkTicketBody = Static<typeof ClerkTicketBody>;

/** A ticket as its holder (the slip, the kiosk) sees it. */
export const Ticket = Type.Object(
  {
    ticketId: TicketId,
    ticketNo: TicketNo,
    categoryCode: CategoryCode,
    date: LocalDate,
    priority: Priority,
    status: TicketStatus,
    takenAt: Instant,
    ahead: Type.Integer({ minimum: 0, description: 'Waiting tickets that will be called before this one' }),
    estimatedWaitSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Median service time of today\'s ended services of the category × ahead ÷ its windows; null before the first' }),
    windowId: Type.Optional(WindowId),
    windowName: Type.Optional(Type.String()),
  },
  closed,
);
export type Ticket = Static<typeof Ticket>;
/** The answer to taking a ticket: the ticket with the code printed on its slip (shown this once). */
export const IssuedTicket = Type.Object({ ...Ticket.properties, code: TicketCode }, closed);
export type IssuedTicket = Static<typeof IssuedTicket>;

/** A ticket as the clerk at the window works it. */
export const WindowTicket = Type.Object(
  {
    ticketId: TicketId,
    ticketNo: TicketNo,
    categoryCode: CategoryCode,
    date: LocalDate,
    priority: Priority,
    status: TicketStatus,
    source: TicketSource,
    takenAt: Instant,
    calls: Type.Integer({ minimum: 0 }),
    windowId: Type.Optional(WindowId),
    calledAt: Type.Optional(Instant),
    startedAt: Type.Optional(Instant),
    endedAt: Type.Optional(Instant),
    missedAt: Type.Optional(Instant),
    applicantId: Type.Optional(ApplicantId),
    appointmentId: Type.Optional(Type.String()),
    transferredTo: Type.Optional(Type.Object({ categoryCode: Type.Optional(CategoryCode), windowId: Type.Optional(WindowId) }, closed)),
    visitId: Type.Optional(Type.String()),
  },
  closed,
);
export type WindowTicket = Static<typeof WindowTicket>;

export const WindowPath = Type.Object({ windowId: WindowId }, closed);
export const WindowTicketPath = Type.Object({ windowId: WindowId, ticketId: TicketId }, closed);

export const TransferBody = Type.Object(
  { categoryCode: Type.Optional(CategoryCode), windowId: Type.Optional(WindowId) },
  { ...closed, description: 'Another category, or one window that calls it next (at least one)' },
);
export type TransferBody = Static<typeof TransferBody>;

export const EndBody = Type.Object(
  {
    itemCodes: Type.Array(ItemCode, { maxItems: 20, uniqueItems: true, description: 'The items served' }),
    caseNos: Type.Array(CaseNo, { maxItems: 20, uniqueItems: true, description: 'The cases taken in (收件)' }),
    applicantId: Type.Optional(ApplicantId),
  },
  closed,
);
export type EndBody = Static<typeof EndBody>;

export const Visit = Type.Object(
  {
    visitId: Type.String({ description: 'ULID' }),
    ticketId: TicketId,
    ticketNo: TicketNo,
    windowId: WindowId,
    staffId: Type.String({ description: 'Account id (sub) of the clerk who served' }),
    departmentIds: Type.Optional(Type.Array(DepartmentId)),
    itemCodes: Type.Array(ItemCode),
    caseNos: Type.Array(CaseNo),
    applicantId: Type.Optional(ApplicantId),
    calledAt: Instant,
    startedAt: Instant,
    endedAt: Instant,
  },
  closed,
);
export type Visit = Static<typeof Visit>;
export const EndedTicket = Type.Object({ ticket: WindowTicket, visit: Visit }, closed);

const Percentiles = Type.Union([Type.Object({ p50: Type.Integer(), p90: Type.Integer() }, closed), Type.Null()], { description: 'Seconds; null with no sample' });
const Counts = {
  served: Type.Integer({ minimum: 0 }),
  missed: Type.Integer({ minimum: 0 }),
  waitSeconds: Percentiles,
  serviceSeconds: Percentiles,
};
export const CategoryFigures = Type.Object({ code: CategoryCode, taken: Type.Integer({ minimum: 0 }), waiting: Type.Integer({ minimum: 0 }), ...Counts }, closed);
export type CategoryFigures = Static<typeof CategoryFigures>;
export const WindowFigures = Type.Object({ windowId: WindowId, called: Type.Integer({ minimum: 0 }), ...Counts }, closed);
export type WindowFigures = Static<typeof WindowFigures>;
export const DayFigures = Type.Object(
  {
    centerId: Type.String(),
    date: LocalDate,
    categories: Type.Array(CategoryFigures, { description: 'Wait: taking to first call; service: start to end' }),
    windows: Type.Array(WindowFigures),
  },
  closed,
);
export type DayFigures = Static<typeof DayFigures>;
export const DatePath = Type.Object({ date: LocalDate }, closed);

export const WindowState = StringEnum(['idle', 'calling', 'serving'] as const, 'calling: a ticket called and not yet started; serving: a visit in progress');
export type WindowState = Static<typeof WindowState>;
const BoardWindow = Type.Object(
  { windowId: WindowId, windowName: Type.String(), state: WindowState, ticketNo: Type.Optional({ ...TicketNo, description: 'While calling or serving only' }) },
  closed,
);
export type BoardWindow = Static<typeof BoardWindow>;

export const Board = Type.Object(
  {
    centerId: CenterId,
    date: LocalDate,
    calls: Type.Array(Type.Object({ ticketNo: TicketNo, windowId: WindowId, windowName: Type.String(), calledAt: Instant }, closed), { description: 'The last 10 calls, newest first' }),
    waiting: Type.Array(Type.Object({ categoryCode: CategoryCode, name: Type.String(), count: Type.Integer({ minimum: 0 }) }, closed)),
    windows: Type.Array(BoardWindow, { description: 'The windows that call the center\'s categories, by id: what each shows now' }),
  },
  closed,
);
export type Board = Static<typeof Board>;

const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7, description: 'YYYY-MM: the month (center time) of the tickets\' days' });
export const QueueMonthPath = Type.Object({ month: Month }, closed);
export const QueueMonthQuery = Type.Object(
  { departmentId: Type.Optional({ ...DepartmentId, description: 'Only this department\'s figures; a department admin gets the own (the primary one by default)' }) },
  closed,
);
const Seconds = Type.Object(
  { sum: Type.Integer({ minimum: 0 }), count: Type.Integer({ minimum: 0 }), mean: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'sum ÷ count, rounded; null with no sample' }) },
  closed,
);
export const QueueCounts = Type.Object(
  {
    taken: Type.Integer({ minimum: 0, description: 'Tickets taken (center and category rows only)' }),
    served: Type.Integer({ minimum: 0, description: 'Visits ended' }),
    missed: Type.Integer({ minimum: 0, description: 'Tickets skipped (过号)' }),
    transferred: Type.Integer({ minimum: 0, description: 'Transfers out (of the category or window, by the clerk)' }),
    waitSeconds: { ...Seconds, description: 'Taking to first call, counted at the first call (not on department rows)' },
    serviceSeconds: { ...Seconds, description: 'Start to end of each visit' },
  },
  closed,
);
export type QueueCounts = Static<typeof QueueCounts>;
export const QueueMonthFigures = Type.Object(
  {
    centerId: Type.String(),
    month: Month,
    center: Type.Optional({ ...QueueCounts, description: 'The whole center (absent when the answer is one department\'s)' }),
    categories: Type.Array(Type.Object({ categoryCode: CategoryCode, counts: QueueCounts }, closed)),
    windows: Type.Array(Type.Object({ windowId: WindowId, counts: QueueCounts }, closed)),
    staff: Type.Array(Type.Object({ staffId: Type.String({ description: 'Account id (sub) of the clerk' }), counts: QueueCounts }, closed)),
    departments: Type.Array(Type.Object({ departmentId: DepartmentId, counts: QueueCounts }, closed), { description: 'By the departments of the items served (else the window\'s first)' }),
  },
  { ...closed, description: 'Monthly queue counters for appraisal (考核): sums, counts and means, no percentiles; they follow each event within seconds' },
);
export type QueueMonthFigures = Static<typeof QueueMonthFigures>;
