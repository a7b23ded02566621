/**
 * Applicants (申请人): registration of citizens and enterprises, their profile,
 * and the agents (代办人) who may act for them: request and response shapes.
 * Personal data (ID numbers, phones, emails) appears unmasked only to the
 * applicant and to the staff roles shared/authorization.ts lets reveal it.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, CenterId, ItemCode, Username, ApplicantId, ApplicantKind } from './common.ts';

const Email = Type.String({ format: 'email', maxLength: 200 });
const Phone = Type.String({ pattern: '^\\+?[0-9][0-9 -]{4,23}$', maxLength: 25, description: 'Mobile or landline: 13812345678, 0731-88886666, +86 138 1234 5678' });
/** Checked by the handler (format, then check character), so the error names the exact fault. */
const IdNumber = Type.String({ minLength: 1, maxLength: 32, description: '公民身份号码, 18 characters with the MOD 11-2 check character (GB 11643)' });
const CreditCode = Type.String({ minLength: 1, maxLength: 32, description: '统一社会信用代码, 18 characters with its check character (GB 32100)' });

/** What the identity provider vouched for: how strongly, and by whom. */
export const IdentityLevel = StringEnum(['real-name', 'real-person'] as const,
  'real-name (实名): the name and number match the authoritative registry, which anyone who knows both passes; real-person (实人): the live holder proved it too (face matched to the registry photo, or the enterprise\'s electronic business licence held by its legal representative)');
export type IdentityLevel = Static<typeof IdentityLevel>;

export const Verification = Type.Object(
  {
    provider: Type.String({ description: 'The identity provider that verified the name and number' }),
    level: IdentityLevel,
    verifiedAt: Type.String({ format: 'date-time' }),
  },
  closed,
);
export type Verification = Static<typeof Verification>;

/**
 * The name, ID number or credit code (and an enterprise's legal
 * representative) are not typed in: they come from the identity provider
 * that redeems `verificationTicket`, so nobody registers a number not theirs.
 */
export const RegistrationBody = Type.Object(
  {
    verificationTicket: Type.String({ minLength: 1, maxLength: 512, description: 'The one-time ticket the identity provider\'s flow (实名认证) handed the client; redeemed once, within minutes' }),
    username: Username,
    email: Email,
    phone: Phone,
    centerId: Type.Optional(CenterId),
  },
  closed,
);
export type RegistrationBody = Static<typeof RegistrationBody>;

/**
 * The same answer whether or not the number was registered already: a new
 * account's sign-in invitation, or a notice naming the existing account, reaches the
 * person by message.
 */
export const RegistrationReceived = Type.Object(
  {
    username: Username,
    status: Type.Literal('received', { description: 'The outcome reaches the verified person by message: check your email' }),
  },
  closed,
);
export type RegistrationReceived = Static<typeof RegistrationReceived>;

/** How the applicant wants to hear about their cases (短信 / 邮件), and in which language. */
export const NotificationPreferences = Type.Object(
  {
    channels: Type.Optional(Type.Array(StringEnum(['sms', 'email'] as const), {
      maxItems: 2,
      uniqueItems: true,
      description: 'Absent (the default): one channel, SMS when the phone is a mobile number, else email. Both: every message by both. None: no messages (the case pages still show everything)',
    })),
    language: StringEnum(['zh-CN', 'en'] as const),
    events: Type.Optional(StringEnum(['milestones', 'all'] as const, 'milestones (the default): what to act on, acceptance and its promised date, the decision; all: every step of the case')),
  },
  closed,
);
export type NotificationPreferences = Static<typeof NotificationPreferences>;
/** Until an applicant chooses: the default channel, in Chinese. */
export const defaultNotificationPreferences: NotificationPreferences = { language: 'zh-CN' };

export const ProfileBody = Type.Object(
  { name: text(100), email: Email, phone: Phone, notifications: Type.Optional(NotificationPreferences) },
  { ...closed, description: 'What an applicant may change; the ID number or credit code never changes' },
);
export type ProfileBody = Static<typeof ProfileBody>;

