/**
 * `npx tsx bench/pdf-sizes.ts`: size, render and signing time of each PDF
 * document, reported not asserted.
 *
 *  - in this process: the first render (module import, font read and parse,
 *    cold JIT) and then the median of warm renders of each document, and of
 *    its signature with a local key (the CMS and the fill; with KMS add a Sign
 *    request, and a GetPublicKey and a Sign for the container's first certificate);
 *  - the renderers and the signing bundled as a Lambda bundles them (esbuild,
 *    minified ESM), with and without the stubs of PDF_BUNDLE_ALIASES, and the
 *    bundle imported and run in fresh Node processes: the cold start's share.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cjkFontLocalPath, PDF_BUNDLE_ALIASES } from '../functions/documents/pdf/font-asset.ts';
import { certificate, longReceipt, receipt, refusal, supplement } from '../tests/unit/documents/pdf-samples.ts';
import { percentile } from './stats.ts';

const WARM_RUNS = 20;
const FRESH_PROCESSES = 5;
const root = new URL('..', import.meta.url).pathname;
const ms = (n: number) => Math.round(n * 10) / 10;

process.env.CJK_FONT_PATH = cjkFontLocalPath();

const t0 = performance.now();
const { loadCjkFont } = await import('../functions/documents/pdf/font.ts');
const render = await import('../functions/documents/pdf/render.ts');
const { DocumentSigner, documentSignerFromEnv } = await import('../functions/documents/signing/issuer-key.ts');
const t1 = performance.now();
const signer = new DocumentSigner(documentSignerFromEnv({ DOCUMENT_SIGNING_SECRET: 'bench' }));
const font = await loadCjkFont();
const t2 = performance.now();
await render.renderAcceptanceReceipt(font, receipt);
const t3 = performance.now();
console.log(`cold, in process: import ${ms(t1 - t0)} ms, font read ${ms(t2 - t1)} ms (${font.length} bytes), first render ${ms(t3 - t2)} ms`);

const documents: [string, () => Promise<Uint8Array>][] = [
  ['受理通知书 (5 materials)', () => render.renderAcceptanceReceipt(font, receipt)],
  ['受理通知书 (60 materials)', () => render.renderAcceptanceReceipt(font, longReceipt(60))],
  ['不予受理通知书', () => render.renderRefusalNotice(font, refusal)],
  ['补正材料通知书', () => render.renderSupplementNotice(font, supplement)],
  ['证书', () => render.renderCertificate(font, certificate)],
];
const rows = [];
for (const [name, run] of documents) {
  const times: number[] = [];
  const signTimes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARM_RUNS; i++) {
    const start = performance.now();
    const prepared = await run();
    const rendered = performance.now();
    bytes = (await signer.sign(prepared, receipt.centerName)).length;
    times.push(rendered - start);
    signTimes.push(performance.now() - rendered);
  }
  rows.push({ document: name, bytes, kb: ms(bytes / 1024), warmMedianMs: ms(percentile(times, 50)), warmP90Ms: ms(percentile(times, 90)), signMedianMs: ms(percentile(signTimes, 50)) });
}
console.table(rows);

const dir = await mkdtemp(join(tmpdir(), 'onestop-pdf-'));
const entry = join(dir, 'entry.ts');
await writeFile(entry, [
  `export { loadCjkFont } from ${JSON.stringify(join(root, 'functions/documents/pdf/font.ts'))};`,
  `export { renderAcceptanceReceipt } from ${JSON.stringify(join(root, 'functions/documents/pdf/render.ts'))};`,
  // The CMS and certificate writers without the KMS client, which the Lambda bundle shares with its other SDK clients.
  `export { selfIssuedCertificate } from ${JSON.stringify(join(root, 'functions/documents/signing/certificate.ts'))};`,
  `export { signPdf } from ${JSON.stringify(join(root, 'functions/documents/signing/pades.ts'))};`,
  '',
].join('\n'));

const bundles = [];
for (const [variant, aliases] of [['as is', {}], ['with PDF_BUNDLE_ALIASES', PDF_BUNDLE_ALIASES]] as const) {
  const outfile = join(dir, `${bundles.length}.mjs`);
  await build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node24', minify: true,
    mainFields: ['module', 'main'], absWorkingDir: root, alias: aliases, logLevel: 'error',
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  });
  const runs = Array.from({ length: FRESH_PROCESSES }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `
    const t0 = performance.now(); const m = await import(${JSON.stringify(outfile)}); const t1 = performance.now();
    const font = await m.loadCjkFont(); const t2 = performance.now();
    const prepared = await m.renderAcceptanceReceipt(font, JSON.parse(process.env.SAMPLE)); const t3 = performance.now();
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = { keyId: 'bench', sign: async (m) => sign('sha256', m, privateKey), publicKey: async () => publicKey.export({ type: 'spki', format: 'der' }) };
    const t3b = performance.now();
    const certificate = await m.selfIssuedCertificate(signer, 'bench', new Date());
    const pdf = await m.signPdf(prepared, { signer, certificate, signedAt: new Date() }); const t4 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, fontReadMs: t2 - t1, firstRenderMs: t3 - t2, firstSignMs: t4 - t3b, bytes: pdf.length }));
  `], { env: { ...process.env, SAMPLE: JSON.stringify(receipt) } }).toString()) as { importMs: number; fontReadMs: number; firstRenderMs: number; firstSignMs: number; bytes: number });
  const median = (key: 'importMs' | 'fontReadMs' | 'firstRenderMs' | 'firstSignMs') => ms(percentile(runs.map((r) => r[key]), 50));
  bundles.push({ variant, bundleKb: ms((await stat(outfile)).size / 1024), importMs: median('importMs'), fontReadMs: median('fontReadMs'), firstRenderMs: median('firstRenderMs'), firstSignMs: median('firstSignMs'), pdfBytes: runs[0]!.bytes });
}
console.log(`fresh Node processes (median of ${FRESH_PROCESSES}), renderers bundled alone:`);
console.table(bundles);
