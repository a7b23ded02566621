import { describe, expect, it } from 'vitest';
import type { CaseEventData } from '#schemas/events/cases';
import { mobileE164 } from '../../../functions/notifications/audience.ts';
import { staffNoticeText } from '../../../functions/notifications/staff-notices.ts';
import { isToldOf, milestoneEventTypes, notifiedEventTypes, queryCodeEventTypes, render, renderLetter, renderRenewal, smsParts } from '../../../functions/notifications/templates.ts';
import { transitions } from '../../../functions/cases/lifecycle.ts';
import { DEADLINES_RECOMPUTED } from '../../../functions/cases/events.ts';

const data = (details: Record<string, unknown> = {}): CaseEventData => ({
  caseNo: '370982-20261127-00042',
  action: 'x',
  toState: 'accepted',
  deadlines: { promisedDue: '2026-12-01', deliveryDue: '2026-12-11' },
  itemCode: '370982-AMR-XK-001',
  itemName: '企业设立登记',
  departmentId: 'amr',
  jointDepartments: [],
  serviceMode: 'promised',
  applicantId: '01J0000000000000000000000A',
  caseVersion: 2,
  details,
});

describe('applicant messages', () => {
  it('every notified event type is an event the cases domain emits (intake, the lifecycle, the recount)', () => {
    const emitted = new Set(['CaseSubmitted', ...transitions.map((t) => t.event), DEADLINES_RECOMPUTED]);
    for (const type of notifiedEventTypes) expect(emitted.has(type), type).toBe(true);
  });

  it.each(notifiedEventTypes.flatMap((t) => (['zh-CN', 'en'] as const).map((lang) => [t, lang] as const)))('%s renders in %s with the case number and the signature', (type, lang) => {
    const m = render(type, data({ reasons: ['材料不符合法定形式'], acceptanceDate: '2026-11-27', method: 'mail', trackingNo: 'SF123', previous: { promisedDue: '2026-11-30' } }), lang)!;
    expect(m.text).toContain('370982-20261127-00042');
    expect(m.text.startsWith(lang === 'zh-CN' ? '【政务服务中心】' : '[Government Service Center]')).toBe(true);
    expect(m.subject.length).toBeGreaterThan(0);
    expect(m.text).not.toContain('undefined');
  });

  it('the one-time supplement notice lists every material at once (一次性告知)', () => {
    const items = [
      { materialId: 'premises', name: '住所使用相关文件', problem: 'missing', detail: '未提交' },
      { materialId: 'investor-id', name: '股东身份证件', problem: 'incorrect', detail: '复印件不清晰' },
    ];
    const zh = render('SupplementRequested', data({ items }), 'zh-CN')!.text;
    expect(zh).toContain('1. 住所使用相关文件（缺少）：未提交');
    expect(zh).toContain('2. 股东身份证件（有误）：复印件不清晰');
    const en = render('SupplementRequested', data({ items }), 'en')!.text;
    expect(en).toContain('2. 股东身份证件 (incorrect): 复印件不清晰');
  });

  it('a recount is told only when the promised date moved, with both dates; a provisional date says so', () => {
    const moved = render('DeadlinesRecomputed', data({ previous: { promisedDue: '2026-11-30', provisional: true } }), 'zh-CN')!.text;
    expect(moved).toContain('由 2026-11-30 调整为 2026-12-01');
    expect(render('DeadlinesRecomputed', data({ previous: { promisedDue: '2026-12-01', provisional: true } }), 'zh-CN')).toBeUndefined();
    expect(render('DeadlinesRecomputed', data({ previous: {} }), 'en')).toBeUndefined();
    const accepted = { ...data({ acceptanceDate: '2026-12-20' }), deadlines: { promisedDue: '2027-01-08', provisional: true as const } };
    expect(render('CaseAccepted', accepted, 'zh-CN')!.text).toContain('承诺办结日期（暂定，节假日安排公布后重新计算）：2027-01-08');
    expect(render('CaseAccepted', accepted, 'en')!.text).toContain('(provisional until the year\'s holiday schedule is published): 2027-01-08');
  });

  it('a denial carries its reasons and the right to review; internal steps send nothing', () => {
    expect(render('CaseDenied', data({ reasons: ['不符合条件一', '不符合条件二'] }), 'zh-CN')!.text).toMatch(/不符合条件一；不符合条件二.*行政复议/);
    expect(render('CaseReviewed', data(), 'zh-CN')).toBeUndefined();
    expect(render('JointOpinionGiven', data(), 'en')).toBeUndefined();
  });
});

