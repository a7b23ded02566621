import { describe, expect, it } from 'vitest';
import type { FieldFault } from '#shared/errors';
import type { Caller } from '#shared/auth';
import { addWorkingDays, workingDaysBetween } from '#shared/calendar';
import { deadlinesOf } from '../../../functions/cases/clock.ts';
import type { CaseRecord } from '../../../functions/cases/lifecycle.ts';
import { intakeErrors } from '../../../functions/cases/intake-check.ts';
import { act, approver, cal, CHANGE, clerk, CONSTRUCTION, CONTRACTOR, ENTERPRISE, FOOD, head, intake, itemVersion, owner, provided, RECEIVED, refusal, refusalOf, T } from './case-fixtures.ts';

/**
 * What intake and each action do to a case, on the demo center's real items and
 * the real 2026 calendar (case-fixtures.ts). Each action is first allowed by the
 * lifecycle table, as the handler does. The rules of the one-time notice and of
 * 容缺 have their own file (acceptance-rules.test.ts).
 */
const codes = (errors: FieldFault[]) => errors.map((e) => `${e.path} ${e.code}`).sort();
const fields = { proposedName: '示范科技有限公司', enterpriseType: '有限责任公司', registeredCapitalWan: 100 };

describe('intakeErrors', () => {
  const ent = itemVersion(ENTERPRISE);

  it('a complete application with well-typed fields has none', () => {
    expect(intakeErrors(ent, { fields, materials: provided(ENTERPRISE) })).toEqual([]);
    expect(intakeErrors(ent, { fields: { proposedName: '示范', enterpriseType: '合伙企业' }, materials: [] })).toEqual([]); // materials are checked at acceptance
  });

  it('fields are validated against the item\'s intakeFields: required, type, enum, unknown field', () => {
    const bad = { enterpriseType: '有限公司', registeredCapitalWan: '100', nickname: '小示' };
    expect(codes(intakeErrors(ent, { fields: bad, materials: [] }))).toEqual([
      '/body/fields/enterpriseType enum', '/body/fields/nickname unknown_field', '/body/fields/proposedName required', '/body/fields/registeredCapitalWan type',
    ]);
    expect(codes(intakeErrors(ent, { materials: [] }))).toEqual(['/body/fields/enterpriseType required', '/body/fields/proposedName required']);
    expect(codes(intakeErrors(ent, { fields: { ...fields, registeredCapitalWan: 0 }, materials: [] }))).toEqual(['/body/fields/registeredCapitalWan exclusiveMinimum']);
  });

  it('an item without intakeFields refuses any field, and takes none', () => {
    const change = itemVersion(CHANGE);
    expect(change.content.intakeFields).toBeUndefined();
    expect(intakeErrors(change, { fields: { proposedName: 'x' }, materials: [] })).toEqual([{ path: '/body/fields', code: 'unexpected', message: { zh: '本事项没有申请表字段', en: 'this item takes no application fields' } }]);
    expect(intakeErrors(change, { fields: {}, materials: [] })).toEqual([]);
    expect(intakeErrors(change, { materials: [] })).toEqual([]);
  });

  it('materials: unknown and duplicate ids refused with their index', () => {
    const m = (materialId: string) => ({ materialId, form: 'copy' as const, count: 1 });
    const errors = intakeErrors(ent, { fields, materials: [m('application-form'), m('business-plan'), m('premises'), m('application-form')] });
    expect(errors).toEqual([
      { path: '/body/materials/1/materialId', code: 'not_on_checklist', message: { zh: 'business-plan 不在本办件的材料清单上', en: "business-plan is not on this case's materials checklist" } },
      { path: '/body/materials/3/materialId', code: 'duplicate', message: { zh: 'application-form 重复列出', en: 'application-form is listed twice' } },
    ]);
  });
});

