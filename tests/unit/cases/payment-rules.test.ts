import { describe, expect, it } from 'vitest';
import { addWorkingDays, localDate } from '#shared/calendar';
import { deadlinesOf, deliveryPausesOf } from '../../../functions/cases/clock.ts';
import { decide, type CaseRecord, type Context } from '../../../functions/cases/lifecycle.ts';
import { applyTransition, newCase, type Applied } from '../../../functions/cases/rules.ts';
import { defaultCaseSettings } from '../../../functions/cases/settings.ts';
import { act, approver, cal, CONSTRUCTION, clerk, ENTERPRISE, itemVersion, owner, provided, RECEIVED, T } from './case-fixtures.ts';

/**
 * The payment gate's effects (payment-rules.ts) as the consumer applies them:
 * the table decides with the event's charge, then the rules apply. The
 * applicant's wait to pay moves the notice period (before acceptance) or the
 * delivery limit (before delivery) back; the decision clock is untouched.
 */
const ROAD = '370982-ZJ-XK-004'; // housing, promised; fees paid before delivery (the demo's one charged item)

/** CONSTRUCTION with a fee paid before acceptance (the item's setting on expiry as given). */
function beforeAcceptanceItem(onUnpaidExpiry?: 'terminate' | 'keep_waiting') {
  const v = itemVersion(CONSTRUCTION);
  const fee = { feeId: 'review', name: '审查费', kind: 'fixed' as const, amountFen: 5000, currency: 'CNY' as const, unit: '每件', basis: '演示' };
  return { ...v, content: { ...v.content, fees: [fee], paymentStage: 'before_acceptance' as const, ...(onUnpaidExpiry ? { onUnpaidExpiry } : {}) } };
}

function intakeOf(item: ReturnType<typeof itemVersion>, now = RECEIVED): CaseRecord {
  return newCase(cal, {
    caseNo: 'SF-20260302-00001', centerId: 'c1', timeZone: 'Asia/Shanghai', item, channel: 'online', now,
    applicant: { applicantId: '01JQ0000000000000000000000', sub: 'sub-owner', kind: 'enterprise', name: '示范科技有限公司' },
    request: { materials: provided(item.code) },
  });
}

/** A gate event applied as payment-gate.ts applies it: the system decides with the event's charge. */
function gate(c: CaseRecord, action: string, data: Record<string, unknown> & NonNullable<Context['charge']>, now: string): Applied {
  const today = localDate(cal, now);
  const d = decide(action, c, { today, charge: { chargeId: data.chargeId, stage: data.stage } });
  if (!d.ok) throw new Error(`${action} refused: ${d.refusal.status} ${d.refusal.message}`);
  return applyTransition(c, d.transition, data, { cal, now, today, settings: defaultCaseSettings });
}

const issued = (stage: 'before_acceptance' | 'before_delivery', chargeId = 'CH-1') => ({ chargeId, stage, dueFen: 5000, payBy: '2026-03-31' });

describe('intake records the item\'s payment terms', () => {
  it('an item with fees: its stage, due, its setting on expiry (default terminate); an item without: none', () => {
    expect(intakeOf(itemVersion(ROAD)).payment).toEqual({ stage: 'before_delivery', status: 'due', onUnpaidExpiry: 'terminate' });
    expect(intakeOf(beforeAcceptanceItem('keep_waiting')).payment).toEqual({ stage: 'before_acceptance', status: 'due', onUnpaidExpiry: 'keep_waiting' });
    expect(intakeOf(itemVersion(ENTERPRISE))).not.toHaveProperty('payment');
  });
});

