/**
 * Notifications over the local cloud: case events → SMS (the SNS sink, one
 * part) and email (the SES sink) in the applicant's language and channels
 * (one by default: SMS to a mobile, else email), the milestones only unless
 * the applicant asks for every step, a delivery
 * log per case with one NotificationSent per message, and the consumer's
 * discipline: a duplicate delivery has one effect, an invalid event ends in
 * the DLQ with its reason, an injected failure is retried and applied once.
 * A case due soon is listed in its department's queue and carded, not mailed.
 * Appointment confirmations: an online booking reaches the applicant, a
 * clerk's booking for a caller the caller's mobile, each logged under the
 * appointment; the same event handed to the consumer again (in this process,
 * against the cloud's table) sends nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { api, call, chooseNotifications, cloud, doc, freshCode, freshIdNumber, registerApplicant, until } from './api-client.ts';
import { smsParts } from '../../functions/notifications/templates.ts';
import { act, enterpriseFields, enterpriseItem, materialsOf } from './cases-client.ts';
import { useLocalTable } from './in-process.ts';

const bus = new EventBridgeClient({ endpoint: cloud.endpoints.events, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
let n = 0;
const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

interface Sms { phoneNumber: string; message: string }
interface Email { destination: { to: string[] }; subject: string; body: { text?: string }; at: number }

const smsTo = async (phone: string) => ((await (await fetch(`${api}/local/sms`)).json()) as { messages: Sms[] }).messages.filter((m) => m.phoneNumber === phone);
const emailsTo = async (address: string) => ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) => e.destination.to.includes(address));
const stats = async () => (await (await fetch(`${api}/local/stats`)).json()) as { functions: Record<string, { invocations: number }>; faults: Record<string, { injected: number }> };
const invocationsOf = async (prefix: string) => Object.entries((await stats()).functions).filter(([id]) => id.startsWith(prefix)).reduce((a, [, f]) => a + f.invocations, 0);

/**
 * A fresh citizen (own email and mobile) who applies online for the enterprise item; `bothChannels`: who chose
 * to hear by SMS and email; `landline`: whose phone takes no SMS.
 */
async function applicant(opts: { bothChannels?: true; landline?: true } = {}) {
  const username = `nt.${unique()}`;
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const phone = opts.landline ? `0531-${digits}` : `139${digits}`;
  const email = `${username}@example.com`;
  const reg = await registerApplicant({ kind: 'citizen', username, name: '钱七', email, phone, idNumber: freshIdNumber() });
  expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  if (opts.bothChannels) await chooseNotifications(username, { channels: ['sms', 'email'], language: 'zh-CN' });
  return { username, email, mobile: `+86${phone}`, applicantId: reg.body.applicantId as string };
}

