/**
 * One full journey per service mode over HTTP (即办件, 承诺件 with the
 * supplement loop, a special procedure and an extension, 联办件, 上报件,
 * 容缺受理), plus withdrawal and refusal, the supplement's timeout, and the next actions of an
 * applicant flagged for bad credit. Every step checks the response
 * (status, state, version and ETag, the actor's next actions, the shape), the
 * deadlines against the clock module on the 2026 calendar, then the whole
 * timeline and the audit log (every detail-type, in order by occurredAt).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { PublicProgress } from '#schemas/api/cases';
import { addWorkingDays, countedProvisionally, deadline, localDate, remainingWorkingDays } from '#shared/calendar';
import { chineseDate } from '../../functions/documents/pdf/text.ts';
import { validationErrors } from '#shared/validate';
import { deadlinesOf } from '../../functions/cases/clock.ts';
import { demoItems } from '../../local/seed/items.ts';
import { call, centerToday, cloud, doc, freshCreditCode, registerApplicant, until, type Reply } from './api-client.ts';
import { documentsOf, pdfText } from './documents-client.ts';
import { act, enterpriseItem, itemByMode, materialsOf, submit, timelineOf } from './cases-client.ts';
import { expectRecords as expectJourneyRecords, journeyCalendar, read, step, type Journey as BaseJourney } from './journey-steps.ts';

const cal = journeyCalendar;
const item = (code: string) => demoItems.find((i) => i.code === code)!;
const immediate = itemByMode('immediate', 'amr'); // 个体工商户登记: natural persons
const promised = item('370982-ZJ-XK-001'); // 施工许可: inspection 5 days, countsTowardLimit false; organizations only
const joint = itemByMode('joint'); // housing-led, amr co-department; organizations only
const escalated = itemByMode('escalated', 'health'); // organizations only
const food = item('370982-AMR-XK-002'); // promised, natural persons too

const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const userOf = (username: string) => cloud.users.find((u) => u.username === username);

/** The enterprise applicant of the journeys whose items serve organizations only. */
let company = '';
beforeAll(async () => {
  const username = `ent.journey.${Date.now().toString(36)}`;
  const res = await registerApplicant({ kind: 'enterprise', username, name: '示范建设工程有限公司', email: `${username}@example.com`, phone: '0538-1234567', creditCode: freshCreditCode(), legalRepresentative: '赵六' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  company = username;
});

/** A case followed through its journey, by whom, and read by whom. */
interface Journey extends BaseJourney { applicant: string }

/** Files the application and checks the received case as the applicant sees it. */
async function start(code: string, applicant: string, reader: string, leaveOut: string[] = []): Promise<Journey & { res: Reply }> {
  const res = await submit(code, { as: applicant, leaveOut });
  const c = res.body;
  expect(c).toMatchObject({ state: 'submitted', version: 1, channel: 'online', item: { code }, deadlines: expect.any(Object), remainingWorkingDays: {}, nextActions: ['withdraw'] });
  expect(res.etag).toBe('"1"');
  expect(res.headers.get('location')).toBe(`/cases/${c.caseNo}`);
  expect(c.materials.filter((m: { status: string }) => m.status === 'missing').map((m: { materialId: string }) => m.materialId)).toEqual(leaveOut);
  expect(c.noticeDue).toBe(addWorkingDays(cal, localDate(cal, c.receivedAt), 5));
  return { res, caseNo: c.caseNo, etag: res.etag, version: 1, state: 'submitted', log: [{ type: 'CaseSubmitted', action: 'submit', to: 'submitted', role: 'applicant' }], dl: [c.deadlines], applicant, reader };
}

/** An action refused with `status`, changing nothing (same version on a re-read). */
/** The action refused with `status` (and the rule's problem type, and an English detail matching `detail`), nothing written. */
async function refused(j: Journey, action: string, as: string, status: number, body?: unknown, type?: string, detail?: RegExp) {
  const res = await act(j.caseNo, action, as, j.etag, body, status);
  if (type) expect(res.body.type).toBe(`https://onestop.example.gov.cn/problems/${type}`);
  if (detail) expect(res.body.detail).toMatch(detail);
  const now = await read(j, j.reader);
  expect(now.body.version).toBe(j.version);
  return res;
}


/** The acceptance receipt: query code, today's acceptance date, the deadlines from the acceptance instant. */
function expectReceipt(res: Reply, promisedDays: number, statutoryDays: number, applicantName: string) {
  const { receipt, ...c } = res.body;
  expect(receipt).toMatchObject({ caseNo: c.caseNo, itemName: c.item.name, applicantName, receivedAt: c.receivedAt, acceptedAt: c.acceptedAt, acceptanceDate: centerToday() });
  expect(receipt.queryCode).toMatch(/^\S{6,32}$/);
  expect(receipt.promisedDue).toBe(deadline(cal, c.acceptedAt, promisedDays));
  expect(receipt.statutoryDue).toBe(deadline(cal, c.acceptedAt, statutoryDays));
  expect(c.deadlines).toMatchObject({ promisedDue: receipt.promisedDue, statutoryDue: receipt.statutoryDue });
  // Counted through a year the center has not entered (2027, from December 2026): provisional, and the receipt says so.
  const provisional = countedProvisionally(cal, centerToday(), receipt.statutoryDue) || undefined;
  expect([c.deadlines.provisional, receipt.provisional]).toEqual([provisional, provisional]);
  return receipt.queryCode as string;
}

/** The journey's timeline and audit records (journey-steps.ts), the audit read around today. */
const expectRecords = (j: Journey) => expectJourneyRecords(j, day(-1), day(1));

describe('case journeys, one per service mode', { timeout: 90_000 }, () => {
  it('即办件: accepted and approved at the window by the clerk, completed, picked up; public lookup without the name', async () => {
    const j = await start(immediate.code, 'zhang.san', 'clerk.amr');
    await read(j, 'clerk.amr', ['accept', 'refuse', 'requestSupplement', 'withdraw']);
    const accepted = await step(j, 'accept', 'clerk.amr', { to: 'accepted', type: 'CaseAccepted', clock: 'start', next: ['review', 'approve', 'deny', 'withdraw'] }, { note: '材料齐全，当场受理' });
    const code = expectReceipt(accepted, 0, 3, '张三');
    // Promised 0 working days: the first working day on or after today.
    expect(accepted.body.receipt.promisedDue).toBe(addWorkingDays(cal, centerToday(), 0));
    await read(j, 'zhang.san', ['withdraw']);
    const approved = await step(j, 'approve', 'clerk.amr', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] });
    const c = approved.body;
    expect(c.decision).toEqual({ outcome: 'approved', at: expect.any(String) });
    expect(c.clock.stoppedAt).toBe(c.decision.at);
    expect(c.deadlines.deliveryDue).toBe(addWorkingDays(cal, localDate(cal, c.decision.at), 10));
    expect(c.remainingWorkingDays.statutory).toBeUndefined();
    await step(j, 'complete', 'clerk.amr', { to: 'completed', type: 'CaseCompleted', next: ['deliver'] });
    const delivered = await step(j, 'deliver', 'clerk.amr', { to: 'delivered', type: 'CaseDelivered', next: [] }, { method: 'pickup' });
    expect(delivered.body).toMatchObject({ delivery: { method: 'pickup' }, endedAt: expect.any(String), remainingWorkingDays: {} });
    await read(j, 'zhang.san', []);
    await expectRecords(j);

    const progress = await call('GET', `/public/cases/${j.caseNo}?code=${encodeURIComponent(code)}`);
    expect(progress.status).toBe(200);
    expect(validationErrors(PublicProgress, progress.body)).toEqual([]);
    expect(progress.body).toMatchObject({ caseNo: j.caseNo, itemName: immediate.content.name, state: 'delivered', acceptedAt: c.acceptedAt, decidedAt: c.decision.at, completedAt: expect.any(String) });
    expect(JSON.stringify(progress.body)).not.toContain('张三');
    expect(Object.keys(progress.body).filter((k) => /applicant|name/i.test(k) && k !== 'itemName')).toEqual([]);
  });

  it('承诺件: supplement loop (一次性告知, nothing left out), special procedure, extension approved by the head (art. 42), decision, mail delivery', async () => {
    const [missing, alsoMissing] = ['land-use-approval', 'planning-permit'];
    const j = await start(promised.code, company, 'clerk.housing', [missing, alsoMissing]);
    const receivedFirst = j.res.body.receivedAt;
    await read(j, 'clerk.housing', ['refuse', 'requestSupplement', 'withdraw']);
    await refused(j, 'accept', 'clerk.housing', 409, undefined, 'materials-missing', new RegExp(missing));
    const landUse = { materialId: missing, problem: 'missing', detail: '缺少用地批准手续，请提交建设用地规划许可证复印件' };
    // 一次性告知: a notice leaving out a required material the checklist shows missing is refused, naming it.
    const omitting = await refused(j, 'requestSupplement', 'clerk.housing', 422, { items: [landUse] }, 'notice-incomplete', new RegExp(`leaves out ${alsoMissing}`));
    expect(omitting.body.errors).toEqual([expect.objectContaining({ path: '/body/items', code: 'omitted' })]);
    const notice = { items: [landUse, { materialId: alsoMissing, problem: 'missing', detail: '缺少建设工程规划许可证' }] };
    const noticed = await step(j, 'requestSupplement', 'clerk.housing', { to: 'supplement_requested', type: 'SupplementRequested', next: ['supplement', 'withdraw'] }, notice);
    const lastDay = addWorkingDays(cal, centerToday(), 30);
    expect(noticed.body.supplementNotice).toEqual({ issuedAt: expect.any(String), items: notice.items, ...(lastDay ? { due: lastDay } : {}) });
    expect(noticed.body.deadlines.statutoryDue).toBeUndefined(); // the clock has not started
    await read(j, company, ['supplement', 'withdraw']);
    // While the notice is out, no second notice at all (the state), and supplementing must cover the notice.
    await refused(j, 'requestSupplement', 'clerk.housing', 409, notice, 'wrong-state');
    const partial = await refused(j, 'supplement', company, 422, { materials: materialsOf(promised.code).filter((m) => m.materialId === missing) }, 'supplement-incomplete');
    expect(partial.body.errors).toEqual([expect.objectContaining({ code: 'incomplete' })]);

    const supplemented = await step(j, 'supplement', company, { to: 'submitted', type: 'CaseSupplemented', next: ['withdraw'] }, { materials: materialsOf(promised.code).filter((m) => [missing, alsoMissing].includes(m.materialId)) });
    const sc = supplemented.body;
    expect(Date.parse(sc.receivedAt)).toBeGreaterThan(Date.parse(receivedFirst));
    expect(sc.noticeDue).toBe(addWorkingDays(cal, localDate(cal, sc.receivedAt), 5));
    expect(sc.materials.find((m: { materialId: string }) => m.materialId === missing)).toMatchObject({ status: 'provided' });
    expect(sc.supplied).toEqual([missing, alsoMissing]);
    // 一次性告知: a later notice names only defects of what the supplement handed in.
    const added = await refused(j, 'requestSupplement', 'clerk.housing', 422, { items: [{ ...landUse, problem: 'incorrect' }, { materialId: 'drawing-review', problem: 'incorrect', detail: '施工图审查合格书已过期' }] }, 'not-in-one-time-notice');
    expect(added.body.errors).toEqual([expect.objectContaining({ path: '/body/items/1/materialId', code: 'not_in_supplement' })]);

    const accepted = await step(j, 'accept', 'clerk.housing', { to: 'accepted', type: 'CaseAccepted', clock: 'start', next: ['review', 'withdraw'] });
    expectReceipt(accepted, 3, 7, '示范建设工程有限公司');
    expect(accepted.body.acceptedAt >= sc.receivedAt).toBe(true);
    await step(j, 'review', 'clerk.housing', { to: 'under_review', type: 'CaseReviewed', next: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] }, { opinion: '材料齐全，拟组织现场核查' });
    await read(j, 'approver.housing', ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'approve', 'deny']);

    const inspection = { procedure: 'inspection', reason: '施工现场安全生产条件核查', expectedWorkingDays: 5 };
    const tooLong = await refused(j, 'suspend', 'clerk.housing', 422, { ...inspection, expectedWorkingDays: 6 }, 'special-procedure-not-allowed');
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: '/body/expectedWorkingDays', code: 'maximum' })]);
    const suspended = await step(j, 'suspend', 'clerk.housing', { to: 'suspended', type: 'CaseSuspended', clock: 'suspend', next: ['resume', 'withdraw'] }, inspection);
    expect(suspended.body.suspension).toMatchObject({ kind: 'inspection', expectedWorkingDays: 5, from: expect.any(String) });
    expect(suspended.body.deadlines.statutoryDue).toBeUndefined();
    expect(suspended.body.deadlines.promisedDue).toBeUndefined();
    expect(suspended.body.remainingWorkingDays).toEqual({});
    expect((await read(j, 'approver.housing')).body.remainingWorkingDays).toEqual({});

    const resumed = await step(j, 'resume', 'clerk.housing', { to: 'under_review', type: 'CaseResumed', clock: 'resume' }, { note: '现场核查完毕' });
    const rc = resumed.body;
    expect(rc.suspension).toBeUndefined();
    expect(rc.clock.suspensions).toEqual([expect.objectContaining({ kind: 'inspection', from: suspended.body.suspension.from, to: expect.any(String) })]);
    const recomputed = deadlinesOf(cal, rc.clock);
    expect(rc.deadlines).toEqual(recomputed);
    expect(rc.deadlines.statutoryDue).toBe(deadline(cal, rc.acceptedAt, 7, rc.clock.suspensions));
    expect(rc.remainingWorkingDays.statutory).toBe(remainingWorkingDays(cal, centerToday(), rc.deadlines.statutoryDue));

    const reason = '需组织专家论证，申请延期十个工作日';
    await step(j, 'requestExtension', 'clerk.housing', { type: 'ExtensionRequested', next: ['review', 'suspend', 'noticeHearingRight', 'withdraw'] }, { reason });
    await read(j, 'approver.housing', ['review', 'suspend', 'noticeHearingRight', 'requireHearing', 'approve', 'deny']);
    await read(j, 'head.housing', ['approveExtension']);
    await refused(j, 'requestExtension', 'approver.housing', 409, { reason }, 'extension-already-requested', /one/);
    // Art. 42: the agency head (负责人) approves; neither the requester nor a plain approver, nor another department's head.
    await refused(j, 'approveExtension', 'clerk.housing', 403, undefined, 'forbidden');
    await refused(j, 'approveExtension', 'approver.housing', 403, undefined, 'forbidden');
    await refused(j, 'approveExtension', 'head.amr', 403, undefined, 'forbidden');
    const extended = await step(j, 'approveExtension', 'head.housing', { type: 'ExtensionApproved', clock: 'extend', next: [] });
    await read(j, 'approver.housing', ['review', 'suspend', 'noticeHearingRight', 'requireHearing', 'approve', 'deny']);
    const ec = extended.body;
    expect(ec.clock.extensionWorkingDays).toBe(10);
    expect(ec.extension).toMatchObject({ reason, requestedBy: userOf('clerk.housing')!.sub, approvedBy: userOf('head.housing')!.sub });
    expect(ec.deadlines.statutoryDue).toBe(deadline(cal, ec.acceptedAt, 17, ec.clock.suspensions));
    expect(ec.deadlines.promisedDue).toBe(deadline(cal, ec.acceptedAt, 13, ec.clock.suspensions));

    await step(j, 'approve', 'approver.housing', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] }, { note: '准予许可' });
    await step(j, 'complete', 'clerk.housing', { to: 'completed', type: 'CaseCompleted', next: ['deliver'] });
    const mailed = await step(j, 'deliver', 'clerk.housing', { to: 'delivered', type: 'CaseDelivered', next: [] }, { method: 'mail', trackingNo: 'EMS1234567890' });
    expect(mailed.body.delivery).toEqual({ method: 'mail', trackingNo: 'EMS1234567890', at: expect.any(String) });
    await expectRecords(j);
  });

  it('联办件: the lead approves only after the co-department (amr) gives its opinion from its queue', async () => {
    const j = await start(joint.code, company, 'clerk.housing');
    expect(j.res.body.item).toMatchObject({ departmentId: 'housing', jointDepartments: ['amr'] });
    // The co-department reads the case but takes no lead action.
    await read(j, 'clerk.amr', []);
    await refused(j, 'accept', 'clerk.amr', 403);
    const accepted = await step(j, 'accept', 'clerk.housing', { to: 'accepted', type: 'CaseAccepted', clock: 'start', next: ['review', 'withdraw'] });
    expectReceipt(accepted, joint.content.timeLimits.promisedWorkingDays, joint.content.timeLimits.statutoryWorkingDays, '示范建设工程有限公司');
    expect(accepted.body.jointSteps).toEqual([{ departmentId: 'amr', status: 'open' }]);
    await step(j, 'review', 'clerk.housing', { to: 'under_review', type: 'CaseReviewed', next: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] }, { opinion: '主办部门审查通过，待市场监管局会签' });
    await refused(j, 'approve', 'approver.housing', 409, undefined, 'joint-opinions-pending', /amr/);
    await refused(j, 'approve', 'clerk.amr', 403);
    await refused(j, 'approve', 'approver.amr', 403);
    await refused(j, 'giveJointOpinion', 'clerk.housing', 403, { opinion: '主办部门不会签', agrees: true });

    const inQueue = async () => {
      const res = await call('GET', '/queues/joint_opinions?departmentId=amr&limit=100', { as: 'clerk.amr' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as { caseNo: string }[]).some((s) => s.caseNo === j.caseNo);
    };
    await until('the case in amr\'s joint_opinions queue', async () => ((await inQueue()) ? true : undefined));
    await read(j, 'clerk.amr', ['giveJointOpinion']);
    const opinion = await step(j, 'giveJointOpinion', 'clerk.amr', { type: 'JointOpinionGiven', next: [] }, { opinion: '申请人信用记录良好，同意', agrees: true });
    expect(opinion.body.jointSteps).toEqual([{ departmentId: 'amr', status: 'done', opinion: '申请人信用记录良好，同意', agrees: true, by: userOf('clerk.amr')!.sub, at: expect.any(String) }]);
    await until('the case out of amr\'s queue', async () => ((await inQueue()) ? undefined : true));
    await refused(j, 'giveJointOpinion', 'clerk.amr', 409, { opinion: '再次会签', agrees: false }, 'no-open-joint-step');

    await read(j, 'approver.housing', ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'approve', 'deny']);
    // A joint item's extension is 15 working days (art. 42), the item setting none.
    await step(j, 'requestExtension', 'clerk.housing', { type: 'ExtensionRequested' }, { reason: '联办事项情况复杂，申请延期' });
    const extended = await step(j, 'approveExtension', 'head.housing', { type: 'ExtensionApproved', clock: 'extend' });
    expect(extended.body.clock.extensionWorkingDays).toBe(15);
    expect(extended.body.deadlines.statutoryDue).toBe(deadline(cal, extended.body.acceptedAt, 45 + 15));
    await step(j, 'approve', 'approver.housing', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] });
    await step(j, 'complete', 'clerk.housing', { to: 'completed', type: 'CaseCompleted', next: ['deliver'] });
    const items = await timelineOf(j.caseNo, 'clerk.amr');
    expect(items.find((e) => e.action === 'giveJointOpinion')!.actor).toMatchObject({ role: 'clerk', departmentId: 'amr' });
    await expectRecords(j);
  });

  it('上报件: escalated by the approver (clock held), sent back without a decision (none may be taken), escalated again, returned with the province\'s denial, denied as it decided, completed', async () => {
    const j = await start(escalated.code, company, 'clerk.health');
    await step(j, 'accept', 'clerk.health', { to: 'accepted', type: 'CaseAccepted', clock: 'start' });
    await step(j, 'review', 'clerk.health', { to: 'under_review', type: 'CaseReviewed' }, { opinion: '初审材料齐全，拟上报省卫生健康委' });
    await read(j, 'approver.health', ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'approve', 'deny']);
    const escalation = { authority: '山东省卫生健康委员会', reason: '放射治疗项目由省级卫生健康部门审批' };
    await refused(j, 'escalate', 'clerk.health', 403, escalation);
    const up = await step(j, 'escalate', 'approver.health', { to: 'escalated', type: 'CaseEscalated', clock: 'suspend', next: ['returnFromEscalation'] }, escalation);
    expect(up.body.escalation).toEqual({ ...escalation, from: expect.any(String) });
    expect(up.body.clock.suspensions).toEqual([expect.objectContaining({ kind: 'escalation', reason: escalation.reason })]);
    expect(up.body.deadlines.statutoryDue).toBeUndefined();
    expect(up.body.remainingWorkingDays).toEqual({});
    await read(j, 'clerk.health', ['returnFromEscalation', 'withdraw']);
    await refused(j, 'approve', 'approver.health', 409, undefined, 'wrong-state');

    // The province sends the case back for more review: no decision recorded, so the county may take none.
    const decisionActions = ['review', 'suspend', 'escalate', 'requestExtension', 'noticeHearingRight', 'requireHearing'];
    const sentBack = await step(j, 'returnFromEscalation', 'clerk.health', { to: 'under_review', type: 'CaseReturnedFromEscalation', clock: 'resume' }, { outcome: '省卫生健康委退回：请补充放射防护检测报告' });
    expect(sentBack.body.escalation).toEqual({ ...escalation, from: up.body.escalation.from, returnedAt: expect.any(String) });
    expect(sentBack.body.clock.suspensions[0].to).toEqual(expect.any(String));
    await read(j, 'approver.health', decisionActions);
    await refused(j, 'approve', 'approver.health', 409, undefined, 'upper-decision-missing', /without a decision/);
    await refused(j, 'deny', 'approver.health', 409, { reasons: ['上级机关未作决定'] }, 'upper-decision-missing');

    const again = { ...escalation, reason: '已补充放射防护检测报告，再次上报' };
    await step(j, 'escalate', 'approver.health', { to: 'escalated', type: 'CaseEscalated', clock: 'suspend', next: ['returnFromEscalation'] }, again);
    // The province's own numbers, kept as given; a denial carries no certificate.
    const upperDecision = { authority: '山东省卫生健康委员会', documentNo: '鲁卫放审〔2026〕12号', decidedOn: centerToday(), outcome: 'denied' };
    const outcome = '省卫生健康委不予许可：不符合放射治疗场所防护要求';
    const withCertificate = await refused(j, 'returnFromEscalation', 'clerk.health', 422, { outcome, upperDecision: { ...upperDecision, certificateNo: '鲁卫放证字〔2026〕第0012号' } }, 'upper-decision-invalid');
    expect(withCertificate.body.errors).toEqual([expect.objectContaining({ path: '/body/upperDecision/certificateNo', code: 'certificate_without_grant' })]);
    await refused(j, 'returnFromEscalation', 'clerk.health', 400, { outcome, upperDecision: { ...upperDecision, outcome: 'rejected' } }, 'validation-failed');
    const back = await step(j, 'returnFromEscalation', 'clerk.health', { to: 'under_review', type: 'CaseReturnedFromEscalation', clock: 'resume' }, { outcome, upperDecision });
    expect(back.body.escalation).toEqual({ ...again, from: expect.any(String), returnedAt: expect.any(String), upperDecision });
    expect(back.body.clock.suspensions.map((p: { kind: string; to?: string }) => [p.kind, typeof p.to])).toEqual([['escalation', 'string'], ['escalation', 'string']]);
    // Every read shows the decision; the county may deny as the province decided, not approve.
    expect((await read(j, 'approver.health', [...decisionActions, 'deny'])).body.escalation.upperDecision).toEqual(upperDecision);
    expect((await read(j, company)).body.escalation.upperDecision).toEqual(upperDecision);
    await refused(j, 'approve', 'approver.health', 409, undefined, 'upper-decision-contrary', /denied the case \(鲁卫放审〔2026〕12号\): it cannot be granted/);
    const returned = (await timelineOf(j.caseNo, 'clerk.health')).filter((e) => e.action === 'returnFromEscalation').map((e) => e.details);
    expect(returned).toEqual([{ outcome: '省卫生健康委退回：请补充放射防护检测报告' }, { outcome, upperDecision }]);
    // An approver who asks for the extension does not approve it: the head does (art. 42).
    await step(j, 'requestExtension', 'approver.health', { type: 'ExtensionRequested' }, { reason: '等待补充检测报告' });
    await refused(j, 'approveExtension', 'approver.health', 403, undefined, 'forbidden');

    await refused(j, 'deny', 'approver.health', 400, { reasons: [] }, 'validation-failed');
    const reasons = ['放射治疗场所防护检测不合格', '可自收到决定之日起六十日内申请行政复议或六个月内提起行政诉讼'];
    const denied = await step(j, 'deny', 'approver.health', { to: 'denied', type: 'CaseDenied', clock: 'stop', next: ['complete'] }, { reasons });
    expect(denied.body.decision).toEqual({ outcome: 'denied', reasons, at: expect.any(String) });
    expect(denied.body.deadlines.deliveryDue).toBe(addWorkingDays(cal, localDate(cal, denied.body.decision.at), 10));
    await step(j, 'complete', 'clerk.health', { to: 'completed', type: 'CaseCompleted', next: ['deliver'] });
    await expectRecords(j);
  });

  it('容缺受理: a non-tolerable material refused; accepted against a signed pledge, the receipt says so; approval waits for the pledged material', async () => {
    const [pledged, optional] = ['premises', 'pre-approval'];
    const j = await start(enterpriseItem.code, 'zhang.san', 'clerk.amr', [pledged, optional]);
    await read(j, 'clerk.amr', ['acceptWithTolerance', 'refuse', 'requestSupplement', 'withdraw']);
    await refused(j, 'accept', 'clerk.amr', 409, undefined, 'materials-missing', new RegExp(pledged));
    const consent = { channel: 'window', at: new Date().toISOString() };
    const premises = { materialId: pledged, detail: '住所使用证明原件1个工作日内补交' };
    const notTolerable = await refused(j, 'acceptWithTolerance', 'clerk.amr', 422, { missing: [premises, { materialId: optional, detail: '前置审批文件后补' }], consent }, 'material-not-tolerable', new RegExp(optional));
    expect(notTolerable.body.errors).toEqual([expect.objectContaining({ code: 'not_tolerable' })]);
    const wrong = await refused(j, 'acceptWithTolerance', 'clerk.amr', 422, { missing: [{ materialId: 'application-form', detail: '已提交' }], consent }, 'pledge-invalid');
    expect(wrong.body.errors.map((e: { code: string }) => e.code).sort()).toEqual(['incomplete', 'provided']);
    const pledge = { missing: [premises], consent };
    const due = addWorkingDays(cal, centerToday(), 1);
    if (due === undefined) {
      // The pledge deadline falls in 2027, which has no calendar yet: refused, nothing written.
      const late = await refused(j, 'acceptWithTolerance', 'clerk.amr', 409, pledge, 'calendar-year-missing');
      return void expect(late.body.errors).toEqual([expect.objectContaining({ code: 'calendar_missing' })]);
    }
    const accepted = await step(j, 'acceptWithTolerance', 'clerk.amr', { to: 'accepted', type: 'CaseAcceptedWithTolerance', clock: 'start', next: ['completeTolerance', 'review', 'withdraw'] }, pledge);
    const ac = accepted.body;
    expectReceipt(accepted, 1, 3, '张三');
    expect(ac.receipt.toleranceDue).toBe(due);
    expect(ac.tolerance).toEqual({ missing: pledge.missing, due, consent });
    expect(ac.materials.find((m: { materialId: string }) => m.materialId === pledged).status).toBe('pledged');

    // The receipt (受理通知书) says 容缺受理, lists the pledged material apart from those received, with its deadline and the signed pledge.
    const receipt = await until('the 容缺 receipt', async () => (await documentsOf(j.caseNo, 'zhang.san')).find((d) => d.kind === 'acceptance_receipt'));
    const link = await call('GET', `/cases/${j.caseNo}/documents/${receipt.documentId}/download`, { as: 'zhang.san' });
    const text = (await pdfText(new Uint8Array(await (await fetch(link.body.url)).arrayBuffer()))).replace(/\s+/g, '');
    for (const expected of ['受理通知书（容缺受理）', '决定予以容缺受理', `容缺材料补齐期限：${chineseDate(due)}`, '容缺（承诺后补）的材料', '住所使用证明原件1个工作日内补交', '容缺受理承诺书', '确认方式：窗口签字']) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('申请材料齐全、符合法定形式');
    const received = text.slice(text.indexOf('收取的申请材料'), text.indexOf('容缺（承诺后补）的材料'));
    expect(received).toContain('公司章程');
    expect(received).not.toContain('住所（主要经营场所）使用相关文件');

    await step(j, 'review', 'clerk.amr', { to: 'under_review', type: 'CaseReviewed' }, { opinion: '容缺受理，待补交住所证明' });
    await read(j, 'approver.amr', ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'requireHearing', 'deny']);
    await refused(j, 'approve', 'approver.amr', 409, undefined, 'pledge-outstanding', /Pledged/);
    const done = await step(j, 'completeTolerance', 'clerk.amr', { type: 'ToleranceCompleted', next: ['review', 'suspend', 'requestExtension', 'noticeHearingRight', 'withdraw'] }, { note: '已补交住所证明原件' });
    expect(done.body.tolerance.completedAt).toEqual(expect.any(String));
    expect(done.body.materials.every((m: { status: string; required: boolean }) => !m.required || m.status === 'provided')).toBe(true);
    await refused(j, 'completeTolerance', 'clerk.amr', 409, undefined, 'no-pledge-outstanding');
    await step(j, 'approve', 'approver.amr', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] });
    await expectRecords(j);
  });

  it('补正逾期: no supplement by the notice\'s last day, the schedule closes the case as supplement timed out', async () => {
    const missing = 'layout-and-process';
    const j = await start(food.code, 'zhang.san', 'clerk.amr', [missing]);
    const noticed = await step(j, 'requestSupplement', 'clerk.amr', { to: 'supplement_requested', type: 'SupplementRequested' }, { items: [{ materialId: missing, problem: 'missing', detail: '缺少设备布局和工艺流程' }] });
    expect(noticed.body.supplementNotice.due).toBe(addWorkingDays(cal, centerToday(), 30));
    // The last day passes: move it (and its sweep date, on the case's index item) into the past, as the store keys it; the sweeper runs on its schedule.
    const lastDay = '2026-03-09';
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASE#${j.caseNo}`, SK: 'CASE' },
      UpdateExpression: 'SET supplementNotice.#due = :d',
      ExpressionAttributeNames: { '#due': 'due' },
      ExpressionAttributeValues: { ':d': lastDay },
    }));
    await doc.send(new UpdateCommand({
      TableName: cloud.tableName,
      Key: { PK: `CENTER#center-demo#CASE#${j.caseNo}`, SK: 'INDEX' },
      UpdateExpression: 'SET GSI3SK = :sk',
      ExpressionAttributeValues: { ':sk': `${lastDay}#center-demo#${j.caseNo}` },
    }));
    const ended = await until('the sweeper to close the case', async () => {
      const r = await call('GET', `/cases/${j.caseNo}`, { as: 'clerk.amr' });
      return r.body.state === 'terminated' ? r : undefined;
    }, 20_000);
    expect(ended.body).toMatchObject({ termination: { reason: 'supplement_timed_out' }, endedAt: expect.any(String), nextActions: [] });
    j.log.push({ type: 'CaseSupplementTimedOut', action: 'timeOutSupplement', from: 'supplement_requested', to: 'terminated', role: 'system' });
    j.dl.push(ended.body.deadlines);
    j.version += 1;
    await expectRecords(j);
  });
});

