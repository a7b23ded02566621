/**
 * The infra project's global setup: the templates of stages dev, prod and
 * local synthesized once per run (no bundling, no cdk-nag) and handed to every
 * file by path, instead of each file synthesizing the same app again.
 * nag.test.ts, web.test.ts and the files that build their own App still
 * synthesize: they need the construct tree or a configuration of their own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { TestProject } from 'vitest/node';
import { buildOneStop } from '../../infra/build.ts';
import { stageNames } from '../../infra/config.ts';
import { newApp } from './synth.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** Directory holding `<stage>.template.json` for every stage. */
    infraTemplates: string;
  }
}

let dir: string | undefined;

export function setup(project: TestProject): void {
  dir = mkdtempSync(path.join(tmpdir(), 'onestop-templates-'));
  for (const stage of stageNames) {
    const { app, outdir } = newApp(stage);
    try {
      const { stack } = buildOneStop(app, { nag: false });
      writeFileSync(path.join(dir, `${stage}.template.json`), JSON.stringify(Template.fromStack(stack).toJSON()));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  project.provide('infraTemplates', dir);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
