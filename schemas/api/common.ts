import * as Type from '@sinclair/typebox/type';
import type { Static, TSchema } from '@sinclair/typebox';

/**
 * A closed set of strings as a plain JSON Schema `enum`: validation errors then
 * name the allowed values once, where a union of literals would report one
 * error per alternative.
 */
export const StringEnum = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** Objects reject fields they do not declare (unknown fields are an error, not ignored). */
export const closed = { additionalProperties: false } as const;

/** A non-empty string bounded in length. */
export const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

/** The roles of DESIGN §8: Cognito groups, carried in `cognito:groups`. */
export const userRoles = ['applicant', 'clerk', 'approver', 'dept_admin', 'dept_head', 'center_admin', 'supervisor', 'auditor', 'finance'] as const;
export type UserRole = (typeof userRoles)[number];

/**
 * Systems that call the API as themselves (OAuth client credentials, nobody
 * signed in), each role with the one scope its app client is granted: the
 * 12345 hotline (政务服务便民热线) files complaints it took by phone.
 */
export const serviceRoles = { hotline: { scopeName: 'complaints.file' } } as const;
/** The user pool's resource server of those scopes: a token carries `onestop/<scopeName>`. */
export const SERVICE_SCOPE_SERVER = 'onestop';
export type ServiceRole = keyof typeof serviceRoles;
export const serviceRoleNames = Object.keys(serviceRoles) as ServiceRole[];

/** RFC 9457 problem details, with field-level errors for validation failures. */
export const FieldError = Type.Object(
  {
    path: Type.String({ description: 'JSON Pointer into the request: /body/content/name, /query/limit, /headers/if-match' }),
    code: Type.String({ description: 'Machine-readable reason: required, unknown_field, enum, maxLength, …' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri', description: 'The rule broken: one of the problem types listed in the API description (https://onestop.example.gov.cn/problems/<slug>); tolerate types you do not know' }),
    title: Type.String({ description: 'The type\'s title in the response\'s Content-Language (zh-CN by default, en on Accept-Language: en)' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String({ description: 'What happened in this case, for people (same language as title)' })),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    traceId: Type.String({ description: 'The request id; quote it when reporting a problem' }),
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { additionalProperties: false },
);
export type Problem = Static<typeof Problem>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextToken: Type.Optional(Type.String()) }, { additionalProperties: false });

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 25, description: 'Page size 1–100, default 25' });
export const NextToken = Type.String({
  minLength: 1, maxLength: 2048, pattern: '^[A-Za-z0-9_-]+$',
  description: 'Opaque and encrypted; valid for 24 hours, only with the operation, center and filters of the page that returned it',
});

// Identifiers and terms several domains' schemas share: here, so that naming one does not bring in (and build) the whole schema module of the domain that owns it.

export const ApplicantId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', minLength: 26, maxLength: 26, description: 'ULID' });

export const ApplicantKind = StringEnum(['citizen', 'enterprise'] as const, 'citizen: a natural person (自然人); enterprise: a legal person or other organization (法人)');
export type ApplicantKind = Static<typeof ApplicantKind>;

export const CaseNo = Type.String({
  pattern: '^[0-9A-Z]{2,12}-[0-9]{8}-[0-9]{5,9}$',
  maxLength: 32,
  description: 'Case number (办件编号): center code, acceptance-office date (YYYYMMDD), daily sequence',
});

export const MaterialId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', maxLength: 40 });

export const ItemCode = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9-]{2,63}$',
  maxLength: 64,
  description: 'Unique item code (GB/T 39554.1-2020 style), letters, digits and dashes',
});

export const DepartmentId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,47}$', maxLength: 48 });

export const CenterId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,47}$', maxLength: 48 });

export const ServiceMode = StringEnum(['immediate', 'promised', 'joint', 'escalated'] as const, '即办件 / 承诺件 / 联办件 / 上报件. Clients must tolerate values they do not know.');
export type ServiceMode = Static<typeof ServiceMode>;

export const SpecialProcedure = Type.Object(
  {
    kind: StringEnum(['hearing', 'tendering', 'auction', 'inspection', 'testing', 'quarantine', 'appraisal', 'expert_review'] as const),
    name: text(100, 'e.g. 现场核查'),
    maxWorkingDays: Type.Integer({ minimum: 1, maximum: 365 }),
    countsTowardLimit: Type.Boolean({ description: 'false: the clock is suspended while it runs (行政许可法 art. 45)' }),
    charged: Type.Boolean(),
    legalBasis: Type.Optional(text(300)),
  },
  closed,
);

export const WindowId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', maxLength: 32 });

export const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$', maxLength: 64, description: 'Sign-in name, lower case' });

export const CategoryCode = Type.String({ pattern: '^[A-Z]$', maxLength: 1, description: 'One capital letter: the prefix of the category\'s ticket numbers (A001…)' });

export const TicketId = Type.String({ pattern: '^[0-9]{8}-[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 35, description: 'The day of the ticket (YYYYMMDD) and a ULID' });

export const TicketNo = Type.String({ pattern: '^[A-Z][0-9]{3,5}$', maxLength: 6, description: 'What the slip and the displays show: the category\'s letter and the day\'s sequence, e.g. A001' });

export const TicketCode = Type.String({ pattern: '^[0-9]{6}$', maxLength: 6, description: 'The 6-digit code printed on the slip: proves the slip (status lookup, anonymous rating)' });

export const ComplaintId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 26, description: 'ULID' });
