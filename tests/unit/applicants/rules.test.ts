import { describe, expect, it } from 'vitest';
import type { Applicant } from '#schemas/api/applicants';
import type { Caller, StaffRole } from '#shared/auth';
import { residentIdCheckCharacter, unifiedSocialCreditCheckCharacter } from '#shared/identifiers';
import { centerContextIn, centerProfileKey } from '#shared/center';
import fc from 'fast-check';
import {
  agencyFault,
  agentErrors,
  grantCovers,
  creditCodeError,
  idNumberError,
  identifierOf,
  lookupOf,
  registrationPath,
  released,
  revealDecision,
  verificationFault,
  verifiedFields,
  staffView,
} from '../../../functions/applicants/rules.ts';
import { maskEmail } from '#shared/identifiers';
import type { VerifiedIdentity } from '../../../functions/applicants/identity/verifier.ts';

const today = '2026-06-01';
const id17 = '11010519491231002';
const validId = `${id17}${residentIdCheckCharacter(id17)}`; // 11010519491231002X
const wrongCheck = `${id17}${residentIdCheckCharacter(id17) === '0' ? '1' : '0'}`;
const code17 = '91350100M000100Y4';
const validCode = `${code17}${unifiedSocialCreditCheckCharacter(code17)}`;
const wrongCodeCheck = `${code17}${unifiedSocialCreditCheckCharacter(code17) === '0' ? '1' : '0'}`;

const citizen: VerifiedIdentity = { kind: 'citizen', name: '王五', idNumber: validId, level: 'real-person', provider: 'simulator' };
const codes = (errors: { path: string; code: string }[]) => errors.map((e) => `${e.path}:${e.code}`).sort();
const enterprise: VerifiedIdentity = { kind: 'enterprise', name: '示范科技有限公司', creditCode: validCode, legalRepresentative: '赵六', level: 'real-person', provider: 'simulator' };

describe('resident ID numbers', () => {
  it('accepts a valid number, also typed with a lower-case x', () => {
    expect(validId.endsWith('X')).toBe(true);
    expect(idNumberError(validId, today)).toBeUndefined();
    expect(idNumberError(` ${validId.toLowerCase()} `, today)).toBeUndefined();
    expect(identifierOf({ ...citizen, idNumber: ` ${validId.toLowerCase()}` })).toBe(validId);
  });

  it('names the fault: format, check digit, or an impossible province or date', () => {
    expect(idNumberError('1234', today)?.code).toBe('format');
    expect(idNumberError(wrongCheck, today)).toMatchObject({ path: '/body/idNumber', code: 'check_digit' });
    const badProvince = `99${id17.slice(2)}`;
    expect(idNumberError(`${badProvince}${residentIdCheckCharacter(badProvince)}`, today)?.code).toBe('invalid');
    const future = '11010520300101002';
    expect(idNumberError(`${future}${residentIdCheckCharacter(future)}`, today)?.code).toBe('invalid');
  });
});

describe('unified social credit codes', () => {
  it('accepts a valid code and names a wrong check character', () => {
    expect(creditCodeError(validCode)).toBeUndefined();
    expect(creditCodeError(wrongCodeCheck)).toMatchObject({ path: '/body/creditCode', code: 'check_digit' });
    expect(creditCodeError('91350100M000100YI')?.code).toBe('format');
  });
});

