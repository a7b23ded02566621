/**
 * EventBridge event-pattern matcher for the local cloud.
 *
 * Semantics follow the AWS EventBridge user guide ("Event patterns", "Arrays in
 * event patterns", "Matching null values and empty strings", "Content filtering")
 * and the validation rules of aws/event-ruler, the engine EventBridge uses, so that
 * a pattern which works locally also deploys, and one AWS would refuse fails here
 * at compile time instead of silently never matching.
 *
 * Model: an event is viewed as a set of leaf values per field path. A pattern leaf
 * (always an array) is an OR of conditions over the leaf values found at its path;
 * fields of a pattern object are ANDed; `$or` ORs whole sub-patterns. Arrays in the
 * event are "crushed": a leaf path yields every scalar inside nested arrays, and an
 * object pattern matches an array if it matches one element (array consistency:
 * two fields are never satisfied by different elements of the same array). Hence
 * `{"exists": false}` under an array of objects holds when some element lacks the field.
 */

export class UnsupportedPatternError extends Error {
  override name = 'UnsupportedPatternError';
  constructor(
    message: string,
    /** JSON path of the offending part of the pattern, e.g. `detail.x`. */
    readonly path: string,
  ) {
    super(message);
  }
}

export type EventPredicate = (event: unknown) => boolean;

/** Compile once (validating everything up front), then match many events. */
export function compilePattern(pattern: unknown): EventPredicate {
  const root = typeof pattern === 'string' ? parseJson(pattern) : pattern;
  if (!isObject(root)) fail(ROOT, 'an event pattern must be a JSON object');
  const compiled = compileObject(root, '', false);
  if (compiled.combinations > MAX_OR_COMBINATIONS) {
    fail(
      ROOT,
      `$or expands to ${compiled.combinations} rule combinations, more than the ${MAX_OR_COMBINATIONS} EventBridge allows`,
    );
  }
  return compiled.match;
}

export function matches(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

// ---------------------------------------------------------------------------
// Structure: objects, $or and leaves

const ROOT = '(root)';
/** PutRule/TestEventPattern reject patterns whose $or arrays multiply out beyond this. */
const MAX_OR_COMBINATIONS = 1000;
/** The documented numeric-matching range; AWS rejects numeric bounds outside it. */
const NUMERIC_LIMIT = 5e9;

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);

type JsonObject = Record<string, unknown>;
type Scalar = string | number | boolean | null;

interface CompiledObject {
  match: (node: unknown) => boolean;
  /** How many AND-only rules this object expands to once every $or is distributed. */
  combinations: number;
}

const EMPTY: JsonObject = Object.freeze({});

function compileObject(pattern: JsonObject, path: string, insideOr: boolean): CompiledObject {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path || ROOT, 'empty objects are not allowed');

  const checks: Array<(obj: JsonObject) => boolean> = [];
  let combinations = 1;
  for (const key of keys) {
    const value = pattern[key];
    const at = join(path, key);
    if (key === '$or') {
      const or = compileOr(value, at);
      checks.push(or.match);
      combinations *= or.combinations;
      continue;
    }
    // Inside $or, EventBridge refuses operator names as field names: a typo such as
    // {"$or":[{"prefix":...}]} would otherwise silently become a field called "prefix".
    if (insideOr && OPERATORS.has(key)) {
      fail(at, `"${key}" is an operator and cannot be used as a field name inside $or`);
    }
    if (Array.isArray(value)) {
      const leaf = compileLeaf(value, at);
      checks.push((obj) => leaf(field(obj, key)));
    } else if (isObject(value)) {
      const sub = compileObject(value, at, insideOr);
      checks.push((obj) => sub.match(field(obj, key)));
      combinations *= sub.combinations;
    } else {
      fail(at, `the value of "${key}" must be an array of match values or an object, got ${describe(value)}`);
    }
  }

  const match = (node: unknown): boolean => {
    // An array of objects matches when one element matches the whole object pattern.
    if (Array.isArray(node) && node.length > 0) return node.some(match);
    // A scalar, null, empty array or missing node has no fields: only conditions
    // that accept absence (exists:false) can hold against it.
    const obj = isObject(node) ? node : EMPTY;
    return checks.every((check) => check(obj));
  };
  return { match, combinations };
}

function compileOr(value: unknown, path: string): CompiledObject {
  if (!Array.isArray(value)) fail(path, '$or must be an array of objects');
  if (value.length < 2) fail(path, '$or must contain at least 2 objects');
  const alternatives = value.map((alt, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(alt)) fail(at, `only objects are allowed in $or, got ${describe(alt)}`);
    return compileObject(alt, at, true);
  });
  return {
    match: (obj) => alternatives.some((alt) => alt.match(obj)),
    combinations: alternatives.reduce((sum, alt) => sum + alt.combinations, 0),
  };
}

