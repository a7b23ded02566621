/**
 * fast-check arbitraries from the API's own JSON Schemas, for the edge test:
 * values a schema allows, and hostile ones it should refuse — overlong digit
 * runs, lone surrogates, direction overrides, deep nesting, wrong types.
 */
import fc from 'fast-check';

type Node = Record<string, unknown>;

/** Strings that broke or could break something past the edge. */
export const hostileStrings = [
  '9'.repeat(3000),
  `SF-20260302-${'9'.repeat(3000)}`,
  '\ud800',
  'a\udc00b',
  'invoice\u202Efdp.exe',
  '\u0000',
  'x'.repeat(70_000),
  '../../etc/passwd',
  "'; DROP TABLE cases; --",
  '%00%2e%2e',
  '𠮷'.repeat(300),
  ' ',
  '',
];

/** Objects and arrays nested `depth` levels (deeper than DynamoDB's 32 at 40). */
export const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** JSON text nested past any recursive walk's stack (50 000 levels): sent as the raw body, never built as a value here. */
export const deepJson = (depth = 50_000, around: (inner: string) => string = (x) => x) => around(`${'['.repeat(depth)}${']'.repeat(depth)}`);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(nested(40), -1, 0, 1e300, Number.MAX_SAFE_INTEGER + 2, true, null, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
);

const DATE = fc.date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true });

/** Values of `schema`; with `hostility` > 0, each node is swapped for a hostile value that often. */
export function arbitraryOf(schema: unknown, hostility = 0, depth = 0): fc.Arbitrary<unknown> {
  const valid = validOf((schema ?? {}) as Node, hostility, depth);
  return hostility > 0 ? fc.oneof({ weight: Math.round((1 - hostility) * 100), arbitrary: valid }, { weight: Math.round(hostility * 100), arbitrary: hostileValue }) : valid;
}

function validOf(n: Node, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (n.enum) return fc.constantFrom(...(n.enum as unknown[]));
  if (n.const !== undefined) return fc.constant(n.const);
  for (const key of ['anyOf', 'oneOf'] as const) if (n[key]) return fc.oneof(...(n[key] as Node[]).map((s) => arbitraryOf(s, hostility, depth + 1)));
  const type = Array.isArray(n.type) ? (n.type as string[])[0] : (n.type as string | undefined);
  switch (type) {
    case 'string': {
      if (n.format === 'date') return DATE.map((d) => d.toISOString().slice(0, 10));
      if (n.format === 'date-time') return DATE.map((d) => d.toISOString());
      if (n.format === 'email') return fc.emailAddress();
      const max = Math.min((n.maxLength as number | undefined) ?? 40, 40);
      if (n.pattern) return fc.stringMatching(new RegExp(n.pattern as string)).filter((s) => s.length <= ((n.maxLength as number | undefined) ?? Infinity));
      return fc.string({ minLength: (n.minLength as number | undefined) ?? 0, maxLength: Math.max(max, (n.minLength as number | undefined) ?? 0), unit: 'grapheme' });
    }
    case 'integer':
      return fc.integer({ min: (n.minimum as number | undefined) ?? -1000, max: (n.maximum as number | undefined) ?? 100_000 });
    case 'number':
      return fc.double({ min: (n.minimum as number | undefined) ?? -1e6, max: (n.maximum as number | undefined) ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 6) return fc.constant([]);
      return fc.array(arbitraryOf(n.items, hostility, depth + 1), { minLength: (n.minItems as number | undefined) ?? 0, maxLength: Math.min((n.maxItems as number | undefined) ?? 3, 3) });
    case 'object': {
      if (depth > 6) return fc.constant({});
      const props = (n.properties ?? {}) as Record<string, Node>;
      const required = (n.required ?? []) as string[];
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v, hostility, depth + 1)])), { requiredKeys: required.filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
