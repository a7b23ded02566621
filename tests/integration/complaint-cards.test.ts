/**
 * Supervision cards on a complaint's reply clock (电子监察, DOMAIN.md's row for
 * complaints): a complaint filed and assigned to health over HTTP; the watcher
 * (run in this process at an instant past the due date, for this complaint
 * alone: the shared cloud's other complaints keep their clocks) publishes the
 * warning and the yellow once; supervision, as deployed, cards them for the
 * department, without the complainant; an approved extension moves the due
 * date and withdraws what is no longer reached, which cancels its card. And the
 * DynamoDB requests of a watcher pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Card } from '#schemas/api/supervision';
import { workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { provisionalYear } from '#shared/provisional-calendar';
import { validationErrors } from '#shared/validate';
import { complaintThresholds } from '../../functions/complaints/clock.ts';
import { call, until } from './api-client.ts';
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

/** This complaint's entry on the watch index by `now` (the query reads every due one; the pass touches only this one). */
async function entryOf(complaintId: string, now: string) {
  return (await store.complaintsToWatch(now)).find((e) => e.complaintId === complaintId);
}

describe('cards on the complaint clock', () => {
  it('warning and yellow once each, for the department and without the complainant; an extension withdraws what it moves later', async () => {
    const filed = await call('POST', '/complaints', {
      as: 'zhang.san', body: { subject: { type: 'department', departmentId: 'health' }, category: 'missed_promised_limit', content: `迟迟不答复 ${Date.now()}`, contact: CONTACT },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const id = filed.body.complaintId as string;
    const accepted = await act(id, 'accept', 'supervisor', '"1"');
    expect(accepted.body).toMatchObject({ state: 'assigned', departmentId: 'health' });

    // Past the due date by a minute into the yellow: the warning and the yellow are reached, the red not yet.
    const levels = complaintThresholds(cal, accepted.body);
    expect(levels.map((t) => t.level)).toEqual(['warning', 'yellow', 'red']);
    const now = new Date(Date.parse(levels[1]!.at) + 60_000).toISOString();
    expect(Date.parse(levels[2]!.at)).toBeGreaterThan(Date.parse(now));
    const entry = await entryOf(id, now);
    expect(entry).toBeDefined();
    requests.length = 0;
    expect(await watch.watchComplaint(entry!, now)).toBe(2);
    const firstPass = [...requests];

    const cards = await until('the two cards', async () => {
      const found = await Promise.all(['warning', 'yellow'].map((level) => cardOf(`${id}~reply~${level}`)));
      return found.every((c) => c.status === 200) ? found.map((c) => c.body) : undefined;
    });
    for (const [i, card] of cards.entries()) {
      expect(validationErrors(Card, card)).toEqual([]);
      expect(card).toMatchObject({ complaintId: id, departmentId: 'health', clock: 'reply', clockKind: 'complaint', level: levels[i]!.level, state: 'issued', due: levels[i]!.due, thresholdAt: levels[i]!.at });
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

    // The complaint now waits for the red: not due again by the same instant; a pass anyway publishes nothing twice.
    expect(await entryOf(id, now)).toBeUndefined();
    const waiting = (await store.complaintsToWatch(levels[2]!.at)).find((e) => e.complaintId === id)!;
    expect(waiting.watchKey.startsWith(levels[2]!.at)).toBe(true);
    requests.length = 0;
    expect(await watch.watchComplaint(waiting, now)).toBe(0);
    const repeatPass = [...requests];

    // An extension of 3 working days moves every level: those now later than `now` are withdrawn, their cards cancelled.
    expect((await act(id, 'requestExtension', 'admin.health', '"2"', { reason: '需现场核查', workingDays: 3 })).status).toBe(200);
    const extended = await act(id, 'approveExtension', 'supervisor', '"3"', { opinion: '同意' });
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    const moved = complaintThresholds(cal, extended.body);
    const withdrawn: string[] = moved.filter((t) => t.level !== 'red' && Date.parse(t.at) > Date.parse(now)).map((t) => t.level);
    expect(withdrawn).toContain('yellow');
    const again = await entryOf(id, now);
    expect(again).toBeDefined();
    expect(await watch.watchComplaint(again!, now)).toBe(0);
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
