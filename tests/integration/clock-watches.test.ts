/**
 * The evaluation and e-licence clocks without moving the cloud's clock: the
 * watchers' own functions run in this process, on the local cloud's table, at
 * a given instant (the scheduled runs, at the real time, see nothing due), and
 * what they publish goes through the real outbox, bus and consumers.
 *
 *  - A bad review's call-back is published due and overdue once each, not a
 *    millisecond early; once both tasks are done, the review leaves the watch
 *    and nothing more is published.
 *  - An approved case closed with its certificate is never watched; one whose
 *    certificate was kept from being issued (a fault injected into the issuing
 *    consumer for that approval only) is, and at its threshold the watcher
 *    publishes CertificateNotIssued once, which supervision cards yellow.
 *  - A certificate of an item that holds a year and reminds 45 days ahead is
 *    on the renewal watch from its issue, due not a millisecond early; at its
 *    instant the watcher publishes CertificateRenewalDue once and the holder
 *    gets the reminder (email and SMS in the case's delivery log); a
 *    certificate cancelled meanwhile left the watch with its cancellation and
 *    is never reminded.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Card, ThresholdSettings } from '#schemas/api/supervision';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { eLicenceThresholds, taskThresholds } from '#shared/clock-rules';
import { provisionalYear } from '#shared/provisional-calendar';
import { api, call, chooseNotifications, cloud, doc, freshCode, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';
import { documentsOf, freshApplicant } from './documents-client.ts';
import { completedCase, deadLetterOf, deleteDeadLettersOf, evalAct, freshItem, invitationOf, logLinesOf, onlineRating, soleTrader } from './evaluation-client.ts';

useLocalTable();
const { watchEvaluation } = await import('../../functions/evaluation/watch.ts');
const { watchLicence } = await import('../../functions/documents/licence-watch.ts');
const { remindRenewal } = await import('../../functions/documents/renewal-watch.ts');
const { renewalsDue } = await import('../../functions/documents/certificate-store.ts');
const { RENEWAL_REMINDER_LEAD_DAYS, renewalApplyBy, renewalReminderAt } = await import('../../functions/documents/certificates.ts');

const centerId = 'center-demo';
const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const get = async (PK: string, SK: string) => (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK, SK }, ConsistentRead: true }))).Item;
const eventsIn = async (PK: string) =>
  ((await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)', ExpressionAttributeValues: { ':pk': PK, ':e': 'EVENT#' }, ConsistentRead: true }))).Items ?? [])
    .map((i) => ({ detailType: i.detailType as string, detail: JSON.parse(i.detail as string) }));
const before = (instant: string) => new Date(Date.parse(instant) - 1).toISOString();
/** The staff notice about `subjectId` the department's clerk got, by its subject line's end. */
const noticeTo = (subjectId: string, label: string) =>
  until(`the staff notice "${subjectId} ${label}"`, async () =>
    ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: { subject: string; destination: { to: string[] } }[] }).emails
      .find((e) => e.destination.to.includes('clerk.amr@demo.onestop.example') && e.subject.endsWith(`${subjectId} ${label}`)));

