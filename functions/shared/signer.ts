/**
 * The signer port shared by the audit digest and the issued documents: ECDSA
 * P-256 with SHA-256 either way, so one verifier checks both.
 *
 *  - In AWS, an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY): the private key
 *    never leaves KMS; KMS signs the SHA-256 digest we send (MessageType DIGEST,
 *    so a large message never travels and is hashed once, here).
 *  - In the local cloud, a key held in a secret: a PEM (PKCS#8) or, since the
 *    local secret store generates random strings, a seed from which the P-256
 *    private key is derived (HMAC-SHA256 → scalar). The derivation is labelled
 *    per use, so one seed never gives the audit digest and the documents the
 *    same key.
 */
import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';

export const SIGNING_ALGORITHM = 'ECDSA_SHA_256' as const;

export interface Signer {
  readonly keyId: string;
  /** SPKI PEM, when the signer can tell it without a request (the local key; not KMS). */
  readonly publicKeyPem?: string;
  /** DER-encoded ECDSA signature of SHA-256(message). */
  sign(message: Buffer): Promise<Buffer>;
}

/** A signer that also tells its public key, as a certificate of the key needs. */
export interface SigningKey extends Signer {
  /** The public key as DER SubjectPublicKeyInfo (KMS: one GetPublicKey). */
  publicKey(): Promise<Buffer>;
}

/** Order of the P-256 group: a private scalar lies in [1, n-1]. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** The P-256 private key derived from a seed under a label (deterministic: the same seed and label, the same key). */
export function keyFromSeed(seed: string, label: string): KeyObject {
  const digest = createHmac('sha256', label).update(seed).digest();
  const scalar = (BigInt(`0x${digest.toString('hex')}`) % (P256_ORDER - 1n)) + 1n;
  const d = Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  return createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
  });
}

/** sha256:<hex> of a public key's DER (SPKI): what auditors compare. */
export function keyFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return `sha256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** A signer from a local key: a PKCS#8/SEC1 PEM, or any other string taken as a seed derived under `label`. */
export function localSigner(secret: string, label: string): SigningKey {
  const privateKey = secret.includes('-----BEGIN') ? createPrivateKey(secret) : keyFromSeed(secret, label);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('a signing key must be an ECDSA P-256 key');
  }
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: `local:${keyFingerprint(publicKey)}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: async (message) => cryptoSign('sha256', message, privateKey),
    publicKey: async () => spki,
  };
}

/** A signer backed by a KMS asymmetric key: KMS signs the SHA-256 digest of the message. */
export function kmsSigner(keyId: string, client: Pick<KMSClient, 'send'> = new KMSClient({})): SigningKey {
  return {
    keyId,
    async sign(message) {
      const out = await client.send(new SignCommand({
        KeyId: keyId,
        Message: createHash('sha256').update(message).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: SIGNING_ALGORITHM,
      }));
      // ECDSA signatures come back DER-encoded (X9.62 Ecdsa-Sig-Value), as CMS and X.509 carry them.
      if (!out.Signature) throw new Error(`KMS returned no signature for key ${keyId}`);
      return Buffer.from(out.Signature);
    },
    async publicKey() {
      const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
      if (!out.PublicKey || out.KeySpec !== 'ECC_NIST_P256') throw new Error(`KMS key ${keyId} is not an ECC_NIST_P256 key (${out.KeySpec ?? 'no public key'})`);
      return Buffer.from(out.PublicKey);
    },
  };
}

/** Checks a DER ECDSA P-256/SHA-256 signature; false for a malformed signature or key. */
export function verifySignature(message: Buffer, signature: Buffer, publicKeyPem: string): boolean {
  try {
    return cryptoVerify('sha256', message, createPublicKey(publicKeyPem), signature);
  } catch {
    return false;
  }
}
