/**
 * Electronic supervision in emulated time: the local cloud's clock (POST
 * /local/clock, which only the local runtime has) is moved to just before each
 * threshold of a case, and the scheduled case watcher and the card consumer,
 * running as deployed, must card it within a minute of the instant and never
 * before. This project runs after every other test file (vitest.config.ts):
 * the clock only moves forward, for the whole shared cloud.
 *
 * Case A is amr's 企业设立登记 (promised 1, statutory 3 working days: its warning
 * comes with the acceptance, so the clock jumps only twice, over as few of the
 * other tests' thresholds as it can); case B housing's 370982-ZJ-XK-001, whose
 * site inspection does not count toward the limit and so suspends the clock.
 * Both are filed by a fresh enterprise and accepted now. Case L, amr's
 * immediate item, is approved and closed now with its certificate kept from
 * being issued (a fault injected for its approval alone): its e-licence clock
 * comes due with A's red, on the same jump.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Card, Order } from '#schemas/api/supervision';
import { addWorkingDays, localDate, workCalendar } from '#shared/calendar';
import { calendar2026 } from '#shared/calendar-2026';
import { caseThresholds, completionTimeliness, defaultThresholds, eLicenceThresholds, type Threshold } from '#shared/clock-rules';
import { provisionalYear } from '#shared/provisional-calendar';
import { api, call, centerToday, freshCreditCode, registerApplicant, until } from '../integration/api-client.ts';
import { act, enterpriseItem, itemByMode, submit } from '../integration/cases-client.ts';
import { deleteDeadLettersOf, dlqListing } from '../integration/evaluation-client.ts';

const SUSPENDABLE = '370982-ZJ-XK-001';
/** How far short of a threshold the clock is set last: emulated time then runs at the real pace. */
const LEAD = 1_500;
const cal = workCalendar([calendar2026], 'Asia/Shanghai', provisionalYear);

