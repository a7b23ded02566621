/**
 * Events of the supervision domain (source `onestop.supervision`, subject
 * `card` / cardId): a card issued on a clock threshold, appealed, and the
 * appeal's decision; 督办 orders and their replies; the center's threshold
 * settings. No personal data (an order's instructions stay on the order).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { CardId, CardLevel, CardState, ClockKind, ThresholdSettingsBody } from '../api/supervision.ts';
import { envelope } from './envelope.ts';
import { CaseNo, DepartmentId } from '../api/common.ts';

export const CardEventData = Type.Object(
  {
    cardId: CardId,
    caseNo: Type.Optional(CaseNo),
    complaintId: Type.Optional(Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' })),
    departmentId: DepartmentId,
    clock: Type.String(),
    clockKind: ClockKind,
    level: CardLevel,
    action: Type.String({ description: 'issue, or the action of the card table' }),
    fromState: Type.Optional(CardState),
    toState: CardState,
    thresholdAt: Type.String({ format: 'date-time' }),
    cardVersion: Type.Integer({ minimum: 1 }),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type CardEventData = Static<typeof CardEventData>;

export const ThresholdSettingsChangedData = Type.Object({ before: Type.Optional(ThresholdSettingsBody), after: ThresholdSettingsBody }, { additionalProperties: false });
export type ThresholdSettingsChangedData = Static<typeof ThresholdSettingsChangedData>;

export const cardEventTypes = ['CardIssued', 'CardAppealed', 'CardRevoked', 'CardUpheld', 'CardEscalated', 'CardCancelled'] as const;

export const OrderEventData = Type.Object(
  {
    orderId: Type.String(),
    caseNo: CaseNo,
    departmentId: DepartmentId,
    state: Type.String(),
    dueDate: Type.String({ format: 'date' }),
    cardId: Type.Optional(CardId),
    orderVersion: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

export const supervisionEventSchemas = {
  OrderIssued: envelope(OrderEventData),
  OrderAnswered: envelope(OrderEventData),
  ...Object.fromEntries(cardEventTypes.map((t) => [t, envelope(CardEventData)])),
  ThresholdSettingsChanged: envelope(ThresholdSettingsChangedData),
};
