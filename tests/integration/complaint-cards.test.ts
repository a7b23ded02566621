/**
 * Supervision cards on a complaint's reply clock (电子监察, DOMAIN.md's row for
 * complaints): a complaint filed and assigned to health over HTTP, its reply
 * then made due on the last working day before today (as the store keys it:
 * the yellow reached, the red not), so that the watcher in this process and
 * the deployed one on its schedule see the same clock. The watcher publishes
 * the warning and the yellow once; supervision, as deployed, cards them for
 * the department, without the complainant; an approved extension moves the
 * due date and withdraws what is no longer reached, which cancels its card.
 * And the DynamoDB requests of a watcher pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Card } from '#schemas/api/supervision';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isWorkingDay, workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import { validationErrors } from '#shared/validate';
import { complaintThresholds } from '../../functions/complaints/clock.ts';
import { call, centerDayAt, cloud, doc, until } from './api-client.ts';
import { useLocalTable } from './in-process.ts';

const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);
const CONTACT = '13987654321';
const requests: string[] = [];
let watch: typeof import('../../functions/complaints/watch.ts');
let store: typeof import('../../functions/complaints/store.ts');

beforeAll(async () => {
  useLocalTable();
  const { db } = await import('#shared/db');
  db.middlewareStack.add((next, context) => async (args) => {
    requests.push(context.commandName ?? 'unknown');
    return next(args);
  }, { step: 'initialize', name: 'countComplaintWatch' });
  watch = await import('../../functions/complaints/watch.ts');
  store = await import('../../functions/complaints/store.ts');
});

const act = (id: string, action: string, as: string, etag: string, body: unknown = {}) => call('POST', `/complaints/${id}/${action}`, { as, body, headers: { 'if-match': etag } });
const cardOf = async (cardId: string) => call<Card>('GET', `/supervision/cards/${cardId}`, { as: 'supervisor' });


/** The last working day before today: a reply due then is a day or more late today, and not two working days. */
function lastWorkingDayBeforeToday(): string {
  for (let back = 1; ; back++) {
    const day = centerDayAt(Date.now() - back * 86_400_000);
    if (isWorkingDay(cal, day)) return day;
  }
}

/**
 * Makes the reply due on `replyDue`, accepted a week before it, as the store keys it; the complaint waits on the watch
 * index under `watchKey` (a far-off key keeps the deployed watcher off it while this process measures a pass).
 */
async function moveClock(id: string, replyDue: string, watchKey: string) {
  await doc.send(new UpdateCommand({
    TableName: cloud.tableName,
    Key: { PK: `CENTER#center-demo#COMPLAINT#${id}`, SK: 'COMPLAINT' },
    UpdateExpression: 'SET replyDue = :due, acceptance.#at = :at, filedAt = :at, GSI5SK = :watch',
    ExpressionAttributeNames: { '#at': 'at' },
    ExpressionAttributeValues: { ':due': replyDue, ':at': new Date(Date.parse(`${replyDue}T00:00:00+08:00`) - 7 * 86_400_000).toISOString(), ':watch': watchKey },
  }));
}

