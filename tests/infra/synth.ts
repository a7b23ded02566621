/**
 * Test helpers: synthesize the OneStop app the way the CLI does (same cdk.json
 * context, same buildOneStop); the templates of the stages come from the
 * project's global setup (global-setup.ts), synthesized once per run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import { repoRoot } from '../../infra/constructs/bundles.ts';
import type { StageName } from '../../infra/config.ts';
import { WebSite } from '../../infra/constructs/web-site.ts';

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
    // CDK's built-in CloudFormation validation only prints warnings unless a context flag asks for
    // more, and no test reads them: ~4 s of CPU per synthesis saved.
    builtinCloudFormationValidation: false,
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

/** A stack's template: from an assembly directory when given (no synthesis), else synthesized. */
type TemplateSource = (s: Stack) => Record<string, any>;
const synthesized: TemplateSource = (s) => structuredClone(Template.fromStack(s).toJSON());
export const fromAssembly = (dir: string): TemplateSource => (s) => JSON.parse(readFileSync(path.join(dir, s.templateFile), 'utf8'));

/**
 * The template of `stack` with its nested stacks' resources inlined (the
 * alarms, decision 76; the API's routes, decision 107; not the web site, which
 * web.test.ts reads from its own template): their parameters replaced by the
 * values the parent passes, so an alarm or a route names the parent's
 * resources as it would in one template, its logical id suffixed with the
 * nested stack's id. Resource counts per real template: `templateSizes`.
 */
export function withNestedInlined(stack: Stack, source: TemplateSource = synthesized): Record<string, any> {
  const parent = source(stack);
  for (const nested of stack.node.findAll().filter((n): n is NestedStack => n instanceof NestedStack && !(n instanceof WebSite))) {
    const own = source(nested);
    const stackResource = Object.entries(parent.Resources as Record<string, Resource>).find(([, r]) => r.Type === 'AWS::CloudFormation::Stack' && r.Metadata?.['aws:cdk:path']?.startsWith(`${nested.node.path}.NestedStack/`));
    if (!stackResource) throw new Error(`no AWS::CloudFormation::Stack resource for ${nested.node.path}`);
    const passed = (stackResource[1].Properties?.Parameters ?? {}) as Record<string, unknown>;
    const substitute = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(substitute);
      if (!v || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      if (Object.keys(o).length === 1 && typeof o.Ref === 'string' && o.Ref in passed) return passed[o.Ref];
      return Object.fromEntries(Object.entries(o).map(([k, inner]) => [k, substitute(inner)]));
    };
    for (const [id, r] of Object.entries(own.Resources as Record<string, Resource>)) {
      const inlinedId = `${id}${nested.node.id}`;
      if (inlinedId in parent.Resources) throw new Error(`${inlinedId} of ${nested.node.path} is already a resource of ${stack.node.path}`);
      parent.Resources[inlinedId] = substitute(r);
    }
  }
  return parent;
}

/** Resources and parameters of the stack's template and of each nested stack's. */
export function templateSizes(stack: Stack, source: TemplateSource = synthesized): { path: string; resources: number; parameters: number }[] {
  const stacks = [stack, ...stack.node.findAll().filter((n): n is NestedStack => n instanceof NestedStack)];
  return stacks.map((s) => {
    const t = source(s);
    return { path: s.node.path, resources: Object.keys(t.Resources ?? {}).length, parameters: Object.keys(t.Parameters ?? {}).length };
  });
}
