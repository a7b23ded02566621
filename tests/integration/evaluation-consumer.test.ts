/**
 * The evaluation's asynchronous edges on the local cloud, with CaseCompleted
 * events written into the outbox as the cases domain writes them (pipe → bus
 * → rule → consumer) for centers of their own:
 *  - default "satisfied" after 5 working days through the schedule;
 *  - a duplicate delivery has one effect;
 *  - an invalid event ends in the dead-letter queue with its reason;
 *  - an injected failure (before or after the handler ran) is retried and the event applied once;
 *  - a persisting failure is retried, dead-lettered, and applied once when redriven after the fix;
 *  - in this process, a failed transaction leaves nothing behind and the retry applies it once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { calendar2026 } from '#shared/calendar-2026';
import { CalendarYearMissingError, addWorkingDays, workCalendar } from '#shared/calendar';
import { api, centerToday, cloud, doc, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';
import { callWith, caseCompleted, visitEnded, deadLetterOf, deleteDeadLettersOf, dlqListing, logLinesOf, partitionOf, publish, tokenFor } from './evaluation-client.ts';

useLocalTable({ EVALUATION_DEFAULTS: JSON.stringify({ ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 }) });

const cal = workCalendar([calendar2026]);
function onCal(f: () => string): string | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return undefined;
    throw err;
  }
}

const run = Date.now().toString(36);
/** A center of this file's own, with the 2026 calendar entered through the org API by its (synthetic) admin. */
const centerId = `center-ev-${run}`;
let seq = 0;
/** A case number of this file's own (center code, date, sequence). */
const caseNo = () => `${`E${run.toUpperCase()}`.slice(0, 12)}-20260924-${10000 + seq++}`;

