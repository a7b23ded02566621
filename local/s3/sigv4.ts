/**
 * AWS Signature Version 4, verified as S3 verifies it — s3rver 3.7 does not:
 * its authentication middleware only checks the expiry of a presigned URL
 * ("Signature version 4 calculation is unimplemented"). The middleware
 * (signatureVerification in ./request-checks.ts) runs before s3rver's router.
 *
 * Two mechanisms are verified:
 *   - query-string presigned requests (X-Amz-Signature / X-Amz-Algorithm in
 *     the query), what browsers get: parameters, credential scope and expiry
 *     are checked first (AuthorizationQueryParametersError, AccessDenied
 *     "Request has expired", at most 7 days), then the signature;
 *   - the Authorization header (AWS4-HMAC-SHA256), the SDK's own calls: the
 *     signature over the headers it names and the x-amz-content-sha256 value
 *     as payload hash (`UNSIGNED-PAYLOAD`, `STREAMING-…` literals or a hex
 *     digest). The BODY is not hashed: a body that does not match its
 *     declared SHA-256, and the chunk signatures of `STREAMING-AWS4-HMAC-
 *     SHA256-PAYLOAD` uploads, are not checked (S3 answers 400
 *     XAmzContentSHA256Mismatch / SignatureDoesNotMatch there). Clock skew
 *     (15 min) is left to s3rver. A header-signed request without
 *     X-Amz-Date (dated by `Date:` only), a malformed Authorization header,
 *     or a request carrying both mechanisms is left to s3rver as before —
 *     it refuses the malformed ones itself.
 *
 * The canonical request is S3's: method; the path exactly as sent (S3 does
 * not encode it again); every query parameter (but X-Amz-Signature for a
 * presigned one) decoded then RFC 3986-encoded and sorted; the signed
 * headers with their trimmed, space-collapsed values from the actual
 * request (a signed header the request lacks is a mismatch); the signed
 * header list; the payload hash. The secret comes from the access key of
 * the credential (s3rver's only one: S3RVER/S3RVER); the region of the
 * scope must be the local region, the service `s3`.
 *
 * Refusals carry what S3's error XML carries (StringToSign, CanonicalRequest
 * and their bytes for SignatureDoesNotMatch), so a local 403 can be debugged
 * as a real one.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HeaderValue = string | string[] | undefined;

/** What the verification reads of a request. */
export interface SignedRequest {
  readonly method: string;
  /** The request target as received: raw path and query (`/bucket/a%20b?X-Amz-Date=…`). */
  readonly url: string;
  /** Lower-case names, as Node gives them. */
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export interface SigV4Options {
  /** The region every credential scope must name. */
  readonly region: string;
  /** The secret of an access key; undefined: unknown key (403 InvalidAccessKeyId). */
  secretFor(accessKeyId: string): string | undefined;
  /** Epoch ms; defaults to Date.now(). */
  readonly now?: number;
}

export type SigV4Mechanism = 'query' | 'header';

export type SigV4Outcome =
  /** Not a SigV4 request this module verifies: s3rver decides (anonymous, V2, malformed header). */
  | { readonly kind: 'unverified' }
  | { readonly kind: 'verified'; readonly mechanism: SigV4Mechanism; readonly accessKeyId: string }
  | {
      readonly kind: 'refused';
      readonly mechanism: SigV4Mechanism;
      /** S3's error code; the status goes with it (403 or 400). */
      readonly code: 'SignatureDoesNotMatch' | 'AccessDenied' | 'InvalidAccessKeyId' | 'AuthorizationQueryParametersError' | 'AuthorizationHeaderMalformed';
      readonly message: string;
      /** The error XML's further elements, in S3's order. */
      readonly detail: Record<string, string>;
      /** For the local log: why, in a few words. */
      readonly reason: string;
    };

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 's3';
/** S3's limit for X-Amz-Expires: 7 days. */
export const MAX_EXPIRES_SECONDS = 604_800;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ as %XX (upper-case hex). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The query's parameters in order, decoded (`+` stays a plus: SDKs send spaces as %20). */
export function parseQuery(rawQuery: string): [string, string][] {
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });
}

