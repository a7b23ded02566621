/**
 * A DER writer for the few ASN.1 types a CMS signature and its certificate
 * need (X.690). Values are written, never parsed: a few dozen lines instead
 * of asn1js/pkijs (~250 KB in the issuing function's bundle).
 */

/** One encoded value: tag, definite length, content. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

export const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));

/** SET OF in DER order: the elements sorted by their encodings (X.690 11.6), as signed attributes must be. */
export const setOf = (...items: Buffer[]) => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));

/** A non-negative INTEGER in its shortest two's-complement form. */
export function integer(value: bigint | number | Buffer): Buffer {
  const hex = Buffer.isBuffer(value) ? '' : BigInt(value).toString(16);
  let bytes = Buffer.isBuffer(value) ? value : Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  bytes = bytes.subarray(start);
  return tlv(0x02, bytes[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const arcs = [first! * 40 + second!, ...rest];
  const bytes: number[] = [];
  for (const arc of arcs) {
    const base128: number[] = [];
    for (let v = arc; ; v = Math.floor(v / 128)) {
      base128.unshift((v % 128) | (base128.length ? 0x80 : 0));
      if (v < 128) break;
    }
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const octetString = (bytes: Buffer) => tlv(0x04, bytes);
/** A BIT STRING of whole bytes whose last `unusedBits` bits do not count. */
export const bitString = (bytes: Buffer, unusedBits = 0) => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bytes]));
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string) => tlv(0x13, Buffer.from(text, 'ascii'));
export const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));

/** [n] EXPLICIT: the value wrapped whole in a constructed context tag. */
export const explicit = (n: number, value: Buffer) => tlv(0xa0 | n, value);

/** [n] IMPLICIT of a constructed value (SET, SEQUENCE): its own tag replaced by the context tag. */
export const implicitConstructed = (n: number, value: Buffer) => Buffer.concat([Buffer.from([0xa0 | n]), value.subarray(1)]);

/** An X.509/CMS Time: UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5), to the second, in UTC. */
export function time(at: Date): Buffer {
  const iso = at.toISOString(); // 2026-11-27T02:15:00.000Z
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return at.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}