describe('withdrawal and refusal', { timeout: 60_000 }, () => {
  it('the applicant withdraws before a decision: terminal, the clock stopped, no next actions', async () => {
    const j = await start(food.code, 'zhang.san', 'clerk.amr');
    await step(j, 'accept', 'clerk.amr', { to: 'accepted', type: 'CaseAccepted', clock: 'start' });
    await step(j, 'review', 'approver.amr', { to: 'under_review', type: 'CaseReviewed' }, { opinion: '拟现场核查' });
    const gone = await step(j, 'withdraw', 'zhang.san', { to: 'withdrawn', type: 'CaseWithdrawn', clock: 'stop', next: [] }, { reason: '经营场所变更，撤回申请' });
    expect(gone.body).toMatchObject({ endedAt: expect.any(String), remainingWorkingDays: {} });
    expect(gone.body.clock.stoppedAt).toEqual(expect.any(String));
    await read(j, 'clerk.amr', []);
    await refused(j, 'withdraw', 'zhang.san', 409);
    await expectRecords(j);
  });

  it('withdrawing after the decision is refused (409)', async () => {
    const j = await start(immediate.code, 'zhang.san', 'clerk.amr');
    await step(j, 'accept', 'clerk.amr', { to: 'accepted', type: 'CaseAccepted', clock: 'start' });
    await step(j, 'approve', 'approver.amr', { to: 'approved', type: 'CaseApproved', clock: 'stop' });
    await read(j, 'zhang.san', []);
    await refused(j, 'withdraw', 'zhang.san', 409, { reason: '不想要了' }, 'wrong-state', /approved/);
    await refused(j, 'withdraw', 'clerk.amr', 409);
    await expectRecords(j);
  });

  it('不予受理 with reasons: terminal, nothing more for anyone', async () => {
    const j = await start(food.code, 'zhang.san', 'clerk.amr');
    await refused(j, 'refuse', 'clerk.amr', 400, { reasons: [] }, 'validation-failed');
    const refusal = { reasons: ['申请事项依法不需要取得行政许可'], competentAgency: '示范县商务局' };
    const res = await step(j, 'refuse', 'clerk.amr', { to: 'refused', type: 'CaseRefused', next: [] }, refusal);
    expect(res.body).toMatchObject({ refusal, endedAt: expect.any(String), remainingWorkingDays: {} });
    expect(res.body.acceptedAt).toBeUndefined();
    await read(j, 'zhang.san', []);
    await read(j, 'approver.amr', []);
    await refused(j, 'accept', 'clerk.amr', 409);
    await expectRecords(j);
  });
});

