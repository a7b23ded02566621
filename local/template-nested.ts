/**
 * Nested stacks the local cloud serves from: the HTTP API's routes live in a
 * nested stack of their own (infra/constructs/http-routes.ts, decision 107).
 * Its template is a file of the cloud assembly (the AWS::CloudFormation::Stack
 * resource's `aws:asset:path` metadata); its resources are read as if they
 * were the parent's, each parameter replaced by the value the parent passes.
 * Only nested stacks holding API Gateway resources are read: the alarms and
 * the web site (CloudFront, CDK's deployment function) are not run locally.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnResource, CfnTemplate } from './intrinsics.ts';

const served = (t: CfnTemplate) => Object.values(t.Resources).some((r) => r.Type.startsWith('AWS::ApiGatewayV2::'));

/** `template` with the resources of the nested stacks it serves from (see above) added, logical ids suffixed with the nested stack's. */
export function withNestedStacks(template: CfnTemplate, cdkOut: string): CfnTemplate {
  const resources: Record<string, CfnResource> = { ...template.Resources };
  for (const [stackId, res] of Object.entries(template.Resources)) {
    if (res.Type !== 'AWS::CloudFormation::Stack') continue;
    const asset = res.Metadata?.['aws:asset:path'];
    if (typeof asset !== 'string') throw new Error(`${stackId}: a nested stack without aws:asset:path metadata (synthesize with asset metadata)`);
    const file = path.join(cdkOut, asset);
    if (!existsSync(file)) throw new Error(`${stackId}: the nested stack's template ${file} is not in the cloud assembly`);
    const nested = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
    if (!served(nested)) continue;
    const passed = (res.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const substitute = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(substitute);
      if (!v || typeof v !== 'object') return v;
      const o = v as Record<string, unknown>;
      if (Object.keys(o).length === 1 && typeof o.Ref === 'string' && o.Ref in (nested.Parameters ?? {})) {
        if (!(o.Ref in passed)) throw new Error(`${stackId}: parameter ${o.Ref} of the nested stack is not passed by the parent`);
        return passed[o.Ref];
      }
      return Object.fromEntries(Object.entries(o).map(([k, inner]) => [k, substitute(inner)]));
    };
    for (const [id, nestedRes] of Object.entries(nested.Resources)) {
      const inlinedId = `${id}${stackId}`;
      if (inlinedId in resources) throw new Error(`${stackId}: ${id} collides with ${inlinedId} of the parent`);
      resources[inlinedId] = substitute(nestedRes) as CfnResource;
    }
  }
  return { ...template, Resources: resources };
}
