/**
 * Schemas an administrator writes (an item's intake fields): any JSON Schema
 * the author chooses, so they are compiled by Ajv, strict — unknown keywords
 * and malformed schemas are errors — and never share compiled state with the
 * API's own schemas (validate.ts, which has no schema compiler). Only the
 * functions that take such schemas (catalog: review; cases: intake) import
 * this module, and so bundle Ajv (decision 69).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { msg, type Text } from '#schemas/api/problems';
import type { FieldFault } from './errors.ts';
import { toFieldFault } from './validate.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM bundling.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule);

// Made on first use: a cold start that reads no administrator's schema does not pay for it.
let adminAjv: Ajv | undefined;
const adminCompiled = new Map<string, ValidateFunction>();
const MAX_ADMIN_SCHEMAS = 200;

function compileAdminSchema(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = adminCompiled.get(key);
  if (!fn) {
    if (!adminAjv) {
      adminAjv = new Ajv({ allErrors: true, strict: true, useDefaults: false, coerceTypes: false, validateFormats: true });
      addFormats(adminAjv, ['date-time', 'date', 'email', 'uri']);
    }
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
