/**
 * The charge lifecycle table, row by row: the rows written out here by hand,
 * apart from the table, so a change to it shows as a failing cell; who may
 * take each action, in which states; the four eyes on waivers and refunds;
 * and where an action leaves the charge.
 */
import { describe, expect, it } from 'vitest';
import { chargeStates, type Balance, type ChargeState } from '#schemas/api/fees';
import { genericProblems } from '#schemas/api/problems';
import type { Caller, StaffRole } from '#shared/auth';
import { assessmentRefusal, decide, nextActions, nextState, rowsOf, transitions, type ChargeRecord } from '../../../functions/fees/lifecycle.ts';
import { feeProblems } from '../../../functions/fees/problems.ts';

const zero: Balance = { dueFen: 0, toRefundFen: 0, receivedFen: 0, refundedFen: 0, revenueFen: 0 };
const owing: Balance = { ...zero, dueFen: 36_000 };
const settled: Balance = { ...zero, receivedFen: 36_000, revenueFen: 36_000 };

const person = (userId: string, role: StaffRole, departmentId = 'housing'): Caller => ({ userId, username: userId, roles: [role], centerId: 'c1', departmentId });
const clerk = person('clerk-1', 'clerk');
const otherClerk = person('clerk-2', 'clerk');
const approver = person('approver-1', 'approver');
const head = person('head-1', 'dept_head');
const foreignClerk = person('clerk-9', 'clerk', 'amr');
const applicant: Caller = { userId: 'sub-owner', username: 'zhang.san', roles: ['applicant'], centerId: 'c1' };

function charge(state: ChargeState, patch: Partial<ChargeRecord> = {}): ChargeRecord {
  return {
    chargeId: '01CHARGE', caseNo: 'SF-20261204-00001', centerId: 'c1', item: { code: '370982-ZJ-XK-004', version: 1, departmentId: 'housing' }, state, currency: 'CNY',
    lines: [{ feeId: 'occupation', name: '城市道路占用费', kind: 'per_unit', unit: '每平方米·日', basis: '条例', quantity: 360, unitFen: 100, amountFen: 36_000 }],
    grossFen: 36_000, assessedBy: clerk.userId, assessedAt: '2026-12-04T02:00:00Z', payBy: '2026-12-24', version: 2, ...patch,
  };
}

/** The table, written out by hand: action → from → to, and who takes it. */
const expected: [string, ChargeState[], ChargeState | 'back', string[]][] = [
  ['assess', [], 'assessed', ['clerk']],
  ['issue', ['assessed'], 'to_pay', ['clerk']],
  ['requestWaiver', ['assessed'], 'waiver_pending', ['clerk']],
  ['approveWaiver', ['waiver_pending'], 'to_pay', ['approver', 'dept_head']],
  ['rejectWaiver', ['waiver_pending'], 'to_pay', ['approver', 'dept_head']],
  ['pay', ['to_pay'], 'paid', ['system']],
  ['expire', ['to_pay'], 'expired', ['system']],
  ['cancel', ['assessed', 'waiver_pending', 'to_pay'], 'cancelled', ['clerk', 'system']],
  ['requestRefund', ['paid', 'expired', 'cancelled', 'refunded'], 'refund_requested', ['clerk']],
  ['approveRefund', ['refund_requested'], 'refunding', ['approver', 'dept_head']],
  ['rejectRefund', ['refund_requested'], 'back', ['approver', 'dept_head']],
  ['refunded', ['refunding'], 'refunded', ['system']],
];

const callerFor = (role: string): Caller | undefined => (role === 'system' ? undefined : role === 'clerk' ? otherClerk : role === 'approver' ? approver : head);
const balanceFor = (action: string) => (['pay'].includes(action) ? zero : ['requestRefund'].includes(action) ? settled : owing);
const today = '2026-12-28';
const withRefund = { refund: { outRefundNo: 'R1', amountFen: 100, reason: '多收', requestedBy: clerk.userId, requestedAt: '2026-12-05T00:00:00Z', returnTo: 'paid' as const } };
const withWaiver = { waiver: { category: { categoryId: 'small', name: '小微企业', basis: '财税〔2014〕101号', kind: 'full' as const }, amountFen: 36_000, reason: '小微企业', requestedBy: clerk.userId, requestedAt: '2026-12-04T03:00:00Z' } };

