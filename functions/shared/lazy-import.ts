/**
 * A module imported on first use instead of at every cold start (decision 69):
 * with `--splitting` in the function's esbuild arguments, each `import()` is a
 * chunk of its own that Node reads only when called. Concurrent first calls
 * share one import; a failed import is not kept, so the next call tries again.
 */
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}
