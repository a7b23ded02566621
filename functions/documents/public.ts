/**
 * What other domains may use of documents: the check, at intake, of the
 * certificate a renewal, change or cancellation acts on (its approval then
 * supersedes or cancels it: issue.ts).
 */
import { msg } from '#schemas/api/problems';
import { fault, problem } from '#shared/errors';
import { actionOfVariant, transition } from './certificates.ts';
import { documentsProblems } from './problems.ts';
import { getCertificate, withIssuer } from './store.ts';

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
