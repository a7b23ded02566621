// @ts-check
/**
 * One Lambda execution environment: a worker thread with its own process.env
 * (the function's template environment plus what Lambda sets), importing the
 * bundled asset from cdk.out and running one invocation at a time.
 *
 * Plain JavaScript on purpose: the worker must start the same way under tsx,
 * vitest and plain node, without a TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

/** @type {{ file: string; exportName: string; sourceMaps: boolean; clock?: SharedArrayBuffer }} */
const { file, exportName, sourceMaps, clock } = workerData;
if (sourceMaps) process.setSourceMapsEnabled(true);

const RealDate = Date;
/** The real clock: the invocation's deadline is in real time, whatever the emulated time. */
const realNow = RealDate.now;

/**
 * Emulated time (local/lambda/clock.ts): `Date.now()`, `new Date()` and `Date()`
 * read the real clock plus the shared offset; everything else is the real Date's
 * (dates with arguments, parse, UTC, the prototype, instanceof). A Proxy rather
 * than a wrapper function, so `Date.name`, `Date.length` and subclasses
 * (`class D extends Date`, whose `super()` must build a D) stay as they were.
 * Installed before the bundle is imported, so every module sees it.
 */
if (clock) {
  const offset = new BigInt64Array(clock);
  const now = () => realNow() + Number(Atomics.load(offset, 0));
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
    // Called as a function, Date ignores its arguments and gives the time as a string.
    apply: () => new RealDate(now()).toString(),
    get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver)),
  });
}

/** @param {unknown} err */
function serializeError(err) {
  if (err instanceof Error) {
    return { errorType: err.name || 'Error', errorMessage: err.message, trace: (err.stack ?? '').split('\n') };
  }
  return { errorType: 'Error', errorMessage: typeof err === 'string' ? err : JSON.stringify(err), trace: [] };
}

/**
 * The function's output (console, process.stdout and stderr) is kept here and
 * leaves with the invocation's answer, or on its own once the current tick is
 * done when nothing is invoking (initialisation, work after the answer): one
 * message per invocation. The worker's own stdout streams cost a message per
 * write plus their flow control, on the emulator's busiest thread.
 */
const output = { out: '', err: '' };
let flushQueued = false;
let invoking = false;
/** @param {'out' | 'err'} stream */
const keep = (stream) => (/** @type {string | Uint8Array} */ chunk, /** @type {any[]} */ ...rest) => {
  output[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (!invoking && !flushQueued) {
    flushQueued = true;
    setImmediate(() => parentPort?.postMessage({ type: 'output', output: takeOutput() }));
  }
  const done = rest.find((a) => typeof a === 'function');
  if (done) queueMicrotask(done);
  return true;
};
function takeOutput() {
  flushQueued = false;
  const taken = { ...output };
  output.out = '';
  output.err = '';
  return taken;
}
process.stdout.write = /** @type {any} */ (keep('out'));
process.stderr.write = /** @type {any} */ (keep('err'));
// A sandbox that ends (process.exit in a handler) still hands over what it wrote, as far as the thread lets it.
process.on('exit', () => parentPort?.postMessage({ type: 'output', output: takeOutput() }));

/** @type {Function | undefined} */
let handler;
try {
  const mod = await import(pathToFileURL(file).href);
  // A CommonJS bundle arrives as `default`; an ESM one exports the handler by name.
  const fn = mod[exportName] ?? mod.default?.[exportName];
  if (typeof fn !== 'function') throw Object.assign(new Error(`${file} does not export a function ${exportName}`), { name: 'Runtime.HandlerNotFound' });
  handler = fn;
  parentPort?.postMessage({ type: 'ready', output: takeOutput() });
} catch (err) {
  const e = serializeError(err);
  parentPort?.postMessage({ type: 'initError', error: { ...e, errorType: e.errorType === 'Error' ? 'Runtime.ImportModuleError' : e.errorType }, output: takeOutput() });
}

parentPort?.on('message', async (/** @type {any} */ msg) => {
  if (msg.type !== 'invoke' || !handler) return;
  const { id, ctx } = msg;
  // Lambda hands a function JSON and takes JSON back: functions and undefined vanish, dates become strings.
  const event = JSON.parse(msg.event);
  process.env._X_AMZN_TRACE_ID = ctx.traceId;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: ctx.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: ctx.invokedFunctionArn,
    memoryLimitInMB: String(ctx.memoryLimitInMB),
    awsRequestId: ctx.awsRequestId,
    logGroupName: ctx.logGroupName,
    logStreamName: ctx.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, ctx.deadline - realNow()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  invoking = true;
  try {
    const fn = handler;
    // Callback-style handlers (3 parameters) still exist in the wild; async ones return a promise.
    const result = fn.length >= 3
      ? await new Promise((resolve, reject) => {
          const out = fn(event, context, (/** @type {unknown} */ err, /** @type {unknown} */ res) => (err ? reject(err) : resolve(res)));
          if (out && typeof out.then === 'function') out.then(resolve, reject);
        })
      : await fn(event, context);
    parentPort?.postMessage({ type: 'result', id, result: JSON.stringify(result) ?? 'null', output: takeOutput() });
  } catch (err) {
    parentPort?.postMessage({ type: 'error', id, error: serializeError(err), output: takeOutput() });
  } finally {
    invoking = false;
  }
});
