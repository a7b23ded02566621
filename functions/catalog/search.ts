/**
 * The public catalog's keyword search (政务公开: anyone finds an item by its
 * name, its department or its code). Pure: the handler gives it the center's
 * published listings and department names.
 *
 * Matching is on NFKC-normalized, lower-cased text, so full-width letters and
 * digits typed on a phone (ＡＭＲ, １２３) find their half-width forms; every
 * whitespace-separated term must occur in one of the fields (市场监督 登记 finds
 * 企业设立登记 by its department's name and its own). Results keep the
 * list's own order (department, then code), so a page boundary is a position
 * in that order.
 */
import type { ItemSummary } from '#schemas/api/catalog';

const normalized = (text: string) => text.normalize('NFKC').toLowerCase();

/** The search terms of a query: empty when it holds only spaces. */
export const termsOf = (q: string) => normalized(q).split(/\s+/u).filter((t) => t.length > 0);

/** Whether every term occurs in the item's name or code, or in its department's name or id. */
export function matchesTerms(item: Pick<ItemSummary, 'name' | 'code' | 'departmentId'>, departmentName: string | undefined, terms: readonly string[]): boolean {
  const fields = [item.name, item.code, item.departmentId, departmentName ?? ''].map(normalized);
  return terms.every((t) => fields.some((f) => f.includes(t)));
}

/** The position of an item in the list's order: what a page's cursor holds. */
export const positionOf = (item: Pick<ItemSummary, 'departmentId' | 'code'>) => `${item.departmentId}#${item.code}`;

/** One page of the matches after `after` (a position), and the position to go on from when more follow. */
export function searchPage<T extends Pick<ItemSummary, 'departmentId' | 'code'>>(matches: readonly T[], limit: number, after: string | undefined): { items: T[]; next?: string } {
  const rest = after === undefined ? matches : matches.filter((m) => positionOf(m) > after);
  const items = rest.slice(0, limit);
  return rest.length > limit ? { items, next: positionOf(items.at(-1)!) } : { items };
}