// The hearing's journey (听证) needs its hearing at least 7 days after its notice (art. 48): it runs in
// emulated time, tests/emulated-time/hearing-journey.test.ts.
describe('joint dissent (协调)', { timeout: 90_000 }, () => {
  it('联办 dissent: amr disagrees from acceptance, approval waits for the center\'s coordination (the center admin; the supervisor may too); the guide shows the 15-day extension', async () => {
    const guide = await call('GET', `/public/items/${joint.code}`);
    expect([guide.status, guide.body.extensionWorkingDays]).toEqual([200, 15]);
    const j = await start(joint.code, company, 'clerk.housing');
    await step(j, 'accept', 'clerk.housing', { to: 'accepted', type: 'CaseAccepted', clock: 'start' });
    await read(j, 'clerk.amr', ['giveJointOpinion']);
    const dissent = await step(j, 'giveJointOpinion', 'approver.amr', { type: 'JointOpinionGiven', next: [] }, { opinion: '申请人存在未结案的违法记录，不同意', agrees: false });
    expect(dissent.body.jointSteps).toEqual([expect.objectContaining({ departmentId: 'amr', status: 'done', agrees: false })]);
    await step(j, 'review', 'clerk.housing', { to: 'under_review', type: 'CaseReviewed' }, { opinion: '主办部门审查通过' });
    await refused(j, 'approve', 'approver.housing', 409, undefined, 'joint-dissent', /amr/);
    await read(j, 'supervisor', ['coordinate']);
    await read(j, 'center.admin', ['coordinate']);
    const coordination = { outcome: 'resolved', note: '经中心协调，违法记录已结案，市场监管局同意' };
    await refused(j, 'coordinate', 'approver.housing', 403, coordination);
    const settled = await step(j, 'coordinate', 'center.admin', { type: 'JointDissentCoordinated', next: [] }, coordination);
    expect(settled.body.coordination).toEqual({ ...coordination, by: userOf('center.admin')!.sub, at: expect.any(String) });
    await refused(j, 'coordinate', 'supervisor', 409, coordination, 'no-joint-dissent');
    expect((await read(j, company)).body.coordination).toBeUndefined();
    await step(j, 'approve', 'approver.housing', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] });
    await expectRecords(j);
  });
});

