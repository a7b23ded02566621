/**
 * Text helpers of the PDF renderers, free of pdf-lib: what to draw for a
 * character the font lacks, where to break a line of Chinese, and dates as
 * official documents write them.
 */

/** Drawn for a character the font has no glyph for: the usual mark of a missing character (缺字). */
const MISSING_GLYPH_MARK = '□';

// Variation selectors and zero-width characters only modify their neighbour; the font draws
// the base character without them.
const invisible = /[\u200B-\u200D\u2060\uFEFF\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

/**
 * The string the font can draw: NFC, whitespace and control characters as
 * single spaces, and the missing-character mark for anything the font has no
 * glyph for (a rare character in a name must not stop a notice from issuing).
 */
export function drawable(text: string, hasGlyph: (codePoint: number) => boolean): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(invisible, '')) {
    const cp = ch.codePointAt(0)!;
    if (/[\s\p{Cc}]/u.test(ch)) out += ' ';
    else out += hasGlyph(cp) ? ch : MISSING_GLYPH_MARK;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

// 避头尾: closing marks never start a line, opening marks never end one.
const closing = new Set('，。、；：？！）》」』”’〕】〉…—·%,.;:?!)]}');
const opening = new Set('（《「『“‘〔【〈([{');

/**
 * Break units: one per CJK character (Chinese breaks between any two), one
 * per run of printable ASCII (a case number, a URL or a Latin word stays
 * whole where it fits), with punctuation glued to its neighbour.
 */
function units(text: string): string[] {
  const out: string[] = [];
  for (const [unit] of text.matchAll(/[\x21-\x7E]+| +|./gsu)) {
    const prev = out.at(-1);
    const glue = prev !== undefined && !prev.endsWith(' ') && !unit.startsWith(' ') && (closing.has(unit[0]!) || opening.has(prev.at(-1)!));
    if (glue) out[out.length - 1] = prev + unit;
    else out.push(unit);
  }
  return out;
}

/**
 * Greedy line breaking of one paragraph to lines no wider than `maxWidth`
 * (the first one `firstIndent` less), as measured by `width`. Widths are
 * summed per unit, which is exact for CJK (no kerning between ideographs); a
 * unit wider than a line is cut between characters.
 */
export function breakLines(text: string, maxWidth: number, width: (s: string) => number, firstIndent = 0): string[] {
  const lines: string[] = [];
  const limit = () => (lines.length === 0 ? maxWidth - firstIndent : maxWidth);
  let line = '';
  let lineWidth = 0;
  const flush = () => {
    if (line.trim()) lines.push(line.trimEnd());
    line = '';
    lineWidth = 0;
  };
  for (const unit of units(text)) {
    if (unit.startsWith(' ')) {
      if (line) {
        line += ' ';
        lineWidth += width(' ');
      }
      continue;
    }
    const w = width(unit);
    if (lineWidth + w <= limit()) {
      line += unit;
      lineWidth += w;
      continue;
    }
    flush();
    if (w <= limit()) {
      line = unit;
      lineWidth = w;
      continue;
    }
    for (const ch of unit) {
      const cw = width(ch);
      if (line && lineWidth + cw > limit()) flush();
      line += ch;
      lineWidth += cw;
    }
  }
  flush();
  return lines;
}

/** YYYY-MM-DD as 2026年1月5日 (GB/T 9704: the year in full, no leading zeros). */
export function chineseDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  // Date.UTC rolls 02-30 over into March: the round trip rejects days that do not exist.
  if (!m || new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) !== date) throw new RangeError(`Not a date (YYYY-MM-DD): ${date}`);
  return `${year}年${month}月${day}日`;
}

/**
 * The center's calendar date of an instant. China keeps UTC+8 all year (no
 * daylight saving since 1991), so a fixed offset is exact and needs no ICU.
 */
export function chinaDateOf(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant: ${instant}`);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The China time (HH:MM) of an instant, for a recorded signature. */
export function chinaTimeOf(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO instant: ${instant}`);
  return new Date(ms + 8 * 3600_000).toISOString().slice(11, 16);
}
