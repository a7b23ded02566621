/**
 * The issuing consumer (出具文书): a case event that calls for documents —
 * acceptance, refusal, the one-time supplement notice, the decision on a
 * grant or a denial (art. 38) and, for an item whose result is one, the
 * certificate; for an escalated item the notice of the upper authority's
 * decision instead — becomes PDFs stored with the case, each with its
 * record, its certificate (when one) and DocumentIssued, in one transaction.
 * A certificate takes its case off the e-licence watch in that transaction;
 * the closure of an approved case without one puts it on (licence-watch.ts).
 *
 * Idempotent: a document's id comes from its kind and the event (a
 * redelivery finds the records of those issued before, and issues the rest);
 * the object's key carries its digest, so two concurrent deliveries never
 * leave a record pointing at bytes it does not describe.
 *
 * The fees domain's payment notices and receipts come through the same
 * consumer, from fees events (fee-documents.ts).
 *
 * Every document is signed (PAdES, the center's key: signing/) before anything
 * is written: a failed signature — KMS unavailable — fails the delivery, which
 * the consumer retries, and nothing unsigned is ever stored as issued.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { DocumentKind } from '#schemas/api/documents';
import { caseEventSchema, type CaseEventData } from '#schemas/events/cases';
import type { Department } from '#schemas/api/org';
import { requiredEnv, type Item } from '#shared/db';
import type { DomainEvent } from '#shared/events';
import { lazyImport } from '#shared/lazy-import';
import { logger } from '#shared/logger';
import { validationErrors } from '#shared/validate';
import { caseContext, queryCodeFor, type CaseRecord } from '../cases/public.ts';
import { departmentOf } from '../org/public.ts';
import { loadCjkFont } from './pdf/font.ts';
import type { AcceptanceReceipt, RefusalGround, Tolerance } from './pdf/render.ts';
import { chinaDateOf } from './pdf/text.ts';
import * as certificateStore from './certificate-store.ts';
import { DEFAULT_RENEWAL_APPLY_DAYS, RENEWAL_REMINDER_LEAD_DAYS, actionOfVariant, publicHolder, renewalApplyBy, renewalReminderAt, transition, validUntilOf } from './certificates.ts';
import { issueFeeDocument } from './fee-documents.ts';
import { watchClosure } from './licence-watch.ts';
import { materialsBucket, putObject, sha256Hex } from './objects.ts';
import { LICENCE_CLOCK_START, certificateNoOf, documentIdOf, documentKindsFor, forwardedDecision } from './rules.ts';
import * as store from './store.ts';

type CaseEvent = DomainEvent<CaseEventData>;

interface Sources {
  readonly record: CaseRecord;
  readonly centerName: string;
  readonly departmentName: string;
  readonly resultName?: string;
  /** The certificate's last day (有效期至), from the item version's validity; absent: 长期有效. */
  readonly validUntil?: string;
  /** What the item version's decisions cite. */
  readonly legalBasis: NonNullable<store.ItemSettings['legalBasis']>;
  readonly remedies?: store.ItemSettings['remedies'];
  /** The certificate the event issues besides the decision, which names it. */
  readonly issuesCertificate: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The renderer (pdf-lib and fontkit, ~700 KB of code): loaded with the first document, not at every cold start. */
const loadRenderers = lazyImport(() => import('./pdf/render.ts'));
/** The decisions' templates: with the first decision. */
const loadDecisions = lazyImport(() => import('./pdf/decision.ts'));
/** The signing (the KMS client, the CMS writer): with the first document too. */
const loadSigning = lazyImport(() => import('./signing/issuer-key.ts'));

