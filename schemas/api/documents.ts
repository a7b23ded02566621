/**
 * Documents (材料、文书、证照与档案): uploads of a case's materials, the
 * documents the center issues (receipts, notices, certificates), the public
 * certificate check, and the archive (retrieval, disposition).
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { Limit, NextToken, Page, StringEnum, closed, text, CaseNo, MaterialId, CenterId, ItemCode } from './common.ts';

const Instant = Type.String({ format: 'date-time' });
const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', maxLength: 64, description: 'SHA-256 of the bytes, lowercase hex' });
const ETag = Type.String({ description: 'The version of this representation: the ETag of the responses that return it alone, for If-Match' });
export const FileId = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', minLength: 26, maxLength: 26, description: 'ULID' });
export const DocumentId = Type.String({ pattern: '^[a-z_]{3,30}-[0-9A-HJKMNP-TV-Z]{26}$', maxLength: 57 });
export const CertificateNo = Type.String({ pattern: '^C[0-9A-Z]{20,41}$', maxLength: 42, description: 'Certificate number: C, the case number without dashes, six random characters, an ISO 7064 MOD 37,36 check character' });

export const uploadTypes = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;
export const UploadType = StringEnum(uploadTypes, 'PDF, JPEG, PNG or OFD (GB/T 33190)');
export type UploadType = Static<typeof UploadType>;
export const MaterialForm = StringEnum(['original', 'copy', 'electronic'] as const, '原件 / 复印件 / 电子件');

/** 国办函〔2016〕108号: A issued by the agency, B verified by a window officer, C uploaded by the user, D made by the user under a pledge. */
export const TrustLevel = StringEnum(['A', 'B', 'C', 'D'] as const, 'A 发证机关出具 / B 窗口核验 / C 用户上传待核验 / D 用户承诺');
export type TrustLevel = Static<typeof TrustLevel>;

export const FileStatus = StringEnum(['pending', 'received', 'rejected'] as const, '待上传 / 已接收 / 已拒收. Clients must tolerate values they do not know.');

export const UploadRequest = Type.Object(
  {
    materialId: MaterialId,
    contentType: UploadType,
    size: Type.Integer({ minimum: 1, description: 'Bytes; at most the item\'s limit (default 20 MB)' }),
    sha256: Type.Optional(Sha256),
    fileName: Type.Optional(text(200, 'Stored normalised: NFC, without control, format (bidi) characters or path separators')),
    form: Type.Optional(MaterialForm),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
  },
  closed,
);
export type UploadRequest = Static<typeof UploadRequest>;

export const MaterialFile = Type.Object(
  {
    fileId: FileId,
    caseNo: CaseNo,
    materialId: MaterialId,
    materialName: Type.String(),
    status: FileStatus,
    contentType: UploadType,
    declaredSize: Type.Integer(),
    fileName: Type.Optional(Type.String()),
    form: MaterialForm,
    count: Type.Integer(),
    trustLevel: TrustLevel,
    uploadedBy: Type.String({ description: 'The account id (sub) of the uploader; the applicant reads `staff` for a clerk\'s upload' }),
    channel: StringEnum(['online', 'window'] as const, 'Uploaded online by the applicant, or scanned at the window by a clerk'),
    size: Type.Optional(Type.Integer()),
    sha256: Type.Optional(Sha256),
    detectedType: Type.Optional(Type.String({ description: 'What the bytes are, whatever the name says' })),
    rejection: Type.Optional(Type.Object({ code: Type.String(), reason: Type.String() }, closed)),
    verifiedBy: Type.Optional(Type.String({ description: 'The account id (sub) of the clerk who verified it; the applicant reads `staff`' })),
    verifiedAt: Type.Optional(Instant),
    createdAt: Instant,
    checkedAt: Type.Optional(Instant),
    etag: ETag,
  },
  closed,
);
export type MaterialFile = Static<typeof MaterialFile>;

export const Upload = Type.Object(
  {
    file: MaterialFile,
    upload: Type.Object(
      {
        method: Type.Literal('PUT'),
        url: Type.String(),
        headers: Type.Record(Type.String(), Type.String(), { description: 'Send exactly these headers: they are part of the signature' }),
        expiresAt: Instant,
      },
      closed,
    ),
  },
  closed,
);
export type Upload = Static<typeof Upload>;

export const documentKinds = ['acceptance_receipt', 'refusal_notice', 'supplement_notice', 'certificate', 'grant_decision', 'denial_decision', 'forwarding_notice', 'payment_notice', 'fee_receipt'] as const;
export const DocumentKind = StringEnum(
  documentKinds,
  '受理通知书 / 不予受理通知书 / 一次性告知书 / 证照 / 准予行政许可决定书 / 不予行政许可决定书 / 转报结果告知书 (an escalated item: the upper authority\'s decision told) / 缴款通知书 (a charge\'s payment notice) / 电子票据 (a payment\'s receipt). Clients must tolerate values they do not know.',
);
export type DocumentKind = Static<typeof DocumentKind>;

