/**
 * Stands in, in a Lambda bundle only (esbuild aliases: PDF_BUNDLE_ALIASES in
 * font-asset.ts), for two dependencies the renderers never reach: fontkit's
 * WOFF2 decoder (brotli, ~475 KB minified) and pdf-lib's metrics of the 14
 * standard PDF fonts (~125 KB); every document embeds the CJK TrueType font.
 * Reaching either anyway fails loudly instead of drawing wrong text.
 */
function leftOut(what: string): never {
  throw new Error(`${what} is left out of this Lambda bundle (functions/documents/pdf/bundle-stubs.ts).`);
}

/** brotli/decompress.js */
export default function decompress(): never {
  return leftOut('WOFF2 decoding');
}

/** @pdf-lib/standard-fonts: pdf-lib lists the names at import and loads metrics only for a standard font. */
export const FontNames = {};
export const Encodings = {};
export const EncodingType = {};
export const Font = { load: (): never => leftOut('The standard PDF fonts') };