async function render(kind: DocumentKind, e: CaseEvent, s: Sources, font: Uint8Array, certificateNo: string): Promise<Uint8Array> {
  const { renderAcceptanceReceipt, renderCertificate, renderRefusalNotice, renderSupplementNotice } = await loadRenderers();
  const c = s.record;
  const header = { centerName: s.centerName, departmentName: s.departmentName, itemName: c.item.name, caseNo: c.caseNo, applicantName: c.applicant.name, issuedAt: e.occurredAt };
  const details = e.data.details;
  switch (kind) {
    case 'acceptance_receipt':
      return renderAcceptanceReceipt(font, {
        ...header,
        receivedOn: chinaDateOf(c.receivedAt),
        acceptedOn: str(details.acceptanceDate) ?? chinaDateOf(e.occurredAt),
        ...(e.data.deadlines.promisedDue ? { promisedDue: e.data.deadlines.promisedDue } : {}),
        ...(e.data.deadlines.statutoryDue ? { statutoryDue: e.data.deadlines.statutoryDue } : {}),
        ...(e.data.deadlines.provisional ? { provisional: true } : {}),
        ...receivedAndPledged(c, details),
        ...receiptQueryCode(e),
      });
    case 'refusal_notice':
      return renderRefusalNotice(font, {
        ...header,
        reasons: (details.reasons as string[] | undefined) ?? c.refusal?.reasons ?? [],
        ...(str(details.ground) ? { ground: str(details.ground) as RefusalGround } : {}),
        ...(str(details.competentAgency) ? { competentAgency: str(details.competentAgency)! } : {}),
        ...(s.remedies ? { remedies: s.remedies } : {}),
      });
    case 'grant_decision':
      return (await loadDecisions()).renderGrantDecision(font, {
        ...header,
        ...decided(c, s),
        ...(s.issuesCertificate ? { certificate: { ...(s.resultName ? { title: s.resultName } : {}), certificateNo, ...(s.validUntil ? { validUntil: s.validUntil } : {}) } } : {}),
      });
    case 'denial_decision':
      return (await loadDecisions()).renderDenialDecision(font, { ...header, ...decided(c, s), reasons: (details.reasons as string[] | undefined) ?? c.decision?.reasons ?? [] });
    case 'forwarding_notice': {
      // Recorded with the return from escalation (returnFromEscalation); cases returned before that have none.
      const told = forwardedDecision(e.data.toState, c.escalation?.upperDecision, c.escalation?.authority);
      return (await loadDecisions()).renderForwardingNotice(font, { ...header, receivedOn: chinaDateOf(c.receivedAt), ...told });
    }
    case 'supplement_notice':
      return renderSupplementNotice(font, {
        ...header,
        noticeOn: chinaDateOf(e.occurredAt),
        materials: ((details.items as { name?: string; materialId: string; detail: string }[] | undefined) ?? []).map((i) => ({ name: i.name ?? i.materialId, reason: i.detail })),
      });
    case 'payment_notice':
    case 'fee_receipt':
      throw new Error(`a ${kind} answers a fees event (fee-documents.ts), not a case event`);
    case 'certificate':
      return renderCertificate(font, {
        ...(s.resultName ? { title: s.resultName } : {}),
        certificateNo,
        holderName: c.applicant.name,
        itemName: c.item.name,
        departmentName: s.departmentName,
        centerName: s.centerName,
        caseNo: c.caseNo,
        issuedOn: chinaDateOf(e.occurredAt),
        ...(s.validUntil ? { validUntil: s.validUntil } : {}),
        verifyUrl: `${requiredEnv('PUBLIC_BASE_URL').replace(/\/$/, '')}/public/certificates/${certificateNo}`,
      });
  }
}

/** What a decision (art. 38) says of the application and cites: dates, the item version's legal basis, the remedies' bodies. */
function decided(c: CaseRecord, s: Sources) {
  return {
    receivedOn: chinaDateOf(c.receivedAt),
    ...(c.acceptedAt ? { acceptedOn: chinaDateOf(c.acceptedAt) } : {}),
    legalBasis: s.legalBasis.map((b) => ({ title: b.title, ...(b.article ? { article: b.article } : {}) })),
    ...(s.remedies ? { remedies: s.remedies } : {}),
  };
}

/**
 * The query code the receipt prints: derived here (QUERY_CODE_KEY) from the
 * generation the acceptance event names, so the code rides on no event. An
 * acceptance from before codes were derived names none: its receipt sends the
 * applicant to the window for the code.
 */
function receiptQueryCode(e: CaseEvent): Pick<AcceptanceReceipt, 'queryCode'> {
  const generation = e.data.details.queryCodeGeneration;
  return typeof generation === 'number' ? { queryCode: queryCodeFor(e.centerId, e.data.caseNo, generation) } : {};
}

/**
 * The materials an acceptance receipt lists as received, and, for 容缺受理, the
 * pledged ones apart with their deadline and the applicant's consent: from the
 * event, so a pledged material handed in since is still listed as pledged.
 */