type Condition =
  | { kind: 'value'; test: (value: Scalar) => boolean }
  | { kind: 'exists'; present: boolean };

function compileLeaf(values: unknown[], path: string): (fieldValue: unknown) => boolean {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  const conditions = values.map((value) => compileCondition(value, path));
  return (fieldValue) => {
    const leaves = collectLeaves(fieldValue);
    return conditions.some((c) =>
      c.kind === 'exists' ? (leaves.length > 0) === c.present : leaves.some(c.test),
    );
  };
}

/**
 * The scalar values at a path. Objects are intermediate nodes, not leaves, so
 * `{"exists": false}` holds for a field whose value is an object (documented) and
 * `{"exists": true}` does not; nested arrays are flattened.
 */
function collectLeaves(value: unknown): Scalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(collectLeaves);
  if (isScalar(value)) return [value];
  return [];
}

// ---------------------------------------------------------------------------
// Conditions: exact values and operators

function compileCondition(value: unknown, path: string): Condition {
  if (typeof value === 'string') return { kind: 'value', test: exactString(value) };
  if (typeof value === 'number') {
    const n = finite(value, path, 'a match value');
    // Numbers compare by value: 5 matches 5.0, and never the string "5".
    return { kind: 'value', test: (v) => v === n };
  }
  if (typeof value === 'boolean' || value === null) {
    // null and "" are distinct values in EventBridge; strict equality keeps them apart.
    return { kind: 'value', test: (v) => v === value };
  }
  if (!isObject(value)) {
    fail(path, `match values must be strings, numbers, booleans, null or operator objects, got ${describe(value)}`);
  }
  const [op, ...extra] = Object.keys(value);
  if (op === undefined) fail(path, 'empty match expression');
  if (extra.length > 0) {
    fail(path, `a match expression takes exactly one operator, got ${Object.keys(value).map(quote).join(', ')}`);
  }
  const arg = value[op];
  switch (op) {
    case 'prefix':
      return stringOperator(op, arg, path, (p) => (s) => s.startsWith(p), (p) => (s) => fold(s).startsWith(p));
    case 'suffix':
      return stringOperator(op, arg, path, (x) => (s) => s.endsWith(x), (x) => (s) => fold(s).endsWith(x));
    case 'equals-ignore-case': {
      const target = fold(requireString(arg, op, path));
      return onStrings((s) => fold(s) === target);
    }
    case 'wildcard':
      return onStrings(compileWildcard(requireString(arg, op, path), path));
    case 'numeric': {
      const inRange = compileNumeric(arg, path);
      return { kind: 'value', test: (v) => typeof v === 'number' && inRange(v) };
    }
    case 'cidr':
      return onStrings(compileCidr(requireString(arg, op, path), path));
    case 'exists':
      if (typeof arg !== 'boolean') fail(path, `"exists" must be true or false, got ${describe(arg)}`);
      return { kind: 'exists', present: arg };
    case 'anything-but':
      return compileAnythingBut(arg, path);
    default:
      return fail(path, `unsupported operator ${quote(op)} at ${path}`, true);
  }
}

/** Exact string match; IP literals also match other spellings of the same address, as event-ruler does. */
function exactString(expected: string): (v: Scalar) => boolean {
  const ip = parseIp(expected);
  if (!ip) return (v) => v === expected;
  return (v) => v === expected || (typeof v === 'string' && sameIp(ip, parseIp(v)));
}

/** prefix/suffix take a string, or `{"equals-ignore-case": string}`. */
function stringOperator(
  op: string,
  arg: unknown,
  path: string,
  exact: (needle: string) => (s: string) => boolean,
  ignoreCase: (foldedNeedle: string) => (s: string) => boolean,
): Condition {
  if (typeof arg === 'string') return onStrings(exact(arg));
  if (isObject(arg)) {
    const [inner, ...extra] = Object.keys(arg);
    if (inner !== 'equals-ignore-case' || extra.length > 0) {
      fail(path, `unsupported operator ${quote(inner ?? '')} inside "${op}" at ${path}`, true);
    }
    return onStrings(ignoreCase(fold(requireString(arg[inner], `${op}.${inner}`, path))));
  }
  return fail(path, `"${op}" must be a string or {"equals-ignore-case": string}, got ${describe(arg)}`);
}

function onStrings(test: (s: string) => boolean): Condition {
  // String operators never match numbers, booleans or null.
  return { kind: 'value', test: (v) => typeof v === 'string' && test(v) };
}

/**
 * anything-but matches every present leaf value the inner expression rejects,
 * including values of other types (anything-but "x" matches 5 and null). A missing
 * field has no values, so it never matches.
 */
