/**
 * Bundle size of every Lambda in the synthesized local stack, and the time to
 * import each bundle in a fresh Node process next to a hello-world bundle
 * built with the same esbuild settings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { percentile } from './stats.ts';

const RUNS = 15;

/**
 * Median over RUNS fresh processes of (a) the import alone, timed inside the
 * process, and (b) the whole process from spawn to exit (Node's own start-up
 * included, as in a cold start's INIT phase).
 */
function importFigures(file: string): { importMs: number; processMs: number } {
  const inside: number[] = [];
  const whole: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t)`,
    ]);
    whole.push(performance.now() - t0);
    inside.push(Number(out.toString().trim()));
  }
  return { importMs: percentile(inside, 50), processMs: percentile(whole, 50) };
}

async function helloWorld(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onestop-hello-'));
  await writeFile(join(dir, 'hello.ts'), 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
  await build({ entryPoints: [join(dir, 'hello.ts')], outfile: join(dir, 'index.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node24', minify: true });
  return join(dir, 'index.mjs');
}

export async function bundleFigures(cdkOut: string) {
  const template = JSON.parse(await readFile(join(cdkOut, 'OneStop-local.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  const hello = importFigures(await helloWorld());
  const functions = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const assetPath = r.Metadata?.['aws:asset:path'];
    if (r.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
    const file = join(cdkOut, assetPath, 'index.mjs');
    const figures = importFigures(file);
    functions.push({
      function: id,
      kb: Math.round((await stat(file)).size / 102.4) / 10,
      ...figures,
      processRatioToHello: Math.round((figures.processMs / hello.processMs) * 100) / 100,
    });
  }
  return { helloWorld: hello, functions };
}
