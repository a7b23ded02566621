/** Events of the notification domain (source `onestop.notifications`, subject `case`, `appointment` or `complaint`). */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { AppointmentId } from '../api/appointments.ts';
import { Channel } from '../api/notifications.ts';
import { envelope } from './envelope.ts';
import { CaseNo, ComplaintId } from '../api/common.ts';

export const ChannelOutcome = Type.Object(
  {
    channel: Channel,
    status: Type.Union([Type.Literal('sent'), Type.Literal('skipped')]),
    to: Type.Optional(Type.String({ description: 'Masked' })),
    messageId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ChannelOutcome = Static<typeof ChannelOutcome>;

const about = {
  aboutEventId: Type.String(),
  aboutEventType: Type.String(),
  channels: Type.Array(ChannelOutcome, { minItems: 1, maxItems: 2 }),
};

/**
 * One event per notification, with what each channel did: the audit log keeps one record per message, not per channel.
 * It names what the message was about: a case, an appointment (its confirmation), or a complaint (its complainant's notices).
 */
export const NotificationSentData = Type.Union([
  Type.Object({ caseNo: CaseNo, ...about }, { additionalProperties: false }),
  Type.Object({ appointmentId: AppointmentId, ...about }, { additionalProperties: false }),
  // A complainant's notice: its channels carry no address, masked or not (the complainant's contact stays off events).
  Type.Object({ complaintId: ComplaintId, ...about }, { additionalProperties: false }),
]);
export type NotificationSentData = Static<typeof NotificationSentData>;

export const notificationEventSchema = envelope(NotificationSentData);