describe('newCase', () => {
  it('marks the checklist, computes the notice period and leaves the clock stopped', () => {
    const c = intake(ENTERPRISE, { missing: ['premises', 'pre-approval'], fields });
    expect(c).toMatchObject({ state: 'submitted', version: 1, receivedAt: RECEIVED, createdAt: RECEIVED, updatedAt: RECEIVED, fields, applicantSub: 'sub-owner', jointSteps: [], reviews: [] });
    expect(c.materials.map((m) => [m.materialId, m.required, m.status])).toEqual([
      ['application-form', true, 'provided'], ['articles-of-association', true, 'provided'], ['investor-id', true, 'provided'], ['officer-appointment', true, 'provided'],
      ['premises', true, 'missing'], ['pre-approval', false, 'missing'], ['power-of-attorney', false, 'provided'],
    ]);
    expect(c.materials.find((m) => m.materialId === 'investor-id')).toMatchObject({ form: 'copy', count: 1 });
    expect(c.materials.find((m) => m.materialId === 'premises')).not.toHaveProperty('form');
    // Mon 03-02 not counted: 03-03, 04, 05, 06, Mon 03-09.
    expect([c.noticeDue, c.noticeWorkingDays]).toEqual(['2026-03-09', 5]);
    expect(c.clock).toEqual({ statutoryWorkingDays: 3, promisedWorkingDays: 1, extensionWorkingDays: 0, deliveryWorkingDays: 10, suspensions: [] });
    expect(c.deadlines).toEqual({});
    expect(c.acceptedAt).toBeUndefined();
    expect([c.toleranceWorkingDays, c.supplementWorkingDays, c.extensionAllowance, c.specialProcedures]).toEqual([1, undefined, 10, []]);
    expect(c.materials.filter((m) => m.tolerable).map((m) => m.materialId)).toEqual(['investor-id', 'premises']);
  });

  it('the notice period skips holidays and counts 调休 Saturdays; a year not entered leaves it absent', () => {
    // Thu 04-30: 劳动节 05-01..05; 05-06, 07, 08, Sat 05-09 (worked), Mon 05-11.
    expect(intake(ENTERPRISE, { now: T('04-30', '16:00') }).noticeDue).toBe('2026-05-11');
    const december = intake(ENTERPRISE, { now: T('12-28') });
    expect(december.noticeDue).toBeUndefined();
    expect(december.deadlines).toEqual({ missingCalendarYear: 2027 });
  });

  it('the joint item: 15 days of extension, its co-departments, no steps before acceptance; procedures kept', () => {
    const c = intake(CONTRACTOR);
    expect([c.extensionAllowance, c.item.serviceMode, c.item.departmentId, c.item.jointDepartments, c.jointSteps, c.toleranceWorkingDays]).toEqual([15, 'joint', 'housing', ['amr'], [], undefined]);
    expect(intake(CONSTRUCTION).specialProcedures).toEqual([{ kind: 'inspection', maxWorkingDays: 5, countsTowardLimit: false }]);
  });
});

/** Accepted Mon 03-02 10:00 and reviewed: in review. */
function inReview(code: string): CaseRecord {
  const c = intake(code);
  const a = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c)).next;
  return act(a, 'review', { opinion: '材料齐全，进入审查' }, T('03-02', '11:00'), clerk(a)).next;
}

describe('applyTransition: acceptance', () => {
  it('accept starts the clock now, with the clock module\'s deadlines, and issues the query code\'s first generation', () => {
    const c = intake(ENTERPRISE);
    const now = T('03-03', '10:00');
    const { next, clockChange, details, changedSteps } = act(c, 'accept', {}, now, clerk(c));
    expect(next).toMatchObject({ state: 'accepted', acceptedAt: now, queryCodeGeneration: 1, clock: { startedAt: now } });
    expect(next.deemedAccepted).toBeUndefined();
    expect(next.deadlines).toEqual(deadlinesOf(cal, next.clock));
    expect(next.deadlines).toEqual({ promisedDue: '2026-03-04', statutoryDue: '2026-03-06' });
    expect(clockChange).toEqual({ effect: 'start', at: now });
    expect(details).toEqual({ acceptedAt: now, acceptanceDate: '2026-03-03', queryCodeGeneration: 1 });
    expect(changedSteps).toEqual([]);
  });

  it('accept after the notice period starts the clock at receipt (deemed, art. 32), as the system\'s deemAccepted does', () => {
    const c = intake(ENTERPRISE);
    const late = act(c, 'accept', {}, T('03-10', '10:00'), clerk(c));
    expect(late.next).toMatchObject({ acceptedAt: RECEIVED, deemedAccepted: true, clock: { startedAt: RECEIVED } });
    expect(late.next.deadlines).toEqual({ promisedDue: '2026-03-03', statutoryDue: '2026-03-05' });
    expect(late.details).toMatchObject({ acceptedAt: RECEIVED, acceptanceDate: '2026-03-02', fromReceipt: true });
    const deemed = act(c, 'deemAccepted', {}, T('03-10', '00:05'));
    expect(deemed.next).toMatchObject({ state: 'accepted', acceptedAt: RECEIVED, deemedAccepted: true, clock: late.next.clock, deadlines: late.next.deadlines });
  });

  it('accepting a joint case opens a step for each co-department', () => {
    const c = intake(CONTRACTOR);
    const { next, changedSteps } = act(c, 'accept', {}, T('03-02', '10:00'), clerk(c));
    expect(next.jointSteps).toEqual([{ departmentId: 'amr', status: 'open' }]);
    expect(changedSteps).toEqual(next.jointSteps);
  });
});

