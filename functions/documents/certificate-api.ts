/**
 * The certificate and receipt routes of the documents Lambda: the public
 * checks of a certificate (证照核验) and of an electronic receipt (电子票据查验),
 * the public register of licences granted (art. 40), the issuing
 * department's read, and an approver's revocation (撤销) and cancellation
 * (注销). certificates.ts decides which state allows what; each
 * change is the certificate's next revision and its audited event in one
 * transaction, conditioned on the revision read and on its being valid.
 */
import type { CertificateAction } from '#schemas/api/documents';
import { msg } from '#schemas/api/problems';
import { callerOf, type Caller } from '#shared/auth';
import { denial } from '#shared/authorization';
import { requiredEnv } from '#shared/db';
import { forbidden, notFound, preconditionFailed } from '#shared/errors';
import { etag, ifMatch, type HttpRequest, type HttpResult, type Operations } from '#shared/http';
import { chargeOf } from '../fees/public.ts';
import { transition } from './certificates.ts';
import { getReceipt } from './receipt-store.ts';
import { checkCodeMatches, receiptStatus } from './receipts.ts';
import { actorOf, source } from './events.ts';
import { chinaDateOf } from './pdf/text.ts';
import type { documentRoutes } from './routes.ts';
import { isWellFormedCertificateNo } from './rules.ts';
import * as store from './certificate-store.ts';
import { certificateCheckView, certificateRecordView, certificateTag, licenceEntryView } from './views.ts';

type Ops = Operations<typeof documentRoutes>;

/** The center's day: a certificate's dates are China's (chinaDateOf, as it was issued). */
const today = () => chinaDateOf(new Date().toISOString());

const noSuchCertificate = () => notFound(msg('没有此证照。', 'No such certificate.'));

const checkCertificate: Ops['checkCertificate'] = async (req) => {
  const no = req.params.certificateNo;
  // A mistyped number never reaches the table.
  if (!isWellFormedCertificateNo(no)) throw noSuchCertificate();
  const cert = await store.getCertificate(no);
  if (!cert) throw noSuchCertificate();
  return { status: 200, body: certificateCheckView(cert, today()) };
};

/**
 * The register: a page of the center's certificates, each in its state today.
 * Public pages are shared by everyone, so caches may keep one for a minute.
 */
const listLicencesGranted: Ops['listLicencesGranted'] = async (req) => {
  const centerId = req.query.centerId ?? requiredEnv('DEFAULT_CENTER_ID');
  const filters = { centerId, ...(req.query.itemCode ? { itemCode: req.query.itemCode } : {}) };
  const page = await store.licencesGranted(centerId, req.query.itemCode, req.pages.limit, req.pages.start(filters));
  const on = today();
  return {
    status: 200,
    body: req.pages.page({ items: page.items.map((c) => licenceEntryView(c, on)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) }, filters),
    headers: { 'cache-control': 'public, max-age=60' },
  };
};

/**
 * The certificate (404 when missing, or another center's: staff never learn
 * of it) with the request's checks settled, after the caller may take
 * `action` on it: one BatchGetItem.
 */
async function certificateFor(req: Pick<HttpRequest, 'checks'>, caller: Caller, no: string, action: 'case.documents.read' | 'certificate.revoke' | 'certificate.cancel') {
  const { certificate: read, found } = await store.certificateContext(no, req.checks!.keys);
  req.checks!.settle(found);
  if (!read || read.centerId !== caller.centerId) throw noSuchCertificate();
  const certificate = await store.withIssuer(read);
  const why = denial(caller, action, { centerId: certificate.centerId, departmentIds: certificate.departmentId ? [certificate.departmentId] : [] });
  if (why) throw forbidden(why);
  return certificate;
}

const recordResult = (c: store.StoredCertificate): HttpResult => ({ status: 200, body: certificateRecordView(c, today()), headers: { etag: etag(certificateTag(c)) } });

const readCertificate: Ops['readCertificate'] = async (req) => {
  const caller = callerOf(req.event);
  return recordResult(await certificateFor(req, caller, req.params.certificateNo, 'case.documents.read'));
};

/** Revocation and cancellation: the table's say first, then the revision named (412), then one transaction. */
function ending(action: Extract<CertificateAction, 'revoke' | 'cancel'>): Ops['revokeCertificate'] {
  return async (req) => {
    const caller = callerOf(req.event);
    const cert = await certificateFor(req, caller, req.params.certificateNo, action === 'revoke' ? 'certificate.revoke' : 'certificate.cancel');
    const on = today();
    const status = transition(cert, action, on);
    const named = ifMatch(req);
    if (named !== undefined && named !== certificateTag(cert)) {
      throw preconditionFailed(msg('证照在您读取后已有变化；请重新读取后再试。', 'The certificate changed since you read it; read it again and retry.'));
    }
    const now = new Date().toISOString();
    const { reason, legalBasis } = req.body;
    const next: store.StoredCertificate = { ...cert, status, statusOn: on, ended: { reason, legalBasis, by: caller.userId, at: now }, rev: (cert.rev ?? 0) + 1 };
    const result = recordResult(next);
    await store.endCertificate({
      next,
      draft: {
        source, detailType: 'CertificateStatusChanged', centerId: caller.centerId, occurredAt: now, actor: actorOf(caller, ['approver'], cert.departmentId ? [cert.departmentId] : []),
        subject: { type: 'case', id: cert.caseNo },
        data: { caseNo: cert.caseNo, certificateNo: cert.certificateNo, status, on, reason, legalBasis },
      },
    }, req.idempotency?.record(result));
    return result;
  };
}

const noSuchReceipt = () => notFound(msg('没有此票据，或校验码不符。', 'No such receipt, or the check code does not match.'));

/** A receipt's check: its record (one GetItem), then the charge's ledger (one Query) for what was refunded since. */
const checkReceipt: Ops['checkReceipt'] = async (req) => {
  const receipt = await getReceipt(req.params.receiptNo);
  if (!receipt || !checkCodeMatches(req.query.checkCode, receipt.checkCode)) throw noSuchReceipt();
  const charge = await chargeOf(receipt.centerId, receipt.caseNo, receipt.chargeId);
  if (!charge) throw noSuchReceipt();
  const { receiptNo, amountFen, paidOn, itemName, departmentName, centerName } = receipt;
  return { status: 200, body: { receiptNo, ...receiptStatus(charge.entries, charge.balance), amountFen, paidOn, itemName, departmentName, centerName } };
};

export const certificateOperations = { checkCertificate, checkReceipt, listLicencesGranted, readCertificate, revokeCertificate: ending('revoke'), cancelCertificate: ending('cancel') };
