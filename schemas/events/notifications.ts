/** Events of the notification domain (source `onestop.notifications`, subject `case`). */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { CaseNo } from '../api/cases.ts';
import { Channel } from '../api/notifications.ts';
import { envelope } from './envelope.ts';

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

/** One event per notification, with what each channel did: the audit log keeps one record per message, not per channel. */
export const NotificationSentData = Type.Object(
  {
    caseNo: CaseNo,
    aboutEventId: Type.String(),
    aboutEventType: Type.String(),
    channels: Type.Array(ChannelOutcome, { minItems: 1, maxItems: 2 }),
  },
  { additionalProperties: false },
);
export type NotificationSentData = Static<typeof NotificationSentData>;

export const notificationEventSchema = envelope(NotificationSentData);
