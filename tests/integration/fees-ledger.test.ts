/**
 * The fees store against the local cloud's DynamoDB: a charge's ledger is
 * append-only, and a payment notification is recorded exactly once — repeated
 * one after another, raced by copies sent at the same moment, late for an
 * expired charge, or for an order nobody created — within three requests;
 * and a refund's confirmation, recorded once by its refund number.
 */
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { db } from '#shared/db';
import type { ChargeState } from '#schemas/api/fees';
import { balanceOf, refundApproval, writeOff, type EntryDraft } from '../../functions/fees/ledger.ts';
import type { ChargeRecord } from '../../functions/fees/lifecycle.ts';
import { recordPaymentNotice, recordRefundNotice } from '../../functions/fees/payments.ts';
import { assessCharge } from '../../functions/fees/rules.ts';
import { chargesOf, writeCharge } from '../../functions/fees/store.ts';
import { demoItems } from '../../local/seed/items.ts';
import { cloud, doc } from './api-client.ts';
import { useLocalTable } from './in-process.ts';

useLocalTable();

const centerId = 'fees-it';
const today = '2026-12-04';
const road = demoItems.find((i) => i.code === '370982-ZJ-XK-004')!.content;

const commands: string[] = [];
db.middlewareStack.add(
  (next, context) => async (args) => {
    commands.push(context.commandName ?? 'unknown');
    return next(args);
  },
  { step: 'initialize', name: 'countFeeRequests' },
);
async function counted<T>(run: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  commands.length = 0;
  const result = await run();
  return { result, commands: [...commands] };
}

/** A charge of the road item on a new case, issued (to_pay) with its provider order: 360 m²·日 of occupation, 36 000 fen. */
async function issuedCharge(state: ChargeState = 'to_pay') {
  const caseNo = `SF-${ulid()}`;
  const chargeId = ulid();
  const outTradeNo = ulid();
  const assessed = assessCharge(road.fees, [{ feeId: 'occupation', quantity: 360 }]);
  if (!assessed.ok) throw new Error('assessment failed');
  const record: ChargeRecord = {
    chargeId, caseNo, centerId, item: { code: '370982-ZJ-XK-004', version: 1, departmentId: road.departmentId }, state, currency: 'CNY',
    lines: [...assessed.lines], grossFen: assessed.grossFen, assessedBy: 'clerk-1', assessedAt: '2026-12-04T02:00:00.000Z', payBy: '2026-12-24', version: 1,
  };
  const entries: EntryDraft[] = [{ chargeId, type: 'charge', amountFen: assessed.grossFen, at: record.assessedAt, by: 'clerk-1' }];
  if (state === 'expired') entries.push(...writeOff(chargeId, entries, 'system', '2026-12-25T00:00:00.000Z', 'unpaid after the last day to pay'));
  expect(await writeCharge({ next: record, entries, order: { outTradeNo } })).toMatchObject({ kind: 'written' });
  return { caseNo, chargeId, outTradeNo };
}

/** Every item of the case's fees partition, as stored. */
async function partition(caseNo: string) {
  const out = await doc.send(new QueryCommand({ TableName: cloud.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `CENTER#${centerId}#FEES#${caseNo}` }, ConsistentRead: true }));
  return out.Items ?? [];
}
const ledgerItems = async (caseNo: string) => (await partition(caseNo)).filter((i) => String(i.SK).startsWith('LEDGER#'));

const notice = (outTradeNo: string, transactionId: string, amountFen = 36_000) => ({ transactionId, outTradeNo, amountFen, paidAt: '2026-12-04T03:00:00.000Z' });

