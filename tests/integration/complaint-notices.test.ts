/**
 * The complainant's notices over the whole pipeline on the local cloud
 * (outbox, pipe, bus, the notifications consumer, the SMS and email sinks):
 * a complaint recorded with a mobile number is told by SMS that it was
 * registered and not accepted, with the reason; one with an email address is
 * told it was registered, accepted and answered, the reply's words in the
 * email. The delivery log's NotificationSent events name the complaint and
 * carry no address, masked or not.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { api, call, cloud, doc, until } from './api-client.ts';

const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
// A mobile number of this run's own: the sink holds every run's messages.
const mobile = `139${String(Date.now()).slice(-8)}`;
const email = `cn.${unique}@example.com`;

interface Email { destination: { to: string[] }; subject: string; body: { text?: string } }
const emailsTo = async (address: string) => ((await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: Email[] }).emails.filter((e) => e.destination.to.includes(address));
const smsTo = async (phone: string) => ((await (await fetch(`${api}/local/sms`)).json()) as { messages: { phoneNumber: string; message: string }[] }).messages.filter((m) => m.phoneNumber === `+86${phone}`).map((m) => m.message);

async function recorded(contact: string) {
  const res = await call('POST', '/complaints', {
    as: 'supervisor', body: { channel: 'phone', subject: { type: 'department', departmentId: 'amr' }, category: 'refused_to_act', content: `应办不办 ${unique}`, complainant: { name: '钱七', contact } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.complaintId as string;
}

describe('the complainant is told (投诉人告知)', () => {
  it('by SMS at a mobile: registered, then not accepted with the reason', async () => {
    const id = await recorded(mobile);
    const refused = await call('POST', `/complaints/${id}/notAccept`, { as: 'supervisor', body: { reason: 'unverifiable', explanation: '所述时间无人值守，无法核实' }, headers: { 'if-match': '"1"' } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    const messages = await until('both SMS', async () => {
      const m = await smsTo(mobile);
      return m.length >= 2 ? m : undefined;
    }, 60_000);
    expect(messages).toHaveLength(2);
    expect(messages.some((m) => m.startsWith('【政务服务中心】您的投诉已登记，将于'))).toBe(true);
    expect(messages).toContain('【政务服务中心】您的投诉不予受理，原因：无法核实。');
  }, 90_000);

  it('by email at an address: registered, accepted, answered with the reply\'s words; the log\'s events carry no address', async () => {
    const id = await recorded(email);
    expect((await call('POST', `/complaints/${id}/accept`, { as: 'supervisor', body: {}, headers: { 'if-match': '"1"' } })).status).toBe(200);
    const replied = await call('POST', `/complaints/${id}/reply`, { as: 'head.amr', body: { reply: `已责成窗口当日办理 ${unique}`, substantiated: true }, headers: { 'if-match': '"2"' } });
    expect(replied.status, JSON.stringify(replied.body)).toBe(200);
    const mails = await until('three emails', async () => {
      const m = await emailsTo(email);
      return m.length >= 3 ? m : undefined;
    }, 60_000);
    expect(mails.map((m) => m.subject).sort()).toEqual(['投诉已受理', '投诉已登记', '投诉已答复']);
    const answer = mails.find((m) => m.subject === '投诉已答复')!;
    expect(answer.body.text).toContain(`已答复：已责成窗口当日办理 ${unique}`);
    expect(answer.body.text).toContain(id);

    // The delivery log: one NotificationSent per message, naming the complaint; the SMS skipped (no mobile), nothing of the address.
    const log = await until('three NotificationSent', async () => {
      const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#center-demo#NOTIFY#COMPLAINT#${id}` }, ConsistentRead: true }));
      const sent = (out.Items ?? []).filter((i) => i.detailType === 'NotificationSent');
      return sent.length >= 3 ? sent : undefined;
    }, 60_000);
    const details = log.map((e) => JSON.parse(e.detail as string));
    expect(details.map((d) => d.data.aboutEventType).sort()).toEqual(['ComplaintAccepted', 'ComplaintFiled', 'ComplaintReplied']);
    for (const d of details) {
      expect(d.data.complaintId).toBe(id);
      expect(d.data.channels.map((c: { channel: string; status: string }) => `${c.channel}:${c.status}`).sort()).toEqual(['email:sent', 'sms:skipped']);
    }
    expect(JSON.stringify(details)).not.toMatch(new RegExp(`cn\\.|example\\.com|\\*\\*\\*|钱七`));
  }, 90_000);
});
