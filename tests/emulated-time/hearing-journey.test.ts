/**
 * A hearing's journey (听证, 行政许可法 arts. 46–48) over HTTP on the local
 * cloud: an enterprise applies for 施工许可 → the clerk accepts and reviews it →
 * tells the applicant and an interested party of their right to a hearing →
 * the applicant asks for one within 5 working days and the clock stops → the
 * clerk schedules it: 6 days ahead is refused (the parties are told at least 7
 * days before), 7 days ahead is accepted → the applicant is told of the right
 * and of the time and place by email and SMS, the interested party (no
 * account) by a letter queued for the mail room → the cloud's clock is moved
 * past the hearing → its outcome is recorded, the clock runs again, the case
 * is approved. Each step's response, the timeline and the audit log are
 * checked as in tests/integration/cases-journeys.test.ts; the timeline
 * (emulated times and ids) is printed at the end.
 *
 * Why here: a hearing is held at least 7 days after its notice (art. 48), and
 * its outcome only once it was held, so the journey needs the cloud's clock
 * 7 days on. The clock moves only forward, for the whole shared cloud, and
 * every jump releases other tests' thresholds; so this file runs last
 * (vitest.config.ts EMULATED_TIME_ORDER), after supervision and the hall
 * journey have moved it days ahead, and moves it once: from cloudNow() to
 * just past the hearing's time, which it picks from cloudNow() too. The case
 * is suspended for the hearing over the jump, so its own limits do not run;
 * the hearing's 20 working days are not reached.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, localDate } from '#shared/calendar';
import { legalDefaults } from '../../functions/cases/clock.ts';
import { smsParts } from '../../functions/notifications/templates.ts';
import { demoItems } from '../../local/seed/items.ts';
import { api, call, chooseNotifications, cloud, cloudNow, doc, freshCreditCode, moveCloudClock, registerApplicant, until, type Reply } from '../integration/api-client.ts';
import { act, submit, timelineOf } from '../integration/cases-client.ts';
import { expectRecords as expectJourneyRecords, journeyCalendar, read, step as journeyStep, type Journey as BaseJourney } from '../integration/journey-steps.ts';

const cal = journeyCalendar;
const promised = demoItems.find((i) => i.code === '370982-ZJ-XK-001')!; // 施工许可: housing, organizations only
const suffix = Date.now().toString(36);
const username = `ent.hearing.${suffix}`;
const email = `${username}@example.com`;
const mobile = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const companyName = '示范建设工程有限公司';

const DAY_MS = 86_400_000;
/** The center's date (UTC+8) of an instant, and the day `days` calendar days after a date. */
const centerDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const cloudToday = async () => centerDate(await cloudNow());

const timeline: string[] = [];
/** One line of the journey's timeline: the emulated instant in center time (UTC+8), the step, its ids. */
function mark(at: string | number, what: string, ids: Record<string, unknown> = {}) {
  const local = new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  timeline.push(`${local}  ${what}${Object.keys(ids).length ? `  ${Object.entries(ids).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
}
afterAll(() => {
  console.log(`hearing journey (emulated center time):\n  ${timeline.join('\n  ')}`);
});

interface Sms { phoneNumber: string; message: string }
interface Email { destination: { to: string[] }; subject: string; body: { text?: string } }
const smsTo = async (phone: string) => ((await (await fetch(`${api}/local/sms`)).json()) as { messages: Sms[] }).messages.filter((m) => m.phoneNumber === phone);
const emailsTo = async (address: string) => ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) => e.destination.to.includes(address));
/** The applicant's email and SMS of a notice: the first email whose subject starts with `subject`, the first SMS that says `smsMarker`. */
const noticeOf = (what: string, subject: string, smsMarker: string) => Promise.all([
  until(`the ${what} email`, async () => (await emailsTo(email)).find((e) => e.subject.startsWith(subject))),
  until(`the ${what} SMS`, async () => (await smsTo(`+86${mobile}`)).find((m) => m.message.includes(smsMarker))),
]);
/** The letters by post queued for the mail room about a case (its notification log, read as the mail room would). */
const lettersOf = async (caseNo: string) =>
  ((await doc.send(new QueryCommand({
    TableName: cloud.tableName,
    KeyConditionExpression: 'PK = :pk',
    FilterExpression: 'kind = :letter',
    ExpressionAttributeValues: { ':pk': `CENTER#center-demo#NOTIFY#${caseNo}`, ':letter': 'letter' },
    ConsistentRead: true,
  }))).Items ?? []) as { eventType: string; channel: string; status: string; queue: string; party: number; subject: string; text: string }[];

