/**
 * Resilience run (issues "Event consumers", "Materials, certificates and
 * archives"): with the notification, audit, evaluation-invitation,
 * document-issuing and archive consumers failing at random (30 %, before or
 * after their handler ran) for one applicant's events, over 200+ case
 * transitions, retries and redrives end with every event applied exactly once
 * in effect — one audit record per event, one email and one SMS per notifiable
 * event, one evaluation per completed case, one receipt and one certificate
 * and one archive per case — and every DLQ empty. (Faults follow the
 * applicant's id, which DocumentIssued does not carry: the archive consumer
 * fails on its CaseCompleted deliveries.)
 * The faults are injected by the local Lambda runtime (POST /local/faults),
 * scoped to this applicant's events so other tests run undisturbed.
 */
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { api, call, chooseNotifications, cloud, doc, freshIdNumber, registerApplicant, until } from './api-client.ts';
import { enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';
import { milestoneEventTypes } from '../../functions/notifications/templates.ts';
import { thresholdDetailTypes } from '#schemas/events/threshold-types';

const CASES = 34; // × 6 transitions (submit, accept, review, approve, complete, deliver) = 204
const RATE = 0.3;
const CONSUMERS = ['NotificationsFunction', 'AuditConsumerFunction', 'EvaluationInviteFunction', 'DocumentIssueFunction', 'ArchiveFunction'];
// Of the journey's events, those applicants hear of by default (milestones only: decision 73).
const NOTIFIED = new Set(['CaseSubmitted', 'CaseAccepted', 'CaseApproved', 'CaseCompleted', 'CaseDelivered'].filter((t) => milestoneEventTypes.includes(t)));

/** A date around today in the center's time zone (the audit API takes ranges of at most 92 days). */
const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
const post = (path: string, body: unknown) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const get = (path: string) => fetch(path.startsWith('http') ? path : `${api}${path}`).then((r) => r.json());

async function journey(username: string): Promise<string> {
  const c = await call('POST', '/cases', { as: username, body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code) } });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  let etag = c.etag;
  const steps: [string, string, unknown?][] = [['accept', 'clerk.amr'], ['review', 'clerk.amr', { opinion: '符合条件' }], ['approve', 'approver.amr'], ['complete', 'clerk.amr'], ['deliver', 'clerk.amr', { method: 'pickup' }]];
  for (const [action, as, body] of steps) {
    const r = await call('POST', `/cases/${c.body.caseNo}/${action}`, { as, headers: { 'if-match': etag }, ...(body ? { body } : {}) });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
    etag = r.etag;
  }
  return c.body.caseNo;
}