beforeAll(async () => {
  const admin = tokenFor(`admin-${run}`, 'center_admin', centerId);
  const { year, ...schedule } = calendar2026;
  const res = await callWith(admin, 'PUT', `/admin/calendar/${year}`, { ...schedule, source: '国办发明电〔2025〕7号' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
});

const settingsKey = { PK: `CENTER#${centerId}#EVAL#SETTINGS`, SK: 'SETTINGS' };
const inboxOf = async (eventId: string) =>
  (await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#${centerId}#EVAL#INBOX#${eventId}`, SK: 'INBOX' }, ConsistentRead: true }))).Item;

describe('default "satisfied" through the schedule', () => {
  it('a case completed before 中秋 and 国庆 counts as 满意 after its 5th working day (9 Oct); one completed now waits', async () => {
    const overdue = caseNo();
    const recent = caseNo();
    await publish(caseCompleted(centerId, overdue, '2026-09-24T10:00:00+08:00'));
    await publish(caseCompleted(centerId, recent, new Date().toISOString()));

    // The sweeper (rate(1 minute), at 60× locally: every second) defaults the first.
    const defaulted = await until('the sweeper to count the evaluation as satisfied', async () => {
      const { evaluation } = await partitionOf(centerId, overdue);
      return evaluation?.state === 'defaulted' ? evaluation : undefined;
    }, 25_000);
    expect(defaulted).toMatchObject({ rateBy: '2026-10-09', ratingWorkingDays: 5, version: 2, rating: { rating: 4, proactive: false }, counted: { rating: 4, proactive: false } });
    expect(defaulted.GSI3PK).toBeUndefined();
    const { events } = await partitionOf(centerId, overdue);
    expect(events.map((e) => e.detailType)).toEqual(['EvaluationInvited', 'EvaluationDefaulted']);
    expect(JSON.parse(events[1]!.detail as string)).toMatchObject({ actor: { id: 'system', role: 'system' }, data: { fromState: 'invited', toState: 'defaulted', rating: 4, proactive: false } });

    // Two sweeps later the recent one still waits, and the figures count the default once.
    const sweeps = async () => Object.entries(((await (await fetch(`${api}/local/stats`)).json()) as { functions: Record<string, { invocations: number }> }).functions)
      .filter(([id]) => id.startsWith('EvaluationSweepFunction')).reduce((n, [, f]) => n + f.invocations, 0);
    const sweepsBefore = await sweeps();
    await until('two more sweeps', async () => ((await sweeps()) >= sweepsBefore + 2 ? true : undefined));
    const waiting = (await partitionOf(centerId, recent)).evaluation!;
    expect(waiting.state).toBe('invited');
    if (waiting.rateBy) expect(waiting.rateBy > centerToday()).toBe(true);
    // The default's event is counted by the counting consumer, a moment after the sweep.
    const figures = await until('the default in the figures', async () => {
      const pub = await fetch(`${api}/public/evaluation-stats/${centerToday().slice(0, 7)}?centerId=${centerId}`);
      const body = (await pub.json()) as { center: Record<string, unknown>; departments: { departmentId: string; figures: Record<string, unknown> }[] };
      return body.center.total ? body : undefined;
    });
    expect(figures.center).toMatchObject({ total: 1, defaulted: 1, good: 1, proactive: 0, goodRate: 1, proactiveGoodRate: 0, notRatedRate: 1 });
    expect(figures.departments).toEqual([{ departmentId: 'amr', figures: figures.center }]);
  });
});

describe('the invitation consumer', () => {
  it('a duplicate delivery (same eventId) has one effect', async () => {
    const no = caseNo();
    const detail = caseCompleted(centerId, no, new Date().toISOString());
    await publish(detail);
    await until('the invitation', async () => (await partitionOf(centerId, no)).evaluation);
    await publish(detail);
    const duplicate = await until('the duplicate delivery to be consumed', async () =>
      logLinesOf('EvaluationInviteFunction', detail.eventId).find((l) => l.outcome === 'duplicate'), 20_000);
    expect(duplicate).toMatchObject({ evaluationId: no });
    const { evaluation, events } = await partitionOf(centerId, no);
    expect(evaluation).toMatchObject({ version: 1, state: 'invited' });
    expect(events.map((e) => e.detailType)).toEqual(['EvaluationInvited']);
    expect(logLinesOf('EvaluationInviteFunction', detail.eventId).map((l) => l.outcome)).toEqual(['applied', 'duplicate']);
  });

  it('an invalid event ends in the dead-letter queue with its reason, and writes nothing', async () => {
    const no = caseNo();
    const detail = caseCompleted(centerId, no, new Date().toISOString());
    const broken = { ...detail, data: { ...detail.data, departmentId: undefined, applicantId: 'not-a-ulid' } };
    await publish(broken);
    const found = await deadLetterOf(detail.eventId);
    expect(found.queue).toMatch(/^EvaluationInvite/);
    expect(found.message.record!.responsePayload.errorType).toBe('InvalidEventError');
    expect(found.message.record!.responsePayload.errorMessage).toMatch(/departmentId/);
    expect(found.message.record!.responsePayload.errorMessage).toMatch(/applicantId/);
    expect((await partitionOf(centerId, no)).evaluation).toBeUndefined();
    expect(await inboxOf(detail.eventId)).toBeUndefined();
    // Other consumers of CaseCompleted (the audit log) may refuse it too: this test's poison leaves no dead letter behind.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await deleteDeadLettersOf(detail.eventId)).toBeGreaterThanOrEqual(1);
  });

  it.each(['before', 'after'] as const)('an injected failure %s the handler is retried by Lambda and the event applied once', async (phase) => {
    const no = caseNo();
    const detail = caseCompleted(centerId, no, new Date().toISOString());
    const rule = { functionPrefix: 'EvaluationInviteFunction', phase, match: detail.eventId };
    const faults = (body: unknown) => fetch(`${api}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await faults({ ...rule, rate: 1, limit: 1 })).status).toBe(200);
    try {
      await publish(detail);
      // 'after': the first invocation ran (its effect done, its answer lost), so the retry finds the event consumed.
      const expected = phase === 'before' ? ['applied'] : ['applied', 'duplicate'];
      const outcomes = await until('the retried delivery', async () => {
        const o = logLinesOf('EvaluationInviteFunction', detail.eventId).map((l) => l.outcome);
        return o.length >= expected.length ? o : undefined;
      }, 20_000);
      expect(outcomes).toEqual(expected);
      const stats = (await (await fetch(`${api}/local/stats`)).json()) as { faults: Record<string, { injected: number }> };
      expect(stats.faults[`${rule.functionPrefix}~${rule.match}`]?.injected).toBe(1);
      const { evaluation, events } = await partitionOf(centerId, no);
      expect(evaluation).toMatchObject({ version: 1, state: 'invited' });
      expect(events.map((e) => e.detailType)).toEqual(['EvaluationInvited']);
      expect((await dlqListing()).queues.flatMap((q) => q.messages).some((m) => m.record?.requestPayload?.detail?.eventId === detail.eventId)).toBe(false);
    } finally {
      await faults({ ...rule, rate: 0 });
    }
  });

  it('a failure that persists (the center\'s settings item broken) is retried, dead-lettered, and applied once when redriven after the fix', async () => {
    const no = caseNo();
    await doc.send(new PutCommand({ TableName: cloud.tableName, Item: { ...settingsKey, kind: 'evaluationSettings', centerId, ratingWorkingDays: 'five', callBackWorkingDays: 1, rectificationWorkingDays: 15, rev: 1 } }));
    const detail = caseCompleted(centerId, no, new Date().toISOString());
    try {
      await publish(detail);
      const found = await deadLetterOf(detail.eventId);
      expect(found.message.record!.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(found.message.record!.responsePayload.errorType).toBe('InvalidSettingsError');
      // Three attempts, nothing half-applied.
      expect((await partitionOf(centerId, no)).evaluation).toBeUndefined();
      expect(await inboxOf(detail.eventId)).toBeUndefined();

      // The center admin repairs the settings through the API, the operator redrives the message: applied once.
      const admin = tokenFor(`admin-${run}`, 'center_admin', centerId);
      const repaired = await callWith(admin, 'PUT', '/evaluation-settings', { ratingWorkingDays: 3, callBackWorkingDays: 1, rectificationWorkingDays: 15 }, { 'if-match': '"1"' });
      expect(repaired.status, JSON.stringify(repaired.body)).toBe(200);
      const redrive = await fetch(`${api}/local/dlq/redrive`, { method: 'POST', body: JSON.stringify({ queue: found.queue, messageIds: [found.message.messageId] }) });
      expect(((await redrive.json()) as { redriven: number }).redriven).toBe(1);
      const invited = await until('the redriven invitation', async () => (await partitionOf(centerId, no)).evaluation);
      // The center's own setting (3 working days) applies, on the calendar.
      expect(invited).toMatchObject({ state: 'invited', version: 1, ratingWorkingDays: 3 });
      expect(invited.rateBy).toBe(onCal(() => addWorkingDays(cal, centerToday(), 3)));
      expect(await inboxOf(detail.eventId)).toMatchObject({ evaluationId: no });
      expect((await dlqListing()).queues.flatMap((q) => q.messages).some((m) => m.messageId === found.message.messageId)).toBe(false);

      // Delivered once more: still one effect.
      await publish(detail);
      await until('the repeat to be consumed', async () => logLinesOf('EvaluationInviteFunction', detail.eventId).find((l) => l.outcome === 'duplicate'), 20_000);
      const { evaluation, events } = await partitionOf(centerId, no);
      expect(evaluation?.version).toBe(1);
      expect(events.map((e) => e.detailType)).toEqual(['EvaluationInvited']);
    } finally {
      await doc.send(new PutCommand({ TableName: cloud.tableName, Item: { ...settingsKey, kind: 'evaluationSettings', centerId, ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15, rev: 3 } }));
    }
  });

  it('in this process: a transaction that fails leaves nothing behind, and the retry applies the event once', async () => {
    const { db } = await import('#shared/db');
    const { handler } = await import('../../functions/evaluation/invite.ts');
    let failNext = 1;
    const sent: string[] = [];
    db.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName ?? 'unknown');
        if (context.commandName === 'TransactWriteItemsCommand' && failNext > 0) {
          failNext--;
          throw Object.assign(new Error('injected: the network dropped the transaction'), { name: 'InjectedFailure' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectFailure' },
    );
    const no = caseNo();
    const detail = caseCompleted(centerId, no, new Date().toISOString());
    const event = { id: ulid(), source: 'onestop.cases', 'detail-type': 'CaseCompleted', detail } as unknown as EventBridgeEvent<string, unknown>;
    await expect(handler(event)).rejects.toThrow(/injected/);
    expect((await partitionOf(centerId, no)).evaluation).toBeUndefined();
    expect(await inboxOf(detail.eventId)).toBeUndefined();
    // Lambda's retry (same event): applied once; a further redelivery changes nothing.
    await expect(handler(event)).resolves.toEqual({ outcome: 'applied' });
    await expect(handler(event)).resolves.toEqual({ outcome: 'duplicate' });
    const { evaluation, events } = await partitionOf(centerId, no);
    expect(evaluation).toMatchObject({ version: 1, state: 'invited' });
    expect(events).toHaveLength(1);
    // Each delivery: one BatchGetItem and one TransactWriteItems.
    expect(sent).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });
});

describe('a visit to a window ended (VisitEnded)', () => {
  const visit = (data: Record<string, unknown>) => visitEnded(centerId, data) as unknown as EventBridgeEvent<string, unknown>;

  it('opens an anonymous visitor\'s with the slip (no rater, the code\'s hash kept but never published), nothing for an applicant the center does not know, and refuses a malformed event', async () => {
    const { handler } = await import('../../functions/evaluation/invite.ts');
    const anonymous = visit({});
    await expect(handler(anonymous)).resolves.toEqual({ outcome: 'applied' });
    const { ticketId, visitId, codeHash } = (anonymous.detail as { data: { ticketId: string; visitId: string; codeHash: string } }).data;
    const opened = await partitionOf(centerId, visitId);
    expect(opened.evaluation).toMatchObject({ type: 'window_visit', state: 'invited', slip: { ticketId, codeHash } });
    expect(opened.evaluation).not.toHaveProperty('applicantId');
    expect(opened.evaluation).not.toHaveProperty('GSI4PK');
    expect(opened.events).toHaveLength(1);
    const published = opened.events[0]!.detail as string;
    expect(JSON.parse(published).data).not.toHaveProperty('applicantId');
    expect(published).not.toContain(codeHash);
    const unknown = visit({ applicantId: '01JAAAAAAAAAAAAAAAAAAAAAAA' });
    await expect(handler(unknown)).resolves.toEqual({ outcome: 'unknownApplicant' });
    expect((await partitionOf(centerId, (unknown.detail as { data: { visitId: string } }).data.visitId)).evaluation).toBeUndefined();
    await expect(handler(visit({ windowId: undefined }))).rejects.toThrow(/VisitEnded\) does not match its schema/);
  });
});