/** The case followed through the journey, and the first day its clock counts. */
interface Journey extends BaseJourney { firstDay: string }

/** A step of the journey (journey-steps.ts), marked on the timeline with the case's emulated time. */
async function step(j: Journey, action: string, as: string, exp: Parameters<typeof journeyStep>[3], body?: unknown) {
  const res = await journeyStep(j, action, as, exp, body);
  mark(res.body.updatedAt, `${action} → ${exp.type}`, { state: j.state, version: j.version });
  return res;
}

/** The action refused with `status` and the rule's problem type (and an English detail matching `detail`), nothing written. */
async function refused(j: Journey, action: string, as: string, status: number, body: unknown, type: string, detail?: RegExp): Promise<Reply> {
  const res = await act(j.caseNo, action, as, j.etag, body, status);
  expect(res.body.type).toBe(`https://onestop.example.gov.cn/problems/${type}`);
  if (detail) expect(res.body.detail).toMatch(detail);
  expect((await read(j, j.reader)).body.version).toBe(j.version);
  return res;
}

/** The journey's timeline and audit records (journey-steps.ts), the audit read over the emulated days the case lived. */
const expectRecords = async (j: Journey) => expectJourneyRecords(j, plusDays(j.firstDay, -1), plusDays(await cloudToday(), 1));

