/**
 * The case's state and clock vocabulary, apart from the case's request and
 * response shapes (cases.ts): the cases' events name them, so a function that
 * validates events builds these, not the whole case API.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed } from './common.ts';

export const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the center\'s time zone' });

export const caseStates = [
  'submitted',
  'supplement_requested',
  'accepted',
  'under_review',
  'suspended',
  'escalated',
  'approved',
  'denied',
  'completed',
  'to_pay',
  'delivered',
  'refused',
  'withdrawn',
  'terminated',
] as const;

export const CaseState = StringEnum(
  caseStates,
  '收件 / 待补正 / 已受理 / 审查中 / 特别程序中 / 已上报 / 准予 / 不予 / 办结 / 待缴费 / 已送达 / 不予受理 / 撤回 / 终止. Clients must tolerate values they do not know.',
);
export type CaseState = Static<typeof CaseState>;

export const ClockEffect = StringEnum(['start', 'suspend', 'resume', 'extend', 'stop'] as const);
export type ClockEffect = Static<typeof ClockEffect>;

export const Deadlines = Type.Object(
  {
    statutoryDue: Type.Optional(LocalDate),
    promisedDue: Type.Optional(LocalDate),
    deliveryDue: Type.Optional(LocalDate),
    provisional: Type.Optional(Type.Literal(true, {
      description: 'A deadline was counted on a provisional year (weekends and statutory holidays, no 调休): the center has not entered that year\'s official schedule; the dates are recomputed when it does',
    })),
    missingCalendarYear: Type.Optional(Type.Integer({ description: 'A deadline reaches a year for which not even a provisional schedule can be made: it is shown once the calendar has it' })),
  },
  closed,
);
export type Deadlines = Static<typeof Deadlines>;
