/**
 * Test helpers: synthesize the OneStop app the way the CLI does (same cdk.json
 * context, same buildOneStop); the templates of the stages come from the
 * project's global setup (global-setup.ts), synthesized once per run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { repoRoot } from '../../infra/constructs/domain-function.ts';
import type { StageName } from '../../infra/config.ts';

/** The feature flags and other context of cdk.json (the CLI passes them; `new App()` alone would not). */
export const cdkJsonContext: Record<string, unknown> =
  JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')).context ?? {};

/**
 * An App with the context of cdk.json and bundling skipped (the integration
 * tests' local cloud runs real bundles); `stage` undefined leaves the stage to
 * the app's default.
 */
export function newApp(stage: StageName | string | undefined): { app: App; outdir: string } {
  const outdir = mkdtempSync(path.join(tmpdir(), `onestop-${stage ?? 'default'}-`));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext,
      // What the CLI sets: construct paths and asset paths in resource Metadata (the local cloud reads them).
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      ...(stage === undefined ? {} : { stage }),
      'aws:cdk:bundling-stacks': [],
    },
  });
  return { app, outdir };
}

/**
 * The synthesized template of `OneStop-<stage>` (no cdk-nag, no bundling), as
 * the infra project's global setup synthesized it once for the whole run.
 */
export function synthTemplate(stage: StageName): Template {
  return Template.fromJSON(JSON.parse(readFileSync(path.join(inject('infraTemplates'), `${stage}.template.json`), 'utf8')));
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