describe('the evaluation watcher', () => {
  it('publishes a bad review\'s call-back due and overdue once each, never early; done, the review leaves the watch', async () => {
    const { caseNo } = await completedCase(await freshItem());
    const invited = await invitationOf(caseNo);
    const rated = await evalAct(caseNo, 'rate', 'zhang.san', invited.etag, onlineRating(1, '办理过程中多次被要求补交同一份材料'));
    const evalPk = `CENTER#${centerId}#EVAL#${caseNo}`;
    const [callBackDue, callBackOverdue] = taskThresholds(cal, { inHandling: true, tasks: rated.body.tasks });
    expect([callBackDue?.clock, callBackDue?.level, callBackOverdue?.clock, callBackOverdue?.level]).toEqual(['call_back', 'due', 'call_back', 'overdue']);
    // On the watch from the rating; the scheduled run may have moved it to the call-back's first instant already.
    const watched = await get(evalPk, 'EVAL');
    expect(watched?.GSI5PK).toBe('EVALWATCH');
    expect([rated.body.updatedAt, callBackDue!.at].map((at) => `${at}#${centerId}#${caseNo}`)).toContain(watched?.GSI5SK);
    const entry = { centerId, evaluationId: caseNo, watchKey: watched!.GSI5SK as string };

    expect(await watchEvaluation(entry, before(callBackDue!.at))).toBe(0);
    expect(await watchEvaluation(entry, callBackOverdue!.at)).toBe(2);
    expect(await watchEvaluation(entry, callBackOverdue!.at)).toBe(0);
    const published = (await eventsIn(evalPk)).filter((e) => e.detailType.startsWith('CallBack'));
    expect(published.map((e) => e.detailType).sort()).toEqual(['CallBackDue', 'CallBackOverdue']);
    expect(published.find((e) => e.detailType === 'CallBackOverdue')!.detail.data).toEqual({
      // The window the case was taken in at (its attribution): clerk.amr's only one.
      evaluationId: caseNo, type: 'case', departmentId: 'amr', windowId: 'a03', caseNo, clock: 'call_back', level: 'overdue', thresholdAt: callBackOverdue!.at, due: rated.body.tasks.callBack.due,
    });
    // The department's staff hear of both; supervision takes neither (no card row).
    await noticeTo(caseNo, '差评回访今日到期');
    await noticeTo(caseNo, '差评回访已超期');
    expect((await call('GET', `/supervision/cases/${caseNo}`, { as: 'supervisor' })).body.cards.filter((c: Card) => c.clock === 'call_back')).toEqual([]);

    // The department calls back and rectifies: the review leaves the watch, and its rectification is never published.
    const calledBack = await evalAct(caseNo, 'callBack', 'clerk.amr', rated.etag, { reached: true, summary: '已电话回访' });
    expect((await get(evalPk, 'EVAL'))?.GSI5PK).toBe('EVALWATCH');
    await evalAct(caseNo, 'rectify', 'clerk.amr', calledBack.etag, { outcome: 'fixed', measures: '一次性告知材料清单' });
    expect((await get(evalPk, 'EVAL'))?.GSI5PK).toBeUndefined();
    const far = new Date(Date.parse(callBackOverdue!.at) + 60 * 86_400_000).toISOString();
    expect(await watchEvaluation(entry, far)).toBe(0);
    expect((await eventsIn(evalPk)).filter((e) => e.detailType.startsWith('Rectification') && e.detailType !== 'RectificationDone')).toEqual([]);
  });
});

