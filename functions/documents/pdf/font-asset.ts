/**
 * Where the CJK font comes from and where it lands: read by the infra code
 * (the layer's asset) and by tests. Nothing here touches the file system, so a
 * Lambda importing the /opt path does not pull infra concerns into its bundle.
 *
 * The font is Noto Sans SC Regular (OFL-1.1), a TrueType-outline (glyf) static
 * instance from the @expo-google-fonts/noto-sans-sc package: glyf outlines
 * subset into a few KB, while the CFF-based OTF builds (Source Han Sans, Noto
 * Sans CJK) give subsets five times larger. Each weight of that package sits in
 * its own folder, so one folder is one small layer.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CJK_FONT_FILE = 'NotoSansSC_400Regular.ttf';

/** A layer's asset folder is unzipped into /opt: the value of CJK_FONT_PATH in Lambda. */
export const CJK_FONT_LAMBDA_PATH = `/opt/${CJK_FONT_FILE}`;

/**
 * Exclude patterns for the layer asset that keep only the font file (the
 * folder also holds the package's preview PNG and an index.js).
 */
export const CJK_FONT_ASSET_EXCLUDE: readonly string[] = ['*', `!${CJK_FONT_FILE}`];

/** Absolute path of the layer asset folder, from the repository root (after `npm ci`). */
export function cjkFontAssetDir(): string {
  return fileURLToPath(new URL('../../../node_modules/@expo-google-fonts/noto-sans-sc/400Regular', import.meta.url));
}

/** Absolute path of the font file on a developer's machine or in CI (tests, benchmarks). */
export function cjkFontLocalPath(): string {
  return join(cjkFontAssetDir(), CJK_FONT_FILE);
}

/**
 * esbuild aliases for the function that renders PDFs: they swap two unused
 * dependencies for stubs (bundle-stubs.ts), about 600 KB less bundle. That
 * function also splits (infra/constructs/bundles.ts), so the renderer, imported
 * with `import()`, is a chunk of its own that loads with the first document
 * instead of at every cold start (decision 69). Paths are relative to the
 * repository root, where esbuild runs.
 */
export const PDF_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'brotli/decompress.js': './functions/documents/pdf/bundle-stubs.ts',
  '@pdf-lib/standard-fonts': './functions/documents/pdf/bundle-stubs.ts',
};
