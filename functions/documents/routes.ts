import type { RouteSpec } from '#shared/route-spec';
import {
  ArchivePage,
  ArchivePath,
  ArchiveRecord,
  ArchiveRetrieval,
  CaseDocuments,
  CasePath,
  CertificateCheck,
  ReceiptCheck,
  ReceiptPath,
  ReceiptQuery,
  CertificateEndRequest,
  CertificatePath,
  CertificateRecord,
  DispositionProposal,
  DispositionQuery,
  DocumentPath,
  Download,
  FilePath,
  LicencePage,
  LicenceRegisterQuery,
  MaterialFile,
  Upload,
  UploadRequest,
  VerifyRequest,
} from '#schemas/api/documents';

const ifMatchHeader = (what: string) => ({ name: 'If-Match', description: `Optional: the ${what}'s ETag as read; a stale one is 412. Without it the action applies to the current version.` });

export const documentRoutes = [
  {
    operationId: 'uploadMaterial', method: 'POST', path: '/cases/{caseNo}/materials', access: 'jwt', gone: true, accountCheck: 'inline', replay: 'operation',
    summary: 'Upload a material of the checklist: a presigned PUT (content type and length fixed in its signature)',
    description: 'PDF, JPEG, PNG or OFD, at most the item\'s limit (default 20 MB). PUT the bytes to `upload.url` with exactly `upload.headers` within 15 minutes (browsers set content-length from the body themselves); ' +
      'the file is then checked (its real type from its bytes, its size, its SHA-256) and becomes `received` or `rejected` with a reason. ' +
      'By the applicant (trust level C, D for a pledged material) or a clerk of the handling department scanning at the counter (B). ' +
      '`fileName` is stored normalised (NFC, without control, format or bidi characters and path separators). ' +
      'An Idempotency-Key makes retries return the same slot with a fresh URL while it waits for its file (the same key with another body is 422 `idempotency-key-reused`; once the file was received or rejected, 422 `upload-slot-closed`).',
    headers: [{ name: 'Idempotency-Key', description: 'Client-chosen unique key of this upload, 1–64 characters [A-Za-z0-9_-]' }],
    params: CasePath, body: UploadRequest, responses: { 201: Upload },
  },
  {
    operationId: 'listCaseFiles', method: 'GET', path: '/cases/{caseNo}/materials', access: 'jwt', gone: true, accountCheck: 'inline',
    summary: 'The uploaded materials of a case and the documents issued for it, with their status, digest and trust level',
    params: CasePath, responses: { 200: CaseDocuments },
  },
  {
    operationId: 'verifyMaterial', method: 'POST', path: '/cases/{caseNo}/materials/{fileId}/verify', access: 'jwt', gone: true, accountCheck: 'inline',
    summary: 'A clerk confirms a received file against the original (窗口核验): trust level B',
    description: 'The body is empty or `{}`. The answer is the file as verified, with its ETag.',
    headers: [ifMatchHeader('file')],
    params: FilePath, body: VerifyRequest, optionalBody: true, responses: { 200: MaterialFile },
  },
  {
    operationId: 'downloadMaterial', method: 'GET', path: '/cases/{caseNo}/materials/{fileId}/download', access: 'jwt', gone: true, accountCheck: 'inline',
    summary: 'A short-lived presigned GET of a received material: the applicant and the handling staff only; every download is audited',
    params: FilePath, responses: { 200: Download },
  },
  {
    operationId: 'downloadDocument', method: 'GET', path: '/cases/{caseNo}/documents/{documentId}/download', access: 'jwt', gone: true, accountCheck: 'inline',
    summary: 'A short-lived presigned GET of an issued document (receipt, notice, certificate): the applicant and the handling staff only; audited',
    params: DocumentPath, responses: { 200: Download },
  },
  {
    operationId: 'checkCertificate', method: 'GET', path: '/public/certificates/{certificateNo}', access: 'public', throttle: 'publicLookup',
    summary: 'Check a certificate (证照核验): whether it was issued and holds today (valid, expired, revoked, cancelled, superseded), by whom, for what; the holder\'s name masked',
    description: 'The SHA-256 lets whoever holds the PDF check it is the one issued. `validUntil` is its last day (absent: 长期有效); `statusOn` the day it was revoked, cancelled or superseded, `supersededBy` the certificate that replaced it. A mistyped number (its check character) is 404 like an unknown one.',
    params: CertificatePath, responses: { 200: CertificateCheck },
  },
  {
    operationId: 'checkReceipt', method: 'GET', path: '/public/receipts/{receiptNo}', access: 'public', throttle: 'publicLookup',
    summary: 'Check an electronic receipt (电子票据查验) by its number and check code: genuine, for how much, on what day, for which item and department, and what of the charge was refunded since; nothing of the payer',
    description: 'A wrong check code is 404, as an unknown number: nothing tells one from the other. The receipt\'s PDF prints the address with both.',
    params: ReceiptPath, query: ReceiptQuery, responses: { 200: ReceiptCheck },
  },
  {
    operationId: 'listLicencesGranted', method: 'GET', path: '/public/licences', access: 'public',
    summary: 'The public register of licences granted (行政许可决定公开, 行政许可法 art. 40): a center\'s certificates, newest issue day first, with their state today',
    description: 'Each entry: the item, the issuing department, the holder (an enterprise or other organization by name, a citizen masked), the certificate number, the issue day, the last valid day and the state ' +
      '(`valid`, `expired`, `revoked`, `cancelled`, `superseded`, with `statusOn` for the last three) as the public check answers it; never the case, an ID number or why a licence ended. ' +
      'Certificates issued before the register existed are listed from their next change of state on. `nextToken` pages this list only, for the same center and item.',
    query: LicenceRegisterQuery, responses: { 200: LicencePage },
  },
  {
    operationId: 'readCertificate', method: 'GET', path: '/certificates/{certificateNo}', access: 'jwt', accountCheck: 'inline',
    summary: 'A certificate as the issuing department\'s staff read it: its state, its case, why it ended; with its ETag',
    params: CertificatePath, responses: { 200: CertificateRecord },
  },
  {
    operationId: 'revokeCertificate', method: 'POST', path: '/certificates/{certificateNo}/revoke', access: 'jwt', accountCheck: 'inline',
    summary: 'Revoke a certificate (撤销, 行政许可法 art. 69): an approver of the issuing department, with the reason and the provision; audited',
    description: 'Only a valid certificate is revoked: an expired one is 409 `certificate-expired` (cancel it instead), a revoked, cancelled or superseded one 409 `certificate-not-valid`. ' +
      'The public check answers `revoked` with the day from then on. The answer is the certificate (as GET /certificates/{certificateNo}) with its ETag.',
    headers: [ifMatchHeader('certificate'), { name: 'Idempotency-Key', description: 'Client-chosen unique key of this request, 1–64 characters [A-Za-z0-9_-]' }],
    params: CertificatePath, body: CertificateEndRequest, responses: { 200: CertificateRecord },
  },
  {
    operationId: 'cancelCertificate', method: 'POST', path: '/certificates/{certificateNo}/cancel', access: 'jwt', accountCheck: 'inline',
    summary: 'Cancel a certificate (注销, 行政许可法 art. 70): an approver of the issuing department, with the reason and the provision; audited',
    description: 'A valid or expired certificate is cancelled (an expired licence not renewed is cancelled under art. 70(1)); a revoked, cancelled or superseded one is 409 `certificate-not-valid`. ' +
      'The public check answers `cancelled` with the day from then on. The answer is the certificate (as GET /certificates/{certificateNo}) with its ETag.',
    headers: [ifMatchHeader('certificate'), { name: 'Idempotency-Key', description: 'Client-chosen unique key of this request, 1–64 characters [A-Za-z0-9_-]' }],
    params: CertificatePath, body: CertificateEndRequest, responses: { 200: CertificateRecord },
  },
  {
    operationId: 'retrieveArchive', method: 'GET', path: '/archives/{caseNo}', access: 'jwt', gone: true, accountCheck: 'inline',
    summary: 'Retrieve an archived case file (档案调阅): the manifest and short-lived presigned GETs of every object; audited',
    params: ArchivePath, responses: { 200: ArchiveRetrieval },
  },
  {
    operationId: 'listArchivesDue', method: 'GET', path: '/archives', access: 'jwt',
    summary: 'Archives whose retention ends by a date (到期档案鉴定), earliest first: the list disposition works from',
    query: DispositionQuery, responses: { 200: ArchivePage },
  },
  {
    operationId: 'proposeDisposition', method: 'POST', path: '/archives/{caseNo}/disposition', access: 'jwt', accountCheck: 'inline',
    summary: 'Propose the disposition of an archive whose retention has ended: destroy (销毁) or keep longer (继续保存)',
    description: 'Center admins propose; a supervisor other than the proposer approves. Permanent archives are never disposed, and nothing is ever deleted automatically. ' +
      'The answer is the archive record (as `archive` in GET /archives/{caseNo}) with its ETag.',
    headers: [ifMatchHeader('archive')],
    params: ArchivePath, body: DispositionProposal, responses: { 200: ArchiveRecord },
  },
  {
    operationId: 'approveDisposition', method: 'POST', path: '/archives/{caseNo}/disposition/approve', access: 'jwt', accountCheck: 'inline',
    summary: 'Approve a proposed disposition (four eyes): destroy deletes the package; retain lists it again at its new date',
    description: 'The answer is the archive record (as `archive` in GET /archives/{caseNo}) with its ETag.',
    headers: [ifMatchHeader('archive')],
    params: ArchivePath, responses: { 200: ArchiveRecord },
  },
] as const satisfies readonly RouteSpec[];