describe('cards on the complaint clock', () => {
  it('warning and yellow once each, for the department and without the complainant; an extension withdraws what it moves later', async () => {
    const filed = await call('POST', '/complaints', {
      as: 'zhang.san', body: { subject: { type: 'department', departmentId: 'health' }, category: 'missed_promised_limit', content: `迟迟不答复 ${Date.now()}`, contact: CONTACT },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = filed.body.complaintId as string;
    expect((await act(id, 'accept', 'supervisor', '"1"')).body).toMatchObject({ state: 'assigned', departmentId: 'health' });

    // Due on the last working day before today: the warning and the yellow are reached, the red (2 working days past) not.
    const replyDue = lastWorkingDayBeforeToday();
    const parked = `9999-12-31T00:00:00.000Z#center-demo#${id}`;
    await moveClock(id, replyDue, parked);
    const moved = (await call('GET', `/complaints/${id}`, { as: 'supervisor' })).body;
    const levels = complaintThresholds(cal, moved);
    const now = new Date().toISOString();
    expect(levels.map((t) => [t.level, Date.parse(t.at) <= Date.parse(now)])).toEqual([['warning', true], ['yellow', true], ['red', false]]);
    requests.length = 0;
    expect(await watch.watchComplaint({ centerId: 'center-demo', complaintId: id, watchKey: parked }, now)).toBe(2);
    const firstPass = [...requests];

    const cards = await until('the two cards', async () => {
      const found = await Promise.all(['warning', 'yellow'].map((level) => cardOf(`${id}~reply~${level}`)));
      return found.every((c) => c.status === 200) ? found.map((c) => c.body) : undefined;
    });
    for (const [i, card] of cards.entries()) {
      expect(validationErrors(Card, card)).toEqual([]);
      expect(card).toMatchObject({ complaintId: id, departmentId: 'health', clock: 'reply', clockKind: 'complaint', level: levels[i]!.level, state: 'issued', due: replyDue, thresholdAt: levels[i]!.at });
      expect(card.caseNo).toBeUndefined();
      expect(JSON.stringify(card)).not.toMatch(new RegExp(`张三|${CONTACT}`));
    }
    expect((await cardOf(`${id}~reply~red`)).status).toBe(404);
    // The department's admin sees its cards; another department's does not.
    expect((await call('GET', `/supervision/cards/${id}~reply~yellow`, { as: 'admin.health' })).status).toBe(200);
    expect((await call('GET', `/supervision/cards/${id}~reply~yellow`, { as: 'admin.amr' })).status).toBe(403);
    // The department's list reads an index (eventually consistent, as in AWS).
    await until('the cards in the department\'s list', async () => {
      const listed = await call('GET', '/supervision/cards?departmentId=health&limit=100', { as: 'supervisor' });
      const ids = (listed.body.items as Card[]).map((c) => c.cardId);
      return ids.includes(`${id}~reply~warning`) && ids.includes(`${id}~reply~yellow`) ? ids : undefined;
    });

    // The complaint now waits for the red; a pass before it publishes nothing twice.
    const waiting = (await store.complaintsToWatch(levels[2]!.at)).find((e) => e.complaintId === id)!;
    expect(waiting.watchKey.startsWith(levels[2]!.at)).toBe(true);
    requests.length = 0;
    expect(await watch.watchComplaint(waiting, new Date().toISOString())).toBe(0);
    const repeatPass = [...requests];

    // An extension of 3 working days moves every level: those now later than now are withdrawn (by whichever watcher
    // comes first: this process's or the deployed one's, on the same clock), their cards cancelled.
    expect((await act(id, 'requestExtension', 'admin.health', '"2"', { reason: '需现场核查', workingDays: 3 })).status).toBe(200);
    const extended = await act(id, 'approveExtension', 'supervisor', '"3"', { opinion: '同意' });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    const later = new Date().toISOString();
    const withdrawn: string[] = complaintThresholds(cal, extended.body).filter((t) => t.level !== 'red' && Date.parse(t.at) > Date.parse(later)).map((t) => t.level);
    expect(withdrawn).toContain('yellow');
    const entry = (await store.complaintsToWatch(later)).find((e) => e.complaintId === id);
    if (entry) await watch.watchComplaint(entry, later);
    const states = await until('the moved levels\' cards cancelled', async () => {
      const found = await Promise.all(['warning', 'yellow'].map(async (level) => [level, (await cardOf(`${id}~reply~${level}`)).body.state] as const));
      return found.filter(([level]) => withdrawn.includes(level)).every(([, state]) => state === 'cancelled') ? Object.fromEntries(found) : undefined;
    });
    for (const level of ['warning', 'yellow']) expect(states[level]).toBe(withdrawn.includes(level) ? 'cancelled' : 'issued');

    console.log(`complaint watch requests: a pass publishing two levels ${firstPass.join(' + ')}; a pass with nothing new ${repeatPass.join(' + ')}`);
    expect(firstPass).toEqual(['BatchGetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand', 'TransactWriteItemsCommand', 'UpdateItemCommand']);
    expect(repeatPass).toEqual(['BatchGetItemCommand', 'QueryCommand', 'UpdateItemCommand']);
  });
});
