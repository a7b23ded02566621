/**
 * Case numbers (办件编号) and query codes (查询码).
 *
 * A case number is the center's code, the day of receipt and the day's
 * sequence from an atomic counter: readable over the phone, unique per center.
 *
 * The query code is what makes the public lookup private: 12 characters of a
 * 30-letter alphabet (≈ 59 bits), derived, not drawn: an HMAC-SHA256 under the
 * stage's query-code key (QUERY_CODE_KEY, a Secrets Manager secret) of the
 * center, the case number and the code's generation. The case keeps only the
 * generation (1 at acceptance, one more at each reissue, which kills the code
 * before it). So every party that must print or send the code (the cases API,
 * the receipt's renderer, the acceptance notice) computes it where it is
 * needed, and it never travels: not on the bus, in an event, a log or the
 * table. Cases accepted before the derivation keep their SHA-256 hash of a
 * drawn code until a reissue gives them a generation.
 */
import { createHash, createHmac } from 'node:crypto';
import { requiredEnv } from '#shared/db';
import { secretsEqual } from '#shared/secrets';

export function formatCaseNo(prefix: string, localDate: string, sequence: number): string {
  return `${prefix}-${localDate.replaceAll('-', '')}-${String(sequence).padStart(5, '0')}`;
}

/** The center's case-number prefix: its code, else its id in capitals without dashes. */
export function caseNoPrefix(center: { centerId: string; code?: string }): string {
  return center.code ?? (center.centerId.toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 12) || 'OS');
}

// No 0/O, 1/I/L, U: codes are read aloud and typed from paper.
export const QUERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

/**
 * The query code of a case's generation under `key`. 128 bits of the MAC read
 * as one number and written in base 30: the 12 digits' bias is below 2⁻⁶⁸.
 */
export function queryCodeOf(key: string, centerId: string, caseNo: string, generation: number): string {
  if (!Number.isInteger(generation) || generation < 1) throw new RangeError(`a query code's generation is a positive integer, not ${generation}`);
  let n = BigInt(`0x${createHmac('sha256', key).update(`${centerId}|${caseNo}|${generation}`).digest('hex').slice(0, 32)}`);
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    code += QUERY_CODE_ALPHABET[Number(n % 30n)];
    n /= 30n;
  }
  return code;
}

/** The code of a generation with the stage's key (QUERY_CODE_KEY). */
export const queryCodeFor = (centerId: string, caseNo: string, generation: number) => queryCodeOf(requiredEnv('QUERY_CODE_KEY'), centerId, caseNo, generation);

/** What a case keeps of its code: the generation, or the hash of a code drawn before the derivation. */
export interface QueryCodeHolder {
  readonly centerId: string;
  readonly caseNo: string;
  readonly queryCodeGeneration?: number;
  readonly queryCodeHash?: string;
}

/** The case's current code; none before acceptance (or for a case that keeps only a hash). */
export const currentQueryCode = (c: QueryCodeHolder): string | undefined =>
  c.queryCodeGeneration ? queryCodeFor(c.centerId, c.caseNo, c.queryCodeGeneration) : undefined;

const hashQueryCode = (caseNo: string, code: string) => createHash('sha256').update(`${caseNo}:${code.toUpperCase()}`).digest('hex');

/** Whether `code` (as typed: case does not matter) is the case's current code. */
export function queryCodeMatches(c: QueryCodeHolder, code: string): boolean {
  if (c.queryCodeGeneration) return secretsEqual(code.toUpperCase(), currentQueryCode(c));
  return secretsEqual(hashQueryCode(c.caseNo, code), c.queryCodeHash || undefined);
}
