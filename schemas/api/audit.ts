/** The auditors' view of the audit log (审计日志): records, exports and daily digests. */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum } from './common.ts';
import { Actor, Subject } from '../events/envelope.ts';

const date = (description = 'YYYY-MM-DD in the center\'s time zone (Asia/Shanghai)') => Type.String({ format: 'date', description });
const CalendarDate = date();
const sha256 = (description = 'SHA-256, lower-case hex') => Type.String({ pattern: '^[0-9a-f]{64}$', description });
const Sha256 = sha256();

export const ListAuditEventsQuery = Type.Object(
  {
    from: Type.Optional(date('First day (by occurredAt, center time). Required unless caseNo or a subject is given.')),
    to: Type.Optional(date('Last day, inclusive. Center-wide, actor and type lists span at most 92 days.')),
    subjectType: Type.Optional(Type.String({ pattern: Subject.properties.type.pattern, maxLength: 32, description: 'The subject\'s type (case, applicant, item, staff…); with subjectId' })),
    subjectId: Type.Optional(Subject.properties.id),
    caseNo: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Records of one case (its chain), oldest first' })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Records of one actor (user id / sub)' })),
    type: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$', maxLength: 64, description: 'Records of one event type (detail-type), e.g. CaseAccepted' })),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  { additionalProperties: false },
);
export type ListAuditEventsQuery = Static<typeof ListAuditEventsQuery>;

export const AuditRecord = Type.Object(
  {
    eventId: Type.String(),
    centerId: Type.String(),
    chain: Type.String({ description: 'The subject\'s chain, `<subjectType>#<subjectId>` (`case#<caseNo>` for a case); records written before per-subject chains: `center#<centerId>#<YYYY-MM-DD>` (the recording day)' }),
    seq: Type.Integer({ minimum: 1, description: 'Position in the chain, from 1' }),
    prevHash: sha256('hash of the previous record of the chain (64 zeros for the first)'),
    hash: sha256('SHA-256 of prevHash + the canonical JSON (sorted keys) of this record without `hash`'),
    occurredAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time', description: 'When the log received the event; its center-local day is the record\'s day' }),
    source: Type.String({ description: 'The domain that emitted the event, `onestop.<domain>`' }),
    action: Type.String({ description: 'The event\'s detail-type' }),
    result: Type.Literal('success', { description: 'Events record what happened: always success' }),
    actor: Actor,
    subject: Subject,
    oldValue: Type.Optional(Type.Unknown({ description: 'The value before the change, where the event carries it' })),
    newValue: Type.Optional(Type.Unknown({ description: 'The value after the change, where the event carries it' })),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type AuditRecord = Static<typeof AuditRecord>;

export const AuditRecordPage = Page(AuditRecord);

export const exportFormats = ['ndjson', 'csv'] as const;

export const ExportAuditQuery = Type.Object(
  {
    from: date('First recording day (center time)'),
    to: date('Last recording day, inclusive; at most 92 days after from'),
    format: StringEnum(exportFormats, 'ndjson (verifiable with `npm run audit:verify`) or csv (for spreadsheets)'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'Records per page 1–1000, default 1000' })),
    nextToken: Type.Optional(NextToken),
  },
  { additionalProperties: false },
);
export type ExportAuditQuery = Static<typeof ExportAuditQuery>;

/** The first line of an NDJSON export: what it covers, so the verifier knows which digests must match. */
export const ExportHeader = Type.Object(
  {
    format: Type.Literal('onestop-audit-export/1'),
    centerId: Type.String(),
    from: CalendarDate,
    to: CalendarDate,
    exportedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ExportHeader = Static<typeof ExportHeader>;

export const ExportPage = Type.String({
  description:
    'ndjson: on the first page an ExportHeader line, then one AuditRecord per line; csv: on the first page a header row, then one row per record. ' +
    'Records come by recording day, then chain, then position. When more follow, the `x-next-token` response header holds the nextToken of the next page; ' +
    'the pages concatenated are the whole export.',
});

export const DigestParams = Type.Object({ date: CalendarDate }, { additionalProperties: false });

export const DigestChain = Type.Object(
  {
    chain: Type.String(),
    firstSeq: Type.Integer({ minimum: 1, description: 'The chain\'s first position recorded that day' }),
    lastSeq: Type.Integer({ minimum: 1, description: 'Its head at the end of the day' }),
    lastHash: Sha256,
  },
  { additionalProperties: false },
);
export type DigestChain = Static<typeof DigestChain>;

/** A day's digest of one center, as written to `digests/<centerId>/<date>.json` in the Object-Locked audit bucket. */
export const AuditDigest = Type.Object(
  {
    format: Type.Literal('onestop-audit-digest/1'),
    centerId: Type.String(),
    date: CalendarDate,
    sealedBefore: Type.String({ format: 'date-time', description: 'Covers the records recorded before this instant on that day' }),
    createdAt: Type.String({ format: 'date-time' }),
    recordCount: Type.Integer({ minimum: 0 }),
    chains: Type.Array(DigestChain, { description: 'Every chain that received records that day, with its head; sorted by chain' }),
    previous: Type.Union([Type.Null(), Type.Object({ date: CalendarDate, sha256: Sha256 }, { additionalProperties: false })], {
      description: 'The center\'s previous digest: its date and the SHA-256 of its canonical JSON (signature included); null for the first',
    }),
    signing: Type.Object(
      {
        algorithm: Type.Literal('ECDSA_SHA_256'),
        keyId: Type.String({ description: 'The KMS key ARN, or `local:<fingerprint>` for the local cloud\'s key' }),
        publicKey: Type.Optional(Type.String({ description: 'SPKI PEM of the local key (KMS digests omit it: fetch it from KMS)' })),
      },
      { additionalProperties: false },
    ),
    signature: Type.String({ description: 'base64 DER ECDSA P-256 signature over the canonical JSON of the digest without `signature`' }),
  },
  { additionalProperties: false },
);
export type AuditDigest = Static<typeof AuditDigest>;
