/**
 * Events of the complaints domain (source `onestop.complaints`, subject
 * `complaint` / complaintId): one per transition of the complaint table
 * (functions/complaints/lifecycle.ts), sharing one data shape, and the
 * suggestion that a staff member leave the window after substantiated
 * complaints, and the center's settings. Ids and codes only: never the complainant's name or contact,
 * and no free text (the content, reasons and replies stay on the complaint).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { closed, DepartmentId, ComplaintId, Username } from '../api/common.ts';
import { ComplaintCategory, ComplaintChannel, ComplaintSettingsBody, ComplaintState, ComplaintSubject, NotAcceptedReason } from '../api/complaints.ts';
import { thresholdEventSchema } from './cases.ts';
import { envelope } from './envelope.ts';
import { THRESHOLD_WITHDRAWN } from './threshold-types.ts';

const LocalDate = Type.String({ format: 'date' });

export const ComplaintEventData = Type.Object(
  {
    complaintId: ComplaintId,
    action: Type.String({ description: 'The action of the complaint table, or `file`' }),
    fromState: Type.Optional(ComplaintState),
    toState: ComplaintState,
    channel: ComplaintChannel,
    category: ComplaintCategory,
    subject: ComplaintSubject,
    respondentDepartmentId: Type.Optional(DepartmentId),
    departmentId: Type.Optional(DepartmentId),
    complaintVersion: Type.Integer({ minimum: 1 }),
    acceptDue: LocalDate,
    replyDue: Type.Optional(LocalDate),
    rateDue: Type.Optional(LocalDate),
    reviewDue: Type.Optional(LocalDate),
    details: Type.Object(
      {
        reason: Type.Optional(NotAcceptedReason),
        workingDays: Type.Optional(Type.Integer()),
        approved: Type.Optional(Type.Boolean()),
        substantiated: Type.Optional(Type.Boolean()),
        staffAtFault: Type.Optional(Username),
        rating: Type.Optional(Type.String()),
        byDefault: Type.Optional(Type.Boolean()),
      },
      { ...closed, description: 'What the action decided, as codes: no free text' },
    ),
  },
  closed,
);
export type ComplaintEventData = Static<typeof ComplaintEventData>;

export const StaffRemovalSuggestedData = Type.Object(
  {
    username: Username,
    year: Type.Integer({ description: 'The calendar year (center time) the substantiated complaints were counted in' }),
    substantiated: Type.Integer({ minimum: 1, description: 'Substantiated complaints against the staff member that year, this one included' }),
    threshold: Type.Integer({ minimum: 1, description: 'The center\'s setting the count reached (default 2)' }),
    complaintId: ComplaintId,
    departmentId: Type.Optional(DepartmentId),
  },
  { ...closed, description: 'For the center admin to decide whether the staff member leaves the window (调离窗口)' },
);
export type StaffRemovalSuggestedData = Static<typeof StaffRemovalSuggestedData>;

export const ComplaintSettingsChangedData = Type.Object({ before: Type.Optional(ComplaintSettingsBody), after: ComplaintSettingsBody }, closed);
export type ComplaintSettingsChangedData = Static<typeof ComplaintSettingsChangedData>;

export const complaintEventTypes = [
  'ComplaintFiled',
  'ComplaintAccepted',
  'ComplaintNotAccepted',
  'ComplaintExtensionRequested',
  'ComplaintExtensionApproved',
  'ComplaintExtensionRefused',
  'ComplaintReplied',
  'ComplaintRated',
  'ComplaintReviewRequested',
  'ComplaintReviewAnswered',
  'ComplaintClosed',
] as const;
export type ComplaintEventType = (typeof complaintEventTypes)[number];

/**
 * The complaint's clock thresholds (电子监察, DOMAIN.md's complaint row), in the
 * one data shape every clock's thresholds have (ThresholdReached, with the
 * complaintId): supervision cards them; a level whose instant moved later (an
 * extension) is withdrawn.
 */
export const complaintThresholdEventTypes = { warning: 'ComplaintDueSoon', yellow: 'ComplaintOverdue', red: 'ComplaintLongOverdue' } as const;
export const complaintThresholdDetailTypes: readonly string[] = [...Object.values(complaintThresholdEventTypes), THRESHOLD_WITHDRAWN];

export const complaintEventSchemas = {
  ...Object.fromEntries(complaintThresholdDetailTypes.map((t) => [t, thresholdEventSchema])),
  ...(Object.fromEntries(complaintEventTypes.map((t) => [t, envelope(ComplaintEventData)])) as Record<ComplaintEventType, ReturnType<typeof envelope<typeof ComplaintEventData>>>),
  StaffRemovalSuggested: envelope(StaffRemovalSuggestedData),
  ComplaintSettingsChanged: envelope(ComplaintSettingsChangedData),
};
