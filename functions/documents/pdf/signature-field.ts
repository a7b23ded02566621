/**
 * The room a PAdES signature needs, reserved before the file is written: a
 * signature dictionary (/Filter /Adobe.PPKLite, /SubFilter
 * /ETSI.CAdES.detached) whose /ByteRange, /M and /Contents are fixed-width
 * placeholders, and an invisible signature field that points at it. The file
 * is then signed in place without moving a byte (signing/pades.ts): no
 * incremental update, so the signature covers the whole file.
 *
 * The placeholders are part of the rendered bytes, so rendering stays a pure
 * function of its input; such a file is never stored before it is signed.
 */
import { PDFHexString, PDFInvalidObject, PDFName, PDFString, type PDFDocument, type PDFPage } from 'pdf-lib';
import { BYTE_RANGE_PLACEHOLDER, SIGNATURE_CONTENTS_BYTES, SIGNING_TIME_PLACEHOLDER } from '../signing/placeholders.ts';

export function reserveSignature(doc: PDFDocument, page: PDFPage, reason: string): void {
  const { context } = doc;
  const placeholder = PDFName.of(BYTE_RANGE_PLACEHOLDER);
  // Key order matters to the signer, which finds /ByteRange, then /Contents, then /M in this dictionary.
  const dictionary = context.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: [0, placeholder, placeholder, placeholder],
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_CONTENTS_BYTES * 2)),
    M: PDFString.of(SIGNING_TIME_PLACEHOLDER),
    Reason: PDFHexString.fromText(reason),
  });
  // pdf-lib writes a PDFInvalidObject's bytes as they are and never into a compressed object stream:
  // the dictionary stays plain bytes for the signer to fill, while every other object is compressed.
  const bytes = new Uint8Array(dictionary.sizeInBytes());
  dictionary.copyBytesInto(bytes, 0);
  const signature = context.register(PDFInvalidObject.of(bytes));
  const widget = context.register(context.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    // Invisible: the seal drawn on the page is what a reader sees.
    Rect: [0, 0, 0, 0],
    // Print + Locked.
    F: 132,
    T: PDFHexString.fromText('签章'),
    V: signature,
    P: page.ref,
  }));
  page.node.addAnnot(widget);
  // SignaturesExist + AppendOnly: viewers keep later changes as incremental updates outside the signed bytes.
  doc.catalog.set(PDFName.of('AcroForm'), context.obj({ Fields: [widget], SigFlags: 3 }));
}
