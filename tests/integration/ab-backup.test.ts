/**
 * AB backups (AB角) over HTTP on the local cloud: A, a health clerk at a window
 * of their own, names B (an amr clerk at no window) as their backup. Marked
 * absent today, A's window is B's to work: B calls A's waiting ticket, serves
 * it, and the visit counts for B; B hears the threshold notices of A's cases.
 * Withdrawn, all of it stops. Bad input, who may mark, and the DynamoDB
 * requests of a mark (in process).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { problemUri } from '#schemas/api/problems';
import { demoItems } from '../../local/seed/items.ts';
import { call, centerDayAt, centerToday, cloud, until } from './api-client.ts';
import { eventFor, inProcess } from './in-process.ts';

const suffix = Date.now().toString(36);
const A = `ab.a.${suffix}`;
const B = `ab.b.${suffix}`;
const windowA = `ab${suffix}`;
const emailOf = (username: string) => `${username}@example.gov.cn`;
const healthItem = demoItems.find((i) => i.content.departmentId === 'health')!.code;
const subs: Record<string, string> = {};
const absence = (username: string, date: string) => `/admin/staff/${username}/absences/${date}`;
const callNext = (as: string) => call('POST', `/windows/${windowA}/call-next`, { as });
const act = (as: string, ticketId: string, action: string, body?: unknown) => call('POST', `/windows/${windowA}/tickets/${ticketId}/${action}`, { as, ...(body ? { body } : {}) });

type Email = { destination: { to: string[] }; subject: string; body: { text?: string } };
const emailsTo = async (address: string) => ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) => e.destination.to.includes(address));
const bus = new EventBridgeClient({ endpoint: cloud.endpoints.events, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** A health case A handles, past its promised limit, as the case watcher publishes it: a yellow card the staff notices hear. */
async function healthCaseLate(): Promise<string> {
  const caseNo = `370982-${centerToday().replaceAll('-', '')}-9${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const now = new Date().toISOString();
  const detail = {
    eventId: ulid(), centerId: 'center-demo', occurredAt: now, version: 1, actor: { id: 'system', role: 'system' }, subject: { type: 'case', id: caseNo },
    data: { caseNo, departmentId: 'health', clock: 'case', clockKind: 'case', level: 'yellow', thresholdAt: now, due: centerDayAt(Date.now() - 86_400_000), handlerIds: [subs[A]] },
  };
  const busName = cloud.rules.find((r) => r.logicalId.includes('StaffNotices'))!.busName;
  await bus.send(new PutEventsCommand({ Entries: [{ Source: 'onestop.cases', DetailType: 'CasePromisedLimitPassed', Detail: JSON.stringify(detail), EventBusName: busName }] }));
  return caseNo;
}

beforeAll(async () => {
  const win = await call('PUT', `/admin/windows/${windowA}`, { as: 'center.admin', body: { name: `卫健窗口${suffix}`, departmentIds: ['health'] } });
  expect(win.status, JSON.stringify(win.body)).toBe(201);
  for (const [username, body] of [
    [B, { name: '乙', roles: ['clerk'], departmentId: 'amr', windowIds: [], backups: [] }],
    [A, { name: '甲', roles: ['clerk'], departmentId: 'health', windowIds: [windowA], backups: [{ itemCode: healthItem, backupUsername: B }] }],
  ] as const) {
    const res = await call('PUT', `/admin/staff/${username}`, { as: 'center.admin', body: { ...body, email: emailOf(username) } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    subs[username] = res.body.sub;
  }
  const category = await call('PUT', '/admin/queue/categories/K', { as: 'center.admin', body: { name: 'AB角测试', itemCodes: [], windowIds: [windowA] } });
  expect(category.status, JSON.stringify(category.body)).toBe(201);
});

describe('AB backups (AB角)', () => {
  it('A absent today: B works A\'s window, the visit counts for B; withdrawn, the window is A\'s alone again', async () => {
    const today = centerToday();
    const ticket = await call('POST', '/public/hall/center-demo/tickets', { body: { categoryCode: 'K' } });
    expect(ticket.status).toBe(201);
    expect((await callNext(B)).status).toBe(403);

    // The other department's admin may not mark A; A's own may, once: a second mark answers the first.
    expect((await call('PUT', absence(A, today), { as: 'admin.amr', body: {} })).status).toBe(403);
    const marked = await call('PUT', absence(A, today), { as: 'admin.health', body: { reason: '病假' } });
    expect(marked.status, JSON.stringify(marked.body)).toBe(201);
    expect(marked.body).toEqual({
      username: A, date: today, reason: '病假', windowIds: [windowA], coveredBy: [{ username: B, itemCodes: [healthItem] }],
      markedBy: cloud.users.find((u) => u.username === 'admin.health')!.sub, markedAt: expect.any(String),
    });
    const again = await call('PUT', absence(A, today), { as: 'center.admin', body: { reason: '另一个原因' } });
    expect([again.status, again.body.reason, again.body.markedAt]).toEqual([200, '病假', marked.body.markedAt]);
    // Colleagues see who is away and who covers, not why.
    const listed = await call('GET', `/org/absences/${today}`, { as: B });
    expect(listed.body.items).toContainEqual({ username: A, date: today, windowIds: [windowA], coveredBy: [{ username: B, itemCodes: [healthItem] }], markedBy: marked.body.markedBy, markedAt: marked.body.markedAt });

    const called = await callNext(B);
    expect(called.status, JSON.stringify(called.body)).toBe(200);
    expect(called.body).toMatchObject({ ticketId: ticket.body.ticketId, windowId: windowA, status: 'called' });
    expect((await act(B, called.body.ticketId, 'start')).body.status).toBe('serving');
    const ended = await act(B, called.body.ticketId, 'end', { itemCodes: [healthItem], caseNos: [] });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);

    // The visit is B's: the month's figures count it for B at A's window, and nothing for A.
    const month = today.slice(0, 7);
    type Row = { staffId?: string; windowId?: string; counts: { served: number } };
    const figures = await until('the visit counted', async () => {
      const res = await call('GET', `/queue-stats/${month}`, { as: 'supervisor' });
      return (res.body.staff as Row[] | undefined)?.some((r) => r.staffId === subs[B] && r.counts.served > 0) ? res.body : undefined;
    });
    expect((figures.staff as Row[]).find((r) => r.staffId === subs[B])!.counts.served).toBe(1);
    expect((figures.staff as Row[]).find((r) => r.staffId === subs[A])).toBeUndefined();
    expect((figures.windows as Row[]).find((r) => r.windowId === windowA)!.counts.served).toBe(1);

    // Audited, without the reason.
    const audited = await until('the absence in the audit log', async () => {
      const res = await call('GET', `/audit/events?subjectType=staff&subjectId=${A}&from=${today}&to=${today}`, { as: 'auditor' });
      return (res.body.items as { action: string }[]).some((i) => i.action === 'StaffAbsenceMarked') ? res.body.items as unknown[] : undefined;
    });
    expect(JSON.stringify(audited)).not.toContain('病假');

    const cancelled = await call('POST', `${absence(A, today)}/cancel`, { as: 'admin.health' });
    expect([cancelled.status, cancelled.body.username]).toEqual([200, A]);
    await call('POST', '/public/hall/center-demo/tickets', { body: { categoryCode: 'K' } });
    expect((await callNext(B)).status).toBe(403);
    expect((await call('POST', `${absence(A, today)}/cancel`, { as: 'admin.health' })).status).toBe(404);
    expect((await call('GET', `/org/absences/${today}`, { as: B })).body.items.map((i: { username: string }) => i.username)).not.toContain(A);
    // A's own window is still A's.
    expect((await callNext(A)).status).toBe(200);
  });

  it("B hears the threshold notices of the cases A handles while A is away, and only then; the department's other clerks never", async () => {
    const today = centerToday();
    const mentions = async (address: string, caseNo: string) => (await emailsTo(address)).filter((e) => (e.body.text ?? '').includes(caseNo));
    const before = await healthCaseLate();
    await until('the notice to A', async () => (await mentions(emailOf(A), before))[0]);
    await until("the notice to the department's admin", async () => (await mentions('admin.health@demo.onestop.example', before))[0]);
    expect(await mentions(emailOf(B), before)).toEqual([]);

    expect((await call('PUT', absence(A, today), { as: 'center.admin', body: {} })).status).toBe(201);
    const during = await healthCaseLate();
    const mail = await until('the notice to B', async () => (await mentions(emailOf(B), during))[0]);
    expect(mail.destination.to).toEqual([emailOf(B)]);
    expect(mail.subject).toContain('时限预警');
    expect(mail.subject).toContain('黄牌');
    expect((await call('POST', `${absence(A, today)}/cancel`, { as: 'center.admin' })).status).toBe(200);
    // A clerk of the department who handled neither case hears of neither (decision 125).
    expect([...(await mentions('clerk.health@demo.onestop.example', before)), ...(await mentions('clerk.health@demo.onestop.example', during))]).toEqual([]);
  });

  it('refuses a past day, a day over a year ahead and an unknown person, field by field and writing nothing; a mark takes 2 requests', async () => {
    const today = centerToday();
    const yesterday = centerDayAt(Date.now() - 86_400_000);
    const past = await call('PUT', absence(A, yesterday), { as: 'center.admin', body: {} });
    expect([past.status, past.body.type, past.body.errors]).toEqual([400, problemUri('validation-failed'), [expect.objectContaining({ path: '/params/date', code: 'past' })]]);
    const far = await call('PUT', absence(A, centerDayAt(Date.now() + 400 * 86_400_000)), { as: 'center.admin', body: {} });
    expect([far.status, far.body.errors?.[0]?.code]).toEqual([400, 'too_far']);
    expect((await call('PUT', absence(`nobody.${suffix}`, today), { as: 'center.admin', body: {} })).status).toBe(404);
    expect((await call('PUT', absence(A, today), { as: 'center.admin', body: { reason: 'x'.repeat(201) } })).status).toBe(400);
    expect((await call('PUT', absence(A, today), { as: B, body: {} })).status).toBe(403);
    expect((await call('GET', `/org/absences/${yesterday}`, { as: 'center.admin' })).body.items.filter((i: { username: string }) => i.username === A)).toEqual([]);

    const org = await inProcess(() => import('../../functions/org/handler.ts'));
    const tomorrow = centerDayAt(Date.now() + 86_400_000);
    const routePath = '/admin/staff/{username}/absences/{date}';
    const mark = await org(eventFor('admin.health', 'PUT', absence(A, tomorrow), routePath, { params: { username: A, date: tomorrow }, body: {} }));
    expect([mark.status, mark.commands]).toEqual([201, ['BatchGetItemCommand', 'TransactWriteItemsCommand']]);
    const repeat = await org(eventFor('admin.health', 'PUT', absence(A, tomorrow), routePath, { params: { username: A, date: tomorrow }, body: {} }));
    expect([repeat.status, repeat.commands]).toEqual([200, ['BatchGetItemCommand']]);
    const cancel = await org(eventFor('admin.health', 'POST', `${absence(A, tomorrow)}/cancel`, `${routePath}/cancel`, { params: { username: A, date: tomorrow } }));
    expect([cancel.status, cancel.commands]).toEqual([200, ['BatchGetItemCommand', 'TransactWriteItemsCommand']]);
    console.log(`AB backup requests: mark ${mark.commands.join(' + ')}; repeat ${repeat.commands.join(' + ')}; withdraw ${cancel.commands.join(' + ')}`);
  });
});
