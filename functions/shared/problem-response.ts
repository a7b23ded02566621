/**
 * Problem details (RFC 9457) as the API sends them: the type URI, title and
 * detail in the caller's language (Accept-Language: zh-CN by default, en), and
 * the last-resort mapping of failures that are not the caller's fault — the
 * SDK's throttling and validation errors and timeouts — so that no input and
 * no overload answers a bare 500.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '#schemas/api/common';
import { genericProblems as p, msg, type Text } from '#schemas/api/problems';
import { HttpProblem } from './errors.ts';

export type Language = 'zh-CN' | 'en';

/** The caller's language: the first of zh and en by the header's q-values; zh-CN when neither is asked for. */
export function languageOf(header: string | undefined): Language {
  if (!header) return 'zh-CN';
  const ranked = header.split(',').map((part, i) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((s) => s.trim()).find((s) => s.startsWith('q='))?.slice(2) ?? '1');
    return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'zh-CN';
}

const say = (t: Text, lang: Language) => (lang === 'en' ? t.en : t.zh);

export function problemResponse(problem: HttpProblem, requestId: string, path: string, lang: Language): APIGatewayProxyStructuredResultV2 {
  const body: Problem = {
    type: problem.type,
    title: say(problem.problem.title, lang),
    status: problem.status,
    ...(problem.detailText ? { detail: say(problem.detailText, lang) } : {}),
    instance: path,
    traceId: requestId,
    ...(problem.errors?.length ? { errors: problem.errors.map((e) => ({ path: e.path, code: e.code, message: say(e.message, lang) })) } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'content-language': lang, 'x-request-id': requestId, ...problem.headers },
    body: JSON.stringify(body),
  };
}

export const internalError = () => new HttpProblem(p['internal-error'], msg('发生意外错误；报告时请提供 traceId。', 'Something went wrong; quote the traceId when reporting it.'));

const serviceUnavailable = (seconds: number) =>
  new HttpProblem(p['service-unavailable'], msg('服务暂时繁忙，未做任何更改；请稍后重试。', 'The service is busy and nothing was changed; retry shortly.'), undefined, { 'retry-after': String(seconds) });

/**
 * A write that did not finish in time may still have happened: say so, and
 * point to the key that makes the retry safe. A read changed nothing.
 */
const outcomeUnknown = (method: string) =>
  new HttpProblem(
    p['outcome-unknown'],
    method === 'GET'
      ? msg('请求超时，未做任何更改；请重试。', 'The request ran out of time; nothing was changed. Retry it.')
      : msg('请求超时：所请求的更改可能已经完成，也可能没有。请用同一个 Idempotency-Key 重试以取得记录的结果，或重新读取该资源。',
        'The request ran out of time: the change it asked for may or may not have been made. Retry with the same Idempotency-Key to get the recorded outcome, or read the resource again.'),
    undefined,
    { 'retry-after': '1' },
  );

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException',
  'Throttling', 'SlowDown', 'LimitExceededException',
]);
const REFUSED_AS_INVALID = new Set(['ValidationException', 'InvalidArgument', 'KeyTooLongError', 'InvalidParameterException']);
const NETWORK = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
  CancellationReasons?: { Code?: string }[];
}

/**
 * Failures of AWS services and the network, as the API answers them: throttling
 * → 503 with Retry-After (nothing was done); a request DynamoDB or S3 refuses as
 * invalid → 400 (a bound the edge missed: logged, fixed at the edge); a timeout,
 * a dropped connection or a server error → 504 outcome unknown for writes, 503
 * for reads. Anything else is not an infrastructure failure.
 */
export function infrastructureProblem(err: unknown, method: string): HttpProblem | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as SdkError;
  const name = e.name ?? '';
  const reasons = (e.CancellationReasons ?? []).map((r) => r.Code);
  if (THROTTLED.has(name) || reasons.includes('ThrottlingError')) return serviceUnavailable(1);
  if (NETWORK.has(name) || NETWORK.has(e.code ?? '')) return method === 'GET' ? serviceUnavailable(1) : outcomeUnknown(method);
  if (e.$metadata === undefined) return undefined;
  if (REFUSED_AS_INVALID.has(name) || reasons.includes('ValidationError')) {
    return new HttpProblem(p['malformed-request'], msg('请求无法按原样处理。', 'The request cannot be processed as given.'));
  }
  if (e.$fault === 'server' || (e.$metadata.httpStatusCode ?? 0) >= 500) return method === 'GET' ? serviceUnavailable(1) : outcomeUnknown(method);
  return undefined;
}

class HandlerTimedOut extends Error {
  constructor() {
    super('the handler ran into its early timeout');
    this.name = 'HandlerTimedOut';
  }
}

/** The problem of an operation that ran into the function's early timeout (see ANSWER_RESERVE_MS). */
export const timedOut = Object.assign(
  (err: unknown, method: string): HttpProblem | undefined => (err instanceof HandlerTimedOut ? outcomeUnknown(method) : undefined),
  { marker: () => new HandlerTimedOut() },
);