function receivedAndPledged(c: CaseRecord, details: Record<string, unknown>): Pick<AcceptanceReceipt, 'materials' | 'tolerance'> {
  const pledge = details.consent && str(details.toleranceDue) ? (details as { missing: { materialId: string; detail: string }[]; consent: Tolerance['consent'] }) : undefined;
  const pledged = new Set(pledge?.missing.map((m) => m.materialId));
  const materials = c.materials.filter((m) => m.status === 'provided' && !pledged.has(m.materialId)).map((m) => ({ name: m.name, form: m.form ?? 'copy', count: m.count ?? 1 }));
  if (!pledge) return { materials };
  const nameOf = (id: string) => c.materials.find((m) => m.materialId === id)?.name ?? id;
  return { materials, tolerance: { due: str(details.toleranceDue)!, consent: pledge.consent, pledged: pledge.missing.map((m) => ({ name: nameOf(m.materialId), detail: m.detail })) } };
}

/**
 * What the approval of a renewal, change or cancellation does to the
 * certificate the case names (intake checked it was the applicant's and
 * allowed it): its next revision, superseded by `successor` or cancelled,
 * with its event, to write with the approval's document. One that ended
 * since intake (revoked meanwhile) fails the issue (409 from the table),
 * which is retried and dead-lettered: a person decides, never a silent
 * second licence beside a revoked one.
 */
async function actedOn(e: CaseEvent, record: CaseRecord, variant: string | undefined, successor: string): Promise<certificateStore.CertificateChange | undefined> {
  if (!record.certificateNo || !variant || !Object.hasOwn(actionOfVariant, variant)) return undefined;
  const old = await certificateStore.getCertificate(record.certificateNo);
  if (!old) throw new Error(`certificate ${record.certificateNo} named by case ${record.caseNo} not found`);
  const on = chinaDateOf(e.occurredAt);
  const action = actionOfVariant[variant as keyof typeof actionOfVariant];
  const status = transition(old, action, on);
  const ended = action === 'supersede'
    ? { supersededBy: successor }
    : { ended: { reason: `依申请注销（办件 ${record.caseNo}）`, legalBasis: '《中华人民共和国行政许可法》第七十条', by: e.actor.id, at: e.occurredAt } };
  const next: certificateStore.StoredCertificate = { ...old, status, statusOn: on, ...ended, rev: (old.rev ?? 0) + 1 };
  return {
    next,
    draft: {
      source: 'onestop.documents', detailType: 'CertificateStatusChanged', centerId: old.centerId, occurredAt: new Date().toISOString(), actor: { id: 'system', role: 'system' },
      subject: { type: 'case', id: old.caseNo },
      data: {
        caseNo: old.caseNo, certificateNo: old.certificateNo, status, on,
        ...(action === 'supersede' ? { supersededBy: successor } : { reason: next.ended!.reason, legalBasis: next.ended!.legalBasis }),
      },
    },
  };
}

/** What became of each document an event calls for. */
export type Issued = Partial<Record<DocumentKind, 'issued' | 'duplicate'>>;

/** A certificate's renewal (延续, art. 50): the last day to apply, and the reminder a lead time before it. */
const renewalOf = (validUntil: string, applyDays: number) => ({
  renewalApplyBy: renewalApplyBy(validUntil, applyDays),
  remindAt: renewalReminderAt(validUntil, applyDays + RENEWAL_REMINDER_LEAD_DAYS),
});

export async function issueFor(detailType: string, e: CaseEvent): Promise<Issued> {
  const { centerId, data } = e;
  // The center's profile (its name on the document) and the e-licence watch come in the same read as the case.
  const { record, center, found } = await caseContext(centerId, data.caseNo, new Date().toISOString(), [store.licenceWatchKey(centerId, data.caseNo)]);
  if (!record) throw new Error(`case ${data.caseNo} not found`);
  // The item version the case was filed under decides (a later version may change the result type).
  const [item, department] = await Promise.all([
    store.itemSettings(centerId, data.itemCode, record.item.version),
    departmentOf<Department>(centerId, data.departmentId),
  ]);
  const kinds = documentKindsFor(detailType, { resultType: item.resultType, serviceMode: record.item.serviceMode });
  const issuesCertificate = kinds.includes('certificate');
  const validUntil = issuesCertificate ? validUntilOf(chinaDateOf(e.occurredAt), item.validityYears) : undefined;
  const sources: Sources = {
    record, centerName: center.profile?.name ?? centerId, departmentName: department?.name ?? data.departmentId,
    ...(item.resultName ? { resultName: item.resultName } : {}), ...(validUntil ? { validUntil } : {}),
    legalBasis: item.legalBasis ?? [], ...(item.remedies ? { remedies: item.remedies } : {}), issuesCertificate,
  };
  const issued: Issued = {};
  // One after the other, each in its own transaction: a failure fails the delivery, and its retry finds those issued before.
  for (const kind of kinds) issued[kind] = await issueOne(kind, e, sources, item, found);
  return issued;
}