export const Applicant = Type.Object(
  {
    applicantId: ApplicantId,
    kind: ApplicantKind,
    username: Username,
    name: Type.String(),
    email: Type.String({ description: 'Masked in staff views unless revealed' }),
    phone: Type.String({ description: 'Masked in staff views unless revealed' }),
    idNumber: Type.Optional(Type.String({ description: 'Citizens; masked in staff views unless revealed' })),
    creditCode: Type.Optional(Type.String({ description: 'Enterprises; public, never masked' })),
    legalRepresentative: Type.Optional(Type.String()),
    notifications: Type.Optional(NotificationPreferences),
    verification: Type.Optional(Type.Object(Verification.properties, { ...closed, description: 'Absent on a profile registered before registration needed a verified identity' })),
    identityReleasedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the verified holder of the number this unverified profile carried reclaimed it: the profile has no number since, and its account was disabled' })),
    registeredAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  closed,
);
export type Applicant = Static<typeof Applicant>;

export const AccountStatus = StringEnum(['active', 'disabled'] as const, 'disabled: the account\'s tokens are refused (a center administrator disables and enables it)');

/**
 * A center administrator's decision on an applicant's credit (失信): while
 * `excluded`, the applicant gets no acceptance with pledged materials (容缺受理).
 * The reason stays with the applicant for staff to read; the event names ids only.
 */
export const CreditBody = Type.Object(
  {
    excluded: Type.Boolean({ description: 'true: flag the applicant for bad credit (失信); false: lift the flag' }),
    reason: text(500, 'Why, as staff will read it'),
    basis: Type.Optional(text(200, 'The decision or list the flag rests on (e.g. the number of a court\'s list of dishonest debtors, 失信被执行人名单)')),
  },
  closed,
);
export type CreditBody = Static<typeof CreditBody>;

/** The last credit decision on an applicant, who took it and when. */
export const CreditFlag = Type.Object(
  {
    ...CreditBody.properties,
    at: Type.String({ format: 'date-time' }),
    by: Type.String({ description: 'The center administrator (user id) who decided' }),
  },
  closed,
);
export type CreditFlag = Static<typeof CreditFlag>;

/** What staff read: the profile, its account's status and its credit flag, personal data masked unless `masked` is false. */
export const StaffApplicantView = Type.Object(
  { ...Applicant.properties, status: AccountStatus, masked: Type.Boolean(), credit: Type.Optional(CreditFlag) },
  closed,
);
export type StaffApplicantView = Static<typeof StaffApplicantView>;

export const ApplicantPath = Type.Object({ applicantId: ApplicantId }, closed);
export const ApplicantReadQuery = Type.Object(
  { reveal: Type.Optional(StringEnum(['true', 'false'] as const, 'true: unmasked personal data, for the roles that may see it (the window verifying identity)')) },
  closed,
);

/**
 * Finding an applicant at the counter by the number on the card presented: a
 * POST, so the number travels in the body and never sits in a URL, an access
 * log or a browser's history.
 */
export const ApplicantLookupBody = Type.Object(
  { idNumber: Type.Optional(IdNumber), creditCode: Type.Optional(CreditCode) },
  { ...closed, description: 'Exactly one: a citizen\'s ID number or an organization\'s credit code' },
);
export type ApplicantLookupBody = Static<typeof ApplicantLookupBody>;

export const AccountActionPath = Type.Object({ applicantId: ApplicantId, action: StringEnum(['disable', 'enable'] as const) }, closed);

export const AgentScope = StringEnum(['all', 'items'] as const, 'all: every item; items: only the listed items');
const GrantStatus = StringEnum(['active', 'revoked'] as const, 'active until revoked; it holds until validUntil (center time) only');
export const AgentBody = Type.Object(
  {
    agentApplicantId: ApplicantId,
    scope: AgentScope,
    itemCodes: Type.Optional(Type.Array(ItemCode, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Required with scope items' })),
    validUntil: Type.String({ format: 'date', description: 'Last day the authorization holds (YYYY-MM-DD, center time)' }),
    notices: Type.Optional(Type.Boolean({ default: false, description: 'true: the agent also receives the messages of the covered cases, by their own channels and language (default false)' })),
  },
  closed,
);
export type AgentBody = Static<typeof AgentBody>;

/** An authorization's terms and state, as both its sides read it (the principal's agent list, the agent's principals). */
const grantTerms = {
  scope: AgentScope,
  itemCodes: Type.Optional(Type.Array(ItemCode)),
  validUntil: Type.String({ format: 'date' }),
  status: GrantStatus,
  notices: Type.Boolean({ description: 'The agent also receives the messages of the covered cases' }),
  grantedAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
};

export const AgentGrant = Type.Object(
  {
    agentApplicantId: ApplicantId,
    agentKind: ApplicantKind,
    agentName: Type.String(),
    agentIdNumber: Type.Optional(Type.String({ description: 'Masked' })),
    agentCreditCode: Type.Optional(Type.String()),
    ...grantTerms,
  },
  closed,
);
export type AgentGrant = Static<typeof AgentGrant>;
export const AgentList = Type.Object({ items: Type.Array(AgentGrant) }, closed);
export const AgentPath = Type.Object({ agentApplicantId: ApplicantId }, closed);

/**
 * What an agent sees of an applicant who authorized them (委托人): who (the
 * ID number masked, as an agent list shows an agent) and what the
 * authorization covers. The agent files for them (POST /cases with
 * `principalId`), reads and lists their covered cases, while it holds.
 */
export const Principal = Type.Object(
  {
    principalId: ApplicantId,
    kind: ApplicantKind,
    name: Type.String(),
    idNumber: Type.Optional(Type.String({ description: 'Masked' })),
    creditCode: Type.Optional(Type.String()),
    ...grantTerms,
  },
  closed,
);
export type Principal = Static<typeof Principal>;
export const PrincipalPage = Page(Principal);
export const PrincipalsQuery = Type.Object({ limit: Type.Optional(Limit), nextToken: Type.Optional(NextToken) }, closed);
