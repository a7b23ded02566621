/**
 * The bounds every request meets before its schema: nesting depth and
 * well-formed Unicode, for every string and key in the path, the query and
 * the body. Schemas bound lengths and sizes; these bound what a schema cannot
 * say for free-form values (an item's typed fields, an administrator's JSON
 * Schema), and keep text that no reader can decode out of the table.
 */
import { msg } from '#schemas/api/problems';
import { malformed, type FieldFault } from './errors.ts';

/**
 * The deepest nesting a body may have. DynamoDB stores at most 32 levels, and
 * a stored body sits a few levels down in its item; JSON Schemas written by
 * administrators rarely pass 8.
 */
export const MAX_DEPTH = 16;

/** The first faults of a value's shape (depth, lone surrogates), each with its JSON Pointer. */
export function shapeFaults(value: unknown, where: string, limit = 5): FieldFault[] {
  const faults: FieldFault[] = [];
  // Iterative: a value nested deeper than the stack must not overflow it.
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: where, depth: 0 }];
  while (pending.length > 0 && faults.length < limit) {
    const { value: v, path, depth } = pending.pop()!;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) faults.push({ path, code: 'malformed_unicode', message: msg('包含无法识别的字符（孤立代理项）', 'holds text that is not well-formed Unicode (a lone surrogate)') });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      faults.push({ path, code: 'too_deep', message: msg(`嵌套不能超过 ${MAX_DEPTH} 层`, `must not nest deeper than ${MAX_DEPTH} levels`) });
      continue;
    }
    for (const [k, child] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      const key = String(k);
      if (!key.isWellFormed()) {
        faults.push({ path, code: 'malformed_unicode', message: msg('字段名包含无法识别的字符', 'has a field name that is not well-formed Unicode') });
        continue;
      }
      pending.push({ value: child, path: `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth: depth + 1 });
    }
  }
  return faults;
}

/** 400 when the value breaks a bound of its shape. */
export function assertShape(value: unknown, where: string): void {
  const faults = shapeFaults(value, where);
  if (faults.length) throw malformed(msg('请求中有无法处理的内容，见 errors。', 'The request holds values that cannot be processed; see errors.'), faults);
}

/** Query parameters arrive as text: those the schema types as integers are read as numbers (anything else stays text and fails validation). */
export function typedQuery(query: Record<string, string>, schema: { properties?: Record<string, { type?: unknown }> } | undefined): Record<string, unknown> {
  const props = schema?.properties ?? {};
  return Object.fromEntries(
    Object.entries(query).map(([k, v]) => [k, props[k]?.type === 'integer' && /^-?\d{1,15}$/.test(v) ? Number(v) : v]),
  );
}

// Bidi overrides and isolates, zero-width and other format characters (Cf), controls (Cc)
// and the line and paragraph separators: invisible, or able to disguise a name's extension.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * A file name as it may be stored and sent back in Content-Disposition: NFC,
 * without invisible or direction-changing characters, path separators or
 * surrounding spaces. `invoice\u202Efdp.exe` becomes `invoicefdp.exe`.
 */
export function cleanFileName(name: string): string {
  return name.normalize('NFC').replace(INVISIBLE, '').replace(/[\\/]/g, '_').replace(/\s+/g, ' ').trim();
}