describe('registration through a verified identity', () => {
  it('needs a real-person verification: real-name is what a squatter who knows the number passes too', () => {
    expect(verificationFault(citizen)).toBeUndefined();
    expect(verificationFault(enterprise)).toBeUndefined();
    expect(verificationFault({ ...citizen, level: 'real-name' })).toBe('insufficient_level');
    expect(verificationFault({ ...enterprise, level: 'real-name' })).toBe('insufficient_level');
  });

  it.each([
    ['nobody holds the number', undefined, 'new'],
    ['a profile never verified holds it', { applicantId: 'A', verified: false }, 'reclaim'],
    ['a verified profile holds it: the same person', { applicantId: 'A', verified: true }, 'repeat'],
  ] as const)('%s → %s', (_why, holder, path) => {
    expect(registrationPath(holder)).toBe(path);
  });

  it('takes the name and the number from the provider, normalized as the uniqueness item keys them', () => {
    expect(verifiedFields({ ...citizen, idNumber: validId.toLowerCase() })).toEqual({ kind: 'citizen', name: '王五', idNumber: validId });
    expect(verifiedFields({ ...enterprise, creditCode: validCode.toLowerCase() })).toEqual({ kind: 'enterprise', name: '示范科技有限公司', creditCode: validCode, legalRepresentative: '赵六' });
  });

  it('a reclaimed profile loses its number and keeps everything else, at its next rev', () => {
    const before = { applicantId: 'A', kind: 'citizen' as const, username: 'sq', name: '王五', email: 'e@example.com', phone: '13800000000', idNumber: validId, registeredAt: 't0', updatedAt: 't0', sub: 's', rev: 3 };
    const after = released(before, 't1');
    expect(after).toEqual({ applicantId: 'A', kind: 'citizen', username: 'sq', name: '王五', email: 'e@example.com', phone: '13800000000', registeredAt: 't0', updatedAt: 't1', identityReleasedAt: 't1', sub: 's', rev: 4 });
    const firm = released({ ...before, idNumber: undefined, kind: 'enterprise' as const, creditCode: validCode, legalRepresentative: '赵六' }, 't1');
    expect([firm.creditCode, firm.legalRepresentative]).toEqual([undefined, '赵六']);
  });
});

describe('the counter\'s lookup', () => {
  it('names the number normalized as registration keys it, and what it is', () => {
    expect(lookupOf({ idNumber: validId.toLowerCase() })).toEqual({ by: 'idNumber', identifier: validId });
    expect(lookupOf({ creditCode: ` ${validCode.toLowerCase()} ` })).toEqual({ by: 'creditCode', identifier: validCode });
    // A birth date still to come is not found rather than refused: no registration holds it.
    const unborn17 = '11010520991231002';
    expect(lookupOf({ idNumber: `${unborn17}${residentIdCheckCharacter(unborn17)}` })).toMatchObject({ by: 'idNumber' });
  });

  it('refuses none, both, and a malformed number, naming the field', () => {
    const faults = (body: Parameters<typeof lookupOf>[0]) => {
      const out = lookupOf(body);
      return 'errors' in out ? codes(out.errors) : [];
    };
    expect(faults({})).toEqual(['/body:one_of']);
    expect(faults({ idNumber: validId, creditCode: validCode })).toEqual(['/body:one_of']);
    expect(faults({ idNumber: wrongCheck })).toEqual(['/body/idNumber:check_digit']);
    expect(faults({ creditCode: wrongCodeCheck })).toEqual(['/body/creditCode:check_digit']);
    expect(faults({ idNumber: '12345' })).toEqual(['/body/idNumber:format']);
  });
});

describe('agents', () => {
  const body = { agentApplicantId: '01J0000000000000000000000B', scope: 'all' as const, validUntil: '2026-12-31' };
  it('accepts a valid authorization', () => {
    expect(agentErrors('01J0000000000000000000000A', body, today)).toEqual([]);
    expect(agentErrors('01J0000000000000000000000A', { ...body, scope: 'items', itemCodes: ['370982-AMR-XK-001'] }, today)).toEqual([]);
  });
  it('refuses oneself, a missing or superfluous item list, and a past date', () => {
    expect(codes(agentErrors(body.agentApplicantId, body, today))).toEqual(['/body/agentApplicantId:self']);
    expect(codes(agentErrors('A', { ...body, scope: 'items' }, today))).toEqual(['/body/itemCodes:required']);
    expect(codes(agentErrors('A', { ...body, itemCodes: ['370982-AMR-XK-001'] }, today))).toEqual(['/body/itemCodes:unexpected']);
    expect(codes(agentErrors('A', { ...body, validUntil: '2026-05-31' }, today))).toEqual(['/body/validUntil:past']);
  });
});

