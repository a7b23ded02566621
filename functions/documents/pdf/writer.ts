/**
 * A small page writer over pdf-lib for the center's A4 documents: a cursor
 * that flows text down the page and opens a new page when the next block does
 * not fit, with Chinese line breaking, tables and page numbers.
 *
 * Fonts go through upstream fontkit 2, not @pdf-lib/fontkit 1.1.1: that fork
 * writes a short `loca` table without padding odd-length glyphs, so a subset
 * of Noto Sans SC loses glyphs silently, and its CFF subsets are rejected by
 * viewers. pdf-lib takes any object with `create`; the only gap is
 * `encodeStream`, which fontkit 2 replaced by `encode`.
 *
 * Output is a function of the input alone (no clock, no random font tag:
 * pdf-lib seeds its generator), so re-rendering a document writes the same bytes.
 * Every document is written ready to be signed: the issuer's block carries the
 * agency's seal, and the file a reserved PAdES signature (signature-field.ts).
 */
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import { PageSizes, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { drawSeal, SEAL_RADIUS, type Seal } from './seal.ts';
import { reserveSignature } from './signature-field.ts';
import { breakLines, drawable } from './text.ts';

type PdfLibFontkit = Parameters<PDFDocument['registerFontkit']>[0];
type PdfLibFont = ReturnType<PdfLibFontkit['create']>;

// Parsing is per font file, subsetting per document: a warm Lambda reuses the parsed font.
const parsed = new WeakMap<Uint8Array, fontkit.Font>();

function parse(bytes: Uint8Array): fontkit.Font {
  let font = parsed.get(bytes);
  if (!font) {
    const created = fontkit.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if ('fonts' in created) throw new Error('The CJK font is a font collection (TTC); a single TTF/OTF font is needed.');
    const createSubset = created.createSubset.bind(created);
    created.createSubset = () => Object.assign(createSubset(), {
      encodeStream(this: fontkit.Subset) {
        return Readable.from([this.encode()]);
      },
    });
    font = created;
    parsed.set(bytes, font);
  }
  return font;
}

// The cast bridges two declarations of the same object: pdf-lib types the fontkit 1 API that fontkit 2 keeps.
const subsettingFontkit: PdfLibFontkit = { create: (bytes) => parse(bytes) as unknown as PdfLibFont };

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
const MARGIN = 64;
const LEFT = MARGIN;
const RIGHT = PAGE_WIDTH - MARGIN;
const BODY_WIDTH = RIGHT - LEFT;
const TOP = PAGE_HEIGHT - MARGIN;
const BOTTOM = MARGIN;
const BODY_SIZE = 12;
const LEADING = 1.7;
const black = rgb(0, 0, 0);

export type DocumentInfo = {
  title: string;
  subject: string;
  author: string;
  keywords: string[];
  createdAt: Date;
  /** A border on every page (certificates). */
  framed?: boolean;
};

export type Column = { header: string; share: number; align?: 'left' | 'center' };

export class PdfWriter {
  private page: PDFPage;
  private y = TOP;
  /** The page whose issuer block carries the seal: the signature field sits there. */
  private sealed?: PDFPage;

  static async open(fontBytes: Uint8Array, info: DocumentInfo): Promise<PdfWriter> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(subsettingFontkit);
    const font = await doc.embedFont(fontBytes, { subset: true });
    const writer = new PdfWriter(doc, font, parse(fontBytes), info.framed ?? false);
    doc.setTitle(writer.clean(info.title), { showInWindowTitleBar: true });
    doc.setSubject(writer.clean(info.subject));
    doc.setAuthor(writer.clean(info.author));
    doc.setKeywords(info.keywords.map((k) => writer.clean(k)));
    doc.setCreator('OneStop');
    doc.setProducer('pdf-lib');
    doc.setLanguage('zh-CN');
    doc.setCreationDate(info.createdAt);
    doc.setModificationDate(info.createdAt);
    return writer;
  }

  private constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly glyphs: fontkit.Font,
    private readonly framed: boolean,
  ) {
    this.page = this.newPage();
  }

  /** Vertical space, in points. */
  gap(points: number): void {
    this.y -= points;
  }

  centered(text: string, size: number): void {
    for (const line of this.lines(text, BODY_WIDTH, size)) {
      this.fit(size * LEADING);
      this.draw(line, (PAGE_WIDTH - this.width(line, size)) / 2, size);
      this.advance(size);
    }
  }

  /**
   * Lines ending two characters in from the right margin, as a case number
   * or a signature block sits on a Chinese notice; kept on one page.
   */
  right(lines: string[], size = BODY_SIZE): void {
    const cleaned = lines.map((l) => this.clean(l));
    this.fit(cleaned.length * size * LEADING);
    for (const line of cleaned) {
      this.draw(line, RIGHT - this.width(line, size) - size * 2, size);
      this.advance(size);
    }
  }

  /**
   * The issuer's block — agency, date — as `right` sets it, under the
   * agency's seal: centred on the block, the block a little below the seal's
   * centre (盖章居中下压署名和日期), on one page with it.
   */
  issuer(lines: string[], seal: Seal, size = BODY_SIZE): void {
    const cleaned = lines.map((l) => this.clean(l));
    const height = cleaned.length * size * LEADING;
    // Pages break as for the block alone: the block never sits on a page of its own for its seal's sake.
    // Room permitting, a gap brings the seal's top within a line of the text above (GB/T 9704); short of
    // room the seal overlaps that text a little more, and its bottom may reach into the bottom margin.
    this.fit(height);
    this.gap(Math.min(Math.max(0, SEAL_RADIUS * 1.3 - height / 2 - size * LEADING), this.y - height - BOTTOM));
    const top = this.y;
    const widest = Math.max(...cleaned.map((l) => this.width(l, size)));
    this.right(cleaned, size);
    const right = RIGHT - size * 2;
    drawSeal(this.page, this.font, { agency: this.clean(seal.agency), purpose: this.clean(seal.purpose) }, right - widest / 2, top - height / 2 + SEAL_RADIUS * 0.3);
    this.sealed = this.page;
    this.y = Math.min(this.y, top - height / 2 + SEAL_RADIUS * 0.3 - SEAL_RADIUS);
  }

  /** A paragraph with the customary two-character first-line indent. */
  paragraph(text: string, size = BODY_SIZE): void {
    for (const [i, line] of this.lines(text, BODY_WIDTH, size, size * 2).entries()) {
      this.fit(size * LEADING);
      this.draw(line, LEFT + (i === 0 ? size * 2 : 0), size);
      this.advance(size);
    }
  }

  /**
   * `label` then `text`, wrapped under the text's own start: a field
   * (受理日期：…) or a numbered item. `labelWidth` lines up a column of fields.
   */
  hanging(label: string, text: string, opts: { size?: number; indent?: number; labelWidth?: number } = {}): void {
    const { size = BODY_SIZE, indent = 0 } = opts;
    const head = this.clean(label);
    const x = LEFT + indent + Math.max(opts.labelWidth ?? 0, this.width(head, size));
    const lines = this.lines(text, RIGHT - x, size);
    for (const [i, line] of (lines.length ? lines : ['']).entries()) {
      this.fit(size * LEADING);
      if (i === 0 && head) this.draw(head, LEFT + indent, size);
      if (line) this.draw(line, x, size);
      this.advance(size);
    }
  }

  /** The width of `text` at `size` as drawn, e.g. to line up labels. */
  widthOf(text: string, size = BODY_SIZE): number {
    return this.width(this.clean(text), size);
  }

  /** A ruled table; its header row is repeated on every page it runs onto. */
  table(columns: Column[], rows: string[][], size = BODY_SIZE - 1): void {
    const pad = size * 0.45;
    const lineHeight = size * 1.45;
    const total = columns.reduce((s, c) => s + c.share, 0);
    const widths = columns.map((c) => (c.share / total) * BODY_WIDTH);
    const xs = widths.map((_, i) => LEFT + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const layout = (cells: string[]) => cells.map((cell, i) => this.lines(cell, widths[i]! - 2 * pad, size));
    const heightOf = (cells: string[][]) => Math.max(1, ...cells.map((c) => c.length)) * lineHeight + 2 * pad;
    const header = layout(columns.map((c) => c.header));
    const drawRow = (cells: string[][]) => {
      const height = heightOf(cells);
      const top = this.y;
      cells.forEach((lines, i) => {
        lines.forEach((line, j) => {
          const left = columns[i]!.align === 'center' ? xs[i]! + (widths[i]! - this.width(line, size)) / 2 : xs[i]! + pad;
          this.page.drawText(line, { x: left, y: top - pad - j * lineHeight - size, size, font: this.font, color: black });
        });
      });
      for (const x of [...xs, RIGHT]) this.rule(x, top, x, top - height);
      this.rule(LEFT, top - height, RIGHT, top - height);
      this.y = top - height;
    };
    const startOnPage = (next: string[][]) => {
      if (this.y - heightOf(header) - heightOf(next) < BOTTOM) this.newPage();
      this.rule(LEFT, this.y, RIGHT, this.y);
      drawRow(header);
    };
    const body = rows.map(layout);
    startOnPage(body[0] ?? []);
    for (const cells of body) {
      if (this.y - heightOf(cells) < BOTTOM) {
        this.newPage();
        startOnPage(cells);
      }
      drawRow(cells);
    }
    this.gap(size * 0.8);
  }

  /** Frames and, on a document of several pages, page numbers; the signature reserved; then the bytes. */
  async finish(reason: string): Promise<Uint8Array> {
    if (!this.sealed) throw new Error('An issued document carries its issuer\'s seal: call issuer() before finish().');
    const pages = this.doc.getPages();
    const size = 9;
    for (const [i, page] of pages.entries()) {
      if (pages.length > 1) {
        const text = `第 ${i + 1} 页 共 ${pages.length} 页`;
        page.drawText(text, { x: (PAGE_WIDTH - this.width(text, size)) / 2, y: BOTTOM - 2.5 * size, size, font: this.font, color: black });
      }
      if (this.framed) {
        for (const [inset, borderWidth] of [[22, 1.5], [26, 0.5]] as const) {
          page.drawRectangle({ x: inset, y: inset, width: PAGE_WIDTH - 2 * inset, height: PAGE_HEIGHT - 2 * inset, borderColor: black, borderWidth });
        }
      }
    }
    reserveSignature(this.doc, this.sealed, reason);
    return this.doc.save();
  }

  /** Starts the next part (an annex) on a page of its own. */
  pageBreak(): void {
    this.newPage();
  }

  private newPage(): PDFPage {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = TOP;
    return this.page;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  private fit(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }

  /** Draws one line with its top at the cursor; callers `fit` before and `advance` after. */
  private draw(line: string, x: number, size: number): void {
    this.page.drawText(line, { x, y: this.y - size, size, font: this.font, color: black });
  }

  private advance(size: number): void {
    this.y -= size * LEADING;
  }

  private clean(text: string): string {
    return drawable(text, (cp) => this.glyphs.hasGlyphForCodePoint(cp));
  }

  private width(text: string, size: number): number {
    return this.font.widthOfTextAtSize(text, size);
  }

  private lines(text: string, maxWidth: number, size: number, firstIndent = 0): string[] {
    return breakLines(this.clean(text), maxWidth, (s) => this.width(s, size), firstIndent);
  }

  private rule(x1: number, y1: number, x2: number, y2: number): void {
    this.page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.6, color: black });
  }
}
