/**
 * Route selection as API Gateway HTTP APIs do it: the most specific route wins
 * (literal segments before `{param}` before `{proxy+}`, a named method before
 * ANY), and `$default` catches whatever nothing else matched.
 */
import type { RouteModel } from '../template-api.ts';

export interface RouteMatch {
  readonly route: RouteModel;
  readonly pathParameters?: Record<string, string>;
}

type Segment = { kind: 0; text: string } | { kind: 1; name: string } | { kind: 2; name: string };

interface CompiledRoute {
  readonly route: RouteModel;
  readonly segments: Segment[];
}

function parsePath(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((s): Segment => {
      const greedy = /^\{(.+)\+\}$/.exec(s);
      if (greedy) return { kind: 2, name: greedy[1]! };
      const param = /^\{(.+)\}$/.exec(s);
      return param ? { kind: 1, name: param[1]! } : { kind: 0, text: s };
    });
}

/** Negative when `a` is more specific than `b`. */
function specificity(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const ka = a.segments[i]?.kind ?? -1;
    const kb = b.segments[i]?.kind ?? -1;
    if (ka !== kb) return ka - kb;
  }
  return (a.route.method === 'ANY' ? 1 : 0) - (b.route.method === 'ANY' ? 1 : 0);
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === 2) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      params[seg.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 0) {
      if (seg.text !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[seg.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

export function compileRoutes(routes: RouteModel[]): (method: string, path: string) => RouteMatch | undefined {
  const compiled = routes
    .filter((r) => r.path !== undefined)
    .map((route) => ({ route, segments: parsePath(route.path!) }))
    .sort(specificity);
  const fallback = routes.find((r) => r.routeKey === '$default');
  return (method, path) => {
    const parts = path.split('/').slice(1);
    const m = method.toUpperCase();
    for (const c of compiled) {
      if (c.route.method !== m && c.route.method !== 'ANY') continue;
      const params = matchSegments(c.segments, parts);
      if (params) return { route: c.route, pathParameters: Object.keys(params).length ? params : undefined };
    }
    return fallback ? { route: fallback } : undefined;
  };
}
