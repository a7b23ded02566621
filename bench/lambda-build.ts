/**
 * A bench bundle built as a Lambda's is (infra/constructs/bundles.ts: same
 * target, format, minification, banner and shared aliases), from source text.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sharedBuildOptions } from '../infra/constructs/bundles.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `dir`/index.mjs (and chunks/ when splitting) from `source`, whose imports resolve from the repository root. */
export async function buildLikeLambda(source: string, dir: string, splitting = false): Promise<string> {
  await mkdir(dir, { recursive: true });
  await build({
    ...sharedBuildOptions, mainFields: [...sharedBuildOptions.mainFields], sourcemap: false, logLevel: 'error',
    absWorkingDir: root, stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'bench-entry.ts' },
    ...(splitting ? { splitting: true, outdir: dir, entryNames: 'index', chunkNames: 'chunks/[name]-[hash]' } : { outfile: join(dir, 'index.mjs') }),
  });
  return join(dir, 'index.mjs');
}
