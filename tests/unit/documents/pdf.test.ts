import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IgnoreMode, IgnoreStrategy } from 'aws-cdk-lib';
import * as fontkit from 'fontkit';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef } from 'pdf-lib';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CJK_FONT_ASSET_EXCLUDE, CJK_FONT_FILE, CJK_FONT_LAMBDA_PATH, cjkFontAssetDir, cjkFontLocalPath } from '../../../functions/documents/pdf/font-asset.ts';
import { loadCjkFont } from '../../../functions/documents/pdf/font.ts';
import { renderDenialDecision, renderForwardingNotice, renderGrantDecision } from '../../../functions/documents/pdf/decision.ts';
import { renderAcceptanceReceipt, renderCertificate, renderRefusalNotice, renderSupplementNotice } from '../../../functions/documents/pdf/render.ts';
import { breakLines, chinaDateOf, chineseDate, drawable } from '../../../functions/documents/pdf/text.ts';
import { certificate, denial, forwarding, grant, longReceipt, receipt, refusal, refusalNotSubject, refusalOutsidePowers, supplement, toleranceReceipt } from './pdf-samples.ts';

const flat = (s: string) => s.replace(/\s+/g, '');

/** The text of each page as pdf.js extracts it, and whatever pdf.js warned about on the way. */
async function extract(bytes: Uint8Array): Promise<{ pages: string[]; warnings: string[] }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    // pdf.js takes ownership of the buffer it is given.
    const task = getDocument({ data: bytes.slice(), verbosity: VerbosityLevel.WARNINGS });
    const doc = await task.promise;
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      // Building the operator list parses the embedded font: a CFF subset it cannot read warns here,
      // a corrupt TrueType one does not (glyphProblems catches that).
      await page.getOperatorList();
      const content = await page.getTextContent();
      pages.push(flat(content.items.map((item) => ('str' in item ? item.str : '')).join('')));
    }
    await task.destroy();
    return { pages, warnings: log.mock.calls.map((args) => args.join(' ')).filter((l) => l.includes('Warning')) };
  } finally {
    log.mockRestore();
  }
}

/**
 * Every glyph the PDF draws, checked against the full font. Each text-showing
 * operator's glyph ids are mapped back to characters (ToUnicode); the font
 * lays that line out again, and glyph by glyph the embedded subset's outline
 * must equal the font's, none of them .notdef. This is what catches a corrupt
 * subset, which still extracts as perfect text.
 */
async function glyphProblems(bytes: Uint8Array, original: fontkit.Font): Promise<{ checked: number; problems: string[] }> {
  const pdf = await PDFDocument.load(bytes);
  const { context } = pdf;
  const decoded = (ref: unknown) => {
    const stream = context.lookup(ref as PDFRef);
    if (!(stream instanceof PDFRawStream)) throw new Error(`not a stream: ${String(ref)}`);
    return decodePDFRawStream(stream).decode();
  };
  const type0 = [...context.enumerateIndirectObjects()].map(([, o]) => o).filter((o): o is PDFDict => o instanceof PDFDict && o.get(PDFName.of('Subtype')) === PDFName.of('Type0'));
  expect(type0).toHaveLength(1);
  const font = type0[0]!;
  const cidFont = context.lookup(context.lookup(font.get(PDFName.of('DescendantFonts')), PDFArray).get(0), PDFDict);
  const descriptor = context.lookup(cidFont.get(PDFName.of('FontDescriptor')), PDFDict);
  const subset = fontkit.create(Buffer.from(decoded(descriptor.get(PDFName.of('FontFile2')))));
  if ('fonts' in subset) throw new Error('a collection');
  const toUnicode = new Map<number, string>();
  for (const [, cid, unicode] of new TextDecoder().decode(decoded(font.get(PDFName.of('ToUnicode')))).matchAll(/<([0-9A-F]{4})> <([0-9A-F]+)>/gi)) {
    toUnicode.set(parseInt(cid!, 16), String.fromCharCode(...unicode!.match(/.{4}/g)!.map((h) => parseInt(h, 16))));
  }
  const problems: string[] = [];
  let checked = 0;
  for (const page of pdf.getPages()) {
    const contents = page.node.Contents();
    const refs = contents instanceof PDFArray ? contents.asArray() : [page.node.get(PDFName.of('Contents'))];
    for (const ref of refs) {
      for (const [, hex] of Buffer.from(decoded(ref)).toString('latin1').matchAll(/<([0-9A-F]*)>\s*Tj/gi)) {
        const cids = (hex!.match(/.{4}/g) ?? []).map((id) => parseInt(id, 16));
        const text = cids.map((cid) => toUnicode.get(cid) ?? '\u{FFFD}').join('');
        const expected = original.layout(text).glyphs;
        if (expected.length !== cids.length) {
          problems.push(`${text}: ${cids.length} glyphs drawn, the font lays out ${expected.length}`);
          continue;
        }
        cids.forEach((cid, i) => {
          checked++;
          if (cid === 0 || expected[i]!.id === 0) problems.push(`${text}: glyph ${i} is .notdef`);
          else if (outline(subset, cid) !== expected[i]!.path.toSVG()) problems.push(`${text}: glyph ${i} differs from the font's outline`);
        });
      }
    }
  }
  return { checked, problems };
}