beforeAll(async () => {
  const res = await registerApplicant({ kind: 'enterprise', username, name: companyName, email, phone: mobile, creditCode: freshCreditCode(), legalRepresentative: '赵六' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // It chose to hear by both channels: the journey reads the notices' email and SMS.
  await chooseNotifications(username, { channels: ['sms', 'email'], language: 'zh-CN' });
  mark(await cloudNow(), 'set-up', { applicant: username, applicantId: res.body.applicantId });
});

describe('a hearing (听证), with the cloud\'s clock moved past it', () => {
  it('the right noticed, the applicant asks within 5 working days; the clock stops until the outcome; held at least 7 days after its notice; the parties told; the names stay off the events', async () => {
    const filed = await submit(promised.code, { as: username });
    const c0 = filed.body;
    expect(c0).toMatchObject({ state: 'submitted', version: 1, channel: 'online', item: { code: promised.code }, remainingWorkingDays: {}, nextActions: ['withdraw'] });
    expect(filed.etag).toBe('"1"');
    expect(filed.headers.get('location')).toBe(`/cases/${c0.caseNo}`);
    expect(c0.noticeDue).toBe(addWorkingDays(cal, localDate(cal, c0.receivedAt), 5));
    const j: Journey = {
      caseNo: c0.caseNo, etag: filed.etag, version: 1, state: 'submitted', log: [{ type: 'CaseSubmitted', action: 'submit', to: 'submitted', role: 'applicant' }], dl: [c0.deadlines],
      reader: 'clerk.housing', firstDay: localDate(cal, c0.receivedAt),
    };
    mark(c0.receivedAt, 'submit → CaseSubmitted', { caseNo: j.caseNo });

    await step(j, 'accept', 'clerk.housing', { to: 'accepted', type: 'CaseAccepted', clock: 'start' });
    await step(j, 'review', 'clerk.housing', { to: 'under_review', type: 'CaseReviewed' }, { opinion: '涉及相邻权人利益，拟告知听证权利' });
    await refused(j, 'requestHearing', username, 409, { partyRole: 'applicant' }, 'hearing-right-not-noticed');
    const parties = [{ name: companyName, role: 'applicant' }, { name: '李四', role: 'interested_party' }];
    const noticed = await step(j, 'noticeHearingRight', 'clerk.housing', { type: 'HearingRightNoticed', next: ['review', 'suspend', 'requestExtension', 'requestHearing', 'withdraw'] }, { parties });
    const requestDue = addWorkingDays(cal, localDate(cal, noticed.body.hearing.rightNotice.toldAt), legalDefaults.hearingRequestWorkingDays);
    expect(noticed.body.hearing).toEqual({ rightNotice: { parties, toldAt: expect.any(String), requestDue } });
    await read(j, username, ['requestHearing', 'withdraw']);
    await refused(j, 'approve', 'approver.housing', 409, undefined, 'hearing-request-period-open', new RegExp(requestDue));

    const asked = await step(j, 'requestHearing', username, { to: 'suspended', type: 'HearingRequested', clock: 'suspend', next: ['withdraw'] }, { partyRole: 'applicant', reason: '对施工影响范围有异议' });
    const organiseBy = addWorkingDays(cal, localDate(cal, asked.body.hearing.request.at), legalDefaults.hearingOrganiseWorkingDays);
    expect(asked.body.hearing.request).toEqual({ by: 'applicant', party: companyName, reason: '对施工影响范围有异议', at: expect.any(String), organiseBy });
    expect(asked.body.suspension).toMatchObject({ kind: 'hearing', expectedWorkingDays: 20 });
    expect(asked.body.deadlines.statutoryDue).toBeUndefined();
    await refused(j, 'resume', 'clerk.housing', 409, {}, 'hearing-underway');
    await refused(j, 'recordHearingOutcome', 'clerk.housing', 409, { outcome: '听证' }, 'hearing-not-scheduled');
    const tooLate = await refused(j, 'scheduleHearing', 'clerk.housing', 422, { at: `${addWorkingDays(cal, organiseBy, 1)}T09:30:00+08:00`, place: '三楼听证室' }, 'hearing-input-invalid');
    expect(tooLate.body.errors).toEqual([expect.objectContaining({ path: '/body/at', code: 'after_organise_by' })]);

    // Art. 48: told today, the hearing is held on the 7th calendar day at the soonest (calendar dates in
    // center time, whatever the hour). Both times are a day's 09:30 counted from the cloud's date, read
    // just before each is asked.
    const today = await cloudToday();
    const tooSoon = await refused(j, 'scheduleHearing', 'clerk.housing', 422, { at: `${plusDays(today, legalDefaults.hearingNoticeDays - 1)}T09:30:00+08:00`, place: '三楼听证室' }, 'hearing-input-invalid');
    expect(tooSoon.body.errors).toEqual([expect.objectContaining({ path: '/body/at', code: 'notice_too_short' })]);
    mark(await cloudNow(), `scheduleHearing ${legalDefaults.hearingNoticeDays - 1} days ahead refused: notice_too_short`);
    const heldAt = `${plusDays(await cloudToday(), legalDefaults.hearingNoticeDays)}T09:30:00+08:00`;
    expect(heldAt.slice(0, 10) <= organiseBy, `${heldAt} by ${organiseBy}`).toBe(true);
    const scheduled = await step(j, 'scheduleHearing', 'clerk.housing', { type: 'HearingScheduled', next: ['scheduleHearing', 'recordHearingOutcome', 'withdraw'] }, { at: heldAt, place: '三楼听证室' });
    expect(scheduled.body.hearing.schedule).toEqual({ at: heldAt, place: '三楼听证室', noticedAt: expect.any(String) });
    mark(await cloudNow(), 'the hearing set', { at: heldAt, organiseBy });

    // The applicant hears of both by email and SMS (one part each).
    const [rightMail, rightSms] = await noticeOf('right notice', `听证权利告知：${j.caseNo}`, '申请听证');
    expect(rightMail.body.text).toContain(`请于 ${requestDue} 前`);
    expect(rightSms.message).toContain(j.caseNo);
    expect(rightSms.message).toContain(requestDue);
    const [hearingMail, hearingSms] = await noticeOf('hearing notice', `听证通知：${j.caseNo}`, '听证：');
    expect(hearingMail.body.text).toContain(`${heldAt.slice(0, 10)} 09:30 在三楼听证室举行`);
    expect(hearingSms.message).toContain(`${heldAt.slice(0, 10)} 09:30`);
    for (const sms of [rightSms, hearingSms]) expect(smsParts(sms.message), sms.message).toBe(1);
    const log = await until('the hearing notices\' deliveries', async () => {
      const res = await call('GET', `/cases/${j.caseNo}/notifications`, { as: username });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const hearing = (res.body.items as { eventType: string; channel: string; status: string }[]).filter((d) => d.eventType.startsWith('Hearing'));
      return hearing.filter((d) => d.status === 'sent').length === 4 ? hearing : undefined;
    });
    expect(log.map((d) => `${d.eventType}/${d.channel}/${d.status}`).sort()).toEqual([
      'HearingRightNoticed/email/sent', 'HearingRightNoticed/sms/sent', 'HearingScheduled/email/sent', 'HearingScheduled/sms/sent',
    ]);
    mark(await cloudNow(), 'the applicant\'s notices observed', { email: 2, sms: 2 });

    const jumpMs = await moveCloudClock(Date.parse(heldAt) + 60_000);
    expect(await cloudNow()).toBeGreaterThan(Date.parse(heldAt));
    mark(await cloudNow(), jumpMs > 0 ? `clock moved +${(jumpMs / 3600_000).toFixed(2)} h past the hearing` : 'clock not moved: the hearing is past already');

    const held = await step(j, 'recordHearingOutcome', 'approver.housing', { to: 'under_review', type: 'HearingConcluded', clock: 'resume' }, { outcome: '听证认为施工方案已采取防护措施' });
    expect(held.body.hearing.outcome).toEqual({ summary: '听证认为施工方案已采取防护措施', at: expect.any(String) });
    expect(Date.parse(held.body.hearing.outcome.at)).toBeGreaterThan(Date.parse(heldAt));
    expect(held.body.clock.suspensions).toEqual([expect.objectContaining({ kind: 'hearing', to: expect.any(String) })]);
    await refused(j, 'requireHearing', 'approver.housing', 409, { reason: '再次听证' }, 'hearing-already-held');
    await step(j, 'approve', 'approver.housing', { to: 'approved', type: 'CaseApproved', clock: 'stop', next: ['complete'] });
    await expectRecords(j);
    expect(JSON.stringify(await timelineOf(j.caseNo, 'clerk.housing'))).not.toContain('李四');

    // The interested party (no account) is told of both by post: letters queued for the mail room, naming nobody.
    const letters = await until('the letters to the interested party', async () => {
      const found = await lettersOf(j.caseNo);
      return found.length === 2 ? found : undefined;
    });
    expect(letters.map((l) => [l.eventType, l.channel, l.status, l.queue, l.party]).sort()).toEqual([
      ['HearingRightNoticed', 'postal', 'queued', 'mail-room', 1],
      ['HearingScheduled', 'postal', 'queued', 'mail-room', 1],
    ]);
    const [rightLetter, hearingLetter] = ['HearingRightNoticed', 'HearingScheduled'].map((t) => letters.find((l) => l.eventType === t)!);
    expect(rightLetter).toMatchObject({ subject: `听证权利告知书：${j.caseNo}`, text: expect.stringContaining(`请于 ${requestDue} 前向本中心提出`) });
    expect(hearingLetter).toMatchObject({ subject: `听证通知书：${j.caseNo}`, text: expect.stringContaining(`${heldAt.slice(0, 10)} 09:30 在三楼听证室举行`) });
    expect(JSON.stringify(letters)).not.toContain('李四');
    mark(await cloudNow(), 'letters observed', { letters: letters.length, party: letters[0]!.party });
  });
});