describe('the e-licence watcher', () => {
  const licencePk = (caseNo: string) => `CENTER#${centerId}#CASEFILES#${caseNo}`;

  it('never watches an approved case closed with its certificate', async () => {
    const filed = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: soleTrader.code, materials: soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })) } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    let res = filed;
    for (const action of ['accept', 'approve']) res = await call('POST', `/cases/${caseNo}/${action}`, { as: 'clerk.amr', headers: { 'if-match': res.etag } });
    await until('the certificate', async () => ((await documentsOf(caseNo, 'clerk.amr')).some((d) => d.kind === 'certificate') ? true : undefined));
    res = await call('POST', `/cases/${caseNo}/complete`, { as: 'clerk.amr', headers: { 'if-match': res.etag } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const closure = await until('the closure looked at', async () =>
      logLinesOf('DocumentIssueFunction', caseNo).find((l) => l.eventType === 'CaseCompleted'));
    expect(closure.outcome).toBe('issued');
    expect(await get(licencePk(caseNo), 'ELICENCE')).toBeUndefined();
  });

  it('publishes CertificateNotIssued once at its threshold when the certificate is not issued, and supervision cards it yellow', async () => {
    const filed = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: soleTrader.code, materials: soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })) } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    // Only this case's approval fails in the issuing consumer: its other documents and every other case go on.
    const rule = { functionPrefix: 'DocumentIssueFunction', phase: 'before', match: `"caseNo":"${caseNo}","action":"approve"` };
    const faults = (body: unknown) => fetch(`${api}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await faults({ ...rule, rate: 1 })).status).toBe(200);
    try {
      let res = filed;
      for (const action of ['accept', 'approve']) res = await call('POST', `/cases/${caseNo}/${action}`, { as: 'clerk.amr', headers: { 'if-match': res.etag } });
      const approval = (await eventsIn(`CENTER#${centerId}#CASE#${caseNo}`)).find((e) => e.detailType === 'CaseApproved')!;
      await deadLetterOf(approval.detail.eventId, 'DocumentIssue');
      res = await call('POST', `/cases/${caseNo}/complete`, { as: 'clerk.amr', headers: { 'if-match': res.etag } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);

      const watch = await until('the e-licence watch', () => get(licencePk(caseNo), 'ELICENCE'));
      expect(watch).toMatchObject({ closedAt: res.body.completedAt, GSI5PK: 'ELICENCEWATCH' });
      const settings = (await call<ThresholdSettings>('GET', '/supervision/settings', { as: 'supervisor' })).body;
      const [yellow] = eLicenceThresholds(cal, watch.closedAt as string, settings);
      const fresh = async () => ({ centerId, caseNo, watchKey: (await get(licencePk(caseNo), 'ELICENCE'))?.GSI5SK as string });

      expect(await watchLicence(await fresh(), before(yellow!.at))).toBe('waiting');
      // The scheduled run may move the wake-up meanwhile (to the same instant): a stale key publishes nothing, the next try does.
      await until('the threshold published', async () => ((await watchLicence(await fresh(), yellow!.at)) === 'published' ? true : undefined));
      const after = await get(licencePk(caseNo), 'ELICENCE');
      expect(after).toMatchObject({ notIssuedAt: yellow!.at });
      expect(after?.GSI5PK).toBeUndefined();
      expect(await watchLicence({ centerId, caseNo, watchKey: watch.GSI5SK as string }, yellow!.at)).toBe('duplicate');
      const published = (await eventsIn(`${licencePk(caseNo)}#EVENTS`)).filter((e) => e.detailType === 'CertificateNotIssued');
      expect(published.map((e) => e.detail.data)).toEqual([{
        caseNo, departmentId: 'amr', clock: 'e_licence', clockKind: 'e_licence', level: 'yellow', thresholdAt: yellow!.at, due: yellow!.due, handlerIds: expect.any(Array),
      }]);

      const card = await until('the yellow card', async () => {
        const r = await call<Card>('GET', `/supervision/cards/${caseNo}~e_licence~yellow`, { as: 'supervisor' });
        return r.status === 200 ? r.body : undefined;
      });
      expect(card).toMatchObject({ caseNo, clock: 'e_licence', clockKind: 'e_licence', level: 'yellow', state: 'issued', thresholdAt: yellow!.at, due: yellow!.due, departmentId: 'amr' });
      await noticeTo(caseNo, '办结后电子证照未按时出具（黄牌）');
    } finally {
      await faults({ ...rule, rate: 0 });
      await deleteDeadLettersOf(caseNo);
    }
  });
});