function outline(font: fontkit.Font, glyphId: number): string {
  try {
    return font.getGlyph(glyphId).path.toSVG();
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}

let font: Uint8Array;
let original: fontkit.Font;

beforeAll(async () => {
  vi.stubEnv('CJK_FONT_PATH', cjkFontLocalPath());
  font = await loadCjkFont();
  const parsed = fontkit.create(Buffer.from(font));
  if ('fonts' in parsed) throw new Error('a collection');
  original = parsed;
});

/** Text extraction and glyph checks every rendered document must pass. */
async function expectSound(bytes: Uint8Array, expected: string[]) {
  const { pages, warnings } = await extract(bytes);
  expect(warnings).toEqual([]);
  const text = pages.join('');
  for (const s of expected) expect(text, s).toContain(flat(s));
  const glyphs = await glyphProblems(bytes, original);
  expect(glyphs.problems).toEqual([]);
  expect(glyphs.checked).toBeGreaterThan(50);
  return pages;
}

describe('PDF documents', () => {
  it('the acceptance receipt carries the case, its dates and every material received', async () => {
    await expectSound(await renderAcceptanceReceipt(font, receipt), [
      '嘉祥县政务服务中心', '受理通知书', '办件编号：370829-20261127-00042', '济宁市嘉和餐饮管理有限公司：',
      '“食品经营许可（新办）”', '嘉祥县市场监督管理局决定予以受理',
      '2026年11月26日', '受理日期：2026年11月27日', '承诺办结日期：2026年12月11日', '法定办结日期：以办理结果为准',
      ...receipt.materials.map((m) => m.name), '原件', '复印件', '电子件',
      '办件编号和受理窗口告知的查询码', '2026年11月27日',
    ]);
  });

  it('the 容缺 receipt says 容缺受理, lists received and pledged materials apart with the deadline, and carries the signed pledge as its annex', async () => {
    const pages = await expectSound(await renderAcceptanceReceipt(font, toleranceReceipt), [
      '受理通知书（容缺受理）', '决定予以容缺受理', '容缺材料补齐期限：2026年11月30日', '承诺办结日期：2026年12月11日',
      '收取的申请材料：', '容缺（承诺后补）的材料：', '3个工作日内补交原件', '请于2026年11月30日前补齐上述容缺材料',
      '容缺受理承诺书', '确认方式：窗口签字', '确认时间：2026年11月27日10:05',
    ]);
    // The annex starts a page of its own.
    const at = pages.findIndex((p) => p.startsWith('容缺受理承诺书'));
    expect(at).toBeGreaterThan(0);
    const first = pages.slice(0, at).join('');
    const annex = pages.slice(at).join('');
    expect(first).not.toContain(flat('申请材料齐全、符合法定形式'));
    // Received before pledged: a pledged material is never among the received.
    const received = first.slice(first.indexOf('收取的申请材料'), first.indexOf('容缺（承诺后补）的材料'));
    for (const m of toleranceReceipt.materials) expect(received).toContain(flat(m.name));
    for (const m of toleranceReceipt.tolerance!.pledged) expect(received).not.toContain(flat(m.name));
    expect(annex).toContain(flat(`本人（单位）${toleranceReceipt.applicantName}申请办理“${toleranceReceipt.itemName}”`));
    expect(annex).toContain(flat(toleranceReceipt.tolerance!.pledged[1]!.name));
    // The plain receipt keeps its wording.
    const [plain] = await expectSound(await renderAcceptanceReceipt(font, receipt), ['申请材料齐全、符合法定形式']);
    expect(plain).not.toContain('容缺');
  });

  it('the refusal notice gives every reason, the competent agency and the remedies', async () => {
    await expectSound(await renderRefusalNotice(font, refusal), [
      '不予受理通知书', refusal.caseNo, ...refusal.reasons.map((r, i) => `${i + 1}.${r}`),
      '请向济宁市卫生健康委员会提出申请', '60日内向本级人民政府申请行政复议', '6个月内向本机关所在地的基层人民法院提起行政诉讼',
    ]);
    await expect(renderRefusalNotice(font, { ...refusal, reasons: [] })).rejects.toThrow(/reasons/);
  });

  it('the refusal notice tells its ground of art. 32 para. 1 and cites its paragraph; outside the agency\'s powers names the competent agency', async () => {
    const [outside] = await expectSound(await renderRefusalNotice(font, refusalOutsidePowers), [
      '该申请事项依法不属于本机关职权范围', '第三十二条第一款第（二）项', '决定不予受理', refusalOutsidePowers.reasons[0]!, '请向济宁市市场监督管理局（药品零售许可）提出申请',
    ]);
    expect(outside).not.toContain('第（一）项');
    const [notSubject] = await expectSound(await renderRefusalNotice(font, refusalNotSubject), [
      '该申请事项依法不需要取得行政许可', '第三十二条第一款第（一）项', '即时告知你（单位）不予受理', refusalNotSubject.reasons[0]!,
      '60日内向嘉祥县人民政府申请行政复议', '6个月内向嘉祥县人民法院提起行政诉讼',
    ]);
    expect(notSubject).not.toContain('第（二）项');
    // Other grounds cite no paragraph.
    const [other] = await expectSound(await renderRefusalNotice(font, { ...refusal, ground: 'other', competentAgency: undefined }), ['决定不予受理，理由如下']);
    expect(other).not.toContain('第三十二条');
    await expect(renderRefusalNotice(font, { ...refusalOutsidePowers, competentAgency: undefined })).rejects.toThrow(/competent agency/);
  });

  it('the grant decision (art. 38): the acceptance, the legal basis, the decision, the certificate it issues, the remedies with the item\'s bodies', async () => {
    await expectSound(await renderGrantDecision(font, grant), [
      '准予行政许可决定书', grant.caseNo, '济宁市嘉和餐饮管理有限公司：', '于2026年11月26日提出的“食品经营许可（新办）”申请',
      '嘉祥县市场监督管理局已于2026年11月27日依法受理', '符合法定条件、标准', '嘉祥县市场监督管理局决定准予行政许可',
      '1.《中华人民共和国食品安全法》第三十五条', '2.《食品经营许可和备案管理办法》第十条',
      '颁发食品经营许可证（证书编号：JY23708290012345，有效期至：2031年12月2日）',
      '自收到本决定书之日起60日内向嘉祥县人民政府申请行政复议', '自收到本决定书之日起6个月内向嘉祥县人民法院提起行政诉讼', '2026年12月3日',
    ]);
    const [plain] = await expectSound(await renderGrantDecision(font, { ...grant, certificate: undefined, remedies: undefined }), ['决定准予行政许可', '60日内向本级人民政府申请行政复议']);
    expect(plain).not.toContain('颁发');
    await expect(renderGrantDecision(font, { ...grant, legalBasis: [] })).rejects.toThrow(/legal basis/);
  });

  it('the denial decision (art. 38): every reason, the legal basis, the rights to reconsideration and litigation and where, by default the county government and the basic court', async () => {
    await expectSound(await renderDenialDecision(font, denial), [
      '不予行政许可决定书', denial.caseNo, '决定不予行政许可，理由如下', ...denial.reasons.map((r, i) => `${i + 1}.${r}`),
      '本决定的依据：', '《中华人民共和国食品安全法》第三十五条',
      '自收到本决定书之日起60日内向本级人民政府申请行政复议', '自收到本决定书之日起6个月内向本机关所在地的基层人民法院提起行政诉讼',
    ]);
    await expect(renderDenialDecision(font, { ...denial, reasons: [] })).rejects.toThrow(/reasons/);
  });

  it('the forwarding notice (转报结果告知书) tells the upper authority\'s decision in its name, never as the county\'s', async () => {
    const [granted] = await expectSound(await renderForwardingNotice(font, forwarding), [
      '转报结果告知书', '依法由山东省卫生健康委员会作出决定', '决定机关：山东省卫生健康委员会', '决定文号：鲁卫放证字〔2026〕18号',
      '决定日期：2026年12月1日', '决定结果：准予行政许可', '许可证件编号：鲁卫放证370000-0018', '由山东省卫生健康委员会以其名义颁发', '不是本机关的行政许可决定',
    ]);
    expect(granted).not.toContain('决定书编号');
    const [unrecorded] = await expectSound(await renderForwardingNotice(font, { ...forwarding, authority: undefined, documentNo: undefined, decidedOn: undefined, certificateNo: undefined, outcome: 'denied' }), [
      '依法由上级行政机关作出决定', '决定文号：以上级机关决定书为准', '决定结果：不予行政许可',
    ]);
    expect(unrecorded).not.toContain('许可证件');
  });

  it('the one-time supplement notice lists every material with its reason, and the fresh start', async () => {
    await expectSound(await renderSupplementNotice(font, supplement), [
      '补正材料通知书（一次性告知）', supplement.caseNo, '第三十二条', '一次性告知',
      ...supplement.materials.flatMap((m) => [m.name, m.reason]),
      '申请将重新接收', '告知日期：2026年11月27日',
    ]);
  });

  it('the certificate prints its number, holder, validity and where to verify it', async () => {
    await expectSound(await renderCertificate(font, certificate), [
      '食品经营许可证', '证书编号：JY23708290012345', '济宁市嘉和餐饮管理有限公司', '发证日期：2026年12月3日',
      '有效期至：2031年12月2日', certificate.verifyUrl, certificate.caseNo,
    ]);
    const open = await extract(await renderCertificate(font, { ...certificate, validUntil: undefined, title: undefined }));
    expect(open.pages[0]).toContain('批准证书');
    expect(open.pages[0]).toContain('有效期至：长期有效');
  });

  it('sets the metadata from the input, so the same input gives the same bytes', async () => {
    const a = await renderAcceptanceReceipt(font, receipt);
    expect(Buffer.from(await renderAcceptanceReceipt(font, receipt)).equals(a)).toBe(true);
    // A freshly read font (no parse cache) gives the same bytes too.
    expect(Buffer.from(await renderAcceptanceReceipt(Uint8Array.from(font), receipt)).equals(a)).toBe(true);
    expect(Buffer.from(await renderAcceptanceReceipt(font, { ...receipt, issuedAt: '2026-11-27T02:15:01Z' })).equals(a)).toBe(false);
    const meta = await PDFDocument.load(a, { updateMetadata: false });
    expect(meta.getTitle()).toBe('受理通知书 370829-20261127-00042');
    expect(meta.getCreator()).toBe('OneStop');
    expect(meta.getCreationDate()?.toISOString()).toBe('2026-11-27T02:15:00.000Z');
    expect(meta.getPageCount()).toBe(1);
    expect(meta.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
  });

  it('a long material list runs onto further pages, the table header repeated, nothing lost', async () => {
    const long = longReceipt(60);
    const pages = await expectSound(await renderAcceptanceReceipt(font, long), long.materials.map((m) => m.name));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.filter((p) => p.includes('序号材料名称形式份数')).length).toBeGreaterThanOrEqual(pages.length - 1);
    pages.forEach((p, i) => expect(p).toContain(`第${i + 1}页共${pages.length}页`));
  });

  it('a character the font lacks is drawn as the missing-character mark instead of failing', async () => {
    const name = '张\u{20000}丰'; // CJK Extension B, outside Noto Sans SC
    expect(original.hasGlyphForCodePoint(0x20000)).toBe(false);
    const bytes = await renderRefusalNotice(font, { ...refusal, applicantName: name, reasons: ['材料\u0007不全', '葛\u{E0100}某某'] });
    await expectSound(bytes, ['张□丰：', '1.材料不全', '2.葛某某']);
  });

  it('rejects dates that do not exist rather than printing them', async () => {
    await expect(renderSupplementNotice(font, { ...supplement, noticeOn: '2026-02-30' })).rejects.toThrow(RangeError);
    await expect(renderAcceptanceReceipt(font, { ...receipt, issuedAt: 'yesterday' })).rejects.toThrow(RangeError);
  });
});

describe('PDF text helpers', () => {
  const unit = (s: string) => [...s].length;

  it('breaks Chinese between characters, keeps ASCII runs whole and never starts a line with closing punctuation', () => {
    const text = '你（单位）提交的申请，经审查，编号370829-20261127-00042已受理。';
    for (const width of [6, 7, 8, 9, 10]) {
      const lines = breakLines(text, width, unit);
      expect(lines.join('')).toBe(text);
      for (const line of lines) {
        expect(unit(line)).toBeLessThanOrEqual(width);
        expect(line).not.toMatch(/^[，。、；：）]/);
        expect(line).not.toMatch(/（$/);
      }
    }
    expect(breakLines('编号370829-20261127-00042已受理', 22, unit)).toEqual(['编号', '370829-20261127-00042已', '受理']);
    // A run longer than a line is cut where the line ends.
    expect(breakLines('编号370829-20261127-00042', 10, unit)).toEqual(['编号', '370829-202', '61127-0004', '2']);
  });

  it('indents the first line, drops spaces at breaks', () => {
    expect(breakLines('一二三四五六七八', 4, unit, 2)).toEqual(['一二', '三四五六', '七八']);
    expect(breakLines('ab cd ef', 5, unit)).toEqual(['ab cd', 'ef']);
  });

  it('replaces what the font cannot draw and collapses whitespace', () => {
    expect(drawable(' a\n\tb\u200Bc ', () => true)).toBe('a bc');
    expect(drawable('李\u{2A6A5}', (cp) => cp < 0x20000)).toBe('李□');
  });

  it('writes dates as official documents do, in China time', () => {
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
    expect(() => chineseDate('2026-1-5')).toThrow(RangeError);
    expect(chinaDateOf('2026-11-27T16:30:00Z')).toBe('2026-11-28');
    expect(chinaDateOf('2026-11-27T15:59:59Z')).toBe('2026-11-27');
  });
});

describe('the CJK font', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('is read from CJK_FONT_PATH once, with a clear error when unset or unreadable', async () => {
    vi.resetModules();
    vi.stubEnv('CJK_FONT_PATH', '');
    const fresh = () => import('../../../functions/documents/pdf/font.ts').then((m) => m.loadCjkFont);
    await expect((await fresh())()).rejects.toThrow(/CJK_FONT_PATH is not set.*\/opt\/NotoSansSC_400Regular\.ttf/);
    vi.resetModules();
    vi.stubEnv('CJK_FONT_PATH', '/nonexistent/font.ttf');
    const load = await fresh();
    await expect(load()).rejects.toThrow(/\/nonexistent\/font\.ttf.*cannot be read/);
    vi.stubEnv('CJK_FONT_PATH', cjkFontLocalPath());
    const bytes = await load();
    expect(bytes.length).toBeGreaterThan(10_000_000);
    expect(await load()).toBe(bytes);
  });

  it('ships from node_modules as a one-file layer that lands at CJK_FONT_LAMBDA_PATH', () => {
    expect(CJK_FONT_LAMBDA_PATH).toBe(`/opt/${CJK_FONT_FILE}`);
    expect(readFileSync(cjkFontLocalPath()).subarray(0, 4)).toEqual(Buffer.from([0, 1, 0, 0]));
    const dir = cjkFontAssetDir();
    const ignore = IgnoreStrategy.fromCopyOptions({ exclude: [...CJK_FONT_ASSET_EXCLUDE], ignoreMode: IgnoreMode.GLOB }, dir);
    const kept = ['NotoSansSC_400Regular.ttf', 'NotoSansSC_400Regular.ttf.png', 'index.js', 'index.d.ts'].filter((f) => !ignore.ignores(join(dir, f)));
    expect(kept).toEqual([CJK_FONT_FILE]);
  });
});
