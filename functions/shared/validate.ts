/**
 * JSON Schema validation with Ajv. Schemas come from schemas/ (TypeBox objects
 * are plain JSON Schema), compiled once per schema on first use so a cold
 * start pays only for the operations it serves.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import type { FieldError } from '#schemas/api/common';
import { validationFailed } from './errors.ts';

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

function toFieldError(prefix: string, e: ErrorObject): FieldError {
  const base = `${prefix}${e.instancePath}`;
  switch (e.keyword) {
    case 'required':
      return { path: `${base}/${(e.params as { missingProperty: string }).missingProperty}`, code: 'required', message: 'is required' };
    case 'additionalProperties':
      return {
        path: `${base}/${(e.params as { additionalProperty: string }).additionalProperty}`,
        code: 'unknown_field',
        message: 'is not a known field',
      };
    case 'enum':
      return { path: base, code: 'enum', message: `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    default:
      return { path: base, code: e.keyword, message: e.message ?? 'is invalid' };
  }
}

/**
 * Checks `value` against `schema`; on failure throws a 400 problem listing every
 * field error, each path prefixed by where the value came from (`/body`, `/query`).
 */
export function assertValid<T extends TSchema>(schema: T, value: unknown, where: string): asserts value is Static<T> {
  const fn = compile(schema);
  if (fn(value)) return;
  throw validationFailed((fn.errors ?? []).map((e) => toFieldError(where, e)));
}

/** The same check as a boolean, for consumers that route invalid input elsewhere. */
export function validationErrors(schema: TSchema, value: unknown, where = ''): FieldError[] {
  const fn = compile(schema);
  return fn(value) ? [] : (fn.errors ?? []).map((e) => toFieldError(where, e));
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
export function schemaProblem(schema: object): string | undefined {
  try {
    compileAdminSchema(schema);
    return undefined;
  } catch (err) {
    return `is not a usable JSON Schema: ${(err as Error).message}`;
  }
}

/** `value` checked against an administrator's schema (compiled once, cached). */
export function adminSchemaErrors(schema: object, value: unknown, where: string): FieldError[] {
  const fn = compileAdminSchema(schema);
  return fn(value) ? [] : (fn.errors ?? []).map((e) => toFieldError(where, e));
}
