/**
 * Lambda layers, locally. In Lambda a function's layers are unzipped, in the
 * order of its `Layers` list, into /opt: a file of a later layer replaces the
 * file of an earlier layer at the same path. This machine has no /opt to give
 * each worker thread, so the local cloud does the honest minimum:
 *   - each AWS::Lambda::LayerVersion of the stack is modelled with its asset
 *     directory in cdk.out (Metadata `aws:asset:path`), like function code;
 *   - an environment variable of the function whose value starts with `/opt/`
 *     is rewritten to the same relative path inside the LAST of the function's
 *     layers that contains it (the one whose file Lambda would leave in /opt);
 *     when no layer contains it, start-up stops, naming the function, the
 *     variable and the layers searched.
 *
 * LIMITATION: only paths handed to the code through an environment variable
 * work. Code that hard-codes a /opt path (`readFile('/opt/fonts/x.ttf')`), or
 * relies on what Lambda derives from /opt by itself (NODE_PATH with
 * /opt/nodejs/node_modules, PATH with /opt/bin, extensions in /opt/extensions),
 * does not work locally. So that this cannot half-work, a layer that ships node
 * modules (`nodejs/`) or extensions (`extensions/`) stops start-up, and so does
 * a layer that is not built from a local asset of this stack (an ARN of another
 * stack or account, a layer from an S3 object).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CfnTemplate, Resolver } from './intrinsics.ts';

export interface LayerModel {
  readonly logicalId: string;
  /** Absolute path of the layer's asset directory: what Lambda unzips into /opt. */
  readonly assetDir: string;
}

/** Directories of a layer that Lambda wires up by itself (not through an env variable): not emulated. */
const UNSUPPORTED_LAYER_DIRS: Record<string, string> = {
  nodejs: 'node modules for NODE_PATH',
  extensions: 'Lambda extensions',
};

/** The function's layers, in its `Layers` order; throws for a layer the local cloud cannot provide. */
export function functionLayers(
  template: CfnTemplate,
  r: Resolver,
  cdkOut: string,
  lookup: (arnOrName: string, types: string[], where: string) => string,
  functionId: string,
  layers: unknown,
): LayerModel[] {
  if (layers === undefined) return [];
  const list = r.resolve(layers, `${functionId}.Layers`);
  if (!Array.isArray(list)) throw new Error(`${functionId}.Layers: expected a list, got ${JSON.stringify(list)}`);
  return list.map((arn, i): LayerModel => {
    const where = `${functionId}.Layers[${i}]`;
    const id = lookup(String(arn), ['AWS::Lambda::LayerVersion'], `${where} (only layers built from an asset of this stack can be emulated locally)`);
    const assetPath = template.Resources[id]!.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') {
      throw new Error(`${where}: layer ${id} has no local asset (Metadata aws:asset:path); only layers built with Code.fromAsset can be emulated locally`);
    }
    const assetDir = path.resolve(cdkOut, assetPath);
    for (const [dir, what] of Object.entries(UNSUPPORTED_LAYER_DIRS)) {
      if (existsSync(path.join(assetDir, dir))) {
        throw new Error(`${where}: layer ${id} ships ${dir}/ (${what}), which Lambda wires up from /opt by itself; the local cloud only emulates layer files reached through an environment variable under /opt/`);
      }
    }
    return { logicalId: id, assetDir };
  });
}

/**
 * The function's environment with every `/opt/...` value pointed at the layer
 * that provides it: the last layer in `layers` containing the relative path, as
 * later layers overwrite earlier ones in /opt.
 */
export function resolveOptPaths(functionId: string, environment: Record<string, string>, layers: readonly LayerModel[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== '/opt' && !value.startsWith('/opt/')) {
      out[name] = value;
      continue;
    }
    const where = `${functionId}.Environment.Variables.${name}`;
    const relative = value.slice('/opt/'.length);
    if (!relative) {
      // /opt itself is the MERGE of all layers: only one layer is one directory.
      if (layers.length !== 1) throw new Error(`${where}: ${value} is the merge of ${layers.length} layers, which the local cloud cannot give as one directory`);
      out[name] = layers[0]!.assetDir + (value.endsWith('/') ? '/' : '');
      continue;
    }
    const provider = [...layers].reverse().find((l) => {
      const candidate = path.resolve(l.assetDir, relative);
      return candidate.startsWith(l.assetDir + path.sep) && existsSync(candidate);
    });
    if (!provider) {
      const searched = layers.length ? `its layers ${layers.map((l) => `${l.logicalId} (${l.assetDir})`).join(', ')}` : 'it has no layers';
      throw new Error(`${where}: ${value} is in no layer of the function (${searched}); in Lambda the path would not exist either`);
    }
    out[name] = path.join(provider.assetDir, relative) + (relative.endsWith('/') ? '/' : '');
  }
  return out;
}
