/**
 * Events of the queue (source `onestop.queue`, subject `ticket` / ticketId,
 * `queue_category` / code). No personal data: a ticket is its number, a
 * visitor at most an applicantId; the slip's code travels only as a hash.
 * Every ticket event carries the center's waiting counts after the change,
 * and every event at a window that window's name, so a display needs no read.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { closed, ApplicantId, CaseNo, DepartmentId, ItemCode, WindowId, CategoryCode, TicketId, TicketNo } from '../api/common.ts';
import { CategoryBody, Priority, TicketSource } from '../api/queue.ts';
import { envelope } from './envelope.ts';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ format: 'date' });

export const WaitingCounts = Type.Array(Type.Object({ categoryCode: CategoryCode, count: Type.Integer({ minimum: 0 }) }, closed), { maxItems: 26 });

const ticketFields = { ticketId: TicketId, ticketNo: TicketNo, categoryCode: CategoryCode, date: LocalDate, waiting: WaitingCounts };

export const TicketIssuedData = Type.Object(
  { ...ticketFields, priority: Priority, source: TicketSource, takenAt: Instant, ahead: Type.Integer({ minimum: 0 }), appointmentId: Type.Optional(Type.String()) },
  closed,
);
/**
 * TicketCalled and TicketRecalled: `calls` is 1 on the first call, 2 on the
 * first recall…; `waitSeconds` (taking to this call) on the ticket's first
 * call only, not on a call after a transfer: what the monthly counters add.
 */
export const TicketCalledData = Type.Object(
  { ...ticketFields, windowId: WindowId, windowName: Type.String(), calls: Type.Integer({ minimum: 1 }), calledAt: Instant, waitSeconds: Type.Optional(Type.Integer({ minimum: 0 })) },
  closed,
);
export const TicketMissedData = Type.Object({ ...ticketFields, windowId: WindowId, windowName: Type.String(), calls: Type.Integer({ minimum: 1 }), missedAt: Instant }, closed);
export const TicketTransferredData = Type.Object(
  { ...ticketFields, fromCategoryCode: CategoryCode, fromWindowId: WindowId, fromWindowName: Type.String(), toWindowId: Type.Optional(WindowId), transferredAt: Instant },
  closed,
);
export const ServiceStartedData = Type.Object({ ...ticketFields, windowId: WindowId, windowName: Type.String(), startedAt: Instant }, closed);
/** What the evaluation domain needs to open the visit's 一次一评: the code's hash lets an anonymous visitor rate with the slip. */
export const VisitEndedData = Type.Object(
  {
    ...ticketFields,
    visitId: Type.String(),
    windowId: WindowId,
    windowName: Type.String(),
    staffId: Type.String(),
    departmentIds: Type.Array(DepartmentId),
    itemCodes: Type.Array(ItemCode),
    caseNos: Type.Array(CaseNo),
    applicantId: Type.Optional(ApplicantId),
    codeHash: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'base64url SHA-256 of `<ticketId>:<code>`' }),
    calledAt: Instant,
    startedAt: Instant,
    endedAt: Instant,
  },
  closed,
);
export type VisitEndedData = Static<typeof VisitEndedData>;
export const CategoryChangedData = Type.Object(
  { before: Type.Optional(Type.Object(CategoryBody.properties, closed)), after: Type.Object(CategoryBody.properties, closed) },
  closed,
);

export const queueEventSchemas = {
  TicketIssued: envelope(TicketIssuedData),
  TicketCalled: envelope(TicketCalledData),
  TicketRecalled: envelope(TicketCalledData),
  TicketMissed: envelope(TicketMissedData),
  TicketTransferred: envelope(TicketTransferredData),
  ServiceStarted: envelope(ServiceStartedData),
  VisitEnded: envelope(VisitEndedData),
  QueueCategoryChanged: envelope(CategoryChangedData),
};
export type QueueEventType = keyof typeof queueEventSchemas;
export type QueueEventData = {
  TicketIssued: Static<typeof TicketIssuedData>;
  TicketCalled: Static<typeof TicketCalledData>;
  TicketRecalled: Static<typeof TicketCalledData>;
  TicketMissed: Static<typeof TicketMissedData>;
  TicketTransferred: Static<typeof TicketTransferredData>;
  ServiceStarted: Static<typeof ServiceStartedData>;
  VisitEnded: VisitEndedData;
  QueueCategoryChanged: Static<typeof CategoryChangedData>;
};
