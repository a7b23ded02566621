/**
 * functions/shared/validate.ts against Ajv (decision 69): for every schema the
 * functions validate with — each route's path, query and body, every event
 * schema, every other schema the schemas/ modules export (tests check
 * responses with them) — the errors of values the schema allows, hostile
 * ones, and valid ones broken in one place are exactly the errors Ajv gave
 * with the options the API used until then: same keywords, paths, parameters,
 * messages and order. That is the API's validation contract (problem+json
 * field errors).
 */
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Kind, Type, type TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertValid, schemaErrors, validationErrors, type SchemaError } from '#shared/validate';
import type { HttpProblem } from '#shared/errors';
import { apiRoutes } from '../../../infra/routes.ts';
import { arbitraryOf, hostileValue } from '../../integration/schema-arbitraries.ts';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule);
// The API's Ajv until decision 69, option for option.
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, coerceTypes: false, logger: false });
addFormats(ajv, ['date-time', 'date', 'email', 'uri']);

const root = path.resolve(import.meta.dirname, '../../..');
const isSchema = (v: unknown): v is TSchema => !!v && typeof v === 'object' && Kind in v;

/** Every schema object a function can validate with, once each. */
async function allSchemas(): Promise<Map<TSchema, { name: string; runs: number }>> {
  const found = new Map<TSchema, { name: string; runs: number }>();
  const add = (s: unknown, name: string, runs: number) => {
    if (isSchema(s) && !found.has(s)) found.set(s, { name, runs });
  };
  // Requests and events are checked at run time (more values); responses and the rest by tests.
  add({ [Kind]: 'Object', type: 'object', additionalProperties: false }, 'http.ts noFields', 30);
  for (const r of apiRoutes) {
    add(r.params, `${r.operationId} params`, 30);
    add(r.query, `${r.operationId} query`, 30);
    add(r.body, `${r.operationId} body`, 30);
  }
  for (const r of apiRoutes) for (const [status, s] of Object.entries(r.responses)) add(s, `${r.operationId} ${status}`, 5);
  for (const dir of ['schemas/api', 'schemas/events']) {
    for (const file of readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(path.join(root, dir, file))) as Record<string, unknown>;
      const runs = dir === 'schemas/events' ? 12 : 5;
      for (const [name, v] of Object.entries(mod)) {
        add(v, `${dir}/${file} ${name}`, runs);
        // Maps of event schemas by detail-type.
        if (v && typeof v === 'object' && !isSchema(v)) for (const [k, s] of Object.entries(v)) add(s, `${dir}/${file} ${name}.${k}`, runs);
      }
    }
  }
  return found;
}

const schemas = await allSchemas();
const compiled = new Map<TSchema, ValidateFunction>();

const project = (e: SchemaError | ErrorObject): SchemaError => ({ keyword: e.keyword, instancePath: e.instancePath, params: e.params, message: e.message });
function ajvErrors(schema: TSchema, value: unknown): SchemaError[] {
  let fn = compiled.get(schema);
  if (!fn) compiled.set(schema, (fn = ajv.compile(schema)));
  return fn(value) ? [] : (fn.errors ?? []).map(project);
}

const ASTRAL = '𠮷'; // one code point, two UTF-16 units: Ajv counts it once
const lengths = [1, 2, 7, 25, 26, 27, 32, 33, 40, 41, 48, 49, 64, 65, 100, 101, 200, 201, 500, 501, 2000, 2001];

/** A value broken in one place: a key dropped or added, a node replaced, an array item repeated, a string resized. */
function mutate(value: unknown, steps: readonly number[], op: number, replacement: unknown, length: number): unknown {
  const copy = structuredClone(value);
  let parent: unknown = undefined;
  let key: string | number | undefined;
  let node: unknown = copy;
  for (const step of steps) {
    const children = Array.isArray(node) ? node.map((_, i) => i) : node && typeof node === 'object' ? Object.keys(node) : [];
    if (!children.length) break;
    parent = node;
    key = children[step % children.length]!;
    node = (node as Record<string | number, unknown>)[key];
  }
  const set = (v: unknown) => {
    if (parent === undefined) return v;
    (parent as Record<string | number, unknown>)[key!] = v;
    return copy;
  };
  switch (op) {
    case 0: // drop the key
      if (parent === undefined) return undefined;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key as string];
      return copy;
    case 1: // an unknown key, or a property set to undefined
      if (node && typeof node === 'object' && !Array.isArray(node)) (node as Record<string, unknown>)[length % 2 ? 'zz/~unknown' : 'constructor'] = replacement;
      else if (parent && !Array.isArray(parent)) (parent as Record<string, unknown>)[key as string] = undefined;
      return copy;
    case 2:
      return set(replacement);
    case 3: // an item repeated
      if (Array.isArray(node) && node.length) node.push(structuredClone(node[length % node.length]));
      else if (Array.isArray(parent)) parent.push(structuredClone(node));
      return copy;
    case 4:
      return set(ASTRAL.repeat(length));
    case 5:
      return set('a'.repeat(length));
    case 6:
      return set(typeof node === 'string' ? `${node}${ASTRAL}` : typeof node === 'number' ? node + 0.5 : [node]);
    default:
      return set(typeof node === 'number' ? -node - 1 : typeof node === 'string' ? node.slice(1) : null);
  }
}