describe('applyTransition: review, suspension, extension, decision', () => {
  const reviewing = inReview(CONSTRUCTION); // accepted Mon 03-02: promised 3 → Thu 03-05, statutory 7 → Wed 03-11
  const suspendBody = (procedure: string, expectedWorkingDays = 5) => ({ procedure, reason: '施工现场踏勘', expectedWorkingDays });

  it('suspend refuses a procedure the item lacks, one that counts toward the limit, and more days than allowed', () => {
    expect(reviewing.deadlines).toEqual({ promisedDue: '2026-03-05', statutoryDue: '2026-03-11' });
    const at = T('03-04', '10:00');
    expect(refusal(() => act(reviewing, 'suspend', suspendBody('hearing'), at, clerk(reviewing)))).toEqual(['/body/procedure not_for_item']);
    const food = inReview(FOOD);
    expect(food.specialProcedures).toEqual([{ kind: 'inspection', maxWorkingDays: 5, countsTowardLimit: true }]);
    expect(refusal(() => act(food, 'suspend', suspendBody('inspection', 1), at, clerk(food)))).toEqual(['/body/procedure counts_toward_limit']);
    expect(refusal(() => act(reviewing, 'suspend', suspendBody('inspection', 6), at, clerk(reviewing)))).toEqual(['/body/expectedWorkingDays maximum']);
  });

  it('suspend holds the clock; resume moves the deadlines back by the working days suspended', () => {
    const from = T('03-04', '10:00');
    const s = act(reviewing, 'suspend', suspendBody('inspection'), from, approver(reviewing));
    expect(s.next).toMatchObject({ state: 'suspended', suspension: { kind: 'inspection', reason: '施工现场踏勘', expectedWorkingDays: 5, from } });
    expect(s.next.clock.suspensions).toEqual([{ kind: 'inspection', from, reason: '施工现场踏勘', expectedWorkingDays: 5 }]);
    expect(s.next.deadlines).toEqual({}); // unknown until it resumes
    const to = T('03-09', '15:00');
    const r = act(s.next, 'resume', {}, to, clerk(s.next));
    const k = workingDaysBetween(cal, '2026-03-04', '2026-03-09'); // 03-05, 03-06, 03-09
    expect(k).toBe(3);
    expect(r.next.deadlines).toEqual({ promisedDue: addWorkingDays(cal, '2026-03-05', k), statutoryDue: addWorkingDays(cal, '2026-03-11', k) });
    expect(r.next.deadlines).toEqual({ promisedDue: '2026-03-10', statutoryDue: '2026-03-16' });
    expect(r.next).toMatchObject({ state: 'under_review', suspension: undefined });
    expect(r.clockChange).toEqual({ effect: 'resume', at: to });
  });

  it('approveExtension (by the head) adds the extension allowance: 10, 15 for the joint item', () => {
    const asked = act(reviewing, 'requestExtension', { reason: '需组织专家论证' }, T('03-03'), clerk(reviewing)).next;
    expect(asked.extension).toEqual({ reason: '需组织专家论证', requestedBy: 'housing-clerk', requestedAt: T('03-03') });
    const { next, details } = act(asked, 'approveExtension', {}, T('03-04'), head(asked));
    expect(next.clock.extensionWorkingDays).toBe(10);
    expect(next.deadlines).toEqual({ promisedDue: addWorkingDays(cal, '2026-03-05', 10), statutoryDue: addWorkingDays(cal, '2026-03-11', 10) });
    expect(next.extension).toMatchObject({ approvedBy: 'housing-dept_head', approvedAt: T('03-04') });
    expect(details).toEqual({ workingDays: 10, reason: '需组织专家论证' });

    const joint = inReview(CONTRACTOR);
    const jointAsked = act(joint, 'requestExtension', { reason: '联合审查需延长' }, T('03-03'), clerk(joint)).next;
    const extended = act(jointAsked, 'approveExtension', {}, T('03-04'), head(jointAsked)).next;
    expect(extended.clock.extensionWorkingDays).toBe(15);
    expect(extended.deadlines.statutoryDue).toBe(addWorkingDays(cal, joint.deadlines.statutoryDue!, 15));
  });

  it('approve stops the clock; deliveryDue = 10 working days after the decision day', () => {
    const decidedAt = T('03-05', '16:00');
    const { next, clockChange } = act(reviewing, 'approve', {}, decidedAt, approver(reviewing));
    expect(next).toMatchObject({ state: 'approved', decision: { outcome: 'approved', at: decidedAt }, clock: { stoppedAt: decidedAt } });
    expect(clockChange).toEqual({ effect: 'stop', at: decidedAt });
    // Thu 03-05: 06, 09, 10, 11, 12, 13, 16, 17, 18, Thu 03-19.
    expect(next.deadlines).toEqual({ promisedDue: '2026-03-05', statutoryDue: '2026-03-11', deliveryDue: '2026-03-19' });
    expect(next.deadlines.deliveryDue).toBe(addWorkingDays(cal, '2026-03-05', 10));
    const done = act(next, 'complete', {}, T('03-06'), clerk(next)).next;
    const delivered = act(done, 'deliver', { method: 'mail', trackingNo: 'EMS123' }, T('03-09'), clerk(done)).next;
    expect(delivered).toMatchObject({ state: 'delivered', delivery: { method: 'mail', trackingNo: 'EMS123', at: T('03-09') }, endedAt: T('03-09'), deadlines: next.deadlines });
  });
});

