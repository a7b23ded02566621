/**
 * The payment gate over the local cloud, without the fees domain's routes: the
 * fees gate events (schemas/events/fees.ts) are put on the bus as the fees
 * domain publishes them, and the cases consumer (functions/cases/payment-gate.ts)
 * moves the case. Fees before delivery on the seeded road item (370982-ZJ-XK-004):
 * deliver refused until settled, the delivery limit paused while the applicant
 * waits to pay, redeliveries changing nothing. Fees before acceptance on an item
 * published here: accept refused (payment-outstanding), the charge expiring
 * terminates the case (the item's default), a settled one lets it be accepted.
 * The timeline and the audit log record the system's steps. (The consumer run
 * in this process, its DynamoDB requests and the events it must not drop:
 * cases-requests.test.ts.)
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#shared/ids';
import { feeGateEventSchemas, type FeeGateEventData, type FeeGateEventType } from '#schemas/events/fees';
import { validationErrors } from '#shared/validate';
import { demoItems } from '../../local/seed/items.ts';
import { api, call, centerToday, cloud, freshCode, until } from './api-client.ts';
import { act, auditOf, materialsOf, submit, timelineOf } from './cases-client.ts';

const bus = new EventBridgeClient({ endpoint: cloud.endpoints.events, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const busName = () => cloud.rules.find((r) => r.logicalId.startsWith('CasePaymentGate'))!.busName;
const typeOf = (slug: string) => `https://onestop.example.gov.cn/problems/${slug}`;
const ROAD = '370982-ZJ-XK-004';
let n = 0;
const chargeId = () => `CH-${Date.now().toString(36)}-${(n++).toString(36)}`;

const stats = async () => (await (await fetch(`${api}/local/stats`)).json()) as { functions: Record<string, { invocations: number }> };
const gateInvocations = async () => Object.entries((await stats()).functions).filter(([id]) => id.startsWith('CasePaymentGateFunction')).reduce((a, [, f]) => a + f.invocations, 0);

/** A gate event as the fees domain publishes it (its envelope checked against the contract); returns the detail to put again. */
async function publish<T extends FeeGateEventType>(type: T, data: FeeGateEventData[T], detail?: string): Promise<string> {
  const body = detail ?? JSON.stringify({
    eventId: newId(), centerId: 'center-demo', occurredAt: new Date().toISOString(), actor: { id: 'fees-test', role: 'clerk' },
    subject: { type: 'case', id: data.caseNo }, version: 1, data,
  });
  expect(validationErrors(feeGateEventSchemas[type], JSON.parse(body))).toEqual([]);
  const out = await bus.send(new PutEventsCommand({ Entries: [{ Source: 'onestop.fees', DetailType: type, Detail: body, EventBusName: busName() }] }));
  expect(out.FailedEntryCount ?? 0).toBe(0);
  return body;
}