/** Valid values, the same broken in one place (three times in four), hostile values. Building an arbitrary costs more than drawing from it: one per schema. */
function valuesOf(schema: TSchema): fc.Arbitrary<unknown> {
  const valid = arbitraryOf(schema);
  return fc.oneof(
    { weight: 1, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.array(fc.nat(), { maxLength: 5 }), fc.nat({ max: 7 }), hostileValue, fc.constantFrom(...lengths))
        .map(([v, steps, op, replacement, n]) => mutate(v, steps, op, replacement, n)),
    },
    { weight: 1, arbitrary: hostileValue },
  );
}

describe('validate.ts answers as Ajv did', () => {
  it(`for every schema the functions validate with (${schemas.size} schemas)`, () => {
    expect(schemas.size).toBeGreaterThan(150);
    let invalid = 0;
    for (const [schema, { name, runs }] of schemas) {
      fc.assert(fc.property(valuesOf(schema), (value) => {
        const expected = ajvErrors(schema, value);
        const actual = schemaErrors(schema, value);
        if (expected.length) invalid++;
        if (!isDeepStrictEqual(actual, expected)) throw new Error(`${name}\n  ajv:  ${JSON.stringify(expected)}\n  ours: ${JSON.stringify(actual)}`);
      }), { numRuns: runs });
    }
    expect(invalid).toBeGreaterThan(schemas.size * 3);
  });

  it('counts string lengths in code points, as Ajv does', () => {
    const name = Type.String({ minLength: 2, maxLength: 3 });
    expect(schemaErrors(name, ASTRAL.repeat(3))).toEqual([]);
    expect(schemaErrors(name, ASTRAL)).toEqual(ajvErrors(name, ASTRAL));
    expect(schemaErrors(name, ASTRAL.repeat(4))).toEqual(ajvErrors(name, ASTRAL.repeat(4)));
  });

  it('lists a wrong type once, before or after the other keywords as Ajv orders them', () => {
    const cases: [TSchema, unknown][] = [
      [Type.Object({ a: Type.Integer({ maximum: 3 }), b: Type.String() }, { additionalProperties: false }), { a: 5.5, c: 1, d: undefined }],
      [Type.Union([Type.Literal('a'), Type.Literal('b')]), 3],
      [Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, maxItems: 2 }), ['x', 'x', 1, '']],
      [Type.Unsafe({ type: 'string', enum: ['x'], maxLength: 1 }), 7],
      [Type.Record(Type.String(), Type.Integer({ minimum: 0 })), { 'a/b': -1, 'new\nline': -1 }],
    ];
    for (const [schema, value] of cases) expect(schemaErrors(schema, value)).toEqual(ajvErrors(schema, value));
  });

  it('refuses a schema it does not check as Ajv does, instead of passing values', () => {
    expect(() => schemaErrors(Type.Object({ a: Type.Not(Type.String()) }), { a: 1 })).toThrow(/keyword "not" at #\/properties\/a/);
    expect(() => schemaErrors({ oneOf: [{ type: 'string' }] }, 'x')).toThrow(/oneOf/);
  });

  it('keeps the problem shape: every field at fault, by JSON Pointer, code and bilingual message', () => {
    const schema = Type.Object({ when: Type.String({ format: 'date' }), n: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
    expect(validationErrors(schema, { when: '2026-02-30', n: 0, x: 1 }, '/body')).toEqual([
      { path: '/body/x', code: 'unknown_field', message: { zh: '不是已知字段', en: 'is not a known field' } },
      { path: '/body/when', code: 'format', message: { zh: '格式应为 date', en: 'must be a date' } },
      { path: '/body/n', code: 'minimum', message: { zh: '不能小于 1', en: 'must be at least 1' } },
    ]);
    try {
      assertValid(schema, {}, '/query');
      expect.unreachable();
    } catch (err) {
      expect((err as HttpProblem).errors!.map((e) => `${e.path} ${e.code}`)).toEqual(['/query/when required', '/query/n required']);
    }
  });
});