/** Every parameter but those left out, RFC 3986-encoded, sorted by name then value. */
export function canonicalQueryString(params: readonly [string, string][], leaveOut: ReadonlySet<string> = new Set()): string {
  return params
    .filter(([k]) => !leaveOut.has(k))
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value\n` for each signed header, from the actual request; `missing` lists signed headers it does not carry. */
export function canonicalHeaders(headers: Readonly<Record<string, HeaderValue>>, signedHeaders: readonly string[]): { text: string; missing: string[] } {
  const missing: string[] = [];
  let text = '';
  for (const name of signedHeaders) {
    const raw = headers[name.toLowerCase()];
    if (raw === undefined) missing.push(name);
    const value = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).trim().replace(/\s+/g, ' ');
    text += `${name}:${value}\n`;
  }
  return { text, missing };
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export interface CanonicalParts {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: string;
  readonly signedHeaders: string;
  readonly payloadHash: string;
}

export const canonicalRequest = (p: CanonicalParts) => [p.method, p.path, p.query, p.headers, p.signedHeaders, p.payloadHash].join('\n');

export const stringToSign = (amzDate: string, scope: string, canonical: string) => [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');

export const signature = (key: Buffer, toSign: string) => createHmac('sha256', key).update(toSign, 'utf8').digest('hex');

/** Constant-time comparison of the hex signatures (a different length is simply unequal). */
export function signaturesMatch(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const bytes = (s: string) => Buffer.from(s, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 ');
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Epoch ms of an X-Amz-Date (`yyyyMMdd'T'HHmmss'Z'`); NaN when it is not one. */
export function amzDateMs(s: string): number {
  const m = AMZ_DATE.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  // Reject 20240231T…: Date.UTC would roll it over.
  return new Date(ms).getUTCDate() === d ? ms : NaN;
}

/** The X-Amz-Date of an instant (to the second). */
export const amzDate = (ms: number) => isoSeconds(ms).replace(/[-:]/g, '');

const first = (v: HeaderValue) => (Array.isArray(v) ? v[0] : v);

type Refusal = Extract<SigV4Outcome, { kind: 'refused' }>;

/** Verifies a request's SigV4 signature (query string or Authorization header), as S3 would. */
export function verifySigV4(req: SignedRequest, opts: SigV4Options): SigV4Outcome {
  const q = req.url.indexOf('?');
  const rawPath = (q < 0 ? req.url : req.url.slice(0, q)) || '/';
  const params = parseQuery(q < 0 ? '' : req.url.slice(q + 1));
  const param = (name: string) => params.find(([k]) => k === name)?.[1];
  const authorization = first(req.headers.authorization);
  const presigned = param('X-Amz-Signature') !== undefined || param('X-Amz-Algorithm') !== undefined;
  // Both mechanisms: s3rver answers InvalidArgument "Only one auth mechanism allowed", as S3 does.
  if (presigned && authorization !== undefined) return { kind: 'unverified' };
  if (presigned) return verifyQuery(req, rawPath, params, param, opts);
  if (authorization?.startsWith(`${ALGORITHM} `)) return verifyHeader(req, rawPath, params, authorization, opts);
  return { kind: 'unverified' };
}

function verifyQuery(
  req: SignedRequest,
  rawPath: string,
  params: [string, string][],
  param: (name: string) => string | undefined,
  opts: SigV4Options,
): SigV4Outcome {
  const mechanism = 'query';
  const bad = (message: string, detail: Record<string, string> = {}): Refusal => ({ kind: 'refused', mechanism, code: 'AuthorizationQueryParametersError', message, detail, reason: message });
  const algorithm = param('X-Amz-Algorithm');
  const credential = param('X-Amz-Credential');
  const provided = param('X-Amz-Signature');
  const amzDate = param('X-Amz-Date');
  const signedHeaderList = param('X-Amz-SignedHeaders');
  const expiresParam = param('X-Amz-Expires');
  if (algorithm === undefined || credential === undefined || provided === undefined || amzDate === undefined || signedHeaderList === undefined || expiresParam === undefined) {
    return bad('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (algorithm !== ALGORITHM) return bad(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const dateMs = amzDateMs(amzDate);
  if (Number.isNaN(dateMs)) return bad(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (!/^-?\d+$/.test(expiresParam)) return bad('X-Amz-Expires should be a number');
  const expires = Number(expiresParam);
  if (expires < 0) return bad('X-Amz-Expires must be non-negative');
  if (expires > MAX_EXPIRES_SECONDS) {
    return bad(`X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`);
  }
  const scope = checkScope(credential, amzDate, opts.region, 'Error parsing the X-Amz-Credential parameter; ');
  if ('message' in scope) return bad(scope.message, scope.detail);

  const secret = opts.secretFor(scope.accessKeyId);
  if (secret === undefined) return invalidAccessKey(mechanism, scope.accessKeyId);

  const now = opts.now ?? Date.now();
  const expiresAt = dateMs + expires * 1000;
  if (now > expiresAt) {
    return {
      kind: 'refused',
      mechanism,
      code: 'AccessDenied',
      message: 'Request has expired',
      detail: { 'X-Amz-Expires': expiresParam, Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(now) },
      reason: `expired at ${isoSeconds(expiresAt)}`,
    };
  }

  return check(req, mechanism, {
    rawPath,
    query: canonicalQueryString(params, new Set(['X-Amz-Signature'])),
    signedHeaderList,
    payloadHash: param('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    amzDate,
    scope,
    secret,
    provided,
  });
}

function verifyHeader(req: SignedRequest, rawPath: string, params: [string, string][], authorization: string, opts: SigV4Options): SigV4Outcome {
  const mechanism = 'header';
  const components = new Map(
    authorization
      .slice(ALGORITHM.length)
      .split(',')
      .map((c) => c.trim())
      .map((c) => [c.slice(0, Math.max(0, c.indexOf('='))), c.slice(c.indexOf('=') + 1)] as const),
  );
  const credential = components.get('Credential');
  const signedHeaderList = components.get('SignedHeaders');
  const provided = components.get('Signature');
  const amzDate = first(req.headers['x-amz-date']);
  const payloadHash = first(req.headers['x-amz-content-sha256']);
  // Malformed, or dated by `Date:` only: s3rver refuses or accepts it as before.
  if (!credential || !signedHeaderList || !provided || !amzDate || !payloadHash || Number.isNaN(amzDateMs(amzDate))) return { kind: 'unverified' };

  const scope = checkScope(credential, amzDate, opts.region, 'The authorization header is malformed; ');
  if ('message' in scope) return { kind: 'refused', mechanism, code: 'AuthorizationHeaderMalformed', message: scope.message, detail: scope.detail, reason: scope.message };
  const secret = opts.secretFor(scope.accessKeyId);
  if (secret === undefined) return invalidAccessKey(mechanism, scope.accessKeyId);

  return check(req, mechanism, { rawPath, query: canonicalQueryString(params), signedHeaderList, payloadHash, amzDate, scope, secret, provided });
}

interface Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  /** date/region/s3/aws4_request */
  readonly text: string;
}

/** The credential `AKID/yyyyMMdd/region/s3/aws4_request`, checked against X-Amz-Date and the local region. */
function checkScope(credential: string, amzDate: string, region: string, prefix: string): Scope | { message: string; detail: Record<string, string> } {
  const parts = credential.split('/');
  const [accessKeyId, date, credRegion, service, terminal] = parts as [string, string?, string?, string?, string?];
  if (parts.length !== 5 || !accessKeyId || !date || !credRegion || !service || terminal !== 'aws4_request') {
    return { message: `${prefix}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`, detail: {} };
  }
  if (!/^\d{8}$/.test(date)) return { message: `${prefix}incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`, detail: {} };
  if (credRegion !== region) return { message: `${prefix}the region '${credRegion}' is wrong; expecting '${region}'`, detail: { Region: region } };
  if (service !== SERVICE) return { message: `${prefix}incorrect service "${service}". This endpoint belongs to "${SERVICE}".`, detail: {} };
  if (date !== amzDate.slice(0, 8)) return { message: `${prefix}Invalid credential date. Date is not the same as X-Amz-Date.`, detail: {} };
  return { accessKeyId, date, region: credRegion, text: [date, credRegion, service, terminal].join('/') };
}

function invalidAccessKey(mechanism: SigV4Mechanism, accessKeyId: string): Refusal {
  return {
    kind: 'refused',
    mechanism,
    code: 'InvalidAccessKeyId',
    message: 'The AWS Access Key Id you provided does not exist in our records.',
    detail: { AWSAccessKeyId: accessKeyId },
    reason: `unknown access key ${accessKeyId}`,
  };
}

function check(
  req: SignedRequest,
  mechanism: SigV4Mechanism,
  s: { rawPath: string; query: string; signedHeaderList: string; payloadHash: string; amzDate: string; scope: Scope; secret: string; provided: string },
): SigV4Outcome {
  const signedHeaders = s.signedHeaderList.split(';');
  const headers = canonicalHeaders(req.headers, signedHeaders);
  const canonical = canonicalRequest({ method: req.method, path: s.rawPath, query: s.query, headers: headers.text, signedHeaders: s.signedHeaderList, payloadHash: s.payloadHash });
  const toSign = stringToSign(s.amzDate, s.scope.text, canonical);
  const expected = signature(signingKey(s.secret, s.scope.date, s.scope.region, SERVICE), toSign);
  // A signed header the request lacks never matches, even were its signed value empty.
  if (!headers.missing.length && signaturesMatch(expected, s.provided)) return { kind: 'verified', mechanism, accessKeyId: s.scope.accessKeyId };
  return {
    kind: 'refused',
    mechanism,
    code: 'SignatureDoesNotMatch',
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    detail: {
      AWSAccessKeyId: s.scope.accessKeyId,
      StringToSign: toSign,
      SignatureProvided: s.provided,
      StringToSignBytes: bytes(toSign),
      CanonicalRequest: canonical,
      CanonicalRequestBytes: bytes(canonical),
    },
    reason: headers.missing.length ? `signed header(s) missing from the request: ${headers.missing.join(', ')}` : 'the signature differs (see CanonicalRequest in the error)',
  };
}
