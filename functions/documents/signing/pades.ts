/**
 * Signs a PDF whose signature was reserved at rendering
 * (pdf/signature-field.ts), in place: /ByteRange names everything but the
 * /Contents hex string, /M the signing time, and /Contents receives the CMS
 * SignedData over the SHA-256 of those ranges. Nothing moves, so the xref
 * stays right and the signed ranges cover the whole file ("Total document signed").
 */
import { createHash } from 'node:crypto';
import type { Signer } from '#shared/signer';
import { BYTE_RANGE_PLACEHOLDER, SIGNATURE_CONTENTS_BYTES, SIGNING_TIME_PLACEHOLDER } from './placeholders.ts';
import type { Certificate } from './certificate.ts';
import { signedData } from './cms.ts';

type Reserved = { byteRange: { start: number; end: number }; contents: { start: number; end: number }; signingTime: number };

/** Where the placeholders are: in the last signature dictionary of the file, as the renderer writes it. */
export function reservedSignature(pdf: Buffer): Reserved {
  const text = pdf.toString('latin1');
  const arrayStart = text.lastIndexOf('/ByteRange [');
  const placeholders = `0 /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER} /${BYTE_RANGE_PLACEHOLDER}`;
  const rangeStart = text.indexOf(placeholders, arrayStart);
  const hexStart = text.indexOf('/Contents <', arrayStart) + '/Contents '.length;
  const hexEnd = hexStart + 2 + SIGNATURE_CONTENTS_BYTES * 2;
  const signingTime = text.indexOf(`/M (${SIGNING_TIME_PLACEHOLDER})`, hexEnd) + '/M ('.length;
  if (arrayStart < 0 || rangeStart !== arrayStart + '/ByteRange [ '.length || hexStart < rangeStart || text[hexEnd - 1] !== '>' || signingTime < hexEnd) {
    throw new Error('The PDF has no reserved signature to fill (render it with PdfWriter).');
  }
  return { byteRange: { start: rangeStart, end: rangeStart + placeholders.length }, contents: { start: hexStart, end: hexEnd }, signingTime };
}

/** D:YYYYMMDDHHmmSSZ, the PDF date of an instant in UTC. */
export function pdfDate(at: Date): string {
  return `D:${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** The signed copy of `prepared`: the same length, the placeholders filled. */
export async function signPdf(prepared: Uint8Array, opts: { signer: Signer; certificate: Certificate; signedAt: Date }): Promise<Buffer> {
  const pdf = Buffer.from(prepared);
  const { byteRange, contents, signingTime } = reservedSignature(pdf);
  const ranges = [0, contents.start, contents.end, pdf.length - contents.end];
  pdf.write(ranges.join(' ').padEnd(byteRange.end - byteRange.start, ' '), byteRange.start, 'latin1');
  pdf.write(pdfDate(opts.signedAt), signingTime, 'latin1');
  const digest = createHash('sha256').update(pdf.subarray(0, contents.start)).update(pdf.subarray(contents.end)).digest();
  const cms = await signedData(digest, opts.certificate, opts.signer);
  if (cms.length > SIGNATURE_CONTENTS_BYTES) throw new Error(`The CMS signature (${cms.length} bytes) exceeds the ${SIGNATURE_CONTENTS_BYTES} bytes reserved for it.`);
  // Zeros after the DER are ignored by verifiers (the DER says its own length).
  pdf.write(cms.toString('hex').toUpperCase(), contents.start + 1, 'latin1');
  return pdf;
}
