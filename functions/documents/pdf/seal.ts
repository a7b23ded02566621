/**
 * The issuing agency's seal (印章) as vector graphics in the page's content
 * stream: a red ring, a five-pointed star, the agency's name along the upper
 * arc (each glyph turned to face outwards) and the seal's purpose (e.g.
 * 行政审批专用章) across the bottom — the layout of a Chinese official seal
 * — pressed over the issuer's name and date as GB/T 9704 places it.
 *
 * It is a picture of a seal, not the seal's legal force: that is the CMS
 * signature over the whole file (functions/documents/signing/).
 * The layout is pure (`sealLayout`); `drawSeal` puts it on a pdf-lib page.
 */
import { BlendMode, degrees, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export type Seal = {
  /** Whose seal: the agency's full name, along the upper arc. */
  agency: string;
  /** What the seal is for (专用章), across the bottom. */
  purpose: string;
};

/** 4 cm across, about the size of an agency's special-purpose seal (专用章). */
export const SEAL_RADIUS = 56.7;
const RING = 3;
const STAR_RADIUS = 16;
/** The name runs over at most this much of the ring, centred on the top. */
const MAX_ARC = (250 * Math.PI) / 180;
const MAX_NAME_SIZE = 15;
const PURPOSE_SIZE = 9.5;
/** Seal red (印泥); multiplied over the text beneath, as ink over print. */
const red = rgb(0.85, 0.1, 0.1);

export type PlacedGlyph = { text: string; x: number; y: number; size: number; rotateDegrees: number };
export type SealLayout = { ring: { x: number; y: number; radius: number; width: number }; star: [number, number][]; glyphs: PlacedGlyph[] };

/**
 * Where everything goes for a seal centred at (cx, cy). `width` measures a
 * string at a size (the embedded font's advance widths).
 */
export function sealLayout(seal: Seal, cx: number, cy: number, width: (text: string, size: number) => number): SealLayout {
  const glyphs: PlacedGlyph[] = [];
  const name = [...seal.agency];
  // Glyph tops nearly touch the ring; the size shrinks with a long name so it fits the arc.
  const size = Math.min(MAX_NAME_SIZE, ((SEAL_RADIUS - RING) * MAX_ARC) / Math.max(name.length, 1) / 1.15);
  const baseline = SEAL_RADIUS - RING - 2.5 - size * 0.88;
  const step = Math.min(MAX_ARC / Math.max(name.length, 1), (size * 1.25) / baseline);
  name.forEach((ch, i) => {
    // Clockwise from the left: the first character at the left end of the arc, the arc centred on the top.
    const theta = Math.PI / 2 + step * ((name.length - 1) / 2 - i);
    const w = width(ch, size);
    // The glyph's baseline is the tangent at theta; its origin sits half its width before the point.
    glyphs.push({
      text: ch,
      x: cx + baseline * Math.cos(theta) - (w / 2) * Math.sin(theta),
      y: cy + baseline * Math.sin(theta) + (w / 2) * Math.cos(theta),
      size,
      rotateDegrees: (theta * 180) / Math.PI - 90,
    });
  });
  const purposeWidth = width(seal.purpose, PURPOSE_SIZE);
  glyphs.push({ text: seal.purpose, x: cx - purposeWidth / 2, y: cy - SEAL_RADIUS * 0.62, size: PURPOSE_SIZE, rotateDegrees: 0 });
  const star: [number, number][] = Array.from({ length: 10 }, (_, k) => {
    const r = k % 2 ? STAR_RADIUS * 0.382 : STAR_RADIUS;
    const a = Math.PI / 2 + (k * Math.PI) / 5;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
  return { ring: { x: cx, y: cy, radius: SEAL_RADIUS - RING / 2, width: RING }, star, glyphs };
}

export function drawSeal(page: PDFPage, font: PDFFont, seal: Seal, cx: number, cy: number): void {
  const layout = sealLayout(seal, cx, cy, (text, size) => font.widthOfTextAtSize(text, size));
  const { ring, star, glyphs } = layout;
  const blendMode = BlendMode.Multiply;
  page.drawCircle({ x: ring.x, y: ring.y, size: ring.radius, borderColor: red, borderWidth: ring.width, blendMode });
  // drawSvgPath's y axis points down from its origin.
  const path = star.map(([x, y], i) => `${i ? 'L' : 'M'}${(x - cx).toFixed(2)} ${(cy - y).toFixed(2)}`).join(' ');
  page.drawSvgPath(`${path} Z`, { x: cx, y: cy, color: red, blendMode });
  for (const g of glyphs) {
    page.drawText(g.text, { x: g.x, y: g.y, size: g.size, font, color: red, rotate: degrees(g.rotateDegrees), blendMode });
  }
}