describe('fault injection', () => {
  it(`${CASES * 6} transitions with consumers failing at ${RATE * 100} %: every event applied once, every DLQ empty`, async () => {
    const username = `fi.${Date.now().toString(36)}`;
    const mobile = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const email = `${username}@example.com`;
    const reg = await registerApplicant({ kind: 'citizen', username, name: '孙八', email, phone: mobile, idNumber: freshIdNumber() });
    expect(reg.status).toBe(200);
    // Both channels, so that every message is counted in each sink.
    await chooseNotifications(username, { channels: ['sms', 'email'], language: 'zh-CN' });
    const applicantId = reg.body.applicantId as string;
    for (const functionPrefix of CONSUMERS) await post('/local/faults', { functionPrefix, rate: RATE, phase: 'either', match: applicantId });

    let redriven = 0;
    let injected = 0;
    try {
      const caseNos: string[] = [];
      for (let i = 0; i < CASES; i += 6) caseNos.push(...(await Promise.all(Array.from({ length: Math.min(6, CASES - i) }, () => journey(username)))));

      const events = (
        await Promise.all(caseNos.map((no) => doc.send(new QueryCommand({
          TableName: cloud.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
          ExpressionAttributeValues: { ':pk': `CENTER#center-demo#CASE#${no}`, ':e': 'EVENT#' },
        }))))
      ).flatMap((out) => out.Items!.map((i) => ({ eventId: (i.SK as string).slice(6), type: i.detailType as string, caseNo: JSON.parse(i.detail as string).data.caseNo as string })));
      // The clock thresholds a case reached meanwhile are events of its partition too (and audited like the rest).
      expect(events.filter((e) => !thresholdDetailTypes.includes(e.type))).toHaveLength(CASES * 6);
      const notified = events.filter((e) => NOTIFIED.has(e.type));

      const applied = async () => {
        const audit = (await Promise.all(caseNos.map((no) => call('GET', `/audit/events?from=${day(-1)}&to=${day(1)}&subjectType=case&subjectId=${no}&limit=100`, { as: 'auditor' }))))
          .flatMap((r) => (r.body.items ?? []) as { eventId: string; source: string }[])
          .filter((r) => r.source === 'onestop.cases');
        const mails = ((await get(`${cloud.endpoints.ses}/store`)) as { emails: { destination: { to: string[] } }[] }).emails.filter((e) => e.destination.to.includes(email)).length;
        const sms = ((await get('/local/sms')) as { messages: { phoneNumber: string }[] }).messages.filter((m) => m.phoneNumber === `+86${mobile}`).length;
        const invited = ((await call('GET', '/evaluations?limit=100', { as: username })).body.items ?? []) as { evaluationId: string }[];
        const files = await Promise.all(caseNos.map((no) => call('GET', `/cases/${no}/materials`, { as: username })));
        const documents = files.flatMap((r) => (r.body.documents ?? []) as { documentId: string; kind: string }[]);
        const archived = (await Promise.all(caseNos.map((no) => call('GET', `/cases/${no}`, { as: 'clerk.amr' })))).filter((r) => r.body.archiveLocation).length;
        return { audit, mails, sms, evaluations: invited.map((e) => e.evaluationId), documents, archived };
      };
      // Only this run's messages (its faults strike events carrying the applicant's id); other tests' stay untouched.
      const ours = async () =>
        ((await get('/local/dlq')) as { queues: { queue: string; messages: { messageId: string }[] }[] }).queues
          .map((q) => ({ queue: q.queue, ids: q.messages.filter((m) => JSON.stringify(m).includes(applicantId)).map((m) => m.messageId) }))
          .filter((q) => q.ids.length > 0);
      const dlqDepth = async () => (await ours()).reduce((a, q) => a + q.ids.length, 0);

      // Retries run out for some events (30 % three times in a row): redrive until every queue is empty and every effect is in.
      let last = '';
      // Quiet: no consumer invoked since the previous probe (a retry in flight may still dead-letter an event it applied).
      const invocations = async () => Object.entries(((await get('/local/stats')) as { functions: Record<string, { invocations: number }> }).functions)
        .filter(([id]) => CONSUMERS.some((c) => id.startsWith(c))).reduce((a, [, f]) => a + f.invocations, 0);
      let seen = -1;
      let quietProbes = 0;
      await until('every event applied and every DLQ empty', async () => {
        await new Promise((r) => setTimeout(r, 300));
        const calls = await invocations();
        quietProbes = calls === seen ? quietProbes + 1 : 0;
        seen = calls;
        // Quiet for three probes (over a second): a retry waiting out its backoff may yet fail into a DLQ.
        const quiet = quietProbes >= 3;
        const queues = await ours();
        const depth = queues.reduce((a, q) => a + q.ids.length, 0);
        for (const q of queues) redriven += ((await post('/local/dlq/redrive', { queue: q.queue, messageIds: q.ids })) as { redriven: number }).redriven;
        // The effects (~100 reads through the API) are looked at only once the consumers are quiet and the DLQs empty.
        if (!quiet || depth > 0) {
          last = `dlq ${depth}, consumers ${quiet ? 'quiet' : 'busy'}`;
          return undefined;
        }
        const now = await applied();
        const done = now.audit.length >= events.length && now.mails >= notified.length && now.sms >= notified.length && now.evaluations.length >= CASES &&
          now.documents.length >= CASES * 3 && now.archived >= CASES;
        last = `dlq ${depth}, audit ${now.audit.length}/${events.length}, mails ${now.mails}/${notified.length}, sms ${now.sms}/${notified.length}, evaluations ${now.evaluations.length}/${CASES}, ` +
          `documents ${now.documents.length}/${CASES * 3}, archived ${now.archived}/${CASES}`;
        return done ? now : undefined;
      }, 120_000).catch((err: Error) => {
        throw new Error(`${err.message}: ${last}`);
      });

      injected = Object.entries(((await get('/local/stats')) as { faults: Record<string, { injected: number }> }).faults)
        .filter(([k]) => k.includes(applicantId))
        .reduce((a, [, f]) => a + f.injected, 0);
      await new Promise((r) => setTimeout(r, 500));
      const settled = await applied();
      const ids = settled.audit.map((r) => r.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(events.map((e) => e.eventId)));
      expect(settled.mails).toBe(notified.length);
      expect(settled.sms).toBe(notified.length);
      // One invitation (一事一评) per completed case, keyed by its case number.
      expect([...settled.evaluations].sort()).toEqual([...caseNos].sort());
      // One acceptance receipt, one grant decision and one certificate per case (a document per causing event and kind), each case archived once.
      expect(settled.documents).toHaveLength(CASES * 3);
      expect(new Set(settled.documents.map((d) => d.documentId)).size).toBe(CASES * 3);
      expect(settled.documents.filter((d) => d.kind === 'certificate')).toHaveLength(CASES);
      expect(settled.archived).toBe(CASES);
      const archivedRecords = (await Promise.all(caseNos.map((no) => call('GET', `/audit/events?from=${day(-1)}&to=${day(1)}&subjectType=case&subjectId=${no}&limit=100`, { as: 'auditor' }))))
        .flatMap((r) => (r.body.items ?? []) as { action: string }[])
        .filter((r) => r.action === 'CaseArchived');
      expect(archivedRecords).toHaveLength(CASES);
      expect(await dlqDepth()).toBe(0);
      expect(injected).toBeGreaterThan(0);
      console.log(
        `fault injection: ${events.length} case events (${notified.length} notified), ${injected} faults injected at ${RATE * 100} %, ` +
          `${redriven} messages redriven from DLQs; final: ${settled.audit.length} audit records, ${settled.mails} emails, ${settled.sms} SMS, ${settled.evaluations.length} evaluation invitations, ` +
          `${settled.documents.length} documents, ${settled.archived} archives, DLQs empty`,
      );
    } finally {
      for (const functionPrefix of CONSUMERS) await post('/local/faults', { functionPrefix, rate: 0, match: applicantId });
    }
  }, 240_000);
});
