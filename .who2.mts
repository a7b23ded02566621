import { buildSync } from 'esbuild';
import { sharedBuildOptions, repoRoot } from './infra/constructs/bundles.ts';
for (const entry of process.argv.slice(2)) {
  const r = buildSync({ ...sharedBuildOptions, absWorkingDir: repoRoot, entryPoints: { index: entry }, write: false, outdir: '/tmp/sz/out', sourcemap: false, splitting: true, chunkNames: 'chunks/[name]-[hash]', metafile: true });
  const out = Object.entries(r.metafile!.outputs).find(([k]) => k.endsWith('/index.mjs'))![1];
  console.log('==', entry);
  for (const [m, v] of Object.entries(out.inputs).filter(([k]) => k.startsWith('schemas/')).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)) {
    const importers = Object.entries(r.metafile!.inputs).filter(([, x]) => x.imports.some((i) => i.path === m && i.kind === 'import-statement')).map(([k]) => k.replace(/^(functions|schemas)\//, ''));
    console.log((v.bytesInOutput / 1024).toFixed(1).padStart(6), m, '<-', importers.join(', '));
  }
}