describe('hearings (听证): the applicant told of the right and of the time and place; the interested parties by post', () => {
  const noticed = data({ requestDue: '2026-12-11', told: { applicant: 1, interestedParties: 2 }, byPost: [1, 2] });
  const scheduled = data({ at: '2026-12-18T01:30:00.000Z', place: '三楼听证室', hearingDate: '2026-12-18', hearingTime: '09:30', byPost: [1, 2] });

  it('the right notice gives the last day to ask (art. 47), the hearing notice the day, time (center time) and place (art. 48)', () => {
    expect(render('HearingRightNoticed', noticed, 'zh-CN')).toMatchObject({ subject: '听证权利告知：370982-20261127-00042', sms: '【政务服务中心】办件370982-20261127-00042：您可于2026-12-11前申请听证，详见办件页面。' });
    expect(render('HearingRightNoticed', noticed, 'zh-CN')!.text).toContain('请于 2026-12-11 前在办件页面或窗口提出');
    expect(render('HearingRightNoticed', noticed, 'en')!.text).toContain('ask by 2026-12-11');
    expect(render('HearingScheduled', scheduled, 'zh-CN')).toMatchObject({ subject: '听证通知：370982-20261127-00042', sms: '【政务服务中心】办件370982-20261127-00042听证：2026-12-18 09:30，地点见办件页面。' });
    expect(render('HearingScheduled', scheduled, 'zh-CN')!.text).toContain('定于 2026-12-18 09:30 在三楼听证室举行');
    expect(render('HearingScheduled', scheduled, 'en')!.text).toContain('held on 2026-12-18 09:30 at 三楼听证室');
    for (const type of ['HearingRightNoticed', 'HearingScheduled']) expect(isToldOf(type, {}), type).toBe(true);
  });

  it('a letter by post to each interested party, by place in the notice, naming nobody; none when the notice named none, none for other events', () => {
    const right = renderLetter('HearingRightNoticed', noticed)!;
    expect(right).toMatchObject({ subject: '听证权利告知书：370982-20261127-00042', parties: [1, 2] });
    expect(right.text).toMatch(/^你（单位）系“企业设立登记”（370982-20261127-00042）行政许可申请的利害关系人.*请于 2026-12-11 前向本中心提出/);
    const hearing = renderLetter('HearingScheduled', scheduled)!;
    expect(hearing).toMatchObject({ subject: '听证通知书：370982-20261127-00042', parties: [1, 2] });
    expect(hearing.text).toContain('定于 2026-12-18 09:30 在三楼听证室举行');
    expect(renderLetter('HearingScheduled', data({ ...scheduled.details, byPost: [] }))).toBeUndefined();
    expect(renderLetter('CaseApproved', data({ byPost: [1] }))).toBeUndefined();
  });
});

