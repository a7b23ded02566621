/**
 * The fixed-width placeholders of a reserved PAdES signature, shared by the
 * renderer that writes them (pdf/signature-field.ts) and the signer that
 * fills them (pades.ts). Free of pdf-lib, so the signing code loads without it.
 */

/** Bytes reserved for the DER CMS signature: a certificate, three signed attributes and an ECDSA signature take ~1 KB. */
export const SIGNATURE_CONTENTS_BYTES = 3072;
/** Stands for each of the three offsets of /ByteRange after its leading 0: wide enough for any document under 10 GB. */
export const BYTE_RANGE_PLACEHOLDER = '**********';
/** Stands for /M, the claimed signing time (D:YYYYMMDDHHmmSSZ, always 17 characters). */
export const SIGNING_TIME_PLACEHOLDER = 'D:00000000000000Z';
