/**
 * The fees domain's documents as PDF: the payment notice (缴款通知书) of a
 * charge issued for payment, and the electronic receipt (电子票据) of a
 * payment taken. Pure functions of the font bytes and the data, like the
 * notices (render.ts). Fees are charged by published items and rates and go
 * whole to the treasury (行政许可法 art. 59, 收支两条线): each document says so.
 */
import { fields, notice, type NoticeHeader } from './render.ts';
import type { Seal } from './seal.ts';
import { chineseDate } from './text.ts';
import { PdfWriter } from './writer.ts';

/** Integer fen as yuan, the way receipts print it: 1200.00 元. */
export const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

export type FeeLine = { name: string; basis: string; quantity: number; unit: string; amountFen: number };

export type PaymentNotice = NoticeHeader & {
  lines: FeeLine[];
  grossFen: number;
  /** An approved waiver (减免): its category's name and what it takes off. */
  waiver?: { category: string; amountFen: number };
  dueFen: number;
  /** YYYY-MM-DD: the last day to pay. */
  payBy: string;
  /** The payment code (缴款码): the order number the provider takes the payment under. */
  paymentCode: string;
};

const TREASURY = '上述费用依照公布的收费项目和标准收取，收入全额缴入国库（《中华人民共和国行政许可法》第五十九条）。';

export async function renderPaymentNotice(font: Uint8Array, d: PaymentNotice): Promise<Uint8Array> {
  if (d.lines.length === 0) throw new RangeError('A payment notice lists at least one fee.');
  return notice(font, d, '缴款通知书', (w) => {
    w.paragraph(`你（单位）申请的“${d.itemName}”应缴纳下列费用：`);
    w.table(
      [{ header: '序号', share: 1, align: 'center' }, { header: '收费项目', share: 3.4 }, { header: '收费依据', share: 3.6 }, { header: '数量', share: 1.6, align: 'center' }, { header: '金额', share: 2, align: 'center' }],
      d.lines.map((l, i) => [String(i + 1), l.name, l.basis, `${l.quantity} ${l.unit}`, yuan(l.amountFen)]),
    );
    w.gap(4);
    fields(w, [
      ['合计', yuan(d.grossFen)],
      ...(d.waiver ? [['减免', `${d.waiver.category}：${yuan(d.waiver.amountFen)}`] as [string, string]] : []),
      ['应缴金额', yuan(d.dueFen)],
      ['缴款码', d.paymentCode],
      ['缴款期限', `${chineseDate(d.payBy)}前`],
    ]);
    w.paragraph(`请于缴款期限前凭缴款码通过本中心网上缴费或到收费窗口缴纳。逾期未缴纳的，本缴款通知书失效，办件按该事项的规定处理。${TREASURY}`);
  });
}

export type FeeReceipt = {
  receiptNo: string;
  checkCode: string;
  payerName: string;
  itemName: string;
  caseNo: string;
  departmentName: string;
  centerName: string;
  lines: FeeLine[];
  amountFen: number;
  /** YYYY-MM-DD (China): the day paid. */
  paidOn: string;
  /** The provider's transaction id. */
  transactionId: string;
  /** ISO instant: the PDF's creation date. */
  issuedAt: string;
  /** Where anyone checks the receipt (GET /public/receipts/{no}?checkCode=). */
  verifyUrl: string;
};

/** A receipt acknowledges money received for the department: its finance seal (财务专用章). */
const financeSeal = (departmentName: string): Seal => ({ agency: departmentName, purpose: '财务专用章' });

export async function renderFeeReceipt(font: Uint8Array, d: FeeReceipt): Promise<Uint8Array> {
  const w = await PdfWriter.open(font, {
    title: `政务服务收费电子票据 ${d.receiptNo}`,
    subject: d.itemName,
    author: d.departmentName,
    keywords: [d.receiptNo, d.caseNo],
    createdAt: new Date(d.issuedAt),
  });
  w.centered(d.centerName, 15);
  w.gap(2);
  w.centered('政务服务收费电子票据', 22);
  w.right([`票据号码：${d.receiptNo}`, `校验码：${d.checkCode}`], 11);
  w.gap(8);
  fields(w, [
    ['交款人', d.payerName],
    ['收款单位', d.departmentName],
    ['事项名称', d.itemName],
    ['办件编号', d.caseNo],
    ['交款日期', chineseDate(d.paidOn)],
    ['支付交易号', d.transactionId],
  ]);
  w.gap(4);
  w.table(
    [{ header: '序号', share: 1, align: 'center' }, { header: '收费项目', share: 4.6 }, { header: '数量', share: 2, align: 'center' }, { header: '金额', share: 2.4, align: 'center' }],
    d.lines.map((l, i) => [String(i + 1), l.name, `${l.quantity} ${l.unit}`, yuan(l.amountFen)]),
  );
  fields(w, [['实收金额', yuan(d.amountFen)]]);
  w.paragraph(TREASURY);
  w.gap(24);
  w.issuer([d.departmentName, chineseDate(d.paidOn)], financeSeal(d.departmentName));
  w.gap(16);
  w.paragraph(`任何人可凭票据号码和校验码核验本票据的真实性和退费状态：${d.verifyUrl}`, 10);
  return w.finish(`出具政务服务收费电子票据（票据号码 ${d.receiptNo}）`);
}
