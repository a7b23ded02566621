import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth';
import { HttpProblem } from '#shared/errors';
import { appeal, cancel, cardIdOf, cardOf, decideAppeal, isCarded, issuedCounts, parseCardId, type CardRecord } from '../../../functions/supervision/cards.ts';

const threshold = {
  caseNo: 'SF-20261203-00012', departmentId: 'amr', clock: 'special_procedure:1', clockKind: 'special_procedure' as const,
  level: 'yellow' as const, thresholdAt: '2026-12-09T16:00:00.000Z', due: '2026-12-09', overdueWorkingDays: 1,
};
const card = (over: Partial<CardRecord> = {}): CardRecord => ({ ...cardOf('center-demo', threshold, '2026-12-09T16:00:20.000Z', '2026-12'), ...over });
const caller = (roles: Caller['roles'], departmentId?: string): Caller => ({ userId: `u-${roles[0]}`, username: 'x', roles, centerId: 'center-demo', ...(departmentId ? { departmentId } : {}) });
const deptAdmin = caller(['dept_admin'], 'amr');
const supervisor = caller(['supervisor']);
const statusOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof HttpProblem ? `${err.status} ${err.problem.slug}` : String(err);
  }
  return 'ok';
};

describe('card ids', () => {
  it('are made of the case, the clock and the level, and read back', () => {
    const subject = { type: 'case', id: threshold.caseNo! } as const;
    const id = cardIdOf(subject, threshold.clock, 'yellow');
    expect(id).toBe('SF-20261203-00012~special_procedure~1~yellow');
    expect(parseCardId(id)).toEqual({ subject, clock: 'special_procedure:1', level: 'yellow' });
    expect(parseCardId('SF-20261203-00012~case~red')).toEqual({ subject, clock: 'case', level: 'red' });
    // A complaint's clock: its id, a ULID, is never a case number.
    const complaint = { type: 'complaint', id: '01M93HCW57QQCWPSCZA19BQ0K6' } as const;
    expect(parseCardId(cardIdOf(complaint, 'reply', 'red'))).toEqual({ subject: complaint, clock: 'reply', level: 'red' });
  });
  it('delivery has no row in the card table; the other clocks do', () => {
    expect(isCarded({ clockKind: 'delivery' })).toBe(false);
    expect(['case', 'special_procedure', 'pre_review', 'order'].every((k) => isCarded({ clockKind: k as never }))).toBe(true);
  });
});

describe('card changes', () => {
  it('an issued card counts once at its level', () => {
    expect(card().state).toBe('issued');
    expect(issuedCounts(card())).toEqual({ cards_yellow: 1, issued: 1 });
  });
  it('the department\'s admin appeals once; another department\'s, a clerk or a supervisor may not', () => {
    const appealed = appeal(card(), deptAdmin, { reason: '申请人要求延后检验', evidence: ['通知书 2026-88'] }, '2026-12-10T01:00:00Z');
    expect(appealed).toMatchObject({ state: 'pending', version: 2, appeal: { by: 'u-dept_admin', reason: '申请人要求延后检验' } });
    expect(statusOf(() => appeal(appealed, deptAdmin, { reason: 'again', evidence: [] }, '2026-12-10T02:00:00Z'))).toBe('409 card-already-appealed');
    expect(statusOf(() => appeal(card(), caller(['dept_admin'], 'housing'), { reason: 'x', evidence: [] }, 'now'))).toBe('403 forbidden');
    expect(statusOf(() => appeal(card(), caller(['clerk'], 'amr'), { reason: 'x', evidence: [] }, 'now'))).toBe('403 forbidden');
    expect(statusOf(() => appeal(card(), supervisor, { reason: 'x', evidence: [] }, 'now'))).toBe('403 forbidden');
  });
  it('a supervisor decides: revoked leaves the figures, returned stands (upheld), escalated is 督办', () => {
    const pending = appeal(card(), deptAdmin, { reason: 'r', evidence: [] }, '2026-12-10T01:00:00Z');
    const revoked = decideAppeal(pending, supervisor, { decision: 'revoked', note: '属实' }, '2026-12-11T01:00:00Z');
    expect(revoked.next.state).toBe('revoked');
    expect(revoked.counts).toEqual({ cards_yellow: -1, revoked: 1 });
    expect(decideAppeal(pending, supervisor, { decision: 'returned', note: '不属实' }, 'n').next.state).toBe('upheld');
    expect(decideAppeal(pending, supervisor, { decision: 'escalated', note: '督办' }, 'n').counts).toEqual({ escalated: 1 });
    expect(statusOf(() => decideAppeal(pending, deptAdmin, { decision: 'revoked', note: 'x' }, 'n'))).toBe('403 forbidden');
    expect(statusOf(() => decideAppeal(card(), supervisor, { decision: 'revoked', note: 'x' }, 'n'))).toBe('409 wrong-state');
  });
  it('a withdrawn threshold cancels an issued, pending or upheld card, and leaves a revoked one', () => {
    expect(cancel(card(), 'n')).toMatchObject({ next: { state: 'cancelled', version: 2 }, counts: { cards_yellow: -1, cancelled: 1 } });
    expect(cancel(card({ state: 'upheld' }), 'n')?.next.state).toBe('cancelled');
    expect(cancel(card({ state: 'revoked' }), 'n')).toBeUndefined();
    expect(cancel(card({ state: 'cancelled' }), 'n')).toBeUndefined();
  });
});