describe('a payment notification, exactly once', () => {
  it('settles the charge in 3 requests; a repeat writes nothing, in 2', async () => {
    const { caseNo, chargeId, outTradeNo } = await issuedCharge();
    const first = await counted(() => recordPaymentNotice(notice(outTradeNo, 'wx-1'), today));
    expect(first.result).toEqual({ kind: 'recorded', settled: true, refundDueFen: 0 });
    expect(first.commands).toEqual(['GetItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);

    const before = await partition(caseNo);
    const repeat = await counted(() => recordPaymentNotice(notice(outTradeNo, 'wx-1'), today));
    expect(repeat.result).toEqual({ kind: 'duplicate' });
    expect(repeat.commands).toEqual(['GetItemCommand', 'QueryCommand']);
    expect(await partition(caseNo)).toEqual(before);

    const charge = (await chargesOf(centerId, caseNo)).get(chargeId)!;
    expect(charge.record).toMatchObject({ state: 'paid', version: 2 });
    expect(charge.entries.map((e) => [e.type, e.amountFen, e.transactionId])).toEqual([['charge', 36_000, undefined], ['payment', 36_000, 'wx-1']]);
    expect(balanceOf(charge.entries)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 36_000, refundedFen: 0, revenueFen: 36_000 });
    // The day's reconciliation finds what the provider took on its statement's day (China time: 11:00 on 4 December).
    const ledger = await ledgerItems(caseNo);
    expect(ledger.map((i) => [i.type, i.GSI1PK, String(i.GSI1SK ?? '').split('#')[0]])).toEqual([
      ['charge', undefined, ''],
      ['payment', `CENTER#${centerId}#FEES#DAY#2026-12-04`, 'wx-1'],
    ]);
  });

  it('copies raced at the same moment: one is recorded, the rest are duplicates, the money counted once', async () => {
    const { caseNo, chargeId, outTradeNo } = await issuedCharge();
    const results = await Promise.all(Array.from({ length: 6 }, () => recordPaymentNotice(notice(outTradeNo, 'wx-race'), today)));
    expect(results.filter((r) => r.kind === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(5);
    const charge = (await chargesOf(centerId, caseNo)).get(chargeId)!;
    expect(balanceOf(charge.entries)).toMatchObject({ dueFen: 0, receivedFen: 36_000 });
    expect((await partition(caseNo)).filter((i) => String(i.SK).startsWith('TXN#')).map((i) => i.SK)).toEqual(['TXN#wx-race']);
  });

  it('a second transaction, and a late payment for an expired charge, are recorded to go back, never lost', async () => {
    const paid = await issuedCharge();
    await recordPaymentNotice(notice(paid.outTradeNo, 'wx-a'), today);
    expect(await recordPaymentNotice(notice(paid.outTradeNo, 'wx-b'), today)).toEqual({ kind: 'recorded', settled: false, refundDueFen: 36_000 });
    expect(balanceOf((await chargesOf(centerId, paid.caseNo)).get(paid.chargeId)!.entries)).toMatchObject({ dueFen: 0, toRefundFen: 36_000, receivedFen: 72_000, revenueFen: 36_000 });

    const expired = await issuedCharge('expired');
    expect(await recordPaymentNotice(notice(expired.outTradeNo, 'wx-late'), today)).toEqual({ kind: 'recorded', settled: false, refundDueFen: 36_000 });
    const charge = (await chargesOf(centerId, expired.caseNo)).get(expired.chargeId)!;
    expect(charge.record.state).toBe('expired');
    expect(charge.entries.map((e) => e.type)).toEqual(['charge', 'write_off', 'unapplied_payment']);
  });

  it('an order nobody created: nothing written', async () => {
    const res = await counted(() => recordPaymentNotice(notice(ulid(), 'wx-unknown'), today));
    expect(res).toEqual({ result: { kind: 'unknown_order' }, commands: ['GetItemCommand'] });
  });
});

describe('the ledger is append-only', () => {
  it('entries once written never change; a write from a stale read is refused whole', async () => {
    const { caseNo, chargeId, outTradeNo } = await issuedCharge();
    const first = await ledgerItems(caseNo);
    await recordPaymentNotice(notice(outTradeNo, 'wx-2', 20_000), today);
    await recordPaymentNotice(notice(outTradeNo, 'wx-3', 20_000), today);
    const later = await ledgerItems(caseNo);
    expect(later.slice(0, first.length)).toEqual(first);
    expect(later.map((i) => i.type)).toEqual(['charge', 'payment', 'payment', 'unapplied_payment']);

    const { record } = (await chargesOf(centerId, caseNo)).get(chargeId)!;
    const stale = await writeCharge({ next: { ...record, version: 2 }, readVersion: 1, entries: [{ chargeId, type: 'write_off', amountFen: 1, at: '2026-12-05T00:00:00.000Z', by: 'system' }] });
    expect(stale).toEqual({ kind: 'stale' });
    expect(await ledgerItems(caseNo)).toEqual(later);
  });
});

describe('a refund confirmation, exactly once', () => {
  it('records the refund once, the charge refunded, the money held and kept adding up', async () => {
    const { caseNo, chargeId, outTradeNo } = await issuedCharge();
    await recordPaymentNotice(notice(outTradeNo, 'wx-r'), today);
    const paid = (await chargesOf(centerId, caseNo)).get(chargeId)!;
    // approveRefund, as its route will write it: the refund open, the revenue it reverses entered.
    const refund = { outRefundNo: ulid(), amountFen: 10_000, reason: '核减占用面积', requestedBy: 'clerk-1', requestedAt: '2026-12-05T01:00:00.000Z', approvedBy: 'head-1', approvedAt: '2026-12-05T02:00:00.000Z', returnTo: 'paid' as const };
    expect(await writeCharge({
      next: { ...paid.record, state: 'refunding', refund, version: paid.record.version + 1 }, readVersion: paid.record.version,
      entries: refundApproval(chargeId, paid.entries, refund, 'head-1', refund.approvedAt),
    })).toMatchObject({ kind: 'written' });

    const confirmation = { outTradeNo, outRefundNo: refund.outRefundNo, refundId: 'wx-refund-1', amountFen: 10_000, refundedAt: '2026-12-05T02:01:00.000Z' };
    const results = await Promise.all([recordRefundNotice(confirmation, today), recordRefundNotice(confirmation, today), recordRefundNotice(confirmation, today)]);
    expect(results.filter((r) => r.kind === 'recorded')).toEqual([{ kind: 'recorded', completed: true }]);
    expect(await recordRefundNotice(confirmation, today)).toEqual({ kind: 'duplicate' });
    expect(await recordRefundNotice({ ...confirmation, outRefundNo: 'R-unknown' }, today)).toMatchObject({ kind: 'refused' });

    const charge = (await chargesOf(centerId, caseNo)).get(chargeId)!;
    expect(charge.record.state).toBe('refunded');
    expect(charge.entries.map((e) => e.type)).toEqual(['charge', 'payment', 'refund_approved', 'refund']);
    expect(balanceOf(charge.entries)).toEqual({ dueFen: 0, toRefundFen: 0, receivedFen: 36_000, refundedFen: 10_000, revenueFen: 26_000 });
  });
});
