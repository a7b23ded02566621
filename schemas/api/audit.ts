/** The auditors' view of the audit log (审计日志). */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page } from './common.ts';
import { Actor, Subject } from '../events/envelope.ts';

const CalendarDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone (Asia/Shanghai)' });

export const ListAuditEventsQuery = Type.Object(
  {
    from: CalendarDate,
    to: CalendarDate,
    subjectType: Type.Optional(Subject.properties.type),
    subjectId: Type.Optional(Subject.properties.id),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  { additionalProperties: false },
);
export type ListAuditEventsQuery = Static<typeof ListAuditEventsQuery>;

export const AuditRecord = Type.Object(
  {
    eventId: Type.String(),
    centerId: Type.String(),
    occurredAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time' }),
    source: Type.String(),
    action: Type.String({ description: 'The event\'s detail-type' }),
    result: Type.Literal('success'),
    actor: Actor,
    subject: Subject,
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type AuditRecord = Static<typeof AuditRecord>;

export const AuditRecordPage = Page(AuditRecord);