async function clockNow(): Promise<number> {
  return Date.parse(((await (await fetch(`${api}/local/clock`)).json()) as { now: string }).now);
}
/** Moves the cloud's clock to `ms` (never back: an instant already past is left alone). */
async function setClock(ms: number) {
  if (ms <= (await clockNow())) return;
  const res = await fetch(`${api}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ at: new Date(ms).toISOString() }) });
  expect(res.status, await res.text()).toBe(200);
}

/**
 * Waits until the cloud has nothing in flight (deliveries, invocations, retries) for a second: a jump
 * releases every other test's thresholds up to the new time at once, and the instant measured must not
 * queue behind them.
 */
async function settle() {
  const deadline = Date.now() + 150_000;
  for (let quiet = 0; quiet < 5; ) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the cloud to settle');
    const stats = (await (await fetch(`${api}/local/stats`)).json()) as { bus: { inFlight: number } };
    quiet = stats.bus.inFlight === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const cardOf = async (cardId: string) => {
  const res = await call<Card>('GET', `/supervision/cards/${cardId}`, { as: 'supervisor' });
  return res.status === 200 ? res : undefined;
};
const cardsOf = async (caseNo: string) => (await call<{ cards: Card[] }>('GET', `/supervision/cases/${caseNo}`, { as: 'supervisor' })).body.cards;

let owner: string;
async function acceptedCase(code: string, clerk: string) {
  const filed = await submit(code, { as: owner });
  const accepted = await act(filed.body.caseNo, 'accept', clerk, filed.etag);
  return { caseNo: filed.body.caseNo as string, reply: accepted };
}
const thresholdsOf = (c: Awaited<ReturnType<typeof acceptedCase>>['reply']['body']): Threshold[] =>
  caseThresholds(cal, { ...c, delivered: false }, defaultThresholds).filter((t) => t.kind === 'case');

/** A case approved and closed whose certificate the issuing consumer never wrote: the fault fails its approval's every attempt. */
async function closedWithoutCertificate() {
  const filed = await submit(itemByMode('immediate', 'amr').code, { as: 'zhang.san' });
  const caseNo = filed.body.caseNo as string;
  const rule = { functionPrefix: 'DocumentIssueFunction', phase: 'before', match: `"caseNo":"${caseNo}","action":"approve"` };
  const faults = (body: unknown) => fetch(`${api}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await faults({ ...rule, rate: 1 });
  try {
    const accepted = await act(caseNo, 'accept', 'clerk.amr', filed.etag);
    const approved = await act(caseNo, 'approve', 'clerk.amr', accepted.etag);
    await until('the approval dead-lettered by the issuing consumer', async () =>
      ((await dlqListing()).queues.some((q) => q.queue.startsWith('DocumentIssue') && JSON.stringify(q.messages).includes(caseNo)) ? true : undefined));
    const completed = await act(caseNo, 'complete', 'clerk.amr', approved.etag);
    return { caseNo, closedAt: completed.body.completedAt as string };
  } finally {
    await faults({ ...rule, rate: 0 });
    await deleteDeadLettersOf(caseNo);
  }
}

let a: { caseNo: string; etag: string; thresholds: Threshold[] };
let l: { caseNo: string; closedAt: string };
let b: { caseNo: string; unsuspended: Threshold[]; suspendedAt: string };
let order: Order;

beforeAll(async () => {
  owner = `et.ent.${Date.now().toString(36)}`;
  const registered = await registerApplicant({ kind: 'enterprise', username: owner, name: '监察时钟建设有限公司', email: `${owner}@example.com`, phone: '0538-1234567', creditCode: freshCreditCode(), legalRepresentative: '钱七' });
  expect(registered.status).toBe(200);
  const first = await acceptedCase(enterpriseItem.code, 'clerk.amr');
  a = { caseNo: first.caseNo, etag: first.reply.etag, thresholds: thresholdsOf(first.reply.body) };
  // B is suspended before any of its thresholds: the case clock stops there.
  const second = await acceptedCase(SUSPENDABLE, 'clerk.housing');
  const reviewed = await act(second.caseNo, 'review', 'clerk.housing', second.reply.etag, { opinion: '需现场踏勘' });
  const suspended = await act(second.caseNo, 'suspend', 'clerk.housing', reviewed.etag, { procedure: 'inspection', reason: '施工现场踏勘', expectedWorkingDays: 5 });
  b = { caseNo: second.caseNo, unsuspended: thresholdsOf(second.reply.body), suspendedAt: suspended.body.clock.suspensions[0].from };
  l = await closedWithoutCertificate();
  const issued = await call<Order>('POST', '/supervision/orders', { as: 'supervisor', body: { caseNo: a.caseNo, instructions: '请说明办理进度', dueDate: centerToday() } });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  order = issued.body;
});

describe('cards in emulated time', () => {
  it('a case crossing warning → yellow → red gets exactly three cards, in order, each within 60 s after its threshold', { timeout: 600_000 }, async () => {
    expect(a.thresholds.map((t) => t.level)).toEqual(['warning', 'yellow', 'red']);
    const sequence: string[] = [];
    for (const t of a.thresholds) {
      const cardId = `${a.caseNo}~case~${t.level}`;
      if (Date.parse(t.at) > (await clockNow())) {
        await setClock(Date.parse(t.at) - 60_000);
        await settle();
        await setClock(Date.parse(t.at) - LEAD);
        // Not before its instant: the watcher has run in the last minute before it (every second), carding nothing.
        expect(await clockNow()).toBeLessThan(Date.parse(t.at));
        expect(await cardOf(cardId)).toBeUndefined();
      }
      const card = (await until(`the ${t.level} card of ${a.caseNo}`, () => cardOf(cardId), 60_000)).body;
      const lateMs = Date.parse(card.issuedAt) - Date.parse(t.at);
      sequence.push(`${t.level}: threshold ${t.at}, issued ${card.issuedAt} (+${(lateMs / 1000).toFixed(1)} s)`);
      expect(card).toMatchObject({ level: t.level, clockKind: 'case', state: 'issued', thresholdAt: t.at, due: t.due, departmentId: 'amr' });
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(60_000);
    }
    console.log(`card sequence of ${a.caseNo}:\n  ${sequence.join('\n  ')}`);
    const caseCards = (await cardsOf(a.caseNo)).filter((c) => c.clockKind === 'case').sort((x, y) => x.issuedAt.localeCompare(y.issuedAt));
    expect(caseCards.map((c) => c.level)).toEqual(['warning', 'yellow', 'red']);
  });

  it('a case suspended before its thresholds gets no case card; its special procedure is watched instead', async () => {
    // By now the clock is past B's warning and yellow as they would have been unsuspended.
    const now = await clockNow();
    const passed = b.unsuspended.filter((t) => Date.parse(t.at) <= now);
    expect(passed.map((t) => t.level)).toEqual(expect.arrayContaining(['warning', 'yellow']));
    const warning = await until(`the special procedure's warning card of ${b.caseNo}`, () => cardOf(`${b.caseNo}~special_procedure~0~warning`), 60_000);
    expect(warning.body.due).toBe(addWorkingDays(cal, localDate(cal, b.suspendedAt), 5));
    const cards = await cardsOf(b.caseNo);
    expect(cards.filter((c) => c.clockKind === 'case')).toEqual([]);
    expect(cards.map((c) => `${c.clockKind}:${c.level}`)).toContain('special_procedure:warning');
  });

  it('an appeal revokes a card and the figures drop it', { timeout: 400_000 }, async () => {
    const cardId = `${a.caseNo}~case~yellow`;
    const card = (await cardOf(cardId))!;
    const month = centerMonthOf(card.body.thresholdAt);
    // Other tests' cards are still being counted after the jumps: read the figures once the cloud is quiet.
    const figures = async () => {
      await settle();
      return (await call('GET', `/supervision/figures/${month}`, { as: 'supervisor' })).body;
    };
    const before = await figures();
    const amrBefore = before.departments.find((d: { departmentId: string }) => d.departmentId === 'amr').counts;
    const appealed = await call<Card>('POST', `/supervision/cards/${cardId}/appeal`, {
      as: 'admin.amr', headers: { 'if-match': card.etag }, body: { reason: '申请人补正期间不应计时', evidence: ['补正通知书'] },
    });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    expect(appealed.body.state).toBe('pending');
    const decided = await call<Card>('POST', `/supervision/cards/${cardId}/decide`, { as: 'supervisor', headers: { 'if-match': appealed.etag }, body: { decision: 'revoked', note: '经核实，申诉成立' } });
    expect(decided.body.state).toBe('revoked');
    const after = await figures();
    expect(after.center.yellow).toBe(before.center.yellow - 1);
    expect(after.center.revoked).toBe(before.center.revoked + 1);
    expect(after.center.issued).toBe(before.center.issued);
    expect(after.departments.find((d: { departmentId: string }) => d.departmentId === 'amr').counts.yellow).toBe(amrBefore.yellow - 1);
    // The open list no longer shows it; the revoked one does.
    const open = (await call('GET', '/supervision/cards?departmentId=amr&level=yellow&limit=100', { as: 'supervisor' })).body.items as Card[];
    expect(open.some((c) => c.cardId === cardId)).toBe(false);
  });

  it('an approved case closed without its certificate gets the e-licence yellow card within 60 s after its threshold', async () => {
    const [t] = eLicenceThresholds(cal, l.closedAt, defaultThresholds);
    // Due with A's red, whose jump has passed it already; a run across midnight leaves it ahead, and the clock goes there.
    if (Date.parse(t!.at) > (await clockNow())) {
      await setClock(Date.parse(t!.at) - 60_000);
      await settle();
      await setClock(Date.parse(t!.at) - LEAD);
    }
    const card = (await until(`the e-licence card of ${l.caseNo}`, () => cardOf(`${l.caseNo}~e_licence~yellow`), 60_000)).body;
    expect(card).toMatchObject({ clockKind: 'e_licence', level: 'yellow', state: 'issued', thresholdAt: t!.at, due: t!.due, departmentId: 'amr' });
    const lateMs = Date.parse(card.issuedAt) - Date.parse(t!.at);
    console.log(`e-licence card of ${l.caseNo}: threshold ${t!.at}, issued ${card.issuedAt} (+${(lateMs / 1000).toFixed(1)} s)`);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(60_000);
  });

  it('a 督办 left unanswered becomes a yellow card on its own clock', async () => {
    const cardId = `${a.caseNo}~order~${order.orderId}~yellow`;
    const card = (await until('the order\'s card', () => cardOf(cardId), 45_000)).body;
    expect(card).toMatchObject({ clockKind: 'order', level: 'yellow', thresholdAt: order.overdueAt, due: order.dueDate });
    expect(Date.parse(card.issuedAt)).toBeGreaterThanOrEqual(Date.parse(order.overdueAt));
    const read = await call<Order>('GET', `/supervision/orders/${order.orderId}`, { as: 'admin.amr' });
    expect(read.body.state).toBe('open');
  });
});

describe('timeliness in emulated time', () => {
  it('a case closed past its promised limit counts late by its working days, for the center and its handlers', async () => {
    const reviewed = await act(a.caseNo, 'review', 'clerk.amr', a.etag, { opinion: '材料齐全' });
    const approved = await act(a.caseNo, 'approve', 'approver.amr', reviewed.etag, { note: '准予' });
    const promisedDue = a.thresholds.find((t) => t.level === 'yellow')!.due;
    const expected = completionTimeliness(cal, promisedDue, approved.body.decision.at)!;
    expect(expected.onTime).toBe(false);
    const month = centerMonthOf(new Date(await clockNow()).toISOString());
    await settle();
    const figures = async () => (await call('GET', `/supervision/figures/${month}`, { as: 'supervisor' })).body;
    const before = await figures();
    await act(a.caseNo, 'complete', 'clerk.amr', approved.etag, { note: '办结' });
    const after = await until('the late case in the figures', async () => {
      const f = await figures();
      return f.center.completedLate > before.center.completedLate ? f : undefined;
    }, 60_000);
    expect(after.center.completedLate).toBe(before.center.completedLate + 1);
    expect(after.center.latenessWorkingDays).toBe(before.center.latenessWorkingDays + expected.lateWorkingDays);
    expect(after.center.completedOnTime).toBe(before.center.completedOnTime);
    expect(after.center.meanLatenessWorkingDays).toBeGreaterThan(0);
    expect(after.center.onTimeRate).toBeLessThan(1);
  });
});

/** The month (YYYY-MM) of an instant in the center's zone (UTC+8). */
function centerMonthOf(instant: string) {
  return new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 7);
}
