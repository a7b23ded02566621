/**
 * The local Lambda runtime with a tiny handler bundle: each function has its
 * own environment and module state, errors keep the sandbox, a timeout fails the
 * invocation and resets the sandbox.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LambdaInvocationError, LambdaRuntime } from '../../../local/lambda/runtime.ts';
import type { FunctionModel } from '../../../local/template.ts';

const handlerSource = `
let count = 0;
console.log('initialised');
export const handler = async (event, context) => {
  if (event.log) {
    console.log('during', event.log);
    process.stdout.write('part-');
    process.stdout.write('ial line\\n');
    console.error('to stderr');
    setTimeout(() => console.log('after the answer'), 5);
  }
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  if (event.fail) throw new TypeError('bad input');
  count++;
  return {
    a: process.env.ONLY_A ?? null, b: process.env.ONLY_B ?? null, region: process.env.AWS_REGION,
    name: process.env.AWS_LAMBDA_FUNCTION_NAME, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    count, remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId, arn: context.invokedFunctionArn,
    when: new Date(0), given: event.given ?? null,
  };
};`;

let dir: string;
let runtime: LambdaRuntime;

const fn = (id: string, env: Record<string, string>): FunctionModel => ({
  logicalId: id, name: id, arn: `arn:aws:lambda:us-east-1:000000000000:function:${id}`,
  assetDir: path.join(dir, 'asset'), handlerFile: 'index.mjs', handlerExport: 'handler',
  environment: env, timeoutSeconds: 1, memoryMb: 128, runtime: 'nodejs24.x',
});

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'runtime-test-'));
  mkdirSync(path.join(dir, 'asset'));
  writeFileSync(path.join(dir, 'asset', 'index.mjs'), handlerSource);
  runtime = new LambdaRuntime([fn('FnA', { ONLY_A: 'a' }), fn('FnB', { ONLY_B: 'b' })], {
    baseEnv: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' },
    logDir: path.join(dir, 'logs'),
  });
});

afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Out = { a: string | null; b: string | null; region: string; name: string; endpoint: string; count: number; remaining: number; requestId: string; arn: string; when: string; given: unknown };

describe('LambdaRuntime', () => {
  it('gives each function its own environment, never this process\'s', async () => {
    const a = (await runtime.invoke('FnA', {})) as Out;
    const b = (await runtime.invoke('FnB', {})) as Out;
    expect(a).toMatchObject({ a: 'a', b: null, region: 'us-east-1', name: 'FnA', endpoint: 'http://127.0.0.1:1', arn: 'arn:aws:lambda:us-east-1:000000000000:function:FnA' });
    expect(b).toMatchObject({ a: null, b: 'b', name: 'FnB' });
    expect(process.env.ONLY_A).toBeUndefined();
    expect(a.remaining).toBeGreaterThan(500);
    expect(a.remaining).toBeLessThanOrEqual(1000);
    expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.when).toBe('1970-01-01T00:00:00.000Z'); // results travel as JSON, as from Lambda
  });

  it('hands the function its event as JSON, as Lambda does', async () => {
    const out = (await runtime.invoke('FnB', { given: { at: new Date(0), gone: undefined, kept: [1, 'two'] } })) as Out;
    expect(out.given).toEqual({ at: '1970-01-01T00:00:00.000Z', kept: [1, 'two'] });
  });

  it('writes what the function prints to its log, line by line: at its start, during an invocation and after the answer', async () => {
    await runtime.invoke('FnA', { log: 'x' });
    const log = path.join(dir, 'logs', 'FnA.log');
    await vi.waitFor(() => expect(readFileSync(log, 'utf8')).toContain('after the answer\n'), { timeout: 30_000 });
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toContain('initialised');
    expect(lines).toContain('during x');
    expect(lines).toContain('part-ial line');
    expect(lines).toContain('to stderr');
    expect(lines.indexOf('during x')).toBeLessThan(lines.indexOf('after the answer'));
  });

  it('keeps a warm sandbox (module state) across invocations and after a handler error', async () => {
    const first = ((await runtime.invoke('FnA', {})) as Out).count;
    const err = await runtime.invoke('FnA', { fail: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaInvocationError);
    expect((err as LambdaInvocationError).error).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    expect(((await runtime.invoke('FnA', {})) as Out).count).toBe(first + 1);
  });

  it('enforces the timeout and resets the sandbox', async () => {
    await runtime.invoke('FnB', {});
    const err = await runtime.invoke('FnB', { sleep: 5000 }).catch((e: unknown) => e);
    expect((err as LambdaInvocationError).error).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    // A fresh sandbox: module state starts over.
    expect(((await runtime.invoke('FnB', {})) as Out).count).toBe(1);
  });

  it('runs concurrent invocations in separate sandboxes', async () => {
    const outs = (await Promise.all([1, 2, 3].map(() => runtime.invoke('FnA', { sleep: 100 })))) as Out[];
    expect(outs).toHaveLength(3);
    expect(runtime.stats().FnA!.coldStarts).toBeGreaterThanOrEqual(3);
  });

  it('reports an unknown function', async () => {
    await expect(runtime.invoke('Nope', {})).rejects.toThrow(/no function Nope/);
  });
});
