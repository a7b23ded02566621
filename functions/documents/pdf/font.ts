/**
 * The CJK font's bytes, read once per Lambda instance from the file the font
 * layer puts under /opt (CJK_FONT_PATH). The 10 MB file stays out of the JS
 * bundle; each PDF embeds only the glyphs it uses.
 */
import { readFile } from 'node:fs/promises';
import { CJK_FONT_LAMBDA_PATH } from './font-asset.ts';

let cached: Promise<Uint8Array> | undefined;

export function loadCjkFont(): Promise<Uint8Array> {
  cached ??= read().catch((err: unknown) => {
    // A failed read is not cached: the next invocation tries again.
    cached = undefined;
    throw err;
  });
  return cached;
}

async function read(): Promise<Uint8Array> {
  const path = process.env.CJK_FONT_PATH;
  if (!path) throw new Error(`CJK_FONT_PATH is not set: it names the CJK font file (${CJK_FONT_LAMBDA_PATH} from the font layer).`);
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`The CJK font ${path} (CJK_FONT_PATH) cannot be read: ${(err as Error).message}`, { cause: err });
  }
}
