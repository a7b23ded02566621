/**
 * Test helpers: synthesize the OneStop app the way the CLI does (same cdk.json
 * context, same buildOneStop), once per stage and file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildOneStop } from '../../infra/build.ts';
import { repoRoot } from '../../infra/constructs/domain-function.ts';
import type { StageName } from '../../infra/config.ts';

/** The feature flags and other context of cdk.json (the CLI passes them; `new App()` alone would not). */
export const cdkJsonContext: Record<string, unknown> =
  JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')).context ?? {};

export interface SynthOptions {
  /** Run esbuild for the functions (slower); otherwise bundling is skipped. @default false */
  readonly bundling?: boolean;
  /** Register cdk-nag. @default false */
  readonly nag?: boolean;
}

/** An App with the context of cdk.json; `stage` undefined leaves the stage to the app's default. */
export function newApp(stage: StageName | string | undefined, options: SynthOptions = {}): { app: App; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), `onestop-${stage ?? 'default'}-`));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext,
      // What the CLI sets: construct paths and asset paths in resource Metadata (the local cloud reads them).
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      ...(stage === undefined ? {} : { stage }),
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  return { app, outdir };
}

/** The synthesized template of `OneStop-<stage>` (no cdk-nag, no bundling unless asked). */
export function synthTemplate(stage: StageName, options: SynthOptions = {}): Template {
  const { app, outdir } = newApp(stage, options);
  const { stack } = buildOneStop(app, { nag: options.nag ?? false });
  try {
    return Template.fromStack(stack);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> };

/** Resources of a type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id of the resource created by construct `<stack>/<constructPath>/Resource` (or exactly that path). */
export function logicalIdByPath(template: Template, constructPath: string): string {
  const all = template.toJSON().Resources as Record<string, Resource>;
  const matches = Object.entries(all).filter(([, r]) => {
    const p: string | undefined = r.Metadata?.['aws:cdk:path'];
    if (!p) return false;
    const rel = p.slice(p.indexOf('/') + 1);
    return rel === constructPath || rel === `${constructPath}/Resource`;
  });
  if (matches.length !== 1) throw new Error(`expected one resource at ${constructPath}, found ${matches.length}`);
  return matches[0]![0];
}

/** Every statement of the policies attached to a function's role, Action always a list. */
export function statementsOf(template: Template, functionId: string) {
  const role = template.toJSON().Resources[logicalIdByPath(template, functionId)].Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown }[])
    .map((s) => ({ ...s, Action: [s.Action].flat() }));
}
