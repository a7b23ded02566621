/**
 * Every input is bounded at the edge, from the route declarations (issue
 * "Zero 5xx"): each string a client sends has a maximum length (or is an enum,
 * a constant or a date), each array a maximum number of items, each object a
 * closed set of fields or a maximum number of them. Free-form values (an
 * item's typed fields, an administrator's JSON Schema) say so with
 * `x-free-form` and are bounded by the body's size and depth limits instead
 * (functions/shared/edge.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from '#shared/route-spec';
import { apiDomains } from '../../../infra/routes.ts';

type Node = Record<string, unknown>;
const BOUNDED_FORMATS = new Set(['date', 'date-time']);

/** JSON Pointers of the schema nodes that leave an input unbounded. */
export function unboundedNodes(schema: TSchema | undefined, at = ''): string[] {
  if (!schema) return [];
  const node = JSON.parse(JSON.stringify(schema)) as Node;
  const found: string[] = [];
  const walk = (n: Node, path: string) => {
    if (n['x-free-form']) return;
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) (n[key] as Node[] | undefined)?.forEach((s, i) => walk(s, `${path}/${key}/${i}`));
    if (n.not) walk(n.not as Node, `${path}/not`);
    const types = Array.isArray(n.type) ? (n.type as string[]) : n.type ? [n.type as string] : [];
    if (types.includes('string') && n.maxLength === undefined && n.enum === undefined && n.const === undefined && !BOUNDED_FORMATS.has(n.format as string)) found.push(`${path} (string without maxLength)`);
    if (types.includes('array')) {
      if (n.maxItems === undefined) found.push(`${path} (array without maxItems)`);
      if (n.items) walk(n.items as Node, `${path}/items`);
    }
    if (types.includes('object')) {
      const props = (n.properties ?? {}) as Record<string, Node>;
      for (const [k, v] of Object.entries(props)) walk(v, `${path}/${k}`);
      const extra = n.additionalProperties;
      if (extra !== false && n.maxProperties === undefined) found.push(`${path} (open object without maxProperties)`);
      if (extra && typeof extra === 'object') walk(extra as Node, `${path}/*`);
      for (const [k, v] of Object.entries((n.patternProperties ?? {}) as Record<string, Node>)) walk(v, `${path}/~${k}`);
    }
    if (types.length === 0 && !n.anyOf && !n.oneOf && !n.allOf && n.enum === undefined && n.const === undefined) found.push(`${path} (untyped: mark x-free-form or give it a type)`);
  };
  walk(node, at);
  return found;
}

describe.each(Object.entries(apiDomains))('inputs of %s are bounded', (_name, domain) => {
  it.each((domain.routes as readonly RouteSpec[]).map((r) => [r.operationId, r] as const))('%s', (_id, route) => {
    expect([
      ...unboundedNodes(route.params, '/path'),
      ...unboundedNodes(route.query, '/query'),
      ...unboundedNodes(route.body, '/body'),
    ]).toEqual([]);
  });
});
