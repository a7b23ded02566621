/**
 * The fees domain's documents (出具收费文书), issued by the documents
 * consumer from fees events as the notices are from case events: a charge
 * issued for payment gets its payment notice (缴款通知书) with the payment
 * code; a payment applied to what was due gets its electronic receipt
 * (电子票据), numbered, with a check code, and its record for the public
 * check, in the document's transaction. A payment that found nothing due
 * (returned to the payer) gets no receipt.
 *
 * Idempotent like every document: the id comes from the kind and the event,
 * the receipt's number from the event too.
 */
import type { Department } from '#schemas/api/org';
import { feeEventSchemas, type FeeEventData } from '#schemas/events/fees';
import { requiredEnv } from '#shared/db';
import type { DomainEvent } from '#shared/events';
import { lazyImport } from '#shared/lazy-import';
import { validationErrors } from '#shared/validate';
import { caseContext } from '../cases/public.ts';
import { chargeOf, type ChargeWithLedger } from '../fees/public.ts';
import { departmentOf } from '../org/public.ts';
import type { FeeLine } from './pdf/fees.ts';
import { loadCjkFont } from './pdf/font.ts';
import { chinaDateOf } from './pdf/text.ts';
import { materialsBucket, putObject, sha256Hex } from './objects.ts';
import { receiptPut, type StoredReceipt } from './receipt-store.ts';
import { checkCodeOf, receiptNoOf } from './receipts.ts';
import { documentIdOf, documentsOfFeeEvent } from './rules.ts';
import * as store from './store.ts';

type FeeDocumentEvent = keyof typeof documentsOfFeeEvent;

const loadRenderers = lazyImport(() => import('./pdf/fees.ts'));
const loadSigning = lazyImport(() => import('./signing/issuer-key.ts'));

const linesOf = (c: ChargeWithLedger): FeeLine[] => c.record.lines.map((l) => ({ name: l.name, basis: l.basis, quantity: l.quantity, unit: l.unit, amountFen: l.amountFen }));

interface Prepared {
  readonly bytes: Uint8Array;
  readonly receipt?: Omit<StoredReceipt, 'documentId'>;
}

export async function issueFeeDocument(detailType: string, event: unknown): Promise<'issued' | 'duplicate' | 'none'> {
  if (!Object.hasOwn(documentsOfFeeEvent, detailType)) return 'none';
  const type = detailType as FeeDocumentEvent;
  const errors = validationErrors(feeEventSchemas[type], event, '/detail');
  if (errors.length) throw new Error(`${detailType} is not a valid fees event: ${JSON.stringify(errors)}`);
  const e = event as DomainEvent<FeeEventData[FeeDocumentEvent]>;
  const { centerId, data } = e;
  if (type === 'PaymentRecorded' && (data as FeeEventData['PaymentRecorded']).appliedFen === 0) return 'none';
  const kind = documentsOfFeeEvent[type];
  const documentId = documentIdOf(kind, e.eventId);
  if (await store.getDocument(centerId, data.caseNo, documentId)) return 'duplicate';

  const [{ record, center }, charge] = await Promise.all([caseContext(centerId, data.caseNo, new Date().toISOString()), chargeOf(centerId, data.caseNo, data.chargeId)]);
  if (!record || !charge) throw new Error(`case ${data.caseNo} or its charge ${data.chargeId} not found`);
  const department = await departmentOf<Department>(centerId, charge.record.item.departmentId);
  const names = { centerName: center.profile?.name ?? centerId, departmentName: department?.name ?? charge.record.item.departmentId, itemName: record.item.name };
  const font = await loadCjkFont();
  const render = await loadRenderers();
  let prepared: Prepared;
  if (type === 'ChargeIssued') {
    const issued = data as FeeEventData['ChargeIssued'];
    const waiver = charge.record.waiver?.decision === 'approved' ? { category: charge.record.waiver.category.name, amountFen: charge.record.waiver.amountFen } : undefined;
    prepared = {
      bytes: await render.renderPaymentNotice(font, {
        ...names, caseNo: data.caseNo, applicantName: record.applicant.name, issuedAt: e.occurredAt,
        lines: linesOf(charge), grossFen: charge.record.grossFen, ...(waiver ? { waiver } : {}), dueFen: issued.dueFen, payBy: issued.payBy, paymentCode: charge.record.order?.outTradeNo ?? data.chargeId,
      }),
    };
  } else {
    const paid = data as FeeEventData['PaymentRecorded'];
    const entry = charge.entries.find((x) => x.type === 'payment' && x.transactionId === paid.transactionId);
    const paidOn = chinaDateOf(entry?.at ?? e.occurredAt);
    const receiptNo = receiptNoOf(paidOn, e.eventId);
    const checkCode = checkCodeOf(requiredEnv('QUERY_CODE_KEY'), receiptNo, paid.appliedFen);
    prepared = {
      bytes: await render.renderFeeReceipt(font, {
        ...names, receiptNo, checkCode, payerName: record.applicant.name, caseNo: data.caseNo, lines: linesOf(charge),
        amountFen: paid.appliedFen, paidOn, transactionId: paid.transactionId, issuedAt: e.occurredAt,
        verifyUrl: `${requiredEnv('PUBLIC_BASE_URL').replace(/\/$/, '')}/public/receipts/${receiptNo}?checkCode=${checkCode}`,
      }),
      receipt: { receiptNo, checkCode, centerId, caseNo: data.caseNo, chargeId: data.chargeId, transactionId: paid.transactionId, amountFen: paid.appliedFen, paidOn, ...names },
    };
  }
  const bytes = await (await loadSigning()).documentSigner().sign(prepared.bytes, names.centerName);
  const sha256 = sha256Hex(bytes);
  const objectKey = `documents/${centerId}/${data.caseNo}/${documentId}/${sha256}.pdf`;
  await putObject({ Bucket: materialsBucket(), Key: objectKey, Body: bytes, ContentType: 'application/pdf', ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64') });
  const doc: store.StoredDocument = { documentId, caseNo: data.caseNo, centerId, kind, contentType: 'application/pdf', size: bytes.length, sha256, trustLevel: 'A', issuedAt: e.occurredAt, objectKey };
  const written = await store.recordDocument(doc, {
    source: 'onestop.documents', detailType: 'DocumentIssued', centerId, occurredAt: new Date().toISOString(), actor: { id: 'system', role: 'system' },
    subject: { type: 'case', id: data.caseNo },
    data: { caseNo: data.caseNo, documentId, kind, sha256, size: bytes.length, causedBy: e.eventId },
  }, prepared.receipt ? { alsoWrite: [receiptPut({ ...prepared.receipt, documentId })] } : {});
  return written ? 'issued' : 'duplicate';
}