export const IssuedDocument = Type.Object(
  {
    documentId: DocumentId,
    caseNo: CaseNo,
    kind: DocumentKind,
    contentType: Type.Literal('application/pdf'),
    size: Type.Integer(),
    sha256: Sha256,
    trustLevel: Type.Literal('A'),
    certificateNo: Type.Optional(CertificateNo),
    issuedAt: Instant,
    etag: ETag,
  },
  closed,
);
export type IssuedDocument = Static<typeof IssuedDocument>;

export const CaseDocuments = Type.Object({ files: Type.Array(MaterialFile), documents: Type.Array(IssuedDocument) }, closed);

export const Download = Type.Object(
  {
    url: Type.String({ description: 'Presigned GET; short-lived' }),
    expiresAt: Instant,
    contentType: Type.String(),
    size: Type.Integer(),
    sha256: Sha256,
  },
  closed,
);

export const CasePath = Type.Object({ caseNo: CaseNo }, closed);
export const FilePath = Type.Object({ caseNo: CaseNo, fileId: FileId }, closed);
export const DocumentPath = Type.Object({ caseNo: CaseNo, documentId: DocumentId }, closed);
export const CertificatePath = Type.Object({ certificateNo: Type.String({ maxLength: 50 }) }, closed);
export const ArchivePath = Type.Object({ caseNo: CaseNo }, closed);

/** A clerk's verification says nothing but that it was done: `{}` or no body. */
export const VerifyRequest = Type.Object({}, closed);

/** What a certificate is (证照状态): `expired` is read from the date, the others are stored. Clients must tolerate values they do not know. */
export const certificateStatuses = ['valid', 'expired', 'revoked', 'cancelled', 'superseded'] as const;
export const CertificateStatus = StringEnum(certificateStatuses, '有效 / 已过期 / 已撤销 / 已注销 / 已被新证替代 (延续、变更)');
export type CertificateStatus = Static<typeof CertificateStatus>;
export type StoredCertificateStatus = Exclude<CertificateStatus, 'expired'>;
/** What can happen to a valid certificate: functions/documents/certificates.ts holds the table. */
export const certificateActions = ['revoke', 'cancel', 'supersede'] as const;
export type CertificateAction = (typeof certificateActions)[number];

const certificateFacts = {
  certificateNo: CertificateNo,
  status: CertificateStatus,
  itemCode: ItemCode,
  itemName: Type.String(),
  departmentName: Type.String(),
  centerName: Type.String(),
  holder: Type.String({ description: 'The holder as the public may read it: an enterprise\'s or other organization\'s name in full, a citizen\'s masked (张*三); certificates issued before the holder\'s kind was recorded: masked' }),
  issuedOn: LocalDate,
  validUntil: Type.Optional(Type.String({ format: 'date', description: 'The last day it is valid (有效期至); absent: valid without a time limit (长期有效)' })),
  statusOn: Type.Optional(Type.String({ format: 'date', description: 'The day it was revoked, cancelled or superseded' })),
  /** The certificate this one renewed or changed. */
  supersedes: Type.Optional(CertificateNo),
  /** The certificate that renewed or changed this one. */
  supersededBy: Type.Optional(CertificateNo),
  sha256: Sha256,
};

export const ReceiptNo = Type.String({ pattern: '^[0-9]{8}-[0-9A-HJKMNP-TV-Z]{10}$', maxLength: 19, description: 'The receipt\'s number (票据号码): the day paid and ten characters' });
export const ReceiptPath = Type.Object({ receiptNo: ReceiptNo }, closed);
export const ReceiptQuery = Type.Object({ checkCode: Type.String({ pattern: '^[0-9]{6}$', maxLength: 6, description: 'The check code printed on the receipt (校验码)' }) }, closed);

/** The public check of an electronic receipt (电子票据查验): genuine, for how much, and whether refunded since; nothing of the payer. */
export const ReceiptCheck = Type.Object(
  {
    receiptNo: ReceiptNo,
    status: StringEnum(['valid', 'partly_refunded', 'refunded'] as const, 'refunded, partly_refunded: the charge\'s revenue was given back since (冲红), in whole or in part. Clients must tolerate values they do not know.'),
    amountFen: Type.Integer({ minimum: 1, description: 'What the receipt acknowledges (integer fen, 分)' }),
    refundedFen: Type.Integer({ minimum: 0, description: 'What of the charge\'s payments was approved to go back since (integer fen)' }),
    paidOn: LocalDate,
    itemName: Type.String(),
    departmentName: Type.String(),
    centerName: Type.String(),
  },
  closed,
);
export type ReceiptCheck = Static<typeof ReceiptCheck>;

/** The public check of a certificate: enough to tell a genuine one and whether it holds today, nothing more about its holder. */
export const CertificateCheck = Type.Object(certificateFacts, closed);
export type CertificateCheck = Static<typeof CertificateCheck>;

/**
 * An entry of the public register of licences granted (行政许可法 art. 40):
 * what the certificate is and whether it holds, the holder as the law allows
 * (an organization by name, a citizen masked), never the case or why it ended.
 */
