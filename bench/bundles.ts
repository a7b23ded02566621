/**
 * Bundle size and cold start of every Lambda of the synthesized local stack
 * (issue 13 part 4, decision 69), reported not asserted:
 *
 *  - `kb`: index.mjs; `startKb`: what a cold start loads (index.mjs and the
 *    chunks it imports statically); `lazyKb`: chunks loaded by `import()` on
 *    first use (the PDF renderer). Target: startKb ≤ 500.
 *  - the whole process — spawn, Node's own start, import of the bundle, exit,
 *    as in a cold start's INIT phase — timed in pairs with a reference bundle
 *    built with the same esbuild settings that holds only the AWS SDK the
 *    function bundles (the same clients, constructed at import, and the same
 *    commands; found in the bundle's source map). The two run interleaved,
 *    alternating which goes first, so a load spike hits both of a pair;
 *    `ratio` is the median of the pairs' ratios. Target: ≤ 1.2 (our own code
 *    adds at most 20 % to the SDK it needs).
 *
 * `npx tsx bench/bundles.ts [cdk.out] [--pairs N] [--only Name]`: synthesizes
 * stage local into a temporary folder unless given one; writes
 * bench/results/bundles.json. `npm run bench` includes these figures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildLikeLambda } from './lambda-build.ts';
import { percentile } from './stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/**
 * At 15 pairs the median moved by up to 0.1 between runs of the same tree (a
 * different function over 1.2 in each); at 31 the re-measured ones stayed
 * within a few hundredths.
 */
const DEFAULT_PAIRS = 31;

type Template = { Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }> };

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/** index.mjs and every chunk it imports statically (transitively): what a cold start reads. */
async function startFiles(dir: string): Promise<{ start: string[]; lazy: string[] }> {
  const start = new Set<string>();
  const visit = async (file: string) => {
    if (start.has(file)) return;
    start.add(file);
    const code = await readFile(file, 'utf8');
    // esbuild's own output: `from"./chunks/x.mjs"`, `import"./x.mjs"` (static); `import("./x.mjs")` is lazy.
    for (const m of code.matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.mjs)["']/g)) await visit(join(dirname(file), m[1]!));
  };
  await visit(join(dir, 'index.mjs'));
  const chunkDir = join(dir, 'chunks');
  const chunks = existsSync(chunkDir) ? (await readdir(chunkDir)).filter((f) => f.endsWith('.mjs')).map((f) => join(chunkDir, f)) : [];
  return { start: [...start], lazy: chunks.filter((c) => !start.has(c)) };
}

const sumSize = async (files: readonly string[]) => (await Promise.all(files.map((f) => stat(f)))).reduce((n, s) => n + s.size, 0);

/** The AWS SDK a bundle holds, from its source map: client packages with their commands, the document client, the presigner. */
async function sdkOf(dir: string): Promise<Map<string, Set<string>>> {
  const sources = new Set<string>();
  const { start, lazy } = await startFiles(dir);
  for (const file of [...start, ...lazy]) {
    const map = `${file}.map`;
    if (existsSync(map)) for (const s of (JSON.parse(await readFile(map, 'utf8')) as { sources: string[] }).sources) sources.add(s);
  }
  const sdk = new Map<string, Set<string>>();
  const use = (pkg: string, name?: string) => {
    const names = sdk.get(pkg) ?? new Set<string>();
    if (name) names.add(name);
    sdk.set(pkg, names);
  };
  for (const s of sources) {
    const m = /node_modules\/(@aws-sdk\/(?:client-[a-z0-9-]+|lib-dynamodb|s3-request-presigner))\/dist-es\/(.*)\.js$/.exec(s);
    if (!m) continue;
    const [, pkg, file] = m as unknown as [string, string, string];
    const command = /^commands\/(\w+Command)$/.exec(file);
    if (command) use(pkg, command[1]);
    else if (/^\w+Client$/.test(file)) use(pkg, file);
    else if (pkg === '@aws-sdk/s3-request-presigner' && file === 'getSignedUrl') use(pkg, 'getSignedUrl');
    else if (pkg === '@aws-sdk/lib-dynamodb' && file === 'DynamoDBDocumentClient') use(pkg, 'DynamoDBDocumentClient');
  }
  return sdk;
}

/** The reference's source: the same SDK, clients constructed at import as the functions construct theirs. */
function referenceSource(sdk: Map<string, Set<string>>): string {
  const lines: string[] = [];
  const keep: string[] = [];
  const clients: string[] = [];
  for (const [pkg, names] of sdk) {
    if (!names.size) continue;
    lines.push(`import { ${[...names].join(', ')} } from '${pkg}';`);
    for (const n of names) {
      if (n === 'DynamoDBDocumentClient') continue;
      if (n.endsWith('Client')) clients.push(pkg === '@aws-sdk/client-dynamodb' && sdk.get('@aws-sdk/lib-dynamodb')?.has('DynamoDBDocumentClient') ? `DynamoDBDocumentClient.from(new ${n}({}))` : `new ${n}({})`);
      else keep.push(n);
    }
  }
  return `${lines.join('\n')}\nexport const clients = [${clients.join(', ')}];\nexport const keep = [${keep.join(', ')}];\nexport const handler = async () => clients.length + keep.length;\n`;
}

/** One fresh process importing `file`: wall time spawn → exit, and the import alone as timed inside. */
function coldStart(file: string, env: NodeJS.ProcessEnv): { processMs: number; importMs: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [
    '--input-type=module', '-e',
    `const t=performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now()-t)`,
  ], { env });
  return { processMs: performance.now() - t0, importMs: Number(out.toString().trim()) };
}