async function apply(who: { username: string }, leaveOut: string[] = []) {
  const res = await call('POST', '/cases', { as: who.username, body: { itemCode: enterpriseItem.code, fields: enterpriseFields, materials: materialsOf(enterpriseItem.code, leaveOut) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res;
}

/** The applicant's preferences changed to hear of every step of their cases (CaseSubmitted included), by both channels. */
const askForEveryStep = (who: { username: string }) => chooseNotifications(who.username, { channels: ['sms', 'email'], language: 'zh-CN', events: 'all' });

/** Applies and has the case accepted: the acceptance is a milestone, told by default. */
async function applyAccepted(who: { username: string }) {
  const c = await apply(who);
  await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
  return c;
}

/** The NotificationSent events of a case's notifications, from their outbox. */
const announced = async (caseNo: string) =>
  ((await doc.send(new QueryCommand({
    TableName: cloud.tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
    ExpressionAttributeValues: { ':pk': `CENTER#center-demo#NOTIFY#${caseNo}`, ':e': 'EVENT#' },
    ConsistentRead: true,
  }))).Items ?? []).map((i) => ({ detailType: i.detailType as string, data: JSON.parse(i.detail as string).data as { aboutEventType: string; channels: { channel: string; status: string }[] } }));

const deliveries = async (caseNo: string, as: string) => {
  const res = await call('GET', `/cases/${caseNo}/notifications`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as { eventType: string; channel: string; status: string; to?: string; attempts: number; reason?: string; language: string }[];
};

describe('notifications', () => {
  it('the one-time supplement notice: the email lists every missing material, the SMS in one part points to it; the delivery log shows both, masked', async () => {
    const who = await applicant({ bothChannels: true });
    const c = await apply(who, ['premises', 'officer-appointment']);
    const t0 = Date.now();
    await act(c.body.caseNo, 'requestSupplement', 'clerk.amr', c.etag, {
      items: [
        { materialId: 'premises', problem: 'missing', detail: '未提交住所使用证明' },
        { materialId: 'officer-appointment', problem: 'missing', detail: '缺少经理任职文件' },
      ],
    });
    const email = await until('the supplement email', async () => (await emailsTo(who.email)).find((e) => e.subject.includes('一次性补正告知')));
    const emailMs = Date.now() - t0;
    const sms = await until('the supplement SMS', async () => (await smsTo(who.mobile)).find((m) => m.message.includes('补正')));
    console.log(`requestSupplement → email in the SES sink: ${emailMs} ms`);
    expect(email.body.text).toContain('住所（主要经营场所）使用相关文件');
    expect(email.body.text).toContain('法定代表人、董事、监事和经理的任职文件');
    expect(email.body.text).toContain(c.body.caseNo);
    expect(sms.message).toContain(c.body.caseNo);
    expect(smsParts(sms.message), sms.message).toBe(1);
    // The application itself is the applicant's own act: not a milestone, so no message about it.
    const log = await until('the delivery log', async () => {
      const items = await deliveries(c.body.caseNo, who.username);
      return items.filter((d) => d.status === 'sent').length === 2 ? items : undefined;
    });
    expect(log.map((d) => `${d.eventType}/${d.channel}/${d.status}`).sort()).toEqual(['SupplementRequested/email/sent', 'SupplementRequested/sms/sent']);
    const events = await until('its one NotificationSent', async () => ((await announced(c.body.caseNo)).length ? announced(c.body.caseNo) : undefined));
    expect(events.map((e) => [e.detailType, e.data.aboutEventType, e.data.channels.map((ch) => `${ch.channel}/${ch.status}`).sort()])).toEqual([
      ['NotificationSent', 'SupplementRequested', ['email/sent', 'sms/sent']],
    ]);
    expect(log.find((d) => d.channel === 'sms')!.to).toMatch(/^\+86139\*{4}\d{4}$/);
    expect(log.find((d) => d.channel === 'email')!.to).toMatch(/^n\*\*\*@example\.com$/);
    const otherDepartment = await call('GET', `/cases/${c.body.caseNo}/notifications`, { as: 'clerk.health' });
    expect([otherDepartment.status, otherDepartment.body.type]).toEqual([403, 'https://onestop.example.gov.cn/problems/forbidden']);
    const otherApplicant = await call('GET', `/cases/${c.body.caseNo}/notifications`, { as: 'zhang.san' });
    expect([otherApplicant.status, otherApplicant.body.type]).toEqual([404, 'https://onestop.example.gov.cn/problems/not-found']);
    expect((await call('GET', `/cases/${c.body.caseNo}/notifications`, { as: 'clerk.amr' })).status).toBe(200);
  });

  it('an applicant who never chose hears by SMS alone; one whose phone is a landline by email alone; the log says why the other was left out', async () => {
    const settled = async (caseNo: string, as: string) => until('both deliveries settled', async () => {
      const items = await deliveries(caseNo, as);
      return items.length === 2 && items.every((d) => d.status !== 'sending') ? items : undefined;
    });
    const defaultOnly = 'one channel unless the applicant chooses both';
    const [mobile, landline] = await Promise.all([applicant(), applicant({ landline: true })]);
    const [byMobile, byLandline] = await Promise.all([applyAccepted(mobile), applyAccepted(landline)]);

    const sms = await until('the acceptance SMS', async () => (await smsTo(mobile.mobile)).find((m) => m.message.includes(byMobile.body.caseNo)));
    expect(smsParts(sms.message), sms.message).toBe(1);
    const smsLog = await settled(byMobile.body.caseNo, mobile.username);
    expect(smsLog.map((d) => `${d.eventType}/${d.channel}/${d.status}`).sort()).toEqual(['CaseAccepted/email/skipped', 'CaseAccepted/sms/sent']);
    expect(smsLog.find((d) => d.channel === 'email')).toMatchObject({ reason: defaultOnly, language: 'zh-CN' });
    expect(await emailsTo(mobile.email)).toEqual([]);

    const email = await until('the acceptance email', async () => (await emailsTo(landline.email)).find((e) => e.subject === `受理通知：${byLandline.body.caseNo}`));
    expect(email.body.text).toContain(byLandline.body.caseNo);
    const emailLog = await settled(byLandline.body.caseNo, landline.username);
    expect(emailLog.map((d) => `${d.channel}/${d.status}`).sort()).toEqual(['email/sent', 'sms/skipped']);
    expect(emailLog.find((d) => d.channel === 'sms')).toMatchObject({ reason: defaultOnly });
    expect(await smsTo(landline.mobile)).toEqual([]);
  });

  it("honours the applicant's preferences: English, email only, every step", async () => {
    const who = await applicant();
    await chooseNotifications(who.username, { channels: ['email'], language: 'en', events: 'all' });
    const c = await apply(who);
    const email = await until('the English email', async () => (await emailsTo(who.email)).find((e) => e.subject.startsWith('Application received')));
    expect(email.body.text).toContain(c.body.caseNo);
    const log = await until('both deliveries settled', async () => {
      const items = await deliveries(c.body.caseNo, who.username);
      return items.length === 2 && items.every((d) => d.status !== 'sending') ? items : undefined;
    });
    expect(log.find((d) => d.channel === 'sms')).toMatchObject({ status: 'skipped', reason: 'turned off by the applicant', language: 'en' });
    expect(await smsTo(who.mobile)).toEqual([]);
    const events = await until('its one NotificationSent', async () => ((await announced(c.body.caseNo)).length ? announced(c.body.caseNo) : undefined));
    expect(events.map((e) => e.data.channels.map((ch) => `${ch.channel}/${ch.status}`).sort())).toEqual([['email/sent', 'sms/skipped']]);
  });

  it('a redelivered event sends and announces nothing twice', async () => {
    const who = await applicant({ bothChannels: true });
    const c = await applyAccepted(who);
    await until('the first email', async () => (await emailsTo(who.email)).length === 1 || undefined);
    await until('its NotificationSent', async () => ((await announced(c.body.caseNo)).length === 1 ? true : undefined));
    const outbox = await doc.send(new QueryCommand({
      TableName: cloud.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
      ExpressionAttributeValues: { ':pk': `CENTER#center-demo#CASE#${c.body.caseNo}`, ':e': 'EVENT#' },
    }));
    const item = outbox.Items!.find((i) => i.detailType === 'CaseAccepted')!;
    const before = await invocationsOf('NotificationsFunction');
    for (let i = 0; i < 2; i++) {
      await bus.send(new PutEventsCommand({ Entries: [{ Source: item.source, DetailType: item.detailType, Detail: item.detail, EventBusName: cloud.rules.find((r) => r.logicalId.startsWith('NotificationsConsumer'))!.busName }] }));
    }
    await until('both redeliveries handled', async () => ((await invocationsOf('NotificationsFunction')) >= before + 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    expect(await emailsTo(who.email)).toHaveLength(1);
    expect(await smsTo(who.mobile)).toHaveLength(1);
    expect((await deliveries(c.body.caseNo, who.username)).map((d) => d.attempts)).toEqual([1, 1]);
    expect(await announced(c.body.caseNo)).toHaveLength(1);
  });

  it('an invalid case event ends in the DLQ with its reason', async () => {
    const marker = `bad-${unique()}`;
    await bus.send(new PutEventsCommand({
      Entries: [{ Source: 'onestop.cases', DetailType: 'CaseAccepted', Detail: JSON.stringify({ eventId: marker }), EventBusName: cloud.rules.find((r) => r.logicalId.startsWith('NotificationsConsumer'))!.busName }],
    }));
    const queue = await until('the invalid event in the notifications DLQ', async () => {
      const { queues } = (await (await fetch(`${api}/local/dlq`)).json()) as { queues: { queue: string; messages: { messageId: string; body: string; attributes?: Record<string, string> }[] }[] };
      const q = queues.find((x) => x.queue.startsWith('NotificationsConsumer') && x.messages.some((m) => JSON.stringify(m).includes(marker)));
      return q;
    }, 20_000);
    const message = queue.messages.find((m) => JSON.stringify(m).includes(marker))!;
    expect(JSON.stringify(message)).toContain('not a valid case event');
    // Leave the shared DLQs as found (the audit consumer refuses the event too).
    const { queues } = (await (await fetch(`${api}/local/dlq`)).json()) as { queues: { queue: string; messages: { messageId: string }[] }[] };
    for (const q of queues) {
      const ids = q.messages.filter((m) => JSON.stringify(m).includes(marker)).map((m) => m.messageId);
      if (ids.length) await fetch(`${api}/local/dlq/delete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue: q.queue, messageIds: ids }) });
    }
  });

  it("a case due soon is listed in its department's due_soon queue and carded, and mailed to nobody (decision 125)", async () => {
    const who = await applicant();
    const c = await apply(who);
    const accepted = await act(c.body.caseNo, 'accept', 'clerk.amr', c.etag);
    // The enterprise item's promised limit is 1 working day: within the 2-day warning from the day it is accepted.
    expect(accepted.body.deadlines.promisedDue).toBeDefined(); // a year not entered is counted provisionally, never left blank
    const soon = await call('GET', '/queues/due_soon?departmentId=amr&limit=100', { as: 'clerk.amr' });
    expect(soon.body.items.map((x: { caseNo: string }) => x.caseNo)).toContain(c.body.caseNo);
    // The watcher's warning has gone through the bus once supervision carded it.
    const card = await until('the warning card', async () => {
      const res = await call('GET', `/supervision/cards/${c.body.caseNo}~case~warning`, { as: 'supervisor' });
      return res.status === 200 ? res.body : undefined;
    }, 20_000);
    expect(card.level).toBe('warning');
    // Two more runs of the case watcher (a schedule): whatever the first published would have been mailed by now.
    const runsBefore = await invocationsOf('CaseWatchFunction');
    await until('two more runs of the case watcher', async () => ((await invocationsOf('CaseWatchFunction')) >= runsBefore + 2 ? true : undefined));
    for (const staff of ['clerk.amr', 'approver.amr', 'admin.amr', 'clerk.general']) {
      expect((await emailsTo(`${staff}@demo.onestop.example`)).filter((e) => (e.body.text ?? '').includes(c.body.caseNo))).toEqual([]);
    }
  });

  it.each(['before', 'after'] as const)('a failure injected %s the handler is retried and applied once', async (phase) => {
    const who = await applicant();
    const rule = { functionPrefix: 'NotificationsFunction', rate: 1, phase, match: who.applicantId, limit: 1 };
    await fetch(`${api}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    await askForEveryStep(who);
    try {
      const c = await apply(who);
      await until('the email after the retry', async () => ((await emailsTo(who.email)).length === 1 ? true : undefined));
      const injected = async () => Object.entries((await stats()).faults).find(([k]) => k.includes(who.applicantId))![1].injected;
      await until('the fault to strike', async () => ((await injected()) === 1 ? true : undefined));
      // The log marks a delivery sent after the provider took it: wait for the consumer to finish both.
      const log = await until('both deliveries logged', async () => {
        const found = await deliveries(c.body.caseNo, who.username);
        return found.length === 2 && found.every((d) => d.status !== 'sending') ? found : undefined;
      });
      expect(log.map((d) => d.status)).toEqual(['sent', 'sent']);
      expect(await emailsTo(who.email)).toHaveLength(1);
      expect(await smsTo(who.mobile)).toHaveLength(1);
      expect(await injected()).toBe(1);
    } finally {
      await fetch(`${api}/local/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...rule, rate: 0 }) });
    }
  });
});

describe('appointment confirmations', () => {
  const item = freshCode('NTA');
  let slot: { date: string; start: string };

  /** A bookable item of a category of its own ('N'), and a slot with places left on the last bookable day (well before the sweep). */
  beforeAll(async () => {
    const windowId = `nw${Date.now().toString(36)}`;
    const win = await call('PUT', `/admin/windows/${windowId}`, { as: 'center.admin', body: { name: '预约通知窗口', departmentIds: ['amr'] } });
    expect(win.status, JSON.stringify(win.body)).toBe(201);
    const category = await call('PUT', '/admin/queue/categories/N', { as: 'center.admin', body: { name: '预约通知', itemCodes: [item], windowIds: [windowId] } });
    expect(category.status, JSON.stringify(category.body)).toBe(201);
    const slots = await call('GET', `/public/hall/center-demo/appointment-slots?itemCode=${item}`);
    expect(slots.status, JSON.stringify(slots.body)).toBe(200);
    const open = (slots.body.days as { date: string; slots: { start: string; left: number }[] }[]).flatMap((d) => d.slots.filter((x) => x.left >= 2).map((x) => ({ date: d.date, start: x.start })));
    slot = open.at(-1)!;
    expect(slot).toBeDefined();
  });

  const apptPk = (appointmentId: string) => `CENTER#center-demo#NOTIFY#APPT#${appointmentId}`;
  const logOf = async (appointmentId: string) =>
    (await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': apptPk(appointmentId) }, ConsistentRead: true }))).Items ?? [];
  const sentEvents = async (appointmentId: string) => (await logOf(appointmentId)).filter((i) => i.kind === 'event').map((i) => i.detail as string);

  /** The one NotificationSent of a booking's confirmation, once out. */
  const confirmation = (appointmentId: string) => until('its NotificationSent', async () => {
    const [detail, ...more] = await sentEvents(appointmentId);
    expect(more).toEqual([]);
    return detail ? (JSON.parse(detail) as { subject: { type: string; id: string }; data: { appointmentId: string; aboutEventType: string; channels: { channel: string; status: string; to?: string }[] } }) : undefined;
  });

  let online: { appointmentId: string; who: Awaited<ReturnType<typeof applicant>> } | undefined;

  it('an online booking: the SMS (one part) and the e-mail carry the check-in code; logged and announced under the appointment, addresses masked', async () => {
    const who = await applicant({ bothChannels: true });
    const booked = await call('POST', '/appointments', { as: who.username, body: { itemCode: item, ...slot } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const { appointmentId, bookingCode } = booked.body as { appointmentId: string; bookingCode: string };
    online = { appointmentId, who };
    const [sms, email] = await Promise.all([
      until('the booking SMS', async () => (await smsTo(who.mobile)).find((m) => m.message.includes(bookingCode))),
      until('the booking e-mail', async () => (await emailsTo(who.email)).find((e) => e.subject.startsWith('预约成功'))),
    ]);
    expect(smsParts(sms.message), sms.message).toBe(1);
    expect(sms.message).toContain(slot.date);
    expect(email.body.text).toContain(bookingCode);
    expect(email.body.text).toContain(item);
    const sent = await confirmation(appointmentId);
    expect(sent.subject).toEqual({ type: 'appointment', id: appointmentId });
    expect(sent.data).toMatchObject({ appointmentId, aboutEventType: 'AppointmentBooked' });
    expect(sent.data.channels.map((c) => `${c.channel}/${c.status}/${c.to}`).sort()).toEqual([`email/sent/n***@example.com`, `sms/sent/+86139****${who.mobile.slice(-4)}`]);
    const deliveries = (await logOf(appointmentId)).filter((i) => i.kind === 'delivery');
    expect(deliveries.map((d) => [d.appointmentId, d.eventType, d.status, d.attempts])).toEqual([
      [appointmentId, 'AppointmentBooked', 'sent', 1],
      [appointmentId, 'AppointmentBooked', 'sent', 1],
    ]);
  });

  it('a booking a clerk made for a caller: an SMS in Chinese to the mobile given, no e-mail, and the number on no event', async () => {
    const mobile = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const booked = await call('POST', '/queue/appointments', { as: 'clerk.amr', body: { itemCode: item, ...slot, name: '孙八', idNumber: freshIdNumber(), mobile } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const { appointmentId, bookingCode } = booked.body as { appointmentId: string; bookingCode: string };
    const sms = await until('the caller\'s SMS', async () => (await smsTo(`+86${mobile}`)).find((m) => m.message.includes(bookingCode)));
    expect(sms.message).toMatch(/^【政务服务中心】预约成功/);
    const sent = await confirmation(appointmentId);
    expect(sent.data.channels.map((c) => `${c.channel}/${c.status}`).sort()).toEqual(['email/skipped', 'sms/sent']);
    const failed = (await logOf(appointmentId)).find((i) => i.kind === 'delivery' && i.channel === 'email');
    expect(failed).toMatchObject({ status: 'skipped', reason: 'no email address', language: 'zh-CN' });
    const outbox = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#APPT#ID#${appointmentId}` } }));
    const events = [...(outbox.Items ?? []).filter((i) => i.kind === 'event').map((i) => i.detail as string), ...(await sentEvents(appointmentId))];
    expect(events.length).toBe(2);
    for (const detail of events) expect(detail).not.toContain(mobile.slice(3));
  });

  it('the same AppointmentBooked handed to the consumer again sends and announces nothing twice', async () => {
    const { appointmentId, who } = online ?? expect.fail('the online booking did not happen');
    useLocalTable();
    const { handler } = await import('../../functions/notifications/consumer.ts');
    const outbox = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#APPT#ID#${appointmentId}` } }));
    const item = outbox.Items!.find((i) => i.detailType === 'AppointmentBooked')!;
    const redelivered = { id: 'redelivery', source: item.source, 'detail-type': item.detailType, detail: JSON.parse(item.detail) } as Parameters<typeof handler>[0];
    expect(await Promise.all([handler(redelivered), handler(redelivered)])).toEqual([{ sent: 0, skipped: 0 }, { sent: 0, skipped: 0 }]);
    expect(await smsTo(who.mobile)).toHaveLength(1);
    expect(await emailsTo(who.email)).toHaveLength(1);
    expect(await sentEvents(appointmentId)).toHaveLength(1);
    expect((await logOf(appointmentId)).filter((i) => i.kind === 'delivery').map((d) => d.attempts)).toEqual([1, 1]);
  });
});
