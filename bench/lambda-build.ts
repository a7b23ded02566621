/**
 * A bench bundle built as DomainFunction builds a Lambda's (same target,
 * format, minification, banner and shared aliases), from source text.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { domainBundling } from '../infra/constructs/domain-function.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `dir`/index.mjs (and chunks/ when splitting) from `source`, whose imports resolve from the repository root. */
export async function buildLikeLambda(source: string, dir: string, splitting = false): Promise<string> {
  await mkdir(dir, { recursive: true });
  const b = domainBundling.bundling;
  const alias = Object.fromEntries(Object.entries(b.esbuildArgs).map(([k, v]) => [k.slice('--alias:'.length), v]));
  await build({
    absWorkingDir: root, stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'bench-entry.ts' }, bundle: true, platform: 'node', format: 'esm',
    target: b.target, minify: true, mainFields: [...b.mainFields], banner: { js: b.banner }, alias, logLevel: 'error',
    ...(splitting ? { splitting: true, outdir: dir, entryNames: 'index', chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } } : { outfile: join(dir, 'index.mjs') }),
  });
  return join(dir, 'index.mjs');
}
