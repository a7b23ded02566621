/**
 * The center's documents as PDF: pure functions of the font bytes and the
 * document's data, the same input giving the same bytes (a retried write
 * stores an identical object). Wording follows the Administrative Licensing
 * Law (行政许可法 art. 32: accept, refuse, or ask for everything missing at
 * once) and the remedies of the Administrative Reconsideration Law (60 days)
 * and the Administrative Litigation Law (6 months). The decisions (art. 38)
 * are decision.ts's, on the same layout.
 */
import type { Seal } from './seal.ts';
import { chinaDateOf, chinaTimeOf, chineseDate } from './text.ts';
import { PdfWriter } from './writer.ts';

/** What every notice to an applicant carries. */
export type NoticeHeader = {
  centerName: string;
  departmentName: string;
  itemName: string;
  caseNo: string;
  applicantName: string;
  /** ISO instant: the notice's date (in China) and the PDF's creation date. */
  issuedAt: string;
};

export type MaterialForm = 'original' | 'copy' | 'electronic';

export type AcceptanceReceipt = NoticeHeader & {
  /** Dates are YYYY-MM-DD. */
  receivedOn: string;
  acceptedOn: string;
  /** Absent for a case whose end date is not known in advance (e.g. suspended steps to come). */
  promisedDue?: string;
  statutoryDue?: string;
  /** The dates were counted on a provisional calendar year (暂定): the receipt says so. */
  provisional?: boolean;
  /** The materials received. */
  materials: { name: string; form: MaterialForm; count: number }[];
  /** 容缺受理: the pledged materials (listed apart from those received), their deadline and the applicant's consent. */
  tolerance?: Tolerance;
  /** The query code (查询码) for the public progress lookup; absent on a receipt of an acceptance from before codes were derived. */
  queryCode?: string;
};

export type Tolerance = {
  /** YYYY-MM-DD: the last day to hand in the pledged materials. */
  due: string;
  pledged: { name: string; detail: string }[];
  /** How and when the applicant signed the pledge (承诺书). */
  consent: { channel: 'window' | 'online'; at: string };
};

/** Where an applicant who disputes an act of the agency turns (the item's setting); absent: DEFAULT_REMEDIES. */
export type Remedies = { reconsiderationBody: string; court: string };

/**
 * Since the 2023 Administrative Reconsideration Law (art. 24) a county
 * department's acts are reconsidered by the county's people's government, and
 * a first-instance suit goes to the basic court where the agency sits
 * (Administrative Litigation Law arts. 14, 18): true of every county agency,
 * so an item that names no bodies is still told correctly.
 */
export const DEFAULT_REMEDIES: Remedies = { reconsiderationBody: '本级人民政府', court: '本机关所在地的基层人民法院' };

/** Why an application is not accepted (art. 32 para. 1): (1) no licence is needed, (2) another agency's matter, or other grounds. */
export type RefusalGround = 'not_subject_to_licensing' | 'outside_powers' | 'other';

export type RefusalNotice = NoticeHeader & {
  reasons: string[];
  /** Absent: other grounds. */
  ground?: RefusalGround;
  /** The agency to apply to instead, when the matter is not this department's (art. 32 para. 1 (2)). */
  competentAgency?: string;
  remedies?: Remedies;
};

export type SupplementNotice = NoticeHeader & {
  /** Every missing or incorrect material, all at once (一次性告知). */
  materials: { name: string; reason: string }[];
  noticeOn: string;
};

export type Certificate = {
  /** The certificate's own name, e.g. 食品经营许可证; 批准证书 when absent. */
  title?: string;
  certificateNo: string;
  holderName: string;
  itemName: string;
  departmentName: string;
  centerName: string;
  caseNo: string;
  issuedOn: string;
  /** Absent: valid without a time limit. */
  validUntil?: string;
  /** Where anyone checks the certificate (GET /public/certificates/{no}). */
  verifyUrl: string;
};

const formLabel: Record<MaterialForm, string> = { original: '原件', copy: '复印件', electronic: '电子件' };
/** Each document here is an act of administrative licensing, sealed with the deciding agency's seal for that purpose. */
export const sealOf = (departmentName: string): Seal => ({ agency: departmentName, purpose: '行政审批专用章' });
const ONLY_AFTER_HANDLING = '以办理结果为准';