export const LicenceEntry = Type.Object(
  {
    certificateNo: CertificateNo,
    status: CertificateStatus,
    statusOn: certificateFacts.statusOn,
    itemCode: ItemCode,
    itemName: Type.String(),
    departmentName: Type.String(),
    holder: certificateFacts.holder,
    issuedOn: LocalDate,
    validUntil: certificateFacts.validUntil,
  },
  closed,
);
export type LicenceEntry = Static<typeof LicenceEntry>;
export const LicencePage = Page(LicenceEntry);

export const LicenceRegisterQuery = Type.Object(
  {
    centerId: Type.Optional({ ...CenterId, description: 'The center whose register this is; absent: the deployment\'s default center' }),
    itemCode: Type.Optional({ ...ItemCode, description: 'Only the licences of this item' }),
    limit: Type.Optional(Limit),
    nextToken: Type.Optional(NextToken),
  },
  closed,
);

/** A certificate as the issuing department's staff read it: the check, its case, and why it ended. */
export const CertificateRecord = Type.Object(
  {
    ...certificateFacts,
    caseNo: CaseNo,
    ended: Type.Optional(Type.Object(
      {
        reason: Type.String(),
        legalBasis: Type.String(),
        by: Type.String({ description: 'The account id (sub) of the approver who revoked or cancelled it' }),
        at: Instant,
      },
      { ...closed, description: 'The revocation or cancellation (a supersession is told by supersededBy)' },
    )),
    etag: ETag,
  },
  closed,
);
export type CertificateRecord = Static<typeof CertificateRecord>;

/** Revoking (撤销) or cancelling (注销) a certificate: why, and under which provision. */
export const CertificateEndRequest = Type.Object(
  {
    reason: text(500),
    legalBasis: text(200, 'The provision acted under, e.g. 《中华人民共和国行政许可法》第六十九条第一款第（一）项'),
  },
  closed,
);
export type CertificateEndRequest = Static<typeof CertificateEndRequest>;

// ---------------------------------------------------------------------------
// Archive (档案)

export const RetentionClass = StringEnum(['10y', '30y', 'permanent'] as const, '保管期限');
export type RetentionClass = Static<typeof RetentionClass>;

/**
 * What happened to a case after its package was sealed (the delivery, 送达):
 * an object beside the package that names the manifest's digest, so the
 * package and its supplements read as one chain.
 */
export const ArchiveSupplement = Type.Object(
  {
    kind: StringEnum(['delivery'] as const, '送达记录'),
    path: Type.String({ description: 'Relative to the package, e.g. supplements/delivery-<eventId>.json' }),
    sha256: Sha256,
    size: Type.Integer(),
    causedBy: Type.String({ description: 'The eventId of the case event it records' }),
    addedAt: Instant,
  },
  closed,
);
export type ArchiveSupplement = Static<typeof ArchiveSupplement>;

export const ArchiveRecord = Type.Object(
  {
    caseNo: CaseNo,
    location: Type.String({ description: 's3://bucket/prefix of the package' }),
    manifestSha256: Sha256,
    retentionClass: RetentionClass,
    retainUntil: Type.Optional(LocalDate),
    archivedAt: Instant,
    objects: Type.Integer({ description: 'Objects in the package, the manifest included' }),
    disposition: Type.Optional(
      Type.Object(
        {
          action: StringEnum(['destroy', 'retain'] as const, '销毁 / 继续保存'),
          reason: Type.String(),
          retainYears: Type.Optional(Type.Integer()),
          proposedBy: Type.String({ description: 'The account id (sub) of the center admin who proposed it' }),
          proposedAt: Instant,
          approvedBy: Type.Optional(Type.String({ description: 'The account id (sub) of the supervisor who approved it' })),
          approvedAt: Type.Optional(Instant),
        },
        closed,
      ),
    ),
    disposedAt: Type.Optional(Instant),
    supplements: Type.Optional(Type.Array(ArchiveSupplement, { description: 'Objects added to the sealed package after it was sealed, each chained to its manifest' })),
  },
  closed,
);
export type ArchiveRecord = Static<typeof ArchiveRecord>;

export const ArchiveRetrieval = Type.Object(
  {
    archive: ArchiveRecord,
    manifest: Type.Record(Type.String(), Type.Unknown()),
    objects: Type.Array(Type.Object({ path: Type.String(), sha256: Sha256, url: Type.String() }, closed)),
    expiresAt: Instant,
  },
  closed,
);

export const DispositionQuery = Type.Object(
  { dueBy: LocalDate, limit: Type.Optional(Limit), nextToken: Type.Optional(NextToken) },
  { ...closed, description: 'Archives whose retention ends on or before dueBy (permanent ones never)' },
);
export const ArchivePage = Page(ArchiveRecord);

export const DispositionProposal = Type.Object(
  {
    action: StringEnum(['destroy', 'retain'] as const),
    reason: text(500),
    retainYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'For retain: years to add' })),
  },
  closed,
);