describe('before acceptance', () => {
  const c = intakeOf(beforeAcceptanceItem());

  it('ChargeIssued: to_pay, the charge recorded and the wait open; the clock does not start', () => {
    const { next, details, clockChange } = gate(c, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00'));
    expect(next).toMatchObject({ state: 'to_pay', noticeDue: '2026-03-09', deadlines: {}, clock: { suspensions: [] } });
    expect(next.clock.startedAt).toBeUndefined();
    expect(next.payment).toEqual({ stage: 'before_acceptance', status: 'due', onUnpaidExpiry: 'terminate', chargeId: 'CH-1', dueFen: 5000, payBy: '2026-03-31', waits: [{ from: T('03-03', '10:00') }] });
    expect(details).toMatchObject({ chargeId: 'CH-1', dueFen: 5000 });
    expect(clockChange).toBeUndefined();
  });

  it('ChargeSettled: back to submitted; the notice period moved back by the working days waited; then accepted, the clock from acceptance', () => {
    const waiting = gate(c, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00')).next;
    const { next, details } = gate(waiting, 'recordPayment', { chargeId: 'CH-1', stage: 'before_acceptance', how: 'paid' }, T('03-05', '15:00'));
    // Waited Tue 03-03 → Thu 03-05: 03-04 and 03-05 (as suspensions count), so 03-09 + 2 working days.
    expect(next).toMatchObject({ state: 'submitted', noticeDue: '2026-03-11', payment: { status: 'settled', how: 'paid', waits: [{ from: T('03-03', '10:00'), to: T('03-05', '15:00') }] } });
    expect(details).toMatchObject({ how: 'paid', waitedWorkingDays: 2, noticeDue: '2026-03-11' });
    const accepted = act(next, 'accept', {}, T('03-10', '09:00'), clerk(next)).next;
    expect(accepted.clock.startedAt).toBe(T('03-10', '09:00')); // within the moved notice period: from acceptance, not receipt
  });

  it('accept is refused until settled (payment-outstanding), assessed or not', () => {
    const refusal = (x: CaseRecord) => {
      const d = decide('accept', x, { caller: clerk(x), today: '2026-03-04' });
      return d.ok ? 'ok' : `${d.refusal.status} ${d.refusal.problem.slug}`;
    };
    expect(refusal(c)).toBe('409 payment-outstanding');
    const waiting = gate(c, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00')).next;
    const cancelled = gate(waiting, 'cancelCharge', { chargeId: 'CH-1', stage: 'before_acceptance' }, T('03-04', '10:00')).next;
    expect(cancelled.state).toBe('submitted');
    expect(cancelled.payment).toEqual({ stage: 'before_acceptance', status: 'due', onUnpaidExpiry: 'terminate', waits: [{ from: T('03-03', '10:00'), to: T('03-04', '10:00') }] });
    expect(refusal(cancelled)).toBe('409 payment-outstanding');
  });

  it('ChargeExpired, the item says terminate: terminated, charge_unpaid, the wait closed; no clock to stop', () => {
    const waiting = gate(c, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00')).next;
    const { next, details, clockChange } = gate(waiting, 'expireCharge', { chargeId: 'CH-1', stage: 'before_acceptance', payBy: '2026-03-31' }, T('04-01', '00:05'));
    expect(next).toMatchObject({ state: 'terminated', endedAt: T('04-01', '00:05'), termination: { reason: 'charge_unpaid' }, payment: { status: 'expired', waits: [{ to: T('04-01', '00:05') }] } });
    expect(details).toMatchObject({ reason: 'charge_unpaid', payBy: '2026-03-31' });
    expect([clockChange, next.clock]).toEqual([undefined, waiting.clock]);
  });

  it('ChargeExpired, the item says keep waiting: still to_pay, expired, the wait goes on; a new charge replaces it', () => {
    const kept = intakeOf(beforeAcceptanceItem('keep_waiting'));
    const waiting = gate(kept, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00')).next;
    expect(decide('expireCharge', waiting, { today: '2026-04-01', charge: { chargeId: 'CH-1', stage: 'before_acceptance' } }).ok).toBe(false);
    const expired = gate(waiting, 'awaitNewCharge', { chargeId: 'CH-1', stage: 'before_acceptance', payBy: '2026-03-31' }, T('04-01', '00:05')).next;
    expect(expired).toMatchObject({ state: 'to_pay', payment: { status: 'expired', chargeId: 'CH-1', waits: [{ from: T('03-03', '10:00') }] } });
    expect(expired.payment!.waits![0]).not.toHaveProperty('to');
    const again = gate(expired, 'requirePayment', issued('before_acceptance', 'CH-2'), T('04-02', '10:00')).next;
    expect(again).toMatchObject({ state: 'to_pay', payment: { status: 'due', chargeId: 'CH-2', waits: [{ from: T('03-03', '10:00') }] } });
  });

  it('the applicant withdraws while waiting to pay: the wait ends with the case', () => {
    const waiting = gate(c, 'requirePayment', issued('before_acceptance'), T('03-03', '10:00')).next;
    const { next } = act(waiting, 'withdraw', { reason: '不再办理' }, T('03-04', '10:00'), owner);
    expect(next).toMatchObject({ state: 'withdrawn', payment: { waits: [{ from: T('03-03', '10:00'), to: T('03-04', '10:00') }] } });
  });
});

describe('before delivery (缴费后发证)', () => {
  /** The road case granted Thu 03-05 16:00 and closed (办结) Fri 03-06: delivery due 03-19. */
  function closed(): CaseRecord {
    const c = intakeOf(itemVersion(ROAD));
    const a = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
    const r = act(a, 'review', { opinion: '符合条件' }, T('03-03', '10:00'), clerk(a)).next;
    const g = act(r, 'approve', {}, T('03-05', '16:00'), approver(r)).next;
    return act(g, 'complete', {}, T('03-06', '10:00'), clerk(g)).next;
  }

  it('deliver is refused until settled; ChargeIssued on the closed grant: to_pay, the delivery limit paused (absent), the decision clock untouched', () => {
    const done = closed();
    expect(done.deadlines.deliveryDue).toBe('2026-03-19');
    const d = decide('deliver', done, { caller: clerk(done), today: '2026-03-06' });
    expect(d.ok ? 'ok' : `${d.refusal.status} ${d.refusal.problem.slug}`).toBe('409 payment-outstanding');
    const { next, clockChange } = gate(done, 'requirePayment', issued('before_delivery'), T('03-09', '10:00'));
    expect(next.state).toBe('to_pay');
    expect(next.deadlines).not.toHaveProperty('deliveryDue');
    expect([next.deadlines.statutoryDue, next.deadlines.promisedDue]).toEqual([done.deadlines.statutoryDue, done.deadlines.promisedDue]);
    expect([clockChange, next.clock]).toEqual([undefined, done.clock]);
  });

  it('ChargeSettled (waived): back to completed, the delivery limit moved back by the working days waited; then delivered', () => {
    const waiting = gate(closed(), 'requirePayment', issued('before_delivery'), T('03-09', '10:00')).next;
    const { next, details } = gate(waiting, 'recordPayment', { chargeId: 'CH-1', stage: 'before_delivery', how: 'waived' }, T('03-12', '15:00'));
    // Waited Mon 03-09 → Thu 03-12: 03-10, 11, 12.
    expect(next).toMatchObject({ state: 'completed', payment: { status: 'settled', how: 'waived' } });
    expect(next.deadlines.deliveryDue).toBe(addWorkingDays(cal, '2026-03-19', 3));
    expect(details).toMatchObject({ waitedWorkingDays: 3 });
    expect(next.deadlines).toEqual(deadlinesOf(cal, next.clock, next.decision!.at, deliveryPausesOf(next)));
    expect(act(next, 'deliver', { method: 'pickup' }, T('03-13'), clerk(next)).next.state).toBe('delivered');
  });

  it('a denial is not charged: ChargeIssued refused, deliver allowed with the fees unpaid', () => {
    const c = intakeOf(itemVersion(ROAD));
    const a = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
    const r = act(a, 'review', { opinion: '不符合条件' }, T('03-03', '10:00'), clerk(a)).next;
    const denied = act(r, 'deny', { reasons: ['占用位置不符合要求'] }, T('03-05', '16:00'), approver(r)).next;
    const done = act(denied, 'complete', {}, T('03-06', '10:00'), clerk(denied)).next;
    expect(decide('requirePayment', done, { today: '2026-03-09', charge: { chargeId: 'CH-1', stage: 'before_delivery' } }).ok).toBe(false);
    expect(decide('deliver', done, { caller: clerk(done), today: '2026-03-09' }).ok).toBe(true);
  });
});

describe('the clock module: the delivery limit without the waits to pay', () => {
  const stopped = { statutoryWorkingDays: 20, promisedWorkingDays: 5, extensionWorkingDays: 0, deliveryWorkingDays: 10, suspensions: [], startedAt: T('03-02'), stoppedAt: T('03-05', '16:00') };
  it('no waits: 10 working days after the decision day; an open wait: absent; closed ones: moved back, counted as suspensions are', () => {
    expect(deadlinesOf(cal, stopped, T('03-05', '16:00')).deliveryDue).toBe('2026-03-19');
    expect(deadlinesOf(cal, stopped, T('03-05', '16:00'), [{ from: T('03-09') }])).not.toHaveProperty('deliveryDue');
    expect(deadlinesOf(cal, stopped, T('03-05', '16:00'), [{ from: T('03-09', '10:00'), to: T('03-09', '17:00') }]).deliveryDue).toBe('2026-03-19'); // the same day moves nothing
    expect(deadlinesOf(cal, stopped, T('03-05', '16:00'), [{ from: T('03-09'), to: T('03-10') }, { from: T('03-12'), to: T('03-13') }]).deliveryDue).toBe('2026-03-23');
  });
});
