/**
 * Case numbers (办件编号) and query codes (查询码).
 *
 * A case number is the center's code, the day of receipt and the day's
 * sequence from an atomic counter: readable over the phone, unique per center.
 * The query code printed on the receipt is what makes the public lookup
 * private: 12 characters of a 30-letter alphabet (≈ 59 bits) from the CSPRNG,
 * stored only as a SHA-256 bound to the case number.
 */
import { createHash, randomInt } from 'node:crypto';
import { secretsEqual } from '#shared/secrets';

export function formatCaseNo(prefix: string, localDate: string, sequence: number): string {
  return `${prefix}-${localDate.replaceAll('-', '')}-${String(sequence).padStart(5, '0')}`;
}

/** The center's case-number prefix: its code, else its id in capitals without dashes. */
export function caseNoPrefix(center: { centerId: string; code?: string }): string {
  return center.code ?? (center.centerId.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 12) || 'OS');
}

// No 0/O, 1/I/L, U: codes are read aloud and typed from paper.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export const hashQueryCode = (caseNo: string, code: string) => createHash('sha256').update(`${caseNo}:${code.toUpperCase()}`).digest('hex');

export const queryCodeMatches = (caseNo: string, code: string, storedHash: string | undefined): boolean =>
  secretsEqual(hashQueryCode(caseNo, code), storedHash);
