/**
 * Who signs the daily digests: the shared signer port (functions/shared/signer.ts)
 * with the audit's own key.
 *
 *  - In AWS, an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY): the function
 *    may only call kms:Sign. Auditors fetch the public key from KMS themselves
 *    (`aws kms get-public-key`).
 *  - In the local cloud, a key held in a secret (a PEM, or a seed derived under
 *    the audit's label). Its public key travels in each digest; it proves
 *    nothing about who signed, only that nothing changed.
 */
import type { KeyObject } from 'node:crypto';
import { keyFromSeed as derive, kmsSigner, localSigner as local, type Signer } from '#shared/signer';

export { keyFingerprint, kmsSigner, SIGNING_ALGORITHM, verifySignature, type Signer } from '#shared/signer';

/** The derivation label of the audit key: changing it would change the key that verifies earlier digests. */
const AUDIT_KEY_LABEL = 'onestop-audit-digest-signing-key/1';

/** The audit's P-256 private key derived from a seed (deterministic: the same seed, the same key). */
export function keyFromSeed(seed: string): KeyObject {
  return derive(seed, AUDIT_KEY_LABEL);
}

/** A signer from a local key: a PKCS#8/SEC1 PEM, or any other string taken as a seed. */
export function localSigner(secret: string): Signer {
  return local(secret, AUDIT_KEY_LABEL);
}

/** The stage's signer: the KMS key when AUDIT_SIGNING_KEY_ID is set, else the local key in AUDIT_SIGNING_SECRET. */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): Signer {
  if (env.AUDIT_SIGNING_KEY_ID) return kmsSigner(env.AUDIT_SIGNING_KEY_ID);
  if (env.AUDIT_SIGNING_SECRET) return localSigner(env.AUDIT_SIGNING_SECRET);
  throw new Error('no audit signing key: set AUDIT_SIGNING_KEY_ID (KMS) or AUDIT_SIGNING_SECRET (local key)');
}
