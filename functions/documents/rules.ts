/**
 * The rules of materials and issued documents, pure: who may upload and fetch
 * a case's files, in which states, the trust level (国办函〔2016〕108号) a file
 * starts with, the checks an upload must pass, and certificate numbers.
 */
import type { UpperDecision } from '#schemas/api/cases';
import type { DocumentKind, TrustLevel, UploadType } from '#schemas/api/documents';
import { msg, type Text } from '#schemas/api/problems';
import type { Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { forbidden, notFound, problem } from '#shared/errors';
import type { CaseRecord } from '../cases/public.ts';
import { typeMismatch, type Sniffed } from './content-type.ts';
import { documentsProblems } from './problems.ts';
import type { CaseState } from '#schemas/api/case-clock';

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/** Upload slots a case may have in all (received, rejected or pending): a bound on what one case can store. */
export const MAX_FILES_PER_CASE = 200;
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;

/** While a case is open its materials can still be handed in (a supplement, a pledged material, a late scan). */
const uploadStates: readonly CaseState[] = ['submitted', 'supplement_requested', 'accepted', 'under_review', 'suspended', 'escalated'];

/**
 * `forApplicant`: whether the caller stands for the case's applicant (the
 * owner, or an agent the owner authorized for its item: cases' own rule,
 * standsForApplicant, read by the handler).
 */
const hidden = (caller: Caller, forApplicant: boolean) => caller.roles.every((r) => r === 'applicant') && !forApplicant;
const noSuchCase = (c: CaseRecord) => notFound(msg(`没有办件 ${c.caseNo}。`, `No case ${c.caseNo}.`));

/** 409 once the case is closed: what was archived stays as archived. */
function assertOpen(c: CaseRecord, what: Text): void {
  if (!uploadStates.includes(c.state)) {
    throw problem(documentsProblems['case-closed-for-materials'], msg(`办件当前状态为 ${c.state}，${what.zh}。`, `The case is ${c.state}: ${what.en}.`));
  }
}

/** An upload that arrives once its case is closed (a URL issued before, used after): its package is sealed without it. */
export const caseClosed = (state: string | undefined) =>
  state !== undefined && !uploadStates.includes(state as CaseState) ? { code: 'case_closed', reason: `The case was ${state} before the file arrived.` } : undefined;

/**
 * How a material comes in: online from the applicant on the own case, or at
 * the window from a clerk of the lead department (who scans what is handed in
 * at the counter).
 */
export function uploadChannel(caller: Caller, c: CaseRecord, forApplicant: boolean): 'online' | 'window' {
  if (hidden(caller, forApplicant)) throw noSuchCase(c);
  const staff = denial(caller, 'case.materials.upload', { centerId: c.centerId, departmentIds: [c.item.departmentId] }) === undefined;
  if (!forApplicant && !staff) throw forbidden(msg('只有申请人和承办部门的窗口人员可以上传本办件的材料。', 'Only the applicant and the clerks of the handling department upload materials of this case.'));
  assertOpen(c, msg('不再收取材料', 'materials are no longer taken'));
  return forApplicant ? 'online' : 'window';
}

/**
 * Who may list and fetch a case's files and documents: the applicant and the
 * staff handling the case (lead or co-department). Supervisors see the case,
 * not the applicant's papers.
 */
export function assertMayFetch(caller: Caller, c: CaseRecord, forApplicant: boolean): void {
  if (forApplicant) return;
  if (hidden(caller, forApplicant)) throw noSuchCase(c);
  const departments = [c.item.departmentId, ...c.item.jointDepartments];
  if (departments.some((d) => denial(caller, 'case.documents.read', { centerId: c.centerId, departmentIds: [d] }) === undefined)) return;
  throw forbidden(msg('只有申请人和承办本办件的工作人员可以查看其材料和文书。', 'Only the applicant and the staff handling this case fetch its files.'));
}

/** Who may confirm, with the original in hand, that an uploaded copy is genuine (→ trust level B). */
export function assertMayVerify(caller: Caller, c: CaseRecord, forApplicant: boolean): void {
  if (hidden(caller, forApplicant)) throw noSuchCase(c);
  const why = denial(caller, 'case.materials.verify', { centerId: c.centerId, departmentIds: [c.item.departmentId] });
  if (why) throw forbidden(why);
  // A closed case's files are not re-qualified.
  assertOpen(c, msg('其材料不再核验', 'its files are no longer verified'));
}

/**
 * The trust level a file starts with: scanned at the window by a clerk → B
 * (checked against the original); uploaded online by the applicant → C
 * (original to be checked), or D for a material the applicant pledged (容缺承诺).
 */
export function initialTrustLevel(channel: 'online' | 'window', checklistStatus: string | undefined): TrustLevel {
  if (channel === 'window') return 'B';
  return checklistStatus === 'pledged' ? 'D' : 'C';
}

export interface Declared {
  readonly contentType: UploadType;
  readonly size: number;
  readonly sha256?: string;
  readonly maxBytes: number;
}

export interface Observed {
  readonly size: number;
  readonly sha256: string;
  readonly sniffed: Sniffed;
}

/** Why an uploaded object is refused (the first failed check), or undefined when it passes all. */
export function uploadRejection(declared: Declared, observed: Observed): { code: string; reason: string } | undefined {
  if (observed.size > declared.maxBytes) return { code: 'too_large', reason: `The file has ${observed.size} bytes; this item takes at most ${declared.maxBytes}.` };
  if (observed.size !== declared.size) return { code: 'size_mismatch', reason: `Declared ${declared.size} bytes, received ${observed.size}.` };
  const mismatch = typeMismatch(declared.contentType, observed.sniffed);
  if (mismatch) return mismatch;
  if (declared.sha256 && declared.sha256 !== observed.sha256) return { code: 'digest_mismatch', reason: 'The file\'s SHA-256 is not the one declared.' };
  return undefined;
}

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** ISO 7064 MOD 37,36: one check character over [0-9A-Z] that catches every single-character error (and many transpositions). */
export function mod3736(s: string): string {
  let p = 36;
  for (const ch of s) {
    const v = ALNUM.indexOf(ch);
    if (v < 0) throw new Error(`not alphanumeric: ${ch}`);
    let sum = (p + v) % 36;
    if (sum === 0) sum = 36;
    p = (sum * 2) % 37;
  }
  return ALNUM[(37 - p) % 36]!;
}

/**
 * The certificate of a case: the case number, six characters of the random
 * part of the approval event's id (so numbers cannot be enumerated from the
 * sequential case numbers; the same event gives the same number on every
 * retry) and a check character that turns a mistyped number into "no such
 * certificate".
 */
export function certificateNoOf(caseNo: string, approvalEventId: string): string {
  const body = `${caseNo.replaceAll('-', '')}${approvalEventId.slice(-6)}`;
  return `C${body}${mod3736(body)}`;
}

export function isWellFormedCertificateNo(no: string): boolean {
  const m = /^C([0-9A-Z]{19,40})([0-9A-Z])$/.exec(no);
  return m !== null && mod3736(m[1]!) === m[2];
}

/** A name as the public check shows it: the first and last characters (张*三, 李*). */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/**
 * The documents each case event may call for, in the order they are issued:
 * what the center hands the applicant at that step. A decision (art. 38) is
 * written for every grant and every denial; which of these an item gets is
 * documentKindsFor's choice. The certificate comes before the grant decision
 * that names it: a certificate that cannot be issued (the one it supersedes
 * ended meanwhile) holds the decision back with it.
 */
export const documentsOfEvent = {
  CaseAccepted: ['acceptance_receipt'],
  CaseAcceptedWithTolerance: ['acceptance_receipt'],
  CaseDeemedAccepted: ['acceptance_receipt'],
  CaseRefused: ['refusal_notice'],
  SupplementRequested: ['supplement_notice'],
  CaseApproved: ['certificate', 'grant_decision', 'forwarding_notice'],
  CaseDenied: ['denial_decision', 'forwarding_notice'],
} as const satisfies Record<string, readonly DocumentKind[]>;

/** The fees events that call for a document (fee-documents.ts), and which. */
export const documentsOfFeeEvent = { ChargeIssued: 'payment_notice', PaymentRecorded: 'fee_receipt' } as const satisfies Record<string, DocumentKind>;

/** The case event that starts the e-licence clock (licence-watch.ts): the closure, of an approved case whose result is a certificate. */
export const LICENCE_CLOCK_START = 'CaseCompleted';

type ItemOfDocuments = { readonly resultType?: string | undefined; readonly serviceMode: string };

/**
 * An escalated item (上报) is decided by the upper authority in its own name:
 * the center never issues a decision or a certificate for it, only the
 * notice telling the applicant what the upper authority decided.
 */
const issuedFor: Partial<Record<DocumentKind, (item: ItemOfDocuments) => boolean>> = {
  grant_decision: (item) => item.serviceMode !== 'escalated',
  denial_decision: (item) => item.serviceMode !== 'escalated',
  certificate: (item) => (item.resultType === 'licence' || item.resultType === 'approval_document') && item.serviceMode !== 'escalated',
  forwarding_notice: (item) => item.serviceMode === 'escalated',
};

/** The documents a case event calls for under the item the case was filed under; none for most events. */
export function documentKindsFor(detailType: string, item: ItemOfDocuments): DocumentKind[] {
  const kinds: readonly DocumentKind[] = Object.hasOwn(documentsOfEvent, detailType) ? documentsOfEvent[detailType as keyof typeof documentsOfEvent] : [];
  return kinds.filter((kind) => issuedFor[kind]?.(item) ?? true);
}

/** Whether an approval of the item comes with a certificate of the center's. */
export const issuesCertificate = (item: ItemOfDocuments) => documentKindsFor('CaseApproved', item).includes('certificate');

/**
 * What the forwarding notice (转报结果告知书) tells: the upper authority's
 * decision as recorded; for a case returned before decisions were recorded,
 * the outcome of the county's own event (`toState`, approved or denied) and
 * the authority it was escalated to, when known.
 */
export function forwardedDecision(toState: string, recorded: UpperDecision | undefined, escalatedTo: string | undefined): Partial<UpperDecision> & Pick<UpperDecision, 'outcome'> {
  if (recorded) return recorded;
  return { outcome: toState === 'approved' ? 'granted' : 'denied', ...(escalatedTo ? { authority: escalatedTo } : {}) };
}

/** A document's id: its kind and the case event it answers, so a redelivered event names the same document. */
export const documentIdOf = (kind: DocumentKind, eventId: string) => `${kind}-${eventId}`;