export async function renderAcceptanceReceipt(font: Uint8Array, d: AcceptanceReceipt): Promise<Uint8Array> {
  const t = d.tolerance;
  return notice(font, d, t ? '受理通知书（容缺受理）' : '受理通知书', (w) => {
    w.paragraph(t
      ? `你（单位）于${chineseDate(d.receivedOn)}提交的“${d.itemName}”申请，经审查，基本条件具备、主要申请材料齐全，下列次要材料尚有欠缺，你（单位）已签署容缺受理承诺书，承诺在规定期限内补齐。${d.departmentName}决定予以容缺受理。`
      : `你（单位）于${chineseDate(d.receivedOn)}提交的“${d.itemName}”申请，经审查，申请材料齐全、符合法定形式，${d.departmentName}决定予以受理。`);
    w.gap(4);
    fields(w, [
      ['受理部门', d.departmentName],
      ['受理日期', chineseDate(d.acceptedOn)],
      ...(t ? [['容缺材料补齐期限', chineseDate(t.due)] as [string, string]] : []),
      ['承诺办结日期', d.promisedDue ? chineseDate(d.promisedDue) : ONLY_AFTER_HANDLING],
      ['法定办结日期', d.statutoryDue ? chineseDate(d.statutoryDue) : ONLY_AFTER_HANDLING],
      ...(d.queryCode ? [['查询码', d.queryCode] as [string, string]] : []),
    ]);
    if (d.provisional) {
      w.paragraph('上述办结日期为暂定日期：所跨年度的节假日安排尚未公布，暂按周末和法定节假日推算；安排公布后将重新计算，日期如有变动，将另行告知。');
    }
    w.gap(4);
    w.hanging('', '收取的申请材料：');
    w.table(
      [{ header: '序号', share: 1, align: 'center' }, { header: '材料名称', share: 7 }, { header: '形式', share: 1.6, align: 'center' }, { header: '份数', share: 1.2, align: 'center' }],
      d.materials.map((m, i) => [String(i + 1), m.name, formLabel[m.form], String(m.count)]),
    );
    if (t) {
      w.gap(4);
      w.hanging('', '容缺（承诺后补）的材料：');
      w.table([{ header: '序号', share: 1, align: 'center' }, { header: '材料名称', share: 5 }, { header: '补齐要求', share: 4.8 }], t.pledged.map((m, i) => [String(i + 1), m.name, m.detail]));
      w.paragraph(`请于${chineseDate(t.due)}前补齐上述容缺材料。补齐前不作出许可决定；逾期未补齐的，依承诺终止办理。`);
    }
    w.paragraph(d.queryCode
      ? `办理进度查询：请凭办件编号和上列查询码，在本中心办件公开查询页面查询办理进度。查询码请妥善保管，勿告知他人；遗失的，可登录后在本人办件页面或到受理窗口补发，原查询码随即失效。`
      : '办理进度查询：请凭本通知书上的办件编号和受理窗口告知的查询码，在本中心办件公开查询页面查询办理进度。查询码不在本通知书上载明，请妥善保管。');
  }, t ? (w) => pledgeAnnex(w, d, t) : undefined);
}

/** The pledge (承诺书) the applicant signed or confirmed, stored with the receipt as its annex. */
function pledgeAnnex(w: PdfWriter, d: AcceptanceReceipt, t: Tolerance): void {
  w.pageBreak();
  w.centered('容缺受理承诺书', 20);
  w.gap(8);
  w.paragraph(`本人（单位）${d.applicantName}申请办理“${d.itemName}”（办件编号 ${d.caseNo}），下列申请材料暂缺：`);
  t.pledged.forEach((m, i) => w.hanging(`${i + 1}. `, `${m.name}（${m.detail}）`, { indent: 24 }));
  w.paragraph(`本人（单位）承诺于${chineseDate(t.due)}前补齐上述材料，并对已提交和将补交材料的真实性负责；逾期未补齐的，同意终止办理，由此产生的后果由本人（单位）承担。`);
  w.gap(8);
  fields(w, [
    ['承诺人', d.applicantName],
    ['确认方式', t.consent.channel === 'window' ? '窗口签字' : '网上确认'],
    ['确认时间', `${chineseDate(chinaDateOf(t.consent.at))} ${chinaTimeOf(t.consent.at)}`],
  ]);
}

const ART_32 = '《中华人民共和国行政许可法》第三十二条第一款';

export async function renderRefusalNotice(font: Uint8Array, d: RefusalNotice): Promise<Uint8Array> {
  if (d.reasons.length === 0) throw new RangeError('A refusal states its reasons.');
  if (d.ground === 'outside_powers' && !d.competentAgency) throw new RangeError('A refusal as outside this agency\'s powers names the competent agency.');
  return notice(font, d, '不予受理通知书', (w) => {
    const applied = `你（单位）提交的“${d.itemName}”申请，经审查，`;
    switch (d.ground) {
      case 'not_subject_to_licensing':
        w.paragraph(`${applied}该申请事项依法不需要取得行政许可。依据${ART_32}第（一）项的规定，${d.departmentName}即时告知你（单位）不予受理，理由如下：`);
        break;
      case 'outside_powers':
        w.paragraph(`${applied}该申请事项依法不属于本机关职权范围。依据${ART_32}第（二）项的规定，${d.departmentName}决定不予受理，理由如下：`);
        break;
      default:
        w.paragraph(`${applied}${d.departmentName}决定不予受理，理由如下：`);
    }
    d.reasons.forEach((reason, i) => w.hanging(`${i + 1}. `, reason, { indent: 24 }));
    if (d.competentAgency) {
      w.paragraph(d.ground === 'outside_powers' ? `请向${d.competentAgency}提出申请。` : `该申请事项依法不属于本机关职权范围，请向${d.competentAgency}提出申请。`);
    }
    remediesParagraph(w, d.remedies, '本通知书');
  });
}

