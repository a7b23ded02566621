/**
 * Events of the documents domain (source `onestop.documents`): a material's
 * upload checked, a document issued, a privileged read of a stored file, a
 * case archived, its package supplemented (the delivery), an archive's
 * disposition, a certificate not issued in time, a certificate revoked,
 * cancelled or superseded, a certificate's renewal due.
 * Subjects are cases, so each lands in its case's audit chain. No personal
 * data: files are named by id and digest.
 */
import * as Type from '@sinclair/typebox/type';
import type { Static } from '@sinclair/typebox';
import { StringEnum, closed, CaseNo, MaterialId, ItemCode } from '../api/common.ts';
import { CertificateNo, CertificateStatus, DocumentId, DocumentKind, FileId, RetentionClass, TrustLevel, UploadType } from '../api/documents.ts';
import { ThresholdReached } from '../api/supervision.ts';
import { envelope } from './envelope.ts';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const MaterialCheckedData = Type.Object(
  {
    caseNo: CaseNo,
    fileId: FileId,
    materialId: MaterialId,
    declaredType: UploadType,
    size: Type.Integer(),
    sha256: Sha256,
    detectedType: Type.String(),
    trustLevel: TrustLevel,
    rejection: Type.Optional(Type.Object({ code: Type.String(), reason: Type.String() }, closed)),
  },
  closed,
);
export type MaterialCheckedData = Static<typeof MaterialCheckedData>;

export const MaterialVerifiedData = Type.Object({ caseNo: CaseNo, fileId: FileId, materialId: MaterialId, trustLevel: Type.Literal('B') }, closed);

export const DocumentIssuedData = Type.Object(
  {
    caseNo: CaseNo,
    documentId: DocumentId,
    kind: DocumentKind,
    sha256: Sha256,
    size: Type.Integer(),
    certificateNo: Type.Optional(CertificateNo),
    causedBy: Type.String({ description: 'The eventId of the case event the document answers' }),
  },
  closed,
);

/** A privileged read: a stored file or an archive handed out through presigned GETs. */
export const DocumentRetrievedData = Type.Object(
  {
    caseNo: CaseNo,
    what: StringEnum(['material', 'document', 'archive'] as const),
    id: Type.String({ description: 'fileId, documentId, or the archive location' }),
    sha256: Sha256,
  },
  closed,
);

export const CaseArchivedData = Type.Object(
  {
    caseNo: CaseNo,
    location: Type.String(),
    manifestSha256: Sha256,
    retentionClass: RetentionClass,
    retainUntil: Type.Optional(Type.String({ format: 'date' })),
    objects: Type.Integer(),
  },
  closed,
);

/**
 * A sealed package completed after its seal (the delivery, 送达): the
 * supplement's object beside the package, chained to the manifest by its digest.
 */
export const ArchiveSupplementedData = Type.Object(
  {
    caseNo: CaseNo,
    kind: StringEnum(['delivery'] as const),
    path: Type.String({ description: 'Relative to the package' }),
    sha256: Sha256,
    size: Type.Integer(),
    previousManifestSha256: Sha256,
    causedBy: Type.String({ description: 'The eventId of the case event it records' }),
  },
  closed,
);

export const ArchiveDispositionData = Type.Object(
  {
    caseNo: CaseNo,
    action: StringEnum(['destroy', 'retain'] as const),
    step: StringEnum(['proposed', 'approved', 'destroyed'] as const, 'destroyed: the package and the working copies are deleted'),
    retainUntil: Type.Optional(Type.String({ format: 'date' })),
  },
  closed,
);

/**
 * A certificate ended (证照状态变更): revoked (撤销) or cancelled (注销) by an
 * approver with the reason and the provision, or superseded by the
 * certificate of a renewal or change. `on` is the center's day.
 */
export const CertificateStatusChangedData = Type.Object(
  {
    caseNo: CaseNo,
    certificateNo: CertificateNo,
    status: CertificateStatus,
    on: Type.String({ format: 'date' }),
    reason: Type.Optional(Type.String()),
    legalBasis: Type.Optional(Type.String()),
    supersededBy: Type.Optional(CertificateNo),
  },
  closed,
);

/**
 * A certificate's holder is to be reminded to apply for its renewal (延续,
 * 行政许可法 art. 50): 30 days before the last day to apply (the item's
 * `renewalApplyDays`, default 30, before it expires), once,
 * while it is valid (the renewal watcher, functions/documents/renewal-watch.ts).
 * No personal data: the notifications consumer finds the holder from the certificate.
 */
export const CertificateRenewalDueData = Type.Object(
  {
    caseNo: CaseNo,
    certificateNo: CertificateNo,
    itemCode: ItemCode,
    itemName: Type.String(),
    validUntil: Type.String({ format: 'date', description: 'The certificate\'s last valid day' }),
    applyBy: Type.Optional(Type.String({ format: 'date', description: 'The last day to apply for the renewal (art. 50)' })),
  },
  closed,
);
export type CertificateRenewalDueData = Static<typeof CertificateRenewalDueData>;
export const CERTIFICATE_RENEWAL_DUE = 'CertificateRenewalDue';
export const certificateRenewalDueSchema = envelope(CertificateRenewalDueData);

/**
 * The e-licence clock's threshold (the licence watcher, functions/documents/licence-watch.ts):
 * an approved case's certificate not issued within the working days the
 * supervision settings allow after closure; a clock threshold like the cases
 * domain's (clock and clockKind `e_licence`, level `yellow`), so supervision cards it.
 */
export const CERTIFICATE_NOT_ISSUED = 'CertificateNotIssued';

export const documentEventSchemas = {
  MaterialReceived: envelope(MaterialCheckedData),
  MaterialRejected: envelope(MaterialCheckedData),
  MaterialVerified: envelope(MaterialVerifiedData),
  DocumentIssued: envelope(DocumentIssuedData),
  DocumentRetrieved: envelope(DocumentRetrievedData),
  CaseArchived: envelope(CaseArchivedData),
  ArchiveSupplemented: envelope(ArchiveSupplementedData),
  ArchiveDisposition: envelope(ArchiveDispositionData),
  CertificateStatusChanged: envelope(CertificateStatusChangedData),
  [CERTIFICATE_RENEWAL_DUE]: certificateRenewalDueSchema,
  [CERTIFICATE_NOT_ISSUED]: envelope(ThresholdReached),
} as const;

export interface DocumentEventData {
  MaterialReceived: MaterialCheckedData;
  MaterialRejected: MaterialCheckedData;
  MaterialVerified: Static<typeof MaterialVerifiedData>;
  DocumentIssued: Static<typeof DocumentIssuedData>;
  DocumentRetrieved: Static<typeof DocumentRetrievedData>;
  CaseArchived: Static<typeof CaseArchivedData>;
  ArchiveSupplemented: Static<typeof ArchiveSupplementedData>;
  ArchiveDisposition: Static<typeof ArchiveDispositionData>;
  CertificateStatusChanged: Static<typeof CertificateStatusChangedData>;
  CertificateRenewalDue: CertificateRenewalDueData;
  CertificateNotIssued: ThresholdReached;
}
