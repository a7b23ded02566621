/** The delivery log of a case's notifications (通知记录), as applicants and staff read it. */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, CaseNo } from './common.ts';

export const Channel = StringEnum(['email', 'sms'] as const);

export const Delivery = Type.Object(
  {
    caseNo: CaseNo,
    eventId: Type.String({ description: 'The case event the message tells of' }),
    eventType: Type.String(),
    channel: Channel,
    status: StringEnum(['sending', 'sent', 'failed', 'skipped'] as const, 'skipped: no address for the channel, or the applicant turned it off'),
    to: Type.Optional(Type.String({ description: 'Masked address or number' })),
    language: Type.String(),
    subject: Type.String(),
    attempts: Type.Integer({ minimum: 1 }),
    messageId: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    at: Type.String({ format: 'date-time' }),
  },
  closed,
);
export type Delivery = Static<typeof Delivery>;

export const DeliveryLog = Type.Object({ items: Type.Array(Delivery) }, closed);
