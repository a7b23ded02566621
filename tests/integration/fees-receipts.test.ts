/**
 * The fees domain's documents through the local cloud (decision 109): a road
 * charge issued for payment gets its payment notice (缴款通知书) with the
 * payment code; paid on the provider simulator's cashier, its electronic
 * receipt (电子票据), signed like every document, numbered, with a check code
 * anyone can verify without learning who paid; refunded in full (asked by a
 * clerk, approved by an approver, made by the provider), the same check says
 * so (冲红).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, until } from './api-client.ts';
import { issuedRoadCharge, payAtCashier } from './fees-client.ts';
import { documentsOf, pdfText } from './documents-client.ts';


async function documentText(caseNo: string, kind: string) {
  const doc = await until(`the ${kind} of ${caseNo}`, async () => (await documentsOf(caseNo, 'zhang.san')).find((d) => d.kind === kind), 40_000);
  const link = await call('GET', `/cases/${caseNo}/documents/${doc.documentId}/download`, { as: 'zhang.san' });
  expect(link.status, JSON.stringify(link.body)).toBe(200);
  const bytes = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
  return { bytes, text: await pdfText(bytes) };
}

const check = (receiptNo: string, checkCode: string) => call('GET', `/public/receipts/${receiptNo}?checkCode=${checkCode}`, { headers: { 'accept-language': 'en' } });

describe('the payment notice and the electronic receipt of a charge', () => {
  it('notice on issue; receipt on payment, checked by number and code, without the payer; refunded, the check says so', async () => {
    const { caseNo, chargeId, issued } = await issuedRoadCharge();

    // The notice: the fees with their basis, what is due, the last day, the payment code.
    const notice = await documentText(caseNo, 'payment_notice');
    expect(notice.text).toContain('缴款通知书');
    expect(notice.text).toContain(caseNo);
    expect(notice.text).toContain('710.00 元');
    expect(notice.text).toContain(chargeId);
    const [y, m, d] = (issued.body.payBy as string).split('-').map(Number);
    expect(notice.text).toContain(`${y}年${m}月${d}日`);

    // Paid: the receipt, signed, with its number and check code.
    await payAtCashier(issued.body.payment.payUrl);
    const receipt = await documentText(caseNo, 'fee_receipt');
    expect(receipt.text).toContain('政务服务收费电子票据');
    expect(receipt.text).toContain('710.00 元');
    const receiptNo = /票据号码：(\d{8}-[0-9A-Z]{10})/.exec(receipt.text)?.[1];
    const checkCode = /校验码：(\d{6})/.exec(receipt.text)?.[1];
    expect(receiptNo, receipt.text).toBeDefined();
    expect(checkCode, receipt.text).toBeDefined();
    const path = join(mkdtempSync(join(tmpdir(), 'onestop-receipt-')), 'receipt.pdf');
    writeFileSync(path, receipt.bytes);
    expect(execFileSync('pdfsig', [path], { encoding: 'utf8' })).toContain('Signature Validation: Signature is Valid.');
    console.log(`receipt ${receiptNo}, check code ${checkCode}; pdftotext-like text:\n${receipt.text.slice(0, 400)}`);

    const checked = await check(receiptNo!, checkCode!);
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body).toMatchObject({ receiptNo, status: 'valid', amountFen: 71_000, refundedFen: 0, itemName: expect.any(String), departmentName: expect.any(String) });
    expect(JSON.stringify(checked.body)).not.toMatch(/张三|zhang/);
    const wrong = checkCode === '000000' ? '000001' : '000000';
    const refused = await check(receiptNo!, wrong);
    expect(refused.status).toBe(404);
    expect((await check(`${receiptNo!.slice(0, 9)}ZZZZZZZZZZ`, checkCode!)).body).toEqual({ ...refused.body, instance: expect.any(String), traceId: expect.any(String) });

    // Refunded in full: asked by a clerk, approved by an approver, made by the provider.
    const paidCharge = await until('the charge paid', async () => {
      const c = (await call('GET', `/cases/${caseNo}/charges`, { as: 'clerk.housing' })).body.items.find((x: { chargeId: string }) => x.chargeId === chargeId);
      return c?.state === 'paid' ? c : undefined;
    });
    const asked = await call('POST', `/cases/${caseNo}/charges/${chargeId}/requestRefund`, { as: 'clerk.housing', headers: { 'if-match': `"${paidCharge.version}"` }, body: { amountFen: 71_000, reason: '申请人撤回，退还已缴费用' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    const decided = await call('POST', `/cases/${caseNo}/charges/${chargeId}/approveRefund`, { as: 'approver.housing', headers: { 'if-match': asked.etag } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const after = await until('the check to show the refund', async () => {
      const res = await check(receiptNo!, checkCode!);
      return res.body.status === 'refunded' ? res : undefined;
    });
    expect(after.body).toMatchObject({ status: 'refunded', amountFen: 71_000, refundedFen: 71_000 });
  });
});