/** What Lambda would give the function: the template's plain values (others stubbed), a region, credentials. */
function lambdaEnv(variables: Record<string, unknown> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', TZ: ':UTC' };
  for (const [k, v] of Object.entries(variables ?? {})) env[k] = typeof v === 'string' ? v : 'bench';
  return env;
}

export interface BundleFigure {
  function: string;
  kb: number;
  startKb: number;
  lazyKb: number;
  sdk: string[];
  referenceStartKb: number;
  processMs: number;
  referenceProcessMs: number;
  /** Median of the pairs' process-time ratios (function / reference). */
  ratio: number;
  importMs: number;
  referenceImportMs: number;
}

export async function bundleFigures(cdkOut: string, opts: { pairs?: number; only?: string } = {}): Promise<{ pairs: number; functions: BundleFigure[] }> {
  const pairs = opts.pairs ?? DEFAULT_PAIRS;
  const template = JSON.parse(await readFile(join(cdkOut, 'OneStop-local.template.json'), 'utf8')) as Template;
  const work = await mkdtemp(join(tmpdir(), 'onestop-bundles-'));
  const functions: BundleFigure[] = [];
  try {
    for (const [id, r] of Object.entries(template.Resources)) {
      const assetPath = r.Metadata?.['aws:asset:path'];
      if (r.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
      const name = id.replace(/[0-9A-F]{8}$/, '');
      if (opts.only && !name.includes(opts.only)) continue;
      const dir = join(cdkOut, assetPath);
      if (!existsSync(join(dir, 'index.mjs'))) continue;
      const files = await startFiles(dir);
      const sdk = await sdkOf(dir);
      const reference = await buildLikeLambda(referenceSource(sdk), join(work, name), existsSync(join(dir, 'chunks')));
      const env = lambdaEnv(r.Properties?.Environment?.Variables);
      coldStart(join(dir, 'index.mjs'), env); // the first read of each file from disk is not a cold start's
      coldStart(reference, env);
      const ours: number[] = [], refs: number[] = [], ratios: number[] = [], oursImport: number[] = [], refsImport: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const [a, b] = i % 2 ? [coldStart(reference, env), coldStart(join(dir, 'index.mjs'), env)].reverse() : [coldStart(join(dir, 'index.mjs'), env), coldStart(reference, env)];
        ours.push(a!.processMs);
        refs.push(b!.processMs);
        ratios.push(a!.processMs / b!.processMs);
        oursImport.push(a!.importMs);
        refsImport.push(b!.importMs);
      }
      functions.push({
        function: name,
        kb: kb((await stat(join(dir, 'index.mjs'))).size),
        startKb: kb(await sumSize(files.start)),
        lazyKb: kb(await sumSize(files.lazy)),
        sdk: [...sdk.keys()].map((p) => p.replace('@aws-sdk/', '')),
        referenceStartKb: kb(await sumSize((await startFiles(dirname(reference))).start)),
        processMs: percentile(ours, 50),
        referenceProcessMs: percentile(refs, 50),
        ratio: Math.round(percentile(ratios.map((x) => x * 1000), 50)) / 1000,
        importMs: percentile(oursImport, 50),
        referenceImportMs: percentile(refsImport, 50),
      });
      process.stderr.write(`  ${name}: ${functions.at(-1)!.startKb} KB, ×${functions.at(-1)!.ratio}\n`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { pairs, functions };
}

/** A table for the terminal. */
export function bundleTable(figures: Awaited<ReturnType<typeof bundleFigures>>): string {
  const rows = [...figures.functions].sort((a, b) => b.startKb - a.startKb);
  const head = ['function', 'start KB', 'lazy KB', 'ref KB', 'process ms', 'ref ms', 'ratio', 'import ms', 'ref import ms', 'SDK'];
  const body = rows.map((f) => [f.function, f.startKb, f.lazyKb || '', f.referenceStartKb, f.processMs, f.referenceProcessMs, f.ratio, f.importMs, f.referenceImportMs, f.sdk.join(' ')].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const pairs = Number(flag('--pairs') ?? DEFAULT_PAIRS);
  const only = flag('--only');
  let cdkOut = args[0];
  let temporary: string | undefined;
  if (!cdkOut) {
    const { synth } = await import('../local/template.ts');
    temporary = cdkOut = await mkdtemp(join(tmpdir(), 'onestop-bundles-cdk-'));
    process.stderr.write(`synthesizing stage local into ${relative(process.cwd(), cdkOut) || cdkOut} …\n`);
    await synth(root, cdkOut);
  }
  try {
    const { validationFigures } = await import('./validation.ts');
    const figures = { at: new Date().toISOString(), bundles: await bundleFigures(cdkOut, { pairs, ...(only ? { only } : {}) }), validation: await validationFigures() };
    await mkdir(join(root, 'bench/results'), { recursive: true });
    await writeFile(join(root, 'bench/results/bundles.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(bundleTable(figures.bundles));
    console.log(JSON.stringify(figures.validation, null, 2));
  } finally {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  }
}
