/**
 * Lambda layers in the local cloud: a function's `Layers` resolved to the
 * layer assets in cdk.out, environment paths under /opt/ pointed into the layer
 * that provides them (later layers win, as in /opt), the refusal of layers that
 * cannot be emulated, and a real function reading a layer file through its
 * environment variable.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Resolver, type CfnResource, type CfnTemplate } from '../../../local/intrinsics.ts';
import { extractModel, type FunctionModel } from '../../../local/template.ts';
import { LambdaRuntime } from '../../../local/lambda/runtime.ts';

const secrets = () => 'secret';

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

describe('layers of a synthesized stack', () => {
  let dir: string;
  let cdkOut: string;
  let template: CfnTemplate;
  let fn: FunctionModel;
  let runtime: LambdaRuntime | undefined;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'layers-'));
    cdkOut = path.join(dir, 'cdk.out');
    write(path.join(dir, 'src', 'index.mjs'), `
import { readFileSync } from 'node:fs';
export const handler = async () => ({ font: readFileSync(process.env.CJK_FONT_PATH, 'utf8'), base: readFileSync(process.env.BASE_ONLY, 'utf8'), other: process.env.OTHER });`);
    // Two layers with a file at the same path: in /opt the later layer's file is the one left.
    write(path.join(dir, 'base-layer', 'fonts', 'NotoSansCJK.ttf'), 'base font');
    write(path.join(dir, 'base-layer', 'fonts', 'base-only.ttf'), 'only in base');
    write(path.join(dir, 'font-layer', 'fonts', 'NotoSansCJK.ttf'), 'cjk font');
    const app = new App({ outdir: cdkOut, builtinCloudFormationValidation: false, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'S');
    const base = new lambda.LayerVersion(stack, 'BaseLayer', { code: lambda.Code.fromAsset(path.join(dir, 'base-layer')) });
    const cjk = new lambda.LayerVersion(stack, 'CjkFontLayer', { code: lambda.Code.fromAsset(path.join(dir, 'font-layer')) });
    new lambda.Function(stack, 'ReceiptFunction', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(dir, 'src')),
      layers: [base, cjk],
      environment: { CJK_FONT_PATH: '/opt/fonts/NotoSansCJK.ttf', BASE_ONLY: '/opt/fonts/base-only.ttf', OTHER: '/optional/not-a-layer-path' },
    });
    template = app.synth().getStackByName('S').template as CfnTemplate;
    fn = extractModel(template, cdkOut, secrets, 'S').functions.find((f) => f.logicalId.startsWith('ReceiptFunction'))!;
  });

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const layerId = (prefix: string) => Object.keys(template.Resources).find((id) => id.startsWith(prefix))!;

  it('resolves Ref of a layer version to its ARN, as CloudFormation does', () => {
    const r = new Resolver(template, 'S');
    expect(r.resolve({ Ref: layerId('CjkFontLayer') }, 'X')).toBe(`arn:aws:lambda:us-east-1:000000000000:layer:${layerId('CjkFontLayer')}:1`);
  });

  it('models the function\'s layers in order, with their asset directories in cdk.out', () => {
    expect(fn.layers).toEqual([
      { logicalId: layerId('BaseLayer'), assetDir: expect.stringContaining(`${cdkOut}${path.sep}asset.`) },
      { logicalId: layerId('CjkFontLayer'), assetDir: expect.stringContaining(`${cdkOut}${path.sep}asset.`) },
    ]);
  });

  it('points /opt/ paths into the last layer that has the file, and leaves other values alone', () => {
    const [base, cjk] = fn.layers!;
    expect(fn.environment).toEqual({
      CJK_FONT_PATH: path.join(cjk!.assetDir, 'fonts', 'NotoSansCJK.ttf'),
      BASE_ONLY: path.join(base!.assetDir, 'fonts', 'base-only.ttf'),
      OTHER: '/optional/not-a-layer-path',
    });
  });

  it('lets the running function read the layer file through its environment variable', async () => {
    runtime = new LambdaRuntime([fn], { baseEnv: {}, logDir: path.join(dir, 'logs') });
    expect(await runtime.invoke(fn.logicalId, {})).toEqual({ font: 'cjk font', base: 'only in base', other: '/optional/not-a-layer-path' });
  });
});

describe('layers the local cloud refuses', () => {
  let cdkOut: string;
  beforeAll(() => {
    cdkOut = mkdtempSync(path.join(tmpdir(), 'layers-refused-'));
    write(path.join(cdkOut, 'asset.fonts', 'fonts', 'a.ttf'), 'x');
    write(path.join(cdkOut, 'asset.modules', 'nodejs', 'node_modules', 'm', 'index.js'), '');
    write(path.join(cdkOut, 'outside.txt'), 'not in any layer');
  });
  afterAll(() => rmSync(cdkOut, { recursive: true, force: true }));

  const template = (layers: unknown[], env: Record<string, string>, layerRes: Record<string, CfnResource> = {}): CfnTemplate => ({
    Resources: {
      FontLayer: { Type: 'AWS::Lambda::LayerVersion', Metadata: { 'aws:asset:path': 'asset.fonts' }, Properties: {} },
      ...layerRes,
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Layers: layers, Environment: { Variables: env } } },
    },
  });
  const load = (t: CfnTemplate) => extractModel(t, cdkOut, secrets);

  it('accepts a path that a layer has, and a layer without /opt variables', () => {
    expect(load(template([{ Ref: 'FontLayer' }], { F: '/opt/fonts/a.ttf' })).functions[0]!.environment.F).toBe(path.join(cdkOut, 'asset.fonts', 'fonts', 'a.ttf'));
    expect(load(template([{ Ref: 'FontLayer' }], {})).functions[0]!.layers).toHaveLength(1);
  });

  it.each([
    ['a /opt path no layer has', template([{ Ref: 'FontLayer' }], { CJK_FONT_PATH: '/opt/fonts/missing.ttf' }), /Fn\.Environment\.Variables\.CJK_FONT_PATH: \/opt\/fonts\/missing\.ttf is in no layer of the function \(its layers FontLayer/],
    ['a /opt path on a function without layers', template([], { F: '/opt/fonts/a.ttf' }), /F: \/opt\/fonts\/a\.ttf is in no layer of the function \(it has no layers\)/],
    ['a path escaping the layer', template([{ Ref: 'FontLayer' }], { F: '/opt/../outside.txt' }), /is in no layer of the function/],
    ['a layer of another account', template(['arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:20'], {}), /Fn\.Layers\[0\] \(only layers built from an asset of this stack can be emulated locally\)/],
    ['a layer without a local asset', template([{ Ref: 'S3Layer' }], {}, { S3Layer: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'b', S3Key: 'k.zip' } } } }), /Fn\.Layers\[0\]: layer S3Layer has no local asset/],
    ['a layer of node modules', template([{ Ref: 'ModulesLayer' }], {}, { ModulesLayer: { Type: 'AWS::Lambda::LayerVersion', Metadata: { 'aws:asset:path': 'asset.modules' } } }), /layer ModulesLayer ships nodejs\/ \(node modules for NODE_PATH\)/],
  ])('stops start-up on %s', (_what, t, message) => {
    expect(() => load(t)).toThrow(message);
  });
});
