/**
 * Problem types (RFC 9457 `type`): one stable URI per rule a request can break,
 * so a client tells "materials missing" from "wrong state" by `type`, never by
 * parsing `detail`. Titles come in zh-CN (the default) and English; the HTTP
 * stack picks one by Accept-Language. The generic types below are the HTTP
 * stack's and every domain's; each domain defines the types of its own business
 * rules in `functions/<domain>/problems.ts` with `defineProblems`, and the
 * OpenAPI document lists them all.
 */

/** A text people read, in both languages the API speaks. */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

export const msg = (zh: string, en: string): Text => ({ zh, en });

export interface ProblemType {
  /** The last segment of the type URI: stable, kebab-case. */
  readonly slug: string;
  readonly status: number;
  readonly title: Text;
  /** When a client meets it and what to do (English, for the reference). */
  readonly about: string;
}

export const PROBLEM_BASE = 'https://onestop.example.gov.cn/problems/';
export const problemUri = (slug: string) => `${PROBLEM_BASE}${slug}`;

type Definitions = Record<string, Omit<ProblemType, 'slug'>>;

/** A domain's problem types, keyed by their slug. */
export function defineProblems<const D extends Definitions>(defs: D): { readonly [K in keyof D & string]: ProblemType } {
  return Object.fromEntries(Object.entries(defs).map(([slug, d]) => [slug, { slug, ...d }])) as never;
}

export const genericProblems = defineProblems({
  'validation-failed': {
    status: 400, title: msg('请求内容不符合要求', 'Validation failed'),
    about: 'The path, query or body does not match the operation\'s schema; `errors` lists every field at fault.',
  },
  'malformed-request': {
    status: 400, title: msg('请求格式错误', 'Malformed request'),
    about: 'The request cannot be read: the body is not JSON, is nested too deep, holds text that is not well-formed Unicode, or a header is malformed.',
  },
  'invalid-cursor': {
    status: 400, title: msg('分页令牌无效', 'Invalid page token'),
    about: '`nextToken` was not issued by this operation for this caller\'s center and these filters, was altered, or expired; start again from the first page.',
  },
  unauthorized: {
    status: 401, title: msg('未认证', 'Unauthorized'),
    about: 'The bearer token is missing, invalid or expired (API Gateway answers these itself with `{"message":"Unauthorized"}`), or the account was disabled.',
  },
  forbidden: {
    status: 403, title: msg('无权操作', 'Forbidden'),
    about: 'The caller\'s role, department or center does not allow this operation on this resource.',
  },
  'not-found': {
    status: 404, title: msg('未找到', 'Not found'),
    about: 'No such resource in the caller\'s center (or none the caller may know of).',
  },
  gone: {
    status: 410, title: msg('已销毁', 'Gone'),
    about: 'The resource existed and was destroyed (e.g. files destroyed with their archive after its retention).',
  },
  'wrong-state': {
    status: 409, title: msg('当前状态不允许此操作', 'Not allowed in the current state'),
    about: 'The resource\'s state does not allow this action; read it again — its `nextActions` (where it has them) lists what is possible now.',
  },
  'already-exists': {
    status: 409, title: msg('已存在', 'Already exists'),
    about: 'A resource with this identity (code, username, ID number…) already exists.',
  },
  'concurrent-request': {
    status: 409, title: msg('并发请求冲突', 'Concurrent request'),
    about: 'Another request changed or created the same thing at the same moment, or a request with this Idempotency-Key is still running; retry it.',
  },
  'precondition-failed': {
    status: 412, title: msg('版本已变化', 'Precondition failed'),
    about: 'If-Match does not name the current version: someone changed the resource since you read it. Read it again and retry.',
  },
  'precondition-required': {
    status: 428, title: msg('缺少 If-Match', 'Precondition required'),
    about: 'Send If-Match with the ETag of the version you read.',
  },
  'payload-too-large': {
    status: 413, title: msg('请求体过大', 'Payload too large'),
    about: 'The body exceeds the operation\'s size limit.',
  },
  'unsupported-media-type': {
    status: 415, title: msg('不支持的媒体类型', 'Unsupported media type'),
    about: 'Send the body as application/json.',
  },
  'idempotency-key-reused': {
    status: 422, title: msg('幂等键已用于其他请求', 'Idempotency-Key reused'),
    about: 'This Idempotency-Key was used with another operation, resource or body; use a new key for a new request.',
  },
  'service-unavailable': {
    status: 503, title: msg('服务暂时繁忙', 'Service unavailable'),
    about: 'The service is throttled or a dependency is briefly unavailable; nothing was changed. Retry after Retry-After seconds.',
  },
  'outcome-unknown': {
    status: 504, title: msg('处理结果未知', 'Outcome unknown'),
    about: 'The request ran out of time; a change it asked for may or may not have been made. Retry with the same Idempotency-Key to get the recorded outcome, or read the resource.',
  },
  'internal-error': {
    status: 500, title: msg('服务器内部错误', 'Internal error'),
    about: 'Something unexpected went wrong; quote the traceId when reporting it.',
  },
});
