import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesTerms, positionOf, searchPage, termsOf } from '../../../functions/catalog/search.ts';

const item = (code: string, name: string, departmentId = 'amr') => ({ code, name, departmentId });

describe('keyword search of the public catalog', () => {
  it('splits on any whitespace, full-width spaces included; spaces alone are no term', () => {
    expect(termsOf('  营业执照\u3000设立 ')).toEqual(['营业执照', '设立']);
    expect(termsOf(' \u3000 ')).toEqual([]);
  });

  it('finds by name, code, department id or department name, each term in some field', () => {
    const licence = item('370982-ZJ-XK-001', '企业设立登记', 'amr');
    expect(matchesTerms(licence, '市场监督管理局', termsOf('设立'))).toBe(true);
    expect(matchesTerms(licence, '市场监督管理局', termsOf('设立 管理局'))).toBe(true);
    expect(matchesTerms(licence, '市场监督管理局', termsOf('市场监督 登记'))).toBe(true);
    expect(matchesTerms(licence, '市场监督管理局', termsOf('xk-001'))).toBe(true);
    expect(matchesTerms(licence, undefined, termsOf('AMR'))).toBe(true);
    expect(matchesTerms(licence, '市场监督管理局', termsOf('设立 卫生'))).toBe(false);
    expect(matchesTerms(licence, undefined, termsOf('市场监督'))).toBe(false);
  });

  it('is width- and case-insensitive: full-width letters and digits typed on a phone match', () => {
    expect(matchesTerms(item('370982-ZJ-XK-004', '食品经营许可'), undefined, termsOf('ｘｋ－００４'))).toBe(true);
    expect(matchesTerms(item('370982-ZJ-XK-004', '食品经营许可'), undefined, termsOf('Xk-004'))).toBe(true);
  });

  it('pages in list order: every match once, none skipped, the last page without a cursor', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.constantFrom('amr', 'health', 'housing'), fc.integer({ min: 1, max: 999 })), { selector: ([d, n]) => `${d}#${n}`, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (keys, limit) => {
        const matches = keys.map(([d, n]) => item(`C-${String(n).padStart(3, '0')}`, 'x', d)).sort((a, b) => (positionOf(a) < positionOf(b) ? -1 : 1));
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages <= matches.length; pages++) {
          const page = searchPage(matches, limit, after);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map(positionOf));
          if (!page.next) break;
          after = page.next;
        }
        expect(seen).toEqual(matches.map(positionOf));
      }),
    );
  });
});