describe('SMS in one part', () => {
  // The longest case number the schema allows, a provisional date, and every free-text field at its longest.
  const longest = {
    ...data({ reasons: ['理由'.repeat(250)], acceptanceDate: '2026-11-27', toleranceDue: '2026-12-31', method: 'mail', trackingNo: 'S'.repeat(50), procedure: '检验检测', expectedWorkingDays: 365, reason: '原因'.repeat(250), workingDays: 30, previous: { promisedDue: '2026-11-30' },
      requestDue: '2026-12-31', hearingDate: '2026-12-31', hearingTime: '09:30', place: '地点'.repeat(100) }),
    caseNo: `ABCDEFGHIJKL-20261127-${'9'.repeat(9)}`,
    deadlines: { promisedDue: '2026-12-01', deliveryDue: '2026-12-11', provisional: true as const },
  };

  it.each(notifiedEventTypes.flatMap((t) => (['zh-CN', 'en'] as const).map((lang) => [t, lang] as const)))('%s in %s: one billable part, with the case number and the signature', (type, lang) => {
    const m = render(type, longest, lang)!;
    expect(smsParts(m.sms), m.sms).toBe(1);
    expect(m.sms).toContain(longest.caseNo);
    expect(m.sms.startsWith(lang === 'zh-CN' ? '【政务服务中心】' : '[Government Service Center]')).toBe(true);
    expect(m.sms).not.toContain('undefined');
  });

  it('counts parts as carriers bill them: 70 UCS-2 characters or 160 GSM septets, then 67 or 153, an extension character taking two', () => {
    expect(smsParts('办'.repeat(70))).toBe(1);
    expect(smsParts('办'.repeat(71))).toBe(2);
    expect(smsParts('办'.repeat(134))).toBe(2);
    expect(smsParts('办'.repeat(135))).toBe(3);
    expect(smsParts('a'.repeat(160))).toBe(1);
    expect(smsParts('a'.repeat(161))).toBe(2);
    expect(smsParts(`${'a'.repeat(159)}[`)).toBe(2);
    expect(smsParts(`${'a'.repeat(69)}办`)).toBe(1);
    expect(smsParts(`${'a'.repeat(70)}办`)).toBe(2);
  });
});

describe('fees', () => {
  it('the payment notice tells the amount in yuan and the last day; a lapsed notice and a case ended unpaid say what follows', () => {
    const required = render('PaymentRequired', data({ dueFen: 125050, payBy: '2026-12-10' }), 'zh-CN')!;
    expect(required.subject).toBe('缴费通知：370982-20261127-00042');
    expect(required.text).toContain('需缴纳费用 1250.50 元，请于 2026-12-10 前缴纳');
    expect(required.sms).toBe('【政务服务中心】办件370982-20261127-00042需缴费1250.50元，请于2026-12-10前缴纳。');
    expect(render('PaymentRequired', data({ dueFen: 7, payBy: '2026-12-10' }), 'en')!.sms).toContain('pay CNY 0.07 by 2026-12-10');
    expect(render('CasePaymentTimedOut', data({ reason: 'charge_unpaid', payBy: '2026-12-10' }), 'zh-CN')!.text).toContain('未在 2026-12-10 前缴纳费用，办件已终止');
    expect(render('PaymentExpired', data({}), 'zh-CN')!.sms).toBe('【政务服务中心】办件370982-20261127-00042缴费逾期，缴款通知书已失效，将重新核价。');
    for (const type of ['PaymentRequired', 'PaymentExpired', 'CasePaymentTimedOut']) expect(isToldOf(type, {}), type).toBe(true);
    expect(isToldOf('PaymentSettled', {})).toBe(false);
  });
});

describe('milestones', () => {
  it('by default an applicant hears of what to act on, the receipt, the decision and an ended case, not of their own acts or the steps after the decision', () => {
    for (const type of ['SupplementRequested', 'CaseAccepted', 'CaseApproved', 'CaseDenied', 'CaseRefused', 'CaseTerminated', 'DeadlinesRecomputed']) expect(isToldOf(type, {}), type).toBe(true);
    for (const type of ['CaseSubmitted', 'CaseCompleted', 'CaseDelivered', 'CaseWithdrawn']) expect(isToldOf(type, { events: 'milestones' }), type).toBe(false);
  });

  it('asking for every step tells of every event that has a message; every milestone has one', () => {
    for (const type of notifiedEventTypes) expect(isToldOf(type, { events: 'all' }), type).toBe(true);
    for (const type of milestoneEventTypes) expect(notifiedEventTypes, type).toContain(type);
  });
});

