/**
 * The public list's pages kept for a short while in the warm function: the
 * same first pages are asked by every visitor, and each browser's own cache
 * (Cache-Control) spares only its repeats. A page is at most `TTL_MS` older
 * than the table; a new publication shows in the list within that (plus the
 * browser's max-age). Bounded, oldest entry dropped first.
 */
const TTL_MS = 30_000;
const MAX_ENTRIES = 200;

const pages = new Map<string, { readonly at: number; readonly page: Promise<unknown> }>();

/** The page under `key`, from the cache while fresh, else from `read` (a failed read is not kept). */
export function cachedPage<T>(key: string, read: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = pages.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.page as Promise<T>;
  const page = read();
  pages.delete(key);
  pages.set(key, { at: now, page });
  if (pages.size > MAX_ENTRIES) pages.delete(pages.keys().next().value!);
  page.catch(() => {
    if (pages.get(key)?.page === page) pages.delete(key);
  });
  return page;
}