describe('when an authorization lets the agent act (agencyFault, grantCovers)', () => {
  const item = '370982-AMR-XK-001';
  const other = '370982-HOUSING-XK-002';
  const active = { status: 'active' as const, scope: 'items' as const, itemCodes: [item], validUntil: '2026-06-30' };
  const rows: [string, Parameters<typeof agencyFault>[0], string | undefined, string, ReturnType<typeof agencyFault>][] = [
    ['no authorization at all', undefined, item, today, 'no_authorization'],
    ['an item listed, within its days', active, item, today, undefined],
    ['on its last day (inclusive)', active, item, '2026-06-30', undefined],
    ['the day after its last day', active, item, '2026-07-01', 'expired'],
    ['an item not listed', active, other, today, 'out_of_scope'],
    ['scope all: any item', { status: 'active', scope: 'all', validUntil: '2026-06-30' }, other, today, undefined],
    ['revoked, even within its days and scope', { ...active, status: 'revoked' }, item, today, 'revoked'],
    ['revoked and expired: revoked first', { ...active, status: 'revoked' }, item, '2027-01-01', 'revoked'],
    ['expired and out of scope: expired first', active, other, '2027-01-01', 'expired'],
    ['whatever the item (listing): scope is not asked', active, undefined, today, undefined],
    ['whatever the item, expired', active, undefined, '2026-07-01', 'expired'],
  ];
  it.each(rows)('%s', (_name, terms, itemCode, day, fault) => {
    expect(agencyFault(terms, itemCode, day)).toBe(fault);
    if (itemCode) expect(grantCovers(terms, itemCode, day)).toBe(fault === undefined);
  });

  it('covers exactly when active, not past its last day, and the item is in scope (any terms, any day)', () => {
    const date = fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
    const code = fc.constantFrom(item, other, '370982-TAX-XK-003');
    const terms = fc.record({
      status: fc.constantFrom('active' as const, 'revoked' as const),
      scope: fc.constantFrom('all' as const, 'items' as const),
      itemCodes: fc.uniqueArray(code, { minLength: 1, maxLength: 3 }),
      validUntil: date,
    });
    fc.assert(fc.property(terms, code, date, (t, c, day) => {
      const expected = t.status === 'active' && day <= t.validUntil && (t.scope === 'all' || t.itemCodes.includes(c));
      expect(grantCovers(t, c, day)).toBe(expected);
    }), { numRuns: 2000 });
  });
});

describe('what staff see', () => {
  const caller = (role: StaffRole): Caller => ({ userId: 'u', username: role, roles: [role], centerId: 'c1', ...(role === 'clerk' || role === 'approver' || role === 'dept_admin' ? { departmentId: 'amr' } : {}) });
  const profile: Applicant = {
    applicantId: '01J0000000000000000000000A', kind: 'citizen', username: 'wang.wu', name: '王五', email: 'wang.wu@example.com', phone: '13812345678',
    idNumber: validId, registeredAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('masks unless asked; only clerks and approvers may reveal, others are refused', () => {
    expect(revealDecision(caller('supervisor'), false)).toBe('masked');
    expect(revealDecision(caller('clerk'), true)).toBe('revealed');
    expect(revealDecision(caller('approver'), true)).toBe('revealed');
    for (const role of ['supervisor', 'dept_admin', 'center_admin', 'auditor', 'applicant'] as const) expect(revealDecision(caller(role), true), role).toBe('refused');
  });

  it('masks ID number, phone and email, keeps a credit code; shows the account\'s status', () => {
    const view = staffView(profile, 'active', false);
    expect(view).toMatchObject({ masked: true, status: 'active', idNumber: '110105********002X', phone: '138****5678', email: 'w***@example.com', name: '王五' });
    expect(JSON.stringify(view)).not.toContain(validId);
    expect(staffView(profile, 'disabled', true)).toEqual({ ...profile, status: 'disabled', masked: false });
    const { idNumber: _i, ...rest } = profile;
    expect(staffView({ ...rest, kind: 'enterprise', creditCode: validCode }, 'active', false).creditCode).toBe(validCode);
    expect(maskEmail('not-an-email')).toBe('************');
  });

  it('shows the last credit decision (失信) when there is one', () => {
    const credit = { excluded: true, reason: '列入失信被执行人名单', at: '2026-06-01T00:00:00.000Z', by: 'center.admin' };
    expect(staffView(profile, 'active', false, credit).credit).toEqual(credit);
    expect(staffView(profile, 'active', false)).not.toHaveProperty('credit');
  });

  it('counts days in the center\'s time zone (the "today" registration and agents are checked against)', () => {
    const today = (timeZone: string | undefined, now: string) => {
      const profile = { ...centerProfileKey('c1'), name: 'c1', ...(timeZone ? { timeZone } : {}) };
      return centerContextIn(new Map([[`${profile.PK}|${profile.SK}`, profile]]), 'c1', now).today;
    };
    expect(today(undefined, '2026-06-01T16:30:00Z')).toBe('2026-06-02');
    expect(today(undefined, '2026-06-01T15:59:00Z')).toBe('2026-06-01');
    expect(today('Asia/Urumqi', '2026-06-01T16:30:00Z')).toBe('2026-06-01');
  });
});
