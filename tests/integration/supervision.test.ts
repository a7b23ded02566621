/**
 * Supervision by handler (承办人), without moving the clock: an immediate amr
 * item is due the day it is accepted, so its warning card comes at once. Two
 * fresh amr staff handle the case: the clerk who accepts it reads its card, the
 * approver who has not acted yet may not; lists and filters follow; once both
 * have acted and the case is closed, the month's figures count it on time for
 * each of them, once.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Card, SupervisionFigures } from '#schemas/api/supervision';
import { call, centerToday, cloud, doc, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';
import { act, itemByMode, submit } from './cases-client.ts';

const immediate = itemByMode('immediate', 'amr');
const suffix = Date.now().toString(36);
const clerk = `sv.clerk.${suffix}`;
const approver = `sv.approver.${suffix}`;
const ids: Record<string, string> = {};

async function hire(username: string, role: 'clerk' | 'approver') {
  const res = await call('PUT', `/admin/staff/${username}`, {
    as: 'admin.amr', body: { name: role === 'clerk' ? '周敏' : '吴昊', email: `${username}@example.gov.cn`, roles: [role], departmentId: 'amr', windowIds: [], backups: [] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  ids[username] = res.body.sub;
}

const cardsAs = async (as: string, query: string) => {
  const res = await call<{ items: Card[] }>('GET', `/supervision/cards?${query}&limit=100`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((c) => c.cardId);
};

let caseNo = '';
let etag = '';
let cardId = '';

beforeAll(async () => {
  await Promise.all([hire(clerk, 'clerk'), hire(approver, 'approver')]);
  const filed = await submit(immediate.code, { as: 'zhang.san' });
  caseNo = filed.body.caseNo;
  const accepted = await act(caseNo, 'accept', clerk, filed.etag);
  etag = accepted.etag;
  cardId = `${caseNo}~case~warning`;
  await until(`the warning card of ${caseNo}`, async () => ((await call('GET', `/supervision/cards/${cardId}`, { as: 'supervisor' })).status === 200 ? true : undefined), 60_000);
});

describe('cards by handler', () => {
  it('records the case\'s handlers on its card: the accepting clerk, not the approver who has not acted', async () => {
    const card = await call<Card>('GET', `/supervision/cards/${cardId}`, { as: 'supervisor' });
    expect(card.body.handlerIds).toEqual([ids[clerk]]);
    expect((await call('GET', `/supervision/cards/${cardId}`, { as: clerk })).status).toBe(200);
    const refused = await call('GET', `/supervision/cards/${cardId}`, { as: approver, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('You may take the action supervision.cards.read only on cases you handle.');
    // The department's admin reads every card of the department; the seeded clerk, who did not handle it, does not.
    expect((await call('GET', `/supervision/cards/${cardId}`, { as: 'admin.amr' })).status).toBe(200);
    expect((await call('GET', `/supervision/cards/${cardId}`, { as: 'clerk.amr' })).status).toBe(403);
    expect((await call('GET', `/supervision/cases/${caseNo}`, { as: approver })).status).toBe(403);
    expect((await call('GET', `/supervision/cases/${caseNo}`, { as: clerk })).body.cards.map((c: Card) => c.cardId)).toContain(cardId);
  });

  it('lists a handler\'s cards to the handler, and by staffId to a supervisor; a handler may not name another', async () => {
    expect(await cardsAs(clerk, 'state=open')).toContain(cardId);
    expect(await cardsAs(approver, 'state=open')).not.toContain(cardId);
    expect(await cardsAs('supervisor', `staffId=${ids[clerk]}`)).toEqual([cardId]);
    expect(await cardsAs('supervisor', `staffId=${ids[approver]}`)).toEqual([]);
    expect(await cardsAs(clerk, `staffId=${ids[clerk]}`)).toContain(cardId);
    expect((await call('GET', `/supervision/cards?staffId=${ids[clerk]}`, { as: approver })).status).toBe(403);
  });
});

describe('timeliness figures', () => {
  it('counts a case closed on time once, for the center, its department and each of its handlers', async () => {
    const month = centerToday().slice(0, 7);
    const approved = await act(caseNo, 'approve', approver, etag, { note: '准予' });
    await act(caseNo, 'complete', clerk, approved.etag, { note: '办结' });
    const staffRow = (f: SupervisionFigures, username: string) => f.staff.find((s) => s.staffId === ids[username])?.counts;
    const figures = await until('the closed case in the figures', async () => {
      const res = await call<SupervisionFigures>('GET', `/supervision/figures/${month}`, { as: 'supervisor' });
      return staffRow(res.body, approver)?.completed ? res.body : undefined;
    }, 60_000);
    for (const username of [clerk, approver]) {
      expect(staffRow(figures, username)).toMatchObject({ completed: 1, completedOnTime: 1, completedLate: 0, onTimeRate: 1 });
      expect(staffRow(figures, username)?.meanLatenessWorkingDays).toBeUndefined();
    }
    // The warning card counts for its handler at the time (the clerk), not for the approver who came later.
    expect(staffRow(figures, clerk)).toMatchObject({ warning: 1, issued: 1 });
    expect(staffRow(figures, approver)).toMatchObject({ warning: 0, issued: 0 });
    const amr = figures.departments.find((d) => d.departmentId === 'amr')!.counts;
    expect(amr.completed).toBeGreaterThanOrEqual(1);
    expect(amr.completedOnTime + amr.completedLate).toBeLessThanOrEqual(amr.completed);
    expect(figures.center.onTimeRate).toBeGreaterThan(0);

    // The same CaseCompleted delivered again (at least once: the bus may) counts nothing more.
    const { handler } = await completionsConsumer();
    const outbox = await doc.send(new QueryCommand({
      TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#CASE#${caseNo}`, ':e': 'EVENT#' },
    }));
    const completed = outbox.Items!.find((i) => i.detailType === 'CaseCompleted')!;
    const again = { id: 'redelivered', source: 'onestop.cases', 'detail-type': 'CaseCompleted', detail: JSON.parse(completed.detail) } as never;
    expect(await handler(again)).toEqual({ outcome: 'duplicate' });
    // One about no case (a bus test's made-up event) counts nothing and is not retried.
    const detail = JSON.parse(completed.detail);
    const unknown = { ...again as object, detail: { ...detail, data: { ...detail.data, caseNo: `${caseNo.slice(0, -5)}99999` } } } as never;
    expect(await handler(unknown)).toEqual({ outcome: 'unknown_case' });
    const after = (await call<SupervisionFigures>('GET', `/supervision/figures/${month}`, { as: 'supervisor' })).body;
    expect(staffRow(after, approver)).toEqual(staffRow(figures, approver));
  });
});

/** The completion consumer in this process, on the local cloud's table. */
async function completionsConsumer() {
  useLocalTable();
  return import('../../functions/supervision/completions.ts');
}
