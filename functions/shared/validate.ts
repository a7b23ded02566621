/**
 * JSON Schema validation of the API's own schemas (schemas/: TypeBox objects,
 * plain JSON Schema at run time) without a schema compiler in the bundle
 * (decision 69). A small interpreter walks the schema on each check: no code
 * generation, so the first event or request of a cold start pays nothing to
 * compile. Its results are Ajv's, keyword for keyword, as the API has always
 * answered (Ajv 8 with allErrors, strict off, ajv-formats' full date-time,
 * date, email and uri): the same errors in the same order, string lengths in
 * code points, patterns with the `u` flag. tests/unit/shared/validate.test.ts
 * checks that against Ajv itself for every schema the functions validate with.
 * A schema that uses a keyword implemented here differently from Ajv, or not
 * at all, is refused on first use, not validated loosely.
 *
 * Field errors carry a code and a message in both languages (Ajv's own
 * messages are English only). Schemas an administrator writes go through Ajv
 * (admin-schema.ts), which only the functions that take them bundle.
 */
import type { TSchema, Static } from '@sinclair/typebox';
import { msg, type Text } from '#schemas/api/problems';
import { validationFailed, type FieldFault } from './errors.ts';

/** One failed keyword, shaped as Ajv reports it (the fields the API's errors are made of). */
export interface SchemaError {
  readonly keyword: string;
  /** JSON Pointer of the value at fault (a missing or unknown property's parent). */
  readonly instancePath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

type Schema = Readonly<Record<string, unknown>>;
type Node = Schema | boolean;

// ---------------------------------------------------------------------------
// Formats: ajv-formats' "full" definitions of the four formats the schemas use.

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const DATE_TIME_SEPARATOR = /t|\s/i;
const NOT_URI_FRAGMENT = /\/|:/;
// eslint-disable-next-line no-control-regex -- ajv-formats' expressions, verbatim
const URI = /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

function isTime(s: string): boolean {
  const m = TIME.exec(s);
  if (!m) return false;
  const hr = +m[1]!, min = +m[2]!, sec = +m[3]!, tz = m[4];
  const tzSign = m[5] === '-' ? -1 : 1, tzH = +(m[6] || 0), tzM = +(m[7] || 0);
  if (tzH > 23 || tzM > 59 || !tz) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * tzSign; // a leap second
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

const formats: Readonly<Record<string, (s: string) => boolean>> = {
  date: isDate,
  'date-time': (s) => {
    const parts = s.split(DATE_TIME_SEPARATOR);
    return parts.length === 2 && isDate(parts[0]!) && isTime(parts[1]!);
  },
  email: (s) => EMAIL.test(s),
  uri: (s) => NOT_URI_FRAGMENT.test(s) && URI.test(s),
};

// ---------------------------------------------------------------------------
// Keywords. Ajv checks them in groups: those for any type, then those that
// apply when the value is a number, a string, an array, an object, each group
// in this order (Ajv's RULES, draft-07 vocabularies).

const numberKeywords = ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf', 'format'];
const stringKeywords = ['maxLength', 'minLength', 'pattern', 'format'];
const arrayKeywords = ['maxItems', 'minItems', 'items', 'uniqueItems'];
const objectKeywords = ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'patternProperties'];
const anyKeywords = ['type', 'const', 'enum', 'anyOf', 'allOf'];
const implemented = new Set([...anyKeywords, ...numberKeywords, ...stringKeywords, ...arrayKeywords, ...objectKeywords]);

/** Keywords Ajv acts on that this module does not: a schema using one is refused, not checked loosely. */
const refused = new Set([
  '$ref', '$dynamicRef', '$recursiveRef', 'not', 'oneOf', 'if', 'then', 'else', 'nullable', 'propertyNames', 'dependencies',
  'dependentRequired', 'dependentSchemas', 'additionalItems', 'contains', 'prefixItems', 'unevaluatedItems', 'unevaluatedProperties',
  'discriminator', 'formatMaximum', 'formatMinimum', 'formatExclusiveMaximum', 'formatExclusiveMinimum', '$data',
]);

const limits: Readonly<Record<string, { ok: string; fails: (value: number, limit: number) => boolean }>> = {
  maximum: { ok: '<=', fails: (v, l) => v > l || Number.isNaN(v) },
  minimum: { ok: '>=', fails: (v, l) => v < l || Number.isNaN(v) },
  exclusiveMaximum: { ok: '<', fails: (v, l) => v >= l || Number.isNaN(v) },
  exclusiveMinimum: { ok: '>', fails: (v, l) => v <= l || Number.isNaN(v) },
};

const patterns = new Map<string, RegExp>();
function regExp(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    patterns.set(source, re);
  }
  return re;
}

