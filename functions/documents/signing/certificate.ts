/**
 * The X.509 certificate a PDF signature carries so that a verifier (pdfsig,
 * a reader) knows the public key and whose it is: issued by the signing key
 * to itself, subject = the center, made once per key and center by signing
 * its TBSCertificate with the same signer (one more KMS Sign per container).
 *
 * Self-issued proves only that the file is unchanged since that key signed it;
 * who holds the key is vouched for by publishing its public key (as for the
 * audit digests: `aws kms get-public-key`). A certificate of the same key
 * issued by a CA (from a CSR signed the same way) would replace
 * `selfIssuedCertificate` and nothing else: the CMS takes any certificate of the key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SigningKey } from '#shared/signer';
import { bitString, boolean, explicit, integer, octetString, oid, printableString, sequence, setOf, time, utf8String } from './der.ts';
import { OID } from './oids.ts';

export type Certificate = {
  /** The whole certificate, DER. */
  der: Buffer;
  /** Its issuer Name and serialNumber INTEGER, DER: how a SignerInfo names the certificate. */
  issuer: Buffer;
  serialNumber: Buffer;
};

/**
 * How long a certificate is valid. Without a trusted timestamp in the
 * signature, verifiers check the certificate at the time they verify: ten
 * years outlast the five-year licences signed under it.
 */
const VALIDITY_YEARS = 10;

/** C=CN, O=<center>, CN=<center>. */
function centerName(center: string): Buffer {
  const rdn = (type: string, value: Buffer) => setOf(sequence(oid(type), value));
  return sequence(rdn(OID.countryName, printableString('CN')), rdn(OID.organizationName, utf8String(center)), rdn(OID.commonName, utf8String(center)));
}

export async function selfIssuedCertificate(signer: SigningKey, center: string, notBefore: Date): Promise<Certificate> {
  const spki = await signer.publicKey();
  const name = centerName(center);
  // 128 random bits, positive (RFC 5280: serials unique per issuer; at most 20 octets).
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const serialNumber = integer(serial);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const ecdsaWithSha256 = sequence(oid(OID.ecdsaWithSha256));
  // RFC 7093 method: the leftmost 160 bits of the SHA-256 of the subjectPublicKey BIT STRING's value.
  const keyId = createHash('sha256').update(subjectPublicKeyOf(spki)).digest().subarray(0, 20);
  const extension = (id: string, value: Buffer, critical = false) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    serialNumber,
    ecdsaWithSha256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, sequence(
      // digitalSignature and nonRepudiation (contentCommitment): signing documents, nothing else.
      extension(OID.keyUsage, bitString(Buffer.from([0xc0]), 6), true),
      extension(OID.subjectKeyIdentifier, octetString(keyId)),
      extension(OID.authorityKeyIdentifier, sequence(Buffer.concat([Buffer.from([0x80, keyId.length]), keyId]))),
    )),
  );
  const der = sequence(tbs, ecdsaWithSha256, bitString(await signer.sign(tbs)));
  return { der, issuer: name, serialNumber };
}

/**
 * The key's bits inside a P-256 SubjectPublicKeyInfo, whose DER is always 91
 * bytes: the algorithms (26 bytes), then BIT STRING { 0 unused bits, 0x04 || x || y }.
 */
function subjectPublicKeyOf(spki: Buffer): Buffer {
  if (spki.length !== 91 || spki[23] !== 0x03 || spki[26] !== 0x04) throw new Error('not a P-256 SubjectPublicKeyInfo');
  return spki.subarray(26);
}
