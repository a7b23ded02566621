/**
 * The written decisions (行政许可法 art. 38): 准予行政许可决定书 for a grant,
 * 不予行政许可决定书 for a denial with its reasons, each with the legal basis
 * of the item and the remedies with the bodies that hear them; and, for an
 * escalated item (上报件), the 转报结果告知书 that tells the applicant what the
 * upper authority decided, in that authority's name, never as the county's
 * own decision. Pure, on the notices' layout (render.ts).
 */
import { chineseDate } from './text.ts';
import { DEFAULT_CERTIFICATE_TITLE, fields, notice, remediesParagraph, type NoticeHeader, type Remedies } from './render.ts';
import type { PdfWriter } from './writer.ts';

/** One provision of the item version's legal basis (设定依据). */
export type LegalBasisRef = { title: string; article?: string };

type Decided = NoticeHeader & {
  /** YYYY-MM-DD. */
  receivedOn: string;
  /** Absent for a case decided without a recorded acceptance (none today; the sentence is left out rather than guessed). */
  acceptedOn?: string;
  legalBasis: LegalBasisRef[];
  remedies?: Remedies;
};

export type GrantDecision = Decided & {
  /** The certificate issued with the grant, for an item whose result is one. */
  certificate?: { title?: string; certificateNo: string; validUntil?: string };
};

export type DenialDecision = Decided & { reasons: string[] };

/** What the upper authority decided, as recorded with the case's return; the fields it left unrecorded are printed as such. */
export type ForwardingNotice = NoticeHeader & {
  receivedOn: string;
  authority?: string;
  documentNo?: string;
  decidedOn?: string;
  outcome: 'granted' | 'denied';
  certificateNo?: string;
};

const UPPER_AUTHORITY = '上级行政机关';
const AS_ITS_DECISION = '以上级机关决定书为准';

function applied(w: PdfWriter, d: Decided): void {
  const accepted = d.acceptedOn ? `，${d.departmentName}已于${chineseDate(d.acceptedOn)}依法受理` : '';
  w.paragraph(`你（单位）于${chineseDate(d.receivedOn)}提出的“${d.itemName}”申请${accepted}。`);
}

function basis(w: PdfWriter, legalBasis: LegalBasisRef[]): void {
  legalBasis.forEach((b, i) => w.hanging(`${i + 1}. `, `${b.title}${b.article ?? ''}`, { indent: 24 }));
}

function assertBasis(d: Decided): void {
  if (d.legalBasis.length === 0) throw new RangeError('A decision states its legal basis.');
}

export async function renderGrantDecision(font: Uint8Array, d: GrantDecision): Promise<Uint8Array> {
  assertBasis(d);
  return notice(font, d, '准予行政许可决定书', (w) => {
    applied(w, d);
    w.paragraph(`经审查，你（单位）的申请符合法定条件、标准。依据下列规定，${d.departmentName}决定准予行政许可：`);
    basis(w, d.legalBasis);
    const c = d.certificate;
    if (c) {
      w.paragraph(`本机关同时向你（单位）颁发${c.title ?? DEFAULT_CERTIFICATE_TITLE}（证书编号：${c.certificateNo}，有效期至：${c.validUntil ? chineseDate(c.validUntil) : '长期有效'}）。`);
    }
    remediesParagraph(w, d.remedies, '本决定书');
  });
}

export async function renderDenialDecision(font: Uint8Array, d: DenialDecision): Promise<Uint8Array> {
  assertBasis(d);
  if (d.reasons.length === 0) throw new RangeError('A denial states its reasons.');
  return notice(font, d, '不予行政许可决定书', (w) => {
    applied(w, d);
    w.paragraph(`经审查，${d.departmentName}决定不予行政许可，理由如下：`);
    d.reasons.forEach((reason, i) => w.hanging(`${i + 1}. `, reason, { indent: 24 }));
    w.paragraph('本决定的依据：');
    basis(w, d.legalBasis);
    remediesParagraph(w, d.remedies, '本决定书');
  });
}

export async function renderForwardingNotice(font: Uint8Array, d: ForwardingNotice): Promise<Uint8Array> {
  const authority = d.authority ?? UPPER_AUTHORITY;
  return notice(font, d, '转报结果告知书', (w) => {
    w.paragraph(`你（单位）于${chineseDate(d.receivedOn)}提出的“${d.itemName}”申请，依法由${authority}作出决定，${d.departmentName}已将申请转报${authority}。现将${authority}的决定告知如下：`);
    w.gap(4);
    fields(w, [
      ['决定机关', authority],
      ['决定文号', d.documentNo ?? AS_ITS_DECISION],
      ['决定日期', d.decidedOn ? chineseDate(d.decidedOn) : AS_ITS_DECISION],
      ['决定结果', d.outcome === 'granted' ? '准予行政许可' : '不予行政许可'],
      ...(d.certificateNo ? [['许可证件编号', d.certificateNo] as [string, string]] : []),
    ]);
    if (d.outcome === 'granted') w.paragraph(`许可证件由${authority}以其名义颁发${d.certificateNo ? '，编号见上' : ''}。`);
    w.paragraph(`本告知书仅告知上述决定，不是本机关的行政许可决定；决定的内容、理由和依据以${authority}的决定书为准。对该决定不服的，可以依照该决定书的告知依法申请行政复议或者提起行政诉讼。`);
  });
}