describe('bad credit (失信) and the next actions', { timeout: 60_000 }, () => {
  it('a flagged applicant\'s case: neither the read nor the counter intake\'s answer offers 容缺受理, which is refused (credit-excluded); the flag lifted, the read offers it again', async () => {
    const username = `ent.credit.${Date.now().toString(36)}`;
    const registered = await registerApplicant({ kind: 'enterprise', username, name: '示范信用测试有限公司', email: `${username}@example.com`, phone: '0538-7654321', creditCode: freshCreditCode(), legalRepresentative: '钱七' });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const id = registered.body.applicantId as string;
    const pledged = 'premises';
    const { caseNo } = (await submit(enterpriseItem.code, { as: username, leaveOut: [pledged] })).body;
    const tolerant = ['acceptWithTolerance', 'refuse', 'requestSupplement', 'withdraw'];
    const plain = ['refuse', 'requestSupplement', 'withdraw'];
    await read({ caseNo }, 'clerk.amr', tolerant);

    const credit = (excluded: boolean, etag: string) =>
      call('PUT', `/admin/applicants/${id}/credit`, { as: 'center.admin', body: { excluded, reason: excluded ? '列入失信被执行人名单' : '已履行义务，信用修复' }, headers: { 'if-match': etag } });
    const flagged = await credit(true, (await call('GET', `/applicants/${id}`, { as: 'clerk.amr' })).etag);
    expect(flagged.status, JSON.stringify(flagged.body)).toBe(200);
    const now = await read({ caseNo }, 'clerk.amr', plain);
    const pledge = { missing: [{ materialId: pledged, detail: '住所使用证明1个工作日内补交' }], consent: { channel: 'window', at: new Date().toISOString() } };
    const refusedPledge = await act(caseNo, 'acceptWithTolerance', 'clerk.amr', now.etag, pledge, 409);
    expect(refusedPledge.body.type).toBe('https://onestop.example.gov.cn/problems/credit-excluded');
    // The applicant's own read never offered it (a clerk's action), flagged or not.
    await read({ caseNo }, username, ['withdraw']);
    const atCounter = await submit(enterpriseItem.code, { as: 'clerk.amr', applicantId: id, leaveOut: [pledged] });
    expect(atCounter.body.nextActions).toEqual(plain);

    expect((await credit(false, flagged.etag)).status).toBe(200);
    await read({ caseNo }, 'clerk.amr', tolerant);
    await read({ caseNo: atCounter.body.caseNo }, 'clerk.amr', tolerant);
  });
});
