/**
 * The infra project's global setup: each stage (dev, prod, local) synthesized
 * once per run as the CLI does it (cdk-nag on, no bundling) and handed to every
 * file by path, instead of each file synthesizing the same app again:
 * `<stage>.template.json` (the alarms' and routes' nested stacks inlined: synth.ts
 * `withNestedInlined`), `<stage>.sizes.json` (each real template's size),
 * `<stage>.nag.json` (nag-report.ts), and the dev stage's whole cloud assembly
 * (the site's template and asset for web.test.ts). Files that build an App of
 * their own configuration still synthesize.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildOneStop } from '../../infra/build.ts';
import { stageNames } from '../../infra/config.ts';
import { WebSite } from '../../infra/constructs/web-site.ts';
import { synthWithNag } from './nag-report.ts';
import { fromAssembly, newApp, templateSizes, withNestedInlined } from './synth.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** Directory holding `<stage>.template.json`, `<stage>.sizes.json` and `<stage>.nag.json` for every stage. */
    infraTemplates: string;
    /** The dev stage's cloud assembly, and where in it the site's nested stack is. */
    devAssembly: { dir: string; stackTemplate: string; siteTemplate: string; sitePath: string };
  }
}

const cleanup: string[] = [];

export function setup(project: TestProject): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'onestop-templates-'));
  cleanup.push(dir);
  for (const stage of stageNames) {
    const { app, outdir } = newApp(stage);
    cleanup.push(outdir);
    const { stack } = buildOneStop(app);
    const { assemblyDir, report } = synthWithNag(app, stack, outdir);
    const source = fromAssembly(assemblyDir);
    writeFileSync(path.join(dir, `${stage}.template.json`), JSON.stringify(withNestedInlined(stack, source)));
    writeFileSync(path.join(dir, `${stage}.sizes.json`), JSON.stringify(templateSizes(stack, source)));
    writeFileSync(path.join(dir, `${stage}.nag.json`), JSON.stringify(report));
    if (stage === 'dev') {
      const site = stack.node.children.find((c): c is WebSite => c instanceof WebSite);
      if (!site) throw new Error('the stack has no WebSite');
      project.provide('devAssembly', { dir: assemblyDir, stackTemplate: stack.templateFile, siteTemplate: site.templateFile, sitePath: site.node.path });
    }
  }
  project.provide('infraTemplates', dir);
}

export function teardown(): void {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}