/** The rights to administrative reconsideration (60 days) and to sue (6 months), with the bodies that hear them. */
export function remediesParagraph(w: PdfWriter, remedies: Remedies | undefined, received: '本通知书' | '本决定书'): void {
  const r = remedies ?? DEFAULT_REMEDIES;
  w.paragraph(`如对本决定不服，可以自收到${received}之日起60日内向${r.reconsiderationBody}申请行政复议，或者自收到${received}之日起6个月内向${r.court}提起行政诉讼。`);
}

export async function renderSupplementNotice(font: Uint8Array, d: SupplementNotice): Promise<Uint8Array> {
  if (d.materials.length === 0) throw new RangeError('A supplement notice lists at least one material.');
  return notice(font, d, '补正材料通知书（一次性告知）', (w) => {
    w.paragraph(`你（单位）提交的“${d.itemName}”申请，经审查，申请材料不齐全或者不符合法定形式。依据《中华人民共和国行政许可法》第三十二条的规定，现一次性告知需要补正的全部内容如下：`);
    w.table(
      [{ header: '序号', share: 1, align: 'center' }, { header: '材料名称', share: 4.5 }, { header: '补正要求', share: 5.5 }],
      d.materials.map((m, i) => [String(i + 1), m.name, m.reason]),
    );
    w.paragraph('请按上述要求一次性补正全部材料。补正材料全部提交后，你（单位）的申请将重新接收，受理审查自收到全部补正材料之日起计算。');
    fields(w, [['告知日期', chineseDate(d.noticeOn)]]);
  });
}

/** A certificate's name when the item names none. */
export const DEFAULT_CERTIFICATE_TITLE = '批准证书';

export async function renderCertificate(font: Uint8Array, d: Certificate): Promise<Uint8Array> {
  const title = d.title ?? DEFAULT_CERTIFICATE_TITLE;
  const issuedOn = chineseDate(d.issuedOn);
  const w = await PdfWriter.open(font, {
    title: `${title} ${d.certificateNo}`,
    subject: d.itemName,
    author: d.departmentName,
    keywords: [d.certificateNo, d.caseNo],
    createdAt: new Date(`${d.issuedOn}T00:00:00+08:00`),
    framed: true,
  });
  w.gap(48);
  w.centered(title, 28);
  w.gap(8);
  w.centered(`证书编号：${d.certificateNo}`, 12);
  w.gap(40);
  fields(w, [
    ['持证人', d.holderName],
    ['事项名称', d.itemName],
    ['发证机关', d.departmentName],
    ['办件编号', d.caseNo],
    ['发证日期', issuedOn],
    ['有效期至', d.validUntil ? chineseDate(d.validUntil) : '长期有效'],
  ], 15);
  w.gap(48);
  w.issuer([d.departmentName, issuedOn], sealOf(d.departmentName), 14);
  w.gap(40);
  w.paragraph(`本证书经${d.centerName}办理。任何人可通过以下地址核验本证书的真实性和有效状态：${d.verifyUrl}`, 10);
  return w.finish(`颁发${title}（证书编号 ${d.certificateNo}）`);
}

/** The layout every notice to an applicant shares: head, addressee, body, issuer and date. */
export async function notice(font: Uint8Array, h: NoticeHeader, title: string, body: (w: PdfWriter) => void, annex?: (w: PdfWriter) => void): Promise<Uint8Array> {
  const issuedOn = chinaDateOf(h.issuedAt);
  const w = await PdfWriter.open(font, {
    title: `${title} ${h.caseNo}`,
    subject: h.itemName,
    author: h.departmentName,
    keywords: [h.caseNo],
    createdAt: new Date(h.issuedAt),
  });
  w.centered(h.centerName, 15);
  w.gap(2);
  w.centered(title, 22);
  w.right([`办件编号：${h.caseNo}`], 11);
  w.gap(8);
  w.hanging('', `${h.applicantName}：`);
  body(w);
  w.gap(24);
  w.issuer([h.departmentName, h.centerName, chineseDate(issuedOn)], sealOf(h.departmentName));
  annex?.(w);
  return w.finish(`出具${title}（办件编号 ${h.caseNo}）`);
}

/** Label–value lines with the values lined up. */
export function fields(w: PdfWriter, rows: [label: string, value: string][], size?: number): void {
  const labels = rows.map(([label]) => `${label}：`);
  const labelWidth = Math.max(...labels.map((l) => w.widthOf(l, size)));
  rows.forEach(([, value], i) => w.hanging(labels[i]!, value, { size, labelWidth }));
}