async function issueOne(kind: DocumentKind, e: CaseEvent, sources: Sources, item: store.ItemSettings, found: Map<string, Item>): Promise<'issued' | 'duplicate'> {
  const { centerId, data } = e;
  const { record, validUntil } = sources;
  const documentId = documentIdOf(kind, e.eventId);
  if (await store.getDocument(centerId, data.caseNo, documentId)) return 'duplicate';

  const certificateNo = certificateNoOf(data.caseNo, e.eventId);
  const isCertificate = kind === 'certificate';
  const change = isCertificate ? await actedOn(e, record, item.variant, certificateNo) : undefined;
  const prepared = await render(kind, e, sources, await loadCjkFont(), certificateNo);
  const bytes = await (await loadSigning()).documentSigner().sign(prepared, sources.centerName);
  const sha256 = sha256Hex(bytes);
  const objectKey = `documents/${centerId}/${data.caseNo}/${documentId}/${sha256}.pdf`;
  await putObject({ Bucket: materialsBucket(), Key: objectKey, Body: bytes, ContentType: 'application/pdf', ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') });

  const doc: store.StoredDocument = {
    documentId, caseNo: data.caseNo, centerId, kind, contentType: 'application/pdf', size: bytes.length, sha256, trustLevel: 'A', issuedAt: e.occurredAt, objectKey,
    ...(isCertificate ? { certificateNo } : {}),
  };
  const written = await store.recordDocument(doc, {
    source: 'onestop.documents',
    detailType: 'DocumentIssued',
    centerId,
    occurredAt: new Date().toISOString(),
    actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: data.caseNo },
    data: { caseNo: data.caseNo, documentId, kind, sha256, size: bytes.length, ...(isCertificate ? { certificateNo } : {}), causedBy: e.eventId },
  }, {
    ...(isCertificate ? { certificate: {
    certificateNo, centerId, caseNo: data.caseNo, status: 'valid', itemCode: data.itemCode, itemName: data.itemName,
    departmentId: data.departmentId, departmentName: sources.departmentName, centerName: sources.centerName, holder: publicHolder(record.applicant),
    holderKind: record.applicant.kind, holderId: record.applicant.applicantId, issuedOn: chinaDateOf(e.occurredAt), ...(validUntil ? { validUntil } : {}), sha256, objectKey, rev: 1,
    ...(validUntil ? renewalOf(validUntil, item.renewalApplyDays ?? DEFAULT_RENEWAL_APPLY_DAYS) : {}),
    ...(change?.next.status === 'superseded' ? { supersedes: change.next.certificateNo } : {}),
    } } : {}),
    licenceWatched: store.isLicenceWatched(found, centerId, data.caseNo),
    ...(change ? { actedOn: change } : {}),
  });
  return written ? 'issued' : 'duplicate';
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  if (event.source === 'onestop.fees') {
    const outcome = await issueFeeDocument(event['detail-type'], event.detail);
    logger.info('document', { eventType: event['detail-type'], outcome });
    return;
  }
  const errors = validationErrors(caseEventSchema, event.detail, '/detail');
  if (errors.length) throw new Error(`event ${event.id} (${event['detail-type']}) is not a valid case event: ${JSON.stringify(errors)}`);
  const detail = event.detail as CaseEvent;
  const outcome = event['detail-type'] === LICENCE_CLOCK_START ? await watchClosure(detail) : await issueFor(event['detail-type'], detail);
  logger.info('document', { caseNo: detail.data.caseNo, eventType: event['detail-type'], outcome: typeof outcome === 'string' || Object.keys(outcome).length ? outcome : 'none' });
}