/** Length in code points, as Ajv counts it (a character outside the BMP is one). */
function ucs2length(s: string): number {
  let length = 0;
  for (let pos = 0; pos < s.length; length++) {
    const c = s.charCodeAt(pos++);
    if (c >= 0xd800 && c <= 0xdbff && pos < s.length && (s.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return length;
}

/** fast-deep-equal, as Ajv's `const`, `enum` and `uniqueItems` compare objects and arrays. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (a.constructor !== b.constructor) return false;
    if (Array.isArray(a)) {
      const other = b as unknown[];
      if (a.length !== other.length) return false;
      return a.every((v, i) => equal(v, other[i]));
    }
    if (a instanceof RegExp) return a.source === (b as RegExp).source && a.flags === (b as RegExp).flags;
    if (a.valueOf !== Object.prototype.valueOf) return a.valueOf() === b.valueOf();
    if (a.toString !== Object.prototype.toString) return a.toString() === b.toString();
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a !== a && b !== b; // NaN
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'number': return typeof v === 'number';
    case 'integer': return typeof v === 'number' && !(v % 1) && !Number.isNaN(v);
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'null': return v === null;
    default: return typeof v === type;
  }
}

const uses = (s: Schema, keywords: readonly string[]) => keywords.some((k) => s[k] !== undefined);
const alwaysValid = (s: Node): boolean => s === true || (typeof s === 'object' && !Object.keys(s).some((k) => implemented.has(k)));
const pointer = (key: string) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
const ownKeys = (map: unknown) => (map ? Object.keys(map).filter((k) => k !== '__proto__') : []);

function typeError(s: Schema, at: string): SchemaError {
  return { keyword: 'type', instancePath: at, params: { type: s.type }, message: `must be ${String(s.type)}` };
}

/** Appends to `out` every error of `value` against `s`, in Ajv's order. */
function visit(s: Node, value: unknown, at: string, out: SchemaError[]): void {
  if (s === true) return;
  if (s === false) {
    out.push({ keyword: 'false schema', instancePath: at, params: {}, message: 'boolean schema is false' });
    return;
  }
  const type = s.type as string | undefined;
  // A single type whose group has keywords here is checked with that group; any other type first.
  const typedGroup = type === 'number' ? numberKeywords : type === 'string' ? stringKeywords : type === 'array' ? arrayKeywords : type === 'object' ? objectKeywords : undefined;
  const checkedInGroup = typedGroup !== undefined && uses(s, typedGroup);
  if (type !== undefined && !checkedInGroup && !hasType(type, value)) out.push(typeError(s, at));

  if (s.const !== undefined) {
    const c = s.const;
    if (c && typeof c === 'object' ? !equal(value, c) : value !== c) out.push({ keyword: 'const', instancePath: at, params: { allowedValue: c }, message: 'must be equal to constant' });
  }
  if (s.enum !== undefined) {
    const values = s.enum as unknown[];
    if (!values.some((v) => (v && typeof v === 'object' ? equal(value, v) : value === v))) {
      out.push({ keyword: 'enum', instancePath: at, params: { allowedValues: values }, message: 'must be equal to one of the allowed values' });
    }
  }
  if (s.anyOf !== undefined) {
    const branches = s.anyOf as Node[];
    if (!branches.some(alwaysValid)) {
      const start = out.length;
      let valid = false;
      for (const branch of branches) {
        const before = out.length;
        visit(branch, value, at, out);
        if (out.length === before) {
          valid = true;
          break;
        }
      }
      if (valid) out.length = start;
      else out.push({ keyword: 'anyOf', instancePath: at, params: {}, message: 'must match a schema in anyOf' });
    }
  }
  if (s.allOf !== undefined) for (const branch of s.allOf as Node[]) visit(branch, value, at, out);

  if (uses(s, numberKeywords)) {
    if (typeof value === 'number') {
      for (const k of ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum']) {
        const limit = s[k] as number | undefined;
        if (limit !== undefined && limits[k]!.fails(value, limit)) {
          out.push({ keyword: k, instancePath: at, params: { comparison: limits[k]!.ok, limit }, message: `must be ${limits[k]!.ok} ${limit}` });
        }
      }
      const m = s.multipleOf as number | undefined;
      if (m !== undefined && (m === 0 || value / m !== parseInt(String(value / m), 10))) {
        out.push({ keyword: 'multipleOf', instancePath: at, params: { multipleOf: m }, message: `must be multiple of ${m}` });
      }
    } else if (type === 'number' && checkedInGroup) out.push(typeError(s, at));
  }
  if (uses(s, stringKeywords)) {
    if (typeof value === 'string') {
      const max = s.maxLength as number | undefined, min = s.minLength as number | undefined;
      if (max !== undefined && ucs2length(value) > max) out.push({ keyword: 'maxLength', instancePath: at, params: { limit: max }, message: `must NOT have more than ${max} characters` });
      if (min !== undefined && ucs2length(value) < min) out.push({ keyword: 'minLength', instancePath: at, params: { limit: min }, message: `must NOT have fewer than ${min} characters` });
      const pattern = s.pattern as string | undefined;
      if (pattern !== undefined && !regExp(pattern).test(value)) out.push({ keyword: 'pattern', instancePath: at, params: { pattern }, message: `must match pattern "${pattern}"` });
      const format = s.format as string | undefined;
      const check = format === undefined ? undefined : formats[format];
      if (check && !check(value)) out.push({ keyword: 'format', instancePath: at, params: { format }, message: `must match format "${format}"` });
    } else if (type === 'string' && checkedInGroup) out.push(typeError(s, at));
  }
  if (uses(s, arrayKeywords)) {
    if (Array.isArray(value)) {
      const max = s.maxItems as number | undefined, min = s.minItems as number | undefined;
      if (max !== undefined && value.length > max) out.push({ keyword: 'maxItems', instancePath: at, params: { limit: max }, message: `must NOT have more than ${max} items` });
      if (min !== undefined && value.length < min) out.push({ keyword: 'minItems', instancePath: at, params: { limit: min }, message: `must NOT have fewer than ${min} items` });
      const items = s.items as Node | undefined;
      if (items !== undefined && !alwaysValid(items)) value.forEach((v, i) => visit(items, v, `${at}/${i}`, out));
      if (s.uniqueItems === true) uniqueItems(s, value, at, out);
    } else if (type === 'array' && checkedInGroup) out.push(typeError(s, at));
  }
  if (uses(s, objectKeywords)) {
    if (isObject(value)) objectKeywordsOf(s, value, at, out);
    else if (type === 'object' && checkedInGroup) out.push(typeError(s, at));
  }
}

/** Ajv's two ways: by value for items of one scalar type (others skipped), by deep equality else. One error at most. */
function uniqueItems(s: Schema, value: unknown[], at: string, out: SchemaError[]): void {
  const itemType = isObject(s.items) ? (s.items.type as string | undefined) : undefined;
  const fail = (i: number, j: number) => out.push({ keyword: 'uniqueItems', instancePath: at, params: { i, j }, message: `must NOT have duplicate items (items ## ${j} and ${i} are identical)` });
  if (value.length <= 1) return;
  if (itemType !== undefined && itemType !== 'object' && itemType !== 'array') {
    const indices: Record<string, unknown> = {};
    for (let i = value.length; i--;) {
      const item = value[i];
      if (!hasType(itemType, item)) continue;
      const seen = indices[item as string];
      if (typeof seen === 'number') return void fail(i, seen);
      indices[item as string] = i;
    }
    return;
  }
  for (let i = value.length; i--;) {
    for (let j = i; j--;) if (equal(value[i], value[j])) return void fail(i, j);
  }
}

function objectKeywordsOf(s: Schema, value: Record<string, unknown>, at: string, out: SchemaError[]): void {
  const max = s.maxProperties as number | undefined, min = s.minProperties as number | undefined;
  const count = max !== undefined || min !== undefined ? Object.keys(value).length : 0;
  if (max !== undefined && count > max) out.push({ keyword: 'maxProperties', instancePath: at, params: { limit: max }, message: `must NOT have more than ${max} properties` });
  if (min !== undefined && count < min) out.push({ keyword: 'minProperties', instancePath: at, params: { limit: min }, message: `must NOT have fewer than ${min} properties` });
  for (const key of (s.required as string[] | undefined) ?? []) {
    if (value[key] === undefined) out.push({ keyword: 'required', instancePath: at, params: { missingProperty: key }, message: `must have required property '${key}'` });
  }
  const properties = s.properties as Record<string, Node> | undefined;
  const patternProperties = s.patternProperties as Record<string, Node> | undefined;
  const names = ownKeys(properties), pats = ownKeys(patternProperties);
  const additional = s.additionalProperties as Node | undefined;
  if (additional !== undefined && !alwaysValid(additional)) {
    for (const key in value) {
      if (names.includes(key) || pats.some((p) => regExp(p).test(key))) continue;
      if (additional === false) out.push({ keyword: 'additionalProperties', instancePath: at, params: { additionalProperty: key }, message: 'must NOT have additional properties' });
      else visit(additional, value[key], `${at}${pointer(key)}`, out);
    }
  }
  for (const name of names) {
    const sub = properties![name]!;
    if (!alwaysValid(sub) && value[name] !== undefined) visit(sub, value[name], `${at}${pointer(name)}`, out);
  }
  if (pats.some((p) => !alwaysValid(patternProperties![p]!))) {
    for (const p of pats) {
      const sub = patternProperties![p]!;
      if (alwaysValid(sub)) continue;
      for (const key in value) if (regExp(p).test(key)) visit(sub, value[key], `${at}${pointer(key)}`, out);
    }
  }
}

const supported = new WeakSet<object>();

/** Refuses, once per schema object, a schema that uses what this module does not check as Ajv does. */
function assertSupported(s: Node, where = '#'): void {
  if (typeof s === 'boolean' || supported.has(s)) return;
  for (const k of Object.keys(s)) if (refused.has(k)) throw new Error(`validate: keyword "${k}" at ${where} is not supported (functions/shared/validate.ts)`);
  if (s.type !== undefined && typeof s.type !== 'string') throw new Error(`validate: a list of types at ${where} is not supported`);
  if (Array.isArray(s.items)) throw new Error(`validate: tuple items at ${where} are not supported`);
  for (const k of ['properties', 'patternProperties'] as const) {
    for (const [name, sub] of Object.entries((s[k] ?? {}) as Record<string, Node>)) assertSupported(sub, `${where}/${k}/${name}`);
  }
  for (const k of ['items', 'additionalProperties'] as const) if (s[k] !== undefined) assertSupported(s[k] as Node, `${where}/${k}`);
  for (const k of ['anyOf', 'allOf'] as const) ((s[k] ?? []) as Node[]).forEach((sub, i) => assertSupported(sub, `${where}/${k}/${i}`));
  for (const p of Object.keys((s.patternProperties ?? {}) as object)) regExp(p);
  if (typeof s.pattern === 'string') regExp(s.pattern);
  supported.add(s);
}

/** Every error of `value` against `schema`, as Ajv (allErrors) lists them; none when valid. */
export function schemaErrors(schema: TSchema | object, value: unknown): SchemaError[] {
  assertSupported(schema as Node);
  const out: SchemaError[] = [];
  visit(schema as Node, value, '', out);
  return out;
}

// ---------------------------------------------------------------------------
// The API's field errors.

type Params = Record<string, unknown>;
const typeNames: Record<string, string> = { string: '字符串', integer: '整数', number: '数字', boolean: '布尔值', object: '对象', array: '数组', null: 'null' };

/** What people read about a failed keyword, by Ajv's keyword and parameters. */
function messageOf(e: SchemaError): Text {
  const p = e.params as Params;
  switch (e.keyword) {
    case 'required': return msg('必填', 'is required');
    case 'additionalProperties': return msg('不是已知字段', 'is not a known field');
    case 'enum': {
      const values = (p.allowedValues as unknown[]).join(', ');
      return msg(`必须是以下之一：${values}`, `must be one of: ${values}`);
    }
    case 'const': return msg(`必须等于 ${String(p.allowedValue)}`, `must be ${String(p.allowedValue)}`);
    case 'type': return msg(`应为${typeNames[String(p.type)] ?? String(p.type)}`, `must be ${String(p.type)}`);
    case 'maxLength': return msg(`不能超过 ${p.limit} 个字符`, `must not have more than ${p.limit} characters`);
    case 'minLength': return p.limit === 1 ? msg('不能为空', 'must not be empty') : msg(`不能少于 ${p.limit} 个字符`, `must not have fewer than ${p.limit} characters`);
    case 'pattern': return msg('格式不正确', `must match ${String(p.pattern)}`);
    case 'format': return msg(`格式应为 ${String(p.format)}`, `must be a ${String(p.format)}`);
    case 'maximum': return msg(`不能大于 ${p.limit}`, `must be at most ${p.limit}`);
    case 'minimum': return msg(`不能小于 ${p.limit}`, `must be at least ${p.limit}`);
    case 'exclusiveMaximum': return msg(`必须小于 ${p.limit}`, `must be below ${p.limit}`);
    case 'exclusiveMinimum': return msg(`必须大于 ${p.limit}`, `must be above ${p.limit}`);
    case 'maxItems': return msg(`最多 ${p.limit} 项`, `must not have more than ${p.limit} items`);
    case 'minItems': return msg(`至少 ${p.limit} 项`, `must have at least ${p.limit} items`);
    case 'uniqueItems': return msg('不能有重复项', 'must not repeat items');
    case 'maxProperties': return msg(`最多 ${p.limit} 个字段`, `must not have more than ${p.limit} fields`);
    case 'minProperties': return msg(`至少 ${p.limit} 个字段`, `must have at least ${p.limit} fields`);
    default: return msg('不符合要求', e.message ?? 'is invalid');
  }
}

/** A field error of the API from one failed keyword (ours, or Ajv's for administrators' schemas). */
export function toFieldFault(prefix: string, e: SchemaError): FieldFault {
  const base = `${prefix}${e.instancePath}`;
  switch (e.keyword) {
    case 'required':
      return { path: `${base}/${(e.params as { missingProperty: string }).missingProperty}`, code: 'required', message: messageOf(e) };
    case 'additionalProperties':
      return { path: `${base}/${(e.params as { additionalProperty: string }).additionalProperty}`, code: 'unknown_field', message: messageOf(e) };
    default:
      return { path: base, code: e.keyword, message: messageOf(e) };
  }
}

/**
 * Checks `value` against `schema`; on failure throws a 400 problem listing every
 * field error, each path prefixed by where the value came from (`/body`, `/query`).
 */
export function assertValid<T extends TSchema>(schema: T, value: unknown, where: string): asserts value is Static<T> {
  const errors = schemaErrors(schema, value);
  if (errors.length) throw validationFailed(errors.map((e) => toFieldFault(where, e)));
}

/** The same check as a list, for consumers that route invalid input elsewhere. */
export function validationErrors(schema: TSchema, value: unknown, where = ''): FieldFault[] {
  return schemaErrors(schema, value).map((e) => toFieldFault(where, e));
}