function compileAnythingBut(arg: unknown, path: string): Condition {
  const negate = (excluded: (v: Scalar) => boolean): Condition => ({
    kind: 'value',
    test: (v) => !excluded(v),
  });

  if (typeof arg === 'string' || typeof arg === 'number') {
    const single = typeof arg === 'number' ? finite(arg, path, '"anything-but"') : arg;
    return negate((v) => v === single);
  }
  if (Array.isArray(arg)) {
    const allStrings = arg.length > 0 && arg.every((x) => typeof x === 'string');
    const allNumbers = arg.length > 0 && arg.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!allStrings && !allNumbers) {
      fail(path, '"anything-but" lists must be non-empty and contain only strings or only numbers');
    }
    const excluded = new Set<Scalar>(arg as Scalar[]);
    return negate((v) => excluded.has(v));
  }
  if (!isObject(arg)) {
    return fail(path, `"anything-but" must be a string, a number, a list, or an operator object, got ${describe(arg)}`);
  }

  const [op, ...extra] = Object.keys(arg);
  if (op === undefined || extra.length > 0) {
    fail(path, '"anything-but" takes exactly one of "prefix", "suffix", "equals-ignore-case", "wildcard"');
  }
  const exclusion = EXCLUSIONS.get(op);
  if (!exclusion) fail(path, `unsupported operator ${quote(op)} inside "anything-but" at ${path}`, true);
  const hit = exclusion(stringList(arg[op], `anything-but.${op}`, path), path);
  return negate((v) => typeof v === 'string' && hit(v));
}

/** The string operators anything-but can negate; each takes one string or a list of them. */
const EXCLUSIONS = new Map<string, (needles: string[], path: string) => (s: string) => boolean>([
  ['prefix', (needles, path) => nonEmpty(needles, 'prefix', path, (s, n) => s.startsWith(n))],
  ['suffix', (needles, path) => nonEmpty(needles, 'suffix', path, (s, n) => s.endsWith(n))],
  [
    'equals-ignore-case',
    (needles) => {
      const folded = new Set(needles.map(fold));
      return (s) => folded.has(fold(s));
    },
  ],
  [
    'wildcard',
    (needles, path) => {
      const globs = needles.map((n) => compileWildcard(n, path));
      return (s) => globs.some((glob) => glob(s));
    },
  ],
]);

/** An empty prefix/suffix would exclude every string; EventBridge rejects it. */
function nonEmpty(
  needles: string[],
  op: string,
  path: string,
  test: (s: string, needle: string) => boolean,
): (s: string) => boolean {
  if (needles.includes('')) fail(path, `"anything-but.${op}" must not be empty`);
  return (s) => needles.some((n) => test(s, n));
}

function stringList(arg: unknown, name: string, path: string): string[] {
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg) && arg.length > 0 && arg.every((x) => typeof x === 'string')) return arg as string[];
  return fail(path, `"${name}" must be a string or a non-empty list of strings, got ${describe(arg)}`);
}

// ---------------------------------------------------------------------------
// numeric

type Bound = { value: number; inclusive: boolean };

/**
 * Accepts `["=", n]`, `[op, n]` with op in < <= > >=, or a range
 * `[">" | ">=", low, "<" | "<=", high]` with low < high (EventBridge's grammar:
 * lower bound first, at most one of each).
 */
function compileNumeric(arg: unknown, path: string): (n: number) => boolean {
  if (!Array.isArray(arg) || arg.length === 0) fail(path, '"numeric" must be a non-empty array');
  const bad = (why: string): never => fail(path, `invalid "numeric" expression ${JSON.stringify(arg)}: ${why}`);
  const number = (x: unknown): number => {
    if (typeof x !== 'number' || !Number.isFinite(x)) return bad(`${describe(x)} is not a number`);
    if (Math.abs(x) > NUMERIC_LIMIT) return bad(`${x} is outside the supported range ±${NUMERIC_LIMIT}`);
    return x;
  };

  const [op, rawValue, upperOp, rawUpper, ...rest] = arg as unknown[];
  if (rest.length > 0) bad('too many terms');
  const value = number(rawValue);
  if (op === '=') {
    if (arg.length !== 2) bad('"=" takes exactly one number');
    return (n) => n === value;
  }
  if (op === '<' || op === '<=') {
    if (arg.length !== 2) bad(`"${op}" must be the only (or the second) comparison`);
    return op === '<' ? (n) => n < value : (n) => n <= value;
  }
  if (op !== '>' && op !== '>=') return bad(`unknown comparison ${describe(op)}`);

  const low: Bound = { value, inclusive: op === '>=' };
  if (arg.length === 2) return low.inclusive ? (n) => n >= value : (n) => n > value;
  if (arg.length !== 4 || (upperOp !== '<' && upperOp !== '<=')) {
    return bad('a range is [">" | ">=", low, "<" | "<=", high]');
  }
  const high: Bound = { value: number(rawUpper), inclusive: upperOp === '<=' };
  if (!(low.value < high.value)) bad('the lower bound must be less than the upper bound');
  return (n) =>
    (low.inclusive ? n >= low.value : n > low.value) && (high.inclusive ? n <= high.value : n < high.value);
}

