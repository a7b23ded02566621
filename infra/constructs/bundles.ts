/**
 * The functions' bundles, built by esbuild in as few runs as their options
 * allow. Every entry a stack deploys is listed here with how it bundles, so
 * the first function to bundle builds its whole group at once: esbuild reads
 * the SDK and the shared modules once for ~30 entries instead of once per
 * entry (a local synth went from ~46 s to ~16 s; decision 90).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync, type BuildOptions } from 'esbuild';
import { PDF_BUNDLE_ALIASES } from '../../functions/documents/pdf/font-asset.ts';

/** The repository root (the folder of package.json and package-lock.json). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What every bundle shares (STACK.md): ESM for Node 24, minified with linked
 * source maps, and a `require` shim for CommonJS dependencies. The AWS SDK v3
 * is bundled, not taken from the runtime: the bundle pins the SDK version we
 * test with, and tree-shaken bundled clients start faster than the runtime's
 * full SDK (middy's guidance; the cold starts are measured in bench/). Maps are
 * shipped for debugging; --enable-source-maps is left off because loading the
 * map at import costs ~15–30 ms of every cold start.
 */
export const sharedBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  // Lambda gives functions their credentials in environment variables: see functions/shared/env-credentials.ts.
  alias: { '@aws-sdk/credential-provider-node': './functions/shared/env-credentials.ts' },
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
} as const satisfies BuildOptions;

interface EntryBundling {
  /**
   * Each dynamic `import()` becomes a chunk of its own in `chunks/`, loaded on
   * first use, so a cold start reads only what every invocation needs (decision 69).
   * A splitting entry builds alone: chunks are never shared between functions.
   */
  readonly splitting?: boolean;
  /** Aliases on top of the shared ones (unused dependencies swapped for stubs). An entry with its own builds alone. */
  readonly alias?: Readonly<Record<string, string>>;
}

/** Every function's entry (relative to the repository root) and how it bundles beyond the shared options. */
export const functionEntries = {
  'functions/applicants/handler.ts': {},
  'functions/appraisal/handler.ts': {},
  'functions/audit/consumer.ts': { splitting: true },
  'functions/audit/digester.ts': {},
  'functions/audit/handler.ts': {},
  'functions/cases/handler.ts': { splitting: true },
  'functions/cases/payment-gate.ts': {},
  'functions/cases/recount.ts': {},
  'functions/cases/sweeper.ts': {},
  'functions/cases/watch.ts': {},
  'functions/catalog/handler.ts': { splitting: true },
  'functions/complaints/handler.ts': {},
  'functions/complaints/sweeper.ts': {},
  'functions/fees/handler.ts': {},
  'functions/fees/watch.ts': {},
  'functions/documents/archive.ts': {},
  'functions/documents/check.ts': {},
  'functions/documents/handler.ts': { splitting: true },
  'functions/documents/issue.ts': { splitting: true, alias: PDF_BUNDLE_ALIASES },
  'functions/documents/licence-watch.ts': {},
  'functions/documents/renewal-watch.ts': {},
  'functions/evaluation/counting.ts': {},
  'functions/evaluation/handler.ts': {},
  'functions/evaluation/invite.ts': {},
  'functions/evaluation/sweeper.ts': {},
  'functions/evaluation/watch.ts': {},
  'functions/hall/push.ts': {},
  'functions/hall/socket.ts': {},
  'functions/notifications/consumer.ts': {},
  'functions/notifications/handler.ts': {},
  'functions/notifications/staff-notices.ts': {},
  'functions/org/handler.ts': {},
  'functions/queue/appointments/sweep.ts': {},
  'functions/queue/handler.ts': {},
  'functions/queue/stats/counting.ts': {},
  'functions/supervision/completions.ts': {},
  'functions/supervision/consumer.ts': {},
  'functions/supervision/handler.ts': {},
  'functions/supervision/order-watch.ts': {},
} as const satisfies Record<string, EntryBundling>;

export type FunctionEntry = keyof typeof functionEntries;

const buildsAlone = (entry: FunctionEntry) => {
  const options: EntryBundling = functionEntries[entry];
  return options.splitting === true || options.alias !== undefined;
};

/** The entries one esbuild run builds together: every entry with the shared options only, or one entry alone. */
const groupOf = (entry: FunctionEntry): FunctionEntry[] =>
  buildsAlone(entry) ? [entry] : (Object.keys(functionEntries) as FunctionEntry[]).filter((e) => !buildsAlone(e));

/** Where an entry's bundle goes inside a group's output: one folder per entry. */
const folderOf = (entry: FunctionEntry) => entry.replace(/\.ts$/, '').replace(/\//g, '__');

let outRoot: string | undefined;
const built = new Map<FunctionEntry, string>();

/** Builds the entry's group (once per process) and returns the folder holding its `index.mjs`. */
function bundleOf(entry: FunctionEntry): string {
  const done = built.get(entry);
  if (done) return done;
  if (!outRoot) {
    const dir = mkdtempSync(path.join(tmpdir(), 'onestop-bundles-'));
    outRoot = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const group = groupOf(entry);
  const own: EntryBundling = functionEntries[entry];
  buildSync({
    ...sharedBuildOptions,
    absWorkingDir: repoRoot,
    alias: { ...sharedBuildOptions.alias, ...own.alias },
    ...(own.splitting
      ? { entryPoints: { index: entry }, outdir: path.join(outRoot, folderOf(entry)), splitting: true, chunkNames: 'chunks/[name]-[hash]' }
      : { entryPoints: Object.fromEntries(group.map((e) => [`${folderOf(e)}/index`, e])), outdir: outRoot }),
  });
  for (const e of group) built.set(e, path.join(outRoot, folderOf(e)));
  return built.get(entry)!;
}

/**
 * A function's code: the entry's bundle (`index.mjs`, its map, and `chunks/`
 * when it splits), staged as an asset hashed by its output. A stack that skips
 * bundling (`aws:cdk:bundling-stacks`) builds nothing.
 */
export function bundledCode(entry: FunctionEntry): Code {
  return Code.fromAsset(repoRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('dummy'),
      // Tells the asset cache one entry from another (it keys on these options).
      command: ['esbuild', entry],
      local: {
        tryBundle(outputDir) {
          cpSync(bundleOf(entry), outputDir, { recursive: true });
          return true;
        },
      },
    },
  });
}
