/**
 * Events of the applicants domain (source `onestop.applicants`, subject
 * `applicant` / applicantId). Personal data travels masked: the full ID number
 * and phone never leave the profile item (credit codes are public).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { AgentScope, IdentityLevel } from '../api/applicants.ts';
import { StringEnum, closed, ApplicantId, ApplicantKind, ItemCode } from '../api/common.ts';
import { envelope } from './envelope.ts';

const Masked = (what: string) => Type.String({ pattern: '\\*', description: `${what}, masked` });

export const ApplicantRegisteredData = Type.Object(
  {
    applicantId: ApplicantId,
    kind: ApplicantKind,
    username: Type.String(),
    name: Type.String(),
    idNumber: Type.Optional(Masked('ID number')),
    creditCode: Type.Optional(Type.String()),
    phone: Masked('Phone'),
    verification: Type.Object({ provider: Type.String(), level: IdentityLevel }, closed),
  },
  closed,
);
export type ApplicantRegisteredData = Static<typeof ApplicantRegisteredData>;

export const ApplicantProfileChangedData = Type.Object(
  {
    applicantId: ApplicantId,
    changed: Type.Array(Type.Union([Type.Literal('name'), Type.Literal('email'), Type.Literal('phone'), Type.Literal('notifications')])),
    before: Type.Object({ name: Type.String(), phone: Masked('Phone') }, closed),
    after: Type.Object({ name: Type.String(), phone: Masked('Phone') }, closed),
  },
  closed,
);
export type ApplicantProfileChangedData = Static<typeof ApplicantProfileChangedData>;

export const AgentAuthorizedData = Type.Object(
  { applicantId: ApplicantId, agentApplicantId: ApplicantId, scope: AgentScope, itemCodes: Type.Optional(Type.Array(ItemCode)), validUntil: Type.String({ format: 'date' }) },
  closed,
);
export type AgentAuthorizedData = Static<typeof AgentAuthorizedData>;

export const AgentRevokedData = Type.Object({ applicantId: ApplicantId, agentApplicantId: ApplicantId }, closed);
export type AgentRevokedData = Static<typeof AgentRevokedData>;

export const ApplicantAccountStatusChangedData = Type.Object(
  { applicantId: ApplicantId, status: StringEnum(['active', 'disabled'] as const) },
  closed,
);
export type ApplicantAccountStatusChangedData = Static<typeof ApplicantAccountStatusChangedData>;

/**
 * A center administrator flagged an applicant for bad credit (失信) or lifted
 * the flag. Ids only: the reason and its basis are free text that may name
 * people, so they stay on the profile, where staff read them.
 */
export const ApplicantCreditFlagChangedData = Type.Object(
  { applicantId: ApplicantId, excluded: Type.Boolean({ description: 'true: no 容缺受理 for the applicant' }) },
  closed,
);
export type ApplicantCreditFlagChangedData = Static<typeof ApplicantCreditFlagChangedData>;

/**
 * The verified holder of a number took it from a profile that carried it
 * unverified (subject: that profile): the profile lost the number and its
 * account was disabled; its cases are untouched.
 */
export const ApplicantIdentityReclaimedData = Type.Object(
  {
    applicantId: ApplicantId,
    reclaimedBy: { ...ApplicantId, description: 'The verified applicant who holds the number now' },
    kind: ApplicantKind,
    provider: Type.String({ description: 'The identity provider that verified the holder' }),
    status: Type.Literal('disabled'),
  },
  closed,
);
export type ApplicantIdentityReclaimedData = Static<typeof ApplicantIdentityReclaimedData>;

/**
 * A verified person registered again while their verified profile exists
 * (subject: that profile): nothing changed; the person is told by message
 * which account holds their number.
 */
export const ApplicantRegistrationRepeatedData = Type.Object(
  { applicantId: ApplicantId, provider: Type.String() },
  closed,
);
export type ApplicantRegistrationRepeatedData = Static<typeof ApplicantRegistrationRepeatedData>;

/** A privileged read: staff saw an applicant's personal data unmasked (GET /applicants/{id}?reveal=true). */
export const PersonalDataRevealedData = Type.Object(
  {
    applicantId: ApplicantId,
    fields: Type.Array(StringEnum(['idNumber', 'phone', 'email'] as const), { minItems: 1, description: 'The personal data shown unmasked' }),
  },
  closed,
);
export type PersonalDataRevealedData = Static<typeof PersonalDataRevealedData>;

/** A privileged read: staff found an applicant by the ID number or credit code presented at the counter (POST /applicants/lookup). */
export const ApplicantLookedUpData = Type.Object(
  { applicantId: ApplicantId, by: StringEnum(['idNumber', 'creditCode'] as const, 'What the number was; never the number itself') },
  closed,
);
export type ApplicantLookedUpData = Static<typeof ApplicantLookedUpData>;

export const applicantEventSchemas = {
  ApplicantRegistered: envelope(ApplicantRegisteredData),
  ApplicantProfileChanged: envelope(ApplicantProfileChangedData),
  AgentAuthorized: envelope(AgentAuthorizedData),
  AgentRevoked: envelope(AgentRevokedData),
  ApplicantAccountStatusChanged: envelope(ApplicantAccountStatusChangedData),
  ApplicantCreditFlagChanged: envelope(ApplicantCreditFlagChangedData),
  PersonalDataRevealed: envelope(PersonalDataRevealedData),
  ApplicantLookedUp: envelope(ApplicantLookedUpData),
  ApplicantIdentityReclaimed: envelope(ApplicantIdentityReclaimedData),
  ApplicantRegistrationRepeated: envelope(ApplicantRegistrationRepeatedData),
} as const;
export type ApplicantEventType = keyof typeof applicantEventSchemas;
export interface ApplicantEventData {
  ApplicantRegistered: ApplicantRegisteredData;
  ApplicantProfileChanged: ApplicantProfileChangedData;
  AgentAuthorized: AgentAuthorizedData;
  AgentRevoked: AgentRevokedData;
  ApplicantAccountStatusChanged: ApplicantAccountStatusChangedData;
  ApplicantCreditFlagChanged: ApplicantCreditFlagChangedData;
  PersonalDataRevealed: PersonalDataRevealedData;
  ApplicantLookedUp: ApplicantLookedUpData;
  ApplicantIdentityReclaimed: ApplicantIdentityReclaimedData;
  ApplicantRegistrationRepeated: ApplicantRegistrationRepeatedData;
}
