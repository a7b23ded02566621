/**
 * The CMS SignedData (RFC 5652) a PAdES signature embeds: detached (the PDF's
 * byte ranges are the content, not carried), SHA-256, ECDSA, one signer
 * named by its certificate's issuer and serial number, and the signed
 * attributes of PAdES baseline B-B (ETSI EN 319 142-1): contentType,
 * messageDigest and signingCertificateV2. No signingTime: B-B forbids it —
 * the claimed time is the signature dictionary's /M.
 *
 * The signer signs the DER of the signed attributes (as a SET, RFC 5652 5.4);
 * KMS receives their SHA-256 (MessageType DIGEST), never the document.
 */
import { createHash } from 'node:crypto';
import type { Signer } from '#shared/signer';
import type { Certificate } from './certificate.ts';
import { explicit, implicitConstructed, integer, octetString, oid, sequence, setOf } from './der.ts';
import { OID } from './oids.ts';

const attribute = (type: string, value: Buffer) => sequence(oid(type), setOf(value));

/** The signed attributes as the SET that is signed; inside SignerInfo they are [0] IMPLICIT. */
export function signedAttributes(contentDigest: Buffer, certificate: Certificate): Buffer {
  // ESSCertIDv2 { certHash (hashAlgorithm sha256 is the default, so absent), issuerSerial { GeneralNames { [4] directoryName }, serial } }.
  const essCertId = sequence(
    octetString(createHash('sha256').update(certificate.der).digest()),
    sequence(sequence(explicit(4, certificate.issuer)), certificate.serialNumber),
  );
  return setOf(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octetString(contentDigest)),
    attribute(OID.signingCertificateV2, sequence(sequence(essCertId))),
  );
}

/** ContentInfo { signedData } over content whose SHA-256 is `contentDigest`, DER. */
export async function signedData(contentDigest: Buffer, certificate: Certificate, signer: Signer): Promise<Buffer> {
  const attributes = signedAttributes(contentDigest, certificate);
  const signature = await signer.sign(attributes);
  const sha256 = sequence(oid(OID.sha256));
  const signerInfo = sequence(
    integer(1), // sid is issuerAndSerialNumber
    sequence(certificate.issuer, certificate.serialNumber),
    sha256,
    implicitConstructed(0, attributes),
    sequence(oid(OID.ecdsaWithSha256)),
    octetString(signature),
  );
  return sequence(oid(OID.signedData), explicit(0, sequence(
    integer(1),
    setOf(sha256),
    sequence(oid(OID.data)), // encapContentInfo without eContent: detached
    implicitConstructed(0, setOf(certificate.der)),
    setOf(signerInfo),
  )));
}