describe('SMS numbers', () => {
  it.each([
    ['13812345678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['86-138-1234-5678', '+8613812345678'],
    ['0731-88886666', undefined],
    ['12812345678', undefined],
    ['1381234567', undefined],
  ])('%s → %s', (phone, e164) => expect(mobileE164(phone)).toBe(e164));
});

describe('staff notices', () => {
  it('name the case, what its clock reached, the limit and how late', () => {
    const m = staffNoticeText('示范县市场监督管理局', 'SpecialProcedureOverdue', { subjectId: 'A-1', due: '2026-12-01', overdueWorkingDays: 2 });
    expect(m.subject).toBe('【时限预警】示范县市场监督管理局：A-1 特别程序已超期');
    expect(m.text).toBe('A-1：特别程序已超期（期限 2026-12-01，超期 2 个工作日以上）。请及时办理；电子监察已记录。');
    expect(staffNoticeText('D', 'CasePromisedLimitPassed', { subjectId: 'A-2', due: '2026-12-03' }).text).toBe('A-2：已超过承诺时限（黄牌）（期限 2026-12-03）。请及时办理；电子监察已记录。');
  });
  it('name a bad review\'s task by its evaluation, and an e-licence late by its case, in Chinese', () => {
    expect(staffNoticeText('D', 'CallBackDue', { subjectId: 'A-3', due: '2026-12-04' }).subject).toBe('【时限预警】D：A-3 差评回访今日到期');
    expect(staffNoticeText('D', 'RectificationOverdue', { subjectId: '01J0000000000000000000000B', due: '2026-12-04' }).text)
      .toBe('01J0000000000000000000000B：差评整改已超期（期限 2026-12-04）。请及时办理；电子监察已记录。');
    expect(staffNoticeText('D', 'CertificateNotIssued', { subjectId: 'A-4', due: '2026-12-07' }).subject).toBe('【时限预警】D：A-4 办结后电子证照未按时出具（黄牌）');
  });
});

describe('the query code in the acceptance notices', () => {
  const CODE = '74M2D2Q784DA';
  const longest = {
    ...data({ acceptanceDate: '2026-11-27', toleranceDue: '2026-12-31' }),
    caseNo: `ABCDEFGHIJKL-20261127-${'9'.repeat(9)}`,
    deadlines: { promisedDue: '2026-12-01', deliveryDue: '2026-12-11', provisional: true as const },
  };

  it.each(queryCodeEventTypes.flatMap((t) => (['zh-CN', 'en'] as const).map((lang) => [t, lang] as const)))('%s in %s: the e-mail carries the code, the subject (kept in the delivery log) never; the SMS stays one part', (type, lang) => {
    const m = render(type, longest, lang, CODE)!;
    expect(m.text).toContain(CODE);
    expect(m.subject).not.toContain(CODE);
    expect(smsParts(m.sms), m.sms).toBe(1);
    // The pledge's deadline is what a 容缺 applicant must act on: it keeps the SMS, the code goes by e-mail, receipt and case page.
    if (type === 'CaseAcceptedWithTolerance') expect(m.sms).toContain('2026-12-31');
    else expect(m.sms).toContain(CODE);
  });

  it('without a code (an agent\'s copy, or an acceptance from before codes were derived) nothing mentions one', () => {
    for (const type of queryCodeEventTypes) {
      for (const lang of ['zh-CN', 'en'] as const) {
        const m = render(type, longest, lang)!;
        expect(m.text).not.toMatch(/查询码|query code/i);
        expect(m.sms).not.toMatch(/查询码|query code/i);
      }
    }
    expect(render('CaseAccepted', longest, 'zh-CN')!.sms).toContain('2026-12-01');
  });

  it('only the acceptance notices carry it', () => {
    for (const type of notifiedEventTypes.filter((t) => !queryCodeEventTypes.includes(t))) {
      const m = render(type, data({ reasons: ['x'], previous: { promisedDue: '2026-11-30' } }), 'zh-CN', CODE);
      if (m) expect(`${m.text}${m.sms}`, type).not.toContain(CODE);
    }
  });
});

describe('renewal reminders', () => {
  const due = { caseNo: '370982-20261127-00042', certificateNo: 'C370982202611270004201J0AB7', itemCode: '370982-AMR-XK-002', itemName: '食品经营许可', validUntil: '2031-11-26', applyBy: '2031-10-28' };

  it.each(['zh-CN', 'en'] as const)('name the certificate, its last day and the last day to apply, in one SMS part (%s)', (lang) => {
    const m = renderRenewal(due, lang);
    for (const text of [m.text, m.sms]) {
      expect(text).toContain(due.certificateNo);
      expect(text).toContain(due.validUntil);
      expect(text).toContain(due.applyBy);
    }
    expect(m.text).toContain(due.itemName);
    expect(m.subject).toContain(due.certificateNo);
    expect(smsParts(m.sms)).toBe(1);
  });
});
