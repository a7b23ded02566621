import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpProblem } from '#shared/errors';
import { assertMayReissueQueryCode, holdsQueryCode } from '../../../functions/cases/access.ts';
import { currentQueryCode, QUERY_CODE_ALPHABET, queryCodeMatches, queryCodeOf } from '../../../functions/cases/case-numbers.ts';
import { reissueQueryCode } from '../../../functions/cases/rules.ts';
import { act, clerk, ENTERPRISE, intake, owner, staff, T } from './case-fixtures.ts';

/**
 * Query codes (查询码) derived from the stage's key, the center, the case
 * number and the generation: what the receipt, the acceptance notice and the
 * lookup compute alike (case-numbers.ts); the reissue rule and who holds a code.
 */
const KEY = 'k'.repeat(64);
const CODE = new RegExp(`^[${QUERY_CODE_ALPHABET}]{12}$`);

describe('queryCodeOf', () => {
  it('is 12 characters of the 30-letter alphabet, without 0/O, 1/I/L or U', () => {
    expect(QUERY_CODE_ALPHABET).toHaveLength(30);
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01OILU]/);
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 1_000_000 }), (center, caseNo, generation) => {
      expect(queryCodeOf(KEY, center, caseNo, generation)).toMatch(CODE);
    }), { numRuns: 2000 });
  });

  it('is deterministic: the same key, center, case and generation give the same code in every function', () => {
    expect(queryCodeOf(KEY, 'c1', 'SF-20260302-00001', 1)).toBe(queryCodeOf(KEY, 'c1', 'SF-20260302-00001', 1));
    // Pinned: a change of the derivation would change every code on paper at once.
    expect(queryCodeOf(KEY, 'c1', 'SF-20260302-00001', 1)).toBe('74M2D2Q784DA');
  });

  it('differs per generation, case, center and key', () => {
    const base = queryCodeOf(KEY, 'c1', 'SF-20260302-00001', 1);
    expect(queryCodeOf(KEY, 'c1', 'SF-20260302-00001', 2)).not.toBe(base);
    expect(queryCodeOf(KEY, 'c1', 'SF-20260302-00002', 1)).not.toBe(base);
    expect(queryCodeOf(KEY, 'c2', 'SF-20260302-00001', 1)).not.toBe(base);
    expect(queryCodeOf('j'.repeat(64), 'c1', 'SF-20260302-00001', 1)).not.toBe(base);
    // No two of 5 000 cases share a code (≈ 59 bits: a collision here would mean a broken derivation).
    const codes = new Set(Array.from({ length: 5000 }, (_, i) => queryCodeOf(KEY, 'c1', `SF-20260302-${String(i).padStart(5, '0')}`, 1 + (i % 3))));
    expect(codes.size).toBe(5000);
  });

  it('spreads over the whole alphabet in every position (no letter favoured beyond chance)', () => {
    const n = 6000;
    const counts = Array.from({ length: 12 }, () => new Map<string, number>());
    for (let i = 0; i < n; i++) {
      [...queryCodeOf(KEY, 'c1', `SF-${i}`, 1)].forEach((ch, pos) => counts[pos]!.set(ch, (counts[pos]!.get(ch) ?? 0) + 1));
    }
    for (const position of counts) {
      expect(position.size).toBe(30);
      // Expected 200 each; a fair draw stays well within ±60 (> 4 σ).
      for (const count of position.values()) expect(Math.abs(count - n / 30)).toBeLessThan(60);
    }
  });

  it('has no generation 0 or below: a case without a code has no generation', () => {
    expect(() => queryCodeOf(KEY, 'c1', 'SF-1', 0)).toThrow(RangeError);
    expect(() => queryCodeOf(KEY, 'c1', 'SF-1', 1.5)).toThrow(RangeError);
  });
});

