/**
 * JSON Schema validation with Ajv. Schemas come from schemas/ (TypeBox objects
 * are plain JSON Schema), compiled once per schema on first use so a cold
 * start pays only for the operations it serves. Field errors carry a code and
 * a message in both languages (Ajv's own messages are English only).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import { msg, type Text } from '#schemas/api/problems';
import { validationFailed, type FieldFault } from './errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM bundling.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule);

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false, coerceTypes: false });
addFormats(ajv, ['date-time', 'date', 'email', 'uri']);

const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

type Params = Record<string, unknown>;
const typeNames: Record<string, string> = { string: '字符串', integer: '整数', number: '数字', boolean: '布尔值', object: '对象', array: '数组', null: 'null' };

/** What people read about a failed keyword, by Ajv's keyword and parameters. */
function messageOf(e: ErrorObject): Text {
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

function toFieldFault(prefix: string, e: ErrorObject): FieldFault {
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
  const fn = compile(schema);
  if (fn(value)) return;
  throw validationFailed((fn.errors ?? []).map((e) => toFieldFault(where, e)));
}

/** The same check as a list, for consumers that route invalid input elsewhere. */
export function validationErrors(schema: TSchema, value: unknown, where = ''): FieldFault[] {
  const fn = compile(schema);
  return fn(value) ? [] : (fn.errors ?? []).map((e) => toFieldFault(where, e));
}

/**
 * Schemas an administrator writes (an item's intake fields) are compiled by a
 * strict Ajv of their own: unknown keywords and malformed schemas are errors,
 * and they never share compiled state with the API's own schemas.
 */
const adminAjv = new Ajv({ allErrors: true, strict: true, useDefaults: false, coerceTypes: false, validateFormats: true });
addFormats(adminAjv, ['date-time', 'date', 'email', 'uri']);
const adminCompiled = new Map<string, ValidateFunction>();
const MAX_ADMIN_SCHEMAS = 200;

function compileAdminSchema(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = adminCompiled.get(key);
  if (!fn) {
    fn = adminAjv.compile(schema);
    if (adminCompiled.size >= MAX_ADMIN_SCHEMAS) adminCompiled.delete(adminCompiled.keys().next().value as string);
    adminCompiled.set(key, fn);
  }
  return fn;
}

/** Why an administrator's schema cannot be used, or `undefined` when it compiles. */
export function schemaProblem(schema: object): Text | undefined {
  try {
    compileAdminSchema(schema);
    return undefined;
  } catch (err) {
    const why = (err as Error).message;
    return msg(`不是可用的 JSON Schema：${why}`, `is not a usable JSON Schema: ${why}`);
  }
}

/** `value` checked against an administrator's schema (compiled once, cached). */
export function adminSchemaErrors(schema: object, value: unknown, where: string): FieldFault[] {
  const fn = compileAdminSchema(schema);
  return fn(value) ? [] : (fn.errors ?? []).map((e) => toFieldFault(where, e));
}
