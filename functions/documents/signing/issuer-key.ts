/**
 * The key the issued documents are signed with, and its certificate per
 * center, both kept for the container's life:
 *
 *  - in AWS, the stage's asymmetric KMS key for documents (DOCUMENT_SIGNING_KEY_ID;
 *    the function may only kms:Sign and kms:GetPublicKey with it);
 *  - in the local cloud, a development key derived from the secret in
 *    DOCUMENT_SIGNING_SECRET (under its own label: never the audit's key).
 *
 * A failed signature throws: the consumer's retries and DLQ take over, and
 * nothing unsigned is stored (issue.ts signs before it writes).
 */
import { kmsSigner, localSigner, type SigningKey } from '#shared/signer';
import { selfIssuedCertificate, type Certificate } from './certificate.ts';
import { signPdf } from './pades.ts';

const DOCUMENT_KEY_LABEL = 'onestop-document-signing-key/1';

export function documentSignerFromEnv(env: NodeJS.ProcessEnv = process.env): SigningKey {
  if (env.DOCUMENT_SIGNING_KEY_ID) return kmsSigner(env.DOCUMENT_SIGNING_KEY_ID);
  if (env.DOCUMENT_SIGNING_SECRET) return localSigner(env.DOCUMENT_SIGNING_SECRET, DOCUMENT_KEY_LABEL);
  throw new Error('no document signing key: set DOCUMENT_SIGNING_KEY_ID (KMS) or DOCUMENT_SIGNING_SECRET (local key)');
}

/** Signs issued documents as one center with one key; a certificate failure is not kept, so the next document tries again. */
export class DocumentSigner {
  private readonly certificates = new Map<string, Promise<Certificate>>();

  constructor(private readonly signer: SigningKey, private readonly clock: () => Date = () => new Date()) {}

  async sign(prepared: Uint8Array, centerName: string): Promise<Buffer> {
    const signedAt = this.clock();
    return signPdf(prepared, { signer: this.signer, certificate: await this.certificateOf(centerName, signedAt), signedAt });
  }

  private certificateOf(centerName: string, now: Date): Promise<Certificate> {
    let certificate = this.certificates.get(centerName);
    if (!certificate) {
      // Valid from a minute back: a verifier's clock a little behind ours still finds the signing time inside.
      certificate = selfIssuedCertificate(this.signer, centerName, new Date(now.getTime() - 60_000));
      certificate.catch(() => this.certificates.delete(centerName));
      this.certificates.set(centerName, certificate);
    }
    return certificate;
  }
}

let shared: DocumentSigner | undefined;

/** The container's signer (one KMS client, one certificate per center). */
export function documentSigner(): DocumentSigner {
  shared ??= new DocumentSigner(documentSignerFromEnv());
  return shared;
}