describe('the charge lifecycle table', () => {
  it('has exactly the rows written out here', () => {
    expect(transitions.map((t) => [t.action, [...t.from], t.to, t.by.map((a) => a.role)])).toEqual(expected);
    for (const t of transitions) for (const s of t.from) expect(chargeStates).toContain(s);
  });

  it.each(expected.filter(([action]) => action !== 'assess'))('%s: allowed from its states for its actors, wrong-state elsewhere, forbidden to others', (action, from, _to, roles) => {
    for (const role of roles) {
      for (const state of chargeStates) {
        const d = decide(action, charge(state, { ...withRefund, ...withWaiver }), { caller: callerFor(role), today, balance: balanceFor(action) });
        if (from.includes(state)) expect(d, `${role} in ${state}`).toMatchObject({ ok: true });
        else expect(d.ok ? 'ok' : d.refusal.problem.slug, `${role} in ${state}`).toBe('wrong-state');
      }
    }
    for (const outsider of [applicant, foreignClerk, ...(roles.includes('system') ? [] : [undefined])]) {
      const d = decide(action, charge(from[0]!, { ...withRefund, ...withWaiver }), { caller: outsider, today, balance: balanceFor(action) });
      expect(d.ok ? 'ok' : d.refusal.status).toBe(403);
    }
  });

  it('only a clerk of the case\'s department assesses', () => {
    const target = { centerId: 'c1', item: { departmentId: 'housing' } };
    expect(assessmentRefusal(clerk, target)).toBeUndefined();
    for (const c of [foreignClerk, approver, applicant, { ...clerk, centerId: 'c2' }]) expect(assessmentRefusal(c, target)?.status).toBe(403);
  });
});

describe('guards', () => {
  const slug = (d: ReturnType<typeof decide>) => (d.ok ? 'ok' : d.refusal.problem.slug);

  it('a waiver is decided by neither its assessor nor its requester', () => {
    const assessorApprover: Caller = { ...approver, userId: clerk.userId };
    const c = charge('waiver_pending', { ...withWaiver, waiver: { ...withWaiver.waiver, requestedBy: 'approver-2' } });
    expect(slug(decide('approveWaiver', c, { caller: assessorApprover, today, balance: owing }))).toBe('waiver-approver-is-assessor');
    expect(slug(decide('rejectWaiver', c, { caller: { ...approver, userId: 'approver-2' }, today, balance: owing }))).toBe('waiver-approver-is-assessor');
    expect(slug(decide('approveWaiver', c, { caller: approver, today, balance: owing }))).toBe('ok');
    expect(feeProblems['waiver-approver-is-assessor'].status).toBe(403);
  });

  it('a refund is decided by someone other than its requester', () => {
    const c = charge('refund_requested', withRefund);
    expect(slug(decide('approveRefund', c, { caller: { ...head, userId: clerk.userId }, today, balance: settled }))).toBe('refund-approver-is-requester');
    expect(slug(decide('approveRefund', c, { caller: head, today, balance: settled }))).toBe('ok');
  });

  it('nothing to refund, nothing to waive, still owing, not yet expired', () => {
    expect(slug(decide('requestRefund', charge('expired'), { caller: clerk, today, balance: zero }))).toBe('refund-exceeds-received');
    expect(slug(decide('requestWaiver', charge('assessed'), { caller: clerk, today, balance: zero }))).toBe('nothing-due');
    expect(slug(decide('pay', charge('to_pay'), { today, balance: { ...zero, dueFen: 1 } }))).toBe('nothing-due');
    expect(slug(decide('expire', charge('to_pay'), { today: '2026-12-24', balance: owing }))).toBe('not-yet-expired');
    expect(slug(decide('expire', charge('to_pay', { payBy: null }), { today, balance: owing }))).toBe('not-yet-expired');
    expect(slug(decide('expire', charge('to_pay'), { today: '2026-12-25', balance: owing }))).toBe('ok');
  });
});

describe('where an action leaves the charge', () => {
  const row = (action: string) => rowsOf(action)[0]!;
  it('issuing or approving a waiver settles a charge that owes nothing; a rejected refund goes back', () => {
    expect(nextState(row('issue'), {}, 36_000)).toBe('to_pay');
    expect(nextState(row('issue'), {}, 0)).toBe('paid');
    expect(nextState(row('approveWaiver'), {}, 0)).toBe('paid');
    expect(nextState(row('rejectWaiver'), {}, 0)).toBe('to_pay');
    expect(nextState(row('rejectRefund'), { refund: { ...withRefund.refund, returnTo: 'expired' } }, 0)).toBe('expired');
  });

  it('nextActions lists what the caller may do now, in table order', () => {
    expect(nextActions(charge('assessed'), { caller: clerk, today, balance: owing })).toEqual(['issue', 'requestWaiver', 'cancel']);
    expect(nextActions(charge('to_pay'), { caller: clerk, today, balance: owing })).toEqual(['cancel']);
    expect(nextActions(charge('paid'), { caller: clerk, today, balance: settled })).toEqual(['requestRefund']);
    expect(nextActions(charge('refund_requested', withRefund), { caller: head, today, balance: settled })).toEqual(['approveRefund', 'rejectRefund']);
    expect(genericProblems['wrong-state'].status).toBe(409);
  });
});
