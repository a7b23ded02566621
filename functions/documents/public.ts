/**
 * What other domains may use of documents: the check, at intake, of the
 * certificate a renewal, change or cancellation acts on (its approval then
 * supersedes or cancels it: issue.ts), and the holder a renewal reminder is
 * for (the notifications consumer).
 */
import { msg } from '#schemas/api/problems';
import { fault, problem } from '#shared/errors';
import { getCertificate, withIssuer } from './certificate-store.ts';
import { actionOfVariant, statusOn, transition } from './certificates.ts';
import { chinaDateOf } from './pdf/text.ts';
import { documentsProblems } from './problems.ts';

/**
 * 422 `certificate-not-held` unless the certificate is this center's and the
 * applicant's and the item acts on one; 409 (certificates.ts) unless its
 * state allows what the item's approval will do to it on `today`.
 */
export async function assertCertificateToActOn(input: { certificateNo: string; centerId: string; applicantId: string; variant: string; today: string }): Promise<void> {
  const notHeld = (why: ReturnType<typeof msg>) =>
    problem(documentsProblems['certificate-not-held'], why, [fault('/body/certificateNo', 'not_held', why)]);
  if (!Object.hasOwn(actionOfVariant, input.variant)) {
    throw notHeld(msg('新设事项不针对已有证照，请勿填写证照编号。', 'A new application acts on no certificate: leave certificateNo out.'));
  }
  const found = await getCertificate(input.certificateNo);
  const cert = found && found.centerId === input.centerId ? await withIssuer(found) : undefined;
  if (!cert || cert.holderId !== input.applicantId) {
    throw notHeld(msg(`申请人不持有本中心颁发的证照 ${input.certificateNo}。`, `The applicant holds no certificate ${input.certificateNo} of this center.`));
  }
  transition(cert, actionOfVariant[input.variant as keyof typeof actionOfVariant], input.today);
}

/**
 * The applicant id of the holder of this center's certificate while it is
 * valid at `at` (its holder is reminded to renew it); undefined once it ended
 * or expired, or when it is no certificate of the center.
 */
export async function renewalHolderOf(centerId: string, certificateNo: string, at: string): Promise<string | undefined> {
  const found = await getCertificate(certificateNo);
  if (!found || found.centerId !== centerId || statusOn(found, chinaDateOf(at)) !== 'valid') return undefined;
  return (await withIssuer(found)).holderId;
}
