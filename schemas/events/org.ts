/** Events of the org domain (source `onestop.org`): every change to the directory or the calendar. */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StaffAbsence, StaffRemovalDecision } from '../api/org.ts';
import { envelope } from './envelope.ts';

/** The state before (absent on creation) and after, for auditors' old and new values. */
export const OrgChangeData = Type.Object(
  { before: Type.Optional(Type.Record(Type.String(), Type.Unknown())), after: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: false },
);
export type OrgChangeData = Static<typeof OrgChangeData>;

export const orgEventTypes = ['CenterChanged', 'DepartmentChanged', 'WindowChanged', 'CalendarChanged', 'StaffChanged'] as const;
export type OrgEventType = (typeof orgEventTypes)[number];

export const orgEventSchemas = Object.fromEntries(orgEventTypes.map((t) => [t, envelope(OrgChangeData)])) as Record<
  OrgEventType,
  ReturnType<typeof envelope<typeof OrgChangeData>>
>;

/** The center admin decided on a person's removal from the windows (audited): the decision as recorded. */
export const StaffRemovalDecidedData = StaffRemovalDecision;
export type StaffRemovalDecidedData = Static<typeof StaffRemovalDecidedData>;
export const staffRemovalEventSchemas = { StaffRemovalDecided: envelope(StaffRemovalDecidedData) };

/** A staff member marked absent for a day, or the mark withdrawn (AB角): the absence without its reason. */
export const StaffAbsenceData = Type.Omit(StaffAbsence, ['reason']);
export type StaffAbsenceData = Static<typeof StaffAbsenceData>;
export const staffAbsenceEventSchemas = { StaffAbsenceMarked: envelope(StaffAbsenceData), StaffAbsenceCancelled: envelope(StaffAbsenceData) };