describe('applyTransition: escalation (上报件) and the upper authority\'s decision', () => {
  const RADIOTHERAPY = '370982-WJ-XK-004'; // health, escalated
  const escalation = { authority: '山东省卫生健康委员会', reason: '放射治疗项目由省级卫生健康部门审批' };
  const escalated = () => {
    const c = inReview(RADIOTHERAPY);
    return act(c, 'escalate', escalation, T('03-03', '10:00'), approver(c)).next;
  };
  // The province's own numbering: kept as given, whatever it looks like (this one even has the shape of the center's certificate numbers).
  const granted = { authority: '山东省卫生健康委员会', documentNo: '鲁卫放审〔2026〕12号', decidedOn: '2026-03-05', outcome: 'granted', certificateNo: 'C0000000000000000000AX' };

  it('a return with the decision keeps the escalation, with its return and the decision as given; the event carries both', () => {
    const up = escalated();
    const { next, details, clockChange } = act(up, 'returnFromEscalation', { outcome: '省卫生健康委准予', upperDecision: granted }, T('03-06', '09:30'), clerk(up));
    expect(next).toMatchObject({ state: 'under_review', escalation: { ...escalation, from: T('03-03', '10:00'), returnedAt: T('03-06', '09:30'), upperDecision: granted } });
    expect(details).toEqual({ outcome: '省卫生健康委准予', upperDecision: granted });
    expect(clockChange).toEqual({ effect: 'resume', at: T('03-06', '09:30') });
    // Escalated again, the new escalation replaces the old one and its decision.
    const again = act(next, 'escalate', { ...escalation, reason: '补充材料后再次上报' }, T('03-09'), approver(next)).next;
    expect(again.escalation).toEqual({ ...escalation, reason: '补充材料后再次上报', from: T('03-09') });
  });

  it('a return without a decision (sent back for more review) records the return only', () => {
    const up = escalated();
    const { next, details } = act(up, 'returnFromEscalation', { outcome: '省卫生健康委退回，要求补充防护检测报告' }, T('03-05'), approver(up));
    expect(next.escalation).toEqual({ ...escalation, from: T('03-03', '10:00'), returnedAt: T('03-05') });
    expect(details).toEqual({ outcome: '省卫生健康委退回，要求补充防护检测报告' });
  });

  it('the decision is dated between the escalation and today; a denial carries no certificate', () => {
    const up = escalated();
    const back = (upperDecision: Record<string, unknown>) => () => act(up, 'returnFromEscalation', { outcome: '省卫生健康委意见', upperDecision }, T('03-05'), clerk(up));
    expect(refusalOf(back({ ...granted, decidedOn: '2026-03-06' }))).toMatchObject({ type: 'upper-decision-invalid', errors: ['/body/upperDecision/decidedOn in_future'] });
    expect(refusal(back({ ...granted, decidedOn: '2026-03-02' }))).toEqual(['/body/upperDecision/decidedOn before_escalation']);
    expect(refusal(back({ ...granted, outcome: 'denied' }))).toEqual(['/body/upperDecision/certificateNo certificate_without_grant']);
    // The day of the escalation and today both count.
    expect(() => back({ ...granted, decidedOn: '2026-03-03' })()).not.toThrow();
    expect(() => back({ ...granted, decidedOn: '2026-03-05' })()).not.toThrow();
  });
});

