import type { RouteSpec } from '#shared/route-spec';
import {
  Board, Category, CategoryBody, CategoryList, CategoryPath, ClerkTicketBody, DatePath, DayFigures, EndBody, EndedTicket, HallPath, HallTicketPath,
  IssuedTicket, PublicCategoryList, PublicTicketBody, QueueMonthFigures, QueueMonthPath, QueueMonthQuery, Ticket, TicketCodeQuery, TransferBody, WindowPath, WindowTicket,
  WindowTicketPath,
} from '#schemas/api/queue';
import { appointmentRoutes } from './appointments/routes.ts';
import { ticketTransitions, type WindowAction } from './lifecycle.ts';

const idempotent = 'Send an Idempotency-Key (≤ 64 characters) to make retries safe: the same key and body within 24 hours return the first response.';
const atWindow = 'Only a clerk assigned to the window (staff `windowIds`).';

/** The OpenAPI description of a window action, from the ticket's table. */
const describe = (action: WindowAction, what: string) => {
  const t = ticketTransitions[action];
  return `${what} From ${t.from.map((s) => `\`${s}\``).join(', ')} to \`${t.to}\`; emits \`${t.event}\`. ${atWindow} ${idempotent}`;
};

const windowAction = <const A extends WindowAction, const Id extends string>(action: A, operationId: Id, summary: string, what: string) => ({
  operationId, method: 'POST', path: `/windows/{windowId}/tickets/{ticketId}/${action}`, access: 'jwt', accountCheck: 'inline',
  summary, description: describe(action, what), params: WindowTicketPath, responses: { 200: WindowTicket },
}) as const;

export const queueRoutes = [
  {
    operationId: 'putQueueCategory', method: 'PUT', path: '/admin/queue/categories/{code}', access: 'jwt',
    summary: 'Create a queue category (排队业务类别), or replace it (If-Match): its items and the windows that call it',
    description: 'An item belongs to at most one category of the center (409 `category-conflict` names each item of another category and each unknown window).',
    params: CategoryPath, body: CategoryBody, responses: { 200: Category, 201: Category },
  },
  {
    operationId: 'listQueueCategories', method: 'GET', path: '/queue/categories', access: 'jwt',
    summary: 'The queue categories of the caller\'s center', responses: { 200: CategoryList },
  },
  {
    operationId: 'takeTicketAtCounter', method: 'POST', path: '/queue/tickets', access: 'jwt',
    summary: 'Take a ticket for a visitor at the counter (a clerk): may set 绿色通道 (`priority: green`) for the elderly, disabled or pregnant',
    description: idempotent, body: ClerkTicketBody, responses: { 201: IssuedTicket },
  },
  {
    operationId: 'callNext', method: 'POST', path: '/windows/{windowId}/call-next', access: 'jwt', accountCheck: 'inline',
    summary: 'Call the next waiting ticket of the categories this window calls (and those transferred to it): appointments, then 绿色通道, then by arrival',
    description: `409 \`nobody-waiting\` when there is none. Two windows calling at the same instant never get the same ticket. ${atWindow} ${idempotent}`,
    params: WindowPath, responses: { 200: WindowTicket },
  },
  windowAction('recall', 'recallTicket', 'Call the ticket again (重呼)', 'Up to the category\'s `callsBeforeMissed` calls in all (3 unless set); then 409 `calls-used-up`: skip it.'),
  windowAction('skip', 'skipTicket', 'Skip the ticket (过号): missed', 'On demand, or once its calls are used up.'),
  { ...windowAction('transfer', 'transferTicket', 'Transfer the ticket to another category or window: back to waiting, its priority and arrival kept', 'Only the window named (if any) calls it next.'), body: TransferBody },
  windowAction('start', 'startService', 'Start serving the ticket', 'The visitor came to the window.'),
  {
    ...windowAction('end', 'endService', 'End the service: the visit record (items served, cases taken in, the applicant when identified)', 'Publishes the visit for its evaluation (一次一评).'),
    body: EndBody, responses: { 200: EndedTicket },
  },
  {
    operationId: 'getQueueFigures', method: 'GET', path: '/queue/figures/{date}', access: 'jwt',
    summary: 'A day\'s queue figures per category and window: taken, served, waiting, missed, wait and service time p50/p90 (seconds)',
    params: DatePath, responses: { 200: DayFigures },
  },
  {
    operationId: 'getQueueMonthFigures', method: 'GET', path: '/queue-stats/{month}', access: 'jwt',
    summary: 'A month\'s queue counters for appraisal (考核) per category, window, clerk and department served: taken, served, missed, transferred, wait and service seconds (sum, count, mean)',
    description: 'Counted from the queue\'s events as they are delivered (seconds behind). Center admins and supervisors read the whole center (or `departmentId`); a department admin its own department\'s row.',
    params: QueueMonthPath, query: QueueMonthQuery, responses: { 200: QueueMonthFigures },
  },
  {
    operationId: 'listHallCategories', method: 'GET', path: '/public/hall/{centerId}/categories', access: 'public',
    summary: 'The hall\'s queue categories with their waiting counts, for kiosks', params: HallPath, responses: { 200: PublicCategoryList },
  },
  {
    operationId: 'takeTicket', method: 'POST', path: '/public/hall/{centerId}/tickets', access: 'public',
    summary: 'Take a ticket at the kiosk or on the web: for a category, or for an item (its category is found)',
    description: 'The answer carries the slip\'s 6-digit `code`, shown this once: it proves the slip (status lookup, anonymous rating).',
    params: HallPath, body: PublicTicketBody, responses: { 201: IssuedTicket },
  },
  {
    operationId: 'getHallTicket', method: 'GET', path: '/public/hall/{centerId}/tickets/{ticketId}', access: 'public', throttle: 'publicLookup',
    summary: 'A ticket\'s status and the tickets ahead, for its holder (the slip\'s code proves it; a wrong code is 404 like an unknown ticket)',
    params: HallTicketPath, query: TicketCodeQuery, responses: { 200: Ticket },
  },
  {
    operationId: 'getHallBoard', method: 'GET', path: '/public/hall/{centerId}/board', access: 'public',
    summary: 'What a hall display shows: the last 10 calls (newest first), the waiting counts per category and each window\'s state; numbers only, no personal data',
    params: HallPath, responses: { 200: Board },
  },
  ...appointmentRoutes,
] as const satisfies readonly RouteSpec[];
