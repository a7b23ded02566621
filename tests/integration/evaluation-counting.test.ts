/**
 * The figures counted out of the rating's transaction (issue 13):
 *  - ten window visits of one department, window and item (opened from their
 *    VisitEnded events by the invitation consumer, in this process) rated at the same
 *    moment all land (no 412) and the figures end up exact, counted once per
 *    event by the counting consumer (pipe → bus → rule → consumer);
 *  - in this process, a redelivered event counts nothing and an event
 *    without counts is refused;
 *  - the sweep index spreads invitations over its shards and the sweep's
 *    ranged Queries still find every one.
 */
import { isDeepStrictEqual } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Figures } from '#schemas/api/evaluation';
import { call, centerToday, cloud, doc, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';
import { applicantIdOf, caseCompleted, freshItem, freshWindow, partitionOf, visitEnded } from './evaluation-client.ts';

useLocalTable({ EVALUATION_DEFAULTS: JSON.stringify({ ratingWorkingDays: 5, callBackWorkingDays: 1, rectificationWorkingDays: 15 }) });

const month = () => centerToday().slice(0, 7);
const run = Date.now().toString(36);

let zhangSan = '';
beforeAll(async () => {
  zhangSan = await applicantIdOf('zhang.san');
});

/** The month's figures once `pick` finds a row equal to `expected` in them (counting follows each change's event). */
async function figuresReaching(what: string, pick: (body: { windows: { windowId: string; figures: Figures }[]; items: { itemCode: string; figures: Figures }[] }) => Figures | undefined, expected: Figures) {
  return until(`the figures of ${what} to reach ${JSON.stringify(expected)}`, async () => {
    const res = await call('GET', `/evaluation-stats/${month()}`, { as: 'supervisor' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = pick(res.body);
    return row && isDeepStrictEqual(row, expected) ? row : undefined;
  });
}

describe('ratings never conflict over the figures', () => {
  it('10 concurrent ratings of different evaluations of one department, window and item: every one lands, the figures are exact', async () => {
    const N = 10;
    const windowId = await freshWindow();
    const code = await freshItem();
    // Ten visits ended at the window, each opening its evaluation (一次一评) through the invitation consumer, in this process.
    const { handler: invite } = await import('../../functions/evaluation/invite.ts');
    const opened = await Promise.all(Array.from({ length: N }, async () => {
      const event = visitEnded('center-demo', { windowId, applicantId: zhangSan, itemCodes: [code] });
      await expect(invite(event as unknown as EventBridgeEvent<string, unknown>)).resolves.toEqual({ outcome: 'applied' });
      const id = event.detail.data.visitId;
      const res = await call('GET', `/evaluations/${id}`, { as: 'zhang.san' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { id, etag: res.etag };
    }));

    // Ratings 1–5 twice over, all sent at once: each is a transaction on its own evaluation only.
    const rated = await Promise.all(opened.map(({ id, etag }, i) => {
      const rating = (i % 5) + 1;
      const body = { rating, indicators: { efficiency: rating, serviceLevel: rating, attitude: rating }, ...(rating <= 2 ? { comment: '等候过长' } : {}) };
      return call('POST', `/evaluations/${id}/rate`, { as: 'zhang.san', body, headers: { 'if-match': etag } });
    }));
    const answered = Date.now();
    expect(rated.map((r) => r.status), JSON.stringify(rated.filter((r) => r.status !== 200).map((r) => r.body))).toEqual(Array(N).fill(200));

    // Two of each level: 6 good (3–5), 4 bad (1–2), all proactive.
    const expected: Figures = {
      total: N, proactive: N, good: 6, bad: 4, proactiveGood: 6, defaulted: 0, excluded: 0, byRating: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2 },
      fixRated: 0, fixGood: 0, goodRate: 0.6, proactiveGoodRate: 0.6, notRatedRate: 0,
    };
    await figuresReaching(`window ${windowId}`, (b) => b.windows.find((w) => w.windowId === windowId)?.figures, expected);
    console.log(`figures complete ${Date.now() - answered} ms after the last of ${N} concurrent ratings was answered`);
    await figuresReaching(`item ${code}`, (b) => b.items.find((i) => i.itemCode === code)?.figures, expected);

    // Each rating's event was counted by its own inbox marker: exactly once.
    for (const { id } of opened) {
      const submitted = (await partitionOf('center-demo', id)).events.find((e) => e.detailType === 'EvaluationSubmitted')!;
      const { eventId } = JSON.parse(submitted.detail as string) as { eventId: string };
      const marker = await doc.send(new GetCommand({ TableName: cloud.tableName, Key: { PK: `CENTER#center-demo#EVAL#INBOX#${eventId}`, SK: 'INBOX' }, ConsistentRead: true }));
      expect(marker.Item, id).toMatchObject({ kind: 'evaluationInbox', detailType: 'EvaluationSubmitted' });
    }
  });
});

describe('the counting consumer, in this process', () => {
  const centerId = `center-cnt-${run}`;
  const counts = { month: '2026-05', dimensions: { departmentId: 'amr', windowId: 'w-count' }, delta: { total: 1, r4: 1, good: 1, proactive: 1, proactiveGood: 1 } };
  const eventOf = (detail: Record<string, unknown>, detailType = 'EvaluationSubmitted') =>
    ({ id: ulid(), source: 'onestop.evaluation', 'detail-type': detailType, detail }) as unknown as EventBridgeEvent<string, unknown>;
  const submitted = (data: Record<string, unknown>) => ({
    eventId: ulid(), centerId, occurredAt: '2026-05-12T10:00:00.000Z', version: 1,
    actor: { id: 'rater-sub', role: 'applicant' }, subject: { type: 'evaluation', id: 'CNT-20260512-10001' },
    data: {
      evaluationId: 'CNT-20260512-10001', type: 'window_visit', indicatorSet: 'offline', action: 'rate', fromState: 'invited', toState: 'rated', departmentId: 'amr',
      windowId: 'w-count', applicantId: ulid(), evaluationVersion: 2, rating: 4, proactive: true, badReview: false, details: {}, ...data,
    },
  });
  const rows = async () => {
    const { monthCounters } = await import('../../functions/evaluation/store.ts');
    return monthCounters(centerId, '2026-05', true);
  };

  it('counts an event once however often it is delivered', async () => {
    const { handler } = await import('../../functions/evaluation/counting.ts');
    const detail = submitted({ counts });
    expect(await handler(eventOf(detail))).toEqual({ outcome: 'counted' });
    expect(await handler(eventOf(detail))).toEqual({ outcome: 'duplicate' });
    expect(await handler(eventOf(submitted({ counts })))).toEqual({ outcome: 'counted' });
    const byDimension = Object.fromEntries((await rows()).map((r) => [r.dimension, r.counters]));
    expect(Object.keys(byDimension).sort()).toEqual(['center', 'department', 'window']);
    for (const counters of Object.values(byDimension)) expect(counters).toMatchObject({ total: 2, r4: 2, good: 2, proactive: 2, proactiveGood: 2, bad: 0 });
  });

  it('refuses an event without counts, of another source or off its schema, naming why (the consumer\'s retries then dead-letter it)', async () => {
    const { handler } = await import('../../functions/evaluation/counting.ts');
    await expect(handler(eventOf(submitted({})))).rejects.toThrow(/carries no counts/);
    await expect(handler({ ...eventOf(submitted({ counts })), source: 'onestop.cases' })).rejects.toThrow(/not a change of an evaluation/);
    await expect(handler(eventOf(submitted({ counts: { ...counts, delta: { total: 7 } } })))).rejects.toThrow(/does not match its schema/);
    expect((await rows()).find((r) => r.dimension === 'center')?.counters.total).toBe(2);
  });
});

describe('the sweep index (EVAL#SWEEP#<shard>)', () => {
  it('spreads waiting invitations over its shards; the sweep\'s ranged Queries find every one', async () => {
    const { handler: invite } = await import('../../functions/evaluation/invite.ts');
    const { invitationsDueBefore } = await import('../../functions/evaluation/store.ts');
    const centerId = `center-swp-${run}`;
    // Completed now: not due for days, so the scheduled sweeper leaves them on the index meanwhile.
    const ids = Array.from({ length: 16 }, (_, i) => `${`S${run.toUpperCase()}`.slice(0, 12)}-20260924-${10000 + i}`);
    for (const caseNo of ids) {
      const detail = caseCompleted(centerId, caseNo, new Date().toISOString());
      expect(await invite({ id: ulid(), source: 'onestop.cases', 'detail-type': 'CaseCompleted', detail } as unknown as EventBridgeEvent<string, unknown>)).toEqual({ outcome: 'applied' });
    }
    const shards = new Set<string>();
    for (const id of ids) {
      const { evaluation } = await partitionOf(centerId, id);
      expect(evaluation?.GSI3PK, id).toMatch(/^EVAL#SWEEP#[0-7]$/);
      // Under its last day to rate (or 1 January of a year the calendar lacks).
      expect(evaluation?.GSI3SK, id).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}#${centerId}#${id}$`));
      shards.add(evaluation!.GSI3PK as string);
    }
    expect(shards.size).toBeGreaterThan(1);
    const due = (await invitationsDueBefore('9999-12-31')).filter((d) => d.centerId === centerId).map((d) => d.evaluationId);
    expect(due.sort()).toEqual([...ids].sort());
    // Nothing of theirs is due before the date they are keyed under.
    const before = ((await partitionOf(centerId, ids[0]!)).evaluation!.GSI3SK as string).slice(0, 10);
    expect((await invitationsDueBefore(before)).filter((d) => d.centerId === centerId)).toEqual([]);
  });
});
