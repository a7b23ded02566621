/**
 * Validators and masks for the national identifiers OneStop handles: the resident
 * identity card number (公民身份号码, GB 11643-1999) of natural persons and the unified
 * social credit code (统一社会信用代码, GB 32100-2015) of legal persons and other
 * organizations. Pure functions.
 *
 * Validators are strict about the canonical form — no surrounding spaces and an
 * upper-case check character — so that stored values compare equal; normalize input
 * first with `normalizeResidentIdNumber` / `normalizeUnifiedSocialCreditCode`.
 */

// ---- 公民身份号码 (GB 11643-1999) ------------------------------------------

/** ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for positions 1..17. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character indexed by (Σ digit × weight) mod 11. */
const ID_CHECK = '10X98765432';

/**
 * First two digits of the address code (GB/T 2260 provinces; 71 Taiwan, 81 Hong Kong,
 * 82 Macao; 83 is used by residence permits of Taiwan residents, which share the format).
 */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** The check character for the first 17 digits of an identity number. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] as string;
}

function isValidDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * An 18-character resident identity number: a 6-digit address code whose province
 * part exists, an 8-digit birth date YYYYMMDD that is a real date from 1800-01-01 on
 * (and not after `options.today` when given — the module has no clock), a 3-digit
 * sequence code and the MOD 11-2 check character (0–9 or X).
 *
 * Lower-case `x` is rejected: the standard writes X, and accepting both would let
 * one person be stored under two spellings. Normalize input with
 * `normalizeResidentIdNumber` first. Old 15-digit numbers are not accepted.
 */
export function isResidentIdNumber(s: string, options: { today?: string } = {}): boolean {
  if (typeof s !== 'string' || !/^\d{17}[\dX]$/.test(s)) return false;
  if (!PROVINCES.has(s.slice(0, 2))) return false;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (y < 1800 || !isValidDate(y, m, d)) return false;
  if (options.today !== undefined && `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}` > options.today) return false;
  return residentIdCheckCharacter(s.slice(0, 17)) === s[17];
}

/** Trims and upper-cases a typed-in identity number (`…002x` → `…002X`); does not validate. */
export function normalizeResidentIdNumber(s: string): string {
  return s.trim().toUpperCase();
}

// ---- 统一社会信用代码 (GB 32100-2015) --------------------------------------

/** The 31 characters of the code, in value order (no I, O, S, V, Z). */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/**
 * Registration authority codes (登记管理部门码, position 1): 1 机构编制, 2 外交, 3 司法行政,
 * 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商/市场监管, A 中央军委改革和编制办公室,
 * N 农业, Y 其他. Position 2 (机构类别码) depends on the authority and is only checked
 * to be a digit 1–9; positions 3–8 are an administrative division code (digits).
 */
const USCC_AUTHORITIES = new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'N', 'Y']);

/** The check character for the first 17 characters of a credit code. */
export function unifiedSocialCreditCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('expected 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i] as string);
    if (v < 0) throw new RangeError(`character ${JSON.stringify(first17[i])} is not allowed`);
    sum += v * (USCC_WEIGHTS[i] as number);
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31] as string;
}

/**
 * An 18-character unified social credit code: only the characters 0-9 and upper-case
 * A-H J-N P-R T-U W-Y; a known registration authority (position 1); a digit 1–9 as
 * type (position 2); six digits of division code (positions 3–8); and the check
 * character (position 18), 31 − (Σ value × weight mod 31), 31 → 0. The embedded
 * organization code (positions 9–17) is not checked separately. Lower case is
 * rejected, as for identity numbers.
 */
export function isUnifiedSocialCreditCode(s: string): boolean {
  if (typeof s !== 'string' || !/^[0-9A-HJ-NPQRTUW-Y]{18}$/.test(s)) return false;
  if (!USCC_AUTHORITIES.has(s[0] as string) || !/^[1-9]\d{6}$/.test(s.slice(1, 8))) return false;
  return unifiedSocialCreditCheckCharacter(s.slice(0, 17)) === s[17];
}

/** Trims and upper-cases a typed-in credit code; does not validate. */
export function normalizeUnifiedSocialCreditCode(s: string): string {
  return s.trim().toUpperCase();
}

// ---- Masks for responses to roles that do not need the data ----------------

/**
 * Keeps the first 6 (address code) and last 4 characters: `110105********002X`.
 * Anything of 10 characters or fewer is masked entirely, so a short or malformed
 * value never leaks whole.
 */
export function maskResidentIdNumber(s: string): string {
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

/**
 * Masks the four digits before the last four, keeping separators:
 * `13812345678` → `138****5678`, `+86 138 1234 5678` → `+86 138 **** 5678`,
 * `0731-88886666` → `0731-****6666`. With 4 digits or fewer, every digit is masked.
 */
export function maskPhone(s: string): string {
  const digits = [...s].filter((c) => c >= '0' && c <= '9').length;
  if (digits <= 4) return s.replace(/\d/g, '*');
  let index = 0;
  return s.replace(/\d/g, (c) => {
    const fromEnd = digits - index++; // 1 for the last digit
    return fromEnd > 4 && fromEnd <= 8 ? '*' : c;
  });
}

/** Keeps the first character of the local part and the domain: `z***@example.com`. */
export function maskEmail(s: string): string {
  const at = s.lastIndexOf('@');
  if (at <= 0) return '*'.repeat(s.length);
  return `${s[0]}***${s.slice(at)}`;
}