describe('the case\'s current code and the lookup\'s check', () => {
  beforeEach(() => vi.stubEnv('QUERY_CODE_KEY', KEY));
  afterEach(() => vi.unstubAllEnvs());

  const c = { centerId: 'c1', caseNo: 'SF-20260302-00001' };

  it('the current generation\'s code matches, typed in any case; the one before it does not', () => {
    const now = currentQueryCode({ ...c, queryCodeGeneration: 2 })!;
    expect(now).toBe(queryCodeOf(KEY, c.centerId, c.caseNo, 2));
    expect(queryCodeMatches({ ...c, queryCodeGeneration: 2 }, now)).toBe(true);
    expect(queryCodeMatches({ ...c, queryCodeGeneration: 2 }, now.toLowerCase())).toBe(true);
    expect(queryCodeMatches({ ...c, queryCodeGeneration: 2 }, queryCodeOf(KEY, c.centerId, c.caseNo, 1))).toBe(false);
    expect(queryCodeMatches({ ...c, queryCodeGeneration: 2 }, '')).toBe(false);
  });

  it('a case not accepted has no code, and nothing matches it', () => {
    expect(currentQueryCode(c)).toBeUndefined();
    expect(queryCodeMatches(c, queryCodeOf(KEY, c.centerId, c.caseNo, 1))).toBe(false);
  });

  it('a case accepted before codes were derived keeps working with its hash, until a reissue gives it a generation', () => {
    const drawn = 'ABCDEFGHJKMN';
    const legacy = { ...c, queryCodeHash: createHash('sha256').update(`${c.caseNo}:${drawn}`).digest('hex') };
    expect(queryCodeMatches(legacy, drawn)).toBe(true);
    expect(queryCodeMatches(legacy, drawn.toLowerCase())).toBe(true);
    expect(queryCodeMatches(legacy, 'ABCDEFGHJKMP')).toBe(false);
    // A deemed acceptance then stored an empty hash: no code opened it.
    expect(queryCodeMatches({ ...c, queryCodeHash: '' }, '')).toBe(false);
    // With a generation, the hash no longer counts.
    expect(queryCodeMatches({ ...legacy, queryCodeGeneration: 1 }, drawn)).toBe(false);
  });
});

describe('reissueQueryCode', () => {
  const accepted = () => act(intake(ENTERPRISE), 'accept', {}, T('03-03', '10:00'), clerk(intake(ENTERPRISE))).next;

  it('takes the next generation, a new version, and says only the generation', () => {
    const c = accepted();
    expect(c.queryCodeGeneration).toBe(1);
    const now = T('03-04', '09:30');
    const { next, details, changedSteps } = reissueQueryCode(c, now);
    expect(next).toMatchObject({ queryCodeGeneration: 2, version: c.version + 1, updatedAt: now, state: c.state });
    expect(details).toEqual({ queryCodeGeneration: 2 });
    expect(changedSteps).toEqual([]);
    expect(reissueQueryCode(next, now).next.queryCodeGeneration).toBe(3);
  });

  it('a case holding a drawn code\'s hash drops it and takes generation 1', () => {
    const { next } = reissueQueryCode({ ...accepted(), queryCodeGeneration: undefined, queryCodeHash: 'a'.repeat(64) }, T('03-04'));
    expect(next.queryCodeGeneration).toBe(1);
    expect('queryCodeHash' in next).toBe(false);
  });

  it('a case not accepted has no code to reissue (409 query-code-not-issued)', () => {
    const c = intake(ENTERPRISE);
    const err = (() => { try { reissueQueryCode(c, T('03-02', '10:00')); } catch (e) { return e; } })() as HttpProblem;
    expect(err).toBeInstanceOf(HttpProblem);
    expect(err.status).toBe(409);
    expect(err.type).toContain('query-code-not-issued');
  });
});

describe('who holds the code', () => {
  const c = intake(ENTERPRISE);
  const agent = { userId: 'sub-agent', username: 'agent', roles: ['applicant' as const], centerId: 'c1' };
  const refused = (f: () => void) => { try { f(); return undefined; } catch (e) { return (e as HttpProblem).status; } };

  it('the owner sees and reissues it; an agent does neither (the code would outlive the authorization)', () => {
    expect(holdsQueryCode(owner, c)).toBe(true);
    expect(holdsQueryCode(agent, c)).toBe(false);
    expect(refused(() => assertMayReissueQueryCode(owner, c))).toBeUndefined();
    expect(refused(() => assertMayReissueQueryCode(agent, c))).toBe(403);
  });

  it('a clerk of the lead department reissues it, and does not see it; other staff and departments may not', () => {
    expect(holdsQueryCode(clerk(c), c)).toBe(false);
    expect(refused(() => assertMayReissueQueryCode(clerk(c), c))).toBeUndefined();
    expect(refused(() => assertMayReissueQueryCode(staff('clerk', c, 'housing'), c))).toBe(403);
    for (const role of ['approver', 'dept_admin', 'dept_head', 'supervisor', 'center_admin', 'auditor'] as const) {
      expect(refused(() => assertMayReissueQueryCode(staff(role, c), c)), role).toBe(403);
    }
    expect(refused(() => assertMayReissueQueryCode({ ...clerk(c), centerId: 'c2' }, c))).toBe(403);
  });
});