// ---------------------------------------------------------------------------
// wildcard

/**
 * `*` matches any run of characters (including none); `\*` is a literal asterisk
 * and `\\` a literal backslash. EventBridge rejects consecutive `**` and any other
 * escape, so we do too.
 */
function compileWildcard(pattern: string, path: string): (s: string) => boolean {
  const segments: string[] = [];
  let literal = '';
  let afterStar = false; // tracked explicitly: in `\**` the char before the star is an escaped one
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') {
      if (afterStar) fail(path, `consecutive wildcard characters are not allowed in ${JSON.stringify(pattern)}`);
      segments.push(literal);
      literal = '';
      afterStar = true;
      continue;
    }
    afterStar = false;
    if (ch !== '\\') {
      literal += ch;
      continue;
    }
    const escaped = pattern.charAt(++i);
    if (escaped !== '*' && escaped !== '\\') {
      fail(path, `invalid escape in wildcard ${JSON.stringify(pattern)}: only \\* and \\\\ are allowed`);
    }
    literal += escaped;
  }
  segments.push(literal);
  return (s) => globMatch(segments, s);
}

/**
 * segments are the literal pieces between stars. Anchoring the first and last
 * pieces and placing each middle piece at its leftmost occurrence is exact for
 * star-only globs and runs in linear-ish time (no regex backtracking).
 */
function globMatch(segments: string[], s: string): boolean {
  const first = segments[0] ?? '';
  if (segments.length === 1) return s === first;
  const last = segments[segments.length - 1] ?? '';
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  const end = s.length - last.length;
  let pos = first.length;
  for (const segment of segments.slice(1, -1)) {
    const at = s.indexOf(segment, pos);
    if (at < 0 || at + segment.length > end) return false;
    pos = at + segment.length;
  }
  return true;
}

// ---------------------------------------------------------------------------
// cidr / IP addresses

interface Ip {
  bits: 32 | 128;
  value: bigint;
}

function compileCidr(cidr: string, path: string): (s: string) => boolean {
  const parts = cidr.split('/');
  const ip = parts.length === 2 ? parseIp(parts[0] ?? '') : undefined;
  const lengthText = parts[1] ?? '';
  const length = Number(lengthText);
  if (!ip || !/^\d{1,3}$/.test(lengthText) || length > ip.bits) {
    fail(path, `"cidr" must be an IPv4 or IPv6 block such as 10.0.0.0/24 or 2001:db8::/32, got ${JSON.stringify(cidr)}`);
  }
  const shift = BigInt(ip.bits - length);
  const network = ip.value >> shift;
  return (s) => {
    const candidate = parseIp(s);
    return candidate !== undefined && candidate.bits === ip.bits && candidate.value >> shift === network;
  };
}

function sameIp(a: Ip, b: Ip | undefined): boolean {
  return b !== undefined && a.bits === b.bits && a.value === b.value;
}

function parseIp(text: string): Ip | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let s = text;
  // An embedded IPv4 tail (::ffff:10.0.0.1) stands for the last two groups.
  if (s.includes('.')) {
    const cut = s.lastIndexOf(':');
    const tail = parseIpv4(s.slice(cut + 1));
    if (cut < 0 || tail === undefined) return undefined;
    s = `${s.slice(0, cut + 1)}${(tail >> 16n).toString(16)}:${(tail & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = groupsOf(halves[1] ?? '');
  const explicit = head.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...head, ...new Array<string>(8 - explicit).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// helpers

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** Own properties only: an event `{}` must not "have" a `constructor` field. */
function field(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function fold(s: string): string {
  return s.toLowerCase();
}

function requireString(arg: unknown, name: string, path: string): string {
  if (typeof arg !== 'string') fail(path, `"${name}" must be a string, got ${describe(arg)}`);
  return arg;
}

function finite(n: number, path: string, what: string): number {
  if (!Number.isFinite(n)) fail(path, `${what} must be a finite number`);
  return n;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(ROOT, `the event pattern is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Throws UnsupportedPatternError. Messages name the path (`... at detail.x`);
 * `complete` marks a message that already carries it.
 */
function fail(path: string, message: string, complete = false): never {
  throw new UnsupportedPatternError(complete ? message : `${message} at ${path}`, path);
}