describe('applyTransition: withdrawal and versions', () => {
  it('withdrawing a joint case returns its open steps; before acceptance there is no clock to stop', () => {
    const joint = inReview(CONTRACTOR);
    const { next, changedSteps } = act(joint, 'withdraw', { reason: '不再申请' }, T('03-04'), owner);
    expect(changedSteps).toEqual([{ departmentId: 'amr', status: 'open' }]);
    expect(next).toMatchObject({ state: 'withdrawn', endedAt: T('03-04'), clock: { stoppedAt: T('03-04') }, deadlines: joint.deadlines });
    const early = act(intake(CONTRACTOR), 'withdraw', {}, T('03-03'), owner);
    expect(early.changedSteps).toEqual([]);
    expect(early.next.clock.stoppedAt).toBeUndefined();
    expect(early.next.deadlines).toEqual({});
  });

  it('version increments by exactly 1 on every transition of a whole case', () => {
    let c = intake(CONSTRUCTION, { missing: ['planning-permit'] });
    const steps: [string, Record<string, unknown>, string, (c: CaseRecord) => Caller | undefined][] = [
      ['requestSupplement', { items: [{ materialId: 'planning-permit', problem: 'missing', detail: '规划许可证' }] }, T('03-03'), clerk],
      ['supplement', { materials: provided(CONSTRUCTION).filter((m) => m.materialId === 'planning-permit') }, T('03-04'), () => owner],
      ['accept', {}, T('03-04', '10:00'), clerk],
      ['review', { opinion: '审查' }, T('03-04', '11:00'), clerk],
      ['suspend', { procedure: 'inspection', reason: '踏勘', expectedWorkingDays: 2 }, T('03-05'), clerk],
      ['resume', {}, T('03-09'), clerk],
      ['requestExtension', { reason: '延期' }, T('03-09', '10:00'), clerk],
      ['approveExtension', {}, T('03-09', '11:00'), head],
      ['deny', { reasons: ['不符合条件'] }, T('03-10'), approver],
      ['complete', {}, T('03-10', '10:00'), clerk],
      ['deliver', { method: 'pickup' }, T('03-11'), clerk],
    ];
    const versions = [c.version];
    for (const [action, body, now, who] of steps) {
      c = act(c, action, body, now, who(c)).next;
      versions.push(c.version);
    }
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(c).toMatchObject({ state: 'delivered', decision: { outcome: 'denied', reasons: ['不符合条件'] } });
  });
});