describe('the renewal watcher', () => {
  it('reminds the holder once, the item\'s days before expiry, never early; a certificate cancelled meanwhile never', async () => {
    // A copy of the immediate amr item whose licence holds a year, its holders reminded 45 days before it expires.
    const code = freshCode('RN');
    let res = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content: { ...soleTrader.content, validityYears: 1, renewalApplyDays: 45 } } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    for (const [action, as] of [['submit', 'admin.amr'], ['approve', 'center.admin'], ['publish', 'admin.amr']] as const) {
      res = await call('POST', `/admin/items/${code}/versions/1/${action}`, { as, headers: { 'if-match': res.etag } });
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const holder = await freshApplicant('孟小冬');
    // Both channels chosen: the reminder is looked for in each sink (the default is one).
    await chooseNotifications(holder.username, { channels: ['sms', 'email'], language: 'zh-CN' });
    const licensed = async () => {
      let step = await call('POST', '/cases', { as: holder.username, body: { itemCode: code, materials: soleTrader.content.materials.map((m) => ({ materialId: m.id, form: m.form, count: m.count })) } });
      expect(step.status, JSON.stringify(step.body)).toBe(201);
      const caseNo = step.body.caseNo as string;
      for (const action of ['accept', 'approve']) {
        step = await call('POST', `/cases/${caseNo}/${action}`, { as: 'clerk.amr', headers: { 'if-match': step.etag } });
        expect(step.status, `${action}: ${JSON.stringify(step.body)}`).toBe(200);
      }
      const cert = await until(`the certificate of ${caseNo}`, async () => (await documentsOf(caseNo, holder.username)).find((d) => d.kind === 'certificate'));
      return { caseNo, certificateNo: cert.certificateNo! };
    };
    const [kept, cancelled] = [await licensed(), await licensed()];
    const stored = await get(`CERT#${kept.certificateNo}`, 'CERT');
    // Reminded 30 days before the last day to apply, which is the item's 45 days before expiry.
    const remindAt = renewalReminderAt(stored!.validUntil as string, 45 + RENEWAL_REMINDER_LEAD_DAYS);
    expect(stored).toMatchObject({ remindAt, renewalApplyBy: renewalApplyBy(stored!.validUntil as string, 45), holder: '孟*冬', holderKind: 'citizen', GSI5PK: 'RENEWWATCH', GSI5SK: `${remindAt}#${centerId}#${kept.certificateNo}` });

    // Cancelled by the issuing department's approver: off the watch in the write that cancels it.
    const stale = { certificateNo: cancelled.certificateNo, centerId, watchKey: (await get(`CERT#${cancelled.certificateNo}`, 'CERT'))!.GSI5SK as string };
    const ended = await call('POST', `/certificates/${cancelled.certificateNo}/cancel`, { as: 'approver.amr', body: { reason: '经营者申请终止经营', legalBasis: '《中华人民共和国行政许可法》第七十条第（六）项' } });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect((await get(`CERT#${cancelled.certificateNo}`, 'CERT'))?.GSI5PK).toBeUndefined();

    expect((await renewalsDue(before(remindAt))).map((e) => e.certificateNo)).not.toContain(kept.certificateNo);
    const due = await renewalsDue(remindAt);
    expect(due.find((e) => e.certificateNo === kept.certificateNo)).toEqual({ certificateNo: kept.certificateNo, centerId, watchKey: stored!.GSI5SK });
    expect(due.map((e) => e.certificateNo)).not.toContain(cancelled.certificateNo);
    const entry = due.find((e) => e.certificateNo === kept.certificateNo)!;
    expect(await remindRenewal(entry, remindAt)).toBe('published');
    expect(await remindRenewal(entry, remindAt)).toBe('duplicate');
    expect(await remindRenewal(stale, remindAt)).toBe('ended');
    const after = await get(`CERT#${kept.certificateNo}`, 'CERT');
    expect(after).toMatchObject({ remindedAt: remindAt, status: 'valid' });
    expect(after?.GSI5PK).toBeUndefined();

    const reminders = async (caseNo: string) => (await eventsIn(`CENTER#${centerId}#CASEFILES#${caseNo}#EVENTS`)).filter((e) => e.detailType === 'CertificateRenewalDue');
    expect((await reminders(kept.caseNo)).map((e) => e.detail.data)).toEqual([{
      caseNo: kept.caseNo, certificateNo: kept.certificateNo, itemCode: code, itemName: soleTrader.content.name, validUntil: stored!.validUntil, applyBy: stored!.renewalApplyBy,
    }]);
    expect(await reminders(cancelled.caseNo)).toEqual([]);

    // The holder hears of it by both channels, logged with the case that issued the certificate.
    const deliveries = await until('the reminder delivered', async () => {
      const log = await call('GET', `/cases/${kept.caseNo}/notifications`, { as: holder.username });
      const sent = (log.body.items as { eventType: string; channel: string; status: string }[]).filter((d) => d.eventType === 'CertificateRenewalDue' && d.status === 'sent');
      return sent.length === 2 ? sent : undefined;
    });
    expect(deliveries.map((d) => d.channel).sort()).toEqual(['email', 'sms']);
    const email = await until('the reminder e-mail', async () =>
      ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: { subject: string; destination: { to: string[] } }[] }).emails
        .find((e) => e.destination.to.includes(`${holder.username}@example.com`) && e.subject === `证照延续提醒：${kept.certificateNo}`));
    expect(email).toBeDefined();
  }, 120_000);
});
