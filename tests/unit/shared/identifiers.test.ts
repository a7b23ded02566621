import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  isResidentIdNumber,
  isUnifiedSocialCreditCode,
  maskPhone,
  maskResidentIdNumber,
  normalizeResidentIdNumber,
  normalizeUnifiedSocialCreditCode,
  residentIdCheckCharacter,
  unifiedSocialCreditCheckCharacter,
} from '#shared/identifiers';

// ---- Independent reference implementations (derived from the standards' formulas, not the module's tables) ----

/** GB 11643 / ISO 7064 MOD 11-2: weight of position i (1-based) is 2^(18−i) mod 11; check value (12 − Σ mod 11) mod 11, 10 → X. */
function refIdCheck(first17: string): string {
  let sum = 0;
  for (let i = 1; i <= 17; i++) sum += Number(first17[i - 1]) * (2 ** (18 - i) % 11);
  const v = (12 - (sum % 11)) % 11;
  return v === 10 ? 'X' : String(v);
}

/** GB 32100: characters 0-9 then A-Z without I, O, S, V, Z; weight of position i (0-based) is 3^i mod 31. */
const REF_CHARS = [...'0123456789', ...[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((c) => !'IOSVZ'.includes(c))].join('');
function refCreditCheck(first17: string): string {
  let sum = 0;
  let w = 1;
  for (const c of first17) {
    sum += REF_CHARS.indexOf(c) * w;
    w = (w * 3) % 31;
  }
  return REF_CHARS[(31 - (sum % 31)) % 31] as string;
}

const PROVINCES = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83'];
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const birthDate = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2025, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', ''));
const validId = fc.tuple(fc.constantFrom(...PROVINCES), digits(4), birthDate, digits(3)).map(([p, r, b, s]) => {
  const body = `${p}${r}${b}${s}`;
  return body + refIdCheck(body);
});
const withCheck = (body17: string) => body17 + refIdCheck(body17);

const creditChar = fc.constantFrom(...REF_CHARS);
const validCredit = fc
  .tuple(fc.constantFrom(...'123456789ANY'), fc.integer({ min: 1, max: 9 }), digits(6), fc.array(creditChar, { minLength: 9, maxLength: 9 }))
  .map(([auth, type, area, org]) => {
    const body = `${auth}${type}${area}${org.join('')}`;
    return body + refCreditCheck(body);
  });

describe('isResidentIdNumber (GB 11643-1999)', () => {
  it('accepts the standard samples', () => {
    // The standard's sample numbers; their check characters agree with the reference.
    for (const id of ['11010519491231002X', '440524188001010014']) {
      expect(refIdCheck(id.slice(0, 17))).toBe(id[17]);
      expect(isResidentIdNumber(id), id).toBe(true);
      expect(residentIdCheckCharacter(id.slice(0, 17))).toBe(id[17]);
    }
  });

  it.each([
    ['110105194912310021', 'wrong check character'],
    ['110105194912310029', 'wrong check character'],
    ['11010519491231002', '17 characters'],
    ['11010519491231002X1', '19 characters'],
    ['', 'empty'],
    ['11010519491231002x', 'lower-case x (normalize first)'],
    [' 11010519491231002X', 'leading space'],
    ['1101051949123100XX', 'X not in last place'],
    ['11010519491231 02X', 'space inside'],
    [withCheck('11010520230229001'), 'bad date: 2023-02-29 (valid check)'],
    [withCheck('11010519491301001'), 'bad date: month 13 (valid check)'],
    [withCheck('11010519490431001'), 'bad date: April 31 (valid check)'],
    [withCheck('11010517991231001'), 'born before 1800 (valid check)'],
    [withCheck('00010519491231001'), 'province 00 (valid check)'],
    [withCheck('99010519491231001'), 'province 99 (valid check)'],
    ['１１０１０５１９４９１２３１００２Ｘ', 'full-width digits'],
  ])('rejects %s (%s)', (s) => {
    expect(isResidentIdNumber(s)).toBe(false);
  });

  it('accepts a leap day, and a birth date after `today` only when no today is given', () => {
    expect(isResidentIdNumber(withCheck('11010520240229001'))).toBe(true);
    const future = withCheck('11010520300101001');
    expect(isResidentIdNumber(future)).toBe(true);
    expect(isResidentIdNumber(future, { today: '2026-03-02' })).toBe(false);
    expect(isResidentIdNumber('11010519491231002X', { today: '2026-03-02' })).toBe(true);
    expect(isResidentIdNumber(withCheck('11010520260302001'), { today: '2026-03-02' })).toBe(true);
  });

  it('normalizes typed input to the canonical form', () => {
    expect(normalizeResidentIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(isResidentIdNumber(normalizeResidentIdNumber('11010519491231002x'))).toBe(true);
  });

  it('property (1000 runs): numbers built with the reference check character are valid', () => {
    fc.assert(
      fc.property(validId, (id) => {
        expect(isResidentIdNumber(id)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (2000 runs): changing any single character of a valid number makes it invalid', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789Xx'), (id, pos, c) => {
        fc.pre(id[pos] !== c);
        const changed = id.slice(0, pos) + c + id.slice(pos + 1);
        expect(isResidentIdNumber(changed)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('property (1000 runs): exactly one of the 11 check characters is valid', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const valid = [...'0123456789X'].filter((c) => isResidentIdNumber(id.slice(0, 17) + c));
        expect(valid).toEqual([id[17]]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('isUnifiedSocialCreditCode (GB 32100-2015)', () => {
  it('accepts the sample 91350100M000100Y43', () => {
    expect(refCreditCheck('91350100M000100Y4')).toBe('3');
    expect(unifiedSocialCreditCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(isUnifiedSocialCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('has the charset of the standard (31 characters, no I O S V Z)', () => {
    expect(REF_CHARS).toHaveLength(31);
    for (const c of 'IOSVZ') expect(REF_CHARS).not.toContain(c);
  });

  it.each([
    ['91350100M000100Y44', 'wrong check character'],
    ['91350100M000100Y4', '17 characters'],
    ['91350100M000100Y433', '19 characters'],
    ['91350100m000100y43', 'lower case (normalize first)'],
    ['91350100I000100Y43', 'forbidden letter I'],
    ['91350100O000100Y43', 'forbidden letter O'],
    ['91350100Z000100Y43', 'forbidden letter Z'],
    ['91350100S000100Y43', 'forbidden letter S'],
    ['91350100V000100Y43', 'forbidden letter V'],
    ['', 'empty'],
  ])('rejects %s (%s)', (s) => {
    expect(isUnifiedSocialCreditCode(s)).toBe(false);
  });

  it('checks positions 1–8 loosely: a known registration authority, a type 1–9, six division digits', () => {
    const ok = (body: string) => body + refCreditCheck(body);
    expect(isUnifiedSocialCreditCode(ok('Y1110000MA0000001'))).toBe(true);
    expect(isUnifiedSocialCreditCode(ok('01350100M000100Y4'))).toBe(false); // authority 0
    expect(isUnifiedSocialCreditCode(ok('B1350100M000100Y4'))).toBe(false); // authority B
    expect(isUnifiedSocialCreditCode(ok('90350100M000100Y4'))).toBe(false); // type 0
    expect(isUnifiedSocialCreditCode(ok('913501A0M000100Y4'))).toBe(false); // letter in the division code
  });

  it('normalizes typed input', () => {
    expect(normalizeUnifiedSocialCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });

  it('property (1000 runs): codes built with the reference check character are valid', () => {
    fc.assert(
      fc.property(validCredit, (code) => {
        expect(isUnifiedSocialCreditCode(code)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('property (2000 runs): changing any single character of a valid code makes it invalid', () => {
    fc.assert(
      fc.property(validCredit, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...REF_CHARS, ...'IOSVZa'), (code, pos, c) => {
        fc.pre(code[pos] !== c);
        expect(isUnifiedSocialCreditCode(code.slice(0, pos) + c + code.slice(pos + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('masks', () => {
  it.each([
    ['11010519491231002X', '110105********002X'],
    ['440524188001010014', '440524********0014'],
    ['110105490101001', '110105*****1001'], // an old 15-digit number
    ['1234567890', '**********'], // too short to show any part
    ['', ''],
  ])('maskResidentIdNumber(%s) = %s', (s, masked) => {
    expect(maskResidentIdNumber(s)).toBe(masked);
  });

  it.each([
    ['13812341234', '138****1234'],
    ['+86 138 1234 5678', '+86 138 **** 5678'],
    ['0731-88886666', '0731-****6666'],
    ['1234567', '***4567'],
    ['1234', '****'],
    ['', ''],
  ])('maskPhone(%s) = %s', (s, masked) => {
    expect(maskPhone(s)).toBe(masked);
  });

  it('property (500 runs): masks keep the length and hide the middle of every valid identity number', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const m = maskResidentIdNumber(id);
        expect(m).toHaveLength(18);
        expect(m.slice(6, 14)).toBe('********'); // the birth date is hidden
        expect(m.slice(0, 6) + m.slice(14)).toBe(id.slice(0, 6) + id.slice(14));
      }),
      { numRuns: 500 },
    );
  });
});
