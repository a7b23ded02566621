/**
 * What a file really is, from its bytes: the name and the Content-Type an
 * uploader sends are claims, the magic numbers are evidence. Pure.
 */
import type { UploadType } from '#schemas/api/documents';

export type Sniffed =
  | { readonly kind: 'accepted'; readonly type: UploadType; readonly label: string }
  | { readonly kind: 'executable'; readonly label: string }
  | { readonly kind: 'other'; readonly label: string };

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0) => magic.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const executables: readonly { magic: readonly number[]; label: string }[] = [
  { magic: ascii('MZ'), label: 'a Windows executable (PE)' },
  { magic: [0x7f, ...ascii('ELF')], label: 'a Linux executable (ELF)' },
  { magic: [0xcf, 0xfa, 0xed, 0xfe], label: 'a macOS executable (Mach-O)' },
  { magic: [0xce, 0xfa, 0xed, 0xfe], label: 'a macOS executable (Mach-O)' },
  { magic: [0xca, 0xfe, 0xba, 0xbe], label: 'a macOS universal binary or Java class' },
  { magic: ascii('#!'), label: 'a script with an interpreter line' },
];

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP_CENTRAL_ENTRY = 0x02014b50;

/** The names in a ZIP's central directory (undefined when it is not a readable ZIP). */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record sits in the last 22 bytes + at most a 64 KB comment.
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.length - 22; i >= floor; i--) {
    if (view.getUint32(i, true) === ZIP_END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== ZIP_CENTRAL_ENTRY) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

/** The type of `bytes` (the whole file: OFD is recognized by the entries of its ZIP container). */
export function sniffContentType(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, ascii('%PDF-'))) return { kind: 'accepted', type: 'application/pdf', label: 'PDF' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'accepted', type: 'image/jpeg', label: 'JPEG' };
  if (startsWith(bytes, [0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'accepted', type: 'image/png', label: 'PNG' };
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) {
    // GB/T 33190: an OFD package is a ZIP whose root holds OFD.xml.
    const names = zipEntryNames(bytes);
    if (names?.includes('OFD.xml')) return { kind: 'accepted', type: 'application/ofd', label: 'OFD' };
    return { kind: 'other', label: 'a ZIP archive that is not an OFD document' };
  }
  const exe = executables.find((e) => startsWith(bytes, e.magic));
  if (exe) return { kind: 'executable', label: exe.label };
  return { kind: 'other', label: 'none of PDF, JPEG, PNG or OFD' };
}

const typeNames: Record<UploadType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'application/ofd': 'OFD' };

/** The file-name extension of each accepted type (downloads and archive paths). */
export const extensionOf: Record<UploadType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'application/ofd': 'ofd' };

/** The rejection of a file whose bytes are not what was declared, or undefined when they are. */
export function typeMismatch(declared: UploadType, sniffed: Sniffed): { code: string; reason: string } | undefined {
  if (sniffed.kind === 'accepted' && sniffed.type === declared) return undefined;
  if (sniffed.kind === 'executable') return { code: 'executable', reason: `Declared as ${typeNames[declared]}, the file is ${sniffed.label}.` };
  return { code: 'type_mismatch', reason: `Declared as ${typeNames[declared]}, the file is ${sniffed.kind === 'accepted' ? `a ${sniffed.label}` : sniffed.label}.` };
}