const read = async (caseNo: string, as: string) => {
  const res = await call('GET', `/cases/${caseNo}`, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
};
const inState = (caseNo: string, as: string, state: string) => until(`${caseNo} ${state}`, async () => {
  const res = await read(caseNo, as);
  return res.body.state === state ? res : undefined;
}, 20_000);

/** The SMS the local cloud's sink holds about a case (zhang.san's messages, by the seed's number). */
const smsAbout = (caseNo: string, text: string) => until(`the SMS "${text}" about ${caseNo}`, async () => {
  const { messages } = (await (await fetch(`${api}/local/sms`)).json()) as { messages: { phoneNumber: string; message: string }[] };
  return messages.find((m) => m.phoneNumber === '+8613800138000' && m.message.includes(caseNo) && m.message.includes(text));
}, 20_000);

/** A redelivery: the same event handled again by the consumer, and the case left as it was. */
async function redeliver(type: FeeGateEventType, detail: string, caseNo: string, as: string) {
  const before = await read(caseNo, as);
  const calls = await gateInvocations();
  await publish(type, JSON.parse(detail).data, detail);
  await until('the redelivery handled', async () => ((await gateInvocations()) > calls ? true : undefined), 20_000);
  const after = await read(caseNo, as);
  expect(after.body.version).toBe(before.body.version);
}

describe('fees before delivery (the seeded road item): 缴费后发证', () => {
  it('deliver waits for the charge; the case waits to pay with the delivery limit paused; redeliveries change nothing; then delivered', async () => {
    const sub = await submit(ROAD, { as: 'zhang.san' });
    const caseNo = sub.body.caseNo as string;
    expect(sub.body.payment).toEqual({ stage: 'before_delivery', status: 'due', onUnpaidExpiry: 'terminate' });
    const accepted = await act(caseNo, 'accept', 'clerk.housing', sub.etag);
    const reviewed = await act(caseNo, 'review', 'clerk.housing', accepted.etag, { opinion: '符合条件' });
    const approved = await act(caseNo, 'approve', 'approver.housing', reviewed.etag);
    const completed = await act(caseNo, 'complete', 'clerk.housing', approved.etag);
    const deliveryDue = completed.body.deadlines.deliveryDue as string;
    expect(deliveryDue).toBeDefined();
    expect(completed.body.nextActions).toEqual([]); // no deliver before the fees are settled
    const refused = await act(caseNo, 'deliver', 'clerk.housing', completed.etag, { method: 'pickup' }, 409);
    expect(refused.body.type).toBe(typeOf('payment-outstanding'));
    expect(refused.body.detail).toMatch(/assess them and issue the payment notice first/);

    const id = chargeId();
    const issued = await publish('ChargeIssued', { caseNo, chargeId: id, stage: 'before_delivery', dueFen: 120_000, payBy: '2026-12-31' });
    const waiting = await inState(caseNo, 'clerk.housing', 'to_pay');
    expect(waiting.body.payment).toMatchObject({ stage: 'before_delivery', status: 'due', chargeId: id, dueFen: 120_000, payBy: '2026-12-31', waits: [{ from: expect.any(String) }] });
    expect(waiting.body.deadlines).not.toHaveProperty('deliveryDue'); // the applicant's wait is not the agency's
    expect(waiting.body.clock).toEqual(completed.body.clock);
    expect(waiting.body.nextActions).toEqual([]);
    expect((await read(caseNo, 'zhang.san')).body.nextActions).toEqual([]); // a decided case is not withdrawn
    const queue = await call('GET', '/queues/to_pay?departmentId=housing&limit=100', { as: 'clerk.housing' });
    expect(queue.status, JSON.stringify(queue.body)).toBe(200);
    expect(queue.body.items.map((c: { caseNo: string }) => c.caseNo)).toContain(caseNo);
    const stillRefused = await act(caseNo, 'deliver', 'clerk.housing', waiting.etag, { method: 'pickup' }, 409);
    expect(stillRefused.body.type).toBe(typeOf('wrong-state'));
    await redeliver('ChargeIssued', issued, caseNo, 'clerk.housing');
    // The applicant is told what to pay and by when (a milestone: told by default).
    expect((await smsAbout(caseNo, '需缴费')).message).toBe(`【政务服务中心】办件${caseNo}需缴费1200.00元，请于2026-12-31前缴纳。`);

    const settled = await publish('ChargeSettled', { caseNo, chargeId: id, stage: 'before_delivery', how: 'paid' });
    const paid = await inState(caseNo, 'clerk.housing', 'completed');
    expect(paid.body.payment).toMatchObject({ status: 'settled', how: 'paid', waits: [{ from: expect.any(String), to: expect.any(String) }] });
    expect(paid.body.deadlines.deliveryDue >= deliveryDue).toBe(true); // moved back by the working days waited (none within a test)
    expect(paid.body.nextActions).toEqual(['deliver']);
    await redeliver('ChargeSettled', settled, caseNo, 'clerk.housing');
    // A cancellation arriving after the settlement (the bus does not order events) does not fit the case: skipped, the case stays.
    await redeliver('ChargeCancelled', JSON.stringify({ ...JSON.parse(settled), eventId: newId(), data: { caseNo, chargeId: id, stage: 'before_delivery' } }), caseNo, 'clerk.housing');
    const delivered = await act(caseNo, 'deliver', 'clerk.housing', paid.etag, { method: 'pickup' });
    expect(delivered.body.state).toBe('delivered');

    const timeline = await timelineOf(caseNo, 'clerk.housing');
    const gate = timeline.filter((e) => ['PaymentRequired', 'PaymentSettled'].includes(e.type));
    expect(gate.map((e) => [e.type, e.action, e.from, e.to, e.actor.role])).toEqual([
      ['PaymentRequired', 'requirePayment', 'completed', 'to_pay', 'system'],
      ['PaymentSettled', 'recordPayment', 'to_pay', 'completed', 'system'],
    ]);
    expect(gate[0]!.details).toMatchObject({ chargeId: id, dueFen: 120_000, feesEventId: JSON.parse(issued).eventId });
    const today = centerToday();
    // The audit record's action is the event's detail-type; the system's steps are audited as its own.
    const audited = await until('the gate steps in the audit log', async () => {
      const records = (await auditOf(caseNo, today, today)) as unknown as { action: string; actor: { role: string }; data: { toState: string } }[];
      // The audit consumer takes events in batches of their own: wait for the gate's two steps as well as the delivery.
      return ['CaseDelivered', 'PaymentRequired', 'PaymentSettled'].every((a) => records.some((r) => r.action === a)) ? records : undefined;
    }, 30_000);
    expect(audited.filter((r) => r.action.startsWith('Payment')).map((r) => [r.action, r.actor.role, r.data.toState])).toEqual([
      ['PaymentRequired', 'system', 'to_pay'],
      ['PaymentSettled', 'system', 'completed'],
    ]);
  });
});

describe('fees before acceptance (an item published with them)', () => {
  const code = freshCode('PAY');
  const food = demoItems.find((i) => i.code === '370982-AMR-XK-002')!;

  beforeAll(async () => {
    const fee = { feeId: 'licence', name: '许可证工本费', kind: 'fixed', amountFen: 1000, currency: 'CNY', unit: '每证', basis: '演示收费依据' };
    const content = { ...food.content, fees: [fee], paymentStage: 'before_acceptance' };
    const draft = await call('POST', '/admin/items', { as: 'admin.amr', body: { code, content } });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const base = `/admin/items/${code}/versions/1`;
    const submitted = await call('POST', `${base}/submit`, { as: 'admin.amr', headers: { 'if-match': draft.etag } });
    const approved = await call('POST', `${base}/approve`, { as: 'center.admin', headers: { 'if-match': submitted.etag } });
    const published = await call('POST', `${base}/publish`, { as: 'admin.amr', headers: { 'if-match': approved.etag } });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });

  const apply = async () => {
    const res = await call('POST', '/cases', { as: 'zhang.san', body: { itemCode: code, materials: materialsOf(food.code) } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res;
  };

  it('accept refused until settled; waiting to pay the applicant may withdraw; the charge expiring unpaid terminates the case (the item\'s default)', async () => {
    const sub = await apply();
    const caseNo = sub.body.caseNo as string;
    expect(sub.body.payment).toEqual({ stage: 'before_acceptance', status: 'due', onUnpaidExpiry: 'terminate' });
    const clerkView = await read(caseNo, 'clerk.amr');
    expect(clerkView.body.nextActions).toEqual(['refuse', 'requestSupplement', 'withdraw']);
    const refused = await act(caseNo, 'accept', 'clerk.amr', sub.etag, undefined, 409);
    expect(refused.body.type).toBe(typeOf('payment-outstanding'));

    const id = chargeId();
    await publish('ChargeIssued', { caseNo, chargeId: id, stage: 'before_acceptance', dueFen: 1000, payBy: '2026-12-31' });
    const waiting = await inState(caseNo, 'zhang.san', 'to_pay');
    expect(waiting.body.nextActions).toEqual(['withdraw']);
    expect(waiting.body.clock.startedAt).toBeUndefined();
    const expired = await publish('ChargeExpired', { caseNo, chargeId: id, stage: 'before_acceptance', payBy: '2026-12-31' });
    const ended = await inState(caseNo, 'clerk.amr', 'terminated');
    expect(ended.body).toMatchObject({ termination: { reason: 'charge_unpaid' }, payment: { status: 'expired', chargeId: id }, nextActions: [] });
    expect(ended.body.endedAt).toBeDefined();
    await redeliver('ChargeExpired', expired, caseNo, 'clerk.amr');
    const timeline = await timelineOf(caseNo, 'clerk.amr');
    expect(timeline.slice(-2).map((e) => [e.type, e.from, e.to, e.actor.role])).toEqual([
      ['PaymentRequired', 'submitted', 'to_pay', 'system'],
      ['CasePaymentTimedOut', 'to_pay', 'terminated', 'system'],
    ]);
    expect(timeline.at(-1)!.details).toMatchObject({ reason: 'charge_unpaid', payBy: '2026-12-31' });
    expect((await smsAbout(caseNo, '终止')).message).toBe(`【政务服务中心】办件${caseNo}因逾期未缴费已终止，如需办理请重新申请。`);
  });

  it('settled (waived to nothing): back to submitted, then accepted with the clock starting at acceptance', async () => {
    const sub = await apply();
    const caseNo = sub.body.caseNo as string;
    const id = chargeId();
    await publish('ChargeIssued', { caseNo, chargeId: id, stage: 'before_acceptance', dueFen: 1000, payBy: '2026-12-31' });
    await inState(caseNo, 'clerk.amr', 'to_pay');
    await publish('ChargeSettled', { caseNo, chargeId: id, stage: 'before_acceptance', how: 'waived' });
    const back = await inState(caseNo, 'clerk.amr', 'submitted');
    expect(back.body.payment).toMatchObject({ status: 'settled', how: 'waived' });
    expect(back.body.nextActions).toEqual(['accept', 'refuse', 'requestSupplement', 'withdraw']);
    const accepted = await act(caseNo, 'accept', 'clerk.amr', back.etag);
    expect(accepted.body.clock.startedAt).toBe(accepted.body.acceptedAt);
  });
});
