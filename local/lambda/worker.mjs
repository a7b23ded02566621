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

/** Lambda returns the handler's result as JSON: functions and undefined vanish, dates become strings. */
const asJson = (/** @type {unknown} */ value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

/** @type {Function | undefined} */
let handler;
try {
  const mod = await import(pathToFileURL(file).href);
  // A CommonJS bundle arrives as `default`; an ESM one exports the handler by name.
  const fn = mod[exportName] ?? mod.default?.[exportName];
  if (typeof fn !== 'function') throw Object.assign(new Error(`${file} does not export a function ${exportName}`), { name: 'Runtime.HandlerNotFound' });
  handler = fn;
  parentPort?.postMessage({ type: 'ready' });
} catch (err) {
  const e = serializeError(err);
  parentPort?.postMessage({ type: 'initError', error: { ...e, errorType: e.errorType === 'Error' ? 'Runtime.ImportModuleError' : e.errorType } });
}

parentPort?.on('message', async (/** @type {any} */ msg) => {
  if (msg.type !== 'invoke' || !handler) return;
  const { id, event, ctx } = msg;
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
  try {
    const fn = handler;
    // Callback-style handlers (3 parameters) still exist in the wild; async ones return a promise.
    const result = fn.length >= 3
      ? await new Promise((resolve, reject) => {
          const out = fn(event, context, (/** @type {unknown} */ err, /** @type {unknown} */ res) => (err ? reject(err) : resolve(res)));
          if (out && typeof out.then === 'function') out.then(resolve, reject);
        })
      : await fn(event, context);
    parentPort?.postMessage({ type: 'result', id, result: asJson(result) });
  } catch (err) {
    parentPort?.postMessage({ type: 'error', id, error: serializeError(err) });
  }
});
